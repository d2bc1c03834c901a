"""Sub-commands of the ocrfix CLI, one module each (loaded lazily by ocrfix.cli)."""
