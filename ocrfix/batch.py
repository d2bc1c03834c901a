"""Batch mode: correct a directory tree of text files, in parallel and resumably.

::

    from ocrfix.batch import PipelineSpec, run_batch
    summary = run_batch("scans/", "clean/", PipelineSpec(steps=("unicode", "words")), jobs=4)

Every file under IN_DIR matching a glob is corrected as its own document,
exactly as ``ocrfix < file`` would (same :func:`~ocrfix.stream.read_lines`,
same :meth:`~ocrfix.pipeline.Pipeline.fix_lines`, same encoding), and written
to the same relative path under OUT_DIR. Files are spread over worker
processes (``jobs``) or over a Dask cluster (``dask``); each worker builds
the pipeline once (:func:`get_pipeline`) and reuses it for every file.

Safety and resuming:

* An output (and its edit log) is written under a temporary name in its
  target directory and renamed when complete, so a final name never holds a
  partial file; temporary files left by a killed run are removed by the next.
* ``OUT_DIR/.ocrfix-batch.jsonl`` is a journal: one JSON line per finished
  file (input size, mtime, SHA-256, output size, counts, and the fingerprint
  of ocrfix's code, data, lexicon inputs and pipeline options). A line is
  appended only after the file's output is in place. A worker killed after
  its rename but before the batch heard of it leaves a complete output with
  no journal line; the next run simply redoes that file.
* **Resume rule**: a file is skipped when its journal entry has the current
  fingerprint, its output (and edit log, if asked for) exists with the
  recorded size, and the input has the recorded size and mtime, or the same
  size and SHA-256 (a touched but unchanged file is not redone). Anything
  else is redone.
* A file that cannot be corrected (invalid UTF-8, binary, unreadable) is
  reported as a failed :class:`FileResult`; the batch goes on.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import threading
import time
from contextlib import closing, contextmanager, nullcontext
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Callable, Iterator

if TYPE_CHECKING:
    from .pipeline import Pipeline

JOURNAL_NAME = ".ocrfix-batch.jsonl"
TMP_SUFFIX = ".ocrfix-tmp"
EDITS_SUFFIX = ".edits.jsonl"


class BatchError(RuntimeError):
    """The batch could not run, or stopped early (``summary`` says how far it got)."""

    def __init__(self, message: str, summary: "Summary | None" = None) -> None:
        super().__init__(message)
        self.summary = summary


# --- the pipeline, as worker processes see it -------------------------------------


@dataclass(frozen=True)
class PipelineSpec:
    """Pipeline options as plain, picklable values: what workers receive.

    The fields mirror the options of the ``ocrfix`` filter. Give absolute
    paths when workers may run in another directory (the command does).
    """

    config: str | None = None
    steps: tuple[str, ...] | None = None
    min_confidence: float | None = None
    word_files: tuple[str, ...] = ()
    join_lines: bool | None = None
    errors: str = "strict"  # invalid UTF-8: strict, replace or passthrough

    def build(self) -> "Pipeline":
        """A new pipeline, built as the ``ocrfix`` filter builds it."""
        from .config import check_cache_dir
        from .pipeline import Pipeline
        from .resources import read_word_list

        check_cache_dir()
        words = [w for path in self.word_files for w in read_word_list(path)]
        return Pipeline.from_config(
            self.config,
            steps=list(self.steps) if self.steps is not None else None,
            min_confidence=self.min_confidence,
            extra_words=words or None,
            join_lines=self.join_lines,
        )

    def fingerprint(self) -> str:
        """A digest of everything an output depends on besides its input: the
        ocrfix version, code and data files, the lexicon inputs, these options
        and the contents of the files they name (config, word lists, error model)."""
        from .config import load_config
        from .lexicon.build import input_fingerprint

        cfg = load_config(self.config)
        named = [self.config, *cfg.get("words", []), cfg.get("error_model"), *self.word_files]
        parts = {
            "version": _version(),
            "code": _code_digest(),
            "lexicon": input_fingerprint(),
            "options": asdict(self),
            "files": {str(p): _file_digest(p) for p in named if p},
        }
        return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:20]


_pipelines: dict[tuple[int, PipelineSpec], "Pipeline"] = {}


def get_pipeline(spec: PipelineSpec) -> "Pipeline":
    """The pipeline for ``spec`` in this process, built on first use.

    A worker process thus loads the lexicon and models once, not once per
    file. Each thread gets its own (a Dask worker may run several threads;
    the correctors keep per-pipeline caches that are not made for sharing).
    """
    key = (threading.get_ident(), spec)
    pipeline = _pipelines.get(key)
    if pipeline is None:
        pipeline = _pipelines[key] = spec.build()
    return pipeline


def _init_worker(spec: PipelineSpec) -> None:
    """Initializer of a local worker process: build the pipeline once."""
    import gc
    import signal

    from .pipeline import COMMAND_GC_THRESHOLDS

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    gc.set_threshold(*COMMAND_GC_THRESHOLDS)  # as console_main: fewer young collections
    get_pipeline(spec)


# --- one file ----------------------------------------------------------------------


@dataclass(frozen=True)
class FileTask:
    """One file to correct: ``rel`` (relative to IN_DIR, with ``/``) and absolute paths."""

    rel: str
    src: str
    dst: str
    edits: str | None = None


@dataclass
class FileResult:
    """What became of one file (``ok`` False: ``error`` is a one-line message)."""

    rel: str
    ok: bool = False
    error: str = ""
    warnings: list[str] = field(default_factory=list)
    size: int = 0
    mtime_ns: int = 0
    sha256: str = ""
    out_size: int = 0
    words: int = 0
    edits: int = 0


def process_file(task: FileTask, spec: PipelineSpec) -> FileResult:
    """Correct ``task.src`` into ``task.dst`` (and its edit log); never raises
    for a bad file: the failure is in the result and no output is written."""
    from .stream import InputError, WarningLog, read_lines

    result = FileResult(task.rel)
    warnings = WarningLog()  # (a file of endless overlong lines: a few of each kind, and a count)
    try:
        pipeline = get_pipeline(spec)
        encode_errors = "surrogateescape" if spec.errors == "passthrough" else "strict"
        with open(task.src, "rb") as stream:
            st = os.fstat(stream.fileno())
            result.size, result.mtime_ns = st.st_size, st.st_mtime_ns
            result.sha256 = hashlib.file_digest(stream, "sha256").hexdigest()
            stream.seek(0)
            log = atomic_write(task.edits) if task.edits else nullcontext()
            with atomic_write(task.dst) as out, log as edits_out:

                def on_edit(edit) -> None:
                    result.edits += 1
                    if edits_out is not None:
                        edits_out.write(_json_line({"file": task.rel, **edit.to_dict()}).encode("utf-8"))

                lines = _count_words(read_lines(stream, errors=spec.errors, name=task.rel), result)
                for chunk in pipeline.fix_lines(lines, on_edit=on_edit, on_warning=warnings.add):
                    out.write(chunk.encode("utf-8", encode_errors))
                result.out_size = out.tell()
    except InputError as exc:  # invalid UTF-8, binary data: the message names the file
        result.error = str(exc)
    except OSError as exc:
        result.error = f"{task.rel}: {exc.strerror or exc}" + (f": {exc.filename}" if exc.filename else "")
    except Exception as exc:  # a bug must cost one file, not the batch
        result.error = f"{task.rel}: {type(exc).__name__}: {exc}"
    else:
        result.ok = True
    result.warnings = warnings.all_lines()
    return result


def _count_words(lines, result: FileResult):
    from .stream import Passthrough

    for line in lines:
        result.words += len((line.text if isinstance(line, Passthrough) else line).split())
        yield line


@contextmanager
def atomic_write(path: str | Path) -> Iterator[BinaryIO]:
    """A binary file written under a temporary name beside ``path`` and renamed
    onto it only if the block ends without error: never a partial file."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name[:200]}.{secrets.token_hex(4)}{TMP_SUFFIX}")
    # os.open with 0o666 gives the umask's usual mode (mkstemp would give 0600).
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


