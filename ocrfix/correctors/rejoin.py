"""Rejoin words torn apart by stray spaces.

Fixes ``moj [igt`` -> ``möjligt``, ``avde [n'mgav.`` -> ``avdelningar.``,
``kopp lat`` -> ``kopplat``: two adjacent fragments on one line become one
word when the joined reading -- corrected by the same error model, lexicon
and context as single words -- is more probable than the two fragments read
separately, including the probability that the OCR engine tore a word
(learned per engine, ``dictionaries/spacing.tsv``).

Two fragments of plain letters that the confusions cannot read as one
word, one of which they cannot read at all, are also matched as one against
the most frequent words (``personake suner`` -> ``personalresurser``,
:mod:`ocrfix.fuzzy`); fragments with OCR debris are left to the confusions.

Where the engine is known to read a letter as a space (learned per engine,
``space:s`` in ``dictionaries/spacing.tsv``: Tesseract's Swedish model at
low resolution), two valid words are also read as one word with that letter
in the gap (``försörjning stöd`` -> ``försörjningsstöd``), if the lexicon
lists that word and it wins in context.

Refuses to touch: fragments on different lines (see ``dehyphen``), pairs with
punctuation between them, numbers, abbreviations, protected tokens; and two
valid words unless their join is itself a known word and the evidence is
overwhelming (``an ställd`` -> ``anställd`` may be joined; ``barn
utredning`` and ``i kapp`` stay: Swedish compounding makes joining valid
words a question of style).
"""
from __future__ import annotations

from typing import Iterable

from ..edits import Edit
from ..engine import best_reading, engine_for, next_word
from ..errormodel import SWEDISH_LETTERS
from ..ranking import BOUNDARY, FRAGMENTS_FALLBACK_BEAM, IN_LEXICON
from .base import Corrector, Document
from .words import FUNCTION_WORD_ZIPF, read_weakly, restore_case

MAX_JOINED = 40
MAX_FRAGMENT = 6  # a tear leaves a piece at most this long (unless two non-words join into a word)
# Two valid words are joined only on overwhelming evidence: `i kapp` and
# `ikapp` are both Swedish, and the domain's spelling is no reason to change a
# page's. Measured on every dev page and the Enköping lines: the right joins of
# two words (`brukar inflytande`, `Stick prov`) had confidence 0.995 or more,
# the wrong ones (`i kapp` x3, `Barn Kommun`, `köp a`) 0.95 or less.
BOTH_VALID_MIN_CONFIDENCE = 0.98


class Rejoin(Corrector):
    name = "rejoin"
    description = "rejoin words torn by stray spaces (moj [igt → möjligt)"

    def propose(self, doc: Document) -> Iterable[Edit]:
        eng = engine_for(doc)
        sc = eng.scorer
        segs = eng.segments(doc)
        text = doc.text
        prev_word = BOUNDARY
        for k in range(len(segs) - 1):
            a, b = segs[k], segs[k + 1]
            prev = a.prev_kind or prev_word
            prev_word = best_reading(a) or a.lower
            gap = text[a.end : b.start]
            if not gap or gap.strip(" ") or a.end != a.chunk_end or b.start != b.chunk_start or b.prev_kind is not None:
                continue
            if any(len(s.lower) == 1 and not s.lower.isalnum() for s in (a, b)):
                continue  # a lone glyph between words stands for a word of its own (`både ( den`)
            if len(b.text) == 1 and b.text.isupper() and a.text[-1:].islower():
                continue  # a capital letter alone after a word is a name or a symbol (`dela i N filer`), no torn tail
            if a.written or b.written:
                continue  # a paragraph the engine cannot have read (Engine._written_paragraphs): no tears
            joined = a.lower + b.lower
            if a.identity.valid and b.identity.valid and not sc.lexicon.is_word(joined):
                # two words whose join is no known word: a question of style, not OCR repair --
                # unless the gap is a letter this engine reads as a space (`försörjning stöd`)
                edit = self._letter_in_gap(eng, segs, k, prev, text)
                if edit is not None:
                    yield edit
                continue
            if len(joined) > MAX_JOINED:
                continue
            both_valid = a.identity.valid and b.identity.valid
            neither_valid = not a.identity.valid and not b.identity.valid
            if (not both_valid and min(len(a.lower), len(b.lower)) > MAX_FRAGMENT
                    and not (neither_valid and sc.is_valid(joined))):
                continue  # a tear leaves a short fragment -- or two non-words that join into a word
            if not both_valid and (_function_word(sc, a) or _function_word(sc, b)):
                continue  # `och`, `att`, `i` next to a garble: a word of its own, not a fragment
            # a word read as a function word (`ar`: är) may be one, or a torn word's piece (`Pag ar`)
            function_reading = _reads_as_function_word(sc, a) or _reads_as_function_word(sc, b)
            separate, nxt = _separately(eng, segs, k, prev)
            torn = sc.error_model.torn_logp + eng.log_damaged  # the tear is damage in itself
            # A joined reading wins only if it beats the fragments read separately;
            # prior and context together bring at most `ceiling`, so a reading whose
            # channel falls below `floor` cannot, and is not searched for.
            ceiling = sc.context_ceiling(nxt)
            floor = separate - torn - eng.log_damaged - ceiling
            candidates = list(sc.readings(joined, FRAGMENTS_FALLBACK_BEAM, floor))
            if (eng.eager and not candidates and (_unexplained(a) or _unexplained(b))
                    and all(c in SWEDISH_LETTERS for c in joined)
                    and not sc.is_valid(joined) and not sc.readings(joined, FRAGMENTS_FALLBACK_BEAM)):
                candidates = eng.frequent_word_readings(joined)
            options = [(separate, None)]
            # the joined form as it stands, if a word (a non-word's prior, costly to compute, is not needed)
            if sc.error_model.identity_logp(joined) + torn + ceiling >= separate and sc.is_valid(joined):
                options.append((sc.identity(joined).base + torn + sc.context(prev, joined, nxt, IN_LEXICON), joined))
            for r in candidates:
                if r.word not in (joined, a.lower, b.lower):  # (one fragment alone: the other dropped, no join)
                    # each fragment the reading changes is one more damaged token
                    damaged = (not r.word.startswith(a.lower)) + (not r.word.endswith(b.lower))
                    options.append((r.base + max(damaged, 1) * eng.log_damaged + torn + sc.context(prev, r.word, nxt), r.word))
            if len(options) == 1:
                continue
            word, confidence, margin = eng.choose(options)
            if word is None or ((both_valid or function_reading) and confidence < BOTH_VALID_MIN_CONFIDENCE):
                continue
            if confidence < BOTH_VALID_MIN_CONFIDENCE and _read_as_words(sc, a, b):
                continue  # two garbled words, each read as a word, are no torn compound on weak evidence
            surface = restore_case(a.text + b.text, word, sc.lexicon.surface(word), a.capital_start)
            yield Edit(a.start, b.end, text[a.start : b.end], surface, self.name, confidence,
                       f"torn word rejoined as {word!r} (p={confidence:.2f})", round(margin, 3))

    def _letter_in_gap(self, eng, segs, k, prev, text: str) -> Edit | None:
        """Two valid words ``a b`` read as one word ``a x b``, where the engine
        is known to read the letter x as a space (learned per engine,
        ``space:x`` in ``dictionaries/spacing.tsv``). Only a word the lexicon
        lists is accepted, never a new compound, and it must beat the two
        words in context like any other rejoin."""
        sc = eng.scorer
        a, b = segs[k], segs[k + 1]
        letters = sc.error_model.space_letters
        if not letters or not eng.eager or min(len(a.lower), len(b.lower)) < 2:
            return None
        separate, nxt = _separately(eng, segs, k, prev)
        options = [(separate, None)]
        for letter, logp in letters.items():
            word = a.lower + letter + b.lower
            if sc.lexicon.is_word(word):
                options.append((sc.identity(word).base + logp + eng.log_damaged + sc.context(prev, word, nxt, IN_LEXICON), word))
        if len(options) == 1:
            return None
        word, confidence, margin = eng.choose(options)
        if word is None:
            return None
        letter = word[len(a.lower)]
        surface = restore_case(a.text + letter + b.text, word, sc.lexicon.surface(word), a.capital_start)
        return Edit(a.start, b.end, text[a.start : b.end], surface, self.name,
                    confidence, f"space read as {letter!r}, joined as {word!r} (p={confidence:.2f})", round(margin, 3))


