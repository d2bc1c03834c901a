#!/usr/bin/env python3
"""Quality on the team's dev data, per setting, in one process.

    python benchmarks/quality.py [--steps unicode,words] [--sets dev,devb,enk,clean] [--errors N]

Scores exactly as ../shared/tools/ocrscore.py (same metric code via
ocrfix.evaluate), but in-process, so a full run takes seconds, not minutes.
Not part of the test suite.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT))

from ocrfix import Pipeline  # noqa: E402
from ocrfix.config import parse_steps  # noqa: E402
from ocrfix.evaluate import Sample, by_setting, evaluate, format_table, load_lines, load_pages  # noqa: E402


def clean_samples() -> list[Sample]:
    """The clean reports, minus the line ranges listed as damaged (their 'truth' is garbled)."""
    damaged: dict[str, list[tuple[int, int]]] = {}
    for line in (ROOT / "samples" / "damaged_lines.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, a, b = line.split("\t")[:3]
            damaged.setdefault(name, []).append((int(a), int(b)))
    out = []
    for p in sorted((ROOT / "samples").glob("*.txt")):
        if "garbled" not in p.name:
            lines = p.read_text(encoding="utf-8").split("\n")
            kept = [l for n, l in enumerate(lines, 1) if not any(a <= n <= b for a, b in damaged.get(p.name, []))]
            text = "\n".join(kept)
            out.append(Sample(p.name, text, text, "clean"))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", default=None)
    ap.add_argument("--sets", default="dev,devb,enk,clean")
    ap.add_argument("--errors", type=int, default=0, help="show the N most frequent remaining word errors")
    ap.add_argument("--joined", action="store_true")
    ap.add_argument("--held-out", action="store_true",
                    help="honest setting: error model learnt without tesseract-dev (dev-b + Enköping only), no domain vocabulary")
    args = ap.parse_args()
    steps = parse_steps(args.steps) if args.steps is not None else None
    resources = None
    if args.held_out:
        import subprocess
        import tempfile

        from ocrfix.resources import Resources

        tmp = Path(tempfile.mkdtemp(prefix="ocrfix-heldout-"))
        subprocess.run([sys.executable, str(ROOT / "scripts" / "learn_error_model.py"),
                        "--pages", str(SHARED / "bench" / "tesseract-dev-b"),
                        "--lines", str(SHARED / "enkoping" / "dev.jsonl"),
                        "--out", str(tmp / "confusions.tsv")], check=True)
        resources = Resources(domain_vocabulary=False, error_model=tmp / "confusions.tsv")
    pipeline = Pipeline(steps, resources=resources)
    fix = pipeline.fix
    rows = []
    wrong = None
    sets = args.sets.split(",")
    for name, folder in (("dev", "tesseract-dev"), ("devb", "tesseract-dev-b")):
        if name in sets and (SHARED / "bench" / folder).exists():
            samples = load_pages(SHARED / "bench" / folder, joined=args.joined)
            for setting, group in sorted(by_setting(samples).items()):
                rep = evaluate(fix, group)
                harm = evaluate(fix, group, no_harm=True)
                if args.errors:
                    print(f"{name} {setting} harm:", *[f"  {c} {a!r} <- {b!r}" for (a, b), c in harm.wrong_words.most_common(args.errors)], sep="\n")
                d = rep.as_dict()
                d["harm_rate"] = harm.as_dict().get("harm_rate", 0.0)
                rows.append((f"{name} {setting}", d))
                if wrong is None:
                    wrong = rep.wrong_words
                else:
                    wrong.update(rep.wrong_words)
    if "enk" in sets and (SHARED / "enkoping" / "dev.jsonl").exists():
        samples = load_lines(SHARED / "enkoping" / "dev.jsonl")
        rep = evaluate(fix, samples)
        d = rep.as_dict()
        d["harm_rate"] = evaluate(fix, samples, no_harm=True).as_dict().get("harm_rate", 0.0)
        rows.append(("enkoping high", d))
        if args.errors:
            print("Enköping remaining:", *[f"  {c} {a!r} -> {b!r}" for (a, b), c in rep.wrong_words.most_common(args.errors)], sep="\n")
    if "clean" in sets:
        harm = evaluate(fix, clean_samples(), no_harm=True)
        rows.append(("clean reports", {"harm_rate": harm.as_dict().get("harm_rate", 0.0)}))
        if args.errors:
            print("Clean-report changes:", *[f"  {c} {a!r} <- {b!r}" for (a, b), c in harm.wrong_words.most_common(args.errors)], sep="\n")
    if args.errors and wrong:
        print("Bench remaining:", *[f"  {c} {a!r} -> {b!r}" for (a, b), c in wrong.most_common(args.errors)], sep="\n")
    print(format_table(rows))


if __name__ == "__main__":
    main()
