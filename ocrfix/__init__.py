"""ocrfix: repair OCR-garbled Swedish text.

Library use::

    import ocrfix
    clean = ocrfix.fix(text)
    clean, edits = ocrfix.fix_with_edits(text)
    for line in ocrfix.fix_lines(open("big.txt", encoding="utf-8")):
        ...
    pipeline = ocrfix.Pipeline.from_config("ocrfix.toml")

``fix``, ``fix_with_edits`` and ``fix_lines`` accept the keyword options of
:class:`Pipeline` (``steps``, ``min_confidence``, ``words``, ``options``);
calls with the same options share one pipeline (and its loaded lexicon).
"""
from __future__ import annotations

from typing import Any, Iterable, Iterator

from .correctors.base import Corrector, Document
from .edits import Edit, replay
from .pipeline import Pipeline

__all__ = ["fix", "fix_with_edits", "fix_lines", "Pipeline", "Corrector", "Document", "Edit", "replay"]

_pipelines: dict[str, Pipeline] = {}


def _pipeline(options: dict[str, Any]) -> Pipeline:
    key = repr(sorted((k, repr(v)) for k, v in options.items()))
    pipeline = _pipelines.get(key)
    if pipeline is None:
        if "steps" in options and options["steps"] is not None:
            options = {**options, "steps": list(options["steps"])}
        pipeline = _pipelines[key] = Pipeline(**options)
    return pipeline


def fix(text: str, **options: Any) -> str:
    """Return ``text`` corrected by the default (or configured) pipeline."""
    return _pipeline(options).fix(text)


def fix_with_edits(text: str, **options: Any) -> tuple[str, list[Edit]]:
    """Return the corrected text and the list of edits that produced it."""
    return _pipeline(options).fix_with_edits(text)


def fix_lines(lines: Iterable[str], **options: Any) -> Iterator[str]:
    """Correct an iterable of lines lazily (one output line per input line)."""
    return _pipeline(options).fix_lines(lines)
