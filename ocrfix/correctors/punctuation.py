"""A comma read as a full stop.

Fixes ``har ökat. vilket innebär`` -> ``har ökat, vilket innebär``: engines
that read commas as full stops (a confusion learned per engine) leave a full
stop that no sentence ends at -- the next word is in lower case.

The word before the full stop has five letters or more, or is a frequent
four-letter word inside a line (``runt. året`` -> ``runt, året``; at a
line's end such a word more often ends a list item: ``hemtjänst dygnet
runt.`` / ``trygghetslarm och stöd.``).

Refuses to touch: abbreviations (``resp.``, ``t.ex.``, ``kap.``: any word of
three letters or less, a four-letter word that is rare or an abbreviation,
or a form the lexicon knows with its full stop), a full stop before a
number, a capital or anything but a word, a full stop in, after or before a
protected span (inline code, a handle, a URL), the end of a list item whose next
line starts with the same word (``att godkänna rapporten.`` / ``att uppdra
…``), and every full stop in a document that looks clean (text extracted
from HTML or PDF may have lost a name after each full stop: ``i databasen.
kommer då att visa``) or was read by an engine that does not make this
mistake.
"""
from __future__ import annotations

from typing import Iterable

import regex

from ..edits import Edit
from ..engine import engine_for
from .base import Corrector, Document

# a word of at least four letters, a full stop, space, a lower-case word
# (white space after the full stop is required: `ökat.vilket` is some other damage)
_STOP_RE = regex.compile(r"(?<![\p{L}\p{M}.])(\p{L}[\p{L}\p{M}]{3,})\.(?=(?:[^\S\n]+|[^\S\n]*\n[^\S\n]*)(\p{Ll}\p{Ll}))")
MIN_CONFUSION = 0.02  # P(OCR '.' | truth ',') the engine must show
SHORT_WORD = 4            # a word this short must be frequent (and no abbreviation) ...
SHORT_WORD_MIN_ZIPF = 4.5  # ... at least this frequent: `runt`, `till`, `vård`; not `webb`, `resp`


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
        for m in _STOP_RE.finditer(doc.text):
            if not self._misread(eng, doc, m):
                continue
            pos = m.end(1)
            yield Edit(pos, pos + 1, ".", ",", self.name, 0.9,
                       f"full stop before a lower-case word; this engine reads ',' as '.' (p={p:.2f})")

    @staticmethod
    def _misread(eng, doc: Document, m) -> bool:
        """Is the full stop after this word a comma misread (see the module's docstring)?"""
        word = m.group(1).lower()
        if eng.in_foreign(doc, m.start()) or eng.in_protected(doc, m.start(), m.end(2)):
            return False  # (inline code, a handle, or a URL after it: `med öppen källkod. https://…`)
        lexicon = eng.scorer.lexicon
        if not lexicon.is_valid(word) or lexicon.is_word(word + "."):
            return False
        if len(word) <= SHORT_WORD and (lexicon.is_abbreviation(word) or lexicon.zipf(word) < SHORT_WORD_MIN_ZIPF
                                        or "\n" in doc.text[m.end(1) : m.start(2)]):
            return False  # (at a line's end: a list item, `hemtjänst dygnet runt.` / `trygghetslarm`)
        return not _list_item_ends(doc.text, m.end(1))


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
