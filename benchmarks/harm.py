#!/usr/bin/env python3
"""Measure how much correct text ocrfix changes.

Usage: python benchmarks/harm.py [REPO_ROOT] [--show] [--modes abc] [--files SUBSTR]

REPO_ROOT (default: this checkout) is put at sys.path[0], so another checkout
of ocrfix can be measured. Documents: benchmarks/harm_corpus/cases/*.txt,
52 clean documents (7,900 words) written for the third adversarial review
(2026-11-24) in genres a municipality or archive pipes through the tool;
the first 26 were written before the tool was probed, the others after (some
hold words found to be at risk). For a document with a file of the same name
in benchmarks/harm_corpus/gold/ (the ASCII-only e-mail/SMS cases,
where restoring å/ä/ö is the tool's job) that file is the reference; for all
others the input itself is the reference.

Modes
  a  the document as is, one ocrfix.fix() call
  b  the document appended (after a blank line) to the garbled scan
     samples/enkoping_socialnamnden_delarsrapport_2024_garbled.txt, so the
     tool runs in its aggressive mode; only the appended lines are scored
  c  each non-empty line of the document as its own ocrfix.fix() call

Counts are over whitespace-separated tokens of the document.
  changed  input token not carried through unchanged
  harm     changed, and the result differs from the reference
           (for clean documents: every change is harm)
  missed   (gold documents only) token left unchanged though the reference differs

--show prints every harmful token change (before -> after) with the edit(s)
behind it (corrector, confidence).
"""
from __future__ import annotations

import difflib
import glob
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(HERE, "harm_corpus", "cases")
GOLD = os.path.join(HERE, "harm_corpus", "gold")

args = [a for a in sys.argv[1:]]
show = "--show" in args
modes = "abc"
only = None
if "--modes" in args:
    modes = args[args.index("--modes") + 1]
if "--files" in args:
    only = args[args.index("--files") + 1]
pos = []
skip = False
for i, a in enumerate(args):
    if skip:
        skip = False
        continue
    if a in ("--modes", "--files"):
        skip = True
        continue
    if a.startswith("--"):
        continue
    pos.append(a)
REPO = os.path.abspath(pos[0]) if pos else os.path.dirname(HERE)
sys.path.insert(0, REPO)

def _reexec_in_venv(reason):
    for py in (os.path.join(REPO, ".venv", "bin", "python"),):
        if os.path.exists(py) and not os.environ.get("MEASURE_REEXEC"):
            os.environ["MEASURE_REEXEC"] = "1"
            os.execv(py, [py, os.path.abspath(__file__)] + sys.argv[1:])
    sys.exit(f"measure.py: cannot run ocrfix from {REPO}: {reason}")


try:
    import ocrfix  # noqa: E402
except ImportError as exc:  # dependencies missing in this interpreter: re-run under the checkout's venv
    _reexec_in_venv(exc)

import warnings  # noqa: E402

# A step that fails (e.g. a dependency missing in this interpreter) is skipped by
# ocrfix with a warning, which would make every document look untouched: treat
# any such warning as fatal, and check that the tool corrects a known garble.
try:
    from ocrfix.pipeline import StepWarning as _StepWarning
except ImportError:
    _StepWarning = UserWarning
warnings.simplefilter("error", _StepWarning)
try:
    _canary = ocrfix.fix("Socialndmnden ansvarar for de uppgifter som enligt lag dligger socialnidmnd.")
except Exception as exc:  # noqa: BLE001
    _reexec_in_venv(exc)
else:
    if "Socialnämnden" not in _canary:
        _reexec_in_venv("canary not corrected: " + _canary)
if not os.path.dirname(os.path.abspath(ocrfix.__file__)).startswith(REPO):
    print(f"warning: ocrfix imported from {ocrfix.__file__}, not from {REPO}", file=sys.stderr)

GARBLED_PATH = os.path.join(os.path.dirname(HERE), "samples", "enkoping_socialnamnden_delarsrapport_2024_garbled.txt")
with open(GARBLED_PATH, encoding="utf-8") as fh:
    GARBLED = fh.read()
if not GARBLED.endswith("\n"):
    GARBLED += "\n"
PREFIX = GARBLED + "\n"
PREFIX_LINES = PREFIX.count("\n")


def run_a(text):
    out, edits = ocrfix.fix_with_edits(text)
    return out.split("\n"), {i: [e for e in edits if e.line == i + 1] for i in range(text.count("\n") + 1)}


def run_b(text):
    out, edits = ocrfix.fix_with_edits(PREFIX + text)
    lines = out.split("\n")[PREFIX_LINES:]
    n = text.count("\n") + 1
    return lines, {i: [e for e in edits if e.line == PREFIX_LINES + i + 1] for i in range(n)}


def run_c(text):
    outs, eds = [], {}
    for i, line in enumerate(text.split("\n")):
        if line.strip():
            o, e = ocrfix.fix_with_edits(line)
            outs.append(o)
            eds[i] = list(e)
        else:
            outs.append(line)
            eds[i] = []
    return outs, eds


