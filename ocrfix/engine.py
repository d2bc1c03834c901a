"""The correction engine shared by the word-level correctors of one document.

It holds what ocrfix learns about a document while correcting it -- its
profile (how damaged it is, its intact vocabulary), which OCR engine garbled
it, and the :class:`~ocrfix.ranking.Scorer` built on those -- and decides,
for a segment in context, which reading wins and how sure that is.

``words``, ``rejoin`` and ``split`` all use the engine of their document
(:func:`engine_for`), so the profile is measured once per block and
candidate readings are computed once per distinct token.

Protected spans (:func:`ocrfix.tokens.protected_spans`: URLs, e-mail
addresses, identity numbers, handles, hashtags, inline code) are neither
corrected nor counted in the profile -- except a handle that is a garble: an
``@`` the engine is known to print for a letter, before the rest of a word
(``@renden`` for ``ärenden``, on a Tesseract page).
"""
from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import replace

import regex

from .correctors.base import Document
from .errormodel import QUOTE_MARKS, SWEDISH_LETTERS
from .fuzzy import fold_plain, near, new_pool
from .language import foreign_spans, foreign_word_spans
from .profile import BASELINE_OOV, MIN_PRIOR, Profile
from .ranking import BESIDE_ITSELF, BOUNDARY, IN_LEXICON, LN10, Reading, Scorer
from .segments import (DIGITS_RE, HAS_LETTER_RE, NON_LETTER_RE, SURROGATE_RE, Segment, Segmenter, bracket_opened_before,
                       chunk_matches, is_abbreviation, is_apostrophe_name, is_call, is_capitalised, is_caps_word,
                       is_dotted_abbreviation, is_fixed_form, is_word_with_ending, split_chunk, with_closing_garble,
                       word_pieces, follows_line_end_hyphen)
from .tokens import fenced_code_spans, merged_spans, protected_spans

STATE_KEY = "engine"
# A word in capitals this short is read only as a word in use (see Engine.admissible).
MAX_SHORT_CAPS = 5
# A paragraph with at least this many a/o vowels (å/ä/ö included), this share of them
# with their diacritics, was not read by an engine that keeps fewer than MAX_KEPT_DIACRITICS
# of them (see Engine._written_paragraphs).
MIN_PARAGRAPH_VOWELS, WRITTEN_DIACRITIC_SHARE, MAX_KEPT_DIACRITICS = 20, 0.15, 0.5
# ... and that many that the engine would leave them so rarely (P below this): Swedish
# writes about a quarter of its a/o vowels as å, ä or ö.
WRITTEN_EVIDENCE, SWEDISH_DIACRITIC_SHARE = 1e-3, 0.25
_PARAGRAPH_RE = regex.compile(r"(?:[^\n]+\n?)+")
# `(Quercus robur)`, `(Tilia × europaea)`: a genus and a species in brackets
# (see Engine._scientific_names)
_SCIENTIFIC_NAME_RE = regex.compile(r"(?<=\()(\p{Lu}\p{Ll}{2,})(?: [×x])? (\p{Ll}{3,})(?=\)(?![\p{L}'’]))")
# log P(damaged), log P(intact), log P(intact | unknown word) in such a paragraph: clean text's
WRITTEN_PRIORS = (math.log(MIN_PRIOR), math.log1p(-MIN_PRIOR), 0.0)
# A valid word in capitals at least this frequent (Zipf) is never re-read (see Engine.read).
CAPS_KEPT_ZIPF = 3.0
# An abbreviation only the abbreviation list knows (`dnr`, `fom`) is read as another
# word only through confusions this likely, relative to reading it as itself (see Engine.read).
ABBREVIATION_MIN_CHANNEL = -4.0
# A document whose error prior is at least this is "damaged": valid-looking
# words are checked too (``for`` may be ``för``).
EAGER_PRIOR = 0.05
# ... and so is one with at least MISREAD_TYPES different lower-case unknown
# words of 5 letters or more (profile.MIN_MISREAD_LENGTH; no half of a word
# hyphenated at a line's end) that the learned confusions read as words
# (``bikler``, ``amända``, ``dokumemet``), MISREAD_SHARE of its words at
# least: OCR output whose errors are mostly valid words (Tesseract's Swedish
# model at 100 dpi: ``an`` for ``att``), which the share of unknown words
# put below EAGER_PRIOR on 25 of 88 S4 pages of other prose; 7 of them are
# now read as damaged. Clean text's unknown lower-case words are terms and
# command names (``skalkommando``, ``crontab``; shorter ones, ``awk``,
# ``svn``, are not counted): none of 432 clean help, GNOME, installation-guide
# and manual documents is (a review's Linux help texts had been, at 3 letters).
MISREAD_TYPES, MISREAD_SHARE = 5, 0.015
# A capitalised unknown word the confusions do not read as
# a word with at least this channel log-probability is a name (Profile.names).
EXPLAINED_CHANNEL = -8.0
# log P(a token written in lower case is a name, or an acronym): a reading the
# lexicon writes with a capital (``Cola``, ``SD``) is this much less probable
# for a token written small. Engines keep case: on the tesseract-dev pages and
# the Enköping dev lines, 8 of 2,638 capitalised words came out with a small
# first letter (0.3 %, mostly an ``I`` read as ``i``); a writer's lower-case
# names (``gimp``, command names) allow for more. Keeping the token costs as
# much where it is a name of NAME_MIN_LETTERS letters or more, in a damaged
# document (``barbara`` is ``bärbara``): a shorter one is as often a word
# the lexicon happens to write with a capital (``tor`` Thursday, ``mac``,
# ``eva``), an English word in a Swedish text (``at``, ``may``, ``us``) or an
# abbreviation, and a clean text writes what its writer meant (see
# Engine.options). Measured against no such cost: Tesseract pages of prose
# outside the domain, S1235, GNOME +0.2 %; S4 of other prose 0..+0.6 %;
# help texts, harm corpus, dev and Enköping unchanged (a review found the
# cost on short names turning `Care at home` into `Care åt home`). Asked by
# the word corrector for a single token (``iPhone`` is not written small);
# joins and splits weigh their readings without it.
NAME_IN_LOWER_CASE = math.log(0.01)
NAME_MIN_LETTERS = 5
# A valid token's copies elsewhere in the document count for it when no rival
# reading explains the token as an error this engine makes more often than
# this (Engine.options): copies of `insticksmodulen` are not all the
# engine's `n` for `r`, a confusion it was never seen to make. Where a rival
# is likelier than that, they may all be one error (`for` for `för`) and
# count for nothing.
UNSYSTEMATIC_CHANNEL = math.log(1e-3)
# Document-vocabulary matching: tokens this long, similarity (0-100) of the folded
# forms at least this (a coarse net: the channel test below decides).
DOC_MATCH_MIN_LENGTH, DOC_MATCH_MIN_RATIO = 5, 60
# ... leaving at most this many of the token's letters unread, and explaining
# it at least this well (channel log-probability per OCR character: a word
# that fits only this badly is a guess, not a reading).
DOC_MATCH_MAX_DROPPED, DOC_MATCH_MIN_CHANNEL = 2, -3.5
# ... the same floor for any reading of a token of plain letters this long (Engine.admissible).
MIN_PLAIN_LENGTH = 4
# Frequent-word matching (heavy garbles, ocrfix.fuzzy): tokens this long,
# folded similarity at least this; the same refusals as document matching.
LEXICON_MATCH_MIN_LENGTH, LEXICON_MATCH_MIN_RATIO = 6, 70
# Bounds that keep memory and time flat on an endless stream (a 100-page
# report has about 10,000 distinct words): words matched against, and other
# per-word facts remembered, per document.
MAX_POOL, MAX_REMEMBERED = 20_000, 200_000