# Same escaping as the CLI's --edits log: lone surrogates (--errors passthrough)
# and U+0085/U+2028/U+2029 would break a JSON Lines file.
_JSON_UNSAFE = re.compile("[\x85\u2028\u2029\ud800-\udfff]")


def _json_line(record: dict) -> str:
    line = json.dumps(record, ensure_ascii=False)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", line) + "\n"


# --- the journal -------------------------------------------------------------------


class Journal:
    """``OUT_DIR/.ocrfix-batch.jsonl``: one JSON line per finished file, the
    last line for a file winning. Appending the line commits the file, so a
    run killed at any moment loses at most the files in flight. The file is
    locked while a batch runs (one batch per OUT_DIR at a time)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.entries: dict[str, dict] = {}
        self._fh = open(path, "a+", encoding="utf-8")
        try:
            import fcntl

            fcntl.flock(self._fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except ImportError:  # pragma: no cover - no flock on this platform
            pass
        except OSError:
            self._fh.close()
            raise BatchError(f"another ocrfix batch is writing to {path.parent}") from None
        self._fh.seek(0)
        self._lines = 0
        last = ""
        for last in self._fh:
            self._lines += 1
            try:
                entry = json.loads(last)
                self.entries[entry["file"]] = entry
            except (ValueError, KeyError, TypeError):  # a line cut short by a kill
                continue
        if last and not last.endswith("\n"):
            self._fh.write("\n")

    def record(self, entry: dict) -> None:
        self.entries[entry["file"]] = entry
        self._fh.write(json.dumps(entry) + "\n")
        self._fh.flush()
        self._lines += 1

    def close(self) -> None:
        """Rewrite the journal with one line per file if it holds superseded lines."""
        try:
            if self._lines > len(self.entries):
                with atomic_write(self.path) as out:
                    for entry in self.entries.values():
                        out.write((json.dumps(entry) + "\n").encode("utf-8"))
        finally:
            self._fh.close()


# --- the batch ---------------------------------------------------------------------


@dataclass
class Summary:
    """Counts of one run; ``words`` and ``edits`` are over the files done."""

    done: int = 0
    skipped: int = 0
    failed: int = 0
    words: int = 0
    edits: int = 0
    seconds: float = 0.0

    def __str__(self) -> str:
        return (f"{self.done} done, {self.skipped} skipped, {self.failed} failed; "
                f"{self.words:,} words, {self.edits:,} edits; {self.seconds:.1f} s")


def default_jobs() -> int:
    """The number of cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def run_batch(
    in_dir: str | Path,
    out_dir: str | Path,
    spec: PipelineSpec = PipelineSpec(),
    *,
    pattern: str = "**/*.txt",
    jobs: int | None = None,
    edits_dir: str | Path | None = None,
    dask: str | None = None,
    on_start: Callable[[int, int], None] | None = None,
    on_result: Callable[[FileResult], None] | None = None,
) -> Summary:
    """Correct every file under ``in_dir`` matching ``pattern`` into ``out_dir``.

    jobs       worker processes (default: the number of cores; 1 runs in this process)
    edits_dir  also write each file's edits as ``EDITS_DIR/<rel>.edits.jsonl``
    dask       a Dask scheduler address, or ``local:N`` for a local cluster of N
               worker processes (needs ``ocrfix[batch]``); replaces ``jobs``
    on_start   called with (files to do, files skipped) before work starts
    on_result  called with each :class:`FileResult` as files finish (any order)

    Raises ``ValueError`` for unusable arguments and :class:`BatchError` if
    another batch holds ``out_dir`` or a worker process died (the files
    finished so far are kept; run again to resume).
    """
    from concurrent.futures.process import BrokenProcessPool

    start = time.perf_counter()
    in_dir, out_dir = Path(in_dir).resolve(), Path(out_dir).resolve()
    edits_root = Path(edits_dir).resolve() if edits_dir else None
    if not in_dir.is_dir():
        raise ValueError(f"{in_dir} is not a directory")
    for name, target in (("OUT_DIR", out_dir), ("--edits-dir", edits_root)):
        if target is not None and in_dir.is_relative_to(target):
            raise ValueError(f"{name} must not be IN_DIR or contain it")
    if Path(pattern).is_absolute() or ".." in Path(pattern).parts:
        raise ValueError(f"the glob must be relative to IN_DIR without '..': {pattern!r}")
    out_dir.mkdir(parents=True, exist_ok=True)
    fingerprint = spec.fingerprint()
    summary = Summary()
    journal = Journal(out_dir / JOURNAL_NAME)
    try:
        _sweep(out_dir, edits_root)
        tasks, summary.skipped = _plan(in_dir, out_dir, edits_root, pattern, journal, fingerprint)
        if on_start is not None:
            on_start(len(tasks), summary.skipped)
        if dask:
            results = _run_dask(tasks, spec, dask)
        else:
            results = _run_local(tasks, spec, min(jobs or default_jobs(), len(tasks)))
        with closing(results):
            for result in results:
                if result.ok:
                    journal.record({
                        "file": result.rel, "size": result.size, "mtime_ns": result.mtime_ns,
                        "sha256": result.sha256, "out_size": result.out_size,
                        "words": result.words, "edits": result.edits, "fingerprint": fingerprint,
                    })
                    summary.done += 1
                    summary.words += result.words
                    summary.edits += result.edits
                else:
                    summary.failed += 1
                if on_result is not None:
                    on_result(result)
    except BrokenProcessPool:
        left = len(tasks) - summary.done - summary.failed
        raise BatchError(f"a worker process died (killed, or out of memory); {left} files not done; "
                         "run again to resume", summary) from None
    finally:
        journal.close()
        _sweep(out_dir, edits_root)
        summary.seconds = time.perf_counter() - start
    return summary


