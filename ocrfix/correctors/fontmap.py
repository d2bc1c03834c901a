"""PDF font-map damage: diacritics emitted as separate letters.

Some PDFs map their glyphs so badly that text extraction writes a diacritic
as a letter of its own after its base letter, often followed by a stray
space, and reads every plain ``o`` as ``ö``::

    ramen föö r Naö ra vaå rd samverkan   ->   ramen för Nära vård samverkan
    kömmunen, söm, wörkshöp               ->   kommunen, som, workshop

Fixes, on lines where the pattern is evident:
  1. a base letter followed by a spacing diacritic letter is one letter
     (``aö`` -> ``ä``, ``aå`` -> ``å``, ``oö``/``öö`` -> ``ö``), and a single
     space right after it inside a word goes -- where that makes a word of
     what is none (``föö r`` -> ``för``, ``Naö ra`` -> ``Nära``);
  2. then each word with ``ö`` that is not a word (or is a much rarer word
     than its ``o`` spelling: ``söm``/``som``) gets the ``ö``-to-``o``
     spelling the lexicon prefers.

The pattern is evident on a line with two pairs torn from the rest of
their word by a space (``föö r``, ``vaå rd``: clean text never has them),
or one and a word that only makes sense with ``o``, or beside such a line
with two such words.

Refuses to touch: every other line, and on a damaged line every word that
is valid as written -- Swedish writes these pairs too (``oönskade``,
``miljöövervakning``, ``fyraåring``, ``Lööf``, ``Sjöö``).
"""
from __future__ import annotations

from itertools import product
from typing import Iterable

import regex

from ..edits import Edit, edits_from_rewrite
from .base import Corrector, Document

# base letter + spacing diacritic, optionally a stray space before the rest of the word
_PAIR_RE = regex.compile(r"([aAoOöÖ])([öå])(?:[^\S\n](?=\p{Ll}))?")
_COMBINE = {("a", "ö"): "ä", ("a", "å"): "å", ("o", "ö"): "ö", ("ö", "ö"): "ö"}
_WORD_RE = regex.compile(r"\p{L}+")
MAX_SWITCHES = 6  # ö letters per word tried both ways (2**6 spellings at most)


def merge_pairs(line: str, is_valid) -> tuple[str, int]:
    """Apply fix 1 where it makes a word (``is_valid``: lower-cased word ->
    bool) of what is none; return the new line and how many of the merged
    pairs had a space torn after them (the evidence of font-map damage)."""
    out, last, torn = [], 0, 0
    for m in _PAIR_RE.finditer(line):
        base, mark = m.group(1), m.group(2)
        merged = _COMBINE.get((base.lower(), mark))
        if merged is None or m.start() < last:
            continue
        merged = merged.upper() if base.isupper() else merged
        start, end = _word_start(line, m.start()), _word_end(line, m.end())
        before = line[start:end]
        after = line[start : m.start()] + merged + line[m.end() : end]
        if is_valid(before.lower()) or not _reads_as_words(after, is_valid):
            continue
        out.append(line[last : m.start()] + merged)
        last = m.end()
        torn += m.group().endswith((" ", "\t"))
    out.append(line[last:])
    return "".join(out), torn


def _word_start(line: str, i: int) -> int:
    while i > 0 and line[i - 1].isalpha():
        i -= 1
    return i


def _word_end(line: str, i: int) -> int:
    while i < len(line) and line[i].isalpha():
        i += 1
    return i


def _reads_as_words(text: str, is_valid) -> bool:
    """Is every word of ``text`` valid, or valid with o for some ö (``möteslökaler``)?"""
    return all(any(is_valid(s) for s in _o_spellings(w.lower())) for w in _WORD_RE.findall(text))


def _o_spellings(word: str) -> Iterable[str]:
    """``word`` and its spellings with o for some of its ö (at most MAX_SWITCHES of them)."""
    spots = [i for i, c in enumerate(word) if c in "öÖ"]
    if len(spots) > MAX_SWITCHES:
        spots = []
    for choice in product((False, True), repeat=len(spots)):
        chars = list(word)
        for i, switch in zip(spots, choice):
            if switch:
                chars[i] = "O" if chars[i].isupper() else "o"
        yield "".join(chars)


class FontMapRepair(Corrector):
    name = "fontmap"
    description = "PDF font-map damage (föö r Naö ra vaå rd → för Nära vård; kömmunen → kommunen)"

    def __init__(self, min_zipf_gain: float = 1.0) -> None:
        self.min_zipf_gain = min_zipf_gain

    def propose(self, doc: Document) -> Iterable[Edit]:
        lines = doc.text.split("\n")
        if not any("ö" in l or "å" in l for l in lines):
            return
        lexicon = doc.resources.lexicon
        merged = [merge_pairs(l, lexicon.is_valid) for l in lines]
        o_words = [self._o_words(m[0], lexicon) for m in merged]
        damaged = [torn >= 2 or (torn >= 1 and ow >= 1) for (_, torn), ow in zip(merged, o_words)]
        spread = [
            damaged[i] or (o_words[i] >= 2 and (i > 0 and damaged[i - 1] or i + 1 < len(lines) and damaged[i + 1]))
            for i in range(len(lines))
        ]
        pos = 0
        for i, line in enumerate(lines):
            if spread[i]:
                fixed = _WORD_RE.sub(lambda m: self._best_o_spelling(m.group(), lexicon), merged[i][0])
                if fixed != line:
                    for e in edits_from_rewrite(line, fixed, pos, self.name, 0.95, "PDF font-map damage (diacritic as a letter, o as ö)"):
                        yield e
            pos += len(line) + 1

    def _o_words(self, line: str, lexicon) -> int:
        """Words of the line that read better with o than with ö."""
        if "ö" not in line and "Ö" not in line:
            return 0
        return sum(1 for m in _WORD_RE.finditer(line) if "ö" in m.group().lower() and self._best_o_spelling(m.group(), lexicon) != m.group())

    def _best_o_spelling(self, word: str, lexicon) -> str:
        lower = word.lower()
        if "ö" not in word and "Ö" not in word:
            return word
        own = lexicon.zipf(lower) if lexicon.is_valid(lower) else -1.0
        best, best_z = word, own
        for candidate in _o_spellings(word):  # (of word: lower() may change the length, `İ`)
            if candidate != word and lexicon.is_valid(candidate.lower()):
                z = max(lexicon.zipf(candidate.lower()), 0.5)
                if z > best_z + (self.min_zipf_gain if own >= 0 else 0):
                    best, best_z = candidate, z
        return best