def _separately(eng, segs, k: int, prev) -> tuple[float, str | None]:
    """The score of segments k and k+1 read as two words in context, and the word after them."""
    a, b = segs[k], segs[k + 1]
    nxt = next_word(segs, k + 1)
    a_best = max(eng.options(a.identity, a.readings, prev, best_reading(b)))
    b_best = max(eng.options(b.identity, b.readings, a_best[1], nxt))
    return a_best[0] + b_best[0], nxt


def _read_as_words(sc, a, b) -> bool:
    """Are both fragments read (as they stand or corrected) as words -- listed
    or compounds the rules allow -- of more than one letter, the first not
    ending in a compound's linking s? Then their join must win as clearly as
    two valid words' join (BOTH_VALID_MIN_CONFIDENCE): an unseen compound's
    prior is floored (ranking.ZIPF_COMPOUND_FLOOR), so a rare word beside a
    garbled compound had joined it (``Sammantradet oppnas`` had become
    ``Sammanträdetöppnas``, ``anger bostadsandamal`` ``ångerbostadsändamål``),
    and the lexicon lists many joins of two words (``spe[ar roll`` had become
    ``spelarroll`` at 0.66); ``rehabiliterings rutin`` is still read as the
    compound it was torn from."""
    words = [best_reading(s) for s in (a, b)]
    return all(w is not None and len(w) > 1 and sc.is_valid(w) for w in words) and not words[0].endswith("s")


def _function_word(sc, seg) -> bool:
    """Is the fragment one of the most frequent words (``och``, ``i``), in
    the language or in this document? Its own occurrence is not counted: in
    a note of 200 words any word seen once would be (``enli gt`` had stayed
    torn)."""
    return sc.zipf_beside(seg.lower) >= FUNCTION_WORD_ZIPF


def _reads_as_function_word(sc, seg) -> bool:
    """A valid fragment whose best reading is such a word (``ar``: är, ``sa``:
    så): a word of its own (``Nasta traff ar den 12``) or a torn word's piece
    (``Pag ar``, ``sa mverkan``) -- its join must win as clearly as two
    valid words' join."""
    best = best_reading(seg) if seg.identity.valid else None
    return best is not None and sc.zipf_lexicon(best) >= FUNCTION_WORD_ZIPF


def _unexplained(seg) -> bool:
    """A fragment of plain letters that is no word and that the learned
    confusions read badly or not at all. (Debris and foreign letters are the
    engine's own marks, which the confusions read better than similarity
    does: `[agstﬁning ﬁ)’r` is not `lagstiftningar`.)"""
    return (not seg.identity.valid and all(c in SWEDISH_LETTERS for c in seg.lower)
            and read_weakly(seg.readings))
