"""A comma read as a full stop.

Fixes ``har ökat. vilket innebär`` -> ``har ökat, vilket innebär``: engines
that read commas as full stops (a confusion learned per engine) leave a full
stop that no sentence ends at -- the next word is in lower case.

Refuses to touch: abbreviations (``resp.``, ``t.ex.``, ``kap.``: any short
word, or a form the lexicon knows with its full stop), a full stop before a
number, a capital or anything but a word, a full stop in, after or before a
protected span (inline code, a handle, a URL), the end of a list item whose next
line starts with the same word (``att godkänna rapporten.`` / ``att uppdra
…``), and every full stop in a document
that looks clean or was read by an engine that does not make this mistake.
"""
from __future__ import annotations

from typing import Iterable

import regex

from ..edits import Edit
from ..engine import engine_for
from .base import Corrector, Document

# a word of at least MIN_LETTERS letters, a full stop, space, a lower-case word
# (white space after the full stop is required: `ökat.vilket` is some other damage)
_STOP_RE = regex.compile(r"(?<![\p{L}\p{M}.])(\p{L}[\p{L}\p{M}]{4,})\.(?=(?:[^\S\n]+|[^\S\n]*\n[^\S\n]*)(\p{Ll}\p{Ll}))")
MIN_CONFUSION = 0.02  # P(OCR '.' | truth ',') the engine must show


class CommaForStop(Corrector):
    name = "punctuation"
    description = "commas read as full stops (ökat. vilket → ökat, vilket)"

    def propose(self, doc: Document) -> Iterable[Edit]:
        eng = engine_for(doc)
        if not eng.eager:
            return
        p = eng.scorer.error_model.probability(".", ",")
        if p < MIN_CONFUSION:
            return
        lexicon = eng.scorer.lexicon
        for m in _STOP_RE.finditer(doc.text):
            word = m.group(1)
            if eng.in_foreign(doc, m.start()) or eng.in_protected(doc, m.start(), m.end(2)):
                continue  # (inline code, a handle, or a URL after it: `med öppen källkod. https://…`)
            if not lexicon.is_valid(word.lower()) or lexicon.is_word(word.lower() + "."):
                continue
            pos = m.end(1)
            if _list_item_ends(doc.text, pos):
                continue
            yield Edit(pos, pos + 1, ".", ",", self.name, 0.9,
                       f"full stop before a lower-case word; this engine reads ',' as '.' (p={p:.2f})")


_FIRST_WORD_RE = regex.compile(r"[^\S\n]*(\p{L}+)")


def _list_item_ends(text: str, stop: int) -> bool:
    """Does the full stop at ``stop`` end a line whose next line starts with
    the same word (``att godkänna rapporten.`` / ``att uppdra …``: the items
    of a decision list, each a sentence of its own)?"""
    newline = text.find("\n", stop)
    if newline < 0 or text[stop + 1 : newline].strip():
        return False
    line_start = text.rfind("\n", 0, stop) + 1
    here, there = _FIRST_WORD_RE.match(text, line_start), _FIRST_WORD_RE.match(text, newline + 1)
    return bool(here and there) and here.group(1) == there.group(1)
