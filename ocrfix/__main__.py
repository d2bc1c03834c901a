"""``python -m ocrfix`` is the same as the ``ocrfix`` command."""
from .cli import console_main

if __name__ == "__main__":
    console_main()
