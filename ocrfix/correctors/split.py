"""Split words glued together.

Fixes ``ien`` -> ``i en``, ``sedanjuli`` -> ``sedan juli``, ``paen`` ->
``på en``: a token the lexicon does not know is split in two when both
parts read as words (a short part may itself be corrected: ``pa`` ->
``på``; a one-letter word may be glued to a garble the token's own readings
correct: ``fragani`` -> ``frågan i``) and the pair, with its context and the
learned probability that the engine glued two words, beats every reading of
the token as one word.

Refuses to touch: any valid word or Hunspell compound (``hemmaplanslösningar``
stays one word); a token whose split is less likely than its two parts
written as one compound (``volymskjutreglaget``, a compound Hunspell does
not list, is likelier than ``volym skjutreglaget`` from an engine that
seldom glues words, the compound weighed in its parts' context; only
parts of MIN_KNOWN_PART letters or more that Hunspell's flags let form a
compound together: ``sedanjuli``, ``stodtill``, ``tolvmanader`` are split);
a word with a capital in mid-sentence or after a label's colon
(``Bergslagsakuten``, ``Joarteamet``, ``Handläggare: Ermin``: names, whose
compounds no dictionary lists); either half of a word broken
at a line end (``Försa-``); numbers, abbreviations, protected tokens;
one-letter parts that are not frequent words on their own in Swedish at
large (``i`` may be split off, ``b`` may not; a document that uses ``x``
as a label does not glue it to words: ``xref`` is no ``x ref``); an
acronym read into a token written in lower case (``lsusb`` is no ``LSS
usb``); and
anything in a document that looks clean (the engine's profile: not
eager), which has no glued words to split -- there a
split only ever broke what the lexicon does not know (``ilist`` -> ``i
list`` in a manual, code names and compounds in man pages; on no benchmark
did it mend anything).
"""
from __future__ import annotations

from typing import Iterable

from ..edits import Edit
from ..engine import best_reading, engine_for, next_word
from ..ranking import BOUNDARY, LN10, MIN_KNOWN_PART, unlisted_compound_zipf
from .base import Corrector, Document
from .words import all_caps, char_before, restore_case

MAX_TOKEN = 30
SHORT_PART = 4          # parts this short may be corrected too (pa -> på)
LONG_PART_READINGS = 2  # readings of a longer part tried beside a part that is a word
MAX_VARIED = 4          # ... made with å/ä for a and ö for o at up to this many letters
MIN_ZIPF_ONE_LETTER = 6.0


