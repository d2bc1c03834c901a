"""The OCR error model: P(ocr | truth) from learned character confusions.

The table (``dictionaries/confusions.tsv``) is estimated by
``scripts/learn_error_model.py`` from aligned (OCR, truth) text, per engine
profile; re-run that script on your own pairs to adapt ocrfix to another OCR
engine. Rules rewrite short substrings (``ä`` read as ``d``, ``rn`` read as
``m``, ``ö`` read as ``i)’``); diacritic loss is one case of them, not a
special mechanism.

:meth:`ErrorModel.candidates` reads an OCR token left to right, keeping each
character or undoing a rule whose OCR side matches there, and prunes every
partial reading that is not the beginning of some lexicon word; what is left
at the end and is a word is a candidate, with its channel log-probability.
Work is bounded: at most ``beam`` partial readings per position, at most
``max_edits`` rules and one unseen (generic) edit per reading, and tokens
longer than ``MAX_TOKEN`` characters are not searched.
"""
from __future__ import annotations

import math
import os
import unicodedata
from collections import OrderedDict, defaultdict
from pathlib import Path

from .resources import data_path

MAX_TOKEN = 40
CACHE_SIZE = 50_000
# Per-position reading options, keyed by the OCR text ahead (two lists of
# references to shared option tuples each); cleared when full.
OPTION_CACHE_SIZE = 50_000
UNSEEN = "<unseen>"  # truth column of the fallback rows (edits the table does not list)
DEBRIS = "<debris>"  # truth column of the rows for OCR debris without a rule
SWEDISH_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzåäö")
QUOTE_MARKS = "\"“”"  # an engine may print letters as one of these (see ErrorModel.quote_letters)


def meaningful(ch: str) -> bool:
    """Digits (``²`` too), units and mathematical signs (``°``, ``€``, ``+``,
    ``=``, ``|``) carry meaning: the model never drops one as OCR debris nor
    reads it as an arbitrary letter; only a learned rule may read it (``6`` for
    ``ö``). Otherwise ``kl.8``, ``20 °C``, ``m²``, ``C3`` lose characters.
    Glyphs an engine without a Swedish model puts for letters (``¢``, ``®``,
    ``§``, ``%``, ``@``, ``&``) stay debris."""
    return ch.isdigit() or ch in _UNIT_SIGNS or unicodedata.category(ch) == "Sm"


_UNIT_SIGNS = frozenset("°‰€£")
MAX_INSERTIONS, MIN_INSERTION_LOGP = 4, -6.5
MIN_RULE_LOGP = -8.0
FALLBACK_CHECKS = 4  # complete readings checked per result wanted, in a fallback search
SHAPE_LOGP = -7.0  # a generic shape confusion the learned table lacks
LIGATURE_SHAPE_LOGP = -9.0  # a ligature glyph for a pair the table has not seen it for (_ligature_shapes)
SHAPED_LIGATURES = ("ﬁ", "ﬂ")  # the two-letter ligatures OCR engines print (ﬀ ﬃ ﬄ: only as their letters)
LIGATURE_DROP_LOGP = -12.0  # ... and for nothing at all (ErrorModel.dropped_logp)
BACKOFF_WORDS = 500  # pooled rules weigh as much as this many words of an engine's own data
DEFAULT_IDENTITY = math.log(0.98)
# Letters an unseen substitution or insertion may produce.
ALPHABET = "abcdefghijklmnopqrstuvwxyzåäöé"
# Typographic ligature glyphs always stand for at least their letters.
LIGATURE_RULES = {"ﬁ": "fi", "ﬂ": "fl", "ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl"}
LIGATURE_LOGP = math.log(0.5)


# OCR debris that varies between engines without meaning: apostrophes and
# quote-like marks are one symbol to the model.
_EQUIVALENT = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "′": "'"})


def normalise(ocr: str) -> str:
    """The OCR token as the model reads it (same length, so offsets hold)."""
    return ocr.translate(_EQUIVALENT)


def _read_table(path: Path) -> dict:
    """profile -> (rules {ocr: [(truth, logp)]}, identity {char: logp}, generic logp, debris {kind: logp})."""
    tables: dict = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or line.startswith("profile\t"):
                continue
            prof, truth, ocr, _count, _total, logp = line.rstrip("\n").split("\t")
            rules, identity, generic, debris = tables.setdefault(prof, (defaultdict(list), {}, [math.log(1e-5)], {}))
            lp = float(logp)
            if truth == UNSEEN and ocr == "edge":
                debris["edge"] = lp   # kept with the other special costs
            elif truth == UNSEEN:
                generic[0] = lp
            elif truth == DEBRIS:
                debris[ocr] = lp
            elif ocr == "=":
                identity[truth] = lp
            else:
                rules[ocr].append((truth, lp))
    return {p: (r, i, g[0], d) for p, (r, i, g, d) in tables.items()}


