"""Robustness of the whole pipeline under bad input and load (issue #7).

1. Properties of the default pipeline on generated input (hypothesis): line
   count kept, the edit log accounts for every change, determinism,
   idempotence (with its documented exception), and the byte stream layer.
   The number of generated inputs is set by the hypothesis profile (see
   tests/conftest.py): ``BUDGET`` below sums to 13 x the profile's
   ``max_examples``, i.e. 13,000 inputs in the default ``ci`` profile.
2. Adversarial inputs (tests/data/adversarial/MANIFEST.tsv) through the real
   CLI (``python -m ocrfix``) and the library.
3. Bounded work on a 10,000-letter token (the error model's ``work`` counter;
   no timings here -- seconds and memory are in benchmarks/robustness.py).
4. Regression tests for the bugs issue #7 found in edits.py, tokens.py,
   stream.py and pipeline.py.
"""
from __future__ import annotations

import io
import json
import os
import random
import signal
import subprocess
import sys
import unicodedata
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import given, note, settings
from hypothesis import strategies as st

from conftest import CLEAN_SAMPLES, DATA, GARBLED_SAMPLE
from ocrfix import Corrector, Edit, Pipeline, replay
from ocrfix import stream as ocrfix_stream
from ocrfix.edits import apply, select
from ocrfix.errormodel import MAX_TOKEN, ErrorModel
from ocrfix.stream import InputError, Passthrough, read_lines
from ocrfix.tokens import EMAIL, _TOKEN_RE, tokenize

# A step that crashes (its edits skipped with a StepWarning) fails any test here.
pytestmark = pytest.mark.filterwarnings("error::ocrfix.pipeline.StepWarning")

ADVERSARIAL = DATA / "adversarial"
OCRFIX = [sys.executable, "-m", "ocrfix"]

# ---------------------------------------------------------------------------
# 1. Generated input
# ---------------------------------------------------------------------------

BASE = settings.default.max_examples  # 1,000 in the ci profile
BUDGET = {  # multiples of BASE per property test (13 in all)
    "invariants": 6.0,
    "idempotence": 2.5,
    "unicode_idempotence": 1.5,
    "byte_stream": 1.5,
    "blocks": 1.5,
}


def examples(test: str) -> settings:
    return settings(max_examples=max(1, int(BASE * BUDGET[test])))


def _words(paths, limit: int) -> list[str]:
    seen: dict[str, None] = {}
    for p in paths:
        for w in p.read_text(encoding="utf-8").split():
            seen.setdefault(w)
    return list(seen)[:limit]


SWEDISH = _words(CLEAN_SAMPLES, 3000) or ["och", "är", "för", "hushåll"]
GARBLED = _words([GARBLED_SAMPLE], 2000) or ["utveck[ing", "6ppenv§1rden"]
DEBRIS = ["[", "]", "§", ")", "(", "’", "'", "6", "1", "0", "é", "ﬁ", "ﬂ", "ﬀ", "|", "l", "i)’", "#", "*", "-", "—",
          ".", ",", "Ã¤", "Ã¥", "Ã¶", "Ã\x84", "â€”", "Â"]
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u200e", "\u200f", "\u061c",
             "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]
COMBINING = ["\u0301", "\u0300", "\u0308", "\u030a", "\u0327", "\u0323", "\u0336"]
# \n is the only line break for ocrfix; the others must stay inside lines.
SEPARATORS = [" ", " ", " ", " ", "  ", "\n", "\n", "\r\n", "\n\n", "\t", "\x0c", "\r", "\xa0", "\u2028", "\x0b", "\x85"]
_STRIP = str.maketrans("åäöÅÄÖé", "aaoAAOe")


def _garble(word: str, how: int, i: int, junk: str) -> str:
    """One OCR- or encoding-style damage to a word."""
    i %= len(word) + 1
    if how == 0:
        return word[:i] + junk + word[i:]                   # debris inserted
    if how == 1:
        return word[:i] + junk + word[i + 1 :]              # a letter misread
    if how == 2:
        return word.translate(_STRIP)                       # diacritics lost
    if how == 3:
        return unicodedata.normalize("NFD", word)            # decomposed
    if how == 4:
        return word.encode("utf-8").decode("cp1252", "replace")  # mojibake
    if how == 5:
        return word[:i] + " " + word[i:]                    # torn
    if how == 6:
        return word[:i] + INVISIBLE[len(junk) % len(INVISIBLE)] + word[i:]
    return word.upper()


