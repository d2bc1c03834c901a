"""Fuzzy look-up of heavily garbled tokens among the most frequent words.

The error model's candidate search reads a token through learned
confusions, with at most one confusion it has never seen. A token garbled
more than that (``budgeiförutsattnngar``, ``personakesuner``,
``sannerkas``) gets no reading, or only a poor one. For such tokens
:class:`FrequentWords` proposes the frequent words most similar to it
(rapidfuzz's ``ratio`` on folded forms: diacritics dropped, OCR look-alikes
mapped to letters, see :meth:`ocrfix.errormodel.ErrorModel.fold`); the
engine then scores each by the error model's full alignment and keeps only
those it explains well enough, and the ranking decides as for any reading.

It only proposes: what it refuses is decided by the caller (valid words and
short tokens are never looked up, see ``ocrfix.engine``).

A garble keeps its first letter or its last two far more often than
neither, so a token is compared only with the words that begin as it
begins and those that end as it ends: two slices of the pool, kept in two
orders by the lexicon build (``fuzzy_pool.txt`` sorted by folded form,
``fuzzy_pool_ends.bin`` the positions in the order of folded forms read
backwards), about three times faster than comparing with all of it, with
the same results on the dev sets. Of those slices only the words that may
be similar enough are compared (:func:`near`, a C prefilter).
"""
from __future__ import annotations

from array import array
from bisect import bisect_left
from pathlib import Path

# Plain letters for the pool's words (all alphabetic): the OCR side is folded
# by the engine's own table, whose letters agree with this.
PLAIN = tuple(zip("åäöéèüàáâ", "aaoeeuaaa"))
POOL_FILES = ("fuzzy_pool.txt", "fuzzy_pool_ends.bin")
_AFTER = "\U0010ffff"  # sorts after any continuation


def fold_plain(text: str) -> str:
    """Diacritics dropped (``str.replace`` per letter: many times faster than
    ``str.translate`` on a megabyte of non-ASCII text)."""
    for accented, plain in PLAIN:
        text = text.replace(accented, plain)
    return text


def new_pool():
    """An empty ``ocrfix._beam.NearPool`` (the strings of :func:`near`'s
    prefilter), or None without the C module or with ``OCRFIX_PURE_PYTHON`` set."""
    from .errormodel import c_feature

    cls = c_feature("NearPool")
    return cls() if cls is not None else None


def near(pool, query: str, lo: int, hi: int, order=None, min_ratio: float = 0.0) -> list[int]:
    """The positions ``j`` in ``lo``..``hi`` whose string (the ``order[j]``-th
    of ``pool``, or the ``j``-th without ``order``) may be at least
    ``min_ratio`` similar to ``query`` by rapidfuzz's ``fuzz.ratio``, in order:
    the C prefilter (exact LCS bounds), which keeps every string the scorer
    would accept, so that the scorer run on those alone finds what it finds
    on all; every position without a pool (None: see :func:`new_pool`) or for
    a query too long for it."""
    kept = pool.near(query, lo, hi, order, min_ratio) if pool is not None else None
    return list(range(lo, hi)) if kept is None else kept


def write_pool(directory: Path, words: list[str]) -> None:
    """The pool sorted by folded form, and the order by folded form read
    backwards as positions into it (uint32), see the module docstring."""
    by_start = sorted(words, key=lambda w: (fold_plain(w), w))
    ends = array("I", sorted(range(len(by_start)), key=lambda i: fold_plain(by_start[i])[::-1]))
    (directory / POOL_FILES[0]).write_text("\n".join(by_start), encoding="utf-8")
    (directory / POOL_FILES[1]).write_bytes(ends.tobytes())


class FrequentWords:
    def __init__(self, text: str = "", ends: bytes = b"") -> None:
        """The pool as written by :func:`write_pool`: newline-separated words, and the end order."""
        self._words = text.split("\n") if text else []
        folded = fold_plain(text)
        keys = folded.split("\n") if text else []
        # a word without diacritics is its own key: one string, not two
        self._keys = [w if k == w else k for w, k in zip(self._words, keys)]
        self._ends = array("I")
        self._ends.frombytes(ends)
        if len(self._ends) != len(self._words):
            self._words, self._keys, self._ends = [], [], array("I")
        self._pool = new_pool()  # the keys again, for the prefilter (see near)
        if self._pool is not None and self._keys:
            self._pool.add_lines(folded)

    @classmethod
    def load(cls, directory: Path) -> "FrequentWords":
        """The pool written by the lexicon build (empty if its files are missing)."""
        try:
            return cls((directory / POOL_FILES[0]).read_text(encoding="utf-8"), (directory / POOL_FILES[1]).read_bytes())
        except OSError:
            return cls()

    def similar(self, folded_token: str, min_ratio: float, limit: int) -> list[str]:
        """Up to ``limit`` words whose folded form is at least ``min_ratio``
        (0-100) similar to ``folded_token``, most similar first."""
        if not folded_token or not self._words:
            return []
        from rapidfuzz import fuzz, process

        keys, ends = self._keys, self._ends
        first, last = folded_token[:1], folded_token[-2:][::-1]
        a, b = bisect_left(keys, first), bisect_left(keys, first + _AFTER)
        backwards = keys.__getitem__
        c = bisect_left(ends, last, key=lambda i: backwards(i)[::-1])
        d = bisect_left(ends, last + _AFTER, key=lambda i: backwards(i)[::-1])
        # the words that begin as the token does, then those that end as it does (positions into the pool)
        picked = near(self._pool, folded_token, a, b, None, min_ratio)
        picked += [ends[j] for j in near(self._pool, folded_token, c, d, ends, min_ratio)]
        found = process.extract(folded_token, [keys[i] for i in picked], scorer=fuzz.ratio, score_cutoff=min_ratio,
                                limit=2 * limit)
        out: list[str] = []
        for _, _, k in found:  # a word that begins and ends alike comes twice
            word = self._words[picked[k]]
            if word not in out:
                out.append(word)
        return out[:limit]
