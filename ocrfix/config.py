"""Configuration files (TOML).

Example ``ocrfix.toml``::

    steps = ["unicode", "words"]      # order matters
    min_confidence = 0.6
    words = ["our-names.txt"]         # extra vocabulary, one word per line
    max_line_chars = 1000000

    [words]                           # options of one step, by step name
    error_profile = "auto"            # or an engine of the confusion table: "tesseract-eng" ...

A config never executes code: it only names registered steps and gives
them plain values.
"""
from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, Mapping

TOP_LEVEL_KEYS = {"steps", "min_confidence", "words", "max_line_chars", "extra_words", "domain_vocabulary", "general_bigrams", "error_model",
                  "join_lines"}


class ConfigError(ValueError):
    pass


def load_config(config: str | Path | Mapping[str, Any] | None) -> dict[str, Any]:
    """Read a config file or dict into ``{top-level keys..., "options": {step: {...}}}``."""
    if config is None:
        raw: dict[str, Any] = {}
        base = Path.cwd()
    elif isinstance(config, Mapping):
        raw = dict(config)
        base = Path.cwd()
    else:
        path = Path(config)
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot read config {path}: {exc}") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"config {path} is not valid TOML: {exc}") from None
        base = path.parent
    cfg: dict[str, Any] = {"options": dict(raw.pop("options", {}))}
    for key, value in raw.items():
        if isinstance(value, dict):
            cfg["options"][key] = value
        elif key in TOP_LEVEL_KEYS:
            cfg[key] = value
        else:
            raise ConfigError(f"unknown config key {key!r} (known: {', '.join(sorted(TOP_LEVEL_KEYS))}, or a [step] table)")
    steps = cfg.get("steps")
    if steps is not None and (not isinstance(steps, list) or not all(isinstance(s, str) for s in steps)):
        raise ConfigError("steps must be a list of step names")
    words = cfg.get("words", [])
    if isinstance(words, str):
        words = [words]
    cfg["words"] = [str(base / w) for w in words]
    if isinstance(cfg.get("error_model"), str):
        cfg["error_model"] = str(base / cfg["error_model"])
    domain = cfg.get("domain_vocabulary")
    if isinstance(domain, str):  # a folder of domain files, relative to the config
        cfg["domain_vocabulary"] = str(base / domain)
    elif domain is not None and not isinstance(domain, bool):
        raise ConfigError("domain_vocabulary must be true, false or a folder path")
    if not isinstance(cfg.get("general_bigrams", True), bool):
        raise ConfigError("general_bigrams must be true or false")
    return cfg


def parse_steps(spec: str) -> list[str]:
    """``"unicode,words"`` -> ``["unicode", "words"]``; ``"none"`` or ``""`` -> ``[]``."""
    spec = spec.strip()
    if spec in ("", "none"):
        return []
    return [s.strip() for s in spec.split(",") if s.strip()]