def engine_for(doc: Document, engine: str = "auto", beam: int = 16, max_candidates: int = 8) -> "Engine":
    """The engine of ``doc``'s document, made on first use; observes the block once."""
    eng = doc.state.get(STATE_KEY)
    if eng is None:
        if engine == "auto":
            engine = doc.resources.detect_engine(doc.text)
        eng = doc.state[STATE_KEY] = Engine(doc, engine, beam, max_candidates)
    eng.observe(doc)
    return eng


class Engine:
    def __init__(self, doc: Document, engine: str, beam: int, max_candidates: int) -> None:
        self.engine = engine
        self.profile = Profile()
        self.scorer = Scorer(doc.resources.lexicon, doc.resources.error_model_for(engine), self.profile, beam, max_candidates)
        self._observed: set[int] = set()
        self._valid: dict[str, bool] = {}
        self._proper: dict[str, bool] = {}    # capitalised token -> valid only with its capital (see read)
        self._misread: dict[str, bool] = {}   # unknown word -> read as a word by the confusions (evidently_misread)
        self._segments_of: tuple[str, list[Segment]] | None = None
        # segment_block, read again only where a corrector's edits changed a paragraph
        self._segmenter = Segmenter(self.scorer.is_valid, self.scorer.error_model.quote_letters)
        self._foreign_of: tuple[str, list[tuple[int, int]]] | None = None
        self._protected_of: tuple[str, list[tuple[int, int]]] | None = None
        self._foreign_words_of: tuple[str, list[tuple[int, int]]] | None = None
        # letters this engine's OCR is known to print as `@` (`@renden` for `ärenden`)
        self._at_letters = tuple(t for t, _ in self.scorer.error_model.rules.get("@", ()) if len(t) == 1 and t.isalpha())
        self.corrected: dict[str, int] = self.scorer.corrected   # confident corrections so far
        self._pool: list[str] = []            # words known in this document (for document_readings)
        self._pool_folded: list[str] = []     # the same, folded (ErrorModel.fold)
        self._pool_near = new_pool()          # the same again, for the similarity prefilter (ocrfix.fuzzy.near)
        self._pool_set: set[str] = set()
        self._frequent_matches: dict[str, list[tuple[str, float]]] = {}  # see frequent_word_readings
        self._read_memo: dict[tuple, tuple] = {}  # (text, written, eager) -> (identity, readings), see read
        # the Markdown code fence open where each block begins (by its first line), and after the last one
        self._fence_at: dict[int, str | None] = {}
        self._fence_open: str | None = None
        self.log_damaged = self.log_intact = self.log_unknown_intact = 0.0
        self.eager = False

    # -- learning about the document ------------------------------------------------
    def observe(self, doc: Document) -> None:
        """Count the block's words and letters into the profile (once per block)."""
        if doc.first_line in self._observed:
            return
        self._observed.add(doc.first_line)
        self._fence_at[doc.first_line] = self._fence_open  # (blocks are observed in order)
        self._fence_open = fenced_code_spans(doc.text, self._fence_open)[1]
        profile = self.profile
        lexicon = self.scorer.lexicon
        # an English passage, a URL, a handle, inline code, a foreign name (`Łukasz`)
        # say nothing about the Swedish text's damage
        skipped = merged_spans(self.foreign_spans(doc) + self.protected_spans(doc) + self._foreign_words(doc.text))
        profile.observe_letters(_outside(doc.text, skipped) if skipped else doc.text)
        f, nf = 0, len(skipped)
        english = lexicon.english_words()
        quote_letters = self.scorer.error_model.quote_letters
        for m in chunk_matches(doc.text):
            if skipped:
                while f < nf and skipped[f][1] <= m.start():
                    f += 1
                if f < nf and skipped[f][0] < m.end():
                    continue
            lead, core, trail = split_chunk(m.group())
            closing = False
            if quote_letters and (core[-1:] in QUOTE_MARKS or trail[:1] in QUOTE_MARKS):
                core, trail, closing = with_closing_garble(doc.text, m.start(), lead, core, trail, quote_letters,
                                                           self.scorer.is_valid)
            # only what the correctors read says anything of the damage: not numbers,
            # abbreviations (`LSS`, `ö.g.`), forms with their ending (`3:e`), codes (`Agenda2030`)
            if core.isalpha():
                if is_abbreviation(core):
                    continue
                pieces = (core,)
            else:
                if (not HAS_LETTER_RE.search(core) or DIGITS_RE.match(core) or SURROGATE_RE.search(core)
                        or is_fixed_form(core) or is_dotted_abbreviation(core, trail, self.scorer.is_valid)
                        or is_word_with_ending(core, trail, self.scorer.is_valid) or is_call(core, trail)):
                    continue
                pieces = word_pieces(core, self.scorer.is_valid, quote_letters, closing,
                                     bracket_opened_before(doc.text, m.start() + len(lead), core))
                if not pieces:
                    continue  # markup, numbers, single letters (`<b>4</b>`): nothing a corrector reads
            lower = core.lower()
            # `mg/l`, `och/eller`: a word of its pieces; `fr.`: an abbreviation the lexicon knows
            valid = all(self._valid_word(p) for p in pieces) or (trail[:1] == "." and lexicon.is_word(lower + "."))
            if valid and lower not in profile.vocabulary:
                for piece in pieces:
                    self._remember(piece.lower())
            # not counted as damage in a text without OCR debris: names and English words
            # (a capitalised word a confusion reads as a word may be a misread one: `Overgripande`)
            name = not valid and (lower in english or is_apostrophe_name(core)
                                  or is_capitalised(core) and not self._explained(lower))
            profile.observe_word(core, lower, valid, name, fragment=follows_line_end_hyphen(doc.text, m.start()))

        prior = profile.error_prior
        self.log_damaged = math.log(prior)   # log P(a token is an OCR error)
        self.log_intact = math.log1p(-prior)
        self.eager = prior >= EAGER_PRIOR or self.evidently_misread()
        if len(self._observed) == 1:
            self.scorer.damaged_document = self.eager
        # P(intact | unknown to the lexicon): clean text of this genre has
        # BASELINE_OOV unknown words (names, rare words); the more unknown
        # tokens a document has beyond that, the less an unknown one is trusted.
        self.log_unknown_intact = math.log(min(1.0, BASELINE_OOV / max(profile.oov_estimate, BASELINE_OOV)))

    # -- segments ---------------------------------------------------------------------
    def segments(self, doc: Document) -> list[Segment]:
        """The block's segments with their readings (cached while the text is unchanged)."""
        if self._segments_of is not None and self._segments_of[0] == doc.text:
            return self._segments_of[1]
        protected = self.protected_spans(doc) + self.foreign_spans(doc) + self._foreign_words(doc.text)
        segs = self._segmenter.segments(doc.text, protected, caps_words=self.eager)
        if not self.eager:  # lone debris (`|` in a table) is only read as a word in damaged text
            segs = [s for s in segs if len(s.text) > 1 or s.text.isalpha()]
        written = self._written_paragraphs(doc.text) if self.eager else []
        k = 0
        for seg in segs:
            while k < len(written) and written[k][1] <= seg.start:
                k += 1
            seg.written = k < len(written) and written[k][0] <= seg.start
            self.read(seg)
        self._segments_of = (doc.text, segs)
        return segs

    def _written_paragraphs(self, text: str) -> list[tuple[int, int]]:
        """Spans of the paragraphs this engine cannot have read: rich in å, ä
        and ö (WRITTEN_DIACRITIC_SHARE of the a/o vowels) where the engine
        mostly loses them (Enköping's keeps 1 in 6). A clean appendix after
        a scan: its words are read as in a clean document (``sa``, ``far``,
        ``stod`` are no ``så``, ``får``, ``stöd`` there, ``Tigist`` and
        ``Senait`` names), its words are not rejoined or split. Never for an
        engine that keeps its diacritics (Tesseract's Swedish model)."""
        identity = self.scorer.error_model.identity
        kept = sum(math.exp(identity.get(c, 0.0)) for c in "åäö") / 3
        if kept >= MAX_KEPT_DIACRITICS:
            return []
        expected = kept * SWEDISH_DIACRITIC_SHARE  # the share this engine leaves in Swedish text
        spans = []
        for m in _PARAGRAPH_RE.finditer(text):
            para = m.group()
            plain = para.count("a") + para.count("o") + para.count("A") + para.count("O")
            marked = sum(para.count(c) for c in "åäöÅÄÖ")
            n = marked + plain
            if (n >= MIN_PARAGRAPH_VOWELS and marked >= WRITTEN_DIACRITIC_SHARE * n
                    and _binomial_tail(n, marked, expected) < WRITTEN_EVIDENCE):
                spans.append((m.start(), m.end()))
        return spans

    def foreign_spans(self, doc: Document) -> list[tuple[int, int]]:
        """The lines of the block in another language (:mod:`ocrfix.language`): left alone."""
        if self._foreign_of is None or self._foreign_of[0] != doc.text:
            self._foreign_of = (doc.text, foreign_spans(doc.text))
        return self._foreign_of[1]

    def protected_spans(self, doc: Document) -> list[tuple[int, int]]:
        """The block's protected spans (:func:`ocrfix.tokens.protected_spans`),
        sorted and disjoint, without the handles that are garbles (:meth:`_garbled_handle`),
        with Markdown code fences (:func:`ocrfix.tokens.fenced_code_spans`)."""
        if self._protected_of is None or self._protected_of[0] != doc.text:
            text = doc.text
            spans = [(s, e) for s, e in protected_spans(text) if not self._garbled_handle(text[s:e])]
            if "(" in text:
                spans = merged_spans(spans + self._scientific_names(text))
            fenced = fenced_code_spans(text, self._fence_at.get(doc.first_line))[0]
            if fenced:
                spans = merged_spans(spans + fenced)
            self._protected_of = (text, spans)
        return self._protected_of[1]

    def _scientific_names(self, text: str) -> list[tuple[int, int]]:
        """``(Quercus robur)``, ``(Tilia × europaea)``: a capitalised word and a
        small one alone in brackets, neither a Swedish word nor both read as
        words by the learned confusions -- a species' scientific name, Latin,
        which no confusion should make Swedish (``Betula pubescens`` is no
        ``Betala``), where two garbled Swedish words (``(Nimnden beslutav)``)
        are read as the words they are. None in the dev OCR or the reports."""
        is_valid = self.scorer.is_valid
        return [m.span() for m in _SCIENTIFIC_NAME_RE.finditer(text)
                if not is_valid(m.group(1).lower()) and not is_valid(m.group(2))
                and not (self._explained(m.group(1).lower()) and self._explained(m.group(2)))]

    def in_protected(self, doc: Document, start: int, end: int) -> bool:
        """Does ``start``-``end`` of the block overlap a protected span?"""
        spans = self.protected_spans(doc)
        k = bisect_right(spans, (start, float("inf"))) - 1  # the last span starting at or before start
        return (k >= 0 and spans[k][1] > start) or (k + 1 < len(spans) and spans[k + 1][0] < end)

    def _garbled_handle(self, span: str) -> bool:
        """``@renden``: a handle in form, but an ``@`` this engine is known to
        print for a letter, before lower-case letters that are no word alone
        but one with that letter (``ärenden``): an OCR garble, read as one.
        ``@enkopingskommun``, ``@IFO``, ``@SN_Enkoping``, ``@ringen`` (a word
        already, though ``öringen`` is one too) and hashtags stay handles."""
        name = span[1:]
        return (span[:1] == "@" and name.isalpha() and name.islower() and not self.scorer.is_valid(name)
                and any(self.scorer.is_valid(letter + name) for letter in self._at_letters))

    def _foreign_words(self, text: str) -> list[tuple[int, int]]:
        """Words with letters Swedish does not write (``Łukasz``, ``dieđáhus``): left alone
        (found once per block text: the profile and the segments both ask)."""
        if self._foreign_words_of is None or self._foreign_words_of[0] != text:
            self._foreign_words_of = (text, foreign_word_spans(text, self.scorer.error_model.ocr_letters))
        return self._foreign_words_of[1]

    def in_foreign(self, doc: Document, pos: int) -> bool:
        """Is offset ``pos`` of the block inside a foreign-language line?"""
        return any(s <= pos < e for s, e in self.foreign_spans(doc))

    def read(self, seg: Segment) -> None:
        """Fill in the segment's identity reading and its candidate readings.

        A valid word is left alone in a clean-looking document, and checked
        with the narrow search (diacritics, common confusions) in a damaged
        one -- but not a word in capitals in common use (``HALL``, ``SAGA``,
        ``SPAR``: in capitals a name or an acronym looks the same; a rare one
        may be a garble, ``ARET``), and an abbreviation
        only the abbreviation list knows only as a confusion the engine
        makes often (``dir`` for ``där``; ``dnr`` is no ``dr``, ``fom`` no
        ``om``); nor one in a paragraph this engine cannot have read
        (``seg.written``, see :meth:`_written_paragraphs`); anything else
        gets the full search.

        Remembered per segment text: the block is segmented again after each
        corrector's edits, and most of its segments are read as before.
        """
        key = (seg.text, seg.written, self.eager)
        hit = self._read_memo.get(key)
        if hit is not None:
            seg.identity, seg.readings = hit
            return
        self._read(seg)
        if len(self._read_memo) >= MAX_REMEMBERED:
            self._read_memo.clear()
        self._read_memo[key] = (seg.identity, seg.readings)

    def _read(self, seg: Segment) -> None:
        seg.identity = self.scorer.identity(seg.lower)
        if not seg.identity.valid and self._proper_compound(seg.text):
            seg.identity = replace(seg.identity, valid=True)
        if seg.identity.valid and not NON_LETTER_RE.search(seg.lower):
            if self.eager and not seg.written and not (is_caps_word(seg.text)
                                                   and self.scorer.lexicon.zipf(seg.lower) >= CAPS_KEPT_ZIPF):
                seg.readings = self.admissible(seg, self.scorer.quick_readings(seg.lower))
                if self.scorer.lexicon.is_abbreviation(seg.lower):  # only what the engine often does
                    floor = seg.identity.channel + ABBREVIATION_MIN_CHANNEL  # (`dir` for `där`)
                    seg.readings = tuple(r for r in seg.readings if r.channel >= floor)
            return
        seg.readings = self.admissible(seg, self.scorer.readings(seg.lower))
        if len(seg.lower) == 1 and not seg.lower.isalnum():  # `både ( den`, `[ hemmet`: a one-letter word
            seg.readings = self.scorer.merge_readings(seg.readings, self.scorer.lone_glyph_readings())

    def admissible(self, seg: Segment, readings) -> tuple:
        """``readings`` without those a segment of its kind may not take:

        * a word in capitals (``SABO``, :func:`ocrfix.segments.is_caps_word`)
          is read only with lost diacritics restored (``SÄBO``): the learned
          confusions are those of lower-case letters, and an acronym is no
          garble of a shorter word (``NYHA`` is no ``nya``); a short one only
          as a word in use, with a frequency or in the domain's reports
          (``JSON`` misread ``ISON`` is no ``isön``, a word only Hunspell knows);
        * a segment with a quote mark taken in as misread letters
          (:func:`ocrfix.segments.with_closing_garble`) only as a word with
          the letters the engine prints as that mark (``ll`` for ``“``:
          ``fa“`` is ``fall``, ``Kivra”`` no ``Kiara``, ``Scrum”`` no
          ``Syrum``), and not as a word the segment without the mark explains
          (``Balsta”`` is no ``bålsta``): there the mark stays a closing quote;
        * a token of plain ASCII letters (MIN_PLAIN_LENGTH or more) only as a
          word that explains it at least DOC_MATCH_MIN_CHANNEL per letter, as
          document matches must: a string of ordinary letters no confusion of
          the engine's reads as a word is one the lexicon lacks -- a command,
          a code, a foreign term (``dconf``, ``grdctl``, ``Xref`` had become
          ``deon``, ``gröda``, ``Året``) -- not a guess's garble.
        """
        lower = seg.lower
        if len(lower) >= MIN_PLAIN_LENGTH and lower.isascii() and lower.isalpha():
            floor = DOC_MATCH_MIN_CHANNEL * len(lower)
            readings = [r for r in readings if r.channel >= floor]
        if is_caps_word(seg.text):
            plain = fold_plain(seg.lower)
            return tuple(r for r in readings if fold_plain(r.word) == plain
                         and (len(plain) > MAX_SHORT_CAPS or self._in_use(r.word)))
        marks = [q for q in self.scorer.error_model.quote_letters if q in seg.lower]
        if not marks:
            return tuple(readings)
        endings = self.scorer.error_model.quote_endings
        readings = [r for r in readings if all(any(e in r.word for e in endings[q]) for q in marks)]
        if seg.lower[-1:] not in QUOTE_MARKS:
            return tuple(readings)
        word = seg.lower[:-1]
        without = {word} | {r.word for r in self.scorer.readings(word)}
        without |= {r.word for r in self.similar_readings(word)} if len(word) > 1 else set()
        return tuple(r for r in readings if r.word not in without)

    def _in_use(self, word: str) -> bool:
        """Does ``word`` have a frequency, or occur in the domain's reports (not only Hunspell knows it)?"""
        e = self.scorer.lexicon.entry(word)
        return e is not None and (e.zipf > 0 or e.domain_count > 0)

    def _valid_word(self, word: str) -> bool:
        """Is ``word`` valid (remembered per document), capitalised-only compounds included?"""
        lower = word.lower()
        valid = self._valid.get(lower)
        if valid is None:
            if len(self._valid) >= MAX_REMEMBERED:
                self._valid.clear()
            valid = self._valid[lower] = self.scorer.lexicon.is_valid(lower)
        return valid or (word[:1].isupper() and self._proper_compound(word))

    def evidently_misread(self) -> bool:
        """Does the document hold enough unknown lower-case words that the
        confusions read as words to be OCR output (see MISREAD_TYPES)?
        Asked only where the error prior says no, each word once. (A document
        of more than MAX_UNKNOWN_WORDS / MISREAD_SHARE words, some 130,000, is
        judged by its first MAX_UNKNOWN_WORDS unknown words: it can fall short.)"""
        profile = self.profile
        need = max(MISREAD_TYPES, math.ceil(MISREAD_SHARE * profile.words))
        if len(profile.unknown_words) < need:
            return False
        memo = self._misread
        found = 0
        for word in profile.unknown_words:
            known = memo.get(word)
            if known is None:
                known = memo[word] = self._explained(word)
            found += known
            if found >= need:
                return True
        return False

    def _explained(self, lower: str) -> bool:
        """Do the learned confusions read ``lower`` as some word, at least as
        well as a clear misreading (a name mostly is not: ``nasra``)?"""
        found = self.scorer.error_model.candidates(lower, self.scorer, beam=self.scorer.beam)
        return bool(found) and found[0][1] >= EXPLAINED_CHANNEL

    def _proper_compound(self, text: str) -> bool:
        """``Blåklintsgatan``, ``Kajgatan``: a capitalised compound Hunspell
        accepts only with its capital (FORCEUCASE: street names), which the
        lexicon's lower-case look-up refuses."""
        if len(text) < 6 or not is_capitalised(text):
            return False
        known = self._proper.get(text)
        if known is None:
            if len(self._proper) >= MAX_REMEMBERED:
                self._proper.clear()
            known = self._proper[text] = self.scorer.lexicon.checker.check(text)
        return known

    # -- the document's own vocabulary --------------------------------------------------
    def note_correction(self, word: str) -> None:
        """A confident correction: the word is now known to occur in this document."""
        if word in self.corrected or len(self.corrected) < MAX_REMEMBERED:
            self.corrected[word] = self.corrected.get(word, 0) + 1
        self._remember(word)

    def _remember(self, word: str) -> None:
        """Add a word known to occur in the document to the pool document_readings matches against."""
        if len(word) >= DOC_MATCH_MIN_LENGTH and word not in self._pool_set and len(self._pool) < MAX_POOL:
            self._pool_set.add(word)
            self._pool.append(word)
            folded = self.scorer.error_model.fold(word)
            self._pool_folded.append(folded)
            if self._pool_near is not None:
                self._pool_near.add(folded)

    @property
    def pool_size(self) -> int:
        """How many words the document is known to contain so far (see :meth:`document_readings`)."""
        return len(self._pool)

    def document_readings(self, ocr_lower: str, limit: int = 4, since: int = 0) -> list[Reading]:
        """Readings among the words this document is known to contain.

        A word read intact elsewhere in the document, or already corrected
        with confidence, is strong evidence: a garble the learned confusions
        cannot explain (``Féwaltningen`` when the table lacks ``w`` for ``rv``)
        is matched against those words by edit similarity of the folded forms
        (:meth:`~ocrfix.errormodel.ErrorModel.fold`: OCR look-alikes and
        diacritics collapsed) and scored by the error model's full alignment
        (unseen edits at their fallback cost). ``since``: only the words
        learned after the pool had that many (:attr:`pool_size`).
        """
        if len(ocr_lower) < DOC_MATCH_MIN_LENGTH:
            return []
        from rapidfuzz import fuzz, process

        sc = self.scorer
        folded = sc.error_model.fold(ocr_lower)
        picked = near(self._pool_near, folded, since, len(self._pool_folded), None, DOC_MATCH_MIN_RATIO)
        found = process.extract(folded, [self._pool_folded[i] for i in picked], scorer=fuzz.ratio,
                                score_cutoff=DOC_MATCH_MIN_RATIO, limit=limit)
        out = []
        seen = {ocr_lower}
        for _, _, k in found:
            for form in self._forms_matching(ocr_lower, self._pool[picked[k]]):
                if form not in seen:
                    seen.add(form)
                    channel = sc.error_model.channel_logp(ocr_lower, form)
                    if channel >= DOC_MATCH_MIN_CHANNEL * len(ocr_lower):
                        out.append(Reading(form, channel, sc.log_prior(form), True))
        return out

    def similar_readings(self, ocr_lower: str) -> tuple[Reading, ...]:
        """Readings by similarity, for a garble the learned confusions explain
        badly: the document's own words, then the lexicon's most frequent words."""
        return tuple(self.document_readings(ocr_lower)) + tuple(self.frequent_word_readings(ocr_lower))

    def frequent_word_readings(self, ocr_lower: str, limit: int = 4) -> list[Reading]:
        """Readings among the lexicon's most frequent words, for a token the
        learned confusions cannot explain (``personakesuner`` ->
        ``personalresurser``).

        Found by folded similarity (:mod:`ocrfix.fuzzy`) and accepted as a
        reading only as document words are: no more than DOC_MATCH_MAX_DROPPED
        of the token's letters left unread, a channel score of at least
        DOC_MATCH_MIN_CHANNEL per OCR character. Memoised per token.
        """
        if len(ocr_lower) < LEXICON_MATCH_MIN_LENGTH:
            return []
        sc = self.scorer
        found = self._frequent_matches.get(ocr_lower)
        if found is None:
            if len(self._frequent_matches) >= MAX_REMEMBERED:
                self._frequent_matches.clear()
            words = sc.lexicon.frequent_words().similar(sc.error_model.fold(ocr_lower), LEXICON_MATCH_MIN_RATIO, limit)
            found = []
            for word in words:
                if _letters_dropped(ocr_lower, word) <= DOC_MATCH_MAX_DROPPED:
                    channel = sc.error_model.channel_logp(ocr_lower, word)
                    if channel >= DOC_MATCH_MIN_CHANNEL * len(ocr_lower):
                        found.append((word, channel))
            self._frequent_matches[ocr_lower] = found
        return [Reading(word, channel, sc.log_prior(word), True) for word, channel in found]

    def _forms_matching(self, ocr_lower: str, word: str) -> tuple[str, ...]:
        """The document word, and the same word ending as the OCR token ends.

        A document word found for a garble is often another form of the same
        word: where the alignment ends by dropping OCR letters they are kept
        (``socialtjänstlag`` for ``socia[géinstlagen`` -> ``socialtjänstlagen``),
        where it ends by adding letters the OCR lacks they are left out
        (``ekonomiskt`` for ``ekopomisk`` -> ``ekonomisk``); the new form must
        be a word. A word that leaves more than DOC_MATCH_MAX_DROPPED of the
        OCR letters unread is no reading of the token (``verksamhet`` for
        ``vérdfverksamhet`` would lose ``vérdf``).
        """
        from rapidfuzz.distance import Levenshtein

        forms = [word]
        last = Levenshtein.opcodes(ocr_lower, word)[-1]
        tail = ocr_lower[last.src_start:]
        if last.tag != "equal" and all(c in SWEDISH_LETTERS for c in tail):
            form = word[: last.dest_start] + tail
            if len(form) >= DOC_MATCH_MIN_LENGTH and self.scorer.is_valid(form):
                forms.append(form)
        return tuple(f for f in forms if _letters_dropped(ocr_lower, f) <= DOC_MATCH_MAX_DROPPED)

    # -- decisions --------------------------------------------------------------------
    def options(self, identity: Reading, readings, prev, nxt, written: bool = False,
                lower_case: bool = False) -> list[tuple[float, str]]:
        """(score, word) for keeping the token and for each other word it may be, in context
        (``written``: in a paragraph this engine cannot have read, with a clean text's priors;
        ``lower_case``: the token is written in lower case, so a reading the lexicon writes
        with a capital costs NAME_IN_LOWER_CASE -- and keeping the token, if it is a long
        name, in a damaged document: in clean text a word written small is as its writer
        wrote it).

        A word proposed twice (by the error model and again from the document's
        vocabulary) is one hypothesis: it keeps its better score, so that the
        posterior in :meth:`choose` is not split between two copies of it."""
        sc = self.scorer
        log_damaged, log_intact, log_unknown_intact = (WRITTEN_PRIORS if written else
                                                       (self.log_damaged, self.log_intact, self.log_unknown_intact))
        keep = identity.base + log_intact + (0.0 if identity.valid else log_unknown_intact)
        kept = identity.word
        surface = sc.lexicon.surface
        if lower_case and self.eager and not written and _is_long_name(surface(kept)):
            keep += NAME_IN_LOWER_CASE
        context = sc.context  # (a hot loop: 150,000 readings in a report-length damaged text)
        scores: dict[str, float] = {}
        best_channel = -math.inf
        for r in readings:
            word = r.word
            if word != kept:
                score = r.channel + r.prior + log_damaged + context(prev, word, nxt)  # (r.base, inlined)
                if lower_case and _is_name(surface(word)):
                    score += NAME_IN_LOWER_CASE
                if score > scores.get(word, -math.inf):
                    scores[word] = score
                if r.channel > best_channel:
                    best_channel = r.channel
        if identity.valid and scores and best_channel < UNSYSTEMATIC_CHANNEL:
            # no rival explains the token's copies elsewhere in the document as an error this
            # engine makes: they count for it as for any word (`insticksmodulen` beside the
            # document's many `insticksmoduler`, one unseen confusion away)
            keep += (sc.zipf_beside(kept) - 9.0) * LN10 - identity.prior
            return [(keep + context(prev, kept, nxt, BESIDE_ITSELF), kept)] + [(s, w) for w, s in scores.items()]
        return [(keep + context(prev, kept, nxt, IN_LEXICON), kept)] + [(s, w) for w, s in scores.items()]

    @staticmethod
    def choose(options: list[tuple[float, str]]) -> tuple[str, float, float]:
        """The best word, its confidence, and its margin over keeping (options[0]).

        The confidence is the probability of the best word against keeping the
        token, P(best) / (P(best) + P(keep)): the question an edit answers is
        whether it beats the text as it stands. Rivals of the best word do not
        lower it (with the share among all readings, `an` read as `att` at 0.47
        beside `än`, `en`, `av` ... was refused though keeping `an` had 0.45;
        measured on the dev sets: Enköping +0.2 %, tesseract-dev S1 and S2
        +0.05 %, S4 +0.04 %, split-half Enköping +0.3 %, no new harm).
        """
        best_score, best = max(options)
        margin = best_score - options[0][0]
        return best, 1.0 / (1.0 + math.exp(-margin)), margin


