"""Word correction: learned OCR confusions x Swedish lexicon x context.

Fixes single words an OCR engine garbled: lost diacritics (``hushall`` ->
``hushåll``, ``for`` -> ``för`` where the document has lost its å/ä/ö),
shape confusions (``utveck[ing`` -> ``utveckling``, ``6ppenv§1rden`` ->
``öppenvården``, ``bam`` -> ``barn``), ligature glyphs read as OCR evidence
(``ﬁirva[tningen`` -> ``förvaltningen``). Each token's readings come from the
error model's candidate generator, checked against the lexicon (with
Hunspell compounds) and ranked by :mod:`ocrfix.ranking`; a reading replaces
the token only if its posterior probability beats keeping the token by the
pipeline's confidence threshold.

Refuses to touch: numbers, dates, amounts, URLs, e-mail addresses, personal
identity numbers, ALL-CAPS and mixed-case abbreviations (``LSS``, ``SoL``,
``ÄktB``), one-letter tokens, and -- in a document that looks clean -- any
word the lexicon or the document itself vouches for.
"""
from __future__ import annotations

import math
from typing import Iterable

import regex

from ..edits import Edit
from ..profile import Profile
from ..ranking import BOUNDARY, NUMBER, Reading, Scorer
from ..tokens import EMAIL, NUMBER as NUMBER_TOKEN, PNR, URL
from .base import Corrector, Document

# Chunk = maximal run of non-space characters. Its core is what we correct;
# sentence punctuation around it stays as it is.
_CHUNK_RE = regex.compile(r"\S+")
_LEAD = "(\"“”‘«*•"
_TRAIL = ".,;:!?)\"”»’'%"
# Characters OCR engines do not produce inside words: they end a segment
# (markup `</p>`, footnote stars, quotes, arithmetic).
_SEGMENT_SPLIT_RE = regex.compile(r"([-–—/<>*+=#\"“”«»_~^®©™]+)")
_HAS_LETTER_RE = regex.compile(r"\p{L}")
_DIGITS_RE = regex.compile(r"^[\d\s.,:%+-]+$")
_GARBLE_RE = regex.compile(r"[^\p{L}\p{M}]")
_SENTENCE_END = set(".!?:•")


def split_chunk(chunk: str) -> tuple[str, str, str]:
    """``'(utveck[ing),'`` -> ``('(', 'utveck[ing', '),')``."""
    i, j = 0, len(chunk)
    while i < j and chunk[i] in _LEAD:
        i += 1
    while j > i and chunk[j - 1] in _TRAIL:
        j -= 1
    return chunk[:i], chunk[i:j], chunk[j:]


def is_abbreviation(segment: str) -> bool:
    """ALL-CAPS (``LSS``) or inner capitals (``SoL``, ``ÄktB``) without debris."""
    letters = [c for c in segment if c.isalpha()]
    if len(letters) < 2 or _GARBLE_RE.search(segment):
        return False
    return all(c.isupper() for c in letters) or any(c.isupper() for c in letters[1:])


def restore_case(ocr: str, word: str, surface: str, sentence_start: bool) -> str:
    """Give ``word`` (lower case) the capitalisation the OCR token shows.

    ALL-CAPS stays ALL-CAPS. A capital first letter is trusted only if that
    letter was read correctly: engines without Swedish read ``ä`` as ``A``
    and ``ö`` as ``O`` (``Ar`` for ``är``); when the first letter itself was
    corrected, the position decides (capital at a sentence start).
    """
    if surface != word:  # the lexicon writes it capitalised or as an acronym
        return surface
    letters = [c for c in ocr if c.isalpha()]
    if len(letters) >= 3 and all(c.isupper() for c in letters):
        return word.upper()
    first_kept = ocr[:1].lower() == word[:1]
    capital = ocr[:1].isupper() if first_kept else (sentence_start and ocr[:1].isupper() or sentence_start and not ocr[:1].isalpha())
    return word[:1].upper() + word[1:] if capital else word


class Segment:
    __slots__ = ("start", "end", "text", "lower", "readings", "identity", "prev_kind")

    def __init__(self, start: int, end: int, text: str, prev_kind: str | None) -> None:
        self.start, self.end, self.text = start, end, text
        self.lower = text.lower()
        self.prev_kind = prev_kind  # BOUNDARY / NUMBER / None (a word)
        self.readings: tuple[Reading, ...] = ()
        self.identity: Reading | None = None


