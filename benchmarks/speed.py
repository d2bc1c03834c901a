#!/usr/bin/env python3
"""Speed, start-up and memory of the ocrfix CLI, start-up included.

    python benchmarks/speed.py [--repeat 5]

Runs the installed `ocrfix` as a subprocess (as a shell pipeline would) on
  * Enköping-grade text: the garbled Enköping sample (samples/), and the same
    text repeated to 100 pages' worth (to show throughput once the per-token
    caches are warm -- the repetition is why that figure is higher);
  * Enköping-grade text at report length, nothing repeated: the four clean
    reports garbled with the Enköping confusions and tear/glue rates
    (synthetic.py; 32,000 words, every occurrence garbled anew, so more
    distinct tokens than a real scan of that grade);
  * clean text: the four clean sample reports;
and reports the median wall time, words per second, and peak RSS of the
child. Baselines measured in the same run: `cat` (reading and writing) and
`ocrfix --steps none` (Python start-up plus the streaming machinery); figures
are quoted as ratios to them as well, since the machines are shared and noisy.
The lexicon cache must be warm (run ocrfix once first).
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OCRFIX = str(Path(sys.executable).with_name("ocrfix"))


def run(cmd: list[str], data: bytes) -> tuple[float, int]:
    """Wall seconds and peak RSS (KB) of one child run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    subprocess.run(cmd, input=data, stdout=subprocess.DEVNULL, check=True)
    dt = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return dt, max(after, before)


def measure(name: str, cmd: list[str], data: bytes, repeat: int) -> dict:
    times, rss = [], 0
    for _ in range(repeat):
        dt, peak = run(cmd, data)
        times.append(dt)
        rss = max(rss, peak)
    words = len(data.decode("utf-8").split())
    med = statistics.median(times)
    return {"name": name, "words": words, "seconds": med, "words_per_second": words / med, "peak_rss_mb": rss / 1024}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    samples = ROOT / "samples"
    garbled = (samples / "enkoping_socialnamnden_delarsrapport_2024_garbled.txt").read_bytes()
    clean = b"".join(p.read_bytes() for p in sorted(samples.glob("*.txt")) if "garbled" not in p.name)
    pages100 = garbled * 12  # about 28,000 words, ~100 pages (repeated text: warm caches)
    one_line = "Det ar en test.\n".encode()
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from synthetic import garble

    synthetic = garble(clean.decode("utf-8"), "enkoping", seed=1).encode("utf-8")
    rows = [
        measure("cat, Enköping sample", ["cat"], garbled, args.repeat),
        measure("ocrfix --steps none, one line (start-up)", [OCRFIX, "--steps", "none"], one_line, args.repeat),
        measure("ocrfix, one line (start-up)", [OCRFIX], one_line, args.repeat),
        measure("ocrfix, Enköping sample", [OCRFIX], garbled, args.repeat),
        measure("ocrfix, Enköping sample x12", [OCRFIX], pages100, max(1, args.repeat // 2)),
        measure("ocrfix, clean reports", [OCRFIX], clean, args.repeat),
        measure("ocrfix, clean reports garbled (Enköping)", [OCRFIX], synthetic, max(1, args.repeat // 2)),
    ]
    bench = ROOT.parent / "shared" / "bench" / "tesseract-dev"
    if bench.exists():  # 100 real OCR pages (Tesseract, damaged), one stream, nothing repeated
        pages = b"".join(p.read_bytes() for p in sorted(bench.glob("*.ocr.txt")))
        rows.append(measure("ocrfix, tesseract-dev 100 pages", [OCRFIX], pages, max(1, args.repeat // 2)))
    base = rows[1]["seconds"]
    print(f"{'run':42} {'words':>7} {'seconds':>8} {'words/s':>9} {'x start-up':>10} {'peak MB':>8}")
    for r in rows:
        print(f"{r['name']:42} {r['words']:7d} {r['seconds']:8.3f} {r['words_per_second']:9.0f} {r['seconds'] / base:10.1f} {r['peak_rss_mb']:8.0f}")


if __name__ == "__main__":
    main()
