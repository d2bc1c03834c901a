#!/usr/bin/env python3
"""Split-half estimate of ocrfix on unseen lines of an Enköping-grade scan (not a test).

    python benchmarks/heldout_enkoping.py

The shipped error model was learned from all visible Enköping lines, so its
figure on them flatters it. Here the model is re-learned
(scripts/learn_error_model.py, same sources otherwise) from the even-numbered
lines only and scored on the odd-numbered high-confidence lines, then the
other way round; the mean of the two is the estimate for the withheld part
of the report. The whole report is still corrected as one document (its own
vocabulary is fair evidence: a user's document has it too); only the scored
lines differ. The engine-detection table (ocr_charfreq.tsv) and the spacing
and marker tables are the shipped ones.
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT))

from ocrfix import Pipeline  # noqa: E402
from ocrfix.evaluate import Sample, evaluate, format_table  # noqa: E402
from ocrfix.resources import Resources  # noqa: E402


def main() -> None:
    lines_path = SHARED / "enkoping" / "dev.jsonl"
    if not lines_path.exists():
        sys.exit(f"{lines_path} not available (team data)")
    rows = [json.loads(l) for l in lines_path.read_text(encoding="utf-8").splitlines() if l.strip()]
    ocr = "\n".join(r["ocr"] for r in rows) + "\n"
    gold = "\n".join(r["gold"] for r in rows) + "\n"
    high = [i for i, r in enumerate(rows) if r.get("conf", "high") == "high"]
    table = [("shipped model, all lines", evaluate(Pipeline().fix, [Sample("all", ocr, gold, keep=high)]).as_dict())]
    tmp = Path(tempfile.mkdtemp(prefix="ocrfix-split-half-"))
    for learn_parity, name in ((0, "learn even, score odd"), (1, "learn odd, score even")):
        half = tmp / name.replace(" ", "_") / "enkoping"  # the folder names the profile
        half.mkdir(parents=True)
        (half / "dev.jsonl").write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for i, r in enumerate(rows) if i % 2 == learn_parity),
            encoding="utf-8")
        model = half / "confusions.tsv"
        subprocess.run([sys.executable, str(ROOT / "scripts" / "learn_error_model.py"),
                        "--lines", str(half / "dev.jsonl"), "--out", str(model)], check=True, capture_output=True)
        pipeline = Pipeline(resources=Resources(error_model=model))
        scored = [i for i in high if i % 2 != learn_parity]
        table.append((name, evaluate(pipeline.fix, [Sample(name, ocr, gold, keep=scored)]).as_dict()))
    mean = {k: round((table[1][1][k] + table[2][1][k]) / 2, 4) for k in ("cer_reduction", "wer_reduction")}
    table.append(("split-half mean", mean))
    print(format_table(table))


if __name__ == "__main__":
    main()
