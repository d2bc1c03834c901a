"""The Swedish lexicon at run time: validity, compounds, frequency priors.

:func:`load_lexicon` returns a :class:`Lexicon` backed by memory-mapped
tries compiled by :mod:`ocrfix.lexicon.build` and cached under the user
cache directory (``platformdirs.user_cache_dir("ocrfix")``, or
``$OCRFIX_CACHE_DIR``). The cache is rebuilt automatically when any input
changes (dictionary package, wordfreq version, domain data, expander code).

Everything is keyed by the lower-cased form; ``casing`` says how a form is
written when it is not written in lower case (proper names, acronyms).
"""
from __future__ import annotations

import json
import os
import pickle
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from .build import ABBREVIATION, CAPITALISED, CONTEXT_TYPES, DIACRITIC_OPTIONS, DOMAIN, HUNSPELL, LOWER, OTHER_CASE, RECORD_FORMAT, STANDALONE, WORDFREQ, standalone
from .hunspell import BEGIN, END, END_UCASE, MIDDLE, WORD

USER = 8  # sources bit for words given with --words

__all__ = ["Lexicon", "Entry", "load_lexicon", "cache_root", "HUNSPELL", "WORDFREQ", "DOMAIN", "USER"]


@dataclass(frozen=True, slots=True)
class Entry:
    roles: int
    zipf: float
    sources: int
    casing: int
    domain_count: int

    @property
    def is_word(self) -> bool:
        """Valid on its own: a Hunspell word, a domain word or a user word (user words have WORD)."""
        return standalone(self.roles, self.sources)


def cache_root() -> Path:
    env = os.environ.get("OCRFIX_CACHE_DIR")
    if env:
        return Path(env)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("ocrfix"))


# Longer "words" are never analysed as compounds: the longest Swedish words in
# real text have about 50 letters, and a 40,000-letter token of OCR debris
# would otherwise cost the compound search seconds and gigabytes.
MAX_COMPOUND_CHARS = 80
# Memo sizes (entries) for form lookups and compound analyses: enough for a
# 100-page report, bounded for an endless stream.
ENTRY_CACHE, COMPOUND_CACHE = 50_000, 25_000

