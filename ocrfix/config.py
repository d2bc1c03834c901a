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

import os
import tomllib
from numbers import Integral, Real
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
    _check_values(cfg)
    words = cfg.get("words", [])
    if isinstance(words, str):
        words = [words]
    cfg["words"] = [str(base / w) for w in words]
    if isinstance(cfg.get("error_model"), (str, Path)):
        cfg["error_model"] = str(base / cfg["error_model"])
        _check_error_model(cfg["error_model"])
    domain = cfg.get("domain_vocabulary")
    if isinstance(domain, (str, Path)):  # a folder of domain files, relative to the config
        cfg["domain_vocabulary"] = str(base / domain)
        _check_domain_folder(cfg["domain_vocabulary"])
    elif domain is not None and not isinstance(domain, bool):
        raise ConfigError("domain_vocabulary must be true, false or a folder path")
    if not isinstance(cfg.get("general_bigrams", True), bool):
        raise ConfigError("general_bigrams must be true or false")
    return cfg


def _check_values(cfg: dict[str, Any]) -> None:
    """A ConfigError for a value of the wrong type or range: the same ranges
    as the command's flags (a TOML string "false" must not switch joining on)."""
    number = cfg.get("min_confidence", 0.5)
    if isinstance(number, bool) or not isinstance(number, Real) or not 0 <= number <= 1:
        raise ConfigError(f"min_confidence must be a number from 0 to 1, not {number!r}")
    limit = cfg.get("max_line_chars", 1)
    if isinstance(limit, bool) or not isinstance(limit, Integral) or limit < 1:
        raise ConfigError(f"max_line_chars must be a whole number of at least 1, not {limit!r}")
    if not isinstance(cfg.get("join_lines", False), bool):
        raise ConfigError(f"join_lines must be true or false, not {cfg['join_lines']!r}")
    words = cfg.get("words", [])
    if not isinstance(words, str) and not (isinstance(words, list) and all(isinstance(w, str) for w in words)):
        raise ConfigError("words must be a word-list file or a list of them")
    extra = cfg.get("extra_words", [])
    if not isinstance(extra, list) or not all(isinstance(w, str) for w in extra):
        raise ConfigError("extra_words must be a list of words")
    model = cfg.get("error_model")
    if model is not None and not isinstance(model, (str, Path)):
        raise ConfigError("error_model must be the path of a confusion table")


def _check_error_model(path: str) -> None:
    """A ConfigError unless ``path`` is a confusion table ocrfix can read (as
    scripts/learn_error_model.py writes them, with a ``default`` profile);
    otherwise every word step would fail on every block."""
    from .errormodel import ErrorModel

    if not Path(path).is_file():
        raise ConfigError(f"error_model {path} is not a file")
    try:
        ErrorModel.load(path, profile="default")
    except (OSError, ValueError) as exc:  # ValueError: also a UnicodeDecodeError
        raise ConfigError(f"error_model {path} is not an error-model table made by scripts/learn_error_model.py ({exc})") from None


def _check_domain_folder(folder: str) -> None:
    """A ConfigError unless ``folder`` holds domain files (domain_words.tsv)."""
    if not (Path(folder) / "domain_words.tsv").is_file():
        raise ConfigError(f"domain_vocabulary {folder}: no domain_words.tsv there (make one with scripts/build_domain_data.py --out)")


def check_cache_dir() -> None:
    """A ConfigError if ``$OCRFIX_CACHE_DIR`` (where the compiled lexicon is
    kept, see ocrfix.lexicon.cache_root) names a file, or a folder inside one:
    otherwise every step that needs the lexicon would fail on every block."""
    env = os.environ.get("OCRFIX_CACHE_DIR")
    if not env:
        return
    root = Path(env)
    for path in (root, *root.parents):
        if path.exists():
            if not path.is_dir():
                where = "" if path == root else f" ({path} is a file)"
                raise ConfigError(f"OCRFIX_CACHE_DIR {env} is not a directory{where}; the compiled lexicon is kept there")
            return


def parse_steps(spec: str) -> list[str]:
    """``"unicode,words"`` -> ``["unicode", "words"]``; ``"none"`` or ``""`` -> ``[]``."""
    spec = spec.strip()
    if spec in ("", "none"):
        return []
    return [s.strip() for s in spec.split(",") if s.strip()]
