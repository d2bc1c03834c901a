"""Command-line interface: ``ocrfix`` as a filter, plus sub-commands.

Exit codes: 0 success, 1 bad input (invalid UTF-8, binary data, unreadable
file), 2 usage error (unknown option or step, bad config).
"""
from __future__ import annotations

import json
import os
import re
import stat
import sys
from collections import Counter, deque
from pathlib import Path
from typing import IO, Iterable, Iterator

import click

EXIT_BAD_INPUT = 1
EXIT_USAGE = 2

FILTER_EPILOG = """\b
Examples:
  pdftotext scan.pdf - | ocrfix > clean.txt
  ocrfix report.txt -o clean.txt --edits edits.jsonl
  ocrfix --diff report.txt                 # what would change, as a diff
  ocrfix --steps unicode report.txt        # only Unicode clean-up
  ocrfix --words names.txt --min-confidence 0.8 < in.txt > out.txt
  ocrfix steps                             # list the correctors
"""


# Sub-commands living in their own modules, imported only when used (fast start-up).
LAZY_COMMANDS = {
    "eval": "ocrfix.commands.eval:eval_command",
    "batch": "ocrfix.commands.batch:batch_command",
}


class DefaultGroup(click.Group):
    """A group that runs the ``fix`` command when no sub-command is named."""

    default_command = "fix"

    def list_commands(self, ctx):
        return sorted(set(self.commands) | set(LAZY_COMMANDS))

    def get_command(self, ctx, name):
        if name in self.commands:
            return self.commands[name]
        target = LAZY_COMMANDS.get(name)
        if target is None:
            return None
        import importlib

        module, _, attr = target.partition(":")
        try:
            return getattr(importlib.import_module(module), attr)
        except ImportError:  # not written yet, or an optional extra is missing
            return None

    def parse_args(self, ctx, args):
        group_only = ("--help", "-h", "--version")
        known = set(self.commands) | set(LAZY_COMMANDS)
        if not args or (args[0] not in known and args[0] not in group_only):
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)

    def format_help(self, ctx, formatter):
        # `ocrfix --help` shows the filter's options first, then the commands.
        fix_cmd = self.commands[self.default_command]
        with click.Context(fix_cmd, info_name=ctx.info_name, parent=ctx.parent) as sub:
            fix_cmd.format_help(sub, formatter)
        formatter.write_paragraph()
        formatter.write_text("ocrfix --version prints the version.")
        with formatter.section("Commands"):
            rows = []
            for name in self.list_commands(ctx):
                cmd = self.get_command(ctx, name)
                if cmd is not None and name != self.default_command:
                    rows.append((name, cmd.get_short_help_str(60)))
            formatter.write_dl(rows)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("ocrfix")
    except PackageNotFoundError:  # pragma: no cover - source tree without install
        return "unknown"


@click.group(cls=DefaultGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="ocrfix", message="%(prog)s %(version)s")
def main() -> None:
    """Repair OCR-garbled Swedish text."""


@main.command("fix", epilog=FILTER_EPILOG)
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, allow_dash=True))
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Write here (atomically) instead of stdout.")
@click.option("--diff", "as_diff", is_flag=True, help="Print a unified diff of the changes instead of the text.")
@click.option("--edits", "edits_path", type=click.Path(dir_okay=False), help="Write every edit (span, before, after, corrector, confidence, reason) as JSON Lines.")
@click.option("--stats", is_flag=True, help="Print a summary of edits per corrector to stderr.")
@click.option("--min-confidence", type=click.FloatRange(0.0, 1.0), default=None, help="Apply only edits at least this confident (default 0.5).")
@click.option("--steps", "steps_spec", metavar="A,B,...", help="Correctors to run, in order ('none' for a plain copy). See `ocrfix steps`.")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False), help="TOML config file (steps, options, word lists).")
@click.option("--words", "word_files", multiple=True, type=click.Path(exists=True, dir_okay=False), help="Extra vocabulary, one word per line (repeatable).")
@click.option("--errors", type=click.Choice(["strict", "replace", "passthrough"]), default="strict", show_default=True,
              help="Invalid UTF-8: stop with an error, replace with U+FFFD, or pass the bytes through unchanged.")
