"""Edits: what a corrector proposes, and how proposals become text.

An :class:`Edit` replaces ``text[start:end]`` (which must equal ``before``)
with ``after``. Offsets are relative to the text the corrector was given.
:func:`select` keeps a non-overlapping subset (highest confidence first) and
:func:`apply` writes them; everything outside the selected spans is copied
byte for byte.

Replay: the pipeline logs edits step by step, each step's offsets relative
to that step's input. Applying each step's edits with :func:`apply`, in step
order, turns the input into the output exactly (:func:`replay`).
"""
from __future__ import annotations

from bisect import bisect_left, insort
from dataclasses import asdict, dataclass, replace
from math import inf
from typing import Iterable, Sequence


@dataclass(frozen=True, slots=True)
class Edit:
    """One proposed or applied change.

    start, end   span in the step's input text (character offsets)
    before       the text in that span
    after        the replacement
    corrector    name of the corrector that proposed it
    confidence   0..1; the pipeline drops edits below ``min_confidence``. For
                 the word-level correctors: the probability of the new text
                 against the old, P(after) / (P(after) + P(before))
    reason       short human-readable justification
    score        the corrector's raw score (e.g. log-odds), for audits
    line, column 1-based position of ``start`` in the step's input (filled in
                 by the pipeline; line numbers are stable across steps because
                 line count is preserved)
    step         0-based index of the pipeline step (filled in by the pipeline)
    """

    start: int
    end: int
    before: str
    after: str
    corrector: str
    confidence: float = 1.0
    reason: str = ""
    score: float = 0.0
    line: int = 0
    column: int = 0
    step: int = 0

    def shifted(self, delta: int, **changes) -> "Edit":
        return replace(self, start=self.start + delta, end=self.end + delta, **changes)

    def to_dict(self) -> dict:
        return asdict(self)


def select(edits: Iterable[Edit], min_confidence: float = 0.0) -> list[Edit]:
    """Non-overlapping edits, preferring higher confidence, sorted by position.

    Edits below ``min_confidence`` and no-op edits are dropped. Ties are broken
    by position so the result is deterministic.
    """
    candidates = [e for e in edits if e.confidence >= min_confidence and e.before != e.after]
    candidates.sort(key=lambda e: (-e.confidence, e.start, e.end, e.after))
    chosen: list[Edit] = []
    # The spans taken so far, sorted. They never overlap each other, so sorted
    # by (start, end) their ends are non-decreasing too: of the spans starting
    # before e.end, the last one reaches furthest, and e overlaps a taken span
    # iff that one ends after e.start. One bisection per candidate keeps this
    # O(n log n); comparing with every taken span (as before) made a block
    # with 10^4-10^5 edits (a decomposed or badly garbled page) take minutes.
    taken: list[tuple[int, int]] = []
    insertions: set[int] = set()  # points of zero-width edits taken
    for e in candidates:
        i = bisect_left(taken, (e.end, -inf))  # taken[:i] start before e.end
        if i and taken[i - 1][1] > e.start:
            continue
        # Two insertions at the same point would be ambiguous; keep the first.
        if e.start == e.end:
            if e.start in insertions:
                continue
            insertions.add(e.start)
        chosen.append(e)
        insort(taken, (e.start, e.end))
    chosen.sort(key=lambda e: (e.start, e.end))
    return chosen


def apply(text: str, edits: Sequence[Edit]) -> str:
    """Apply non-overlapping, position-sorted edits to ``text``.

    Raises ``ValueError`` if an edit's ``before`` does not match the text, so
    a stale or corrupted edit can never silently damage a document.
    """
    out: list[str] = []
    pos = 0
    for e in edits:
        # A reversed or out-of-range span could pass the ``before`` check
        # (``text[5:3] == ""``) and then duplicate or misplace text.
        if not 0 <= e.start <= e.end <= len(text):
            raise ValueError(f"edit span {e.start}-{e.end} is not inside the text (length {len(text)})")
        if e.start < pos:
            raise ValueError(f"overlapping edit at {e.start}")
        if text[e.start : e.end] != e.before:
            raise ValueError(f"edit at {e.start} expects {e.before!r}, text has {text[e.start:e.end]!r}")
        out.append(text[pos : e.start])
        out.append(e.after)
        pos = e.end
    out.append(text[pos:])
    return "".join(out)


def replay(text: str, edits: Iterable[Edit]) -> str:
    """Re-apply a logged edit list (as produced by the pipeline) to its input."""
    by_step: dict[int, list[Edit]] = {}
    for e in edits:
        by_step.setdefault(e.step, []).append(e)
    for step in sorted(by_step):
        text = apply(text, sorted(by_step[step], key=lambda e: (e.start, e.end)))
    return text


def _is_space(ch: str) -> bool:
    return ch.isspace()


def edits_from_rewrite(
    old: str,
    new: str,
    offset: int,
    corrector: str,
    confidence: float = 1.0,
    reason: str = "",
    score: float = 0.0,
    max_diff: int = 10_000,
) -> list[Edit]:
    """Express the rewrite ``old`` -> ``new`` as word-sized edits.

    For correctors that transform a whole line or chunk at once (Unicode
    normalisation, font-map repair). Changed regions are widened to the
    white-space-delimited chunks that contain them, so the edit log says
    ``Ã¤r -> är``, not ``Ã¤ -> ä``. ``offset`` is where ``old`` starts in the
    step's text. A changed middle longer than ``max_diff`` becomes one edit
    rather than being aligned character by character.
    """
    if old == new:
        return []
    # Trim the common prefix and suffix, then widen to chunk boundaries.
    p = 0
    limit = min(len(old), len(new))
    while p < limit and old[p] == new[p]:
        p += 1
    s = 0
    while s < limit - p and old[-1 - s] == new[-1 - s]:
        s += 1
    a0, a1, b0, b1 = p, len(old) - s, p, len(new) - s
    regions: list[tuple[int, int, int, int]]
    if a1 - a0 > max_diff or b1 - b0 > max_diff:
        regions = [(a0, a1, b0, b1)]
    else:
        from rapidfuzz.distance import Levenshtein

        regions = [
            (a0 + op.src_start, a0 + op.src_end, b0 + op.dest_start, b0 + op.dest_end)
            for op in Levenshtein.opcodes(old[a0:a1], new[b0:b1])
            if op.tag != "equal"
        ]
    edits: list[Edit] = []
    group: list[int] | None = None
    for i1, i2, j1, j2 in regions:
        if group is not None and not any(_is_space(c) for c in old[group[1] : i1]):
            group[1], group[3] = i2, j2
            continue
        if group is not None:
            edits.append(_widened(old, new, group, offset, corrector, confidence, reason, score))
        group = [i1, i2, j1, j2]
    if group is not None:
        edits.append(_widened(old, new, group, offset, corrector, confidence, reason, score))
    # Groups are separated by white space, and widening stops at white space,
    # so the widened edits never overlap.
    return edits


def _widened(old, new, group, offset, corrector, confidence, reason, score) -> Edit:
    i1, i2, j1, j2 = group
    while i1 > 0 and not _is_space(old[i1 - 1]):
        i1 -= 1
        j1 -= 1
    while i2 < len(old) and not _is_space(old[i2]):
        i2 += 1
        j2 += 1
    return Edit(offset + i1, offset + i2, old[i1:i2], new[j1:j2], corrector, confidence, reason, score)