class Split(Corrector):
    name = "split"
    description = "split glued words (ien → i en, sedanjuli → sedan juli)"

    def propose(self, doc: Document) -> Iterable[Edit]:
        eng = engine_for(doc)
        if not eng.eager:
            return  # a document that looks clean has no glued words (see the module's docstring)
        sc = eng.scorer
        segs = eng.segments(doc)
        prev_word = BOUNDARY
        for k, seg in enumerate(segs):
            prev = seg.prev_kind or prev_word
            prev_word = best_reading(seg) or seg.lower
            n = len(seg.lower)
            if seg.identity.valid or n < 3 or n > MAX_TOKEN or seg.written:
                continue  # (written: a paragraph the engine cannot have read, see Engine._written_paragraphs)
            if seg.hyphen_next or seg.after_hyphen:
                continue  # half of a word broken at a line end: read with its other half by `words`
            if seg.text[:1].isupper() and (not seg.sentence_start or char_before(doc.text, seg.start) == ":"):
                # a capital in mid-sentence or after a label (`Handläggare: Ermin`): a name
                # (`Bergslagsakuten`, `Ikram`), not two words glued
                continue
            alpha = seg.lower.isalpha()  # a token with debris is only split off a one-letter word
            nxt = next_word(segs, k)
            letter_splits = self._letter_word_splits(eng, seg, prev, nxt)
            if not alpha and not letter_splits:
                continue
            whole = eng.options(seg.identity, seg.readings, prev, nxt)
            options = list(whole) + letter_splits
            # an engine that misreads letters keeps their case: no part of a token written in
            # lower case is an acronym (`lsusb` is no `LSS usb`), as no whole one is (see words)
            no_acronyms = not any(c.isupper() for c in seg.text)
            cuts = [(i, sc.is_valid(seg.lower[:i]), sc.is_valid(seg.lower[i:])) for i in range(1, n if alpha else 1)]
            # a long part is searched for its readings only beside the longest word at either
            # edge (`ochsamhillsstorningar`: `och`), not beside every word a cut leaves
            searched = {max((i for i, left_ok, _ in cuts if left_ok), default=0),
                        min((i for i, _, right_ok in cuts if right_ok), default=0)}
            for i, left_ok, right_ok in cuts:
                # one part must be a word as it stands; only then is the other corrected
                if not (left_ok or right_ok):
                    continue
                search = i in searched
                left = self._part(eng, seg.lower[:i], right_ok, search)
                right = self._part(eng, seg.lower[i:], left_ok, search)
                if no_acronyms:
                    surface = sc.lexicon.surface
                    left = [(w, b) for w, b in left if not all_caps(surface(w))]
                    right = [(w, b) for w, b in right if not all_caps(surface(w))]
                if not left or not right:
                    continue
                for lw, lbase in left:
                    for rw, rbase in right:
                        score = (lbase + rbase + sc.error_model.glued_logp
                                 + sc.context(prev, lw, None) + sc.log_cond(lw, rw) + sc.context(None, rw, nxt))
                        options.append((score, f"{lw} {rw}"))
                        if len(lw) >= MIN_KNOWN_PART and len(rw) >= MIN_KNOWN_PART and sc.may_compound(lw, rw):
                            # the same parts as one compound: it never wins an edit here (the compound
                            # is no word the lexicon lists), but a split must be likelier than it. Its
                            # context is its parts': the first part's before it, the last part's (the
                            # compound's head) after it -- so the split and the compound differ only by
                            # the pair `lw rw` against the compound's prior. (As a word of its own the
                            # compound, never seen in a bigram, had lost to any split whose first part
                            # the bigrams know after the word before: `en korsreferens nyckel`.)
                            zl, zr = sc.zipf_lexicon(lw), sc.zipf_lexicon(rw)
                            compound = (unlisted_compound_zipf(zl, zr) + 9.0 - zl - zr) * LN10  # beside its parts' priors
                            options.append((lbase + rbase + compound + sc.context(prev, lw, None)
                                            + sc.context(None, rw, nxt), lw + rw))
            if len(options) == len(whole):
                continue
            choice, confidence, margin = eng.choose(options)
            if " " not in choice:
                continue
            lw, rw = choice.split(" ")
            if lw + rw != seg.lower:
                # a split that corrects a part must also beat the whole token read
                # with one unseen confusion (`bogkontroll`: `bog kontroll` against
                # whole readings; the document's own words may then fix it)
                options += eng.options(seg.identity, sc.fallback_readings(seg.lower), prev, nxt)[1:]
                choice, confidence, margin = eng.choose(options)
                if " " not in choice:
                    continue
                lw, rw = choice.split(" ")
            if seg.text.isupper():  # a heading in capitals: `EKONOMIOCH` -> `EKONOMI OCH`
                surface = f"{lw.upper()} {rw.upper()}"
            else:
                left_text = restore_case(seg.text[: len(lw)], lw, sc.lexicon.surface(lw), seg.capital_start)
                surface = f"{left_text} {sc.lexicon.surface(rw)}"
            if surface != seg.text:
                yield Edit(seg.start, seg.end, seg.text, surface, self.name, confidence,
                           f"glued words split as {choice!r} (p={confidence:.2f})", round(margin, 3))

    @staticmethod
    def _letter_word_splits(eng, seg, prev, nxt) -> list[tuple[float, str]]:
        """``ijimforelse`` -> ``i jämförelse``: a one-letter word glued to a
        garbled one. The token's own readings may have dropped that letter as
        one the engine added (``jämförelse``); each such reading is scored
        once more as the rest of the token after (or before) the word, which
        is kept as it stands. Only readings of the whole token are tried, so
        this costs one alignment per reading, not a search."""
        sc = eng.scorer
        ocr, out = seg.lower, []
        for letter, rest, left in ((ocr[0], ocr[1:], True), (ocr[-1], ocr[:-1], False)):
            if not sc.is_valid(letter) or sc.zipf_lexicon(letter) < MIN_ZIPF_ONE_LETTER:
                continue
            for r in (seg.readings or ())[:3]:
                if (r.word[:1] if left else r.word[-1:]) == letter:
                    continue  # the reading kept the letter: no word of its own
                lw, rw = (letter, r.word) if left else (r.word, letter)
                score = (sc.identity(letter).base + eng.log_intact + sc.error_model.channel_logp(rest, r.word) + r.prior
                         + eng.log_damaged + sc.error_model.glued_logp
                         + sc.context(prev, lw, None) + sc.log_cond(lw, rw) + sc.context(None, rw, nxt))
                out.append((score, f"{lw} {rw}"))
        return out

    @staticmethod
    def _part(eng, part: str, other_valid: bool, search: bool = False) -> list[tuple[str, float]]:
        """(word, score without context) readings of one part of a split: a
        short part's likeliest corrections, and a longer one's lost diacritics
        if the other part is a word as it stands and the result a word the
        lexicon lists, not only a compound (``ekonomisktbistand``: ``bistånd``;
        ``handlagsartjanster`` is no ``handlags årtjänster``) -- or, ``search``,
        its likeliest corrections that are such words (``byggnadsnimnden`` ->
        ``byggnadsnämnden`` beside ``beviljar``)."""
        sc = eng.scorer
        valid = sc.is_valid(part)
        if len(part) == 1:
            ok = valid and sc.zipf_lexicon(part) >= MIN_ZIPF_ONE_LETTER
            return [(part, sc.identity(part).base + eng.log_intact)] if ok else []
        out = [(part, sc.identity(part).base + eng.log_intact)] if valid else []
        if len(part) <= SHORT_PART:
            out += [(r.word, r.base + eng.log_damaged) for r in sc.narrow_readings(part)[:3] if r.word != part]
        elif other_valid and not valid:  # only its lost diacritics restored: bistand -> bistånd
            out += [(w, base + eng.log_damaged) for w, base in _with_diacritics(sc, part)[:LONG_PART_READINGS]]
            if search:
                seen = {w for w, _ in out}
                out += [(r.word, r.base + eng.log_damaged) for r in sc.narrow_readings(part)[:LONG_PART_READINGS]
                        if r.word not in seen and sc.lexicon.is_word(r.word)]
        return out


def _with_diacritics(sc, part: str) -> list[tuple[str, float]]:
    """(word, channel + prior) for each word the lexicon lists that ``part``
    becomes with å or ä for a and ö for o (a part with at most MAX_VARIED
    such letters), best first: the spellings are made directly, no search."""
    if not 0 < part.count("a") + part.count("o") <= MAX_VARIED:
        return []
    found = [(word, sc.error_model.channel_logp(part, word) + sc.log_prior(word))
             for word in sc.lexicon.diacritic_words(part, MAX_VARIED) if word != part]
    return sorted(found, key=lambda wb: -wb[1])
