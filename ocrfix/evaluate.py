"""Evaluation: score corrected text against ground truth.

The metrics are the usual OCR-evaluation definitions, computed exactly as
the team's reference scorer (``ocrscore.py``) does, so figures agree:

    CER = Levenshtein(chars(out), chars(gt)) / len(chars(gt))
    WER = Levenshtein(words(out), words(gt)) / len(words(gt))

after Unicode NFC and collapsing every run of white space to one space.
"reduction" is ``1 - after / before``: the share of the OCR's errors removed.
"harm" is the share of ground-truth words a pipeline changes when it is run
on the ground truth itself.

Data layouts:
  pages  a folder of ``NAME.ocr.txt`` + ``NAME.gt.txt`` (or ``NAME.gt_joined.txt``);
         one document per page; ``manifest.tsv`` (optional) gives each page a
         ``setting`` for per-setting figures
  lines  JSON Lines with ``ocr``, ``gold``, ``conf``; all lines form one document
         and the lines whose ``conf`` is selected are scored
"""
from __future__ import annotations

import json
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import regex
from rapidfuzz.distance import Levenshtein

_WS = regex.compile(r"\s+")


def norm(text: str) -> str:
    return _WS.sub(" ", unicodedata.normalize("NFC", text)).strip()


def errors(out: str, gt: str) -> tuple[int, int, int, int]:
    """(char edits, gt chars, word edits, gt words) after normalisation."""
    o, g = norm(out), norm(gt)
    ow, gw = o.split(" ") if o else [], g.split(" ") if g else []
    return Levenshtein.distance(o, g), len(g), Levenshtein.distance(ow, gw), len(gw)


def merged_blocks(a, b) -> list[tuple[int, int, int, int]]:
    """The regions where sequences ``a`` and ``b`` differ, adjacent edits merged:
    ``(a_start, a_end, b_start, b_end)`` (Levenshtein alignment)."""
    blocks: list[list[int]] = []
    for op in Levenshtein.opcodes(a, b):
        if op.tag == "equal":
            continue
        if blocks and blocks[-1][1] == op.src_start and blocks[-1][3] == op.dest_start:
            blocks[-1][1], blocks[-1][3] = op.src_end, op.dest_end
        else:
            blocks.append([op.src_start, op.src_end, op.dest_start, op.dest_end])
    return [tuple(b) for b in blocks]


@dataclass
class Sample:
    """One scored unit: a page, or the scored lines of a line-aligned document."""

    name: str
    ocr: str                     # the whole document fed to the corrector
    gold: str                    # the whole ground truth (for --no-harm)
    setting: str = ""
    keep: list[int] | None = None  # lines layout: indices of the lines to score
    meta: dict = field(default_factory=dict)  # the page's manifest.tsv row, if any


@dataclass
class Score:
    char_errors: int = 0
    chars: int = 0
    word_errors: int = 0
    words: int = 0

    def add(self, e: tuple[int, int, int, int]) -> None:
        self.char_errors += e[0]
        self.chars += e[1]
        self.word_errors += e[2]
        self.words += e[3]

    @property
    def cer(self) -> float:
        return self.char_errors / max(self.chars, 1)

    @property
    def wer(self) -> float:
        return self.word_errors / max(self.words, 1)


@dataclass
class Report:
    before: Score = field(default_factory=Score)
    after: Score = field(default_factory=Score)
    docs: int = 0
    seconds: float = 0.0
    words_in: int = 0
    harmed: int = 0
    harm_words: int = 0
    confusions: Counter = field(default_factory=Counter)   # (truth, output) char pairs still wrong
    wrong_words: Counter = field(default_factory=Counter)  # (output, truth) word pairs still wrong

    def merge(self, other: "Report") -> "Report":
        """Add ``other``'s counts to this report (scores of disjoint samples)."""
        for mine, theirs in ((self.before, other.before), (self.after, other.after)):
            mine.add((theirs.char_errors, theirs.chars, theirs.word_errors, theirs.words))
        self.docs += other.docs
        self.seconds += other.seconds
        self.words_in += other.words_in
        self.harmed += other.harmed
        self.harm_words += other.harm_words
        self.confusions.update(other.confusions)
        self.wrong_words.update(other.wrong_words)
        return self

    def as_dict(self) -> dict:
        b, a = self.before, self.after
        d = {"docs": self.docs, "seconds": round(self.seconds, 3)}
        if b.chars:
            d.update(
                gt_chars=b.chars,
                cer_before=round(b.cer, 5),
                cer_after=round(a.cer, 5),
                cer_reduction=round(1 - a.cer / b.cer, 4) if b.cer else 0.0,
                wer_before=round(b.wer, 5),
                wer_after=round(a.wer, 5),
                wer_reduction=round(1 - a.wer / b.wer, 4) if b.wer else 0.0,
                words_per_second=round(self.words_in / self.seconds, 1) if self.seconds else None,
            )
        if self.harm_words:
            d.update(gt_words=self.harm_words, words_changed=self.harmed, harm_rate=round(self.harmed / self.harm_words, 5))
        return d


