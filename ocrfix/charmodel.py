"""A character trigram model of Swedish word forms: how plausible is a string
the lexicon does not know?

An unknown token may be a real word (a name, a neologism) or OCR garbage.
``Joar`` and ``personaltätthet`` look like Swedish; ``féwaltningen`` and
``[égkovy’unktw`` do not. The model gives log P(string) under a trigram
model of the letters of the lexicon's word forms (each form counted once),
with word boundaries, so the ranker can give an unknown token a prior that
fits how word-like it is.
"""
from __future__ import annotations

import math
import pickle
from collections import Counter
from pathlib import Path
from typing import Iterable

BOUNDARY = "\x02"  # marks the start and end of a word
ALPHA = 0.1        # additive smoothing
VOCABULARY = 64    # characters assumed possible (for smoothing)
MAX_REMEMBERED_TRIGRAMS = 200_000  # log-probabilities kept (memory stays flat on endless garbage)


class CharModel:
    def __init__(self, trigrams: dict[str, int], contexts: dict[str, int]) -> None:
        self.trigrams = trigrams
        self.contexts = contexts
        self._logp_of: dict[str, float] = {}  # trigram -> its log-probability, filled as met

    @classmethod
    def train(cls, words: Iterable[str]) -> "CharModel":
        tri: Counter[str] = Counter()
        ctx: Counter[str] = Counter()
        for w in words:
            s = BOUNDARY * 2 + w + BOUNDARY
            for i in range(2, len(s)):
                tri[s[i - 2 : i + 1]] += 1
                ctx[s[i - 2 : i]] += 1
        return cls(dict(tri), dict(ctx))

    def save(self, path: Path) -> None:
        path.write_bytes(pickle.dumps((self.trigrams, self.contexts), protocol=pickle.HIGHEST_PROTOCOL))

    @classmethod
    def load(cls, path: Path) -> "CharModel":
        tri, ctx = pickle.loads(path.read_bytes())
        return cls(tri, ctx)

    def logp(self, word: str) -> float:
        """log P(word) (natural log), word lower case."""
        s = BOUNDARY * 2 + word + BOUNDARY
        known = self._logp_of
        total = 0.0
        for i in range(2, len(s)):
            g = s[i - 2 : i + 1]
            lp = known.get(g)
            if lp is None:
                lp = self._trigram_logp(g)
                if len(known) < MAX_REMEMBERED_TRIGRAMS:
                    known[g] = lp
            total += lp
        return total

    def _trigram_logp(self, g: str) -> float:
        """log P(last character | the two before it), smoothed."""
        c = self.contexts.get(g[:2], 0)
        t = self.trigrams.get(g, 0)
        return math.log((t + ALPHA) / (c + ALPHA * VOCABULARY))