@click.option("--max-line-chars", type=click.IntRange(min=1), default=None, help="Longer lines are passed through uncorrected (default 1,000,000).")
@click.option("--join-lines", is_flag=True, default=None,
              help="Rejoin words broken at line ends (verk-/samheten → verksamheten); fewer lines may come out.")
def fix_command(files, output, as_diff, edits_path, stats, min_confidence, steps_spec, config_path, word_files, errors, max_line_chars, join_lines):
    """Correct OCR text from FILES (or stdin) and write it to stdout.

    Every line comes out, in order, and nothing outside a corrected word is
    altered. With several FILES, each is corrected as its own document and
    the results are concatenated.
    """
    if as_diff and join_lines:
        raise click.UsageError("--diff compares line by line; it cannot be combined with --join-lines")
    pipeline = build_pipeline(config_path, steps_spec, min_confidence, word_files, join_lines, max_line_chars)

    sources = list(files) or ["-"]
    encode_errors = "surrogateescape" if errors == "passthrough" else "strict"
    counts: Counter[str] = Counter()
    edits_out = None
    try:
        edits_out = _open_text(edits_path) if edits_path else None
        with _output(output) as out:
            for src in sources:
                name = "<stdin>" if src == "-" else src
                for chunk in _fix_one(pipeline, src, name, errors, as_diff, edits_out, counts):
                    _write(out, chunk.encode("utf-8", encode_errors), output)
        _close(edits_out)
    except (_BadInput, _CannotWrite) as exc:
        _fail(str(exc))
    finally:
        _close(edits_out, quiet=True)  # after a failure (closed already if not)
    if stats:
        total = sum(counts.values())
        summary = ", ".join(f"{name} {n}" for name, n in counts.most_common()) or "none"
        click.echo(f"ocrfix: {total} edits ({summary})", err=True)



def build_pipeline(config_path, steps_spec, min_confidence, word_files, join_lines, max_line_chars=None):
    """The pipeline the shared CLI options describe (a usage error or a
    one-line failure if they are wrong); used by the filter and ``eval``."""
    from .config import ConfigError, check_cache_dir
    from .pipeline import Pipeline
    from .registry import UnknownCorrector

    words: list[str] = []
    for path in word_files:
        words.extend(_read_word_list(path))
    try:
        check_cache_dir()
        return Pipeline.from_config(
            config_path,
            steps=_parse_steps(steps_spec) if steps_spec is not None else None,
            min_confidence=min_confidence,
            max_line_chars=max_line_chars,
            extra_words=words or None,
            join_lines=join_lines,
        )
    except OSError as exc:  # a word list the config names
        _fail(f"cannot read {exc.filename or config_path}: {_reason(exc)}")
    except UnicodeDecodeError as exc:
        _fail(f"cannot read a word list named in {config_path}: not UTF-8 text (byte offset {exc.start})")
    except (ConfigError, UnknownCorrector, TypeError, ValueError) as exc:
        raise click.UsageError(str(exc)) from None


def _read_word_list(path: str) -> list[str]:
    """The words of a --words file (a one-line failure naming it if it cannot be read)."""
    from .resources import read_word_list

    try:
        return read_word_list(path)
    except OSError as exc:
        _fail(f"cannot read word list {path}: {_reason(exc)}")
    except UnicodeDecodeError as exc:
        _fail(f"cannot read word list {path}: not UTF-8 text (byte offset {exc.start})")


def _parse_steps(spec: str) -> list[str]:
    """The steps of --steps; an empty list is a usage error (a plain copy is ``--steps none``)."""
    from .config import parse_steps

    if not spec.strip(" ,"):
        raise click.UsageError("--steps is empty: name the steps (see `ocrfix steps`), or give 'none' for a plain copy")
    return parse_steps(spec)