def _plan(in_dir: Path, out_dir: Path, edits_root: Path | None, pattern: str, journal: Journal,
          fingerprint: str) -> tuple[list[FileTask], int]:
    """The files to do (sorted) and the number skipped as up to date."""
    exclude = [out_dir] + ([edits_root] if edits_root else [])  # outputs inside IN_DIR are no inputs
    tasks: list[FileTask] = []
    skipped = 0
    for src in sorted(in_dir.glob(pattern)):
        if any(src.is_relative_to(root) for root in exclude) or not src.is_file():
            continue
        rel = src.relative_to(in_dir).as_posix()
        edits = str(edits_root / (rel + EDITS_SUFFIX)) if edits_root else None
        task = FileTask(rel, str(src), str(out_dir / rel), edits)
        entry = journal.entries.get(rel)
        if entry is not None and _up_to_date(task, entry, fingerprint, journal):
            skipped += 1
        else:
            tasks.append(task)
    return tasks, skipped


def _up_to_date(task: FileTask, entry: dict, fingerprint: str, journal: Journal) -> bool:
    """The resume rule (see the module docstring)."""
    try:
        if entry.get("fingerprint") != fingerprint or os.stat(task.dst).st_size != entry.get("out_size"):
            return False
        if task.edits and not os.path.isfile(task.edits):
            return False
        st = os.stat(task.src)
        if st.st_size != entry.get("size"):
            return False
        if st.st_mtime_ns == entry.get("mtime_ns"):
            return True
        with open(task.src, "rb") as fh:
            if hashlib.file_digest(fh, "sha256").hexdigest() != entry.get("sha256"):
                return False
    except OSError:
        return False
    journal.record({**entry, "mtime_ns": st.st_mtime_ns})  # touched, not changed
    return True