def _read_spacing(path: Path) -> dict[str, dict[str, float]]:
    """profile -> {"torn": logp, "glued": logp, "words": words learned from}."""
    out: dict[str, dict[str, float]] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            fields = line.split("\t")
            if len(fields) == 5 and not line.startswith("#") and fields[0] != "profile":
                rec = out.setdefault(fields[0], {})
                rec[fields[1]] = float(fields[4])
                rec["words"] = float(fields[3])
    return out


def _read_initial_case(path: Path) -> dict[str, dict[str, tuple[int, int]]]:
    """profile -> {OCR char: (upper, lower)} for letters read as that non-letter at a word's start."""
    out: dict[str, dict[str, tuple[int, int]]] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            fields = line.split("\t")
            if len(fields) == 4 and not line.startswith("#") and fields[0] != "profile":
                out.setdefault(fields[0], {})[fields[1]] = (int(fields[2]), int(fields[3]))
    return out


def _shape_confusions() -> list[tuple[str, str]]:
    """(truth, ocr) pairs of letter shapes every OCR engine may confuse (dictionaries/shape_confusions.tsv)."""
    path = data_path("shape_confusions.tsv")
    if not path.exists():
        return []
    return [tuple(l.split("\t")[:2]) for l in path.read_text(encoding="utf-8").splitlines() if l and not l.startswith("#")]


def _ligature_shapes(glyph: str) -> list[tuple[str, float]]:
    """What a ligature glyph may stand for beyond the learned rules, with
    log-probabilities: two letters it resembles -- its first letter and any
    other, or any letter and its last (Enköping's data show fi, fö, ft, ff,
    ti, ift for ``ﬁ``; fl, ll, tl for ``ﬂ``). Rare readings, but likelier
    than the glyph dropped or two unseen edits: ``eﬁer`` is ``efter`` where
    the table lacks ``ft`` (held-out Enköping lines, 4 folds: 88.5 -> 89.2 %
    of character errors removed, with ErrorModel.dropped_logp)."""
    letters = LIGATURE_RULES[glyph]
    first, last = letters[0], letters[-1]
    pairs = [first + x for x in sorted(SWEDISH_LETTERS)] + [x + last for x in sorted(SWEDISH_LETTERS)]
    return [(pair, LIGATURE_SHAPE_LOGP) for pair in dict.fromkeys(pairs)]  # (`fi` comes twice)


