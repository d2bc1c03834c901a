"""Word correction: learned OCR confusions x Swedish lexicon x context.

Fixes single words an OCR engine garbled: lost diacritics (``hushall`` ->
``hushåll``, ``for`` -> ``för`` where the document has lost its å/ä/ö),
shape confusions (``utveck[ing`` -> ``utveckling``, ``6ppenv§1rden`` ->
``öppenvården``, ``bam`` -> ``barn``), ligature glyphs read as OCR evidence
(``ﬁirva[tningen`` -> ``förvaltningen``). Each token's readings come from the
error model's candidate generator, checked against the lexicon (with
Hunspell compounds). In a damaged document, more readings are tried:

* a garble the learned confusions explain badly is matched against the
  words the document itself contains (``F(')'Vva[tningen``) and, by folded
  similarity, against the lexicon's most frequent words (``personakesuner``
  -> ``personalresurser``, :mod:`ocrfix.fuzzy`);
* a token valid only as a Hunspell compound is matched against the
  document's words of its length (``simverkan``, sim + verkan, where the
  document has ``samverkan``);
* a short word is also read as the most frequent words one edit away
  (``mad`` -> ``med``). Readings are ranked by :mod:`ocrfix.ranking`; one replaces the
token only if its probability against keeping the token reaches the
pipeline's confidence threshold.

Refuses to touch: numbers, dates, amounts, URLs, e-mail addresses, personal
identity numbers, ALL-CAPS and mixed-case abbreviations (``LSS``, ``SoL``,
``ÄktB``), one-letter tokens (except, in a damaged document, a lone letter or
glyph between two words: ``|`` for ``i``, ``d`` for ``då``), names glued to
numbers (``Agenda2030``), a unit after its number (``5 mg``, ``40 kr``,
``12 GB``: ``dictionaries/units.txt``), a valid word with a footnote number
(``Socialnämnden1``; unless its digit read as a letter is a word far more
probable than a footnote: ``sn6`` -> ``snö``, ``SF1`` -> ``SFI``), an
abbreviation the lexicon knows with its full stop (``fr.``, ``uppl.``); it never
reads a token written in lower case as an acronym (``kbpt`` may be
``köpt``, not ``KBT``); and -- in a document that looks clean -- any word
the lexicon or the document itself vouches for, a capitalised unknown
word beside another capitalised word (``Bo Sall``: a name), and an unknown
word the document repeats (``partman``: a term of its own) -- unless as a
word in common use (``ellcr`` twice is ``eller``) or one the document has
intact elsewhere.
"""
from __future__ import annotations

import math
from functools import lru_cache
from typing import Iterable

import regex

from ..edits import Edit
from ..engine import engine_for, next_word
from ..ranking import BOUNDARY, NUMBER, YEAR
from ..resources import data_path, read_word_list
from ..segments import is_capitalised
from .base import Corrector, Document


def char_before(text: str, pos: int) -> str:
    """The last character before ``pos`` that is not white space ('' if none)."""
    i = pos
    while i > 0 and text[i - 1].isspace():
        i -= 1
    return text[i - 1] if i else ""


def opens_unit(text: str, pos: int) -> bool:
    """Does ``pos`` open a unit of layout where headings, labels and list
    items begin? Before it on its line: nothing but white space, a bullet or
    a quote mark (``•``, ``>``), and at most one list label (``ii)``, ``4.``,
    ``4.2``, or a letter or number set off by two spaces: ``F  Ämnesordnade``).
    Not a capital or number with a single space after it (``I Öppenvården``
    opens a sentence; a wrapped line may begin with a number), and not a gap
    in running text. Only the last OPENING_LOOKBACK characters are read: on a
    line of a million characters every word would otherwise cost a copy of
    the line before it."""
    low = max(0, pos - OPENING_LOOKBACK)
    line_break = text.rfind("\n", max(0, low - 1), pos)
    if line_break < 0 and low > 0:
        return False  # the line began further back
    return _UNIT_OPENING.fullmatch(text, line_break + 1, pos) is not None


OPENING_LOOKBACK = 80
# A line's opening before a heading, a label, a list item: marks, and at most one list label.
_UNIT_OPENING = regex.compile(
    r"[^\w\n]*(?:(?:\d+(?:\.\d+)+\.?|\d+[.)]|\p{L}{1,4}[.)])[^\S\n]+|(?:\p{Lu}|\d+)[^\S\n]{2,})?[^\w\n]*")