def _read_text(path: Path) -> str:
    """A data file's text; a file that is not UTF-8 is a ValueError naming it
    (the codec's message names only a byte position)."""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path.name}: not UTF-8 text (byte offset {exc.start})") from None


def load_pages(folder: str | Path, joined: bool = False) -> list[Sample]:
    folder = Path(folder)
    manifest: dict[str, dict] = {}
    if (folder / "manifest.tsv").exists():
        rows = _read_text(folder / "manifest.tsv").splitlines()
        head = rows[0].split("\t")
        for row in rows[1:]:
            rec = dict(zip(head, row.split("\t")))
            manifest[rec.get("name", "")] = rec
    samples = []
    for ocr in sorted(folder.glob("*.ocr.txt")):
        name = ocr.name[: -len(".ocr.txt")]
        gt = folder / (name + (".gt_joined.txt" if joined else ".gt.txt"))
        if gt.exists():
            meta = manifest.get(name, {})
            samples.append(Sample(name, _read_text(ocr), _read_text(gt),
                                  meta.get("setting", ""), meta=meta))
    if not samples:
        raise FileNotFoundError(f"no NAME.ocr.txt + NAME.gt.txt pairs in {folder}")
    return samples


def load_lines(path: str | Path, conf: Iterable[str] = ("high",)) -> list[Sample]:
    """The lines layout: one JSON object per line with ``ocr`` and ``gold``
    strings (and a ``conf`` string, default ``high``); a line that is not
    such an object is a ValueError naming the line."""
    lines = _read_text(Path(path)).split("\n")  # \n only: JSON strings may hold U+2028 or U+0085 raw
    rows = [_row(l, n) for n, l in enumerate(lines, 1) if l.strip()]
    wanted = set(conf)
    keep = [i for i, r in enumerate(rows) if r.get("conf", "high") in wanted]
    ocr = "\n".join(r["ocr"] for r in rows) + "\n"
    gold = "\n".join(r["gold"] for r in rows) + "\n"
    return [Sample(Path(path).name, ocr, gold, "", keep)]


def _row(line: str, line_no: int) -> dict:
    """One line of the lines layout, checked: an object whose ``ocr`` and ``gold`` are strings."""
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:  # its own "line 1" is the line's, not the file's
        raise ValueError(f"line {line_no}: not valid JSON ({exc.msg}, column {exc.colno})") from None
    if not isinstance(row, dict):
        raise ValueError(f"line {line_no}: not a JSON object")
    for key in ("ocr", "gold"):
        if not isinstance(row.get(key), str):
            raise ValueError(f'line {line_no}: "{key}" must be a string')
    if not isinstance(row.get("conf", "high"), str):
        raise ValueError(f'line {line_no}: "conf" must be a string')
    return row


def _scored_pairs(sample: Sample, out: str, use_gold_input: bool = False) -> list[tuple[str, str, str]]:
    """(input, output, truth) pieces to score: the page, or each kept line."""
    if sample.keep is None:
        return [(sample.gold if use_gold_input else sample.ocr, out, sample.gold)]
    src = (sample.gold if use_gold_input else sample.ocr).split("\n")
    out_lines = out.split("\n")
    gold_lines = sample.gold.split("\n")
    if len(out_lines) != len(src):
        raise ValueError(f"{sample.name}: {len(src)} lines in, {len(out_lines)} out; a filter must keep the line count")
    return [(src[i], out_lines[i], gold_lines[i]) for i in sample.keep]


