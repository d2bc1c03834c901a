#!/usr/bin/env python3
"""Build word-bigram counts of general Swedish (not the sample reports' domain).

    apt-get download cfi-sv libreoffice-help-sv     # Debian packages, any mirror
    python scripts/build_general_bigrams.py cfi-sv_*.deb libreoffice-help-sv_*.deb

The domain bigrams (scripts/build_domain_data.py) know social-services
reports; prose from another field has no context model without these. The
sources are free Swedish text that Debian ships:

  * ``cfi-sv``: the book "Copyright finns inte" (Linus Walleij), public domain;
  * ``libreoffice-help-sv``: LibreOffice's Swedish help pages, MPL-2.0.

The HTML is reduced to text; paragraphs that are not Swedish (much of the
help is untranslated English) are left out by counting Swedish and English
function words. The paragraphs are tokenised as build_domain_data.py does
(numbers as ``<num>``/``<year>``, sentence breaks as ``<s>``) and every pair
seen at least ``--min-count`` times is written to
``dictionaries/general_bigrams.tsv``, with one ``first <*> total`` row per
first word: how often it opens a pair at all (its count as a context,
pruned pairs included). Only counts are shipped, never the text.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import regex

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from build_domain_data import BOUNDARY, lowered_pairs, sequence  # noqa: E402
from ocrfix.lexicon.build import CONTEXT_TOTAL as TOTAL, CONTEXT_TYPES as TYPES  # noqa: E402

SWEDISH = frozenset("och att det som en på är av för med till den har de inte om ett var jag kan men eller från så "
                    "vid när du alla under också efter detta denna dessa eftersom sedan vilket där här bara mycket "
                    "finns ska skall måste kommer blir blev vi man sig sin sitt sina hade mellan genom utan över upp".split())
ENGLISH = frozenset("the and of to in is that for it with as on be by this are from or an at which you can not will "
                    "use if into your have has".split())
WORD_RE = regex.compile(r"\p{L}+")
BLOCK_TAGS = {"p", "br", "div", "li", "h1", "h2", "h3", "h4", "h5", "td", "tr", "title", "dt", "dd", "table", "ul", "ol"}
SKIP_TAGS = {"script", "style", "pre", "code", "tt", "kbd", "samp"}
INLINE_CODE_TAGS = {"code", "tt", "kbd", "samp"}  # kept by html_text(keep_code=True)


class _Text(HTMLParser):
    """HTML to text: block elements become blank lines, the elements in ``skip`` are dropped."""

    def __init__(self, skip: set[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0
        self.skip = skip

    def handle_starttag(self, tag, attrs) -> None:
        if tag in self.skip:
            self.skipping += 1
        if tag in BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag) -> None:
        if tag in self.skip:
            self.skipping = max(0, self.skipping - 1)
        if tag in BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_data(self, data) -> None:
        if not self.skipping:
            self.parts.append(data)


def html_text(raw: bytes, keep_code: bool = False) -> str:
    """The page's text. Code is dropped (its words are no Swedish); ``keep_code`` keeps inline
    code, where a page is to be read as its reader sees it (a sentence may start with a
    function's name: without it, ``databasen. returnerar den`` is no sentence)."""
    head = raw[:2000].lower()
    encoding = "latin-1" if b"iso-8859-1" in head or b"latin1" in head else "utf-8"
    parser = _Text(SKIP_TAGS - INLINE_CODE_TAGS if keep_code else SKIP_TAGS)
    parser.feed(raw.decode(encoding, errors="replace"))
    return "".join(parser.parts)


def is_swedish(paragraph: str) -> bool:
    words = [w.lower() for w in WORD_RE.findall(paragraph)]
    if len(words) < 4:
        return False
    sv = sum(w in SWEDISH for w in words)
    en = sum(w in ENGLISH for w in words)
    return sv >= 2 and sv >= 4 * en


def paragraphs(package: Path):
    """The Swedish paragraphs of the HTML files in a .deb, wrapped lines joined."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["dpkg-deb", "-x", str(package), tmp], check=True)
        for page in sorted(Path(tmp).rglob("*.htm*")):
            for para in regex.split(r"\n\s*\n", html_text(page.read_bytes())):
                para = " ".join(para.split())
                if is_swedish(para):
                    yield para


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("packages", type=Path, nargs="+", help=".deb files (see above)")
    ap.add_argument("--out", type=Path, default=ROOT / "dictionaries" / "general_bigrams.tsv")
    ap.add_argument("--min-count", type=int, default=2)
    args = ap.parse_args()

    pairs: Counter[tuple[str, str]] = Counter()
    totals: Counter[str] = Counter()
    words = 0
    for package in args.packages:
        for para in paragraphs(package):
            seq = [BOUNDARY, *sequence(para), BOUNDARY]
            words += sum(not w.startswith("<") for w in seq)
            for a, b in lowered_pairs(seq):
                pairs[(a, b)] += 1
                totals[a] += 1
    kept = {k: c for k, c in pairs.items() if c >= args.min_count}
    names = ", ".join(p.name.split("_")[0] for p in args.packages)
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(f"# built by scripts/build_general_bigrams.py from {words:,} words of Debian's {names}\n"
                f"# first\tsecond\tcount (lower-cased; pairs seen at least {args.min_count} times;"
                f" second {TOTAL}: all pairs the first word opens, {TYPES}: how many different)\n")
        types = Counter(a for a, _ in pairs)
        for a in sorted({a for a, _ in kept}, key=lambda w: (-totals[w], w)):
            f.write(f"{a}\t{TOTAL}\t{totals[a]}\n{a}\t{TYPES}\t{types[a]}\n")
        for (a, b), c in sorted(kept.items(), key=lambda kv: (-kv[1], kv[0])):
            f.write(f"{a}\t{b}\t{c}\n")
    print(f"{words:,} words, {len(pairs):,} pairs, {len(kept):,} kept (>= {args.min_count})", file=sys.stderr)


if __name__ == "__main__":
    main()
