#!/usr/bin/env python3
"""ocrfix side by side with the correctors a user would otherwise reach for.

    pip install -e ".[bench]"
    python benchmarks/peers.py [--pages N] [--tools identity,ftfy,hunspell,symspell,ocrfix]
                               [--update-readme]

Every tool corrects the same inputs in the same run:

* ``../shared/bench/tesseract-dev`` (100 Tesseract pages, settings S1-S5;
  ``--pages N`` takes the first N pages of each setting),
* ``../shared/enkoping/dev.jsonl`` (the Enköping scan; high-confidence lines
  scored, all lines given as one document),
* and, for harm, the ground truth of both plus the clean sample reports.

The tools:

``identity``  the input unchanged (the baseline: CER before).
``ftfy``      ``ftfy.fix_text`` (Unicode repair only).
``hunspell``  Hunspell top-1: each word the Swedish Hunspell dictionary
              (``hunspell-sv``) rejects is replaced by its first suggestion.
              Driven through ``libhunspell`` with ctypes, so only the runtime
              library is needed (Debian ``libhunspell-1.7-0``); the ``hunspell``
              Python binding would need ``libhunspell-dev`` to build.
``symspell``  SymSpell (symspellpy, edit distance 2) over wordfreq's Swedish
              list: each word not in the list is replaced by its top lookup.
``ocrfix``    ``ocrfix.Pipeline()`` with its defaults.

Both peers get the same word tokens, ``\\S+`` chunks stripped of leading and
trailing punctuation (a line-end hyphen included), and leave alone tokens
without letters and ALL-CAPS acronyms, so they are not blamed for touching
numbers or breaking hyphenation. Suggestions are
memoised per token (as any sensible wrapper would).

Each tool runs in its own subprocess: it loads (dictionary, index, lexicon:
all from a warm cache), corrects one tiny warm-up text, then every document
once. Reported per tool: CER before/after and share of character errors
removed per setting, WER removed, harm (share of correct words changed),
words/s over the OCR documents, start-up (process wall time minus correction
time) and peak RSS (the worker's ``VmHWM``). Results go to ``benchmarks/results/peers.json``,
``peers.md`` and ``peers.png``; ``--update-readme`` copies the table into
``benchmarks/README.md``. Not part of the test suite.
"""
from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
RESULTS = ROOT / "benchmarks" / "results"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

TOOLS = ("identity", "ftfy", "hunspell", "symspell", "ocrfix")
LEAD = "(\"“”‘«*•'"
TRAIL = ".,;:!?)\"”»’'%-–"
WARM_UP = "Socialnämnden beslutade om hushall for ar 2024.\n"


def bench_cache() -> Path:
    base = os.environ.get("OCRFIX_CACHE_DIR") or os.path.join(Path.home(), ".cache", "ocrfix")
    path = Path(base) / "bench"
    path.mkdir(parents=True, exist_ok=True)
    return path


# --- the peers -------------------------------------------------------------------------

class TokenCorrector:
    """Replace each word token the checker rejects by its top suggestion."""

    def __init__(self) -> None:
        import regex

        self._letter = regex.compile(r"\p{L}")
        self._chunk = regex.compile(r"\S+")
        self.memo: dict[str, str] = {}

    def known(self, word: str) -> bool:
        raise NotImplementedError

    def suggest(self, word: str) -> str | None:
        raise NotImplementedError

    def fix_word(self, core: str) -> str:
        if core in self.memo:
            return self.memo[core]
        out = core
        letters = [c for c in core if c.isalpha()]
        acronym = len(letters) >= 2 and all(c.isupper() for c in letters)
        if self._letter.search(core) and not acronym and not self.known(core):
            best = self.suggest(core)
            if best:
                out = best
        self.memo[core] = out
        return out

    def __call__(self, text: str) -> str:
        def repl(m) -> str:
            chunk = m.group()
            i, j = 0, len(chunk)
            while i < j and chunk[i] in LEAD:
                i += 1
            while j > i and chunk[j - 1] in TRAIL:
                j -= 1
            core = chunk[i:j]
            return chunk[:i] + self.fix_word(core) + chunk[j:] if core else chunk

        return self._chunk.sub(repl, text)


def restore_case(ocr: str, word: str) -> str:
    if ocr[:1].isupper() and word[:1].islower():
        return word[:1].upper() + word[1:]
    return word