class Lexicon:
    """Look-ups over the compiled lexicon plus user words."""

    def __init__(self, directory: Path, extra_words: Iterable[str] = ()) -> None:
        import marisa_trie

        self.directory = Path(directory)
        self._words = marisa_trie.RecordTrie(RECORD_FORMAT)
        self._words.mmap(str(self.directory / "words.marisa"))
        self._surfaces = marisa_trie.BytesTrie()
        self._surfaces.mmap(str(self.directory / "surface.marisa"))
        self.domain_bigrams = Bigrams(self.directory / "bigrams.marisa")
        self.general_bigrams = Bigrams(self.directory / "general.marisa")
        self.meta = json.loads((self.directory / "meta.json").read_text(encoding="utf-8"))
        self.domain_total = max(self.meta.get("domain_total", 0), 1)
        self._user: dict[str, str] = {}
        self._frequent_index: dict[str, list[str]] | None = None  # see frequent_neighbours
        for w in extra_words:
            self._user.setdefault(w.lower(), w)
        self._checker = None
        self._part_pairs: tuple[tuple[int, int], ...] | None = None
        self._fast: list | None = None
        self._chars = None
        self._frequent_words = None
        self._english: frozenset[str] | None = None
        self._could_compound = None
        self._in_table = None  # see _entry
        self._pre_check_args: tuple[int, int, int, int, int, int] | None = None
        self._validity_args: tuple[int, ...] | None = None
        # every character of the forms (empty for a cache without the list: no shortcut)
        key_chars = self.meta.get("key_chars", "")
        self._key_chars = frozenset(key_chars).union(*self._user) if key_chars else frozenset()
        if self.fast_lexicons():
            from .._beam import could_compound

            self._could_compound = could_compound
        self.entry = lru_cache(maxsize=ENTRY_CACHE)(self._entry)
        self.compound_parts = lru_cache(maxsize=COMPOUND_CACHE)(self._compound_parts)
        self.surface = lru_cache(maxsize=ENTRY_CACHE)(self._surface)
        self._diacritic_words = lru_cache(maxsize=COMPOUND_CACHE)(self._diacritic_spellings)

    # -- single forms ------------------------------------------------------
    def _entry(self, lower: str) -> Entry | None:
        # Most forms asked for are no key (compound parts tried, garbles): the
        # C copy of the keys says so for a fraction of the trie's look-up. (A
        # NUL is left to the trie, which answers it its own way.)
        if self._in_table is not None and "\x00" not in lower and not self._in_table(lower.encode("utf-8")):
            found = None
        else:
            found = self._words.get(lower)
        user = lower in self._user
        if not found:
            if not user:
                return None
            return Entry(WORD, 3.0, USER, _casing_of(self._user[lower]), 0)
        roles, zipf100, sources, casing, dcount = found[0]
        if user:
            sources |= USER
            roles |= WORD
        return Entry(roles, zipf100 / 100.0, sources, casing, dcount)

    def roles(self, form: str) -> int:
        e = self.entry(form.lower())
        return e.roles if e else 0

    def is_word(self, word: str) -> bool:
        """A known word (any capitalisation), not counting compounds."""
        e = self.entry(word.lower())
        return e is not None and e.is_word

    def is_abbreviation(self, lower: str) -> bool:
        """A form only the abbreviation list makes a word (``dnr``, ``tabl``, ``fom``; not ``mån``)."""
        e = self.entry(lower)
        return e is not None and bool(e.sources & ABBREVIATION) and not e.sources & (HUNSPELL | DOMAIN | USER)

    def is_valid(self, word: str) -> bool:
        """A known word or a valid Hunspell compound."""
        return self.is_word(word) or self.compound_parts(word.lower()) is not None

    def zipf(self, word: str) -> float:
        e = self.entry(word.lower())
        return e.zipf if e else 0.0

    def has_prefix(self, prefix: str) -> bool:
        """Is ``prefix`` (lower case) the beginning of some known form?"""
        if next(self._words.iterkeys(prefix), None) is not None:
            return True
        return bool(self._user) and any(u.startswith(prefix) for u in self._user)

    def diacritic_words(self, word: str, limit: int = 6) -> list[str]:
        """The spellings of ``word`` with å or ä for a and ö for o
        (:func:`~ocrfix.lexicon.build.diacritic_spellings`, in its order) that
        are words (:meth:`is_word`). Grown a varied letter at a time, keeping
        only the spellings some known form begins with: most of the up to 3^k
        spellings die at their first varied letter, so a part of a glued token
        (see ``split``) costs a few prefix look-ups, not a look-up of each.
        Remembered (the same parts recur: ``split`` tries every cut of every
        unknown token)."""
        return list(self._diacritic_words(word, limit))

    def _diacritic_spellings(self, word: str, limit: int) -> tuple[str, ...]:
        """:meth:`diacritic_words`, as a tuple (to be remembered)."""
        fast = self.fast_lexicons()
        if len(fast) == 1:  # the C table holds the same keys (no user words)
            prefix_in = fast[0].has_prefix
            known_prefix = lambda p: prefix_in(p.encode("utf-8"))  # noqa: E731
        elif fast:  # ... and the user words in a table of their own
            known_prefix = lambda p: any(f.has_prefix(p.encode("utf-8")) for f in fast)  # noqa: E731
        else:
            known_prefix = self.has_prefix
        forms = [""]
        varied = 0
        for c in word:
            options = DIACRITIC_OPTIONS.get(c, c) if varied < limit else c
            if len(options) > 1:
                varied += 1
                forms = [f + o for f in forms for o in options if known_prefix(f + o)]
                if not forms:
                    return ()
            else:
                forms = [f + c for f in forms]
        return tuple(f for f in forms if self.is_word(f))

    def _surface(self, lower: str) -> str:
        """How a lower-cased form is written when in running text (``sol`` -> ``sol``, ``lss`` -> ``LSS``).
        Remembered as :meth:`surface`: ``words`` asks it of every reading of a lower-case token."""
        if lower in self._user:
            return self._user[lower]
        e = self.entry(lower)
        if e is None or e.casing == LOWER:
            return lower
        if e.casing == CAPITALISED:
            return lower[:1].upper() + lower[1:]
        found = self._surfaces.get(lower)
        return found[0].decode("utf-8") if found else lower

    def frequent_words(self):
        """The most frequent words for fuzzy look-ups (:class:`ocrfix.fuzzy.FrequentWords`, loaded on first use)."""
        if self._frequent_words is None:
            from ..fuzzy import FrequentWords

            self._frequent_words = FrequentWords.load(self.directory)
        return self._frequent_words

    def english_words(self) -> frozenset[str]:
        """Frequent English words that are no Swedish word (build.english_words; loaded on first use)."""
        if self._english is None:
            path = self.directory / "english.txt"
            self._english = frozenset(path.read_text(encoding="utf-8").split()) if path.exists() else frozenset()
        return self._english

    def char_model(self):
        """The character trigram model of the word forms (None for an old cache)."""
        if self._chars is None:
            from ..charmodel import CharModel

            path = self.directory / "chars.pickle"
            self._chars = CharModel.load(path) if path.exists() else False
        return self._chars or None

    # -- the optional C search ------------------------------------------------
    def fast_lexicons(self) -> list:
        """``ocrfix._beam.Lexicon`` objects over the same keys (and user words), or [] without the C module."""
        if self._fast is None:
            self._fast = []
            if os.environ.get("OCRFIX_PURE_PYTHON"):
                return self._fast
            try:
                from .. import _beam
            except ImportError:
                return self._fast
            import mmap

            if self.meta.get("forms"):  # (an empty file cannot be mapped)
                views = []
                for name in ("keys.bin", "offsets.bin", "roles.bin"):
                    with open(self.directory / name, "rb") as f:
                        views.append(mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ))
                self._fast.append(_beam.Lexicon(*views))
                self._in_table = getattr(self._fast[0], "contains", None)  # (an older build has no contains)
            if self._user:
                from array import array

                keys = sorted(k.encode("utf-8") for k in self._user)
                offsets = array("I", [0])
                for k in keys:
                    offsets.append(offsets[-1] + len(k))
                self._fast.append(_beam.Lexicon(b"".join(keys) or b"\0", offsets.tobytes(),
                                                array("I", [WORD | STANDALONE] * len(keys)).tobytes()))
        return self._fast

    # -- compounds -----------------------------------------------------------
    @property
    def compound_part_pairs(self) -> tuple[tuple[int, int], ...]:
        """Role bits that let two words form a compound together (:func:`hunspell.compound_part_pairs`)."""
        if self._part_pairs is None:
            from .hunspell import compound_part_pairs

            self._part_pairs = compound_part_pairs(self.checker.settings)
        return self._part_pairs

    @property
    def checker(self):
        if self._checker is None:
            from .hunspell import CompoundChecker

            settings_path = self.directory / "compound_settings.pickle"
            settings = pickle.loads(settings_path.read_bytes())
            self.fast_lexicons()  # (the C copy of the keys, if there is one, for key_roles)
            self._checker = CompoundChecker(self.key_roles if self._in_table is not None else self.roles, settings)
        return self._checker

    def key_roles(self, form: str) -> int:
        """:meth:`roles`, read off the C copy of the keys: roles.bin holds each
        key's roles and the STANDALONE bit, the user words' table WORD (as
        :meth:`_entry` adds it). For the compound check, which asks for some
        25 parts of each form it splits, most of them asked once: no memo of
        entries (a miss of which cost more than this whole look-up)."""
        lower = form.lower()
        if "\x00" in lower:  # (left to the trie, see _entry)
            return self.roles(form)
        key, found = lower.encode("utf-8"), 0  # (a lone surrogate raises here as in _entry)
        for table in self._fast:
            found |= table.roles(key)
        return found & ~STANDALONE

    def valid_many(self, lowers: list[str]) -> list[bool]:
        """:meth:`is_valid` of many lower-cased forms, in one call to the C
        look-up where it is there: a form that is a word, or that no split into
        compound parts by roles could make valid, is settled in C; only the
        few that may be compounds go through the Python compound check."""
        if self._could_compound is None:
            return [self.is_valid(w) for w in lowers]
        from .._beam import check_words

        alpha = [w for w in lowers if w.isalpha()]
        flags = dict(zip(alpha, check_words(self.fast_lexicons(), [w.encode("utf-8") for w in alpha],
                                            *self.validity_args())))
        return [flags[w] == 1 or (flags[w] == 2 and self.is_valid(w)) if w in flags else self.is_valid(w) for w in lowers]

    def validity_args(self) -> tuple[int, ...] | None:
        """The arguments of the C validity test (``ocrfix._beam.check_words``
        and ``ranked``): the standalone role bit, the compound pre-check's
        (:meth:`compound_pre_check_args`) and the lengths of a compound; None
        without the C module."""
        if self._could_compound is None:
            return None
        if self._validity_args is None:
            self._validity_args = (STANDALONE, *self.compound_pre_check_args(), 4, MAX_COMPOUND_CHARS)
        return self._validity_args

    def compound_pre_check_args(self) -> tuple[int, int, int, int, int, int]:
        """The arguments of the C pre-check of compounds: the role masks of a
        first, middle and last part, the COMPOUNDRULE bits (a split whose
        parts all carry one may be a rule compound; the rules' order is left
        to the full check), the shortest part and the most parts."""
        if self._pre_check_args is None:
            st = self.checker.settings
            self._pre_check_args = (BEGIN, MIDDLE, END | END_UCASE, self.checker.rule_mask,
                                    max(st.min_len, 1), min(st.max_words or 32, 32))
        return self._pre_check_args

    def _compound_parts(self, lower: str) -> tuple[str, ...] | None:
        if not 4 <= len(lower) <= MAX_COMPOUND_CHARS:  # the split search is quadratic in the length
            return None
        if self._key_chars and not lower.isalpha() and not self._key_chars.issuperset(lower):
            return None  # a character no word has (`utveck[ing`): no compound either
        if self._could_compound is not None and (lower.isalpha() or self._key_chars):
            # the C pre-check: no BEGIN ... END split by roles means no compound -- for
            # a form of other characters too, once they are all characters of the keys
            # (`f6rsorjningsstödet`, `fb'waltningar`: most garbles the search reads)
            if not self._could_compound(self.fast_lexicons(), lower.encode("utf-8"), *self.compound_pre_check_args()):
                return None
        parts = self.checker.split(lower)
        return tuple(parts) if parts else None

    # -- context ---------------------------------------------------------------
    def frequent_neighbours(self, token: str) -> list[str]:
        """The most frequent words (``meta["frequent"]``, from wordfreq) one
        edit -- a letter added, lost or changed -- away from ``token``."""
        index = self._frequent_index
        if index is None:  # each word under itself and under each of its one-letter deletions
            index = self._frequent_index = {}
            for w in self.meta.get("frequent", ()):
                for key in _with_deletions(w):
                    index.setdefault(key, []).append(w)
        found = {w for key in _with_deletions(token) for w in index.get(key, ())}
        from rapidfuzz.distance import Levenshtein

        return [w for w in found if Levenshtein.distance(w, token) == 1]

    def domain_count(self, lower: str) -> int:
        e = self.entry(lower)
        return e.domain_count if e else 0