def evaluate(
    correct: Callable[[str], str],
    samples: list[Sample],
    no_harm: bool = False,
    analyse: bool = True,
) -> Report:
    """Run ``correct`` on every sample (one call per document) and score it."""
    report = Report()
    for sample in samples:
        source = sample.gold if no_harm else sample.ocr
        t0 = time.perf_counter()
        out = correct(source)
        report.seconds += time.perf_counter() - t0
        report.docs += 1
        for inp, o, g in _scored_pairs(sample, out, no_harm):
            if no_harm:
                gw, ow = norm(g).split(" "), norm(o).split(" ")
                report.harmed += Levenshtein.distance(gw, ow)
                report.harm_words += len(gw)
                if analyse:
                    _collect_words(report.wrong_words, o, g)
                continue
            report.before.add(errors(inp, g))
            report.after.add(errors(o, g))
            report.words_in += len(norm(inp).split(" "))
            if analyse:
                _collect(report, o, g)
    return report


def _collect_words(counter: Counter, out: str, gt: str) -> None:
    ow, gw = norm(out).split(" "), norm(gt).split(" ")
    for op in Levenshtein.opcodes(ow, gw):
        if op.tag != "equal":
            counter[(" ".join(ow[op.src_start : op.src_end]), " ".join(gw[op.dest_start : op.dest_end]))] += 1


def _collect(report: Report, out: str, gt: str) -> None:
    o, g = norm(out), norm(gt)
    for op in Levenshtein.opcodes(g, o):
        if op.tag != "equal":
            report.confusions[(g[op.src_start : op.src_end], o[op.dest_start : op.dest_end])] += 1
    _collect_words(report.wrong_words, out, gt)


def by_setting(samples: list[Sample]) -> dict[str, list[Sample]]:
    groups: dict[str, list[Sample]] = {}
    for s in samples:
        groups.setdefault(s.setting or "all", []).append(s)
    return groups


def format_table(rows: list[tuple[str, dict]]) -> str:
    """A plain-text table of several reports (label, report dict)."""
    cols = ["cer_before", "cer_after", "cer_reduction", "wer_before", "wer_after", "wer_reduction", "harm_rate",
            "contribution", "words_per_second"]
    present = [c for c in cols if any(c in d for _, d in rows)]
    width = max([len(label) for label, _ in rows] + [8])
    lines = [f"{'':<{width}}  " + "  ".join(f"{c:>15}" for c in present)]
    for label, d in rows:
        cells = []
        for c in present:
            v = d.get(c)
            if v is None:
                cells.append(f"{'':>15}")
            elif c == "words_per_second":
                cells.append(f"{v:>15,.0f}")
            else:
                cells.append(f"{v:>15.4f}" if isinstance(v, float) else f"{v:>15}")
        lines.append(f"{label:<{width}}  " + "  ".join(cells))
    return "\n".join(lines)


def ablate(pipeline, samples: list[Sample], no_harm: bool = False) -> dict[str, dict]:
    """Score ``pipeline`` with each of its steps removed in turn.

    Returns ``{step name: report dict}`` for the pipeline without that step;
    compared with the full pipeline's figures this shows what each corrector
    contributes. The step objects (and the loaded lexicon) are shared, so
    each rerun costs only the correction time. A step that joins lines is
    kept in ``join_lines`` mode (the pipeline would add it back).
    """
    from .pipeline import Pipeline

    results: dict[str, dict] = {}
    try:
        for i, step in enumerate(pipeline.steps):
            if pipeline.join_lines and step.changes_lines:
                continue
            reduced = Pipeline(pipeline.steps[:i] + pipeline.steps[i + 1 :], min_confidence=pipeline.min_confidence,
                               resources=pipeline.resources, max_line_chars=pipeline.max_line_chars,
                               join_lines=pipeline.join_lines)
            results[step.name] = evaluate(reduced.fix, samples, no_harm=no_harm, analyse=False).as_dict()
    finally:  # the shared steps were configured for the reduced chains; restore them
        for i, step in enumerate(pipeline.steps):
            step.configure(pipeline.steps[i + 1 :])
    return results