class HunspellTop1(TokenCorrector):
    """Hunspell's first suggestion, through libhunspell (C) with ctypes."""

    def __init__(self) -> None:
        super().__init__()
        from ocrfix.lexicon.hunspell import find_dictionary

        aff, dic = find_dictionary()
        name = ctypes.util.find_library("hunspell-1.7") or "libhunspell-1.7.so.0"
        lib = ctypes.CDLL(name)
        lib.Hunspell_create.restype = ctypes.c_void_p
        lib.Hunspell_create.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
        lib.Hunspell_spell.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
        lib.Hunspell_suggest.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.POINTER(ctypes.c_char_p)), ctypes.c_char_p]
        lib.Hunspell_free_list.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.POINTER(ctypes.c_char_p)), ctypes.c_int]
        self.lib = lib
        self.handle = lib.Hunspell_create(str(aff).encode(), str(dic).encode())

    def known(self, word: str) -> bool:
        return bool(self.lib.Hunspell_spell(self.handle, word.encode("utf-8", "replace")))

    def suggest(self, word: str) -> str | None:
        out = ctypes.POINTER(ctypes.c_char_p)()
        n = self.lib.Hunspell_suggest(self.handle, ctypes.byref(out), word.encode("utf-8", "replace"))
        try:
            return out[0].decode("utf-8", "replace") if n > 0 else None
        finally:
            if n > 0:
                self.lib.Hunspell_free_list(self.handle, ctypes.byref(out), n)


def symspell_pickle() -> Path:
    return bench_cache() / "symspell-sv-wordfreq.pickle"


def build_symspell() -> None:
    """Build the SymSpell index over wordfreq's Swedish list once (cached)."""
    path = symspell_pickle()
    if path.exists():
        return
    from symspellpy import SymSpell
    from wordfreq import iter_wordlist, word_frequency

    t0 = time.perf_counter()
    sym = SymSpell(max_dictionary_edit_distance=2, prefix_length=7)
    for word in iter_wordlist("sv", wordlist="best"):
        sym.create_dictionary_entry(word, max(1, int(word_frequency(word, "sv") * 1e9)))
    sym.save_pickle(str(path))
    print(f"  built the SymSpell index ({len(sym.words):,} words) in {time.perf_counter() - t0:.0f} s", file=sys.stderr)


class SymSpellTop1(TokenCorrector):
    """SymSpell's top lookup (edit distance 2) over wordfreq's Swedish list."""

    def __init__(self) -> None:
        super().__init__()
        from symspellpy import SymSpell, Verbosity

        self.sym = SymSpell(max_dictionary_edit_distance=2, prefix_length=7)
        self.sym.load_pickle(str(symspell_pickle()))
        self.top = Verbosity.TOP

    def known(self, word: str) -> bool:
        return word.lower() in self.sym.words

    def suggest(self, word: str) -> str | None:
        found = self.sym.lookup(word.lower(), self.top, max_edit_distance=2)
        return restore_case(word, found[0].term) if found else None


def load_tool(name: str):
    if name == "identity":
        return lambda text: text
    if name == "ftfy":
        import ftfy

        return ftfy.fix_text
    if name == "hunspell":
        return HunspellTop1()
    if name == "symspell":
        return SymSpellTop1()
    if name == "ocrfix":
        from ocrfix import Pipeline

        return Pipeline().fix
    raise SystemExit(f"unknown tool {name!r}")


def worker(name: str, jobs_path: Path, out_path: Path) -> None:
    """Run one tool over every job; write outputs and per-job seconds."""
    tool = load_tool(name)
    tool(WARM_UP)
    jobs = json.loads(jobs_path.read_text(encoding="utf-8"))
    results = []
    for job in jobs:
        t0 = time.perf_counter()
        out = tool(job["text"])
        results.append({"id": job["id"], "out": out, "seconds": time.perf_counter() - t0})
    out_path.write_text(json.dumps({"results": results, "peak_rss_mb": peak_rss_mb()}, ensure_ascii=False),
                        encoding="utf-8")


