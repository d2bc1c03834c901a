#!/usr/bin/env python3
"""How many split/join/hyphenation errors does ocrfix remove?

    python benchmarks/token_repair.py [--folder ../shared/bench/tesseract-dev]

Counting: OCR (or corrected) text and ground truth are split into words on
white space and aligned with Levenshtein over word lists; every aligned
region in which the number of words differs is a spacing error, and it
counts |words out - words in truth| (``moj [igt`` for ``möjligt``: 1;
``ien`` for ``i en``: 1; ``verk- samheten`` for ``verksamheten``: 1).
Regions with markup (``</p>``) or a token without a letter on either side
are left out: they are layout, not words torn or glued.
Default mode is scored against NAME.gt.txt (hyphenation kept: a broken word
counts as an error only if its pieces are wrong in number), and
``join_lines`` mode against NAME.gt_joined.txt, where every layout
hyphenation the output keeps is an error.

NAME.gt_joined.txt joins *every* line-end hyphen, also the real hyphens of
the source (``barn-⏎och ungdomsvården`` -> ``barnoch``, ``Hälso-⏎/sjukvård``
-> ``Hälso/sjukvård``), so keeping a real hyphen counts as an error there.
A third figure therefore scores against the typeset text joined the way the
source reports (``../shared/seeds``) write each broken word: ``X- Y``, ``X-Y``
or ``XY``, whichever the source contains (``XY`` if none).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import regex

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ocrfix import Pipeline  # noqa: E402
from ocrfix.evaluate import load_pages, merged_blocks, norm  # noqa: E402


def spacing_errors(text: str, truth: str) -> int:
    tw, gw = norm(text).split(" "), norm(truth).split(" ")
    blocks = merged_blocks(tw, gw)
    def wordy(tokens: list[str]) -> bool:
        return all(any(ch.isalpha() for ch in t) and "<" not in t and ">" not in t for t in tokens)

    return sum(abs((b - a) - (d - c)) for a, b, c, d in blocks if wordy(tw[a:b]) and wordy(gw[c:d]))


_LINE_END_BREAK = regex.compile(r"(\S+)-\n(\S+)")


def source_text(seeds: Path) -> str:
    """The clean source reports, white space collapsed (for looking up how a word is written)."""
    return " ".join(" ".join(p.read_text(encoding="utf-8").split()) for p in sorted(seeds.glob("*.txt"))
                    if "garbled" not in p.name)


def joined_as_in_source(typeset: str, source: str) -> str:
    """``typeset`` (NAME.gt.txt) with each line-end break joined as the source writes the word."""
    def join(m) -> str:
        x, y = m.group(1), m.group(2)
        for form in (f"{x}- {y}", f"{x}-{y}"):
            if form in source:
                return form
        return x + y
    return _LINE_END_BREAK.sub(join, typeset)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--folder", default=str(ROOT.parent / "shared" / "bench" / "tesseract-dev"))
    args = ap.parse_args()
    seeds = Path(args.folder).resolve().parent.parent / "seeds"
    for joined in (False, True):
        pipeline = Pipeline(join_lines=joined)
        samples = load_pages(args.folder, joined=joined)
        outputs = [pipeline.fix(s.ocr) for s in samples]
        report("--join-lines vs gt_joined" if joined else "default vs gt", samples, outputs, lambda s: s.gold)
        if joined and seeds.is_dir():
            source = source_text(seeds)
            typeset = {s.name: s.gold for s in load_pages(args.folder)}
            report("--join-lines vs source joins", samples, outputs,
                   lambda s: joined_as_in_source(typeset[s.name], source))


def report(mode: str, samples, outputs: list[str], gold_of) -> None:
    """Spacing errors before and after, S4 apart from the other settings."""
    counts: dict[str, list[int]] = {}
    for s, out in zip(samples, outputs):
        gold = gold_of(s)
        c = counts.setdefault("S4" if s.setting == "S4" else "S1235", [0, 0])
        c[0] += spacing_errors(s.ocr, gold)
        c[1] += spacing_errors(out, gold)
    for group, (before, after) in sorted(counts.items()):
        print(f"{mode:30} {group:6} spacing errors before {before:5}  after {after:5}  removed {1 - after / max(before, 1):.1%}")


if __name__ == "__main__":
    main()
