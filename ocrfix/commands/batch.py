"""``ocrfix batch IN_DIR OUT_DIR``: correct a directory tree (logic in ocrfix.batch)."""
from __future__ import annotations

import sys
from pathlib import Path

import click

BATCH_EPILOG = """\b
Examples:
  ocrfix batch scans/ clean/                     # every **/*.txt, one process per core
  ocrfix batch -j 2 --glob '*.ocr.txt' in/ out/  # two processes, other files
  ocrfix batch --edits-dir edits/ in/ out/       # also <file>.edits.jsonl per file
  ocrfix batch --dask local:4 in/ out/           # Dask: local cluster, 4 workers
  ocrfix batch --dask tcp://host:8786 in/ out/   # Dask: running scheduler

Run it again to resume: files whose output is up to date are skipped.
"""


@click.command("batch", epilog=BATCH_EPILOG)
@click.argument("in_dir", type=click.Path(exists=True, file_okay=False))
@click.argument("out_dir", type=click.Path(file_okay=False))
@click.option("--glob", "pattern", default="**/*.txt", show_default=True, help="Which files under IN_DIR to correct.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, help="Worker processes (default: one per core).")
@click.option("--dask", "dask_address", metavar="ADDRESS|local:N",
              help="Run on a Dask scheduler, or on a local Dask cluster of N worker processes (needs ocrfix[batch]).")
@click.option("--edits-dir", type=click.Path(file_okay=False), help="Write each file's edits to EDITS_DIR/<file>.edits.jsonl.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary (errors are still reported).")
@click.option("--min-confidence", type=click.FloatRange(0.0, 1.0), default=None, help="Apply only edits at least this confident (default 0.5).")
@click.option("--steps", "steps_spec", metavar="A,B,...", help="Correctors to run, in order ('none' for a plain copy).")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False), help="TOML config file (steps, options, word lists).")
@click.option("--words", "word_files", multiple=True, type=click.Path(exists=True, dir_okay=False), help="Extra vocabulary, one word per line (repeatable).")
@click.option("--errors", type=click.Choice(["strict", "replace", "passthrough"]), default="strict", show_default=True,
              help="Invalid UTF-8: fail the file, replace with U+FFFD, or pass the bytes through unchanged.")
@click.option("--join-lines", is_flag=True, default=None, help="Rejoin words broken at line ends; fewer lines may come out.")
def batch_command(in_dir, out_dir, pattern, jobs, dask_address, edits_dir, quiet, min_confidence, steps_spec,
                  config_path, word_files, errors, join_lines):
    """Correct every text file under IN_DIR into the same place under OUT_DIR.

    Each file is its own document, corrected exactly as `ocrfix < file`
    would. Outputs appear atomically; a file that fails (invalid UTF-8,
    binary, unreadable) is reported and the others go on. Exit code 1 if
    any file failed.
    """
    from ..batch import BatchError, PipelineSpec, get_pipeline, run_batch
    from ..cli import _parse_steps, _read_word_list
    from ..config import ConfigError
    from ..registry import UnknownCorrector

    if dask_address is not None:
        if jobs is not None:
            raise click.UsageError("-j sets local worker processes; with --dask use local:N")
        if dask_address.startswith("local:") and not dask_address[6:].isdigit() or dask_address == "local:0":
            raise click.UsageError(f"--dask local:N needs a number of workers, not {dask_address!r}")
    for path in word_files:  # a bad word list is named here (the workers read it again)
        _read_word_list(path)
    try:
        spec = PipelineSpec(
            config=str(Path(config_path).resolve()) if config_path else None,
            steps=tuple(_parse_steps(steps_spec)) if steps_spec is not None else None,
            min_confidence=min_confidence,
            word_files=tuple(str(Path(p).resolve()) for p in word_files),
            join_lines=join_lines,
            errors=errors,
        )
        get_pipeline(spec)  # option errors now, before any work; reused with -j 1
    except (OSError, UnicodeDecodeError) as exc:  # (a UnicodeDecodeError is a ValueError too: first)
        _fail(f"cannot read word list: {exc}")
    except (ConfigError, UnknownCorrector, TypeError, ValueError) as exc:
        raise click.UsageError(str(exc)) from None

    bar = None

    def on_start(todo: int, skipped: int) -> None:
        nonlocal bar
        from tqdm import tqdm

        bar = tqdm(total=todo, unit="file", file=sys.stderr, disable=quiet or not sys.stderr.isatty(), dynamic_ncols=True)

    def on_result(result) -> None:
        for message in result.warnings:
            bar.write(f"ocrfix: warning: {result.rel}: {message}", file=sys.stderr)
        if not result.ok:
            bar.write(f"ocrfix: error: {result.error}", file=sys.stderr)
        bar.update()

    try:
        summary = run_batch(in_dir, out_dir, spec, pattern=pattern, jobs=jobs, edits_dir=edits_dir,
                            dask=dask_address, on_start=on_start, on_result=on_result)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    except BatchError as exc:
        if bar is not None:
            bar.close()
        if exc.summary is not None and not quiet:
            click.echo(f"ocrfix batch: {exc.summary}", err=True)
        _fail(str(exc))
    bar.close()
    if not quiet:
        click.echo(f"ocrfix batch: {summary}", err=True)
    sys.exit(1 if summary.failed else 0)


def _fail(message: str) -> None:
    click.echo(f"ocrfix: error: {message}", err=True)
    sys.exit(1)
