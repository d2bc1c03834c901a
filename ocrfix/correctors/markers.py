"""List markers misread at the start of a line.

Fixes ``®  lagen (1988:870) …`` -> ``•  lagen (1988:870) …``: engines without
the glyph read a bullet as ``®``, ``¢``, ``«``, ``*``, ``o`` or ``e``. What each
line-initial one-character token stood for is learned per OCR engine from
aligned pages (``dictionaries/markers.tsv``); a marker is replaced when that
estimate is at least ``min_probability`` from at least ``min_count`` sightings.

Refuses to touch: anything but a lone character at the start of a line
followed by text; hyphens and digits (``- punkt``, ``1 Inledning``), which the
data show are what they look like; the ``|`` of a table row (``| Verksamhet |
Budget |``); a sign before a number (``+ 12 000 kr``); and every marker of a document that looks clean (there ``*`` may
well be markdown).
"""
from __future__ import annotations

from collections import Counter, defaultdict
from functools import lru_cache
from typing import Iterable

import regex

from ..edits import Edit
from ..engine import engine_for
from ..errormodel import meaningful
from ..resources import data_path
from ..segments import in_table_row
from .base import Corrector, Document

_LINE_MARKER_RE = regex.compile(r"^([^\S\n]*)(\S)(?=[^\S\n]+\S)", regex.M)
_NUMBER_NEXT_RE = regex.compile(r"[^\S\n]+\d")


@lru_cache(maxsize=None)
def marker_table(path: str | None = None) -> dict[str, dict[str, Counter]]:
    """profile -> OCR marker -> Counter of what it was."""
    table: dict[str, dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
    source = path or data_path("markers.tsv")
    with open(source, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or line.startswith("profile\t"):
                continue
            profile, ocr, truth, count = line.rstrip("\n").split("\t")
            table[profile][ocr][truth] += int(count)
    return {p: dict(m) for p, m in table.items()}


class ListMarkers(Corrector):
    name = "markers"
    description = "list markers misread at line starts (® ¢ « o → •)"

    def __init__(self, min_probability: float = 0.6, min_count: int = 2) -> None:
        self.min_probability = min_probability
        self.min_count = min_count

    def propose(self, doc: Document) -> Iterable[Edit]:
        eng = engine_for(doc)
        if not eng.eager:
            return
        tables = marker_table()
        table = tables.get(eng.engine) or {}
        pooled = tables.get("default", {})
        for m in _LINE_MARKER_RE.finditer(doc.text):
            glyph = m.group(2)
            seen = table.get(glyph)
            if not seen or sum(seen.values()) < self.min_count:  # too few sightings in this engine: pool them
                seen = pooled.get(glyph)
            if not seen:
                continue
            if glyph == "|" and in_table_row(doc.text, m.start(2)):
                continue  # a table's column separator (`| Verksamhet | Budget |`)
            if meaningful(glyph) and _NUMBER_NEXT_RE.match(doc.text, m.end()):
                continue  # the sign of an amount (`+ 12 000 kr`)
            if eng.in_foreign(doc, m.start(2)):
                continue  # markdown in an English passage
            truth, count = seen.most_common(1)[0]
            p = count / sum(seen.values())
            if truth != glyph and truth != "<word>" and count >= self.min_count and p >= self.min_probability:
                start = m.start(2)
                yield Edit(start, start + 1, glyph, truth, self.name, p,
                           f"line-initial {glyph!r} is a misread {truth!r} in {count} of {sum(seen.values())} sightings")
