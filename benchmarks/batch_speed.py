#!/usr/bin/env python3
"""Wall time of `ocrfix batch` with one and two worker processes (not a test).

    python benchmarks/batch_speed.py [--repeat 3] [--data ../shared/bench/tesseract-dev]

Copies the *.ocr.txt files of the data set (read-only) to a temporary
IN_DIR and runs the installed `ocrfix batch -q` as a subprocess into a fresh
OUT_DIR each time (start-up included, nothing skipped): `-j 1`, `-j 2` and,
if Dask is installed, `--dask local:2`, interleaved so that a shared
machine's noise falls on all alike. Reports medians and the speed-up of
`-j 2` over `-j 1`, the time of a second run that skips every file, and
checks that every output is byte-identical to `ocrfix < file`.
The lexicon cache must be warm (run ocrfix once first).
"""
from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OCRFIX = str(Path(sys.executable).with_name("ocrfix"))
SUMMARY = ""  # the summary line of the last run


def batch(in_dir: Path, out_dir: Path, *options: str) -> float:
    """Wall seconds of one `ocrfix batch` run (no progress bar: stderr is no tty)."""
    global SUMMARY
    t0 = time.perf_counter()
    res = subprocess.run([OCRFIX, "batch", *options, str(in_dir), str(out_dir)], capture_output=True)
    dt = time.perf_counter() - t0
    if res.returncode != 0:
        sys.exit(f"ocrfix batch {' '.join(options)} failed: {res.stderr.decode()}")
    SUMMARY = res.stderr.decode().strip().splitlines()[-1]
    return dt


def filter_output(path: Path) -> bytes:
    with open(path, "rb") as stdin:
        return subprocess.run([OCRFIX], stdin=stdin, capture_output=True, check=True).stdout


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "bench" / "tesseract-dev")
    args = ap.parse_args()
    modes = {"-j 1": ["-j", "1"], "-j 2": ["-j", "2"]}
    if importlib.util.find_spec("distributed") is not None:
        modes["--dask local:2"] = ["--dask", "local:2"]

    with tempfile.TemporaryDirectory(prefix="ocrfix-batch-bench-") as tmp:
        in_dir = Path(tmp) / "in"
        in_dir.mkdir()
        for src in sorted(args.data.glob("*.ocr.txt")):
            shutil.copyfile(src, in_dir / src.name)
        files = sorted(in_dir.iterdir())
        words = sum(len(p.read_bytes().decode("utf-8").split()) for p in files)
        print(f"{len(files)} files, {sum(p.stat().st_size for p in files):,} bytes, {words:,} words from {args.data}")
        print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores (others' work skews the figures)")

        times: dict[str, list[float]] = {name: [] for name in modes}
        for rep in range(args.repeat):
            for name, options in modes.items():
                out = Path(tmp) / f"out-{rep}-{name.replace(' ', '')}"
                times[name].append(batch(in_dir, out, *options))
        rerun = batch(in_dir, Path(tmp) / "out-0--j2", "-j", "2")  # everything up to date
        rerun_summary = SUMMARY  # (unless ocrfix itself changed meanwhile)
        load_after = os.getloadavg()[0]

        with ThreadPoolExecutor(2) as pool:  # the reference: `ocrfix < file`, file by file
            expected = dict(zip(files, pool.map(filter_output, files)))
        outputs = [d for d in Path(tmp).iterdir() if d.name.startswith("out-")]
        mismatches = [(d.name, f.name) for d in outputs for f in files if (d / f.name).read_bytes() != expected[f]]

    print(f"\n{'mode':<16}{'median s':>10}{'words/s':>10}   runs")
    for name, runs in times.items():
        med = statistics.median(runs)
        print(f"{name:<16}{med:>10.2f}{words / med:>10,.0f}   {', '.join(f'{t:.2f}' for t in runs)}")
    j1, j2 = statistics.median(times["-j 1"]), statistics.median(times["-j 2"])
    print(f"\nspeed-up -j 2 over -j 1: {j1 / j2:.2f}x")
    print(f"second -j 2 run into the same OUT_DIR: {rerun:.2f} s ({rerun_summary})")
    print(f"load average after: {load_after:.2f}")
    print(f"outputs identical to `ocrfix < file`: {'yes' if not mismatches else f'NO, {len(mismatches)} differ'} "
          f"({len(outputs)} runs x {len(files)} files)")
    if mismatches:
        print("  e.g.", mismatches[:5])
        sys.exit(1)


if __name__ == "__main__":
    main()
