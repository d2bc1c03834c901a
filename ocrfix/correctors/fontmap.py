"""PDF font-map damage: diacritics emitted as separate letters.

Some PDFs map their glyphs so badly that text extraction writes a diacritic
as a letter of its own after its base letter, often followed by a stray
space, and reads every plain ``o`` as ``ö``::

    ramen föö r Naö ra vaå rd samverkan   ->   ramen för Nära vård samverkan
    kömmunen, söm, wörkshöp               ->   kommunen, som, workshop

Fixes, on lines where the pattern is evident:
  1. a base letter followed by a spacing diacritic letter is one letter
     (``aö`` -> ``ä``, ``aå`` -> ``å``, ``oö``/``öö`` -> ``ö``), and a single
     space right after it inside a word goes;
  2. then each word with ``ö`` that is not a word (or is a much rarer word
     than its ``o`` spelling: ``söm``/``som``) gets the ``ö``-to-``o``
     spelling the lexicon prefers.

Refuses to touch: every line of a document where the pattern is not evident
-- a line needs at least two base+diacritic pairs, or one and a word that
only makes sense with ``o``, or a damaged neighbour and two such words -- so
correct ``ö``, ``öö`` and ``aå`` in names and compounds elsewhere stay.
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


def merge_pairs(line: str) -> tuple[str, int]:
    """Apply fix 1; return the new line and how many pairs were merged."""
    count = 0

    def repl(m: regex.Match) -> str:
        nonlocal count
        base, mark = m.group(1), m.group(2)
        merged = _COMBINE.get((base.lower(), mark))
        if merged is None:
            return m.group()
        count += 1
        return merged.upper() if base.isupper() else merged

    return _PAIR_RE.sub(repl, line), count


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
        merged = [merge_pairs(l) for l in lines]
        o_words = [self._o_words(m[0], lexicon) for m in merged]
        damaged = [pairs >= 2 or (pairs >= 1 and ow >= 1) for (_, pairs), ow in zip(merged, o_words)]
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
        spots = [i for i, c in enumerate(word) if c in "öÖ"]  # (of word: lower() may change the length, `İ`)
        if not spots or len(spots) > MAX_SWITCHES:
            return word
        own = lexicon.zipf(lower) if lexicon.is_valid(lower) else -1.0
        best, best_z = word, own
        for choice in product((False, True), repeat=len(spots)):
            if not any(choice):
                continue
            chars = list(word)
            for i, switch in zip(spots, choice):
                if switch:
                    chars[i] = "O" if chars[i].isupper() else "o"
            candidate = "".join(chars)
            if lexicon.is_valid(candidate.lower()):
                z = max(lexicon.zipf(candidate.lower()), 0.5)
                if z > best_z + (self.min_zipf_gain if own >= 0 else 0):
                    best, best_z = candidate, z
        return best