class _BadInput(Exception):
    """Input that cannot be corrected; the message names it (exit 1)."""


class _CannotWrite(Exception):
    """The output or the edit log cannot be written; the message names it (exit 1)."""


def _reason(exc: OSError) -> str:
    """The system's words for an I/O error, without Python's decoration."""
    return exc.strerror or str(exc)


def _write(out: IO[bytes], data: bytes, output: str | None) -> None:
    """Write ``data`` to the output; an I/O error (a full disk) is a _CannotWrite."""
    try:
        out.write(data)
    except OSError as exc:
        raise _CannotWrite(f"cannot write {_output_name(output)}: {_reason(exc)}") from None


def _output_name(output: str | None) -> str:
    return "<stdout>" if output is None or output == "-" else output


def _close(fh: IO[str] | None, quiet: bool = False) -> None:
    """Close the edit log (if any); its last write happens here. ``quiet``:
    after another failure, whose message matters more."""
    if fh is None:
        return
    try:
        fh.close()
    except OSError as exc:
        if not quiet:
            raise _CannotWrite(f"cannot write {fh.name}: {_reason(exc)}") from None


def _fail(message: str) -> None:
    click.echo(f"ocrfix: error: {message}", err=True)
    sys.exit(EXIT_BAD_INPUT)


# A file of many overlong lines would print one warning per line: the first
# few of each kind are shown, the rest counted in one closing line per kind.
MAX_WARNINGS_PER_KIND = 10


def _fix_one(pipeline, src, name, errors, as_diff, edits_out, counts) -> Iterator[str]:
    from .stream import InputError, Passthrough, WarningLog, read_lines

    if src == "-" and sys.stdin is None:
        raise _BadInput("cannot read <stdin>: standard input is closed")
    try:
        stream = sys.stdin.buffer if src == "-" else open(src, "rb")
    except OSError as exc:
        raise _BadInput(f"cannot read {name}: {_reason(exc)}") from None
    warnings = WarningLog(MAX_WARNINGS_PER_KIND)
    try:
        seen: deque = deque()

        def tee(items):
            for item in items:
                seen.append(item)
                yield item

        def on_edit(edit):
            counts[edit.corrector] += 1
            if edits_out is not None:
                record = {"file": name, **edit.to_dict()}
                try:
                    edits_out.write(_json_line(record))
                except OSError as exc:
                    raise _CannotWrite(f"cannot write {edits_out.name}: {_reason(exc)}") from None

        def on_warning(message):
            if warnings.add(message):
                click.echo(f"ocrfix: warning: {name}: {message}", err=True)

        lines = _reading(read_lines(stream, errors=errors, name=name), name)
        if as_diff:  # pair each output line with its input line
            yield from _diff(name, pipeline.fix_lines(tee(lines), on_edit=on_edit, on_warning=on_warning), seen)
        else:
            yield from pipeline.fix_lines(lines, on_edit=on_edit, on_warning=on_warning)
    except InputError as exc:
        raise _BadInput(str(exc)) from None
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()
    for line in warnings.not_shown():
        click.echo(f"ocrfix: warning: {name}: {line}", err=True)


def _reading(lines: Iterable, name: str) -> Iterator:
    """``lines`` as they are read; an I/O error while reading (EIO, a file
    that cannot be read as a stream) is a _BadInput naming the source."""
    try:
        yield from lines
    except OSError as exc:
        raise _BadInput(f"cannot read {name}: {_reason(exc)}") from None


# Characters json.dumps(ensure_ascii=False) writes raw but that break a JSON
# Lines file: lone surrogates (invalid input bytes under --errors passthrough)
# cannot be encoded as UTF-8 -- writing an edit that held one ended the run
# with a traceback -- and U+0085/U+2028/U+2029 are line breaks to
# str.splitlines() and JavaScript. They only occur inside JSON strings, where
# the \uXXXX escape is the same value (json.loads gives back the surrogate).
_JSON_UNSAFE = re.compile("[\x85\u2028\u2029\ud800-\udfff]")