def restore_case(ocr: str, word: str, surface: str, capital_expected: bool, upper_share=None,
                 line_start: bool = False) -> str:
    """Give ``word`` (lower case) the capitalisation the OCR token shows.

    ALL-CAPS stays ALL-CAPS; capitals scattered through a garble with debris
    in it (``OCl’L`` for ``och``) say nothing, so the position decides. A
    capital first letter is trusted only if that letter was read correctly:
    engines without Swedish read ``ä`` as ``A`` and ``ö`` as ``O`` (``Ar``
    for ``är``); when the first letter itself was corrected, the position
    decides (a capital where one is expected: a sentence's, a paragraph's or
    a table row's start, ``capital_expected``) -- or the glyph, if
    ``upper_share`` (ErrorModel.upper_share) says it mostly stands for a
    capital: a non-letter by its shape (``]nspektionen`` -> ``Inspektionen``);
    a capital letter at a line's start (``line_start``: a heading, a label,
    a list item, where capitals are common) if the engine prints it for
    capitals all but only, and more than once (Enköping's ``Amne:`` is
    ``Ämne:``, 3 of 3; Tesseract's English model prints ``Ar`` for ``är`` as
    often as for ``Är``, so there the position still decides). After a word
    in running text a capital is rare enough that even such an engine's rare
    ``O`` for ``ö`` is likelier (``med Oppna insatser``). The data never make
    a capital small.
    """
    letters = [c for c in ocr if c.isalpha()]
    if len(letters) >= 2 and all(c.isupper() for c in letters) and len(ocr) >= 2:
        return word.upper()  # (also a name: `ALINGSAS` is `ALINGSÅS` in a heading)
    if surface != word:  # the lexicon writes it capitalised or as an acronym
        return surface
    if any(c.isupper() for c in letters[1:]) and len(letters) < len(ocr):  # `OCl’L` for `och`: a garble's capitals
        capital = capital_expected
    elif ocr[:1].lower() == word[:1]:
        capital = ocr[:1].isupper()
    elif not ocr[:1].isalpha() and ocr[1:2].lower() == word[:1]:  # debris dropped: `[Socialnämnden`
        capital = ocr[1:2].isupper()
    else:
        glyph = ocr[:1]
        if upper_share is None or not glyph:
            capital = capital_expected and (glyph.isupper() or not glyph.isalpha())
        elif glyph.isalpha():  # a capital read for another letter: one the engine's data show for capitals
            capital = glyph.isupper() and (capital_expected or line_start and upper_share(glyph) > CAPITAL_GLYPH)
        else:  # a glyph for a capital, or one seen for capitals at least at sentence starts
            share = upper_share(glyph)
            capital = share >= CAPITAL_GLYPH or (capital_expected and share >= LOWER_GLYPH)
    return word[:1].upper() + word[1:] if capital else word


def all_caps(word: str) -> bool:
    """An acronym written in capitals (``LSS``, ``KBT``), not a one-letter word."""
    return len(word) >= 2 and word.isupper()


def split_reading(ocr: str, reading: str, cut: int) -> int:
    """Where in ``reading`` the OCR boundary ``cut`` falls (character alignment)."""
    from rapidfuzz.distance import Levenshtein

    for op in Levenshtein.opcodes(ocr, reading):
        if op.src_start <= cut < op.src_end or (cut == op.src_end == len(ocr)):
            if op.tag == "equal":
                return op.dest_start + (cut - op.src_start)
            return min(op.dest_start + (cut - op.src_start), op.dest_end)
        if cut == op.src_start:
            return op.dest_start
    return min(cut, len(reading))


# A reading whose channel log-probability is below this explains the token
# poorly; the document's own vocabulary is then searched too.
WEAK_CHANNEL = -8.0


def read_weakly(readings) -> bool:
    """No reading, or the best one explains the token poorly (see WEAK_CHANNEL)."""
    return not readings or readings[0].channel < WEAK_CHANNEL