class ErrorModel:
    def __init__(self, rules: dict[str, list[tuple[str, float]]], identity: dict[str, float], generic: float, profile: str = "") -> None:
        self.profile = profile
        self.rules = rules            # ocr substring -> [(truth substring, logp)], best first
        self.identity = identity      # char -> log P(char read as itself)
        self.generic = generic        # log-prob of an unseen edit
        # truth letters the OCR dropped entirely (tried at every position, so few)
        self.insertions = [(t, lp) for t, lp in rules.get("", []) if t.isalpha() and lp >= MIN_INSERTION_LOGP][:MAX_INSERTIONS]
        self.max_ocr_len = max((len(k) for k in rules), default=1)
        self.work = 0                 # expansions done (for tests and benchmarks)
        # Results per (token, search settings, lexicon): a token recurring in
        # another document of the same process (batch, library use) is free.
        self._cache: OrderedDict = OrderedDict()
        self._option_cache: dict = {}  # settings -> (inside, at an edge): {OCR text ahead: options}
        self._options_cached = 0
        self._rule_prefixes: frozenset[str] | None = None  # see _rule_reach
        self._letter_cache: dict = {}
        self._rule_cache: dict = {}
        self._channel_cache: dict = {}
        self.debris_del = generic         # OCR debris (no Swedish letter) the engine added
        self.debris_sub = generic         # OCR debris standing for one particular letter
        self.edge_added = generic         # a letter the OCR added at a token's first or last position
        self._fold: dict[int, str] | None = None
        self._ocr_letters: frozenset[str] | None = None
        self._quote_endings: dict[str, frozenset[str]] | None = None
        self._quote_letters: str | None = None
        self.torn_logp = math.log(1e-3)   # a word torn in two by a stray space
        self.glued_logp = math.log(1e-3)  # two words glued together
        self.space_letters: dict[str, float] = {}  # letter -> log P(a word has it read as a space)
        self.initial_case: dict[str, tuple[int, int]] = {}  # see upper_share

    @property
    def ocr_letters(self) -> frozenset[str]:
        """The letters the engine's learned confusions produce (``é``, ``ﬁ`` ...), lower case."""
        if self._ocr_letters is None:
            self._ocr_letters = frozenset(c.lower() for k in self.rules for c in k if c.isalpha())
        return self._ocr_letters

    @property
    def quote_letters(self) -> str:
        """The quote marks this engine's learned confusions read as letters
        (Enköping's ``“`` for ``ll``: ``fa“`` for ``fall``), '' for most engines."""
        if self._quote_letters is None:  # (asked for every segment read)
            self._quote_letters = "".join(self.quote_endings)
        return self._quote_letters

    @property
    def quote_endings(self) -> dict[str, frozenset[str]]:
        """quote mark -> the letters the engine prints as it: from each rule
        whose OCR side ends in the mark and whose truth has more letters
        (``“`` for ``ll``; ``é”`` for ``åll`` gives ``”`` -> ``ll``); a rule
        where the mark only comes with a letter (``"n`` for ``n``) is debris.
        What a reading must contain where such a mark is read as letters
        (see Engine.admissible)."""
        if self._quote_endings is None:
            found: dict[str, set[str]] = {}
            for ocr, options in self.rules.items():
                q = ocr[-1:]
                if q and q in QUOTE_MARKS:
                    for truth, _ in options:
                        letters = truth[len(ocr) - 1:]  # the rest of the rule's letters stand for the mark
                        if letters.isalpha() and sum(c.isalpha() for c in truth) > sum(c.isalpha() for c in ocr):
                            found.setdefault(q, set()).add(letters)
            self._quote_endings = {q: frozenset(found[q]) for q in QUOTE_MARKS if q in found}
        return self._quote_endings

    @classmethod
    def load(cls, path: str | Path | None = None, profile: str = "default", backoff: float | None = None) -> "ErrorModel":
        """The rules of one engine profile from a confusion table.

        The rules of a specific engine are interpolated with the pooled
        ``default`` profile, with weight ``backoff`` -- by default
        ``BACKOFF_WORDS / (BACKOFF_WORDS + words the engine was learned from)``:
        an engine learned from little data also knows the confusions seen
        elsewhere; one learned from much data hardly needs them.
        """
        path = Path(path) if path else data_path("confusions.tsv")
        tables = _read_table(path)
        if profile not in tables:
            raise ValueError(f"error model profile {profile!r} not in {path}")
        rules_p, identity, generic, debris = tables[profile]
        spacing = _read_spacing(path.with_name("spacing.tsv")).get(profile, {})
        weight = backoff if backoff is not None else BACKOFF_WORDS / (BACKOFF_WORDS + spacing.get("words", 0))
        if profile != "default" and "default" in tables and weight > 0:
            pooled = tables["default"][0]
            keep, add = math.log1p(-weight), math.log(weight)
            merged: dict[tuple[str, str], float] = {}
            for ocr, options in rules_p.items():
                for truth, lp in options:
                    merged[(ocr, truth)] = lp + keep
            for ocr, options in pooled.items():
                for truth, lp in options:
                    old = merged.get((ocr, truth))
                    new = lp + add
                    if old is not None:
                        merged[(ocr, truth)] = max(old, new) + math.log1p(math.exp(-abs(old - new)))
                    elif new >= MIN_RULE_LOGP:  # rarer than this, the unseen-edit fallback covers it
                        merged[(ocr, truth)] = new
            rules: dict[str, list[tuple[str, float]]] = defaultdict(list)
            for (ocr, truth), lp in merged.items():
                rules[ocr].append((truth, lp))
        else:
            rules = defaultdict(list, {k: list(v) for k, v in rules_p.items()})
        for glyph, letters in LIGATURE_RULES.items():
            rules[glyph].append((letters, LIGATURE_LOGP))
        known = {(ocr, truth) for ocr, options in rules.items() for truth, _ in options}
        for truth, ocr in _shape_confusions():
            if (ocr, truth) not in known:
                rules[ocr].append((truth, SHAPE_LOGP))
        for glyph in SHAPED_LIGATURES:
            for truth, lp in _ligature_shapes(glyph):
                if (glyph, truth) not in known:
                    rules[glyph].append((truth, lp))
        for ocr in rules:
            rules[ocr].sort(key=lambda tl: -tl[1])
        model = cls(dict(rules), identity, generic, profile)
        model.debris_del = debris.get("del", generic)
        model.debris_sub = debris.get("sub", generic)
        model.edge_added = debris.get("edge", generic)
        model.torn_logp = spacing.get("torn", model.torn_logp)
        model.glued_logp = spacing.get("glued", model.glued_logp)
        # letters this engine reads as a space inside a word (`försörjning stöd`)
        model.space_letters = {event[6:]: logp for event, logp in spacing.items() if event.startswith("space:")}
        cases = _read_initial_case(path.with_name("initial_case.tsv"))
        model.initial_case = cases.get("default", {}) | cases.get(profile, {})
        return model

    def upper_share(self, ch: str) -> float:
        """P(upper case | a word's first letter was misread as ``ch``: a
        non-letter, or another capital).

        The glyph keeps the shape of the letter it replaced: `]` at the start
        of ``]nspektionen`` is a dotless stroke, a capital ``I``; Enköping's
        engine prints a plain ``A`` for ``Ä`` but never for ``ä`` (Laplace
        estimate from the engine's data; 0.5 for a character never seen)."""
        upper, lower = self.initial_case.get(ch, (0, 0))
        return (upper + 1) / (upper + lower + 2)

    def dropped_logp(self, ch: str) -> float:
        """log P(the engine printed the non-letter ``ch`` for nothing): debris at
        the engine's rate; a ligature glyph, which stands for letters, more
        rarely than for any pair of its shape (``ﬁera`` is ``flera``, not ``era``)."""
        return LIGATURE_DROP_LOGP if ch in LIGATURE_RULES else self.debris_del

    # -- fuzzy matching ------------------------------------------------------
    def fold(self, text: str) -> str:
        """A coarse key for fuzzy matching, the same for a word and its usual garbles.

        Diacritics are dropped (``ä`` -> ``a``), ligature glyphs spelt out, and
        each character that is no Swedish letter becomes the letter the table
        most often reads it as (``[`` -> ``l``, ``6`` -> ``o``): ``[égkovy’unktw``
        folds to ``lagkovy'unktw``, ``lågkonjunktur`` to ``lagkonjunktur``.
        Letters are never folded into other letters (``v`` stays ``v``).
        """
        if self._fold is None:
            plain = str.maketrans("åäöéèü", "aaoeeu")
            table = {ord(g): letters for g, letters in LIGATURE_RULES.items()}
            for ocr, options in self.rules.items():
                if len(ocr) == 1 and ocr not in SWEDISH_LETTERS and ord(ocr) not in table:
                    best = next((t for t, _ in options if len(t) == 1 and t in SWEDISH_LETTERS), None)
                    if best is not None:
                        table[ord(ocr)] = best.translate(plain)
            self._fold = plain | table
        return normalise(text.lower()).translate(self._fold)

    # -- scoring -------------------------------------------------------------
    def keep_logp(self, ch: str) -> float:
        return self.identity.get(ch, DEFAULT_IDENTITY)

    def probability(self, ocr: str, truth: str) -> float:
        """P(ocr | truth) of one rule (0 if the table has none)."""
        return max((math.exp(lp) for t, lp in self.rules.get(ocr, ()) if t == truth), default=0.0)

    def channel_logp(self, ocr: str, truth: str) -> float:
        """log P(ocr | truth): the best alignment of the two under the rules.

        A Viterbi pass over (OCR position, truth position): a character read as
        itself, a rule, OCR debris added or standing for a letter, and -- at the
        unseen-edit cost -- any other substitution, insertion or deletion.
        For checking a few given pairs (e.g. words known from the document),
        not for searching: O(len(ocr) * len(truth) * rules).
        """
        ocr = normalise(ocr)
        n, m = len(ocr), len(truth)
        if n > MAX_TOKEN or m > MAX_TOKEN:
            return -math.inf
        fast = _c_channel()
        if fast is not None:
            return fast(ocr, truth, *self._channel_costs(ocr), self.generic)
        neg = -math.inf
        best = [[neg] * (m + 1) for _ in range(n + 1)]
        best[0][0] = 0.0
        generic = self.generic
        for i in range(n + 1):
            row = best[i]
            for j in range(m + 1):
                lp = row[j]
                if lp == neg:
                    continue
                if i < n:
                    ch = ocr[i]
                    debris = ch not in SWEDISH_LETTERS
                    fixed = debris and meaningful(ch)  # only rules read it (see meaningful)
                    # the OCR added this character
                    cost = neg if fixed else self.dropped_logp(ch) if debris else (self.edge_added if i in (0, n - 1) else generic)
                    if lp + cost > best[i + 1][j]:
                        best[i + 1][j] = lp + cost
                    if j < m:
                        t = truth[j]
                        if ch == t:
                            cost = self.keep_logp(ch)
                        else:
                            cost = neg if fixed else self.debris_sub if debris else generic
                        if lp + cost > best[i + 1][j + 1]:
                            best[i + 1][j + 1] = lp + cost
                    for k in range(1, min(self.max_ocr_len, n - i) + 1):
                        for t, rlp in self.rules.get(ocr[i : i + k], ()):
                            if truth.startswith(t, j) and lp + rlp > best[i + k][j + len(t)]:
                                best[i + k][j + len(t)] = lp + rlp
                if j < m and lp + generic > row[j + 1]:  # the OCR lost this truth character
                    row[j + 1] = lp + generic
        return best[n][m]

    def _channel_costs(self, ocr: str) -> tuple:
        """Per OCR position, what :meth:`channel_logp` charges there (for the C
        version): adding the character, reading it as another, keeping it,
        and the rules starting there as (length, truth, logp); cached per token."""
        found = self._channel_cache.get(ocr)
        if found is not None:
            return found
        from array import array

        n = len(ocr)
        add, sub, keep, rules = array("d"), array("d"), array("d"), []
        for i, ch in enumerate(ocr):
            debris = ch not in SWEDISH_LETTERS
            if debris and meaningful(ch):
                add.append(-math.inf)
                sub.append(-math.inf)
            else:
                add.append(self.dropped_logp(ch) if debris else (self.edge_added if i in (0, n - 1) else self.generic))
                sub.append(self.debris_sub if debris else self.generic)
            keep.append(self.keep_logp(ch))
            rules.append([(k, t, rlp) for k in range(1, min(self.max_ocr_len, n - i) + 1)
                          for t, rlp in self.rules.get(ocr[i : i + k], ())])
        found = (add, sub, keep, rules)
        if len(self._channel_cache) >= OPTION_CACHE_SIZE:
            self._channel_cache.clear()
        self._channel_cache[ocr] = found
        return found

    def identity_logp(self, token: str) -> float:
        """log P(token | token): every character read correctly."""
        get = self.identity.get
        return sum(get(c, DEFAULT_IDENTITY) for c in token)

    # -- candidate generation ---------------------------------------------------
    def candidates(
        self,
        ocr: str,
        lexicon: "CandidateLexicon",
        beam: int = 16,
        max_edits: int | None = None,
        max_generic: int = 1,
        margin: float = 12.0,
        max_results: int = 16,
        checked: int | None = None,
        min_rule_logp: float = -math.inf,
        letter_generic: bool = False,
        floor: float = -math.inf,
    ) -> list[tuple[str, float]]:
        """Lexicon words that could have been read as ``ocr``, with log P(ocr | word).

        ``ocr`` should be lower case. Partial readings are kept only while
        their current compound part is the beginning of a lexicon form
        (``lexicon.has_prefix``); a new part may start where the previous one
        is a complete compound head (``lexicon.is_head``), so compounds the
        dictionary never lists are found too. At each position at most
        ``beam`` readings survive, none more than ``margin`` below the best.
        The ``max_results`` (or ``checked``) most probable complete readings
        are checked with ``lexicon.is_valid``, and at most ``max_results``
        valid ones returned. ``letter_generic`` also lets one letter stand for
        any other (an unseen confusion): the fallback when nothing else is found.
        No reading whose log P(ocr | word) falls below ``floor`` is extended or
        returned: a caller that knows no word could win below it is spared
        the search of hopeless readings (the others come out the same).
        """
        n = len(ocr)
        if n == 0 or n > MAX_TOKEN:
            return []
        key = (ocr, beam, max_edits, max_generic, margin, max_results, checked, min_rule_logp, letter_generic, floor,
               getattr(lexicon, "cache_key", id(lexicon)))
        hit = self._cache.get(key)
        if hit is not None:
            self._cache.move_to_end(key)
            return list(hit)
        found = self._candidates(normalise(ocr), lexicon, beam, max_edits, max_generic, margin, max_results, checked,
                                 min_rule_logp, letter_generic, floor)
        if floor == -math.inf:  # a floor comes from one reading's context: that search is hardly ever asked again
            self._cache[key] = tuple(found)
            if len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return found

    def _candidates(self, ocr, lexicon, beam, max_edits, max_generic, margin, max_results, checked, min_rule_logp,
                    letter_generic, floor=-math.inf):
        n = len(ocr)
        if max_edits is None:
            max_edits = min(2 + n // 4, 6)
        # what may be read at each position: (OCR chars consumed, truth text, logp, is_edit, is_generic)
        settings = (min_rule_logp, bool(max_generic), letter_generic)
        fast = lexicon.fast_lexicons() if hasattr(lexicon, "fast_lexicons") else []
        options = self._options_along(ocr, settings, encoded=bool(fast))
        if checked is None:
            checked = max_results * (FALLBACK_CHECKS if letter_generic else 1)
        if fast and not (n == 1 and ocr in SWEDISH_LETTERS):  # (a letter's lost letters are added below)
            found = self._ranked_in_c(fast, options, lexicon, beam, margin, max_edits, max_generic, floor, checked)
            if found is not None:
                self.work += n * beam  # an upper bound; the C search does not count
                return found[:max_results]
        if fast:
            search = _c_module().search  # (fast lexicons exist only with the C module)
            args = (fast, options, beam, margin, max_edits, max_generic, lexicon.head_mask)
            try:
                raw = search(*args, floor) if floor > -math.inf else search(*args)
            except TypeError:  # a module built before `floor` (pip install -e . rebuilds it): same results, unpruned
                raw = search(*args)
            final = [(out.decode("utf-8"), lp) for out, lp in raw]
            self.work += n * beam  # an upper bound; the C search does not count
        else:
            final = self._search(options, lexicon, n, beam, margin, max_edits, max_generic, floor)
        best: dict[str, float] = {}
        for out, lp in final:
            if out and lp >= floor and lp > best.get(out, -math.inf):
                best[out] = lp
        # A one-letter token may have lost a letter after it (`d` for `då`). For
        # longer tokens this reading is left out: lost final letters (`s`, `t`)
        # then outnumber true readings (measured on tesseract-dev S4: -0.8 %).
        if n == 1 and ocr in SWEDISH_LETTERS:
            for out, lp in list(best.items()):
                for truth, rlp in self.insertions:
                    if rlp >= min_rule_logp and lp + rlp > best.get(out + truth, -math.inf):
                        best[out + truth] = lp + rlp
        # The most probable complete readings are checked against the lexicon.
        # A fallback search (any letter for any other) ends with many more
        # non-words, which must not crowd the words out of that check.
        ranked = sorted(best.items(), key=lambda r: -r[1])[:checked]
        if hasattr(lexicon, "valid_many"):  # one call for all (C where it is there)
            valid = lexicon.valid_many([out for out, _ in ranked])
        else:
            valid = [lexicon.is_valid(out) for out, _ in ranked]
        return [r for r, ok in zip(ranked, valid) if ok][:max_results]

    @staticmethod
    def _ranked_in_c(fast, options, lexicon, beam, margin, max_edits, max_generic, floor, checked):
        """What the rest of :meth:`_candidates` makes of the C search's
        readings -- each output once at its best log-probability, none below
        ``floor``, the ``checked`` best in order (ties in the order found),
        only the valid ones -- done inside the C search (``ocrfix._beam.ranked``):
        the same list, without a Python object for every reading the search
        ends with. Validity is settled there as :meth:`Lexicon.valid_many`
        settles it; a form that may be a compound (flag 2), or is not all
        letters, is left to ``lexicon.is_valid``. None where the C module (an
        older build) or the lexicon cannot do this."""
        validity = lexicon.validity_args() if hasattr(lexicon, "validity_args") else None
        ranked = getattr(_c_module(), "ranked", None)
        if validity is None or ranked is None:
            return None
        found = ranked(fast, options, beam, margin, max_edits, max_generic, lexicon.head_mask, floor, checked, validity)
        return [(out, lp) for out, lp, flag in found if flag == 1 or (flag == 2 and lexicon.is_valid(out))]

    def _options_along(self, ocr: str, settings: tuple, encoded: bool) -> list[list]:
        """:meth:`_options_at` of each position of ``ocr`` (``encoded``: the
        UTF-8 lists of the C search, else the text ones). Its cache is read
        here first: a search asks for every position of its token, and some
        15,000 searches of a report-length damaged text make the call itself
        count -- and so the look-up's key: the cache is one dictionary per
        settings and edge, keyed by the text ahead alone (a string's hash is
        kept; a tuple's was computed at every position)."""
        n, width, which = len(ocr), self.max_ocr_len, 1 if encoded else 0
        inside, at_edge = self._option_tables(settings)
        out = []
        for i in range(n):
            ahead = ocr[i : i + width]
            both = (at_edge if i == 0 or i == n - 1 else inside).get(ahead)
            if both is None:
                both = self._options_at(ahead, settings, i == 0 or i == n - 1)
            out.append(both[which])
        return out

    def _option_tables(self, settings: tuple) -> tuple[dict, dict]:
        """The cached options of these settings: (inside a token, at its first or last character)."""
        tables = self._option_cache.get(settings)
        if tables is None:
            tables = self._option_cache[settings] = ({}, {})
        return tables

    def _options_at(self, ahead: str, settings: tuple, edge: bool = False) -> tuple[list, list]:
        """The readings allowed where the OCR text continues with ``ahead``, as
        (text, UTF-8 for the C search, packed: :func:`_packed`); cached. The option tuples themselves
        are shared between positions (:meth:`_letter_options`,
        :meth:`_rule_options`), so a cached entry is two short lists of
        references. At an ``edge`` (a token's first or last character) a letter
        the OCR added costs what the engine's data say of edges.

        They depend on ``ahead`` only as far as a rule could read it
        (:meth:`_rule_reach`): the lists made for that beginning serve every
        text ahead that shares it (a new token's positions find theirs)."""
        inside, at_edge = self._option_tables(settings)
        table = at_edge if edge else inside
        cached = table.get(ahead)
        if cached is not None:
            return cached
        reach = self._rule_reach(ahead)
        both = table.get(reach)
        if both is None:
            first, rest = self._letter_options(reach[0], settings, edge)
            opts, encoded = list(first[0]), list(first[1])
            rules = self.rules
            for k in range(1, len(reach) + 1):
                if reach[:k] in rules:
                    more = self._rule_options(reach[:k], settings[0])
                    opts += more[0]
                    encoded += more[1]
            opts += rest[0]
            encoded += rest[1]
            both = (opts, _packed(encoded))
            self._cache_options(table, reach, both)
        if reach != ahead:
            self._cache_options(table, ahead, both)
        return both

    def _cache_options(self, table: dict, ahead: str, both: tuple[list, list]) -> None:
        """Remember one position's options; all are forgotten when OPTION_CACHE_SIZE are."""
        if self._options_cached >= OPTION_CACHE_SIZE:
            for tables in self._option_cache.values():  # (emptied in place: _options_along holds them)
                tables[0].clear()
                tables[1].clear()
            self._options_cached = 0
        table[ahead] = both
        self._options_cached += 1

    def _rule_reach(self, ahead: str) -> str:
        """``ahead`` as far as a rule may read it: its longest beginning (one
        character at least) that some rule's OCR side begins with. What is
        read at a position depends on nothing after that."""
        if self._rule_prefixes is None:
            self._rule_prefixes = frozenset(ocr[:k] for ocr in self.rules for k in range(1, len(ocr) + 1))
        prefixes, j = self._rule_prefixes, 1
        while j < len(ahead) and ahead[: j + 1] in prefixes:
            j += 1
        return ahead[:j]

    @staticmethod
    def _encoded(opts: list) -> tuple[tuple, tuple]:
        return tuple(opts), tuple((k, t.encode("utf-8"), lp, e, g) for k, t, lp, e, g in opts)

    def _letter_options(self, ch: str, settings: tuple, edge: bool = False) -> tuple[tuple, tuple]:
        """Options that depend on one OCR character alone: read as itself
        (first), and -- after the rules -- a lost letter inserted before it,
        debris dropped or standing for a letter, an unseen edit."""
        key = (ch, settings, edge)
        cached = self._letter_cache.get(key)
        if cached is not None:
            return cached
        min_rule_logp, any_generic, letter_generic = settings
        keep = self.keep_logp
        rest = [(1, truth + ch, rlp + keep(ch), 1, 0) for truth, rlp in self.insertions if rlp >= min_rule_logp]
        if ch not in SWEDISH_LETTERS and meaningful(ch):
            pass  # a digit or symbol: read as itself or by the rules, nothing else
        elif ch not in SWEDISH_LETTERS:
            # OCR debris: added by the engine, or -- if the table has no rule
            # saying what it stands for -- standing for any letter, at the rates
            # this engine shows (not counted as unseen edits)
            rest.append((1, "", self.dropped_logp(ch), 1, 0))
            if ch not in self.rules:
                rest.extend((1, letter, self.debris_sub, 1, 0) for letter in ALPHABET if letter != ch)
        elif any_generic:
            rest.append((1, "", self.edge_added if edge else self.generic, 1, 1))  # the OCR added this letter
            if letter_generic:  # a letter misread in a way the table has not seen
                rest.extend((1, letter, self.generic, 1, 1) for letter in ALPHABET if letter != ch)
        both = (self._encoded([(1, ch, keep(ch), 0, 0)]), self._encoded(rest))
        if len(self._letter_cache) >= OPTION_CACHE_SIZE:  # arbitrary Unicode: bounded too
            self._letter_cache.clear()
        self._letter_cache[key] = both
        return both

    def _rule_options(self, ocr: str, min_rule_logp: float) -> tuple[tuple, tuple]:
        """The table's readings of the OCR string ``ocr`` at least this likely."""
        key = (ocr, min_rule_logp)
        cached = self._rule_cache.get(key)
        if cached is None:  # bounded by the table's size
            cached = self._rule_cache[key] = self._encoded(
                [(len(ocr), truth, rlp, 1, 0) for truth, rlp in self.rules[ocr] if rlp >= min_rule_logp])
        return cached

    def _search(self, options, lexicon, n, beam, margin, max_edits, max_generic,
                floor=-math.inf) -> list[tuple[str, float]]:
        """The beam search in pure Python (the reference for ocrfix/_beam.c)."""
        has_prefix, is_head = lexicon.has_prefix, lexicon.is_head
        # hyps[i]: (output, start of its current compound part) -> (logp, edits, generic edits)
        hyps: list[dict[tuple[str, int], tuple[float, int, int]]] = [dict() for _ in range(n + 1)]
        hyps[0][("", 0)] = (0.0, 0, 0)
        for i in range(n):
            current = hyps[i]
            if not current:
                continue
            items = sorted(current.items(), key=lambda kv: -kv[1][0])
            cut = max(items[0][1][0] - margin, floor)
            for (out, ps), (lp, edits, gen) in items[:beam]:
                if lp < cut:
                    break
                self.work += 1
                part = out[ps:]
                head = None
                for k, t, olp, is_edit, is_gen in options[i]:
                    e = edits + is_edit
                    g = gen + is_gen
                    if e > max_edits or g > max_generic:
                        continue
                    nlp = lp + olp
                    slot = hyps[i + k]
                    if not t:
                        key = (out, ps)
                    elif has_prefix(part + t):
                        key = (out + t, ps)
                    else:
                        key = None
                    if key is not None:
                        old = slot.get(key)
                        if old is None or nlp > old[0]:
                            slot[key] = (nlp, e, g)
                    if t and len(part) >= 2:  # or start a new compound part with t
                        if head is None:
                            head = is_head(part)
                        if head and has_prefix(t):
                            key = (out + t, len(out))
                            old = slot.get(key)
                            if old is None or nlp > old[0]:
                                slot[key] = (nlp, e, g)
            hyps[i] = {}  # free memory as we go
        return [(out, lp) for (out, _ps), (lp, _e, _g) in hyps[n].items()]


def _packed(encoded: list):
    """A position's UTF-8 options packed for the C search (``ocrfix._beam.Options``:
    converted once, not at every search that reads them), or the list itself
    for a C module built before it."""
    pack = c_feature("Options")
    return pack(encoded) if pack is not None else encoded


def c_feature(name: str):
    """``ocrfix._beam.<name>``, or None without the C module (or an older
    build without it) or with ``OCRFIX_PURE_PYTHON`` set."""
    return None if os.environ.get("OCRFIX_PURE_PYTHON") else getattr(_c_module(), name, None)


def _c_channel():
    """``ocrfix._beam.channel`` (the C alignment), or None: :func:`c_feature`, looked up once."""
    global _CHANNEL
    if _CHANNEL is False:
        _CHANNEL = c_feature("channel")
    return _CHANNEL


_CHANNEL = False  # not looked up yet


def _c_module():
    """``ocrfix._beam``, or None without it: imported once (an import
    statement in the search's path cost a Python call per search)."""
    global _BEAM
    if _BEAM is False:
        try:
            from . import _beam as _BEAM
        except ImportError:
            _BEAM = None
    return _BEAM


_BEAM = False  # not imported yet


class CandidateLexicon:
    """What :meth:`ErrorModel.candidates` needs from a lexicon (a protocol)."""

    def has_prefix(self, s: str) -> bool:  # some form starts with s
        raise NotImplementedError

    def is_head(self, s: str) -> bool:  # s can be a non-final compound part
        raise NotImplementedError

    def is_valid(self, s: str) -> bool:  # s is a word (or valid compound)
        raise NotImplementedError

    head_mask: int = 0  # role bits that make a form a compound head (is_head)

    def fast_lexicons(self) -> list:  # optional: ocrfix._beam.Lexicon objects for the C search
        return []


def load_char_profiles(path: str | Path | None = None) -> dict[str, dict[str, float]]:
    """Per profile: log-probability of each character in that engine's output."""
    path = Path(path) if path else data_path("ocr_charfreq.tsv")
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or line.startswith("profile\t"):
                continue
            prof, ch, c = line.rstrip("\n").split("\t")
            counts[prof][ch] = int(c)
    alphabet = set().union(*(c.keys() for c in counts.values()))
    out: dict[str, dict[str, float]] = {}
    for prof, cs in counts.items():
        total = sum(cs.values()) + len(alphabet) + 1
        out[prof] = {ch: math.log((cs.get(ch, 0) + 1) / total) for ch in alphabet}
        out[prof][""] = math.log(1 / total)  # a character none of the profiles produced
    return out


def letter_chunks(text: str) -> str:
    """The runs of non-space characters of ``text`` that hold a letter, run
    together: what an engine's hand shows in (``6ppen``, ``hi)’g``). Numbers,
    dates and amounts (``2024-01-15``, ``95 077``) are the text's content,
    the same in any engine's output: a table of dates is no sign of the
    engine that prints ``6`` for ``ö``."""
    return "".join(chunk for chunk in text.split() if any(c.isalpha() for c in chunk))


def detect_profile(char_counts: dict[str, int], profiles: dict[str, dict[str, float]]) -> tuple[str, dict[str, float]]:
    """Which engine's output (or clean text) do these character counts look like?

    Returns the best profile and the mean log-likelihood per character of each.
    """
    total = sum(char_counts.values()) or 1
    scores = {}
    for prof, logp in profiles.items():
        unseen = logp[""]
        scores[prof] = sum(n * logp.get(ch, unseen) for ch, n in char_counts.items()) / total
    return max(scores, key=scores.get), scores
