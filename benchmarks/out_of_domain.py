#!/usr/bin/env python3
"""Correction outside the social-services reports: the harm corpus, garbled.

    python benchmarks/out_of_domain.py [REPO_ROOT] [--seeds 1,2]

The 52 clean documents of ``harm_corpus/cases`` (minutes, budgets, a job
advert, a reference list, a medication list, a menu ...: genres the domain
vocabulary never saw) are garbled the way the Enköping scan was
(``synthetic.py``: the learned confusions and tear/glue rates) and
corrected; the figure is the share of character errors removed. The
confusions come from the model that corrects them, so the absolute figure
flatters; compare checkouts with it (REPO_ROOT first on sys.path), not
engines. The ASCII-only documents (those with a ``harm_corpus/gold`` file)
are left out.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("root", nargs="?", default=str(HERE.parent))
    ap.add_argument("--seeds", default="1,2")
    args = ap.parse_args()
    sys.path.insert(0, args.root)
    sys.path.insert(1, str(HERE))
    import ocrfix
    from rapidfuzz.distance import Levenshtein
    from synthetic import garble

    before = after = 0
    for seed in (int(s) for s in args.seeds.split(",")):
        for path in sorted((HERE / "harm_corpus" / "cases").glob("*.txt")):
            if (HERE / "harm_corpus" / "gold" / path.name).exists():
                continue
            clean = path.read_text(encoding="utf-8")
            garbled = garble(clean, "enkoping", seed)
            before += Levenshtein.distance(garbled, clean)
            after += Levenshtein.distance(ocrfix.fix(garbled), clean)
    print(f"{ocrfix.__file__}: character errors {before} -> {after}, removed {1 - after / before:.2%}")


if __name__ == "__main__":
    main()
