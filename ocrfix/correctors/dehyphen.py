"""Dehyphenation: rejoin words the layout broke at line ends (``--join-lines``).

Fixes ``verk-`` / ``samheten är`` -> ``verksamheten`` / ``är``: the whole word
goes back on the first line and leaves the start of the next (a line left
empty is dropped), as parsers that want running text expect. It runs after
the word correctors, which already read a broken word as one word (in the
default mode too, where the break itself is kept).

Refuses to touch: hyphens that belong to the text -- ``budget- och
skuldrådgivning``, ``hälso- och sjukvård``, ``Mini-`` / ``Maria`` -- because the
joined form is not a word, or the continuation starts with a capital or is
not a word-continuation at all; the hyphen after one letter or an acronym
(``e-`` / ``post``, ``ICA-`` / ``butik``); numbers and dashes (``18 -`` / ``25 år``).
Line endings stay as they were (``\\r\\n`` too).
This is the one corrector that changes the number of lines, so it runs only
when the pipeline is asked to join lines.
"""
from __future__ import annotations

from typing import Iterable

import regex

from ..edits import Edit
from .base import Corrector, Document

# head-  \n  tail(rest of chunk) spaces  (the hyphen: -, a soft hyphen, or U+2010/U+2011 of PDF text)
# (OCR engines sometimes put an empty line between the two halves)
_BROKEN_RE = regex.compile(r"(?<=\p{L})([-­‐‑])[^\S\n]*\n((?:[^\S\n]*\n)?[^\S\n]*)(\p{Ll}[\p{L}\p{M}]*)(\S*)([^\S\n]*)")
MAX_HEAD = 64  # a word's first half is looked for this far back (keeps the search linear)
_LETTER_RE = regex.compile(r"[\p{L}\p{M}]")


class Dehyphenate(Corrector):
    name = "dehyphen"
    description = "join words broken at line ends (verk-/samheten → verksamheten); only with --join-lines"
    changes_lines = True

    def propose(self, doc: Document) -> Iterable[Edit]:
        text = doc.text
        lexicon = doc.resources.lexicon
        for m in _BROKEN_RE.finditer(text):
            head = _first_half(text, m.start())
            if not head:
                continue  # no first half, or one longer than any word
            if len(head) == 1 or head.isupper():
                continue  # `e-` / `post`, `ICA-` / `butik`: the hyphen belongs to the word
            word = head + m.group(3)
            if not lexicon.is_valid(word.lower()):
                continue
            line_end = text.find("\n", m.end())
            rest_empty = text[m.end() : line_end if line_end >= 0 else len(text)].strip() == ""
            moved = word[len(head) :] + m.group(4)
            if rest_empty and line_end >= 0:
                # the continuation line held only this word: it disappears (its line ending stays)
                end = line_end + 1
                after = moved + _line_ending(text, line_end)
            else:
                end = m.end()
                after = moved + _line_ending(text, text.index("\n", m.start())) + m.group(2)
            yield Edit(m.start(), end, text[m.start() : end], after, self.name, 1.0,
                       f"line-end hyphenation of {word!r} joined")


def _line_ending(text: str, newline: int) -> str:
    """The line ending at ``text[newline]`` (a ``\\n``): ``\\r\\n`` or ``\\n``."""
    return "\r\n" if newline > 0 and text[newline - 1] == "\r" else "\n"


def _first_half(text: str, end: int) -> str:
    """The letters (and marks) right before ``end``: the first half of a broken
    word; empty if there are none or more than MAX_HEAD (no word is that long)."""
    start = end
    while start > 0 and _LETTER_RE.match(text, start - 1):
        start -= 1
        if end - start > MAX_HEAD:
            return ""
    return text[start:end]
