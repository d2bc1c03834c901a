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
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--folder", default=str(ROOT.parent / "shared" / "bench" / "tesseract-dev"))
    args = ap.parse_args()
    for joined in (False, True):
        pipeline = Pipeline(join_lines=joined)
        counts: dict[str, list[int]] = {}
        for s in load_pages(args.folder, joined=joined):
            group = "S4" if s.setting == "S4" else "S1235"
            c = counts.setdefault(group, [0, 0])
            c[0] += spacing_errors(s.ocr, s.gold)
            c[1] += spacing_errors(pipeline.fix(s.ocr), s.gold)
        mode = "--join-lines vs gt_joined" if joined else "default vs gt"
        for group, (before, after) in sorted(counts.items()):
            print(f"{mode:28} {group:6} spacing errors before {before:5}  after {after:5}  removed {1 - after / max(before, 1):.1%}")


if __name__ == "__main__":
    main()
