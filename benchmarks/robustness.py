#!/usr/bin/env python3
"""Resource bounds of ocrfix on pathological input (issue #7). Not part of the test suite.

    python benchmarks/robustness.py                    # everything (about 15-30 minutes)
    python benchmarks/robustness.py --only cases       # worst-case seconds per pathological input
    python benchmarks/robustness.py --only regex       # every regular expression in ocrfix/ vs long hostile strings
    python benchmarks/robustness.py --only work        # candidate-search work per token length
    python benchmarks/robustness.py --only stream --gigabytes 1 --default-seconds 900

cases   Each pathological input is piped through the real CLI (``python -m
        ocrfix``) with ``--steps unicode`` and with the default pipeline, at two
        sizes n and 4n: wall seconds, peak RSS, and the growth ratio t(4n)/t(n)
        (about 4 = linear, about 16 = quadratic). A run over ``--timeout``
        seconds is killed and reported as such.
regex   Every compiled pattern found in the ocrfix package is run (search and
        finditer to the end) on strings of n and 4n characters built from
        atoms that make backtracking engines stumble (runs of one class, two
        alternating classes, a near-match that fails at the very end). Ratio
        above 8 is flagged.
work    ErrorModel.work (expansions of the candidate search) per token length,
        10 to 10,000 letters, with a lexicon that prunes nothing (the worst case).
stream  ``--gigabytes`` GB of generated OCR-like text (clean Swedish, damaged
        words, mojibake, ligatures; produced on the fly into the pipe, never
        stored) through ``ocrfix --steps unicode``; and the default pipeline for
        ``--default-seconds`` seconds (it is too slow for 1 GB in a benchmark
        run: see the throughput it reports). The child's RSS is sampled every
        second: memory must stay flat.

Results are printed as Markdown tables and written to benchmarks/results/robustness.md.
"""
from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import random
import re
import subprocess
import sys
import threading
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
RESULTS = ROOT / "benchmarks" / "results"
sys.path.insert(0, str(ROOT))

OUT: list[str] = []


def emit(line: str = "") -> None:
    print(line, flush=True)
    OUT.append(line)


# ----------------------------------------------------------------------------- running the CLI