_word = st.sampled_from(SWEDISH)
_piece = st.one_of(
    _word,
    _word,
    st.builds(_garble, _word, st.integers(0, 7), st.integers(0, 20), st.sampled_from(DEBRIS)),
    st.sampled_from(GARBLED),
    st.sampled_from(SEPARATORS),
    st.sampled_from(SEPARATORS),
    st.sampled_from(DEBRIS),
    st.sampled_from(INVISIBLE),
    st.lists(st.sampled_from(COMBINING), min_size=1, max_size=30).map("".join),
    # arbitrary Unicode (surrogates included: --errors passthrough makes them), no NUL
    st.text(st.characters(blacklist_characters="\x00"), max_size=6),
)
# Swedish-like text with OCR debris, odd line breaks, invisible and combining
# characters, and arbitrary Unicode mixed in.
TEXT = st.lists(_piece, max_size=60).map("".join)


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    """One default pipeline for the whole module: the lexicon loads once."""
    return Pipeline()


@pytest.fixture(scope="module")
def unicode_only() -> Pipeline:
    return Pipeline(["unicode"])


def fix_checked(p: Pipeline, text: str) -> tuple[str, list[Edit]]:
    """``p.fix_with_edits(text)``; a StepWarning (a step crashed or broke the
    line count) fails the test, as everywhere in this module (``pytestmark``)."""
    return p.fix_with_edits(text)


def check_edit_log(text: str, out: str, edits: list[Edit], step_names: list[str], min_confidence: float) -> None:
    """The edit log accounts for every difference between ``text`` and ``out``.

    Step by step (each step's offsets are relative to that step's input):
    edits are sorted, do not overlap, lie inside the text, their ``before`` is
    the text at their span, their line/column are right; splicing them in
    (independently of ocrfix.edits.apply) gives the next step's input, and the
    last one is ``out``. So every character outside a reported edit is
    unchanged. ``ocrfix.replay`` must agree.
    """
    current = text
    steps = sorted({e.step for e in edits})
    for step in steps:
        step_edits = [e for e in edits if e.step == step]
        parts: list[str] = []
        pos = 0
        for e in step_edits:
            assert e.corrector == step_names[step], e
            assert e.before != e.after and e.confidence >= min_confidence, e
            assert pos <= e.start <= e.end <= len(current), f"edit out of order or outside the text: {e}"
            assert current[e.start : e.end] == e.before, f"before does not match the text: {e}"
            line = current.count("\n", 0, e.start) + 1
            column = e.start - (current.rfind("\n", 0, e.start) + 1) + 1
            assert (e.line, e.column) == (line, column), e
            parts += [current[pos : e.start], e.after]
            pos = e.end
        parts.append(current[pos:])
        current = "".join(parts)
    assert current == out
    assert replay(text, edits) == out


@given(TEXT)
@examples("invariants")
def test_default_pipeline_invariants(pipeline, text):
    out, edits = fix_checked(pipeline, text)
    note(f"out={out!r}")
    assert out.count("\n") == text.count("\n"), "a line was lost or added"
    check_edit_log(text, out, edits, pipeline.step_names, pipeline.min_confidence)
    assert fix_checked(pipeline, text) == (out, edits), "not deterministic"


@contextmanager
def small_blocks():
    """Blocks of a few lines, so that short inputs span many blocks."""
    s = ocrfix_stream
    saved = {k: getattr(s, k) for k in ("FIRST_BLOCK_LINES", "FIRST_BLOCK_CHARS", "BLOCK_LINES", "BLOCK_CHARS")}
    s.FIRST_BLOCK_LINES, s.FIRST_BLOCK_CHARS, s.BLOCK_LINES, s.BLOCK_CHARS = 3, 60, 2, 30
    try:
        yield
    finally:
        for k, v in saved.items():
            setattr(s, k, v)


@given(st.lists(st.lists(_piece, max_size=12).map("".join), max_size=25).map("\n".join))
@examples("blocks")
def test_invariants_across_blocks(pipeline, text):
    """Document-level edit offsets, line numbers and the line count hold across
    block boundaries and around lines passed through for length."""
    p = Pipeline(resources=pipeline.resources, max_line_chars=50)
    with small_blocks():
        parts = text.split("\n")  # lines end at \n only (not at \r, \x0c, \u2028 as in splitlines)
        lines = [l + "\n" for l in parts[:-1]] + ([parts[-1]] if parts[-1] else [])
        log: list[Edit] = []
        out = "".join(p.fix_lines(lines, on_edit=log.append))
    assert out.count("\n") == text.count("\n")
    check_edit_log(text, out, log, p.step_names, p.min_confidence)