CHERNOFF_ENOUGH = 30.0  # exp(-30): a bound this small needs no exact sum


def _binomial_tail(n: int, k: int, p: float) -> float:
    """P(X >= k) for X ~ Binomial(n, p), 0 < p < 1 (summed in log space: a
    long paragraph's P(X = 0) underflows)."""
    q = k / n if n else 0.0
    if p < q < 1:  # Chernoff: P(X >= k) <= exp(-n KL(q || p)); far below any threshold, no sum
        kl = q * math.log(q / p) + (1 - q) * math.log((1 - q) / (1 - p))
        if n * kl > CHERNOFF_ENOUGH:
            return math.exp(-n * kl)
    log_term = n * math.log1p(-p)  # log P(X = 0)
    log_below = -math.inf
    odds = math.log(p) - math.log1p(-p)
    for i in range(k):
        log_below = max(log_below, log_term) + math.log1p(math.exp(-abs(log_below - log_term)))
        log_term += math.log((n - i) / (i + 1)) + odds
    return max(0.0, -math.expm1(log_below)) if log_below > -math.inf else 1.0


def _letters_dropped(ocr: str, word: str) -> int:
    """How many of the OCR token's letters an alignment with ``word`` leaves unread."""
    from rapidfuzz.distance import Levenshtein

    return sum(sum(c in SWEDISH_LETTERS for c in ocr[op.src_start : op.src_end]) - (op.dest_end - op.dest_start)
               for op in Levenshtein.opcodes(ocr, word) if op.tag in ("delete", "replace"))


