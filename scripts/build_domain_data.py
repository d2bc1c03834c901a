#!/usr/bin/env python3
"""Build the domain vocabulary and word-bigram counts from the clean sample reports.

    python scripts/build_domain_data.py            # writes dictionaries/domain_*.tsv

Reads the clean reports in samples/ (never the garbled scan), skips the line
ranges listed in samples/damaged_lines.tsv (text the PDF extraction damaged,
which must not be learnt as vocabulary), tokenises with ocrfix's own
tokeniser and writes

  dictionaries/domain_words.tsv    surface form, count, number of documents
  dictionaries/domain_bigrams.tsv  lower-cased word pair, count

Sentence boundaries (. ! ? : and blank lines) are written as the pseudo-word
``<s>`` so the context model can score a word at the start of a sentence.
The reports' HTML-like markup is layout, not words: a paragraph tag
(``<p>``, ``</p>``) is a paragraph break, an inline one (``<b>``, ``<i>``,
``<u>``, ``<sub>``) a space (its letters had been counted as the words
``p``, ``b``, ``u``, and a one-letter split of a garble had taken ``p`` for a
frequent word: ``4 hap. 1 §`` -> ``4 ha p. 1 §``).
"""
from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ocrfix.ranking import number_kind  # noqa: E402
from ocrfix.tokens import NEWLINE, NUMBER, PUNCT, WORD, tokenize  # noqa: E402

BOUNDARY = "<s>"
SENTENCE_END = {".", "!", "?", ":", ";", "•"}
PARAGRAPH_TAG = re.compile(r"</?p>")
INLINE_TAG = re.compile(r"</?[a-z]{1,4}>")


def damaged_ranges(path: Path) -> dict[str, list[tuple[int, int]]]:
    ranges: dict[str, list[tuple[int, int]]] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                name, first, last = line.split("\t")[:3]
                ranges.setdefault(name, []).append((int(first), int(last)))
    return ranges


def clean_lines(path: Path, skip: list[tuple[int, int]]) -> list[str]:
    lines = path.read_text(encoding="utf-8").split("\n")
    return [l for n, l in enumerate(lines, 1) if not any(a <= n <= b for a, b in skip)]


def without_markup(text: str) -> str:
    """The text with its paragraph tags as paragraph breaks and its inline tags as spaces."""
    return INLINE_TAG.sub(" ", PARAGRAPH_TAG.sub("\n\n", text))


def sequence(text: str):
    """Words (numbers as <num>, years as <year>) with <s> at sentence and paragraph breaks."""
    newlines = 0
    for tok in tokenize(without_markup(text)):
        if tok.kind == NEWLINE:
            newlines += 1
            if newlines >= 2:
                yield BOUNDARY
            continue
        if tok.kind == WORD:
            newlines = 0
            yield tok.text
        elif tok.kind == NUMBER:
            newlines = 0
            yield number_kind(tok.text)
        elif tok.kind == PUNCT and tok.text in SENTENCE_END:
            yield BOUNDARY


def lowered_pairs(seq: list[str]):
    """The word pairs of a sequence (see :func:`sequence`), lower-cased; no pair of two boundaries."""
    lowered = [w if w.startswith("<") else w.lower() for w in seq]
    return ((a, b) for a, b in zip(lowered, lowered[1:]) if not (a == b == BOUNDARY))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--samples", type=Path, default=ROOT / "samples")
    ap.add_argument("--out", type=Path, default=ROOT / "dictionaries")
    args = ap.parse_args()

    skip = damaged_ranges(args.samples / "damaged_lines.tsv")
    words: Counter[str] = Counter()
    docs: Counter[str] = Counter()
    bigrams: Counter[tuple[str, str]] = Counter()
    sources = sorted(p for p in args.samples.glob("*.txt") if "garbled" not in p.name)
    for path in sources:
        text = "\n".join(clean_lines(path, skip.get(path.name, [])))
        seq = [BOUNDARY, *sequence(text), BOUNDARY]
        seen = set()
        for w in seq:
            if not w.startswith("<"):
                words[w] += 1
                seen.add(w)
        docs.update(seen)
        bigrams.update(lowered_pairs(seq))

    header = f"# built by scripts/build_domain_data.py from {len(sources)} clean reports in samples/\n"
    with open(args.out / "domain_words.tsv", "w", encoding="utf-8") as f:
        f.write(header + "# word\tcount\tdocuments\n")
        for w, c in sorted(words.items(), key=lambda kv: (-kv[1], kv[0])):
            f.write(f"{w}\t{c}\t{docs[w]}\n")
    with open(args.out / "domain_bigrams.tsv", "w", encoding="utf-8") as f:
        f.write(header + "# first\tsecond\tcount (lower-cased; <s> = sentence boundary, <num> = a number)\n")
        for (a, b), c in sorted(bigrams.items(), key=lambda kv: (-kv[1], kv[0])):
            f.write(f"{a}\t{b}\t{c}\n")
    print(f"{len(words)} word forms, {len(bigrams)} bigrams from {len(sources)} reports", file=sys.stderr)


if __name__ == "__main__":
    main()
