"""Shared test helpers.

Tests use only what is in the repository (samples/, tests/data/). Tests that
look at ../shared (the team's measurement data) skip cleanly where it is
absent, as in a user's clone.
"""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
DATA = Path(__file__).resolve().parent / "data"
SHARED = ROOT.parent / "shared"

CLEAN_SAMPLES = sorted(p for p in SAMPLES.glob("*.txt") if "garbled" not in p.name)
GARBLED_SAMPLE = SAMPLES / "enkoping_socialnamnden_delarsrapport_2024_garbled.txt"


def unescape(field: str) -> str:
    return field.replace("\\t", "\t").replace("\\n", "\n")


def load_cases(name: str) -> list[tuple[str, str, str]]:
    """(input, expected, note) rows of a tests/data TSV; expected '=' means unchanged."""
    rows = []
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        source, expected = unescape(fields[0]), unescape(fields[1])
        note = fields[2] if len(fields) > 2 else ""
        rows.append((source, source if expected == "=" else expected, note))
    return rows


def shared_path(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} not available (team measurement data, absent in a user's clone)")
    return path
