#!/usr/bin/env python3
"""Harm on clean Swedish text no table was built from: how many words change?

    python benchmarks/clean_text_harm.py DIR [DIR ...] [--show] [--words 1000000]

Every HTML file under the DIRs (help pages, manuals) is read as text the way
scripts/build_general_bigrams.py reads LibreOffice's help (paragraphs, no
code, Swedish paragraphs of six words or more; Latin-1 pages decoded as
such), plain .txt files as they are. The paragraphs are gathered into
documents of 40 and each is corrected as a whole; every word the output
changes is counted (difflib over the words of each line) and, with
``--show``, printed with its context. The text is correct Swedish, so every
change is harm -- or a typo of the source put right, which ``--show`` lets
you tell apart.

Help texts from Debian, never used for any of ocrfix's tables (the general
bigrams come from libreoffice-help-sv and cfi-sv):

    apt-get download gimp-help-sv lifelines-doc-sv debian-edu-doc-legacy-sv
    for d in *.deb; do dpkg-deb -x "$d" help; done
    python benchmarks/clean_text_harm.py help --show
"""
from __future__ import annotations

import argparse
import difflib
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from build_general_bigrams import html_text, is_swedish  # noqa: E402

PARAGRAPHS_PER_DOCUMENT = 40
MIN_WORDS = 6


def paragraphs(path: Path, keep_code: bool = False) -> list[str]:
    raw = path.read_bytes()
    if path.suffix == ".txt":
        text = raw.decode("utf-8", errors="replace")
    else:
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:  # an old page in Latin-1 without a charset
            raw = raw.decode("latin-1").encode("utf-8")
        text = html_text(raw, keep_code)
    paras = (" ".join(p.split()) for p in text.split("\n\n"))
    return [p for p in paras if len(p.split()) >= MIN_WORDS and is_swedish(p)]


def documents(dirs: list[Path], max_words: int) -> list[str]:
    files = sorted(p for d in dirs for p in d.rglob("*") if p.suffix in (".html", ".htm", ".txt") and p.is_file())
    random.Random(3).shuffle(files)  # a spread of pages, the same each run
    docs, words = [], 0
    for path in files:
        paras = paragraphs(path)
        for i in range(0, len(paras), PARAGRAPHS_PER_DOCUMENT):
            chunk = paras[i : i + PARAGRAPHS_PER_DOCUMENT]
            docs.append("\n\n".join(chunk) + "\n")
            words += sum(len(p.split()) for p in chunk)
        if words >= max_words:
            break
    return docs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dirs", nargs="+", type=Path)
    ap.add_argument("--show", action="store_true", help="print every changed word with its context")
    ap.add_argument("--words", type=int, default=1_000_000, help="stop after about this many words")
    args = ap.parse_args()
    import ocrfix

    docs = documents(args.dirs, args.words)
    total = changed = 0
    for doc in docs:
        out = ocrfix.fix(doc)
        for before, after in zip(doc.split("\n"), out.split("\n")):
            words = before.split()
            total += len(words)
            if before == after:
                continue
            sm = difflib.SequenceMatcher(a=words, b=after.split(), autojunk=False)
            for op, a1, a2, b1, b2 in sm.get_opcodes():
                if op != "equal":
                    changed += a2 - a1
                    if args.show:
                        print(f"{' '.join(words[a1:a2])!r} -> {' '.join(after.split()[b1:b2])!r}"
                              f"   | {' '.join(words[max(0, a1 - 4) : a2 + 4])}")
    print(f"{len(docs)} documents, {total:,} words, changed {changed} ({100 * changed / max(total, 1):.3f} %)")


if __name__ == "__main__":
    main()