def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def run_cli(args: list[str], feed, timeout: float, sample_every: float = 0.0, progress=None) -> dict:
    """Run ``python -m ocrfix ARGS``, writing ``feed`` (bytes or an iterator of
    bytes) to its stdin and discarding stdout. Returns seconds, peak RSS (KB,
    from wait4), exit code, bytes in/out, stderr head, RSS samples."""
    proc = subprocess.Popen([sys.executable, "-m", "ocrfix", *args], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    state = {"in": 0, "out": 0, "err": b"", "samples": []}
    t0 = time.monotonic()

    def writer():
        try:
            chunks = [feed] if isinstance(feed, (bytes, bytearray)) else feed
            for chunk in chunks:
                proc.stdin.write(chunk)
                state["in"] += len(chunk)
            proc.stdin.close()
        except (BrokenPipeError, ValueError, OSError):
            pass

    def reader():
        while True:
            b = proc.stdout.read(1 << 20)
            if not b:
                break
            state["out"] += len(b)

    def err_reader():
        state["err"] = proc.stderr.read()

    threads = [threading.Thread(target=f, daemon=True) for f in (writer, reader, err_reader)]
    for t in threads:
        t.start()
    killed = False
    if sample_every:
        def sampler():
            while proc.poll() is None:
                state["samples"].append((time.monotonic() - t0, state["in"], _rss_kb(proc.pid)))
                if progress:
                    progress(state)
                time.sleep(sample_every)
        threading.Thread(target=sampler, daemon=True).start()
    timer = threading.Timer(timeout, lambda: proc.kill())
    timer.start()
    _, status, usage = os.wait4(proc.pid, 0)
    timer.cancel()
    seconds = time.monotonic() - t0
    killed = os.WIFSIGNALED(status) and os.WTERMSIG(status) == 9 and seconds >= timeout * 0.99
    proc.returncode = os.waitstatus_to_exitcode(status)
    for t in threads:
        t.join(timeout=5)
    return dict(seconds=seconds, rss_kb=usage.ru_maxrss, code=proc.returncode, killed=killed,
                bytes_in=state["in"], bytes_out=state["out"], stderr=state["err"][:300].decode("utf-8", "replace"),
                samples=state["samples"])


# ----------------------------------------------------------------------------- pathological inputs

def _sample_words() -> list[str]:
    words: list[str] = []
    for p in sorted(SAMPLES.glob("*.txt")):
        words += p.read_text(encoding="utf-8").split()
    return words


def cases() -> dict[str, callable]:
    """name -> f(n) giving an input of about n characters."""
    words = _sample_words()
    rng = random.Random(7)
    sv = "hushållsutvecklingsförvaltningens"

    def line_of_words(n):
        out, size = [], 0
        while size < n:
            w = rng.choice(words)
            out.append(w)
            size += len(w) + 1
        return (" ".join(out))[:n] + "\n"

    return {
        "long token, Swedish letters": lambda n: ("Inledning\n" + (sv * (n // len(sv) + 1))[:n] + "\nslut\n").encode(),
        "long token, random letters": lambda n: ("".join(rng.choice("abcdefghijklmnopqrstuvwxyzåäö") for _ in range(n)) + "\n").encode(),
        "long token, letters and debris": lambda n: (("utveck[ing6ppenv§1rden" * (n // 22 + 1))[:n] + "\n").encode(),
        "long line of words": lambda n: line_of_words(n).encode(),
        "long line of digits": lambda n: (b"7" * n) + b"\n",
        "many short lines": lambda n: "".join(rng.choice(["a\n", "\n", "hushall\n", "och\r\n", "§\n", "ﬁ\n"]) for _ in range(n // 4)).encode(),
        "combining-mark storm": lambda n: ("a" + "\u0301" * (n - 2) + "\n").encode(),
        "decomposed words (10 per line)": lambda n: (("a\u030aterko\u0308p " * 10 + "\n") * (n // 130 + 1)).encode(),
        "mojibake line": lambda n: (("fÃ¶r Ã¥ret Ã¤r " * (n // 15 + 1))[:n] + "\n").encode(),
        "ligature line": lambda n: (("ﬁnns ﬂera ﬀ " * (n // 12 + 1))[:n] + "\n").encode(),
        "hostile: a1a1a1": lambda n: ("a1" * (n // 2) + "\n").encode(),
        "hostile: dots": lambda n: ("." * n + "\n").encode(),
        "hostile: www.www.": lambda n: ("www." * (n // 4) + "\n").encode(),
        "hostile: a@a@a@": lambda n: ("a@" * (n // 2) + "\n").encode(),
        "hostile: a.b@a.b@": lambda n: ("a.b@" * (n // 4) + "\n").encode(),
        "hostile: a_a_a_": lambda n: ("a_" * (n // 2) + "\n").encode(),
        "hostile: [[[[": lambda n: ("[" * n + "\n").encode(),
        "hostile: é+U+0301 pairs": lambda n: ("e\u0301\u0301" * (n // 3) + "\n").encode(),
        "hostile: 19121212-": lambda n: ("19121212-" * (n // 9) + "\n").encode(),
        "hostile: http://": lambda n: ("http://" * (n // 7) + "\n").encode(),
    }


def bench_cases(sizes: list[int], timeout: float, only: str | None) -> None:
    emit("## Worst-case seconds per pathological input (CLI, one process per run)")
    emit()
    emit(f"Wall seconds including start-up (about 0.1-0.2 s); peak RSS in MB; ratio = t({sizes[1]:,})/t({sizes[0]:,}) "
         "(4 = linear, 16 = quadratic; noisy below 0.5 s). `>T` = killed after T seconds.")
    emit()
    head = "| input | steps | " + " | ".join(f"{n:,} chars" for n in sizes) + " | ratio | peak RSS | notes |"
    emit(head)
    emit("|" + "---|" * (head.count("|") - 1))
    for name, make in cases().items():
        if only and only.lower() not in name.lower():
            continue
        for steps in ("unicode", "default"):
            secs, rss, notes = [], 0, set()
            for n in sizes:
                data = make(n)
                args = ["--steps", "unicode"] if steps == "unicode" else []
                r = run_cli(args, data, timeout=timeout)
                if r["killed"]:
                    secs.append(None)
                    notes.add("killed")
                    break
                secs.append(r["seconds"])
                rss = max(rss, r["rss_kb"])
                if r["code"] != 0:
                    notes.add(f"exit {r['code']}")
                if "passed through" in r["stderr"]:
                    notes.add("passed through (too long)")
                if "failed" in r["stderr"]:
                    notes.add("step failed: " + r["stderr"].split("failed", 1)[1][:60])
            cells = [f"{s:.2f}" if s is not None else f">{timeout:.0f}" for s in secs]
            cells += ["–"] * (len(sizes) - len(cells))
            ratio = f"{secs[1] / secs[0]:.1f}" if len(secs) > 1 and secs[0] and secs[1] is not None else "–"
            emit(f"| {name} | {steps} | " + " | ".join(cells) + f" | {ratio} | {rss / 1024:.0f} | {'; '.join(sorted(notes))} |")
    emit()


# ----------------------------------------------------------------------------- regular expressions

def ocrfix_patterns() -> list[tuple[str, object]]:
    """Every compiled regular expression at module level in the ocrfix package."""
    import regex

    import ocrfix

    kinds = (re.Pattern, type(regex.compile("")))
    found = []
    for mod in pkgutil.walk_packages(ocrfix.__path__, "ocrfix."):
        try:
            module = importlib.import_module(mod.name)
        except Exception as exc:  # an optional extra missing
            emit(f"(could not import {mod.name}: {exc})")
            continue
        for attr, value in vars(module).items():
            if isinstance(value, kinds):
                found.append((f"{mod.name}.{attr}", value))
    seen, unique = set(), []
    for name, pat in found:
        if id(pat) not in seen:
            seen.add(id(pat))
            unique.append((name, pat))
    return unique


ATOMS = ["a", "1", ".", " ", "\t", "a1", "a.", "a@", "a_", "1,", "1.", "1:", "-", "[", "§", "www.", "http://", "a.b@",
         "é\u0301", "\u0301", "Ã", "Ã¤", "ﬁ", "a)", "a’", "19121212-", "1-", "+", "@", "a\n", "Ab"]


def _hostile(atom: str, n: int) -> list[str]:
    base = atom * (n // len(atom) + 1)
    base = base[:n]
    return [base, base + "!", "x" + base + "\u0000"]  # plain run, failing suffix, odd end


def _uses(qualname: str) -> set[str]:
    """How the code calls a pattern: the methods named after it in its module's source."""
    module, _, attr = qualname.rpartition(".")
    src = Path(importlib.import_module(module).__file__).read_text(encoding="utf-8")
    return set(re.findall(rf"\b{re.escape(attr)}\.(\w+)\(", src))


def bench_regex(n: int) -> None:
    emit("## Regular expressions in ocrfix/ against long hostile strings")
    emit()
    emit(f"Each pattern, unanchored (search + finditer to the end) over every atom-run of {n:,} and "
         f"{4 * n:,} characters ({len(ATOMS)} atoms x 3 shapes); worst case per pattern. A ratio above 8 is "
         "flagged; a flagged pattern the code only calls anchored (match/fullmatch at a position) is "
         "linear per call in use.")
    emit()
    emit("| pattern | used as | worst atom | t(n) s | t(4n) s | ratio | verdict |")
    emit("|---|---|---|---|---|---|---|")
    for name, pat in ocrfix_patterns():
        worst = (0.0, 0.0, "")
        for atom in ATOMS:
            ts = []
            for size in (n, 4 * n):
                t0 = time.perf_counter()
                for s in _hostile(atom, size):
                    pat.search(s)
                    for _ in pat.finditer(s):
                        pass
                ts.append(time.perf_counter() - t0)
                if ts[0] > 2.0:  # already slow at n: do not wait 16x longer
                    ts.append(float("inf"))
                    break
            if ts[1] > worst[1]:
                worst = (ts[0], ts[1], atom)
        t1, t4, atom = worst
        uses = _uses(name)
        ratio = t4 / t1 if t1 > 1e-4 else 0.0
        if ratio > 8 and t4 > 0.05:
            verdict = "quadratic unanchored; anchored in use" if uses and uses <= {"match", "fullmatch"} else "**QUADRATIC**"
        else:
            verdict = "linear"
        emit(f"| `{name}` | {', '.join(sorted(uses)) or '–'} | {atom!r} | {t1:.4f} | {t4:.4f} | {ratio:.1f} | {verdict} |")
    emit()


# ----------------------------------------------------------------------------- candidate work

class AcceptAll:
    head_mask = 0

    def has_prefix(self, s):
        return True

    def is_head(self, s):
        return True

    def is_valid(self, s):
        return True


def bench_work() -> None:
    from ocrfix import Pipeline
    from ocrfix.errormodel import MAX_TOKEN

    emit("## Candidate-search work per token (ErrorModel.work)")
    emit()
    p = Pipeline()
    model = p.resources.error_model_for("default")
    emit(f"MAX_TOKEN = {MAX_TOKEN}; beam 16. Worst case: a lexicon that prunes nothing. "
         "Real: the whole default pipeline on one line holding the token (all models' work).")
    emit()
    emit("| token length | worst-case work | bound beam x min(n, MAX_TOKEN) | default pipeline work | seconds |")
    emit("|---|---|---|---|---|")
    sv = "hushållsutveck[ingsförvaltningen"
    for n in (10, 20, 40, 41, 100, 1000, 10_000, 100_000):
        tok = (sv * (n // len(sv) + 1))[:n]
        before = model.work
        model.candidates(tok, AcceptAll(), beam=16)
        worst = model.work - before
        models = p.resources._error_models
        snap = {k: m.work for k, m in models.items()}
        t0 = time.perf_counter()
        p.fix(tok + "\n")
        secs = time.perf_counter() - t0
        real = sum(m.work - snap.get(k, 0) for k, m in models.items())
        emit(f"| {n:,} | {worst:,} | {16 * min(n, MAX_TOKEN) if n <= MAX_TOKEN else 0:,} | {real:,} | {secs:.3f} |")
    emit()


# ----------------------------------------------------------------------------- streaming memory

DEBRIS = ["[", "]", "§", ")", "’", "6", "1", "|", "i)’"]
_STRIP = str.maketrans("åäöÅÄÖ", "aaoAAO")


def _damage(word: str, rng: random.Random) -> str:
    k = rng.randrange(6)
    i = rng.randrange(len(word) + 1)
    if k == 0:
        return word[:i] + rng.choice(DEBRIS) + word[i:]
    if k == 1:
        return word.translate(_STRIP)
    if k == 2:
        return word.encode("utf-8").decode("cp1252", "replace")
    if k == 3:
        return word.replace("fi", "ﬁ").replace("fl", "ﬂ")
    if k == 4:
        return word[:i] + " " + word[i:]
    return unicodedata.normalize("NFD", word)


def ocr_like_chunks(seed: int, damage: float, chunk_chars: int = 1 << 20):
    """Endless OCR-like text: sample lines with a share of damaged words (each
    chunk different, so the vocabulary of damaged tokens keeps growing)."""
    rng = random.Random(seed)
    lines = [l for p in sorted(SAMPLES.glob("*.txt")) for l in p.read_text(encoding="utf-8").split("\n")]
    while True:
        out, size = [], 0
        while size < chunk_chars:
            line = rng.choice(lines)
            if damage and line:
                line = " ".join(_damage(w, rng) if rng.random() < damage else w for w in line.split(" "))
            out.append(line)
            size += len(line) + 1
        yield ("\n".join(out) + "\n").encode("utf-8")


def limited(chunks, total: int):
    sent = 0
    for c in chunks:
        if sent + len(c) > total:
            c = c[: total - sent]
            c = c[: c.rfind(b"\n") + 1] or c
        yield c
        sent += len(c)
        if sent >= total:
            return


def bench_stream(gigabytes: float, default_seconds: float) -> None:
    emit("## Streaming memory")
    emit()
    total = int(gigabytes * (1 << 30))
    # A pool of 64 distinct 1 MiB chunks, cycled in random order (producing
    # fresh damage for every chunk would make the generator, not ocrfix, the
    # bottleneck at unicode-step speed).
    gen = ocr_like_chunks(1, 0.05)
    pool = [next(gen) for _ in range(64)]
    rng = random.Random(2)

    def cycled():
        while True:
            yield pool[rng.randrange(len(pool))]

    def report(label, r, unit_total):
        emit(f"### {label}")
        emit()
        emit(f"{r['bytes_in'] / 1e6:,.0f} MB in {r['seconds']:.0f} s ({r['bytes_in'] / 1e6 / max(r['seconds'], 1e-9):.2f} MB/s), "
             f"exit {r['code']}{' (stopped at the time limit)' if r['killed'] else ''}, output {r['bytes_out'] / 1e6:,.0f} MB, "
             f"**peak RSS {r['rss_kb'] / 1024:.0f} MB**.")
        emit()
        samples = r["samples"]
        if samples:
            emit("| elapsed s | input MB | RSS MB |")
            emit("|---|---|---|")
            picks = sorted({min(len(samples) - 1, int(len(samples) * f)) for f in (0.02, 0.1, 0.25, 0.5, 0.75, 1.0)})
            for i in picks:
                t, b, rss = samples[i]
                emit(f"| {t:.0f} | {b / 1e6:,.0f} | {rss / 1024:.0f} |")
            late = [s[2] for s in samples[len(samples) // 4:]]
            emit()
            emit(f"RSS over the last three quarters: min {min(late) / 1024:.0f} MB, max {max(late) / 1024:.0f} MB.")
        emit()

    r = run_cli(["--steps", "unicode"], limited(cycled(), total), timeout=3 * 3600, sample_every=1.0)
    report(f"`ocrfix --steps unicode`, {gigabytes:g} GB", r, total)
    if default_seconds > 0:
        # fresh damage in every chunk: the document's vocabulary of damaged tokens keeps growing
        r = run_cli([], ocr_like_chunks(3, 0.05, 1 << 18), timeout=default_seconds, sample_every=2.0)
        report(f"default pipeline, {default_seconds:.0f} s (5 % of words damaged, fresh damage throughout)", r, total)
        mb_s = r["bytes_in"] / 1e6 / max(r["seconds"], 1e-9)
        emit(f"At {mb_s:.2f} MB/s the default pipeline would need about {gigabytes * 1073.7 / max(mb_s, 1e-9) / 3600:.1f} h for {gigabytes:g} GB.")
        emit()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", choices=["cases", "regex", "work", "stream"], action="append")
    ap.add_argument("--case", help="only cases whose name contains this")
    ap.add_argument("--sizes", default="25000,100000", help="two input sizes n,4n for `cases`")
    ap.add_argument("--regex-n", type=int, default=5_000)
    ap.add_argument("--timeout", type=float, default=300)
    ap.add_argument("--gigabytes", type=float, default=1.0)
    ap.add_argument("--default-seconds", type=float, default=900)
    args = ap.parse_args()
    only = set(args.only or ["cases", "regex", "work", "stream"])
    emit("# ocrfix robustness benchmark")
    emit()
    emit(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs; `OCRFIX_CACHE_DIR={os.environ.get('OCRFIX_CACHE_DIR', '(default)')}`; "
         f"{time.strftime('%Y-%m-%d %H:%M')}.")
    emit()
    if "work" in only:
        bench_work()
    if "regex" in only:
        bench_regex(args.regex_n)
    if "cases" in only:
        bench_cases([int(x) for x in args.sizes.split(",")], args.timeout, args.case)
    if "stream" in only:
        bench_stream(args.gigabytes, args.default_seconds)
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = "robustness.md" if only == {"cases", "regex", "work", "stream"} else f"robustness-{'-'.join(sorted(only))}.md"
    (RESULTS / name).write_text("\n".join(OUT) + "\n", encoding="utf-8")
    print(f"\nwritten to {RESULTS / name}")


if __name__ == "__main__":
    main()