def _is_name(surface: str) -> bool:
    """Is a word written so (:meth:`Lexicon.surface`) a name or an acronym?"""
    return surface[:1].isupper()


def _is_long_name(surface: str) -> bool:
    """... a name of NAME_MIN_LETTERS letters or more (``Barbara``; not ``Tor``, ``May``, ``SD``)?"""
    return len(surface) >= NAME_MIN_LETTERS and surface[:1].isupper() and surface[1:].islower()


def best_reading(seg: Segment) -> str | None:
    """The segment's most probable reading without context (None if it has none)."""
    if seg.readings:
        return seg.readings[0].word
    return seg.identity.word if seg.identity is not None and seg.identity.valid else None


def next_word(segments: list[Segment], k: int) -> str | None:
    """The likely reading of the word after segment k, for right context.

    A number right after the segment stands as its pseudo-word (``<num>``,
    ``<year>``), so ``ar 2024`` reads as ``år <year>``; a full stop, question
    or exclamation mark or colon right after it as the boundary (``<s>``), as
    the bigram tables count it: ``i tva ar.`` reads as ``år <s>`` (a word
    that ends sentences), not ``är <s>``. (A blank line is no such evidence:
    OCR puts blank lines inside sentences.)
    """
    if segments[k].next_kind is not None:
        return segments[k].next_kind
    if k + 1 >= len(segments):
        return None
    nxt = segments[k + 1]
    if nxt.prev_kind is not None:
        return None
    if nxt.readings:
        return nxt.readings[0].word
    return nxt.identity.word if nxt.identity is not None and nxt.identity.valid else None


def _outside(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` without the given (sorted, disjoint) spans."""
    parts, last = [], 0
    for s, e in spans:
        parts.append(text[last:s])
        last = e
    parts.append(text[last:])
    return "".join(parts)