def peak_rss_mb() -> float:
    """This process's peak resident memory: VmHWM belongs to the address space
    made at exec, unlike ``ru_maxrss``, which inherits the forking parent's."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- the run ---------------------------------------------------------------------------

def gather(pages_per_setting: int | None):
    """{group: [Sample]} for scoring, and the clean-report samples for harm."""
    from ocrfix.evaluate import by_setting, load_lines, load_pages
    from quality import clean_samples

    groups: dict[str, list] = {}
    pages = by_setting(load_pages(SHARED / "bench" / "tesseract-dev"))
    for setting in sorted(pages):
        groups[setting] = pages[setting][:pages_per_setting] if pages_per_setting else pages[setting]
    groups["Enköping"] = load_lines(SHARED / "enkoping" / "dev.jsonl")
    return groups, clean_samples()


def run_tool(name: str, texts: list[str], tmp: Path) -> dict:
    """Correct ``texts`` with one tool in a fresh subprocess; outputs, times, RSS."""
    jobs = tmp / "jobs.json"
    jobs.write_text(json.dumps([{"id": i, "text": t} for i, t in enumerate(texts)], ensure_ascii=False), encoding="utf-8")
    out = tmp / f"{name}.json"
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, __file__, "--worker", name, str(jobs), str(out)])
    proc.wait()
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"{name} failed (exit {proc.returncode})")
    report = json.loads(out.read_text(encoding="utf-8"))
    results = report["results"]
    correcting = sum(r["seconds"] for r in results)
    return {
        "outputs": [r["out"] for r in results],
        "seconds": [r["seconds"] for r in results],
        "wall_s": wall,
        "startup_s": wall - correcting,
        "peak_rss_mb": report["peak_rss_mb"],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--worker", nargs=3, metavar=("TOOL", "JOBS", "OUT"), help=argparse.SUPPRESS)
    ap.add_argument("--tools", default=",".join(TOOLS))
    ap.add_argument("--pages", type=int, default=None, help="the first N pages of each setting (default: all)")
    ap.add_argument("--update-readme", action="store_true", help="copy the table into benchmarks/README.md")
    args = ap.parse_args()
    if args.worker:
        worker(args.worker[0], Path(args.worker[1]), Path(args.worker[2]))
        return
    if not (SHARED / "bench" / "tesseract-dev").is_dir():
        raise SystemExit(f"{SHARED} not found: this benchmark needs the team's measurement data")
    tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    if "symspell" in tools:
        build_symspell()
    from ocrfix.evaluate import Report, evaluate, norm

    groups, clean = gather(args.pages)
    # one job list: OCR text of every document, then every ground truth and clean report (harm)
    ocr_docs = [(g, s) for g, samples in groups.items() for s in samples]
    harm_docs = ocr_docs + [("clean", s) for s in clean]
    texts = [s.ocr for _, s in ocr_docs] + [s.gold for _, s in harm_docs]
    words_in = sum(len(norm(s.ocr).split(" ")) for _, s in ocr_docs)

    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="ocrfix-peers-") as tmp:
        for name in tools:
            print(f"  {name} ...", file=sys.stderr, flush=True)
            run = run_tool(name, texts, Path(tmp))
            outputs = run["outputs"]
            n_ocr = len(ocr_docs)
            per_group: dict[str, dict] = {}
            total = Report()
            for g in groups:
                idx = [i for i, (gg, _) in enumerate(ocr_docs) if gg == g]
                lookup = {ocr_docs[i][1].ocr: outputs[i] for i in idx}
                rep = evaluate(lambda text: lookup[text], [ocr_docs[i][1] for i in idx], analyse=False)
                per_group[g] = rep.as_dict()
                if g.startswith("S"):
                    total.merge(rep)
            per_group["S1-S5"] = total.as_dict()
            harm = Report()
            for k, (g, s) in enumerate(harm_docs):
                out = outputs[n_ocr + k]
                harm.merge(evaluate(lambda text, out=out: out, [s], no_harm=True, analyse=False))
            ocr_seconds = sum(run["seconds"][:n_ocr])
            results[name] = {
                "groups": per_group,
                "harm_rate": harm.harmed / max(harm.harm_words, 1),
                "harm_words": harm.harm_words,
                "words_changed": harm.harmed,
                "words_per_second": words_in / ocr_seconds if ocr_seconds else None,
                "startup_s": run["startup_s"],
                "peak_rss_mb": run["peak_rss_mb"],
                "wall_s": run["wall_s"],
            }
            print(f"    {name}: S1-S5 {per_group['S1-S5'].get('cer_reduction', 0):.1%} removed, "
                  f"harm {results[name]['harm_rate']:.3%}, wall {run['wall_s']:.0f} s", file=sys.stderr)

    meta = {
        "date": datetime.now().strftime("%Y-%m-%d %H:%M"),
        "command": "python benchmarks/peers.py" + (f" --pages {args.pages}" if args.pages else "")
                   + (f" --tools {args.tools}" if args.tools != ",".join(TOOLS) else ""),
        "python": sys.version.split()[0],
        "cpus": os.cpu_count(),
        "pages_per_setting": args.pages,
        "documents": {g: len(s) for g, s in groups.items()},
        "words_in": words_in,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "peers.json").write_text(json.dumps({"meta": meta, "tools": results}, indent=1, ensure_ascii=False) + "\n",
                                        encoding="utf-8")
    table = markdown(meta, results, list(groups) + ["S1-S5"])
    (RESULTS / "peers.md").write_text(table, encoding="utf-8")
    plot(results, list(groups), RESULTS / "peers.png")
    print(table)
    if args.update_readme:
        update_readme(table)


def markdown(meta: dict, results: dict, groups: list[str]) -> str:
    lines = [f"Measured {meta['date']} with `{meta['command']}` (Python {meta['python']}, {meta['cpus']} CPUs, "
             f"{sum(meta['documents'].values())} documents, {meta['words_in']:,} OCR words).", ""]
    lines.append("Share of character errors removed (CER before → after), per setting:")
    lines.append("")
    lines.append("| tool | " + " | ".join(groups) + " |")
    lines.append("|---|" + "---|" * len(groups))
    for name, r in results.items():
        cells = []
        for g in groups:
            d = r["groups"].get(g, {})
            cells.append(f"{d.get('cer_reduction', 0):.1%} ({d.get('cer_before', 0):.2%} → {d.get('cer_after', 0):.2%})")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", "Word errors removed, harm, speed and footprint:", "",
              "| tool | WER removed S1-S5 | WER removed Enköping | harm (correct words changed) | words/s | start-up s | peak RSS MB |",
              "|---|---|---|---|---|---|---|"]
    base = results.get("identity")
    for name, r in results.items():
        wps = r["words_per_second"]
        speed = "—" if name == "identity" or not wps else f"{wps:,.0f}"
        lines.append(
            f"| {name} | {r['groups']['S1-S5'].get('wer_reduction', 0):.1%} | "
            f"{r['groups'].get('Enköping', {}).get('wer_reduction', 0):.1%} | "
            f"{r['harm_rate']:.3%} ({r['words_changed']:,} of {r['harm_words']:,}) | "
            f"{speed} | {r['startup_s']:.2f} | {r['peak_rss_mb']:.0f} |")
    if base:
        lines += ["", f"Start-up includes the Python interpreter ({base['startup_s']:.2f} s for `identity`, the "
                  "baseline measured in the same run); every dictionary, index and lexicon was loaded from a warm cache."]
    return "\n".join(lines) + "\n"


def plot(results: dict, groups: list[str], path: Path) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("  matplotlib not installed: no plot (pip install -e '.[bench]')", file=sys.stderr)
        return
    names = [n for n in results if n != "identity"]
    width = 0.8 / (len(names) + 1)
    fig, ax = plt.subplots(figsize=(10, 4.5))
    xs = range(len(groups))
    before = [results[next(iter(results))]["groups"][g].get("cer_before", 0) * 100 for g in groups]
    ax.bar([x - 0.4 + width / 2 for x in xs], before, width, label="OCR (before)", color="#999999")
    for k, name in enumerate(names, 1):
        after = [results[name]["groups"][g].get("cer_after", 0) * 100 for g in groups]
        ax.bar([x - 0.4 + width / 2 + k * width for x in xs], after, width, label=name)
    ax.set_xticks(list(xs), groups)
    ax.set_ylabel("character error rate, %")
    ax.set_title("CER before and after correction, per setting and tool (lower is better)")
    ax.legend(ncol=len(names) + 1, fontsize="small")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def update_readme(table: str) -> None:
    readme = ROOT / "benchmarks" / "README.md"
    begin, end = "<!-- peers:begin -->", "<!-- peers:end -->"
    text = readme.read_text(encoding="utf-8")
    if begin not in text or end not in text:
        raise SystemExit(f"{readme} has no {begin} ... {end} section")
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    readme.write_text(head + begin + "\n" + table + end + tail, encoding="utf-8")


if __name__ == "__main__":
    main()