class WordCorrector(Corrector):
    name = "words"
    description = "noisy-channel word correction: learned OCR confusions × lexicon × context"
    handles = frozenset({"ligatures"})

    def __init__(self, beam: int = 16, max_candidates: int = 8, error_profile: str = "auto") -> None:
        self.beam = beam
        self.max_candidates = max_candidates
        self.error_profile = error_profile

    # -- per-document state ------------------------------------------------------
    def _state(self, doc: Document) -> dict:
        st = doc.state.get(self.name)
        if st is None:
            profile = Profile()
            engine = self.error_profile
            if engine == "auto":
                engine = doc.resources.detect_engine(doc.text)
            st = doc.state[self.name] = {
                "profile": profile,
                "engine": engine,
                "scorer": Scorer(doc.resources.lexicon, doc.resources.error_model_for(engine), profile, self.beam, self.max_candidates),
                "valid": {},
            }
        return st

    def _observe(self, doc: Document, st: dict) -> None:
        profile: Profile = st["profile"]
        scorer: Scorer = st["scorer"]
        valid_cache: dict = st["valid"]
        profile.observe_letters(doc.text)
        for m in _CHUNK_RE.finditer(doc.text):
            _, core, _ = split_chunk(m.group())
            if not _HAS_LETTER_RE.search(core) or _DIGITS_RE.match(core):
                continue
            lower = core.lower()
            valid = valid_cache.get(lower)
            if valid is None:
                valid = valid_cache[lower] = scorer.lexicon.is_valid(lower)
            profile.observe_word(core, lower, valid)

    # -- the corrector -------------------------------------------------------------
    def propose(self, doc: Document) -> Iterable[Edit]:
        st = self._state(doc)
        self._observe(doc, st)
        scorer: Scorer = st["scorer"]
        profile: Profile = st["profile"]
        prior = profile.error_prior
        log_damaged, log_intact = math.log(prior), math.log1p(-prior)
        protected = [(t.start, t.end) for t in doc.tokens if t.kind in (URL, EMAIL, PNR)]
        eager = prior >= 0.05  # damaged document: check valid words too

        segments = self._segments(doc.text, protected)
        for seg in segments:
            self._read(seg, scorer, eager)
        prev_word: str | None = BOUNDARY
        for k, seg in enumerate(segments):
            prev = seg.prev_kind or prev_word
            nxt = _next_word(segments, k)
            choice, confidence, score = self._decide(seg, scorer, prev, nxt, log_damaged, log_intact)
            prev_word = choice
            if choice != seg.lower:
                surface = restore_case(seg.text, choice, scorer.lexicon.surface(choice), seg.prev_kind == BOUNDARY)
                if surface != seg.text:
                    yield Edit(seg.start, seg.end, seg.text, surface, self.name, confidence,
                               f"ocr→word (p={confidence:.2f})", round(score, 3))

    def _read(self, seg: Segment, scorer: Scorer, eager: bool) -> None:
        seg.identity = scorer.identity(seg.lower)
        if seg.identity.valid and not eager and not _GARBLE_RE.search(seg.lower):
            return
        seg.readings = scorer.readings(seg.lower)

    def _decide(self, seg: Segment, scorer: Scorer, prev, nxt, log_damaged, log_intact) -> tuple[str, float, float]:
        ident = seg.identity
        options: list[tuple[float, str]] = []
        ident_score = ident.base + log_intact + scorer.context(prev, ident.word, nxt)
        options.append((ident_score, ident.word))
        for r in seg.readings:
            if r.word == ident.word:
                continue
            options.append((r.base + log_damaged + scorer.context(prev, r.word, nxt), r.word))
        best_score, best = max(options)
        total = sum(math.exp(s - best_score) for s, _ in options)
        return best, 1.0 / total, best_score - ident_score

    # -- segmentation -----------------------------------------------------------------
    def _segments(self, text: str, protected: list[tuple[int, int]]) -> list[Segment]:
        """The correctable segments of a block, each knowing what precedes it.

        Text flows across line breaks (a line end is not a sentence end); a
        blank line or sentence punctuation is a boundary, a number is NUMBER.
        """
        segments: list[Segment] = []
        prev_kind: str | None = BOUNDARY
        last_end = 0
        for m in _CHUNK_RE.finditer(text):
            start, chunk = m.start(), m.group()
            if text.count("\n", last_end, start) >= 2:
                prev_kind = BOUNDARY
            last_end = m.end()
            if any(s < m.end() and start < e for s, e in protected):
                prev_kind = None
                continue
            lead, core, trail = split_chunk(chunk)
            if core.startswith("[") and "]" in text[start + len(lead) : text.find("\n", start) % (len(text) + 1)]:
                lead, core = lead + "[", core[1:]  # bracketed text, not a misread l
            pos = start + len(lead)
            for piece in _SEGMENT_SPLIT_RE.split(core):
                if piece and not _SEGMENT_SPLIT_RE.fullmatch(piece):
                    p_lead, p_core, _ = split_chunk(piece)
                    p_start = pos + len(p_lead)
                    if not p_core:
                        pass
                    elif _DIGITS_RE.match(p_core):
                        prev_kind = NUMBER
                    elif len(p_core) >= 2 and _HAS_LETTER_RE.search(p_core) and not is_abbreviation(p_core):
                        segments.append(Segment(p_start, p_start + len(p_core), p_core, prev_kind))
                        prev_kind = None
                    else:
                        prev_kind = None
                pos += len(piece)
            if (trail and trail[-1] in _SENTENCE_END) or core in _SENTENCE_END:
                prev_kind = BOUNDARY
        return segments


def _next_word(segments: list[Segment], k: int) -> str | None:
    if k + 1 >= len(segments):
        return None
    nxt = segments[k + 1]
    if nxt.prev_kind is not None:
        return None
    if nxt.readings:
        return nxt.readings[0].word
    return nxt.identity.word if nxt.identity and nxt.identity.valid else None
