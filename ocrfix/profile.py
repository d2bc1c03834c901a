"""Document profile: how damaged is this text?

Clean text must pass through untouched and Enköping-grade text needs
aggressive restoration, so the correctors first measure the document:

* ``oov_rate``        share of word tokens the lexicon does not know (in a
                      text without OCR debris, names do not count);
* ``garble_rate``     share of word tokens with OCR debris inside
                      (``utveck[ing``, ``6ppen``, ``hi)’g``);
* ``diacritic_rate``  share of letters that are å/ä/ö (about 3-4 % in
                      running Swedish; near 0 when the OCR engine had no
                      Swedish model);
* ``error_prior``     the estimated share of tokens that are wrong, used by
                      the ranker as the prior probability that a token needs
                      any correction at all.

Profiles accumulate over the blocks of a document; the first block is large
(see stream.py) so the estimate is stable before the first line is written.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import regex

# A letter next to characters that never sit inside a Swedish word, or a
# ligature glyph (the only letters that are garble by themselves). A digit is
# debris beside a lower-case letter (`6ppen`, `sn6`); beside capitals it is a
# code (`NO3`, `DM2`, `Q1`); a number of two digits or more (or with its
# decimals) beside letters is a measure or a name (`750kg`, `12st`, `2,5cm`,
# `205x116cm`, `amd64`, `v2.3.1`), and `m2`, `mm2`, `km3` are units. An
# apostrophe before a capital or after the vowel of a capitalised word is a
# name's (`O'Brien`, `Sa'ad`; OCR's: `Fb’waltningen`, `kb'pt`).
_LIGATURES = "ﬁﬂ"
_GARBLE_RE = regex.compile(r"\p{L}[\[\]§@&|{}]|[\[\]§@&|{}]\p{L}|\p{Ll}\d(?![\d.,:]?\d)(?<!(?<!\p{L})[kcdm]?m[23])|(?<!\d[.,:]?)\d\p{Ll}|[)(’'](?<=\p{L}.)(?<!(?<!\S)\p{Lu}\p{Ll}*[aeiouyåäöé].)[\p{Ll})’']|" + f"[{_LIGATURES}]")
_NON_LETTERS_RE = regex.compile(r"\P{L}+")
_DIACRITICS = "åäöÅÄÖ"

# Swedish prose has ~3.5 % å/ä/ö among its letters; below this a document
# has (almost certainly) lost its diacritics.
DIACRITICS_LOST_BELOW = 0.008
# Share of unknown words in clean text of this genre (names, rare words).
BASELINE_OOV = 0.01
MIN_PRIOR, MAX_PRIOR = 0.002, 0.5
# Names are not counted as unknown words while at most this share of the
# words holds OCR debris (clean text; Enköping-grade scans have ~10 %).
NAMES_IGNORED_UP_TO_GARBLE = 0.005
# Below SHORT_TEXT_WORDS words the estimate assumes PRIOR_WORDS words of clean
# text seen before (see Profile.error_prior).
SHORT_TEXT_WORDS, PRIOR_WORDS = 20, 40
# Distinct intact words remembered per document (a 100-page report has ~10,000).
MAX_VOCABULARY = 200_000
# Distinct unknown lower-case words remembered per document (see Profile.unknown_words).
MAX_UNKNOWN_WORDS = 2_000
# A lower-case unknown word this long at least may be a misread word (see Engine.evidently_misread).
MIN_MISREAD_LENGTH = 5


@dataclass
class Profile:
    words: int = 0
    unknown: int = 0
    names: int = 0      # of the unknown words, those that look like names (see observe_word)
    garbled: int = 0
    letters: int = 0
    diacritics: int = 0
    vocabulary: dict[str, int] = field(default_factory=dict)  # intact (valid) words, lower-cased
    # distinct unknown words written in lower case, letters only, no English word
    # (the candidates for misread words: Engine.evidently_misread), in order of
    # first sight, with the times each was seen
    unknown_words: dict[str, int] = field(default_factory=dict)

    def observe_word(self, chunk: str, lower_core: str, valid: bool, name: bool = False,
                     fragment: bool = False) -> None:
        """Count one word token; ``name``: an unknown capitalised word in
        any position that no confusion reads as a word (see oov_rate);
        ``fragment``: the second half of a word hyphenated at a line's end (no
        candidate for a misread word; the first half keeps its hyphen)."""
        self.words += 1
        if name:
            self.names += 1
        if valid:
            vocabulary = self.vocabulary
            if lower_core in vocabulary:
                vocabulary[lower_core] += 1
            elif len(vocabulary) < MAX_VOCABULARY:  # memory stays bounded on an endless stream
                vocabulary[lower_core] = 1
        else:
            self.unknown += 1
            if (not name and not fragment and chunk.islower() and chunk.isalpha() and len(chunk) >= MIN_MISREAD_LENGTH
                    and (lower_core in self.unknown_words or len(self.unknown_words) < MAX_UNKNOWN_WORDS)):
                self.unknown_words[lower_core] = self.unknown_words.get(lower_core, 0) + 1
        # (a run of letters can only match through a ligature glyph)
        if (not chunk.isalpha() or any(g in chunk for g in _LIGATURES)) and _GARBLE_RE.search(chunk):
            self.garbled += 1

    def observe_letters(self, text: str) -> None:
        self.letters += len(_NON_LETTERS_RE.sub("", text))
        self.diacritics += sum(map(text.count, _DIACRITICS))

    @property
    def oov_rate(self) -> float:
        """The share of unknown words; in a document without OCR debris, names
        do not count (a member list, an address list is no damaged scan)."""
        unknown = self.unknown - self.names if self.garbled <= NAMES_IGNORED_UP_TO_GARBLE * self.words else self.unknown
        return unknown / self.words if self.words else 0.0

    @property
    def oov_estimate(self) -> float:
        """The share of unknown words to expect. Below SHORT_TEXT_WORDS words
        the counts start from PRIOR_WORDS words of clean text (BASELINE_OOV of
        them unknown): one name in a one-line document is no sign of damage."""
        if self.words >= SHORT_TEXT_WORDS:
            return self.oov_rate
        return (self.oov_rate * self.words + PRIOR_WORDS * BASELINE_OOV) / (self.words + PRIOR_WORDS)

    @property
    def garble_rate(self) -> float:
        return self.garbled / self.words if self.words else 0.0

    @property
    def diacritic_rate(self) -> float:
        return self.diacritics / self.letters if self.letters else 0.0

    @property
    def diacritics_lost(self) -> bool:
        return self.letters >= 300 and self.diacritic_rate < DIACRITICS_LOST_BELOW

    @property
    def error_prior(self) -> float:
        """Prior probability that a given word token is an OCR error."""
        if self.words < SHORT_TEXT_WORDS:  # a garbled word is evidence, a name is not (see oov_estimate)
            estimate = self.oov_estimate - BASELINE_OOV + self.garbled / (self.words + PRIOR_WORDS)
        else:
            estimate = self.oov_rate - BASELINE_OOV + 0.5 * self.garble_rate
        if self.diacritics_lost:
            # every word that should have å/ä/ö is wrong, valid-looking or not
            estimate = max(estimate, 0.15)
        return min(max(estimate, MIN_PRIOR), MAX_PRIOR)

    def summary(self) -> dict:
        return {
            "words": self.words,
            "oov_rate": round(self.oov_rate, 4),
            "garble_rate": round(self.garble_rate, 4),
            "diacritic_rate": round(self.diacritic_rate, 4),
            "diacritics_lost": self.diacritics_lost,
            "error_prior": round(self.error_prior, 4),
        }