def _sweep(*roots: Path | None) -> None:
    """Remove temporary files left by a run that was killed mid-write."""
    for root in roots:
        if root is not None and root.is_dir():
            for tmp in root.rglob("*" + TMP_SUFFIX):
                tmp.unlink(missing_ok=True)


def _run_local(tasks: list[FileTask], spec: PipelineSpec, jobs: int) -> Iterator[FileResult]:
    """Results in completion order: in this process, or over ``jobs`` worker processes."""
    if jobs <= 1:
        for task in tasks:
            yield process_file(task, spec)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    # forkserver/spawn, not fork: this process may have threads (a progress bar).
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    pool = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context(method),
                               initializer=_init_worker, initargs=(spec,))
    try:
        futures = [pool.submit(process_file, task, spec) for task in tasks]
        for future in as_completed(futures):
            yield future.result()
    finally:  # on an interruption, files in flight finish (atomically); the rest are cancelled
        pool.shutdown(wait=True, cancel_futures=True)


def _run_dask(tasks: list[FileTask], spec: PipelineSpec, address: str) -> Iterator[FileResult]:
    """Results in completion order from a Dask cluster: ``address`` of a
    scheduler, or ``local:N`` for a local cluster of N single-threaded worker
    processes. Workers must see IN_DIR and OUT_DIR at the same paths."""
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise ValueError("--dask needs Dask: pip install 'ocrfix[batch]'") from None
    cluster = None
    if address.startswith("local:"):
        workers = int(address.removeprefix("local:"))
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               host="127.0.0.1", dashboard_address=None)
        client = Client(cluster)
    else:
        client = Client(address)
    futures = []
    try:
        futures = client.map(process_file, tasks, spec=spec, pure=False)
        rel_of = {future.key: task.rel for future, task in zip(futures, tasks)}
        for future in as_completed(futures):
            if future.status == "finished":
                yield future.result()
            else:  # e.g. KilledWorker: the file crashed workers several times
                exc = future.exception()
                yield FileResult(rel_of[future.key], error=f"{rel_of[future.key]}: {type(exc).__name__}: {exc}")
    finally:
        client.cancel(futures)
        client.close()
        if cluster is not None:
            cluster.close()


# --- helpers -----------------------------------------------------------------------


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("ocrfix")
    except PackageNotFoundError:  # pragma: no cover - source tree without install
        return "unknown"


def _code_digest() -> str:
    """Digest of ocrfix's Python files and data files (a development install
    keeps its version number while the correctors change)."""
    from .resources import data_path

    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent
    data = data_path("confusions.tsv").parent
    files = sorted(package.rglob("*.py")) + sorted(p for p in data.iterdir() if p.suffix in (".tsv", ".txt", ".json"))
    for path in files:
        content = path.read_bytes()
        digest.update(f"{path.name}\0{len(content)}\0".encode() + content)
    return digest.hexdigest()


def _file_digest(path: str | Path) -> str:
    try:
        with open(path, "rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()
    except OSError:
        return "unreadable"