def _json_line(record: dict) -> str:
    line = json.dumps(record, ensure_ascii=False)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", line) + "\n"


def _diff(name: str, fixed: Iterable[str], seen: deque) -> Iterator[str]:
    """A unified diff with no context lines; line counts are equal by design."""
    from .stream import Passthrough

    color = sys.stdout is not None and sys.stdout.isatty()
    header_done = False
    hunk_old: list[str] = []
    hunk_new: list[str] = []
    hunk_start = 0
    line_no = 0

    def flush():
        nonlocal hunk_old, hunk_new
        if not hunk_old:
            return ""
        parts = [_style(f"@@ -{hunk_start},{len(hunk_old)} +{hunk_start},{len(hunk_new)} @@\n", "cyan", color)]
        parts += [_style("-" + _eol(l), "red", color) for l in hunk_old]
        parts += [_style("+" + _eol(l), "green", color) for l in hunk_new]
        hunk_old, hunk_new = [], []
        return "".join(parts)

    for out_line in fixed:
        item = seen.popleft()
        in_line = item.text if isinstance(item, Passthrough) else item
        line_no += 1
        if in_line == out_line:
            chunk = flush()
            if chunk:
                yield chunk
            continue
        if not header_done:
            yield _style(f"--- a/{name}\n+++ b/{name}\n", "bold", color)
            header_done = True
        if not hunk_old:
            hunk_start = line_no
        hunk_old.append(in_line)
        hunk_new.append(out_line)
    chunk = flush()
    if chunk:
        yield chunk


def _eol(line: str) -> str:
    return line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"


def _style(text: str, color: str, enabled: bool) -> str:
    if not enabled:
        return text
    return click.style(text, fg=None if color == "bold" else color, bold=color == "bold")