RUNNERS = {"a": run_a, "b": run_b, "c": run_c}


def score_line(inp, out, ref):
    """Return (tokens, changed, harm, missed, list of (before, after, ref)).

    Input and output tokens are aligned with difflib; each changed span is
    compared with the reference tokens at the same input positions (the
    reference has as many tokens per line as the input)."""
    ti, to, tr = inp.split(), out.split(), ref.split()
    n = len(ti)
    if len(tr) != len(ti):  # reference not token-aligned: every change counts as harm
        tr = ti
    changed = harm = 0
    bad = []
    sm = difflib.SequenceMatcher(a=ti, b=to, autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            continue
        changed += i2 - i1
        if i2 - i1 == j2 - j1:
            for a, b, r in zip(ti[i1:i2], to[j1:j2], tr[i1:i2]):
                if a == b:
                    changed -= 1
                elif b != r:
                    harm += 1
                    bad.append((a, b, r))
        else:
            sub = difflib.SequenceMatcher(a=tr[i1:i2], b=to[j1:j2], autojunk=False)
            wrong = sum(k2 - k1 for tg, k1, k2, _, _ in sub.get_opcodes() if tg != "equal")
            if wrong:
                harm += max(1, min(i2 - i1, wrong))
                bad.append((" ".join(ti[i1:i2]), " ".join(to[j1:j2]), " ".join(tr[i1:i2])))
    # missed: tokens carried through unchanged that differ from the reference
    missed = 0
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            missed += sum(1 for a, r in zip(ti[i1:i2], tr[i1:i2]) if a != r)
    return n, changed, harm, missed, bad


def edits_for(before, edits):
    """The edits whose text lies inside the changed token(s)."""
    hits = [e for e in edits if e.before.strip() and e.before.strip() in before]
    return hits or edits


def main():
    files = sorted(glob.glob(os.path.join(CASES, "*.txt")))
    if only:
        files = [f for f in files if only in os.path.basename(f)]
    table = {}
    totals = {m: [0, 0, 0, 0] for m in modes}
    clean_totals = {m: [0, 0, 0] for m in modes}
    details = []
    for path in files:
        name = os.path.basename(path)
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
        if text.endswith("\n"):
            text = text[:-1]
        gpath = os.path.join(GOLD, name)
        has_gold = os.path.exists(gpath)
        ref = text
        if has_gold:
            with open(gpath, encoding="utf-8") as fh:
                ref = fh.read()
            if ref.endswith("\n"):
                ref = ref[:-1]
        in_lines, ref_lines = text.split("\n"), ref.split("\n")
        assert len(in_lines) == len(ref_lines), name
        for m in modes:
            out_lines, edits = RUNNERS[m](text)
            assert len(out_lines) == len(in_lines), (name, m, len(out_lines), len(in_lines))
            t = [0, 0, 0, 0]
            for i, (a, b, r) in enumerate(zip(in_lines, out_lines, ref_lines)):
                n, ch, h, mi, bad = score_line(a, b, r)
                for k, v in enumerate((n, ch, h, mi)):
                    t[k] += v
                for before, after, gold in bad:
                    ed = "; ".join(
                        f"{e.corrector} {e.before!r}->{e.after!r} {e.confidence:.2f}"
                        for e in edits_for(before, edits.get(i, []))
                    )
                    details.append((m, name, i + 1, before, after, ed))
            table[(name, m)] = t
            for k in range(4):
                totals[m][k] += t[k]
            if not has_gold:
                for k in range(3):
                    clean_totals[m][k] += t[k]
    print(f"ocrfix from {os.path.dirname(ocrfix.__file__)}; {len(files)} documents")
    names = {"a": "a whole doc", "b": "b after garbled", "c": "c line by line"}
    for m in modes:
        n, ch, h, mi = totals[m]
        cn, cch, ch_h = clean_totals[m]
        print(
            f"mode {names[m]:16s}: harm {h}/{n} tokens ({100*h/max(n,1):.2f} %), changed {ch}; "
            f"clean docs only: {ch_h}/{cn} ({100*ch_h/max(cn,1):.2f} %); gold docs missed {mi}"
        )
    print()
    hdr = "file".ljust(28) + "".join(f"{'  ' + m + ' harm/changed':>18s}" for m in modes) + "   tokens"
    print(hdr)
    for path in files:
        name = os.path.basename(path)
        row = name.ljust(28)
        for m in modes:
            n, ch, h, mi = table[(name, m)]
            row += f"{h:>10d}/{ch:<7d}"
        row += f"{table[(name, modes[0])][0]:>8d}"
        print(row)
    if show:
        print()
        for m, name, ln, before, after, ed in details:
            print(f"[{m}] {name}:{ln}  {before!r} -> {after!r}   | {ed}")


if __name__ == "__main__":
    main()
