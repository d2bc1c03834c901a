#!/usr/bin/env python3
"""Enköping-grade text of any length, for speed measurements.

    python benchmarks/synthetic.py [--seed 1] [--profile enkoping] FILE... > garbled.txt

The one real Enköping-grade scan we may use is 2,300 words long: too short
to say how fast ocrfix is on a 100-page report of that grade, and repeating
it (as `speed.py` also does) flatters the per-token caches. This script
garbles clean text with the character confusions and tear/glue rates that
`scripts/learn_error_model.py` learned for an engine profile
(`dictionaries/confusions.tsv`, `dictionaries/spacing.tsv`): each character
is replaced by an OCR reading drawn with the learned probability
P(ocr | truth), and word gaps are torn or glued at the learned rates.

The confusions were learned lower-cased; a capital is read as the real
engine reads one (Enköping: `Ovriga`, `AktB`, `Lokalhyror`, `Fb’waltningen`):
as itself, a capital Å, Ä or Ö as its plain letter. A full stop is lost
only where the Enköping data lose one: inside a section number (`4.2.1` ->
`421`, all 17 cases), never at a sentence's end.

Every occurrence is garbled independently, whereas a real engine misreads
the same word in much the same way each time, so the text has more distinct
garbled tokens than a real scan of that grade: a pessimistic speed test.
It is not a quality test (the confusions come from the model that corrects
them).
"""
from __future__ import annotations

import argparse
import random
import sys
from collections import defaultdict
from pathlib import Path

DICTIONARIES = Path(__file__).resolve().parent.parent / "dictionaries"
CAPITALS_READ = {"Å": "A", "Ä": "A", "Ö": "O"}  # an engine without Swedish, on capitals


def load_channel(profile: str) -> tuple[dict[str, list[tuple[str, float]]], dict[str, float]]:
    """truth -> [(ocr, probability)] for the non-identity readings; spacing event -> probability per word."""
    rows: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for line in (DICTIONARIES / "confusions.tsv").read_text(encoding="utf-8").splitlines():
        fields = line.split("\t")
        if line.startswith("#") or len(fields) != 6 or fields[0] != profile:
            continue
        _, truth, ocr, count, truth_count, _ = fields
        if truth.startswith("<") or ocr == "=":
            continue
        rows[truth].append((ocr, int(count) / int(truth_count)))
    spacing = {}
    for line in (DICTIONARIES / "spacing.tsv").read_text(encoding="utf-8").splitlines():
        fields = line.split("\t")
        if len(fields) == 5 and fields[0] == profile:
            spacing[fields[1]] = int(fields[2]) / int(fields[3])
    return dict(rows), spacing


def garble(text: str, profile: str = "enkoping", seed: int = 1) -> str:
    """`text` as an OCR engine of `profile` might have read it (line count kept)."""
    rows, spacing = load_channel(profile)
    longest = max(map(len, rows), default=1)
    rng = random.Random(seed)
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == " " and out and out[-1] != " " and i + 1 < len(text) and text[i + 1].isalpha():
            if rng.random() < spacing.get("glued", 0.0):
                i += 1
                continue
        if ch.isalpha() and i + 1 < len(text) and text[i + 1].isalpha() and rng.random() < spacing.get("torn", 0.0) / 6:
            out.append(ch + " ")
            i += 1
            continue
        if ch.isupper():
            out.append(CAPITALS_READ.get(ch, ch))
            i += 1
            continue
        if ch == "." and not (i and text[i - 1].isdigit() and text[i + 1:i + 2].isdigit()):
            out.append(ch)  # the engine lost full stops only inside section numbers (4.2.1 -> 421)
            i += 1
            continue
        replaced = False
        for k in range(min(longest, len(text) - i), 0, -1):
            truth = text[i:i + k]
            options = rows.get(truth)  # (lower case only: a capital is read above)
            if not options:
                continue
            u = rng.random()
            for ocr, p in options:
                u -= p
                if u < 0:
                    out.append(ocr)
                    i += k
                    replaced = True
                    break
            if replaced:
                break
        if not replaced:
            out.append(ch)
            i += 1
    return "".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("--profile", default="enkoping")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    text = "".join(p.read_text(encoding="utf-8") for p in args.files)
    sys.stdout.write(garble(text, args.profile, args.seed))


if __name__ == "__main__":
    main()
