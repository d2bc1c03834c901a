"""Section numbers that lost their dots.

Fixes ``41 Kommunfullmäktiges målbild`` -> ``4.1 Kommunfullmäktiges målbild``
and ``421 Under perioden`` -> ``4.2.1 Under perioden`` in a report whose
outline shows it: the number opens a heading line (a capitalised word
follows), it sits under the chapter (``4 Uppföljning av mål``) and section
(``42 …``) that precede it, and every digit is 1-9.

Refuses to touch: any number that does not continue the outline seen so far
(a table row ``12 Kommunen``, a year ``2024 Sammanfattning``), numbers that
already have dots, and every line of a document that looks clean.
"""
from __future__ import annotations

from typing import Iterable

import regex

from ..edits import Edit
from ..engine import engine_for
from .base import Corrector, Document

# a heading line: indentation, a number, space, a capitalised word
_HEADING_RE = regex.compile(r"^([^\S\n]*)(\d{1,3})(?=[^\S\n]+\p{Lu})", regex.M)


class SectionNumbers(Corrector):
    name = "headings"
    description = "section numbers that lost their dots in numbered headings (41 → 4.1, 421 → 4.2.1)"

    def propose(self, doc: Document) -> Iterable[Edit]:
        eng = engine_for(doc)
        outline = doc.state.setdefault(self.name, {"chapter": None, "section": None})
        for m in _HEADING_RE.finditer(doc.text):
            number = m.group(2)
            if "0" in number:
                continue
            if len(number) == 1:
                outline["chapter"], outline["section"] = number, None
                continue
            chapter, section = outline["chapter"], outline["section"]
            if chapter is None or number[0] != chapter:
                continue
            if len(number) == 3 and section != number[:2]:
                continue
            if len(number) == 2:
                outline["section"] = number
            if not eng.eager:
                continue
            dotted = ".".join(number)
            start = m.start(2)
            yield Edit(start, start + len(number), number, dotted, self.name, 0.9,
                       f"heading number under chapter {chapter} of the document's outline")
