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


# --- hypothesis profiles (tests/test_robustness.py) -----------------------------
# ``ci`` (the default) runs the robustness properties on 11,500 generated inputs
# in all (see BUDGET there) in about two minutes; ``local`` ten times as many;
# ``dev`` a quick smoke run. Choose with ``pytest --hypothesis-profile=local`` or
# ``HYPOTHESIS_PROFILE=local``. Other hypothesis tests keep their own counts
# where they set one; the rest run ``max_examples`` examples each.
import os as _os

from hypothesis import HealthCheck as _HealthCheck
from hypothesis import settings as _settings

_ROBUST = dict(deadline=None, print_blob=True, suppress_health_check=[_HealthCheck.too_slow, _HealthCheck.data_too_large])
# ci is derandomized: every CI run tests the same inputs, so a red build is
# reproducible and never a coin toss; local and dev explore new inputs.
_settings.register_profile("ci", max_examples=1000, derandomize=True, **_ROBUST)
_settings.register_profile("local", max_examples=10_000, **_ROBUST)
_settings.register_profile("dev", max_examples=50, **_ROBUST)
_settings.load_profile(_os.environ.get("HYPOTHESIS_PROFILE", "ci"))
