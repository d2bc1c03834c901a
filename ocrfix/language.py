"""Passages and words in another language: English, German, Norwegian,
Danish, Finnish or Northern Sami in a Swedish report, names and words with
letters Swedish does not write.

The word-level correctors read every word as Swedish, so an English summary
would be "corrected" word by word (``for`` -> ``för``, ``answer`` ->
``anser``) and its unknown words would make the whole document look damaged.
A line belongs to a foreign passage when, in the line alone or with up to
:data:`WINDOW` lines before or after it (within its paragraph), the
function words of one other language number at least :data:`MIN_FOREIGN`
and :data:`DOMINANCE` times the Swedish ones, and the line itself has no
more Swedish than foreign ones (``dictionaries/function_words.tsv``; a scan
that lost its å/ä/ö still counts as Swedish through ``ar``, ``pa``, ``fran``).

Foreign lines are left as they are by the word-level correctors and are not
counted in the document profile. Mixed lines (a Swedish sentence quoting one
English term) stay Swedish.

A word with a letter Swedish does not write (``Łukasz``, ``Çelik``,
``dieđáhus``, ``Øresund``, ``crème``) is a foreign word or name: an OCR
engine reading Swedish puts é, ligatures or debris for å/ä/ö, not ł, ç or
đ -- unless its learned confusions say it does (``known``, see
:func:`foreign_word_spans`).
"""
from __future__ import annotations

from functools import lru_cache

import regex

from .resources import data_path

WINDOW = 2           # lines before and after a line that count with it
MIN_FOREIGN = 4      # function words of one other language, at least
DOMINANCE = 3        # ... and this many times the Swedish ones

_WORD_RE = regex.compile(r"\p{L}+")
# Letters of Swedish words (é too: idé, armé); typographic ligatures (ﬁ, ﬂ) stand for them.
SWEDISH_ALPHABET = frozenset("abcdefghijklmnopqrstuvwxyzåäöé")
_LIGATURES = frozenset("\ufb00\ufb01\ufb02\ufb03\ufb04\ufb05\ufb06")
_NOT_SWEDISH_RE = regex.compile(r"[^\x00-\x7fåäöéÅÄÖÉ\ufb00-\ufb06]")


_SWEDISH_ONLY_LETTERS = regex.compile(r"[äöÄÖ]")  # Norwegian and Danish write æ and ø
MAX_BARE_NORDIC_WORDS = 3  # see _not_swedish
# Swedish function words Norwegian and Danish write alike (``det``, ``som``,
# ``på``): Swedish against the other languages, no evidence against those two.
SHARED_WITH_NORDIC = "sv+no"
SWEDISH = frozenset({"sv", SHARED_WITH_NORDIC})


def _swedish(counts: dict[str, int], against: str) -> int:
    """The Swedish function words of ``counts`` that tell Swedish from the language ``against``."""
    swedish = counts.get("sv", 0)
    return swedish - counts.get(SHARED_WITH_NORDIC, 0) if against == "no" else swedish


def _not_swedish(own: dict[str, int], lang: str, line: str) -> bool:
    """May a line with these function words belong to a passage in ``lang``?
    Not if it has more Swedish ones than ``lang``'s, nor if it has Swedish
    ones (if only those Norwegian writes alike: `Ur det norska inlägget`)
    and none of ``lang``'s. Beside Norwegian or Danish, which look like
    Swedish, a line with none of theirs joins only as a quote's short last
    line (`efteruddannelse.»`): at most MAX_BARE_NORDIC_WORDS words, and no ä
    or ö, which they never write (`Nämden noterade inlägget.`, `Beslut:
    protokolet justeras omgående` after a quote are Swedish)."""
    theirs = own.get(lang, 0)
    if theirs:
        return theirs >= _swedish(own, lang)
    if own.get("sv", 0):
        return False
    return lang != "no" or (len(line.split()) <= MAX_BARE_NORDIC_WORDS and not _SWEDISH_ONLY_LETTERS.search(line))