class _output:
    """stdout, or the file ``-o`` names, written as ``>`` would but atomically.

    A regular file is written under a temporary name beside it and renamed
    onto it on success, so a failed run leaves the old file (or none). It
    keeps the mode the file had; a new file gets the mode the umask gives
    (as with ``>``; a temporary file's own 0600 is not kept). A symlink is
    followed: its target is replaced and the link stays. A device or a FIFO
    (``/dev/stdout``) is written in place: renaming onto it would replace it.
    An I/O error opening, flushing or renaming (a missing directory, a full
    disk, stdout closed) is a _CannotWrite.
    """

    def __init__(self, path: str | None) -> None:
        self.path = path
        self.fh: IO[bytes] | None = None  # the file written, unless stdout
        self.tmp: str | None = None  # its temporary name, renamed to self.target on success
        self.target = ""

    def __enter__(self) -> IO[bytes]:
        if self.path is None or self.path == "-":
            if sys.stdout is None:
                raise _CannotWrite("cannot write <stdout>: standard output is closed")
            return sys.stdout.buffer
        try:
            self.fh = self._open()
        except OSError as exc:
            raise _CannotWrite(f"cannot write {self.path}: {_reason(exc)}") from None
        return self.fh

    def _open(self) -> IO[bytes]:
        """The file to write: a new temporary file beside the (resolved) target,
        with the target's mode; the path itself if it is not a regular file."""
        try:
            old = os.stat(self.path)  # through a symlink
        except FileNotFoundError:
            old = None
        if old is not None and not stat.S_ISREG(old.st_mode):
            return open(self.path, "wb")
        self.target = os.path.realpath(self.path)
        folder, name = os.path.split(self.target)
        tmp = os.path.join(folder, f".{name[:200]}.{os.urandom(4).hex()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # 0o666 minus the umask
        self.tmp = tmp
        if old is not None:
            os.fchmod(fd, stat.S_IMODE(old.st_mode) & 0o777)  # the permissions the file had
        return os.fdopen(fd, "wb")

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if self.fh is None:
                if exc_type is None:
                    sys.stdout.buffer.flush()
                return
            try:
                self.fh.close()  # the last write: a full disk shows here
                if exc_type is None and self.tmp is not None:
                    os.replace(self.tmp, self.target)
                    self.tmp = None
            finally:
                if self.tmp is not None:
                    os.unlink(self.tmp)
        except OSError as err:
            if exc_type is None:  # else the first failure is the one to report
                raise _CannotWrite(f"cannot write {_output_name(self.path)}: {_reason(err)}") from None


def _open_text(path: str) -> IO[str]:
    """The edit log, opened for writing (a _CannotWrite if it cannot be)."""
    try:
        return open(path, "w", encoding="utf-8")
    except OSError as exc:
        raise _CannotWrite(f"cannot write {path}: {_reason(exc)}") from None


@main.command("steps")
def steps_command() -> None:
    """List the available correctors (built-in and plug-ins)."""
    from . import registry

    default = set(registry.DEFAULT_STEPS)
    for name, cls in registry.available().items():
        mark = "*" if name in default else " "
        click.echo(f"{mark} {name:<10} {cls.description}")
    click.echo("\n* = in the default pipeline, in this order: " + ",".join(registry.DEFAULT_STEPS))


@main.command("cache")
@click.option("--build", is_flag=True, help="Compile the lexicon now (e.g. when building an image), not on first use.")
@click.option("--clear", is_flag=True, help="Remove every compiled lexicon from the cache.")
@click.option("--prune", is_flag=True,
              help="Remove the lexicons compiled for other inputs (earlier versions, other settings); keep the current one.")
def cache_command(build: bool, clear: bool, prune: bool) -> None:
    """Show, build, prune or clear the compiled lexicon cache ($OCRFIX_CACHE_DIR).

    Each change of the lexicon's inputs (dictionary, wordfreq, domain data,
    ocrfix version) compiles a new lexicon beside the old ones (about 30 MB
    each); ``--prune`` removes all but the current one.
    """
    import shutil

    from .lexicon import cache_root, ensure_built, lexicon_dir

    root = cache_root()
    current = lexicon_dir()
    if (clear or prune) and root.exists():
        removed = [d for d in root.glob("lexicon-*") if clear or d.name != current.name]
        for d in removed:
            shutil.rmtree(d, ignore_errors=True)
        click.echo(f"cleared {root}" if clear else f"pruned {len(removed)} other lexicon(s) from {root}")
    if build:
        ensure_built()
    state = "built" if (current / "meta.json").exists() else "not built yet (built on first use, ~10 s)"
    click.echo(f"cache: {root}\ncurrent lexicon: {current.name} ({state})")
    if (current / "meta.json").exists():
        meta = json.loads((current / "meta.json").read_text(encoding="utf-8"))
        click.echo(f"forms: {meta.get('forms', 0):,}  bigrams: {meta.get('bigrams', 0):,} (domain), "
                   f"{meta.get('general_bigrams', 0):,} (general Swedish)  "
                   f"built in {meta.get('build_seconds', '?')} s")


def console_main() -> None:
    """Entry point of the ``ocrfix`` command and ``python -m ocrfix``."""
    import gc
    import signal

    from .pipeline import COMMAND_GC_THRESHOLDS

    # The correctors allocate many small, short-lived objects; collecting the
    # young generation less often saves ~5 % of the run time.
    gc.set_threshold(*COMMAND_GC_THRESHOLDS)
    if hasattr(signal, "SIGPIPE"):  # `ocrfix big.txt | head` ends quietly, like cat
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    try:
        main(prog_name="ocrfix")
    except KeyboardInterrupt:
        sys.exit(130)
    except OSError as exc:  # e.g. a sub-command's report into a full disk: one line, no traceback
        try:
            print(f"ocrfix: error: {exc.strerror or exc}", file=sys.stderr)
        except OSError:
            pass
        sys.exit(1)
    finally:
        # Everything is written and closed. At exit the interpreter would
        # search all objects -- millions in the word caches of a long run --
        # for reference cycles, only to free memory the process is about to
        # give back: 0.5 s of a 5 s run on a 100-page report. Frozen objects
        # are left out of that search.
        gc.freeze()
