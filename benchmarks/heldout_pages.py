#!/usr/bin/env python3
"""Leave-one-report-out estimate of ocrfix on Tesseract pages of unseen prose (not a test).

    python benchmarks/heldout_pages.py [--domain others|none|all] [--settings S4]

The held-out evaluation uses pages made the same way as tesseract-dev from
*other* Swedish prose. The dev figures flatter ocrfix twice: the shipped
error model has seen every dev page, and the domain vocabulary and bigrams
are the very text of those pages. Here each clean report in samples/ is left
out in turn: its pages are corrected with an error model re-learned
(scripts/learn_error_model.py) from tesseract-dev-b, the Enköping lines and
the dev pages of the *other* reports, and with domain data built
(scripts/build_domain_data.py) from the other reports only (``--domain
none``: no domain data at all; ``all``: the shipped data, the optimistic
case). Scores are pooled over all pages of each setting, weighted by the
pages' character errors as ocrscore.py weighs them.

Each fold compiles its own lexicon (about 15 s the first time; cached in
the ocrfix cache like any other).
"""
from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT))

from ocrfix import Pipeline  # noqa: E402
from ocrfix.evaluate import evaluate, format_table, load_pages  # noqa: E402
from ocrfix.resources import Resources  # noqa: E402

WORD_RE = re.compile(r"\w+")


def shingles(text: str, n: int = 4) -> set[tuple[str, ...]]:
    words = WORD_RE.findall(text.lower())
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def source_report(gold: str, reports: dict[str, set]) -> str:
    """The clean report a page was typeset from: the one sharing most word 4-grams."""
    page = shingles(gold)
    return max(reports, key=lambda name: len(page & reports[name]))


def link_pages(dev: Path, names: set[str], out: Path) -> None:
    """Symlink the named dev pages into ``out``, with their manifest rows."""
    out.mkdir(parents=True)
    rows = (dev / "manifest.tsv").read_text(encoding="utf-8").splitlines()
    kept = [rows[0]] + [r for r in rows[1:] if r.split("\t")[0] in names]
    (out / "manifest.tsv").write_text("\n".join(kept) + "\n", encoding="utf-8")
    for name in names:
        for p in dev.glob(name + ".*"):
            (out / p.name).symlink_to(p)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--domain", choices=("others", "none", "all"), default="others")
    ap.add_argument("--settings", default="S1,S2,S3,S4,S5")
    ap.add_argument("--errors", type=int, default=0, help="show the N most frequent remaining word errors")
    ap.add_argument("--extra-pages", type=Path, nargs="*", default=[],
                    help="more (OCR, truth) page folders for every fold's error model (make_pages.py's; "
                         "they train their engine's profile only, as the shipped table's own pages do)")
    args = ap.parse_args()
    dev = SHARED / "bench" / "tesseract-dev"
    if not dev.exists():
        sys.exit(f"{dev} not available (team data)")
    wanted = args.settings.split(",")
    samples = ROOT / "samples"
    report_files = sorted(p for p in samples.glob("*.txt") if "garbled" not in p.name)
    reports = {p.name: shingles(p.read_text(encoding="utf-8")) for p in report_files}
    pages = load_pages(dev)
    origin = {s.name: source_report(s.gold, reports) for s in pages}
    print("pages per report:", dict(Counter(origin.values())), file=sys.stderr)
    tmp = Path(tempfile.mkdtemp(prefix="ocrfix-heldout-pages-"))
    by_setting: dict[str, list] = {}
    fixed: dict[str, str] = {}
    for k, left_out in enumerate(sorted(set(origin.values()))):
        fold = tmp / f"fold{k}"
        link_pages(dev, {n for n, r in origin.items() if r != left_out}, fold / "learn")
        model = fold / "model" / "confusions.tsv"
        model.parent.mkdir()
        subprocess.run([sys.executable, str(ROOT / "scripts" / "learn_error_model.py"),
                        "--pages", str(fold / "learn"), str(SHARED / "bench" / "tesseract-dev-b"),
                        "--lines", str(SHARED / "enkoping" / "dev.jsonl"), "--out", str(model),
                        "--own-profile-pages", *map(str, args.extra_pages)],
                       check=True, capture_output=True)
        domain: bool | Path = args.domain == "all"
        if args.domain == "others":
            others = fold / "samples"
            others.mkdir()
            for p in report_files:
                if p.name != left_out:
                    (others / p.name).symlink_to(p)
            (others / "damaged_lines.tsv").symlink_to(samples / "damaged_lines.tsv")
            domain = fold / "domain"
            domain.mkdir()
            subprocess.run([sys.executable, str(ROOT / "scripts" / "build_domain_data.py"),
                            "--samples", str(others), "--out", str(domain)], check=True, capture_output=True)
        fix = Pipeline(resources=Resources(domain_vocabulary=domain, error_model=model)).fix
        for s in pages:
            if origin[s.name] == left_out and s.setting in wanted:
                fixed[s.ocr] = fix(s.ocr)
                by_setting.setdefault(s.setting, []).append(s)
    table = []
    for setting, group in sorted(by_setting.items()):
        rep = evaluate(fixed.__getitem__, group)  # the outputs of each page's own fold
        scores = {k: v for k, v in rep.as_dict().items() if k != "words_per_second"}  # lookups, not corrections, were timed
        table.append((f"{setting} ({len(group)} pages)", scores))
        if args.errors:
            print(f"{setting} remaining:", *[f"  {c} {a!r} -> {b!r}" for (a, b), c in rep.wrong_words.most_common(args.errors)], sep="\n")
    print(f"domain data: {args.domain}")
    print(format_table(table))


if __name__ == "__main__":
    main()