@lru_cache(maxsize=1)
def function_words() -> dict[str, str]:
    """word -> language code (``sv``, ``en``, ``de``, ``no`` (Norwegian and Danish), ``fi``, ``se``;
    ``sv+no``: a Swedish word Norwegian and Danish write alike)."""
    table: dict[str, str] = {}
    with open(data_path("function_words.tsv"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            lang, word = line.split()
            table[word] = lang
    return table


@lru_cache(maxsize=1)
def _foreign_forms() -> frozenset[str]:
    """The other languages' function words, in lower case and capitalised."""
    foreign = [w for w, lang in function_words().items() if lang not in SWEDISH]
    return frozenset(f for w in foreign for f in (w, w[:1].upper() + w[1:]))


def foreign_spans(text: str) -> list[tuple[int, int]]:
    """The (start, end) offsets of the lines of ``text`` that read as a foreign language.

    Only lines near one with a foreign function word are counted (Swedish
    prose has few: the test is one split and set look-up per line)."""
    forms = _foreign_forms()
    lines = text.split("\n")
    candidates = [i for i, line in enumerate(lines) if not forms.isdisjoint(line.split())]
    if not candidates:
        return []
    words = function_words()
    counted: dict[int, dict[str, int] | None] = {}  # line -> counts per language (None: a blank line)

    def counts(i: int) -> dict[str, int] | None:
        if i not in counted:
            found = None
            if lines[i].strip():
                found = {}
                for w in _WORD_RE.findall(lines[i].lower()):
                    lang = words.get(w)
                    if lang is not None:
                        found[lang] = found.get(lang, 0) + 1
                        if lang == SHARED_WITH_NORDIC:  # Swedish too, but no evidence against Norwegian or Danish
                            found["sv"] = found.get("sv", 0) + 1
            counted[i] = found
        return counted[i]

    def dominated(first: int, last: int, line: int, own: dict[str, int]) -> bool:
        """Do one other language's words dominate lines first..last, within ``line``'s paragraph?"""
        window: dict[str, int] = {}
        for j in range(first, last + 1):
            c = counts(j)
            if c is None:  # a blank line: the window ends at the paragraph break
                if j > line:
                    break
                window.clear()
                continue
            for lang, k in c.items():
                window[lang] = window.get(lang, 0) + k
        return any(k >= MIN_FOREIGN and k >= DOMINANCE * _swedish(window, lang)
                   and _not_swedish(own, lang, lines[line])
                   for lang, k in window.items() if lang not in SWEDISH)

    n = len(lines)
    foreign_lines = set()
    for c in candidates:
        for i in range(max(0, c - WINDOW), min(n, c + WINDOW + 1)):
            own = counts(i)
            if i in foreign_lines or own is None:
                continue
            # the line with its neighbours before, around or after it (a passage's first and last lines too)
            for first, last in ((i - WINDOW, i), (i - WINDOW // 2, i + WINDOW // 2), (i, i + WINDOW), (i, i)):
                if dominated(max(first, 0), min(last, n - 1), i, own):
                    foreign_lines.add(i)
                    break
    spans: list[tuple[int, int]] = []
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    for i in sorted(foreign_lines):
        s, e = offsets[i], min(offsets[i + 1], len(text))
        if spans and spans[-1][1] == s:
            spans[-1] = (spans[-1][0], e)
        else:
            spans.append((s, e))
    return spans


def foreign_letters(word: str, known: frozenset[str] = frozenset()) -> bool:
    """Does ``word`` have a letter Swedish does not write (``ł``, ``ç``, ``đ``,
    ``ø``, ``è``), no ligature and not among ``known`` (letters an engine's
    learned confusions produce)?"""
    return any(c.isalpha() and c.lower() not in SWEDISH_ALPHABET and c not in _LIGATURES and c.lower() not in known
               for c in word)


def foreign_word_spans(text: str, known: frozenset[str] = frozenset()) -> list[tuple[int, int]]:
    """The (start, end) offsets of the white-space separated chunks of
    ``text`` with a foreign letter (:func:`foreign_letters`): left alone."""
    spans: list[tuple[int, int]] = []
    if text.isascii():
        return spans
    end = -1
    for m in _NOT_SWEDISH_RE.finditer(text):
        pos = m.start()
        if pos < end or not foreign_letters(m.group(), known):
            continue
        start = pos
        while start > 0 and not text[start - 1].isspace():
            start -= 1
        end = pos + 1
        while end < len(text) and not text[end].isspace():
            end += 1
        spans.append((start, end))
    return spans
