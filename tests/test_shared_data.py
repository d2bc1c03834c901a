"""Invariants on the team's shared data (skipped where ../shared is absent)."""
import subprocess
import sys

import pytest

from conftest import SHARED, shared_path
from ocrfix import Pipeline


def all_shared_files():
    if not SHARED.exists():
        return []
    return sorted(p for p in SHARED.rglob("*") if p.is_file())


@pytest.mark.skipif(not SHARED.exists(), reason="../shared not available")
def test_no_steps_is_byte_identical_on_every_shared_file():
    """`ocrfix --steps none` copies every file of ../shared byte for byte (text files;
    binary ones are refused with exit 1, and nothing is written)."""
    checked = 0
    for path in all_shared_files():
        data = path.read_bytes()
        res = subprocess.run([sys.executable, "-m", "ocrfix", "--steps", "none", "--errors", "passthrough"],
                             input=data, capture_output=True, timeout=120)
        if res.returncode == 1:
            assert b"binary" in res.stderr and res.stdout == b"", path
            continue
        assert res.returncode == 0 and res.stdout == data, path
        checked += 1
    assert checked > 300


def test_default_pipeline_keeps_line_count_on_bench_pages_and_seeds():
    bench = shared_path("bench", "tesseract-dev")
    seeds = shared_path("seeds")
    pipeline = Pipeline()
    paths = sorted(bench.glob("*.ocr.txt")) + sorted(seeds.glob("*.txt"))
    for path in paths:
        text = path.read_text(encoding="utf-8")
        assert pipeline.fix(text).count("\n") == text.count("\n"), path
