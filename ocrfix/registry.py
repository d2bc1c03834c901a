"""Corrector registry: built-in steps by name, plus third-party plug-ins.

Built-ins are imported lazily (only the steps a run uses are loaded, which
keeps CLI start-up fast). Third-party correctors register through the
``ocrfix.correctors`` entry-point group::

    [project.entry-points."ocrfix.correctors"]
    shout = "mypkg.module:Shout"
"""
from __future__ import annotations

import importlib

from .correctors.base import Corrector

ENTRY_POINT_GROUP = "ocrfix.correctors"

# name -> "module:Class", in the order of the default pipeline.
BUILTIN: dict[str, str] = {
    "unicode": "ocrfix.correctors.unicode:UnicodeNormalizer",
    "dehyphen": "ocrfix.correctors.dehyphen:Dehyphenate",
    "fontmap": "ocrfix.correctors.fontmap:FontMapRepair",
    "headings": "ocrfix.correctors.headings:SectionNumbers",
    "markers": "ocrfix.correctors.markers:ListMarkers",
    "punctuation": "ocrfix.correctors.punctuation:CommaForStop",
    "rejoin": "ocrfix.correctors.rejoin:Rejoin",
    "split": "ocrfix.correctors.split:Split",
    "words": "ocrfix.correctors.words:WordCorrector",
}

# The steps ``ocrfix`` runs when none are chosen.
DEFAULT_STEPS: list[str] = ["unicode", "fontmap", "markers", "headings", "rejoin", "split", "words", "punctuation"]


class UnknownCorrector(LookupError):
    pass


def _load(target: str) -> type[Corrector]:
    module, _, attr = target.partition(":")
    return getattr(importlib.import_module(module), attr)


def _plugins() -> dict[str, object]:
    from importlib.metadata import entry_points  # only when a plug-in is asked for: ~20 ms

    return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}


def get(name: str) -> type[Corrector]:
    """The corrector class registered under ``name``."""
    if name in BUILTIN:
        return _load(BUILTIN[name])
    plugin = _plugins().get(name)
    if plugin is None:
        known = ", ".join(list(BUILTIN) + sorted(_plugins()))
        raise UnknownCorrector(f"unknown step {name!r} (known: {known})")
    cls = plugin.load()
    if not (isinstance(cls, type) and issubclass(cls, Corrector)):
        raise UnknownCorrector(f"entry point {name!r} does not name a Corrector subclass")
    return cls


def available() -> dict[str, type[Corrector]]:
    """Every registered corrector, built-ins first, by name."""
    found: dict[str, type[Corrector]] = {name: _load(target) for name, target in BUILTIN.items()}
    for name in sorted(_plugins()):
        if name not in found:
            try:
                found[name] = get(name)
            except Exception:  # a broken plug-in must not break `ocrfix steps`
                continue
    return found
