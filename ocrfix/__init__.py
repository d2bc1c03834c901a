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
    """Correct an iterable of lines lazily, one output line per input line.

    A line may come with its ``\\n`` (as read from a file) or without (as
    ``str.splitlines()`` gives it): a line without one is still a line of
    its own, and comes out corrected and without one. With
    ``join_lines=True`` lines may be joined, so every line but the last
    must end in ``\\n`` (a ValueError otherwise).
    """
    pipeline = _pipeline(options)
    return pipeline.fix_lines(lines) if pipeline.join_lines else _line_for_line(pipeline, lines)


def _line_for_line(pipeline: Pipeline, lines: Iterable[str]) -> Iterator[str]:
    """``pipeline.fix_lines`` for lines with or without ``\\n``: a line without
    one gets one while it is corrected, and loses it again on the way out."""
    from collections import deque

    from .stream import Passthrough

    added: deque[int] = deque()  # the line endings put on, by their number in the stream
    read = 0  # line endings read so far

    def ended() -> Iterator[str | Passthrough]:
        nonlocal read
        for line in lines:
            if not isinstance(line, (str, Passthrough)):
                raise TypeError(f"lines must be str, not {type(line).__name__}")
            if isinstance(line, str) and not line.endswith("\n"):
                line += "\n"
                added.append(read + line.count("\n") - 1)
            read += (line.text if isinstance(line, Passthrough) else line).count("\n")
            yield line

    written = 0  # line endings written so far
    for piece in pipeline.fix_lines(ended()):
        written += piece.count("\n")
        if added and added[0] == written - 1:  # the piece ends in an ending put on
            added.popleft()
            piece = piece[:-1]
        yield piece
