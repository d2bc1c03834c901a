"""Ranking: which reading of an OCR token is most probable?

Noisy channel::

    score(w) = log P(ocr | w)            error model (character confusions)
             + log P(w)                  unigram prior (wordfreq, domain, this document)
             + context(prev, w, next)    word-bigram evidence, bounded
             + log P(token is damaged)   document profile; log(1 - that) for "keep"

All logarithms are natural. The :class:`Scorer` is made per document (it
holds the document's profile and vocabulary) and caches per distinct token,
so a word that recurs costs one look-up.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from .lexicon import Lexicon
from .lexicon.hunspell import BEGIN, MIDDLE
from .profile import Profile

LN10 = math.log(10)


# Zipf values (log10 of frequency per billion words) for words with no count.
ZIPF_UNKNOWN = -0.5       # a string the lexicon does not know, in a clean document
# In a damaged document an unknown string is scored by how word-like it is:
# log P(a real word is unknown to the lexicon) + log P_chars(string), where
# P_chars is a character trigram model of Swedish word forms (charmodel.py).
LOG_UNKNOWN_WORD = math.log(0.01)
ZIPF_HUNSPELL_ONLY = 1.8  # a dictionary word wordfreq never saw
# An unseen compound is as probable as its parts side by side, times this
# many powers of ten: compounds are more frequent than chance, but joining two
# words must compete fairly with reading them as two words.
COMPOUND_BONUS = 1.0
ZIPF_COMPOUND_FLOOR = 0.8
ZIPF_COMPOUND_CAP = 3.5
# An unknown word with a known word at one end: the known part this long at
# least, the unknown rest at least this long.
MIN_KNOWN_PART, MIN_UNKNOWN_PART = 4, 2
# ... whose rest is a word or compound too, though Hunspell refuses the whole
# (`volymskjutreglaget`, `snabbmaskegenskaper`: Swedish compounds freely, and
# technical prose more freely than the dictionary), where the parts may form a
# compound together by Hunspell's flags (Scorer.may_compound: not
# `sedanjuli`, `stödtill`, `beslutvarje`, `tolvmånader`): a compound of the
# two at this many powers of ten below what it would be if Hunspell accepted
# it, and no more than UNLICENSED_COMPOUND_CAP. Without it such a word scored
# as a listed word beside a string of letters, and a split in two beat it
# even at Tesseract's rare gluing. Two reviews found glues this kept whole: at
# 2 and with a looser test of the parts, 15 of 23 content-word pairs glued
# into Enköping lines (`beslutvarje`, `bidragunder`); with each part tested
# on its own, numbers and ordinals before a noun (`tredjekvartalet`). Now,
# of 347 pairs of words glued in the Enköping dev lines' reconstruction (one
# line beside the scan at a time), 188 are split back, 190 at 9bbdaac: only
# `extralönesatsning` and `flerfamiljehemsplaceringar` stay whole (`extra`
# and `fler` begin compounds). Tesseract pages of prose outside the
# domain (benchmarks/make_pages.py), S1, S2, S3 and S5 pooled: help texts
# 85.29 -> 85.36 % of the character errors removed, GNOME/installation guide
# 88.73 -> 88.80 %, harm corpus unchanged.
UNLICENSED_COMPOUND_PENALTY = 3.0
UNLICENSED_COMPOUND_CAP = ZIPF_COMPOUND_CAP - UNLICENSED_COMPOUND_PENALTY
# No word is this long: a longer token is no partly known compound (each cut
# looks up and remembers a part of it; for a chunk of 32,000 characters
# without a space that was gigabytes).
MAX_PARTLY_KNOWN = 64
DOMAIN_DISCOUNT = 0.3     # domain frequencies are from a small corpus
DOC_DISCOUNT = 0.3        # a word seen intact in this document

# Context: P(w | prev) = lam * c(prev, w) / c(prev) + (1 - lam) * P(w), with
# lam = MAX_LAMBDA * c(prev) / (c(prev) + KAPPA). An unseen pair costs at most
# log(1 - MAX_LAMBDA); a seen one can add a lot when w is rare.
MAX_LAMBDA = 0.5
KAPPA = 20.0
# Where the domain bigrams leave it to chance, the bigrams of general Swedish
# (dictionaries/general_bigrams.tsv) share it with the word's own frequency.
# Their weight grows with how often the previous word was seen against how
# many different words followed it (Witten-Bell): after `för` (6,199 times,
# 1,334 different words) the pairs count; after `åt` or `ökar`, whose pairs
# are few and scattered, an unseen pair is no evidence against a word. Measured
# against no general bigrams: leave-one-report-out without domain data S4
# +1.1 %, with the other reports' domain data S4 +0.5 %, S1-S3 -0.05..+0.1 %;
# split-half Enköping -0.3 % (KAPPA's fixed weight, 0.5: +0.8, +0.2, -0.4 %).
GENERAL_MAX_LAMBDA = 0.6
# Per-document memo sizes (entries). A 100-page report needs about 10,000
# words' worth; larger memos only cost memory on an endless stream (measured:
# half these sizes runs the 100 tesseract-dev pages as fast).
WORD_CACHE, READING_CACHE, LOOKUP_CACHE = 25_000, 20_000, 50_000
# A token that is already a word is checked with a narrow search: two edits
# at most, only rules at least this likely, no unseen edits.
QUICK_BEAM, QUICK_MARGIN, QUICK_MIN_RULE = 6, 8.0, -6.0
# Short tokens get a wider beam (this many hypotheses-times-characters): their
# search is cheap, and frequent short words (att, med, till) hide behind many
# equally likely prefixes.
SHORT_BEAM_BUDGET = 96
# ... and in a damaged document a short token of letters also has this many
# of its most probable complete readings checked against the lexicon, not the
# usual 16: a rich confusion table reads `sum` as dozens of non-words likelier
# than `som` (Tesseract's Swedish model, learned also from made pages: dev S4
# +0.35 %, other prose S4 +0.4 %). Not in a clean document, where such a token
# is code or a name (`ln(x)`, `dup`); whether the unseen-confusion fallback
# runs is decided by the usual 16.
SHORT_TOKEN, SHORT_TOKEN_CHECKED = 4, 64
# Tokens at least this long that no learned confusion explains get a second
# search allowing one unseen letter confusion (short ones would match anything).
# Its beam is wide: prefixes read with cheap learned edits must not crowd out
# the one reading that needs the unseen confusion (measured, beam 6 -> 32:
# 0.6 % more of Enköping's character errors removed, 1.2 % more on S4, for
# about 15 % more time on damaged text).
FALLBACK_MIN_LENGTH = 4
FALLBACK_BEAM, FALLBACK_EDITS = 32, 3
# Two fragments tried as one word (rejoin) are many and seldom a tear: they
# get no fallback search (measured on the 100 tesseract-dev pages: it cost
# 25 % of the time for two more true rejoins and two false ones; beam 6 no better).
FRAGMENTS_FALLBACK_BEAM = 0
# Tokens at most this long are also read as any of the lexicon's most frequent
# words one edit away (see Lexicon.frequent_neighbours).
NEAR_FREQUENT_MAX_LENGTH = 4
MIN_ZIPF = -200.0  # p_word's floor: 1e-209, far from underflow
BOUNDARY = "<s>"
# A sentence's end is evidence for a word the domain's reports end this many sentences with (see Scorer.context).
MIN_SENTENCE_ENDS = 5
NUMBER = "<num>"
YEAR = "<year>"  # a number 1900-2099: a different context from amounts ("år 2024", "är 2,5")
PSEUDO_WORDS = (BOUNDARY, NUMBER, YEAR)
# The frequency a word's prior has, against which Scorer.context measures the
# evidence of the word before it (see there).
IN_DOCUMENT, IN_LEXICON, BESIDE_ITSELF = "document", "lexicon", "beside"
PSEUDO_WORD_P = 0.01  # P(pseudo-word) in the context model


def number_kind(text: str) -> str:
    """The pseudo-word a number stands for in the context model."""
    return YEAR if len(text) == 4 and text[:2] in ("19", "20") and text.isdigit() else NUMBER


@dataclass(frozen=True, slots=True)
class Reading:
    """One hypothesis for a token: the word, its channel and prior log-probabilities."""

    word: str          # lower case
    channel: float     # log P(ocr | word)
    prior: float       # log P(word)
    valid: bool

    @property
    def base(self) -> float:
        return self.channel + self.prior


def unlisted_compound_zipf(first_zipf: float, last_zipf: float) -> float:
    """Zipf of two words written as one compound Hunspell does not list: as a
    listed compound of them, UNLICENSED_COMPOUND_PENALTY powers of ten down,
    and no more than UNLICENSED_COMPOUND_CAP (the partly known words of
    :meth:`Scorer._partly_known_zipf`; correctors/split.py weighs a split
    against the compound of its parts)."""
    return min(first_zipf + last_zipf - UNLICENSED_COMPOUND_PENALTY - (9.0 - COMPOUND_BONUS), UNLICENSED_COMPOUND_CAP)


class Scorer:
    def __init__(self, lexicon: Lexicon, error_model, profile: Profile, beam: int = 16, max_candidates: int = 8) -> None:
        self.lexicon = lexicon
        self.error_model = error_model
        self.profile = profile
        self.beam = beam
        self.max_candidates = max_candidates
        # In a damaged document an unknown token is likely OCR garbage, the less
        # word-like the likelier; in a clean one it is a name, markup or a rare
        # word. The engine sets this once it has seen the document's first block.
        self.damaged_document = True
        self.chars = lexicon.char_model()
        self.corrected: dict[str, int] = {}  # the engine's confident corrections (shared dict)
        self.zipf = lru_cache(maxsize=WORD_CACHE)(self._zipf)
        self.zipf_lexicon = lru_cache(maxsize=WORD_CACHE)(self._zipf_lexicon)
        self.readings = lru_cache(maxsize=READING_CACHE)(self._readings)
        self.quick_readings = lru_cache(maxsize=READING_CACHE)(self._quick_readings)
        self.narrow_readings = lru_cache(maxsize=READING_CACHE)(self._narrow_readings)
        self.is_valid = lru_cache(maxsize=LOOKUP_CACHE)(self._is_valid)
        self.has_prefix = lru_cache(maxsize=LOOKUP_CACHE)(self._has_prefix)
        self.is_head = lru_cache(maxsize=LOOKUP_CACHE)(self._is_head)
        self.identity = lru_cache(maxsize=LOOKUP_CACHE)(self._identity)
        self.log_cond = lru_cache(maxsize=LOOKUP_CACHE)(self._log_cond)
        self.log_cond_own = lru_cache(maxsize=LOOKUP_CACHE)(self._log_cond_own)
        # the same with the word's own frequency given as a Zipf value (see context)
        self.log_cond_at_zipf = lru_cache(maxsize=LOOKUP_CACHE)(
            lambda prev, word, zipf: self._log_cond(prev, word, 10 ** (max(zipf, MIN_ZIPF) - 9.0)))
        self.context_weights = lru_cache(maxsize=LOOKUP_CACHE)(self._context_weights)

    # -- priors ----------------------------------------------------------------
    def _zipf(self, lower: str) -> float:
        """Zipf of a word, counting its intact occurrences in this document."""
        return self.zipf_beside(lower, 0)

    def zipf_beside(self, lower: str, own: int = 1) -> float:
        """Zipf of a word counting its document occurrences but ``own`` of
        them: a token's own occurrence says nothing of how frequent it is (in
        a note of 200 words, any word seen once would count as frequent as
        ``och``)."""
        z = self.zipf_lexicon(lower)
        seen = self.profile.vocabulary.get(lower, 0) + self.corrected.get(lower, 0) - own
        if seen > 0 and self.profile.words:
            z = max(z, math.log10(seen / self.profile.words * 1e9) - DOC_DISCOUNT)
        return z

    def _zipf_lexicon(self, lower: str) -> float:
        """Zipf of a word from the lexicon alone (wordfreq, domain, compounds),
        or -- unknown to it -- by how word-like the string is."""
        z = self._known_zipf(lower)
        if z > 0:
            return z
        if self.damaged_document and self.chars is not None:
            return max(self._unknown_zipf(lower), self._partly_known_zipf(lower))
        return ZIPF_UNKNOWN

    def _known_zipf(self, lower: str) -> float:
        """Zipf of a word or compound the lexicon knows (0.0: it does not)."""
        lx = self.lexicon
        z = self.word_zipf(lower)
        if z == 0.0 or not lx.is_word(lower):
            parts = lx.compound_parts(lower)
            if parts:
                est = sum(self._part_zipf(p.lower()) for p in parts) - (9.0 - COMPOUND_BONUS) * (len(parts) - 1)
                z = max(z, min(max(est, ZIPF_COMPOUND_FLOOR), ZIPF_COMPOUND_CAP))
        return max(z, 0.0)

    def word_zipf(self, lower: str) -> float:
        """Zipf of a form the lexicon lists (wordfreq, Hunspell, domain; 0.0: none), compounds not counted."""
        lx = self.lexicon
        e = lx.entry(lower)
        if e is None:
            return 0.0
        z = e.zipf
        if e.is_word and z == 0.0:
            z = ZIPF_HUNSPELL_ONLY
        if e.domain_count:
            z = max(z, math.log10(e.domain_count / lx.domain_total * 1e9) - DOMAIN_DISCOUNT)
        return z

    def _unknown_zipf(self, lower: str) -> float:
        """Zipf of a string the lexicon does not know, by how word-like its letters are."""
        return (LOG_UNKNOWN_WORD + self.chars.logp(lower)) / LN10 + 9.0

    def _partly_known_zipf(self, lower: str) -> float:
        """Zipf of an unknown compound one of whose ends is a word the lexicon
        lists (``inter`` + ``kontrollen``, ``vuxn`` + ``enheten``): that word at
        its frequency, the rest as an unknown string, joined as compound parts
        are (-inf: no such end). Without this a long unknown word scores as a
        string of letters and loses to any valid compound the confusions can
        reach (``möterkontrollen``). A rest the lexicon knows as a word or a
        compound (``volym`` + ``skjutreglaget``, ``sessionslogg`` + ``data``)
        counts at its own frequency, UNLICENSED_COMPOUND_PENALTY powers of ten
        down and no more than UNLICENSED_COMPOUND_CAP, where that is more than
        as a string of letters -- if the parts may form a compound together
        (:meth:`may_compound`). A listed end is looked up as a compound
        only for its roles, when it has none of its own (a word only wordfreq
        lists); the rest's analysis is asked for only beside a listed end."""
        best = -math.inf
        n = len(lower)
        if n > MAX_PARTLY_KNOWN:
            return best
        for cut in range(MIN_UNKNOWN_PART, n - MIN_KNOWN_PART + 1):
            for known, rest, first, last in ((lower[cut:], lower[:cut], lower[:cut], lower[cut:]),
                                             (lower[:n - cut], lower[n - cut:], lower[:n - cut], lower[n - cut:])):
                z = self.word_zipf(known)
                if z > 0:
                    best = max(best, z + self._unknown_zipf(rest) - (9.0 - COMPOUND_BONUS))
                    if len(rest) >= MIN_KNOWN_PART and self.may_compound(first, last):
                        known_rest = self._known_zipf(rest)
                        if known_rest > 0:
                            best = max(best, unlisted_compound_zipf(z, known_rest))
        return best

    def may_compound(self, first: str, last: str) -> bool:
        """May ``first`` and ``last`` form a compound together, by Hunspell's
        flags (BEGIN before END, or two flags a COMPOUNDRULE joins:
        Lexicon.compound_part_pairs)? A part that is a compound itself counts
        by its last part, which may then also be a middle one. Nouns and most
        stems may (``volym`` + ``skjutreglaget``); a function word ends none
        (``stöd`` + ``till``, ``beslut`` + ``varje``), an adverb or an
        inflected form begins none (``sedan`` + ``juli``, ``perioden``), an
        ordinal or a number begins no noun compound (``tredje`` + ``kvartalet``,
        ``tolv`` + ``månader``): run together, those are two words glued. The
        dictionary's flags are conservative (``histogram`` may only end a
        compound), so some true compounds are still split."""
        first_roles, last_roles = self._last_roles(first, middle=True), self._last_roles(last)
        return any(first_roles & begins and last_roles & ends for begins, ends in self.lexicon.compound_part_pairs)

    def _last_roles(self, part: str, middle: bool = False) -> int:
        """The roles of ``part``, or of its last part if it is a compound (with
        ``middle``, a middle role of that last part counts as a first one)."""
        lx = self.lexicon
        roles = lx.roles(part)
        if not roles:
            parts = lx.compound_parts(part)
            roles = lx.roles(parts[-1]) if parts else 0
            if middle and roles & MIDDLE:
                roles |= BEGIN
        return roles

    def _part_zipf(self, part: str) -> float:
        """Zipf of a compound part; a linking form (``försörjnings``) counts as its word."""
        lx = self.lexicon
        for form in (part, part[:-1] if part.endswith("s") else None, part + "a", part + "e"):
            if form:
                e = lx.entry(form)
                if e is not None and e.zipf:
                    return e.zipf
        return ZIPF_HUNSPELL_ONLY

    def log_prior(self, lower: str, own_occurrences: bool = True) -> float:
        """log P(word). For the token's own reading (``own_occurrences=False``)
        the document's copies of that very string are no evidence: they may
        all be the same OCR error."""
        z = self.zipf(lower) if own_occurrences else self.zipf_lexicon(lower)
        return (z - 9.0) * LN10

    def _is_valid(self, lower: str) -> bool:
        """A word of the lexicon (or a compound). The same in every document,
        so the error model may cache candidate searches across documents."""
        return self.lexicon.is_valid(lower)

    def valid_many(self, lowers: list[str]) -> list[bool]:
        """:meth:`is_valid` of many forms at once (the candidate check)."""
        return self.lexicon.valid_many(lowers)

    def validity_args(self) -> tuple[int, ...] | None:
        """The C validity test's arguments (:meth:`Lexicon.validity_args`), for the ranked C search."""
        return self.lexicon.validity_args()

    @property
    def cache_key(self) -> int:
        return id(self.lexicon)

    def _identity(self, ocr_lower: str) -> Reading:
        """The token read as itself (no OCR error): the reading every rival must beat."""
        valid = self.is_valid(ocr_lower)
        return Reading(ocr_lower, self.error_model.identity_logp(ocr_lower), self.log_prior(ocr_lower, own_occurrences=False), valid)

    # -- candidate generation (the CandidateLexicon protocol of errormodel) -------
    def fast_lexicons(self) -> list:
        return self.lexicon.fast_lexicons()

    def _has_prefix(self, p: str) -> bool:
        return self.lexicon.has_prefix(p)

    head_mask = BEGIN | MIDDLE

    def _is_head(self, s: str) -> bool:
        return len(s) >= 2 and bool(self.lexicon.roles(s) & self.head_mask)

    def _readings(self, ocr_lower: str, fallback_beam: int = FALLBACK_BEAM,
                  floor: float = -math.inf) -> tuple[Reading, ...]:
        """Candidate readings of a lower-cased OCR token, best first (identity included if valid).

        If the learned confusions explain the token by no word at all, one
        unseen letter-for-letter confusion is allowed (``trvgghet`` -> ``trygghet``),
        searched with ``fallback_beam`` (0: not at all). Given a ``floor``, only
        readings with log P(ocr | word) at or above it are searched for (the
        caller knows no other could win); whether the fallback applies is
        still decided by what the confusions explain at any probability."""
        em = self.error_model
        beam = max(self.beam, SHORT_BEAM_BUDGET // len(ocr_lower))
        found = em.candidates(ocr_lower, self, beam=beam, floor=floor)
        if not found and fallback_beam:
            found = self._fallback(ocr_lower, fallback_beam, floor)
            if found and floor > -math.inf and em.candidates(ocr_lower, self, beam=beam):
                found = []  # the confusions do explain the token, below the floor: no fallback
        if self.damaged_document and len(ocr_lower) <= SHORT_TOKEN and ocr_lower.isalpha():
            found = list(found) + em.candidates(ocr_lower, self, beam=beam, floor=floor, checked=SHORT_TOKEN_CHECKED)
        return self._rank(found)

    def lone_glyph_readings(self) -> tuple[Reading, ...]:
        """A glyph standing alone between words read as each one-letter word,
        at the engine's cost of debris standing for a letter -- whatever the
        learned confusions say of it (``{`` where the table only knows it for
        ``(``, ``[`` which it reads as ``l``): see :meth:`Engine.read`."""
        from .errormodel import ALPHABET

        cost = self.error_model.debris_sub
        return self._rank([(c, cost) for c in ALPHABET if self.lexicon.is_word(c)])

    def merge_readings(self, *groups) -> tuple[Reading, ...]:
        """Readings from several searches as one ranked list (a word found twice keeps its better channel)."""
        return self._rank(sorted(((r.word, r.channel) for g in groups for r in g), key=lambda f: -f[1]))

    def fallback_readings(self, ocr_lower: str) -> tuple[Reading, ...]:
        """Readings with one unseen letter confusion (the fallback search), whatever else was found."""
        return self._rank(self._fallback(ocr_lower, FALLBACK_BEAM))

    def _fallback(self, ocr_lower: str, beam: int, floor: float = -math.inf) -> list[tuple[str, float]]:
        """The search allowing one unseen letter confusion (tokens of FALLBACK_MIN_LENGTH or more)."""
        if len(ocr_lower) < FALLBACK_MIN_LENGTH:
            return []
        return self.error_model.candidates(ocr_lower, self, beam=beam, max_edits=FALLBACK_EDITS, letter_generic=True,
                                           floor=floor)

    def _quick_readings(self, ocr_lower: str) -> tuple[Reading, ...]:
        """Readings within two likely edits, and frequent words one edit away:
        enough to check a token that is already a word."""
        found = self._narrow(ocr_lower)
        return self._rank(found + self._near_frequent(ocr_lower, found))

    def _narrow_readings(self, ocr_lower: str) -> tuple[Reading, ...]:
        """Readings within two likely edits only (the part of a glued token, see split)."""
        return self._rank(self._narrow(ocr_lower))

    def _narrow(self, ocr_lower: str) -> list[tuple[str, float]]:
        return self.error_model.candidates(ocr_lower, self, beam=max(QUICK_BEAM, SHORT_BEAM_BUDGET // len(ocr_lower)),
                                           max_edits=2, max_generic=0,
                                           margin=QUICK_MARGIN, min_rule_logp=QUICK_MIN_RULE)

    def _near_frequent(self, ocr_lower: str, found) -> list[tuple[str, float]]:
        """A short token one edit from one of the most frequent words may be
        that word misread in a way the table has not seen (`mad` for `med`,
        `alt` for `att`): scored by the error model's full alignment."""
        if len(ocr_lower) > NEAR_FREQUENT_MAX_LENGTH:
            return []
        have = {w for w, _ in found}
        return [(w, self.error_model.channel_logp(ocr_lower, w))
                for w in self.lexicon.frequent_neighbours(ocr_lower) if w not in have]

    def _rank(self, found: list[tuple[str, float]]) -> tuple[Reading, ...]:
        out: dict[str, Reading] = {}
        for word, channel in found:
            if word not in out and (word.isalpha() or _word_form(word)):
                out[word] = Reading(word, channel, self.log_prior(word), True)
        ranked = sorted(out.values(), key=lambda r: -r.base)[: self.max_candidates]
        return tuple(ranked)

    # -- context -----------------------------------------------------------------
    def p_word(self, lower: str) -> float:
        """P(word) from its Zipf value, floored so that a monstrous token (a
        storm of combining marks scores below -700) cannot underflow to 0."""
        return 10 ** (max(self.zipf(lower), MIN_ZIPF) - 9.0)

    def _log_cond(self, prev: str, word: str, p: float | None = None) -> float:
        """log P(word | prev) - log P(word): the bigram evidence, bounded below.

        The domain's pairs first; what they leave to chance is shared between
        the pairs of general Swedish and the word's own frequency ``p``
        (by default its frequency in the document, :meth:`p_word`)."""
        if p is None:
            p = PSEUDO_WORD_P if word in PSEUDO_WORDS else self.p_word(word)  # (_p_in_context, inlined: a hot path)
        general, domain = self.context_weights(prev)
        cond = p
        if general is not None:
            lam, c_prev = general
            cond = lam * self.lexicon.general_bigrams.count(prev, word) / c_prev + (1 - lam) * p
        if domain is not None:
            lam, c_prev = domain
            cond = lam * self.lexicon.domain_bigrams.count(prev, word) / c_prev + (1 - lam) * cond
        return math.log(cond) - math.log(p)

    def _context_weights(self, prev: str) -> tuple[tuple[float, int] | None, tuple[float, int] | None]:
        """What :meth:`_log_cond` needs of ``prev`` alone, for the general and
        the domain bigrams: (the weight of its pairs, its count as a context),
        None where that corpus never saw it as one. Fixed by the bigram
        tables, so remembered per word: a word is the previous word of many
        readings (some 130,000 pairs in a report-length damaged text)."""
        lx = self.lexicon
        general, domain = lx.general_bigrams, lx.domain_bigrams
        in_general = in_domain = None
        c_prev = general.context_count(prev)
        if c_prev:
            in_general = (GENERAL_MAX_LAMBDA * c_prev / (c_prev + max(general.continuations(prev), 1)), c_prev)
        c_prev = domain.context_count(prev)
        if c_prev:
            in_domain = (MAX_LAMBDA * c_prev / (c_prev + KAPPA), c_prev)
        return in_general, in_domain

    def context_ceiling(self, nxt: str | None) -> float:
        """An upper bound of ``log_prior(w) + context(prev, w, nxt)`` over every
        word w and any ``prev``: P(w | prev) <= 1 and P(nxt | w) <= 1, so the
        prior and the evidence before w sum to at most 0 and the evidence
        after it to at most -log P(nxt). What a reading must bring to win at
        all, before its word is known (see :mod:`ocrfix.correctors.rejoin`)."""
        if nxt is None:
            return 0.0
        return -math.log(self._p_in_context(nxt))

    def _p_in_context(self, word: str) -> float:
        """P(word) as the context model uses it: a pseudo-word (a sentence
        boundary, a number) at PSEUDO_WORD_P, a word at its frequency."""
        return PSEUDO_WORD_P if word in PSEUDO_WORDS else self.p_word(word)

    def _log_cond_own(self, prev: str, word: str, frequency: str) -> float:
        """:meth:`log_cond` at the word's own frequency IN_LEXICON or BESIDE_ITSELF (see :meth:`context`)."""
        if word in PSEUDO_WORDS:
            return self.log_cond(prev, word)
        own = self.zipf_lexicon(word) if frequency == IN_LEXICON else self.zipf_beside(word)
        # (most words' copies in the document leave their frequency as it was: one cache serves)
        return self.log_cond(prev, word) if own == self.zipf(word) else self.log_cond_at_zipf(prev, word, own)

    def context(self, prev: str | None, word: str, nxt: str | None, frequency: str = IN_DOCUMENT) -> float:
        """The bigram evidence for ``word`` between its neighbours. A sentence's
        end after it (``nxt`` BOUNDARY) counts for the word only if the
        domain's reports end sentences with it often (MIN_SENTENCE_ENDS:
        ``år.``, ``mnkr.``); otherwise only against it. The general corpus
        (help texts: imperatives, colons) ends sentences with ``släpp`` and
        ``sätt``, which makes no ``slapp.`` a ``släpp.``, no ``satt.`` a ``sätt.``.

        ``frequency`` is the word's own frequency the evidence before it is
        measured against, the one its prior has: IN_DOCUMENT (its copies in
        the document counted), IN_LEXICON (a token read as itself, its copies
        left out: :meth:`_identity`) or BESIDE_ITSELF (its copies but this
        one). With the document's, a token kept as itself was weighed against a
        frequency its prior never had, and a word the document uses often
        lost to its rarer twin (``att spara`` read as ``att spåra`` in a text
        that saves things on every page). The consistent weighing has its
        own losses: a frequent word stays where its rarer twin was meant
        (``att andra`` for ``att ändra`` 4 times in 45 on the help pages)."""
        score = 0.0
        if prev is not None:
            score += self.log_cond(prev, word) if frequency == IN_DOCUMENT else self.log_cond_own(prev, word, frequency)
        if nxt is not None:
            evidence = self.log_cond(word, nxt)
            if nxt == BOUNDARY and evidence > 0 and self.lexicon.domain_bigrams.count(word, nxt) < MIN_SENTENCE_ENDS:
                evidence = 0.0
            score += evidence
        return score


def _word_form(s: str) -> bool:
    """A reading a word token may become: letters, no digit (a token is never
    read as a number: ``3:e`` is not ``3``)."""
    return any(c.isalpha() for c in s) and not any(c.isdigit() for c in s)
