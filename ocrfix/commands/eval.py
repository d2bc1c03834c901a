"""``ocrfix eval DATA``: score ocrfix against ground truth (metrics in ocrfix.evaluate).

What a user with their own scans and transcriptions runs to see whether
ocrfix helps: error rates before and after, words harmed, what each
corrector contributes (``--ablate``) and which errors are left.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

EVAL_EPILOG = """\b
DATA is one of:
  a folder of NAME.ocr.txt + NAME.gt.txt pairs (one document per page;
    an optional manifest.tsv with a `setting` column gives per-setting rows)
  a .jsonl file of lines {"ocr": ..., "gold": ..., "conf": "high"|"low"|"na"}
    (all lines form one document; the lines with --conf are scored)
  an OCR text file, with its transcription given by --gt

\b
Examples:
  ocrfix eval pages/                        # table: CER/WER before, after, removed
  ocrfix eval pages/ --no-harm              # share of correct words changed
  ocrfix eval lines.jsonl --conf high,low --json
  ocrfix eval pages/ --ablate               # what each corrector contributes
  ocrfix eval pages/ --setting S1,S2         # only these manifest settings
  ocrfix eval scan.txt --gt truth.txt --errors 20
  ocrfix eval pages/ --joined               # --join-lines against NAME.gt_joined.txt
"""


@click.command("eval", epilog=EVAL_EPILOG)
@click.argument("data", type=click.Path(exists=True))
@click.option("--gt", "gt_path", type=click.Path(exists=True, dir_okay=False), help="Ground truth for a single OCR text file.")
@click.option("--conf", default="high", show_default=True, metavar="A,B", help="Lines layout: which `conf` values to score.")
@click.option("--setting", "only_settings", metavar="A,B", help="Pages: score only the pages of these manifest settings.")
@click.option("--joined", is_flag=True, help="Pages: correct with --join-lines and score against NAME.gt_joined.txt.")
@click.option("--no-harm", is_flag=True, help="Correct the ground truth itself and report the share of its words changed.")
@click.option("--ablate", is_flag=True, help="Rerun with each corrector removed and show what each one contributes.")
@click.option("--errors", "top", type=click.IntRange(min=0), default=10, show_default=True,
              help="List the N most frequent remaining character confusions and wrong words (0: none).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (keys as ocrscore.py's, plus details).")
@click.option("--min-confidence", type=click.FloatRange(0.0, 1.0), default=None, help="Apply only edits at least this confident.")
@click.option("--steps", "steps_spec", metavar="A,B,...", help="Correctors to run, in order (see `ocrfix steps`).")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False), help="TOML config file.")
@click.option("--words", "word_files", multiple=True, type=click.Path(exists=True, dir_okay=False), help="Extra vocabulary (repeatable).")
def eval_command(data, gt_path, conf, only_settings, joined, no_harm, ablate, top, as_json, min_confidence, steps_spec, config_path, word_files):
    """Score ocrfix on DATA against its ground truth.

    Reports the character and word error rates of the OCR text and of
    ocrfix's output (after NFC and collapsing white space, exactly as the
    usual OCR metrics), the share of errors removed, words per second, and
    the errors that remain.
    """
    from ..cli import build_pipeline
    from ..evaluate import Report, Sample, ablate as run_ablation, by_setting, evaluate, format_table, load_lines, load_pages

    try:
        samples = _load(Path(data), gt_path, conf, joined, load_pages, load_lines, Sample)
    except (OSError, ValueError, KeyError, UnicodeDecodeError) as exc:
        _fail(f"cannot read {data}: {exc}")
    if only_settings:
        wanted = {x.strip() for x in only_settings.split(",") if x.strip()}
        samples = [s for s in samples if s.setting in wanted]
        if not samples:
            _fail(f"no pages of setting {only_settings} in {data}")
    pipeline = build_pipeline(config_path, steps_spec, min_confidence, word_files, True if joined else None)

    try:
        groups = by_setting(samples)  # one report per manifest setting, summed for the whole
        reports = {name: evaluate(pipeline.fix, group, no_harm=no_harm, analyse=top > 0) for name, group in sorted(groups.items())}
        report = Report()
        for part in reports.values():
            report.merge(part)
        settings = {name: part.as_dict() for name, part in reports.items()} if len(reports) > 1 else {}
        ablation = run_ablation(pipeline, samples, no_harm=no_harm) if ablate else {}
    except ValueError as exc:  # a line-count change in the lines layout
        _fail(str(exc))

    result = report.as_dict()
    key = "harm_rate" if no_harm else "cer_reduction"
    for d in ablation.values():  # what the step adds: the full chain's figure minus the chain's without it
        if key in d and key in result:
            d["contribution"] = round(result[key] - d[key], 4)
    if settings:
        result["settings"] = settings
    if ablation:
        result["ablation"] = ablation
    if top:
        result["remaining"] = {
            "confusions": [{"truth": t, "output": o, "count": n} for (t, o), n in report.confusions.most_common(top)],
            "words": [{"output": o, "truth": t, "count": n} for (o, t), n in report.wrong_words.most_common(top)],
        }
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
        return

    rows = [(name, d) for name, d in settings.items()] + [("all" if settings else Path(data).name, result)]
    click.echo(f"ocrfix eval: {report.docs} document(s), steps {','.join(pipeline.step_names) or 'none'}"
               + (" (on the ground truth: --no-harm)" if no_harm else ""))
    click.echo(format_table(rows))
    if ablation:
        click.echo("\nAblation (each corrector removed in turn; the change it makes to the figures):")
        click.echo(format_table([("all steps", result), *((f"without {k}", v) for k, v in ablation.items())]))
    if top:
        rem = result["remaining"]
        if rem["confusions"]:
            click.echo(f"\nTop remaining character errors (truth → output):")
            for c in rem["confusions"]:
                click.echo(f"  {c['count']:>6}  {_show(c['truth'])} → {_show(c['output'])}")
        if rem["words"]:
            click.echo(f"\nTop {'changed' if no_harm else 'still wrong'} words (output → truth):")
            for c in rem["words"]:
                click.echo(f"  {c['count']:>6}  {_show(c['output'])} → {_show(c['truth'])}")


def _load(path: Path, gt_path, conf, joined, load_pages, load_lines, Sample) -> list:
    if path.is_dir():
        return load_pages(path, joined=joined)
    if gt_path:
        from ..evaluate import _read_text

        text = _read_text(path)
        try:
            gold = _read_text(Path(gt_path))
        except (OSError, ValueError) as exc:
            raise click.UsageError(f"cannot read {gt_path}: {exc}") from None
        return [Sample(path.name, text, gold)]
    if path.suffix in (".jsonl", ".json"):
        return load_lines(path, [c.strip() for c in conf.split(",") if c.strip()])
    raise click.UsageError(f"{path}: give a folder of page pairs, a .jsonl file, or an OCR text file with --gt")


def _show(s: str) -> str:
    return repr(s) if not s or s != s.strip() or not s.isprintable() else s


def _fail(message: str) -> None:
    click.echo(f"ocrfix: error: {message}", err=True)
    sys.exit(1)
