"""Segments: the pieces of running text the word-level correctors work on.

A *chunk* is a maximal run of non-space characters. Its *core* is the chunk
without the sentence punctuation around it (``(utveck[ing),`` -> core
``utveck[ing``). A core is cut into *segments* at characters that OCR engines
do not produce inside words (hyphens, slashes, semicolons, markup such as
``</p>``, footnote stars, quotes) and at ``&``, ``!``, ``?`` between two
known words (``vård&omsorg``); each segment of two or more characters with
a letter in it, which is not an abbreviation (``LSS``, ``ö.g.``), is a
candidate for correction.

Each segment knows what precedes it -- a sentence boundary, a number, or a
word -- for the context model, and whether it starts a sentence, for case.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right

import regex

from .errormodel import QUOTE_MARKS
from .ranking import BOUNDARY, number_kind
from .tokens import SpanSet

CHUNK_RE = regex.compile(r"\S+")
# Marks in none of the learned tables (no engine's debris, written by the text's
# author) stand around a word as its lead or trail: primes, single guillemets
# (Swedish ›…›), footnote daggers (Svensson†), fractions, check marks, bullets.
# Inside a word they stay what the correctors make of them (k†mmunen).
_AUTHOR_MARKS = "′″‹›¶†‡¤½¼¾◦▪►✓✔✗"
LEAD = "(\"“”‘«*•‚„…" + _AUTHOR_MARKS
TRAIL = ".,;:!?)\"”»’'%](}…" + _AUTHOR_MARKS
# Invisible format characters (zero-width, bidi controls, BOM) and control
# characters (backspace, C1 controls) are never part of a correction: around
# a word they are lead/trail, inside one a break.
INVISIBLE = "\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff"
INVISIBLE_RE = regex.compile(f"[{INVISIBLE}]")
INNER_INVISIBLE_RE = regex.compile(f"\\p{{L}}[{INVISIBLE}]+\\p{{L}}")
# Characters OCR engines do not produce inside words: they end a segment.
# (‐ ‑: U+2010, U+2011, the hyphens of PDF text; ‒ ―: dashes.)
_HYPHENS = "-‐‑–—‒―"
_CUTS = f"[{_HYPHENS}/<>*+=#;\"“”«»_~^®©™{INVISIBLE}]"
SEGMENT_SPLIT_RE = regex.compile(f"({_CUTS}+)")
# ... and, where a bracket is open before it (bracket_opened_before), a
# bracket closing right after a hyphen: an optional part written out
# (`(administratörs-)behörighet`, `(eller sök-)rättighet`, `[-]hup`). With no
# bracket open it is a misread letter (`SoL-)nsatser`, `e-)egitimation`).
_HYPHEN_CLOSE = f"[{_HYPHENS}][)\\]]"
SEGMENT_SPLIT_OPTIONAL_RE = regex.compile(f"((?:{_HYPHEN_CLOSE}|{_CUTS})+)")
_HYPHEN_CLOSE_RE = regex.compile(_HYPHEN_CLOSE)
# `&`, `!` and `?` stand for letters in OCR (`N&mndens`, `kontinuer!ig`), but
# between two words the lexicon knows, of three letters or more, they are
# what they look like (`vård&omsorg`, `Bygg&Miljö`, `Hej!Hallå`).
INNER_MARK_RE = regex.compile(r"([&!?])")
_MARK_BETWEEN_LETTERS_RE = regex.compile(r"\p{L}{3}[&!?]\p{L}{3}")
MIN_MARKED_WORD = 3
# `ö.g.`, `p.g.a.`, `t.o.m.`, `Art.nr`: letters and full stops (an OCR engine
# does not break a word into such pieces)
DOTTED_ABBREVIATION_RE = regex.compile(r"(?:\p{L}{1,4}\.)+\p{L}{1,4}")
_CLITIC_RE = regex.compile(r"(\p{L}{3,})['’]\p{Ll}{1,2}")
_BRACKETED_ENDING_RE = regex.compile(r"(\p{L}{3,})\(\p{Ll}{1,4}")
# ... of a misread word: only a Swedish inflection ending (`vardnadshavare(n)`,
# `tjanst(er)`), not code (`parse(str)`, `print(s)` stays as the reader wrote it)
_OPTIONAL_ENDING_RE = regex.compile(r"(\p{L}{3,})\((?:n|en|na|et|er|ar|or|erna|arna|orna|r|s|t|a|e)")
# `f(x)`, `parse(str)`, `summa(a,b)`: a name and what it is applied to, in
# brackets glued to it -- notation or code, written as meant. An OCR
# engine's brackets inside a word come with quotes and other debris
# (`F(')'Vva[tningen`), and a word's optional ending (`tjänst(er)`) is read apart.
_CALL_RE = regex.compile(r"[\p{L}_][\w.]*\([\w.,]+")
# A full stop after a word and before a capitalised one (`rapporten.Den`):
# a sentence glued to the next, not debris to drop. Before a lower-case
# letter a stop may be an engine's stray one inside a word (Tesseract's
# Swedish model: `upp.drag`, `Forvalt.ningen`) or part of a name
# (`elev.fornamn`, `intranat.enkoping`): the chunk stays one piece, as an
# abbreviation of one or two letters does (`Dr.Svensson`).
_INNER_STOP_RE = regex.compile(r"(?<=\p{L}{3})(\.)(?=\p{Lu}\p{Ll})")
HAS_LETTER_RE = regex.compile(r"\p{L}")
DIGITS_RE = regex.compile(r"^[\d\s.,:%+-]+$")
NON_LETTER_RE = regex.compile(r"[^\p{L}\p{M}]")
# Lone surrogates stand for undecodable input bytes (--errors passthrough):
# a segment holding one is never corrected, so the bytes go out as they came.
SURROGATE_RE = regex.compile(r"[\ud800-\udfff]")
# Two digits in a row are a number, not a misread letter (`6ppen`, `§1`):
# `Agenda2030`, `COVID19`, `SFS2001` are names glued to numbers, never corrected.
DIGIT_RUN_RE = regex.compile(r"\d\d")
# An abbreviation or number with a Swedish ending after a colon: `LSS:s`,
# `SoL:s`, `IFO:s`, `E4:an`, `3:e`, `N:e`, `ID:erna`, `SMS:ens` -- one word, never corrected.
COLON_ENDING_RE = regex.compile(r"([\p{Lu}\d][\p{L}\d]*):\p{Ll}{1,5}")
AMPERSAND_NAME_RE = regex.compile(r"\p{Lu}+&\p{Lu}+")
SENTENCE_END = set(".!?:")
MIN_CAPS_WORD = 4
_VOWELS = frozenset("AEIOUYÅÄÖÉ")
QUOTE_LOOKBACK = 400  # characters searched back for a quotation opened on the line (or on for its close)
# A single quote mark closing a quotation. Loosely (the quoted word is a word):
# after a letter, a digit or punctuation ending a quotation, before a space,
# punctuation, a hyphen or a slash. Strictly (the mark may be the engine's: `'q`
# for b): after a word of plain letters on the same line, before a space or
# punctuation, and not the genitive mark of a name ending in s, x or z (`Lars'`).
_QUOTE_OPEN_RE = {mark: regex.compile(f"(?<![\\p{{L}}\\d]){mark}(?=\\p{{L}})") for mark in "'’"}
_QUOTE_CLOSE_LOOSE_RE = {mark: regex.compile(f"(?<=[\\p{{L}}\\d.!?:)]){mark}(?=[\\s.,;:!?)\\]”»\"/*…–—-]|$)")
                         for mark in "'’"}
# (each look-behind after the mark, so that it runs only where a mark is: linear on long words)
_QUOTE_CLOSE_STRICT_RE = {mark: regex.compile(f"{mark}(?<=(?<!\\S)[\\p{{L}}\\d]+[.!?]?.)(?<!(?<!\\p{{L}})\\p{{Lu}}\\p{{Ll}}*[sxz].)"
                                              f"(?=[\\s.,;:!?)\\]”»]|$)") for mark in "'’"}
_FIRST_LETTERS_RE = regex.compile(r"\p{L}+")
_LOW_QUOTE_OPEN_RE = regex.compile(r"(?r)‚|(?<![\p{L}\d])‘(?=\S)")
_SINGLE_CLOSE_RE = regex.compile(r"[‘’](?<=\S.)(?<!(?<!\p{L})\p{Lu}\p{Ll}*[sxz].)")  # (not a genitive: ‚Lars’ resa‘)
BOUNDARY_MARKS = SENTENCE_END | {"•"}


def split_chunk(chunk: str) -> tuple[str, str, str]:
    """``'(utveck[ing),'`` -> ``('(', 'utveck[ing', '),')``."""
    if chunk[:1].isalnum() and chunk[-1:].isalnum() and chunk[0] not in _AUTHOR_MARKS and chunk[-1] not in _AUTHOR_MARKS:
        return "", chunk, ""  # most words: nothing to strip (½ is alphanumeric too)
    i, j = 0, len(chunk)
    while i < j and (chunk[i] in LEAD or INVISIBLE_RE.match(chunk[i])):
        i += 1
    while j > i and (chunk[j - 1] in TRAIL or INVISIBLE_RE.match(chunk[j - 1])):
        j -= 1
    return chunk[:i], chunk[i:j], chunk[j:]


def is_capitalised(text: str) -> bool:
    """``Nasra``, ``Kajgatan``: letters, a capital, then lower case only."""
    return len(text) >= 2 and text.isalpha() and text[0].isupper() and text[1:].islower()


# `Sa'ad`, `Ra'ed`, `O'Brien`: a name's apostrophe, after a/e/i closing a
# capitalised word's first syllable, or between two capitals. The engines
# print an apostrophe after b, o, u, é, `)` (`Fb’waltningen`, `Sé'kanden`,
# `Ordfo'mnde`, `kb'pt`: dictionaries/confusions.tsv), never after a, e or
# i, and before a capital never (their rules are lower case).
_NAME_APOSTROPHE_RE = regex.compile(r"\p{Lu}\p{Ll}{0,2}[aei]['’]\p{Ll}{2,}|\p{Lu}['’]\p{Lu}\p{Ll}+")


def is_apostrophe_name(core: str) -> bool:
    """``Sa'ad``, ``Ra'ed``, ``O'Brien``: a name written with an apostrophe
    (not ``Mu'taz``: an engine may print ``u'`` for ``u``; not one with a
    ligature glyph, an engine's: ``O'Neiﬂ``)."""
    return _NAME_APOSTROPHE_RE.fullmatch(core) is not None and "ﬁ" not in core and "ﬂ" not in core


def is_fixed_form(core: str) -> bool:
    """``LSS:s``, ``E4:an``, ``3:e``: an abbreviation, a capital or a number
    with its ending; also capitals joined by ``&`` (``H&M``, ``B&B``)."""
    if "&" in core and AMPERSAND_NAME_RE.fullmatch(core):
        return True
    m = COLON_ENDING_RE.fullmatch(core)
    if not m:
        return False
    head = m.group(1)
    return head.isdigit() or len(head) == 1 or is_abbreviation(head) or (head.isupper() and head.isalnum())


def is_word_with_ending(core: str, trail: str, is_valid) -> bool:
    """``trå'n``, ``Lisa's``: a word of three letters or more, an apostrophe
    and a spoken ending of one or two letters; ``vårdnadshavare(n)``,
    ``tjänst(er)`` (core ``vårdnadshavare(n``, trail ``)``): a word and an
    optional ending in brackets -- never read as a garble (in OCR the
    apostrophe stands for a letter in what is no word: ``kb'pt``, ``fo’r``)."""
    m = _CLITIC_RE.fullmatch(core) or (_BRACKETED_ENDING_RE.fullmatch(core) if trail[:1] == ")" else None)
    return m is not None and is_valid(m.group(1).lower())


def is_call(core: str, trail: str) -> bool:
    """``f(x)``, ``parse(str)`` (core ``parse(str``, trail ``)``): a name
    applied to something in brackets, never read as a garble -- but not a
    word with its optional ending (``tjänst(er)``, ``vardnadshavare(n)``),
    which is read as a word."""
    return (trail[:1] == ")" and "(" in core and _CALL_RE.fullmatch(core) is not None
            and _OPTIONAL_ENDING_RE.fullmatch(core) is None)


def is_dotted_abbreviation(core: str, trail: str = "", is_valid=None) -> bool:
    """``ö.g.``, ``p.g.a.``, ``fr.o.m.`` (core ``ö.g``, trail ``.``), also
    without the last full stop (``Art.nr``, ``mnkr.Det``): never read as a
    word -- but without it, not where the letters alone are a word
    (``upp.drag``: Tesseract's Swedish model prints a stray stop after a
    letter now and then; none of the dev OCR's tokens has the shape)."""
    if "." not in core or DOTTED_ABBREVIATION_RE.fullmatch(core) is None:
        return False
    return trail[:1] == "." or is_valid is None or not is_valid(core.replace(".", "").lower())


def is_word_piece(piece: str) -> bool:
    """Is this piece of a core (split at SEGMENT_SPLIT_RE, punctuation
    stripped) a word the correctors read? Not a number, an abbreviation
    (``LSS``, ``SoL``), a form with its ending (``3:e``, ``LSS:s``), a name
    glued to a number (``Agenda2030``), a lone character or undecodable bytes."""
    return (len(piece) >= 2 and HAS_LETTER_RE.search(piece) is not None and not DIGITS_RE.match(piece)
            and not SURROGATE_RE.search(piece) and not DIGIT_RUN_RE.search(piece) and not is_fixed_form(piece)
            and not is_abbreviation(piece))


def is_caps_word(piece: str) -> bool:
    """``ARET``, ``OVERSIKT``: letters in capitals, four or more with a vowel
    among them -- a word of a heading set in capitals, or an acronym
    (``SSPF``, ``BBIC``): which, only a damaged document's correctors may
    ask (:func:`segment_block`, ``caps_words``)."""
    return len(piece) >= MIN_CAPS_WORD and piece.isalpha() and piece.isupper() and not _VOWELS.isdisjoint(piece)


def bracket_opened_before(text: str, core_start: int, core: str) -> bool:
    """Is a bracket open where a bracket closes right after a hyphen in
    ``core`` (at ``core_start`` in ``text``): a ``(`` or ``[`` not closed
    again in the BRACKET_REACH characters of its line before that point?"""
    m = _HYPHEN_CLOSE_RE.search(core) if ")" in core or "]" in core else None
    if m is None:
        return False
    pos = core_start + m.end() - 1
    closer = text[pos]
    opener = "(" if closer == ")" else "["
    line_start = max(text.rfind("\n", 0, pos) + 1, pos - BRACKET_REACH)
    before = text[line_start:pos]
    return before.count(opener) > before.count(closer)


def split_core(core: str, is_valid=None, quote_letters: str = "", closing: bool = False,
               bracket_opened: bool = False) -> list[str]:
    """A chunk's core cut at characters OCR engines do not produce inside
    words (the cuts kept as pieces of their own), and -- given ``is_valid``
    (lower-cased word -> bool) -- at ``&``, ``!``, ``?`` between two valid
    words (``vård&omsorg``). A quote mark the engine prints for letters
    (``quote_letters``, see ErrorModel.quote_letters) is no cut between two
    letters (``inneha”a``, ``utfå“et``: no quotation opens inside a word),
    nor -- ``closing``, see :func:`with_closing_garble` -- at the core's end.
    ``bracket_opened``: a bracket closing after a hyphen is a cut (see
    :func:`bracket_opened_before`)."""
    pieces = (SEGMENT_SPLIT_OPTIONAL_RE if bracket_opened else SEGMENT_SPLIT_RE).split(core)
    if quote_letters and len(pieces) > 1:
        pieces = _quotes_kept(pieces, quote_letters, closing)
    if "." in core and _INNER_STOP_RE.search(core):  # `rapporten.Den` -> `rapporten`, `.`, `Den`
        pieces = [p for piece in pieces for p in _INNER_STOP_RE.split(piece)]
    if is_valid is None or not _MARK_BETWEEN_LETTERS_RE.search(core):
        return pieces
    out = []
    for piece in pieces:
        parts = INNER_MARK_RE.split(piece)
        if len(parts) > 1 and all(len(w) >= MIN_MARKED_WORD and w.isalpha() and is_valid(w.lower()) for w in parts[::2]):
            out.extend(parts)
        else:
            out.append(piece)
    return out


def _quotes_kept(pieces: list[str], quote_letters: str, closing: bool) -> list[str]:
    """The pieces of a split with each single quote mark of ``quote_letters``
    that stands between two letters (or, ``closing``, ends the core after
    one) joined back to its neighbours."""
    out = [pieces[0]]
    last = len(pieces) - 2
    for k in range(1, len(pieces), 2):
        cut, after = pieces[k], pieces[k + 1]
        if (len(cut) == 1 and cut in quote_letters and out[-1][-1:].isalpha()
                and (after[:1].isalpha() or closing and k == last and not after)):
            out[-1] += cut + after
        else:
            out += [cut, after]
    return out


def with_quotation_opened(text: str, start: int, lead: str, core: str, trail: str, is_valid=None) -> tuple[str, str]:
    """``(lead, core)`` with a ``'`` or ``’`` opening the core moved to the
    lead where it opens a quotation: the chunk itself ends in the same mark
    (``'Nils'``), or a later chunk does before another quotation opens with
    it -- on the line or the next if the quoted word is a word
    (``'tillfälligt men`` / ``sedan permanent'``, ``’Hälsa Plus’``), on the
    line and strictly (:data:`_QUOTE_CLOSE_STRICT_RE`) if it is not. Otherwise
    the mark stays in the core: the Enköping engine prints ``'q`` for a ``b``
    at a word's start (``'qeslut``), and a name's genitive mark later on the
    line (``Lars'``) or the engine's own ``’`` in a garble (``az‘t‘fé’``)
    closes nothing."""
    mark = core[:1]
    if mark not in "'’" or len(core) < 2:
        return lead, core
    if trail[:1] == mark:
        return lead + mark, core[1:]  # `'Nils'`: quoted in one chunk
    after = start + len(lead) + 1
    first = _FIRST_LETTERS_RE.search(core, 1)
    if first is not None and is_valid is not None and is_valid(first.group().lower()):
        close = _QUOTE_CLOSE_LOOSE_RE[mark].search(text, after, _quote_reach(text, after))
    else:
        line_end = text.find("\n", after)
        reach = min(len(text) if line_end < 0 else line_end, after + QUOTE_LOOKBACK)
        close = _QUOTE_CLOSE_STRICT_RE[mark].search(text, after, reach)
    if close is None:
        return lead, core
    if _QUOTE_OPEN_RE[mark].search(text, after, close.start()) is not None:
        return lead, core  # another quotation opens first: that close is its own (`'qeslut ... 'nej'`)
    return lead + mark, core[1:]


def _quote_reach(text: str, pos: int) -> int:
    """Where a quotation opened at ``pos`` must have closed: the end of the
    next line (a quotation may run over one line break, not a blank line),
    at most QUOTE_LOOKBACK characters on."""
    end = text.find("\n", pos)
    if end >= 0 and not text.startswith("\n", end + 1):
        following = text.find("\n", end + 1)
        end = len(text) if following < 0 else following
    return min(len(text) if end < 0 else end, pos + QUOTE_LOOKBACK)


def _quote_start(text: str, pos: int) -> int:
    """Where a quotation closed at ``pos`` may have opened: the start of the
    line before (one line break, not a blank line), at most QUOTE_LOOKBACK back."""
    start = text.rfind("\n", 0, pos)
    if start > 0 and text[start - 1] != "\n":
        start = text.rfind("\n", 0, start)
    return max(start + 1, pos - QUOTE_LOOKBACK)


def with_low_quotation_closed(text: str, start: int, lead: str, core: str, trail: str) -> tuple[str, str]:
    """``(core, trail)`` with a ``‘`` ending the core moved to the trail where
    it closes a quotation opened by ``‚`` or ``‘`` before it (on its line or
    the one before) and not closed since (``‚kanske‘``; not after
    ``‘Trygg’``). Otherwise it stays in the core: the Enköping engine prints
    ``‘`` as debris inside garbles (``T}jggﬁet‘``)."""
    if core[-1:] != "‘" or len(core) < 2:
        return core, trail
    if "‚" in lead or "‘" in lead:
        return core[:-1], "‘" + trail
    line_start = _quote_start(text, start)
    opened = _LOW_QUOTE_OPEN_RE.search(text[line_start:start])  # the last opening mark before it
    if opened is not None and _SINGLE_CLOSE_RE.search(text, line_start + opened.end(), start) is None:
        return core[:-1], "‘" + trail  # a quotation still open
    return core, trail


def with_closing_garble(text: str, start: int, lead: str, core: str, trail: str, quote_letters: str,
                        is_valid) -> tuple[str, str, bool]:
    """``(core, trail, closing)``: the chunk's core with the quote mark after
    it taken in (from ``trail`` if it was stripped there) where that mark is a
    misread letter rather than a closing quote -- ``fa“`` for ``fall``,
    ``bidvagshushé”`` for ``bidragshushåll``: the engine prints letters as
    that mark (``quote_letters``), the word without it is none, and no
    quotation was opened on the line before it (a closing quote after a
    name stays a quote)."""
    mark = core[-1:] if core[-1:] in QUOTE_MARKS else trail[:1]
    if not mark or mark not in quote_letters or is_valid is None:
        return core, trail, False
    word = core[:-1] if core[-1:] == mark else core
    if not word[-1:].isalpha() or any(q in lead for q in QUOTE_MARKS) or is_valid(word.lower()):
        return core, trail, False
    line_start = max(text.rfind("\n", 0, start) + 1, start - QUOTE_LOOKBACK)
    if any(q in text[line_start:start] for q in QUOTE_MARKS):
        return core, trail, False
    return (core, trail, True) if core[-1:] == mark else (core + mark, trail[1:], True)


def piece_parts(piece: str, closing: bool = False) -> tuple[str, str, str]:
    """:func:`split_chunk` of a piece of a core; ``closing``: a quote mark
    ending it is a misread letter (:func:`with_closing_garble`), kept."""
    if closing and piece[-1:] in QUOTE_MARKS:
        lead, core, _ = split_chunk(piece[:-1])
        return lead, core + piece[-1], ""
    return split_chunk(piece)


def word_pieces(core: str, is_valid=None, quote_letters: str = "", closing: bool = False,
                bracket_opened: bool = False) -> list[str]:
    """The pieces of a chunk's core that :func:`segment_block` makes segments
    of (lone characters aside): ``mg/l`` -> ``['mg']``, ``PFAS-halten`` ->
    ``['halten']``, ``3:e`` -> ``[]``."""
    pieces = []
    for piece in split_core(core, is_valid, quote_letters, closing, bracket_opened):
        if piece and not SEGMENT_SPLIT_OPTIONAL_RE.fullmatch(piece):
            p_core = piece_parts(piece, closing)[1]
            if is_word_piece(p_core):
                pieces.append(p_core)
    return pieces


def is_abbreviation(segment: str) -> bool:
    """ALL-CAPS (``LSS``) or capitalised with inner capitals (``SoL``, ``ÄktB``), without debris.

    ``sGk`` is not one: an abbreviation starts with a capital."""
    if not segment[:1].isupper():
        return False
    letters = [c for c in segment if c.isalpha()]
    if len(letters) < 2 or NON_LETTER_RE.search(segment) or not letters[0].isupper():
        return False
    return all(c.isupper() for c in letters) or any(c.isupper() for c in letters[1:])


class Segment:
    """One correctable piece of text and what the correctors learn about it."""

    __slots__ = ("start", "end", "text", "lower", "prev_kind", "sentence_start", "capital_start", "chunk_start",
                 "chunk_end", "readings", "identity", "hyphen_next", "after_hyphen", "next_kind", "written")

    def __init__(self, start: int, end: int, text: str, prev_kind: str | None, sentence_start: bool,
                 chunk_start: int, chunk_end: int) -> None:
        self.start, self.end, self.text = start, end, text
        self.lower = text.lower()
        self.prev_kind = prev_kind          # BOUNDARY / NUMBER / YEAR / None (a word precedes)
        self.sentence_start = sentence_start  # after a sentence's end (or the block's start)
        self.capital_start = sentence_start  # ... or opening a paragraph or a table row: a capital is expected
        self.chunk_start, self.chunk_end = chunk_start, chunk_end
        self.readings: tuple = ()
        self.identity = None
        self.hyphen_next = False  # ends a line with a hyphen; the next segment continues the word
        self.after_hyphen = False  # starts a line after a line-end hyphen (whatever its case)
        self.next_kind: str | None = None  # NUMBER / YEAR when a number directly follows, BOUNDARY a sentence end
        self.written = False  # in a paragraph the document's OCR engine cannot have read (Engine._written_paragraphs)

    def __repr__(self) -> str:
        return f"<Segment {self.text!r} @{self.start}>"

    def moved(self, delta: int) -> "Segment":
        """A new segment as :func:`segment_block` made this one, ``delta``
        characters further on (what the engine learns of it is not copied)."""
        seg = Segment(self.start + delta, self.end + delta, self.text, self.prev_kind, self.sentence_start,
                      self.chunk_start + delta, self.chunk_end + delta)
        seg.capital_start, seg.next_kind = self.capital_start, self.next_kind
        seg.hyphen_next, seg.after_hyphen = self.hyphen_next, self.after_hyphen
        return seg


_LONE_OK = regex.compile(r"[\p{L}|¢+(){}\[\]!]")
_WORD_AFTER = regex.compile(r"\s+[\p{L}\[(]")


def _lone_char_between_words(text: str, m) -> bool:
    """A lone letter or debris character with a word right after it -- but
    not a vertical bar in a table row (:func:`in_table_row`)."""
    if not (_LONE_OK.fullmatch(m.group()) and _WORD_AFTER.match(text, m.end())):
        return False
    return m.group() != "|" or not in_table_row(text, m.start())


BRACKET_REACH = 200  # characters searched for a bracket's partner
_PARTNER = {"(": ")", "[": "]", "{": "}", ")": "(", "]": "[", "}": "{"}
_OPENER_RE = {o: regex.compile(r"(?:^|\s)" + regex.escape(o)) for o in "([{"}
_LIST_LABEL_END = regex.compile(r"(?:^|\s)\w\s*$")


_CLOSING_BRACKET_RE = regex.compile(r"[^\n\[\]]*?\p{L}{2}\](?![\p{L}\d])")


def _bracket_closes(text: str, start: int, memo: dict[int, tuple[int, bool]]) -> bool:
    """Does the ``[`` at ``start`` open bracketed text: a ``]`` later on its
    line, or closing a word of two letters or more on the next (``[det`` /
    ``engelska originalet]``), before any ``[`` there? Not a ``]`` inside a
    word there (a misread letter: Enköping's ``[agstiftning``, lagstiftning,
    has ``]ntegrationsenheten`` below it, Tesseract prints ``l]6sningar``),
    nor one after a lone letter (Tesseract's ``a]``, ``I]`` for ``a)``, ``I)``).
    ``memo`` keeps, per line end, the line's last ``]`` and the answer for
    the next line: a line of many ``[`` is read once, not once per bracket."""
    line_end = text.find("\n", start)
    if line_end < 0:
        line_end = len(text)
    known = memo.get(line_end)
    if known is None:
        line_start = text.rfind("\n", 0, line_end) + 1
        closes_below = line_end < len(text) and _CLOSING_BRACKET_RE.match(text, line_end + 1) is not None
        known = memo[line_end] = (text.rfind("]", line_start, line_end), closes_below)
    last, closes_below = known
    return last > start or closes_below


def _stray_bracket(text: str, m) -> bool:
    """A lone bracket before a word with no partner near it (``både ( den
    enskilda``): a misread letter, not punctuation (``( se bilaga )`` is).
    An opener looks for its partner in the next BRACKET_REACH characters, a
    closer for an opener beginning a word in as many before it; neither
    across a blank line."""
    glyph = m.group()
    if glyph not in _PARTNER or not _WORD_AFTER.match(text, m.end()):
        return False
    partner = _PARTNER[glyph]
    if glyph in "([{":  # a parenthesis may run on to the next line
        return partner not in text[m.end() : m.end() + BRACKET_REACH].split("\n\n")[0]
    before = text[max(0, m.start() - BRACKET_REACH) : m.start()].split("\n\n")[-1]
    # an opener begins a word (`(samordnad`; `civilsamhii[[e` is a misread l),
    # and `a )`, `1 )` are the labels of list items
    return not _OPENER_RE[partner].search(before) and not _LIST_LABEL_END.search(before)


# The chunks of a table row drawn with bars: its cells' words and the bars
# glued to them (`|Samhällsbyggnad|Varje`, `|Ordförande|tel.nr|`).
CELL_CHUNK_RE = regex.compile(r"[^\s|]+|\|+")


def chunk_matches(text: str, start: int = 0, end: int | None = None):
    """The chunks (runs of non-space characters, CHUNK_RE) of ``text`` (in
    ``start``-``end``) -- in a table row drawn with bars at both ends
    (``|a|b|``, :func:`in_bar_table_row`), cut at the bars glued to its
    words, so that each cell's words are chunks of their own (see CELL_CHUNK_RE)."""
    for m in CHUNK_RE.finditer(text, start, len(text) if end is None else end):
        chunk = m.group()
        if "|" in chunk and len(chunk) > 1 and in_bar_table_row(text, m.start()):
            yield from CELL_CHUNK_RE.finditer(text, m.start(), m.end())
        else:
            yield m


class _Lines:
    """The line breaks of one text, found once, and what each table test
    found of a line, remembered: a line of 40,000 bars (``| x | x | ...``)
    had been copied and counted at each of its chunks (quadratic)."""

    __slots__ = ("text", "breaks", "answers")

    def __init__(self, text: str) -> None:
        self.text = text
        self.breaks = [m.start() for m in _NEWLINE_RE.finditer(text)]
        self.answers: dict[tuple[str, int], bool] = {}

    def line(self, i: int) -> str:
        """Line number ``i`` (from 0), without the white space around it."""
        start = self.breaks[i - 1] + 1 if i else 0
        end = self.breaks[i] if i < len(self.breaks) else len(self.text)
        return self.text[start:end].strip()


_NEWLINE_RE = regex.compile(r"\n")
_lines_of: _Lines | None = None  # the text asked about last


def _line_answer(text: str, pos: int, test, name: str) -> bool:
    """``test(line)`` of the line ``pos`` is on, once per line of ``text``."""
    global _lines_of
    lines = _lines_of
    if lines is None or lines.text is not text:
        lines = _lines_of = _Lines(text)
    i = bisect_left(lines.breaks, pos)
    found = lines.answers.get((name, i))
    if found is None:
        found = lines.answers[(name, i)] = test(lines.line(i))
    return found


def _bar_row(line: str) -> bool:
    return len(line) > 1 and line[0] == "|" and line[-1] == "|" and line.count("|") >= 3


def _table_row(line: str) -> bool:
    return line.count("|") >= 2 and (line.startswith("|") or line.endswith("|"))


def in_bar_table_row(text: str, pos: int) -> bool:
    """Is ``pos`` on a line that opens and closes with a bar and has three
    or more (``|Datamängd|Ansvarig|``)? (OCR prose may open a line with a
    bar for ``I``, `|nom ... ti||satt`: it seldom closes one with one.)"""
    return _line_answer(text, pos, _bar_row, "bar")


def in_table_row(text: str, pos: int) -> bool:
    """Is ``pos`` on a line drawn as a table row: two vertical bars or more,
    one of them opening or closing the line (``| Verksamhet | Budget |``,
    ``Svar: | ja | nej |``)? In OCR prose a bar stands for ``I``, ``l`` or ``i``
    (``resurs. | dagslaget har vi |önetillägg``) and seldom ends a line."""
    return _line_answer(text, pos, _table_row, "table")


# `!` glued to an unknown word with a lower-case word after it on the same line
# is no exclamation mark but a misread letter (`buffertmede! samt`: l, i or t)
_LOWER_WORD_NEXT = regex.compile(r"[^\S\n]+\p{Ll}")


# a word broken at a line end: `stöd-` / `pedagoger` (OCR may put an empty line between)
_LINE_END_HYPHENS = "-\u00ad\u2010\u2011"  # the hyphens _LINE_END_HYPHEN opens with
_LINE_END_HYPHEN = regex.compile(f"[{_LINE_END_HYPHENS}]" + r"[^\S\n]*\n(?:[^\S\n]*\n)?[^\S\n]*")


def follows_line_end_hyphen(text: str, start: int) -> bool:
    """Does the chunk at ``start`` continue a word broken at a line end
    (``ver`` after ``behö-``)? (The broken word's first half keeps its hyphen.)"""
    i = start
    while i > 0 and text[i - 1].isspace():
        i -= 1
    # (asked of every word the profile counts: most have no hyphen before them)
    return i > 0 and text[i - 1] in _LINE_END_HYPHENS and _LINE_END_HYPHEN.fullmatch(text, i - 1, start) is not None


def _table_row_start(text: str, start: int) -> bool:
    """Does the line at ``start`` begin a table row: it ends in a number, as
    the line before it does (``Övriga intäkter 5,6 3,60 … 0,4``)? A row's
    label begins like a sentence, with a capital; a line of prose after a
    number (``29,5 mnkr.``) does not end in one."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    before = text[text.rfind("\n", 0, line_start - 1) + 1 : line_start - 1].rstrip()
    line = text[start : line_end if line_end >= 0 else len(text)].rstrip()
    return before[-1:].isdigit() and line[-1:].isdigit()


def segment_block(text: str, protected: list[tuple[int, int]], is_valid=None, quote_letters: str = "",
                  caps_words: bool = False) -> list[Segment]:
    """The correctable segments of a block of text, in order.

    Text flows across line breaks (a line end is not a sentence end); a blank
    line or sentence punctuation is a context boundary. ``protected`` spans
    (URLs, e-mail addresses, identity numbers) are skipped. Given
    ``is_valid`` (lower-cased word -> bool), a ``!`` glued to a word that is
    not valid, with a lower-case word after it, is read as part of the word;
    so is a quote mark the engine prints for letters (``quote_letters``)
    inside a word or closing one that is no word (:func:`with_closing_garble`).
    With ``caps_words`` a word in capitals (:func:`is_caps_word`) is a
    segment too, not an abbreviation left alone.
    """
    return _segment_range(text, 0, len(text), True, protected, is_valid, quote_letters, caps_words)[0]


def _segment_range(text: str, lo: int, hi: int, sentence_start: bool, protected: list[tuple[int, int]],
                   is_valid, quote_letters: str, caps_words: bool) -> tuple[list[Segment], bool]:
    """:func:`segment_block` of the chunks of ``text`` in ``lo``-``hi``
    (the text around them read as context), the reading starting after a
    sentence's end or not (``sentence_start``); and whether the reading
    ends after one. The whole block is one range; see :class:`Segmenter`
    for ranges read apart."""
    segments: list[Segment] = []
    skipped = SpanSet(protected)
    prev_kind: str | None = BOUNDARY
    last_end = lo
    open_seg: Segment | None = None  # the segment just read, while nothing else has followed it
    unit_starts: set[int] = set()  # chunks opening a paragraph or a table row
    brackets: dict[int, tuple[int, bool]] = {}  # see _bracket_closes
    for m in chunk_matches(text, lo, hi):
        start, chunk = m.start(), m.group()
        if chunk[0] == "|" and chunk.strip("|") == "" and in_bar_table_row(text, start):
            # a cell's bar: no context across it, and a cell opens like a sentence (`|Övriga|`)
            prev_kind, sentence_start, open_seg, last_end = BOUNDARY, True, None, m.end()
            continue
        breaks = text.count("\n", last_end, start)
        if breaks >= 2:
            prev_kind = BOUNDARY
            unit_starts.add(start)  # a paragraph begins: a capital is expected
        elif breaks and _table_row_start(text, start):
            unit_starts.add(start)  # and a table row
        last_end = m.end()
        if skipped and skipped.overlaps(start, m.end()):
            # no context across it (`tall (Pinus sylvestris) 156 cm` is no `till <num>`); a
            # sentence may end after it (`se www.enkoping.se. I morgon`, `(Carpinus betulus).`)
            prev_kind, sentence_start, open_seg = BOUNDARY, chunk[-1] in SENTENCE_END, None
            continue
        if len(chunk) >= 2 and chunk.isalpha() and (not chunk[0].isupper() or chunk[1:].islower()):
            # most chunks: a plain word, nothing around it (the common case below, sooner)
            open_seg = Segment(start, last_end, chunk, prev_kind, sentence_start, start, last_end)
            segments.append(open_seg)
            prev_kind, sentence_start = None, False
            continue
        lead, core, trail = split_chunk(chunk)
        if core.startswith("[") and _bracket_closes(text, start, brackets):
            lead, core = lead + "[", core[1:]  # bracketed text, not a misread l
        closing = False
        lead, core = with_quotation_opened(text, start, lead, core, trail, is_valid)
        core, trail = with_low_quotation_closed(text, start, lead, core, trail)
        if quote_letters and (core[-1:] in QUOTE_MARKS or trail[:1] in QUOTE_MARKS):
            core, trail, closing = with_closing_garble(text, start, lead, core, trail, quote_letters, is_valid)
        misread_bang = (is_valid is not None and trail[:1] == "!" and core[-1:].isalpha() and not SURROGATE_RE.search(core)
                        and bool(_LOWER_WORD_NEXT.match(text, m.end())) and not is_valid(core.lower()))
        if misread_bang:
            core, trail = core + "!", trail[1:]
        pos, core_end = start + len(lead), start + len(lead) + len(core)
        if not core and len(chunk) == 1 and prev_kind in (None, BOUNDARY) and _stray_bracket(text, m):
            open_seg = Segment(start, start + 1, chunk, prev_kind, sentence_start, start, m.end())
            segments.append(open_seg)
            prev_kind, sentence_start = None, False
            continue
        if len(core) >= 2 and core.isalpha() and (not core[0].isupper() or core[1:].islower()):
            # the common case, a plain word (no abbreviation): one segment, no splitting
            open_seg = Segment(pos, pos + len(core), core, prev_kind, sentence_start, start, m.end())
            segments.append(open_seg)
            prev_kind, sentence_start = None, False
            pieces = ()
        elif (is_dotted_abbreviation(core, trail, is_valid) or INNER_INVISIBLE_RE.search(core)
              or (("'" in core or "’" in core) and is_apostrophe_name(core))
              or (is_valid is not None and ("'" in core or "’" in core or "(" in core)
                  and is_word_with_ending(core, trail, is_valid)) or is_call(core, trail)):
            # `ö.g.`: an abbreviation; `Sa'ad`, `O'Brien`: a name; `trå'n`, `tjänst(er)`: a word with an ending;
            # `f(x)`, `parse(str)`: notation or code; or
            # a zero-width or control character inside a word (`soc\u200bialnämnden`): its pieces
            # are no words, and the word cannot be corrected without moving the character
            prev_kind, sentence_start, open_seg = None, False, None
            pieces = ()
        elif trail[:1] == ")" and (ending := _OPTIONAL_ENDING_RE.fullmatch(core)) is not None:
            # `vardnadshavare(n)`: a misread word and its optional ending; the word alone is read
            # (the ending's bracket is no debris to drop: it had become `vårdnadshavaren)`)
            word = ending.group(1)
            segments.append(Segment(pos, pos + len(word), word, prev_kind, sentence_start, start, m.end()))
            prev_kind, sentence_start, open_seg = None, False, None  # (the bracket ends the word: no next_kind)
            pieces = ()
        else:
            pieces = split_core(core, is_valid, quote_letters, closing, bracket_opened_before(text, pos, core))
        for piece in pieces:
            if piece and not SEGMENT_SPLIT_OPTIONAL_RE.fullmatch(piece):
                p_lead, p_core, p_trail = piece_parts(piece, closing)
                if misread_bang and p_trail == "!" and pos + len(piece) == core_end:
                    p_core += "!"  # the last piece keeps the misread letter
                p_start = pos + len(p_lead)
                if not p_core:
                    pass
                elif DIGITS_RE.match(p_core):
                    prev_kind, sentence_start = number_kind(p_core), False
                    if open_seg is not None:
                        open_seg.next_kind = prev_kind
                    open_seg = None
                elif is_word_piece(p_core) or caps_words and is_caps_word(p_core):
                    open_seg = Segment(p_start, p_start + len(p_core), p_core, prev_kind, sentence_start, start, m.end())
                    segments.append(open_seg)
                    prev_kind, sentence_start = None, False
                elif len(chunk) == 1 and prev_kind in (None, BOUNDARY) and _lone_char_between_words(text, m):
                    # a one-character word before a word, after another or opening a sentence:
                    # `i` read as `|`, `+`, `¢`; `I` read as `|` (`. | samband` -> `. I samband`)
                    open_seg = Segment(start, start + 1, chunk, prev_kind, sentence_start, start, m.end())
                    segments.append(open_seg)
                    prev_kind, sentence_start = None, False
                else:
                    prev_kind, sentence_start, open_seg = None, False, None
            pos += len(piece)
        if (trail and trail[-1] in SENTENCE_END) or core in BOUNDARY_MARKS:
            if open_seg is not None and trail[-1:] in SENTENCE_END and not _LOWER_WORD_NEXT.match(text, m.end()):
                # the sentence ends after it (see engine.next_word); a full stop before a
                # lower-case word ends an abbreviation (`Tot. kostnad`) or is a misread comma
                open_seg.next_kind = BOUNDARY
            prev_kind, sentence_start, open_seg = BOUNDARY, True, None
    if unit_starts:  # the first word of each such line (after a list marker: `• Oka`)
        pending = sorted(unit_starts)
        k = 0
        for seg in segments:
            while k < len(pending) and pending[k] <= seg.start:
                line_end = text.find("\n", pending[k])  # (not a slice to seg: rows of numbers may be many)
                if line_end < 0 or line_end >= seg.start:
                    seg.capital_start = True
                k += 1
    for a, b in zip(segments, segments[1:]):
        if b.start - a.end >= 2 and _LINE_END_HYPHEN.fullmatch(text, a.end, b.start):  # (a hyphen and a line break)
            b.after_hyphen = True
            if not b.text[:1].isupper():
                a.hyphen_next = True
    return segments, sentence_start


# Where the reading of a block may be cut into paragraphs read apart (see
# Segmenter): an empty line after a line whose last character other than
# spaces is no hyphen (no word broken across it), before a letter or a
# heading's or list item's mark and a letter (a word opens the next
# paragraph: no number or stop that would tell the segment before it what
# follows it; the marks `#`, `-`, `*`, `•` alone are no segment, number or
# stop either).
_PARAGRAPH_CUT_RE = regex.compile(r"(?<=[^\s\-\xad][^\S\n]*)\n\n(?=\p{L}|[#*•-]+[^\S\n]+\p{L})")


class Segmenter:
    """:func:`segment_block` for a block read again after each corrector's
    edits: paragraph by paragraph, a paragraph read the last time (the same
    text, in the same state) is not read again but moved to where it now is.

    The block is cut at each _PARAGRAPH_CUT_RE; the reading of a paragraph
    then depends on nothing outside it but whether a sentence ended before
    it, and the character that opens the next one (a lone letter at its end
    looks past it for a word after the empty line). At such a cut
    :func:`segment_block` starts a context (two line breaks), the first word
    after it replaces the segment read before it as the open one without
    touching it, no line-end hyphen joins across it (the line before ends in
    another character), and every other look around a chunk stays on its
    line or within its paragraph (``"\\n\\n"`` ends a bracket's reach). So
    the segments of the paragraphs, each read from where the reading of the
    one before left off, are those of the whole block. Protected spans count
    by their place in the paragraph. Only the last reading's paragraphs are
    remembered."""

    def __init__(self, is_valid=None, quote_letters: str = "") -> None:
        self.is_valid, self.quote_letters = is_valid, quote_letters
        self._last: dict[tuple, tuple[int, list[Segment], bool]] = {}  # key -> (start, segments, ends a sentence)

    def segments(self, text: str, protected: list[tuple[int, int]], caps_words: bool = False) -> list[Segment]:
        """``segment_block(text, protected, is_valid, quote_letters, caps_words)``."""
        bounds = [0, *(m.start() for m in _PARAGRAPH_CUT_RE.finditer(text)), len(text)]
        spans = _spans_by_range(bounds, protected)
        last, self._last = self._last, {}
        out: list[Segment] = []
        sentence_start = True
        for r in range(len(bounds) - 1):
            lo, hi = bounds[r], bounds[r + 1]
            key = (text[lo:hi], sentence_start, caps_words, r == 0, text[hi + 2 : hi + 3],
                   tuple((s - lo, e - lo) for s, e in spans[r]))
            found = last.get(key)
            if found is None:
                segs, after = _segment_range(text, lo, hi, sentence_start, spans[r], self.is_valid,
                                             self.quote_letters, caps_words)
                found = (lo, segs, after)
                out += segs
            else:
                start, segs, after = found
                out += [seg.moved(lo - start) for seg in segs]
            self._last[key] = found
            sentence_start = after
        return out


def _spans_by_range(bounds: list[int], spans: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """For each range ``bounds[r]``-``bounds[r + 1]``, the spans that overlap it, in order."""
    out: list[list[tuple[int, int]]] = [[] for _ in range(len(bounds) - 1)]
    for s, e in sorted(spans):
        r = max(bisect_right(bounds, s) - 1, 0)
        while r < len(out) and bounds[r] < e:
            if bounds[r + 1] > s:
                out[r].append((s, e))
            r += 1
    return out