class Bigrams:
    """Word-pair counts of one corpus (lower-cased; ``<s>``, ``<num>``, ``<year>``
    as pseudo-words), memory-mapped from the compiled lexicon."""

    def __init__(self, path: Path) -> None:
        import marisa_trie

        self._trie = marisa_trie.RecordTrie("<I")
        if path.exists():
            self._trie.mmap(str(path))
        self.context_count = lru_cache(maxsize=ENTRY_CACHE)(self._context_count)
        self.continuations = lru_cache(maxsize=ENTRY_CACHE)(self._continuations)

    def count(self, first: str, second: str) -> int:
        found = self._trie.get(f"{first}\t{second}")
        return found[0][0] if found else 0

    def _context_count(self, first: str) -> int:
        """How often ``first`` opens a pair (its count as a context)."""
        found = self._trie.get(first + "\t")
        return found[0][0] if found else 0

    def _continuations(self, first: str) -> int:
        """How many different words follow ``first``."""
        return self.count(first, CONTEXT_TYPES)


def _with_deletions(word: str) -> set[str]:
    """``word`` and each string it becomes with one character deleted."""
    return {word, *(word[:i] + word[i + 1:] for i in range(len(word)))}


def _casing_of(form: str) -> int:
    if form.islower():
        return LOWER
    return CAPITALISED if form[:1].isupper() and form[1:].islower() else OTHER_CASE


def lexicon_dir(cache_dir: Path | None = None, **inputs: bool) -> Path:
    from .build import fingerprint_key, input_fingerprint

    parts = input_fingerprint(**inputs)
    return (cache_dir or cache_root()) / f"lexicon-{fingerprint_key(parts)}"


def ensure_built(cache_dir: Path | None = None, **inputs: bool) -> Path:
    """The compiled lexicon directory for the current inputs, building it if needed."""
    directory = lexicon_dir(cache_dir, **inputs)
    if not (directory / "meta.json").exists():
        from .build import build

        build(directory, **inputs)
    settings = directory / "compound_settings.pickle"
    if not settings.exists():
        _write_settings(settings)
    return directory


def _write_settings(path: Path) -> None:
    from .hunspell import CompoundSettings, find_dictionary

    try:
        aff, _ = find_dictionary()
        settings = CompoundSettings.from_aff(aff)
    except FileNotFoundError:
        settings = CompoundSettings()
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_bytes(pickle.dumps(settings))
    os.replace(tmp, path)


def load_lexicon(cache_dir: Path | None = None, extra_words: Iterable[str] = (), **inputs: bool) -> Lexicon:
    return Lexicon(ensure_built(cache_dir, **inputs), extra_words)