# Idempotence. The unicode step must be idempotent, with one documented
# exception: ftfy judges mojibake per line, so once pass 1 has changed a line
# (expanded a ligature, repaired one mojibake sequence) ftfy may see the rest of
# it differently: 'ﬁÃ¥' -> 'fiÃ¥' -> 'fiå' (reported to the lead, issue #7).
# The word-level steps (rejoin, split, words) decide in context -- the
# neighbouring words and the document's estimated damage -- and pass 1 changes
# both, so pass 2 may continue the work ('teamet[ ... teamet[': one fixed in
# pass 1, the other in pass 2), and a chain of garbled neighbours may take a
# pass per link ('[Socialnämnden\u200cSocialnämnden[ [Socialnämnden': three).
# What must hold: no pass returns to an earlier text (no oscillation, and
# pass 2 never undoes pass 1), and the passes reach a fixed point quickly.
MAX_PASSES = 5


@given(TEXT)
@examples("idempotence")
def test_default_pipeline_converges(pipeline, text):
    seen = [text]
    for _ in range(MAX_PASSES):
        out = pipeline.fix(seen[-1])
        if out == seen[-1]:
            return
        note(f"pass {len(seen)}: {out!r}")
        assert out not in seen, "a pass undid an earlier one"
        seen.append(out)
    raise AssertionError(f"no fixed point after {MAX_PASSES} passes")


@given(TEXT)
@examples("unicode_idempotence")
def test_unicode_step_idempotent(unicode_only, text):
    once = unicode_only.fix(text)
    twice, edits = unicode_only.fix_with_edits(once)
    if twice == once:
        return
    note(f"pass 1: {once!r}\npass 2: {twice!r} {edits}")
    assert all(e.reason.startswith("mojibake") for e in edits), "only ftfy's per-line judgement may change in pass 2"
    assert unicode_only.fix(twice) == twice


_BYTES = st.one_of(
    st.binary(max_size=120),
    TEXT.map(lambda s: s.encode("utf-8", "surrogatepass")),
    st.tuples(TEXT, st.binary(max_size=6), TEXT).map(lambda t: t[0].encode("utf-8", "surrogatepass") + t[1] + t[2].encode("utf-8", "surrogatepass")),
)


@given(_BYTES, st.sampled_from(["strict", "replace", "passthrough"]), st.sampled_from([4, 7, 64, 4 * 1024 * 1024]))
@examples("byte_stream")
def test_byte_stream(pipeline, data, errors, max_line_bytes):
    """read_lines + the default pipeline, as the CLI runs them, on arbitrary bytes."""
    stream = io.BufferedReader(io.BytesIO(data))
    try:
        items = list(read_lines(stream, errors=errors, max_line_bytes=max_line_bytes))
    except InputError as exc:
        msg = str(exc)
        assert "\n" not in msg
        if "binary input" in msg:
            assert b"\x00" in data or sum(b < 32 and b not in b"\t\n\r\f\v\x1b" for b in data[:8192]) > len(data[:8192]) // 10
        else:
            assert errors == "strict" and "invalid UTF-8" in msg
            with pytest.raises(UnicodeDecodeError):  # a strict error on valid UTF-8 would be a bug
                data.decode("utf-8")
        return
    assert b"\x00" not in data
    texts = [i.text if isinstance(i, Passthrough) else i for i in items]
    decoded = "".join(texts)
    codec = {"strict": "strict", "replace": "replace", "passthrough": "surrogateescape"}[errors]
    assert decoded == data.decode("utf-8", codec)
    assert all(t for t in texts) and all("\n" not in t[:-1] for t in texts), "an item is not one (piece of a) line"
    if errors == "passthrough":
        assert decoded.encode("utf-8", "surrogateescape") == data
    log: list[Edit] = []
    outs = list(pipeline.fix_lines(items, on_edit=log.append))
    assert len(outs) == len(items), "the CLI pairs output items with input items (--diff)"
    out = "".join(outs)
    assert out.count("\n") == decoded.count("\n")
    assert replay(decoded, log) == out
    out.encode("utf-8", "surrogateescape" if errors == "passthrough" else "strict")  # writable as the CLI writes it


# ---------------------------------------------------------------------------
# 2. Adversarial inputs (MANIFEST.tsv) through the CLI and the library
# ---------------------------------------------------------------------------