# Personal names are short (Gustafsson, Fredriksson); a longer capitalised
# word the lexicon does not know is more often a misread compound.
MAX_NAME_CHARS = 12
# `tab. 12`, `rskr. 2021/22:375`: a lower-case word this short, a full stop
# and a number is an abbreviation (see Words._abbreviation).
MAX_ABBREVIATION = 6
_NUMBER_AFTER_STOP = regex.compile(r"\.[^\S\n]+\d")
# Corrections at least this sure count as words the document contains.
CONFIDENT = 0.9
# Words this frequent (Zipf) are function words: i, och, att, är, som, för ...
FUNCTION_WORD_ZIPF = 6.3
# A non-letter read for a word's first letter makes it a capital where the
# engine's data show that glyph standing for capitals at least this often.
CAPITAL_GLYPH = 2 / 3
# ... and stays a lower-case letter even at a sentence start where they show it
# standing for a capital this rarely (``[`` for ``l``: 1 capital in 16).
LOWER_GLYPH = 1 / 3
# a word with a footnote number glued to it: `Socialnämnden1`, `insatser12`
FOOTNOTE_RE = regex.compile(r"(\p{L}+)(\d+)")
# log P(a word carries a footnote number): none of the 32,000 words of the
# clean sample reports does, so at most about 1 in 32,000. A reading of the
# digits as letters (`sn6` snö) must beat the word without them by more.
FOOTNOTE_LOGP = math.log(1 / 32_000)


# Times an unknown lower-case word is written in a clean-looking document
# before it counts as a term of the document (see propose).
REPEATED_TERM = 2
# ... which is still read as a word in common use (`ellcr` written twice is
# `eller`; a running footer's `sicla` is `sida`), not as a rare one
# (`partman` is no `partiman`, Zipf 1.1).
TERM_RIVAL_ZIPF = 2.5


@lru_cache(maxsize=1)
def units() -> frozenset[str]:
    """Units written after a number (``dictionaries/units.txt``): ``mg``, ``kr``, ``GB``."""
    return frozenset(read_word_list(data_path("units.txt")))