GARBLED_LINE = "Antalet hushall med ekonomiskt bistand minskar inte [éingre, utveck[ing i 6ppenv§1rden.\n"
KNOWN_ISSUES = {
}


def generated(name: str) -> bytes:
    """The large adversarial inputs, made here rather than stored."""
    if name == "long_token":
        token = ("hushållsutvecklingsförvaltningen" * 400)[:10_000]
        return f"Inledning\n{token}\n{GARBLED_LINE}".encode()
    if name == "digits_1mib":
        return b"Tabell\n" + b"7" * (1 << 20) + b"\n" + GARBLED_LINE.encode()
    if name == "digits_999999":
        return b"Tabell\n" + b"7" * 999_999 + b"\n" + GARBLED_LINE.encode()
    if name == "many_short_lines":
        rng = random.Random(7)
        return "".join(rng.choice(["a\n", "\n", "hushall\n", "och\r\n", "§\n", "ﬁ\n"]) for _ in range(50_000)).encode()
    if name == "regex_hostile":
        runs = ["a1", ".", "www.", "a@", "1,", "-", "[", "a.b@", "http://", "é\u0301", "19121212-", "a_"]
        return "".join(r * (20_000 // len(r)) + "\n" for r in runs).encode() + GARBLED_LINE.encode()
    if name == "mixed_everything":
        parts = [GARBLED_SAMPLE.read_bytes()]
        parts += [p.read_bytes() for p in sorted(ADVERSARIAL.glob("*.txt"))]
        return b"\n".join(parts) + b"\xe2\x82"
    raise KeyError(name)


def manifest() -> list[dict]:
    rows = []
    for line in (ADVERSARIAL / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, errors, steps, exit_code, expect, known = (line.split("\t") + [""])[:6]
        rows.append(dict(name=name, errors=errors, steps=steps, exit=int(exit_code), expect=expect.split(","), known=known))
    return rows


def _chars(spec: str) -> str:
    return spec.encode("ascii").decode("unicode_escape")


def _input_bytes(name: str) -> bytes:
    return generated(name[4:]) if name.startswith("gen:") else (ADVERSARIAL / name).read_bytes()


def _decode(data: bytes, errors: str) -> str:
    return data.decode("utf-8", {"strict": "strict", "replace": "replace", "passthrough": "surrogateescape"}[errors])


def run_cli(args: list[str], data: bytes, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(OCRFIX + args, input=data, capture_output=True, timeout=600, **kw)


def _row_id(row: dict) -> str:
    return f"{row['name']}-{row['errors']}-{row['steps']}-{'+'.join(e.split('=')[0] for e in row['expect'])}"


@pytest.mark.parametrize("row", manifest(), ids=_row_id)
def test_adversarial_cli(row, tmp_path, request):
    if row["known"]:
        request.applymarker(pytest.mark.xfail(reason=KNOWN_ISSUES[row["known"]], strict=False))
    data = _input_bytes(row["name"])
    edits_path = tmp_path / "edits.jsonl"
    args = ["--errors", row["errors"], "--edits", str(edits_path)]
    if row["steps"] != "default":
        args += ["--steps", row["steps"]]
    res = run_cli(args, data)
    err = res.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err, err
    assert res.returncode == row["exit"], err
    out = res.stdout
    for check in row["expect"]:
        key, _, value = check.partition("=")
        if key == "identical":
            assert out == data
        elif key == "lines":
            assert out.count(b"\n") == data.count(b"\n")
        elif key == "outside-edits":
            edits = [Edit(**{k: v for k, v in json.loads(l).items() if k != "file"}) for l in edits_path.read_text(encoding="utf-8").splitlines()]
            assert len(edits) == edits_path.read_bytes().count(b"\n"), "one JSON record per line, whatever reads the lines"
            assert replay(_decode(data, row["errors"]), edits) == _decode(out, row["errors"])
        elif key == "same-invalid":
            bad = lambda b: [c for c in b.decode("utf-8", "surrogateescape") if "\udc80" <= c <= "\udcff"]  # noqa: E731
            assert bad(out) == bad(data)
        elif key == "no-stderr":
            assert err == ""
        elif key == "empty":
            assert out == b""
        elif key == "one-line-error":
            assert err.count("\n") == 1 and err.startswith("ocrfix: error: ")
        elif key == "stderr":
            assert value in err
        elif key == "same-line":
            n = int(value)
            assert out.split(b"\n")[n] == data.split(b"\n")[n]
        elif key == "keep":
            text_in, text_out = _decode(data, row["errors"]), _decode(out, row["errors"])
            for c in _chars(value):
                assert text_out.count(c) == text_in.count(c), f"U+{ord(c):04X}"
        elif key == "prefix":
            assert _decode(out, row["errors"]).startswith(_chars(value))
        elif key == "absent":
            assert not set(_chars(value)) & set(_decode(out, row["errors"]))
        elif key == "equals":
            assert out == (ADVERSARIAL / value).read_bytes()
        else:
            raise AssertionError(f"unknown check {check!r} in MANIFEST.tsv")


@pytest.mark.parametrize("name", sorted({r["name"] for r in manifest()}))
def test_adversarial_library(pipeline, name):
    """The same inputs through the library: read_lines, then fix_lines / fix_with_edits."""
    data = _input_bytes(name)
    # the large generated inputs are valid UTF-8: one mode is enough for them
    modes = ("strict",) if name.startswith("gen:") and name != "gen:mixed_everything" else ("strict", "replace", "passthrough")
    for errors in modes:
        try:
            items = list(read_lines(io.BufferedReader(io.BytesIO(data)), errors=errors))
        except InputError:
            assert errors == "strict" or b"\x00" in data or name.endswith(".bin")
            continue
        text = "".join(i.text if isinstance(i, Passthrough) else i for i in items)
        assert text == _decode(data, errors)
        log: list[Edit] = []
        out = "".join(pipeline.fix_lines(items, on_edit=log.append))
        assert out.count("\n") == text.count("\n")
        assert replay(text, log) == out
        if len(text) <= 200_000:  # the multi-megabyte inputs: fix_lines above is enough
            out2, edits2 = pipeline.fix_with_edits(text)
            check_edit_log(text, out2, edits2, pipeline.step_names, pipeline.min_confidence)


def test_max_line_chars_is_tunable():
    data = generated("long_token")
    res = run_cli(["--max-line-chars", "5000"], data)
    assert res.returncode == 0 and b"passed through unchanged" in res.stderr
    assert res.stdout.split(b"\n")[1] == data.split(b"\n")[1]


def test_overlong_lines_are_warned_about_a_few_times_then_counted():
    data = "".join(f"rad {i} är för lång\n" for i in range(25)).encode()
    res = run_cli(["--max-line-chars", "5"], data)
    warnings = res.stderr.decode().splitlines()
    assert res.returncode == 0 and res.stdout == data
    assert len(warnings) == 11 and "line 10 is longer" in warnings[9]
    assert "15 more warnings of this kind not shown, the first: line 11 is longer" in warnings[-1]
    few = run_cli(["--max-line-chars", "5"], data[: data.index(b"\n") + 1] * 3)  # negative: a few are all shown
    assert len(few.stderr.decode().splitlines()) == 3 and b"not shown" not in few.stderr


def test_a_warning_of_another_kind_is_never_hidden_behind_many_of_one():
    from ocrfix.stream import WarningLog

    log = WarningLog(per_kind=10)
    shown = [log.add(f"line {n} is longer than 50 characters; passed through unchanged") for n in range(1, 13)]
    failure = "step 'words' failed on lines 13-14 (RuntimeError: boom); its edits there were skipped"
    assert shown == [True] * 10 + [False] * 2 and log.add(failure)
    assert log.all_lines()[10] == failure and len(log.all_lines()) == 12
    assert log.not_shown() == ["2 more warnings of this kind not shown, the first: line 11 is longer than 50 characters; passed through unchanged"]


def test_output_does_not_depend_on_hash_seed():
    data = generated("mixed_everything")
    outs = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        res = run_cli(["--errors", "passthrough"], data, env=env)
        assert res.returncode == 0
        outs.add(res.stdout)
    assert len(outs) == 1


# ---------------------------------------------------------------------------
# 3. Bounded work
# ---------------------------------------------------------------------------

class _AcceptAll:
    """A CandidateLexicon that prunes nothing: the worst case for the search."""

    head_mask = 0

    def has_prefix(self, s):
        return True

    def is_head(self, s):
        return True

    def is_valid(self, s):
        return True


@pytest.mark.parametrize("n", [1, 10, MAX_TOKEN, MAX_TOKEN + 1, 1000, 10_000])
def test_candidate_search_work_bound(pipeline, n):
    """At most ``beam`` expansions per character, and none past MAX_TOKEN."""
    model: ErrorModel = pipeline.resources.error_model_for("default")
    beam = 16
    token = ("hushållsutveck[ing" * (n // 18 + 1))[:n]
    before = model.work
    model.candidates(token, _AcceptAll(), beam=beam)
    assert model.work - before <= beam * (n if n <= MAX_TOKEN else 0)


def _search_work(p: Pipeline, text: str) -> int:
    models = p.resources._error_models  # the error models loaded so far, by engine profile
    before = {name: m.work for name, m in models.items()}
    p.fix(text)
    return sum(m.work - before.get(name, 0) for name, m in models.items())


def test_long_token_candidate_work_is_bounded(pipeline):
    """Through the whole default pipeline, a 10,000-letter token costs no more
    search work than a token of MAX_TOKEN + 1 letters in the same document."""
    long_doc = generated("long_token").decode()
    token = long_doc.split("\n")[1]
    short_doc = long_doc.replace(token, token[: MAX_TOKEN + 1])
    spent_long, spent_short = _search_work(pipeline, long_doc), _search_work(pipeline, short_doc)
    assert spent_long <= spent_short
    assert spent_long <= 16 * MAX_TOKEN * 50  # the garbled line's dozen tokens, three steps


def test_a_long_chunk_without_spaces_is_looked_up_in_linear_work(pipeline, monkeypatch):
    """A chunk of 20,000 characters without white space (a table's rule, a
    dump) had every cut of it looked up in the lexicon as a partly known
    compound, and each part remembered: 1.4 GB for 40,000 characters, 5 GB
    for 120,000. No word is that long; the forms asked for are now few and short."""
    lexicon = pipeline.resources.lexicon
    asked: list[int] = []
    entry = lexicon.entry
    monkeypatch.setattr(lexicon, "entry", lambda form: (asked.append(len(form)), entry(form))[1])
    text = "fxy)" * 5000 + "\n"
    assert pipeline.fix(text) == text
    assert sum(asked) <= 10 * len(text)


# ---------------------------------------------------------------------------
# 4. Regression tests for bugs found by issue #7
# ---------------------------------------------------------------------------

@contextmanager
def deadline(seconds: int):
    """Fail (rather than hang for hours) if the body takes far too long.

    A guard against complexity regressions, not a timing test: the limits
    are 20-100 times what the fixed code needs.
    """
    def expire(signum, frame):
        raise TimeoutError(f"still running after {seconds} s: quadratic again?")

    old = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def _select_reference(edits, min_confidence=0.0):
    """edits.select before issue #7: the same choice, in quadratic time."""
    candidates = [e for e in edits if e.confidence >= min_confidence and e.before != e.after]
    candidates.sort(key=lambda e: (-e.confidence, e.start, e.end, e.after))
    chosen, taken = [], []
    for e in candidates:
        if any(e.start < t_end and t_start < e.end for t_start, t_end in taken):
            continue
        if e.start == e.end and any(t_start == e.start == t_end for t_start, t_end in taken):
            continue
        chosen.append(e)
        taken.append((e.start, e.end))
    chosen.sort(key=lambda e: (e.start, e.end))
    return chosen


_EDIT = st.builds(lambda s, l, c, a: Edit(s, s + l, "x" * l, a, "t", c),
                  st.integers(0, 30), st.integers(0, 6), st.sampled_from([0.3, 0.5, 0.6, 0.9, 1.0]), st.sampled_from(["", "y", "zz"]))


@given(st.lists(_EDIT, max_size=40), st.sampled_from([0.0, 0.5]))
@settings(max_examples=2000)
def test_select_same_choice_as_reference(edits, min_confidence):
    assert select(edits, min_confidence) == _select_reference(edits, min_confidence)


def test_select_many_edits_is_not_quadratic():
    # Bug: select compared each candidate with every edit taken so far; a
    # block with 10^5 edits (NFC on a decomposed page, a badly garbled page)
    # took minutes to hours. Now one bisection per candidate.
    rng = random.Random(1)
    edits = [Edit(i * 3, i * 3 + 2, "ab", "cd", "t", rng.random()) for i in range(200_000)]
    edits += [Edit(i * 3 + 1, i * 3 + 4, "bxa", "q", "t", rng.random()) for i in range(0, 200_000, 7)]
    with deadline(60):
        chosen = select(edits)
    assert all(a.end <= b.start for a, b in zip(chosen, chosen[1:]))


def test_garble_test_is_linear_on_long_words():
    # Bug: the apostrophe alternative's look-behind (a capitalised name before
    # it) was tried at every position of a word, scanning back over all of it:
    # 7 s for three words of 20,000 letters in quotes, 250 s for 18 of 50,000.
    from ocrfix.profile import _GARBLE_RE

    word = "'q" + "a" * 1_000_000 + "'"
    assert _GARBLE_RE.search(word, timeout=60) is None
    assert _GARBLE_RE.search("Fb’waltningen", timeout=60) and not _GARBLE_RE.search("O'Brien Sa'ad", timeout=60)


def test_tokenizer_is_linear_on_long_runs():
    # Bug: the e-mail alternative rescanned a run of [\w.+-] from every
    # position: ~2 s for 16,000 characters of "a1a1..." or "....", hours for a
    # line near --max-line-chars. regex's own timeout makes a regression fail.
    for run in ("a1", ".", "a_", "a.", "1-"):
        s = run * (1_000_000 // len(run))
        assert sum(1 for _ in _TOKEN_RE.finditer(s, timeout=60)) > 0
    kinds = {t.text: t.kind for t in tokenize("x.y+z@enkoping.se a1b@c.se, (soc@kommun.se)")}
    assert kinds["x.y+z@enkoping.se"] == kinds["a1b@c.se"] == kinds["soc@kommun.se"] == EMAIL


class _StaleEdit(Corrector):
    """A buggy corrector: its edit's ``before`` is not the text at its span."""

    name = "stale"

    def propose(self, doc):
        yield Edit(0, 3, "xyz", "abc", self.name)


class _ReversedSpan(Corrector):
    """A buggy corrector: a reversed span that slices to '' and would duplicate text."""

    name = "reversed"

    def propose(self, doc):
        yield Edit(5, 2, "", "!", self.name)


class _Upper(Corrector):
    name = "upper"

    def propose(self, doc):
        for tok in doc.words():
            yield Edit(tok.start, tok.end, tok.text, tok.text.upper(), self.name)


@pytest.mark.parametrize("bad", [_StaleEdit(), _ReversedSpan()], ids=["stale", "reversed"])
def test_bad_edit_from_a_step_is_skipped_not_fatal(bad):
    # Bug: edits.apply ran outside the pipeline's guard, so one bad edit
    # raised ValueError out of fix_lines (a traceback from the CLI, the run
    # lost); a reversed span even passed apply's check and duplicated text.
    text = "en rad\nen till\n"
    messages: list[str] = []
    out = "".join(Pipeline([bad, _Upper()]).fix_lines(text.splitlines(keepends=True), on_warning=messages.append))
    assert out == "EN RAD\nEN TILL\n"
    assert len(messages) == 1 and bad.name in messages[0] and "lines 1-2" in messages[0]


def test_apply_rejects_spans_outside_the_text():
    for e in (Edit(5, 2, "", "!", "t"), Edit(-2, -1, "c", "!", "t"), Edit(2, 9, "c", "!", "t")):
        with pytest.raises(ValueError):
            apply("abc", [e])


def test_warning_names_existing_lines():
    # Bug: "lines 1-2" for a one-line input (a block ending in \n was counted
    # as having one more line).
    class Crash(Corrector):
        name = "crash"

        def propose(self, doc):
            raise RuntimeError("boom")

    messages: list[str] = []
    list(Pipeline([Crash()]).fix_lines(["one line\n"], on_warning=messages.append))
    assert "lines 1-1" in messages[0]
    messages.clear()
    list(Pipeline([Crash()]).fix_lines(["a\n", "b"], on_warning=messages.append))
    assert "lines 1-2" in messages[0]


@pytest.mark.parametrize("errors,expected", [("replace", "abc\ufffd"), ("passthrough", "abc\udcc3")])
def test_truncated_character_at_end_stays_on_its_line(errors, expected):
    # Bug: the decoder's final output (for a character cut off at the end)
    # was yielded as an item of its own, so one line became two items and
    # `ocrfix --diff` reported a change where there was none.
    items = list(read_lines(io.BufferedReader(io.BytesIO(b"rad\nabc\xc3")), errors=errors))
    assert items == ["rad\n", expected]
    items = list(read_lines(io.BufferedReader(io.BytesIO(b"rad\n\xc3")), errors=errors))
    assert items == ["rad\n", expected[3:]]  # the cut-off character alone is the last line
    res = run_cli(["--steps", "none", "--diff", "--errors", errors], b"rad\nabc\xc3")
    assert res.returncode == 0 and res.stdout == b""


def test_edits_log_with_invalid_bytes_and_line_separators():
    # Bug: with --errors passthrough, an edit holding an invalid byte (a lone
    # surrogate) could not be written to the UTF-8 --edits file: traceback,
    # exit 1. U+0085/U+2028 were written raw and split the record for
    # str.splitlines(). Both are now \uXXXX escapes (the same JSON value).
    data = "ma\u030al\udcff text \u0085 x\u2028 a\u030a\n".encode("utf-8", "surrogateescape")
    log = Path(os.environ.get("TMPDIR", "/tmp")) / f"ocrfix-edits-{os.getpid()}.jsonl"
    try:
        res = run_cli(["--errors", "passthrough", "--steps", "unicode", "--edits", str(log)], data)
        assert res.returncode == 0 and b"Traceback" not in res.stderr
        assert res.stdout == "mål\udcff text \u0085 x\u2028 å\n".encode("utf-8", "surrogateescape")
        lines = log.read_text(encoding="utf-8").splitlines()
        edits = [Edit(**{k: v for k, v in json.loads(l).items() if k != "file"}) for l in lines]
        assert [e.before for e in edits] == ["ma\u030al\udcff", "a\u030a"]
        assert replay(data.decode("utf-8", "surrogateescape"), edits) == res.stdout.decode("utf-8", "surrogateescape")
    finally:
        log.unlink(missing_ok=True)


def test_fix_lines_takes_lines_without_line_endings():
    # Bug: items without "\n" (str.splitlines()) were glued into one line:
    # ['Socialndmnden ska', 'hushall', '6ppen'] -> ['Socialnämnden skahushall6ppen'].
    # Now each is a line of its own and comes out corrected, without an ending.
    import ocrfix

    text = "Socialndmnden ska\nhushall\n6ppen\n"
    assert list(ocrfix.fix_lines(text.splitlines())) == ["Socialnämnden ska", "hushåll", "öppen"]
    assert list(ocrfix.fix_lines(text.splitlines(keepends=True))) == ["Socialnämnden ska\n", "hushåll\n", "öppen\n"]
    assert list(ocrfix.fix_lines(["Ã¤r", "", "x" * 30 + "\n", "sista"], steps=["unicode"], max_line_chars=20)) == \
        ["är", "", "x" * 30 + "\n", "sista"]  # an empty line and a line passed through for length keep their place


def test_lines_that_would_be_glued_are_an_error():
    # Pipeline.fix_lines (and fix_lines with join_lines) take lines with their
    # "\n", the last may lack it; one without it in the middle glued two lines.
    import ocrfix

    with pytest.raises(ValueError, match="line 1 has no line ending"):
        list(Pipeline(["unicode"]).fix_lines(["hushall", "6ppen\n"]))
    with pytest.raises(ValueError, match="line 2 has no line ending"):
        list(ocrfix.fix_lines(["verk-\n", "samheten", "och\n"], join_lines=True))
    assert list(Pipeline(["unicode"]).fix_lines(["Ã¤r\n", "sista"])) == ["är\n", "sista"]


@pytest.mark.parametrize("bad", [None, b"hushall", 5])
def test_fix_wants_a_str(bad):
    # Bug: ocrfix.fix(None) returned '' (an empty text).
    import ocrfix

    with pytest.raises(TypeError, match="must be str"):
        ocrfix.fix(bad)
    with pytest.raises(TypeError, match="must be str"):
        ocrfix.fix_with_edits(bad)
    with pytest.raises(TypeError, match="must be str"):
        list(ocrfix.fix_lines(["rad\n", bad]))
    with pytest.raises(TypeError, match="must be str"):
        ocrfix.Pipeline(steps=["unicode"]).fix(bad)


def test_a_paragraph_of_many_addresses_is_read_in_linear_time(pipeline):
    """Each chunk of a paragraph was compared with every protected span in
    it: 16,000 e-mail addresses on one line (a contact list without blank
    lines) took 124 s; 40,000 take a couple of seconds now."""
    text = " ".join(f"a{i}@b.se ord." for i in range(40_000)) + "\n"
    with deadline(60):
        assert pipeline.fix(text) == text


def test_a_long_row_of_table_bars_is_read_in_linear_time(pipeline):
    """Each bar of a table row copied and counted its whole line: a line of
    160,000 bars took about 85 s; now the line is looked at once."""
    text = "| " + "x | " * 160_000 + "\n"
    with deadline(40):
        assert pipeline.fix(text) == text