class WordCorrector(Corrector):
    name = "words"
    description = "noisy-channel word correction: learned OCR confusions × lexicon × context"
    handles = frozenset({"ligatures"})

    def __init__(self, beam: int = 16, max_candidates: int = 8, error_profile: str = "auto") -> None:
        self.beam = beam
        self.max_candidates = max_candidates
        self.error_profile = error_profile

    def propose(self, doc: Document) -> Iterable[Edit]:
        eng = engine_for(doc, self.error_profile, self.beam, self.max_candidates)
        segments = eng.segments(doc)
        prev_word: str | None = BOUNDARY
        skip = -1
        second_look = []  # garbles kept for want of a reading: (segment, readings, prev, next, pool size then)
        for k, seg in enumerate(segments):
            if k == skip:
                continue
            prev = seg.prev_kind or prev_word
            eager = eng.eager and not seg.written  # (a clean appendix after a scan is read as clean text)
            if seg.hyphen_next and k + 1 < len(segments):
                joint = self._hyphenated(eng, seg, segments[k + 1], prev, next_word(segments, k + 1))
                if joint is not None:
                    edits, prev_word = joint
                    yield from edits
                    skip = k + 1
                    continue
            if not seg.readings and seg.identity.valid:  # a word with no rival reading
                prev_word = seg.lower
                continue
            if self._abbreviation(eng, seg, doc.text) or seg.prev_kind in (NUMBER, YEAR) and seg.text in units():
                prev_word = None  # (`5 mg`, `40 kr`: a unit after its number)
                continue
            digits_as_letters = None
            footnote = self._footnote_mark(eng, seg)
            if footnote is not None:
                # the digits may be misread letters (`sn6` snö, `SF1` SFI): readings of them as
                # letters compete with the token as it stands if more probable than a footnote
                floor = eng.scorer.log_prior(footnote) + FOOTNOTE_LOGP
                digits_as_letters = tuple(r for r in seg.readings if len(r.word) == len(seg.lower) and r.base > floor)
                if not digits_as_letters:
                    prev_word = None
                    continue
            readings = digits_as_letters or seg.readings
            if not eager and (self._name_like(seg, segments, k, doc.text)
                              or not seg.identity.valid and seg.lower in eng.scorer.lexicon.english_words()):
                prev_word = seg.lower  # a name, or an English word (`development`) in a clean document
                continue
            if not eager and not seg.identity.valid and is_capitalised(seg.text) and len(seg.text) <= MAX_NAME_CHARS:
                # in a clean document a short capitalised unknown word is a name, not another name
                # misread (`Ikram` is not `Iran`, `Hibo` not `Hiba`): only common words may win
                readings = tuple(r for r in readings if not eng.scorer.lexicon.surface(r.word)[:1].isupper())
            if (not eager and not seg.identity.valid and seg.text.islower()
                    and eng.profile.unknown_words.get(seg.lower, 0) >= REPEATED_TERM):
                # a word the document repeats, unknown to the lexicon, where the text looks
                # clean: a term of its own (`partman` had become `partiman`), read only as a
                # word in common use or one the document has intact elsewhere (`ahernativ`
                # beside its `alternativ`)
                vocabulary, zipf = eng.profile.vocabulary, eng.scorer.lexicon.zipf
                readings = tuple(r for r in readings if r.word in vocabulary or zipf(r.word) >= TERM_RIVAL_ZIPF)
            weak = eager and not seg.identity.valid and not digits_as_letters and read_weakly(readings)
            if weak:
                readings = tuple(readings) + eng.similar_readings(seg.lower)
                weak_at = eng.pool_size
            elif eager and seg.identity.valid and not eng.scorer.lexicon.is_word(seg.lower):
                # valid only as a compound: a letter misread, never another form of the
                # word (`yrkesresa` stays beside the document's `yrkesresan`)
                readings = tuple(readings) + tuple(r for r in eng.document_readings(seg.lower)
                                                   if len(r.word) == len(seg.lower))
            nxt = next_word(segments, k)
            choice, edit = self._decide(eng, seg, readings, prev, nxt, doc.text)
            prev_word = choice
            if edit is not None:
                yield edit
            elif choice == seg.lower:
                if weak:
                    second_look.append((seg, readings, prev, nxt, weak_at))
                if eager and self._stray_capital(eng, seg, segments[k - 1] if k else None):
                    yield Edit(seg.start, seg.end, seg.text, seg.lower, self.name, 0.8,
                               "capital letter in mid-sentence on a function word (OCR case error)")
        # A garble left as it was may be a word the document goes on to
        # contain (read intact or corrected later in the block): it is matched
        # once more against the words learned since.
        for seg, readings, prev, nxt, weak_at in second_look:
            if eng.pool_size > weak_at:
                later = eng.document_readings(seg.lower, since=weak_at)
                if later:
                    _, edit = self._decide(eng, seg, tuple(readings) + tuple(later), prev, nxt, doc.text)
                    if edit is not None:
                        yield edit

    def _decide(self, eng, seg, readings, prev, nxt, text: str) -> tuple[str, Edit | None]:
        """The word chosen for ``seg`` among keeping it and ``readings`` in context, and its edit (None: kept)."""
        if any(c.isalpha() for c in seg.text) and not any(c.isupper() for c in seg.text):
            # An engine that misreads letters keeps their case: a token written in
            # lower case is not an acronym (`kbpt` is not `KBT`, `hi)’g` not `HIF`).
            written = eng.scorer.lexicon.surface
            readings = [r for r in readings if not all_caps(written(r.word))]
        readings = eng.admissible(seg, readings)
        choice, confidence, margin = eng.choose(eng.options(seg.identity, readings, prev, nxt, seg.written,
                                                            lower_case=seg.text.islower()))
        if choice == seg.lower:
            return choice, None
        if confidence >= CONFIDENT:
            eng.note_correction(choice)
        surface = restore_case(seg.text, choice, eng.scorer.lexicon.surface(choice), seg.capital_start,
                               eng.scorer.error_model.upper_share, opens_unit(text, seg.start))
        if surface == seg.text:
            return choice, None
        return choice, Edit(seg.start, seg.end, seg.text, surface, self.name, confidence,
                            f"read as OCR error of {choice!r} (engine {eng.engine}, p={confidence:.2f})", round(margin, 3))

    @staticmethod
    def _abbreviation(eng, seg, text: str) -> bool:
        """``fr.``, ``ev.``, ``uppl.``: a form the lexicon knows only with its
        full stop (the stop is not part of the segment), written in lower
        case as abbreviations are (``Gr.`` in mid-sentence is a garble);
        and ``tab. 12``, ``rskr. 2021/22:375``, ``dir. 2020:12``: a short
        lower-case word with a full stop before a number, an abbreviation
        whether the lexicon knows it or not (in the OCR of the dev data no
        such token of plain letters needs correcting; one with OCR debris in
        it does: ``k[. 18.00`` is ``kl. 18.00``)."""
        if text[seg.end : seg.end + 1] != ".":
            return False
        if (seg.text.isalpha() and seg.text.islower() and len(seg.text) <= MAX_ABBREVIATION
                and _NUMBER_AFTER_STOP.match(text, seg.end)):
            return True
        return (not seg.identity.valid and (seg.text.islower() or seg.sentence_start and seg.text[1:].islower())
                and eng.scorer.lexicon.is_word(seg.lower + "."))

    @staticmethod
    def _name_like(seg, segments, k: int, text: str) -> bool:
        """A capitalised word of plain letters the lexicon does not know, in
        mid-sentence or after a label's colon, beside another capitalised word
        (``Bo Sall``, ``Handläggare: Nasra Cabdullahi``): in a document that
        looks clean, a name, not a misread word. (Words with a letter Swedish
        does not write, ``Ayşe``, ``Łukasz``, are never read: see
        :func:`ocrfix.language.foreign_word_spans`.)"""
        if seg.identity.valid or not is_capitalised(seg.text) or len(seg.text) > MAX_NAME_CHARS:
            return False
        if seg.sentence_start and char_before(text, seg.start) != ":":  # (a label: `Handläggare: Nasra …`)
            return False
        for j in (k - 1, k + 1):
            if 0 <= j < len(segments):
                other = segments[j]
                a, b = (other, seg) if j < k else (seg, other)
                if is_capitalised(other.text) and not other.sentence_start and text[a.end : b.start] == " ":
                    return True
        return False

    @staticmethod
    def _footnote_mark(eng, seg) -> str | None:
        """``Socialnämnden1``: a valid word with a digit glued to its end may be
        a footnote reference; returns that word (lower case), or None
        (``arbetsmilj6`` is not a word without its digit, so it is corrected
        as any other token)."""
        last = seg.text[-1:]
        if last.isascii() and not last.isdigit():  # most tokens: a test far cheaper than the pattern
            return None  # (only for ASCII: the pattern's \d knows digits of newer Unicode than str's)
        m = FOOTNOTE_RE.fullmatch(seg.text)
        if m and len(m.group(1)) >= 2 and eng.scorer.lexicon.is_valid(m.group(1).lower()):
            return m.group(1).lower()
        return None

    @staticmethod
    def _stray_capital(eng, seg, before) -> bool:
        """``I`` between two lower-case words: the word ``i`` (a one-letter
        function word is never capitalised in mid-sentence; longer ones may
        start a list item or a heading, so they are left alone)."""
        return (
            len(seg.text) == 1
            and seg.text.isupper()
            and not seg.sentence_start
            and seg.prev_kind is None
            and before is not None
            and before.text.islower()
            and eng.scorer.zipf_lexicon(seg.lower) >= FUNCTION_WORD_ZIPF
            and eng.scorer.lexicon.surface(seg.lower) == seg.lower
        )

    def _hyphenated(self, eng, a, b, prev, nxt):
        """Correct a word broken at a line end as one word, keeping the break.

        Returns (edits, the word chosen) when the joined reading beats reading
        the two pieces separately (``budget-`` / ``och`` stay two words), else None.
        """
        sc = eng.scorer
        joined = a.lower + b.lower
        identity = sc.identity(joined)
        readings = sc.quick_readings(joined) if identity.valid else sc.readings(joined)
        written = a.written or b.written  # (a paragraph the engine cannot have read: clean text's priors)
        if eng.eager and not written and not identity.valid and read_weakly(readings):
            readings = tuple(readings) + eng.similar_readings(joined)
        joint = eng.options(identity, readings, prev, nxt, written)
        best_joint = max(joint)
        a_best = max(eng.options(a.identity, a.readings, prev, b.readings[0].word if b.readings else b.lower, written))
        b_best = max(eng.options(b.identity, b.readings, a_best[1], nxt, written))
        if best_joint[0] < a_best[0] + b_best[0]:
            return None
        choice, confidence, margin = eng.choose(joint)
        edits = []
        if choice != joined:
            cut = split_reading(joined, choice, len(a.lower))
            head, tail = choice[:cut], choice[cut:]
            if head and tail:
                new_a = restore_case(a.text, head, head, a.capital_start)
                reason = f"hyphenated word read as {choice!r} (p={confidence:.2f})"
                if new_a != a.text:
                    edits.append(Edit(a.start, a.end, a.text, new_a, self.name, confidence, reason, round(margin, 3)))
                if tail != b.text:
                    edits.append(Edit(b.start, b.end, b.text, tail, self.name, confidence, reason, round(margin, 3)))
        return edits, choice
