"""`ocrfix batch`: outputs identical to the filter, resuming, failures, interruptions, Dask."""
from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import GARBLED_SAMPLE, SAMPLES
from ocrfix import Edit, replay
from ocrfix.batch import JOURNAL_NAME, TMP_SUFFIX, BatchError, Journal, PipelineSpec, run_batch
from ocrfix.cli import main
from ocrfix.stream import read_lines

SYNTHETIC = {
    "empty.txt": b"",
    "noeol.txt": "Det Ã¤r ﬁnt".encode(),
    "crlf.txt": b"rad ett\r\nhushall och f6r\r\n",
    "blank.txt": b"\n\n",
    "deep/a/b/garbled.txt": "Socialndmnden har 6ppenv§1rden och hushall.\nDet ar mojligt.\n".encode(),
}


def make_corpus(root: Path, samples=None) -> Path:
    """IN_DIR with the sample reports (one in a sub-directory), the synthetic
    files, and a file the default glob does not match."""
    root.mkdir(parents=True)
    for i, src in enumerate(samples if samples is not None else sorted(SAMPLES.glob("*.txt"))):
        dst = root / ("sub" if i % 2 else "") / src.name
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dst)
    for rel, data in SYNTHETIC.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    (root / "notes.md").write_text("not matched by **/*.txt\n")
    return root


def texts(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*.txt"))


def filter_output(path: Path, *args: str) -> bytes:
    """What `ocrfix [args] < path` writes."""
    with open(path, "rb") as stdin:
        res = subprocess.run([sys.executable, "-m", "ocrfix", *args], stdin=stdin, capture_output=True, timeout=120)
    assert res.returncode == 0, res.stderr
    return res.stdout


def library_output(path: Path, steps=("unicode",)) -> bytes:
    from ocrfix import Pipeline

    with open(path, "rb") as fh:
        return "".join(Pipeline(list(steps)).fix_lines(read_lines(fh))).encode()


def leftovers(*roots: Path) -> list[Path]:
    return [p for root in roots if root.exists() for p in root.rglob("*" + TMP_SUFFIX)]


def journal(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / JOURNAL_NAME).read_text().splitlines()]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """The full corpus and each file's output from the real filter, `ocrfix < file`."""
    root = make_corpus(tmp_path_factory.mktemp("corpus") / "in")
    return root, {rel: filter_output(root / rel) for rel in texts(root)}


def test_outputs_identical_to_filter_with_two_processes(corpus, tmp_path):
    src, expected = corpus
    out, edits = tmp_path / "out", tmp_path / "edits"
    res = CliRunner().invoke(main, ["batch", "-j", "2", "--edits-dir", str(edits), str(src), str(out)])
    assert res.exit_code == 0, res.output
    assert f"{len(expected)} done, 0 skipped, 0 failed" in res.stderr
    assert texts(out) == sorted(expected)  # mirrored tree; notes.md not taken
    for rel, data in expected.items():
        assert (out / rel).read_bytes() == data, rel
        # the edit log replays the input into the output
        log = [json.loads(line) for line in (edits / f"{rel}.edits.jsonl").read_text(encoding="utf-8").splitlines()]
        names = {f.name for f in fields(Edit)}
        text = (src / rel).read_bytes().decode()
        assert replay(text, [Edit(**{k: v for k, v in r.items() if k in names}) for r in log]) == data.decode(), rel
    assert any(r["edits"] for r in journal(out)) and leftovers(out, edits) == []
    assert sorted(e["file"] for e in journal(out)) == sorted(expected)


def test_second_run_skips_and_changes_are_redone(tmp_path):
    src = make_corpus(tmp_path / "in", samples=[])
    out = tmp_path / "out"
    spec = PipelineSpec(steps=("unicode",))
    first = run_batch(src, out, spec, jobs=1)
    assert (first.done, first.skipped, first.failed) == (len(SYNTHETIC), 0, 0)
    assert run_batch(src, out, spec, jobs=1).skipped == len(SYNTHETIC)
    os.utime(src / "crlf.txt", ns=(1, 1))  # touched, content unchanged: still skipped
    again = run_batch(src, out, spec, jobs=1)
    assert (again.done, again.skipped) == (0, len(SYNTHETIC))
    (src / "noeol.txt").write_text("Ã¶ver ﬂera", encoding="utf-8")  # changed: redone, alone
    done = []
    changed = run_batch(src, out, spec, jobs=1, on_result=lambda r: done.append(r.rel))
    assert done == ["noeol.txt"] and changed.skipped == len(SYNTHETIC) - 1
    assert (out / "noeol.txt").read_text(encoding="utf-8") == "över flera"
    (out / "blank.txt").unlink()  # a lost output is redone
    assert run_batch(src, out, spec, jobs=1).done == 1
    # other options: everything is redone
    assert run_batch(src, out, PipelineSpec(steps=()), jobs=1).done == len(SYNTHETIC)
    assert (out / "noeol.txt").read_text(encoding="utf-8") == "Ã¶ver ﬂera"
    assert len(journal(out)) == len(SYNTHETIC)  # compacted: one line per file


def test_failing_files_do_not_stop_the_batch(tmp_path):
    src = make_corpus(tmp_path / "in", samples=[])
    (src / "bad.txt").write_bytes(b"Det \xff r\n")
    (src / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["batch", "-j", "2", "--steps", "unicode", str(src), str(out)])
    assert res.exit_code == 1
    # with -j 2 files finish (and are reported) in any order
    errors = sorted(line for line in res.stderr.splitlines() if line.startswith("ocrfix: error:"))
    assert len(errors) == 2 and "bad.txt: invalid UTF-8 at byte offset 4" in errors[0] and "binary.txt" in errors[1]
    assert f"{len(SYNTHETIC)} done, 0 skipped, 2 failed" in res.stderr
    assert texts(out) == sorted(SYNTHETIC) and leftovers(out) == []
    for rel in SYNTHETIC:
        assert (out / rel).read_bytes() == library_output(src / rel)
    # the failed files are retried, and --errors replace lets the bad one through
    res = CliRunner().invoke(main, ["batch", "-j", "1", "--steps", "unicode", "--errors", "replace", str(src), str(out)])
    assert res.exit_code == 1  # the binary file still fails; other options, so all are redone
    assert f"{len(SYNTHETIC) + 1} done, 0 skipped, 1 failed" in res.stderr
    assert (out / "bad.txt").read_text(encoding="utf-8") == "Det \ufffd r\n"


def test_unreadable_file_is_reported(tmp_path):
    """A file gone between listing and reading (as root, chmod cannot make one unreadable)."""
    src = make_corpus(tmp_path / "in", samples=[])
    results = []
    summary = run_batch(src, tmp_path / "out", PipelineSpec(steps=("unicode",)), jobs=1,
                        on_start=lambda todo, skipped: (src / "crlf.txt").unlink(), on_result=results.append)
    assert (summary.done, summary.failed) == (len(SYNTHETIC) - 1, 1)
    [failed] = [r for r in results if not r.ok]
    assert failed.rel == "crlf.txt" and "No such file" in failed.error and "\n" not in failed.error
    assert not (tmp_path / "out" / "crlf.txt").exists()


def test_interrupted_run_resumes_without_duplicates_or_partial_files(tmp_path):
    src = make_corpus(tmp_path / "in", samples=[])
    out = tmp_path / "out"
    spec = PipelineSpec(steps=("unicode",))
    seen: list[str] = []

    def interrupt_after_two(result):
        seen.append(result.rel)
        if len(seen) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_batch(src, out, spec, jobs=1, on_result=interrupt_after_two)
    assert texts(out) == sorted(seen) and leftovers(out) == []
    assert sorted(e["file"] for e in journal(out)) == sorted(seen)
    # what a killed process leaves: a temporary file and a journal line cut short
    (out / f".crlf.txt.0badcafe{TMP_SUFFIX}").write_bytes(b"rad e")
    with open(out / JOURNAL_NAME, "a") as fh:
        fh.write('{"file": "crlf.txt", "si')
    summary = run_batch(src, out, spec, jobs=1)
    assert (summary.done, summary.skipped, summary.failed) == (len(SYNTHETIC) - 2, 2, 0)
    assert texts(out) == sorted(SYNTHETIC) and leftovers(out) == []
    assert sorted(e["file"] for e in journal(out)) == sorted(SYNTHETIC)
    for rel in SYNTHETIC:
        assert (out / rel).read_bytes() == library_output(src / rel)


def test_killed_worker_then_rerun(tmp_path):
    """SIGKILL both worker processes while they correct: the batch stops with
    an error, keeps what it finished, leaves no partial file; a rerun completes."""
    src = tmp_path / "in"
    src.mkdir()
    lines = GARBLED_SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
    for i in range(16):
        (src / f"part{i:02}.txt").write_text("".join(lines[i * 19 : (i + 1) * 19]), encoding="utf-8")
    out = tmp_path / "out"
    spec = PipelineSpec()

    def kill_workers(result):
        for child in multiprocessing.active_children():
            os.kill(child.pid, signal.SIGKILL)

    with pytest.raises(BatchError, match="worker process died") as info:
        run_batch(src, out, spec, jobs=2, on_result=kill_workers)
    first = info.value.summary
    assert 1 <= first.done < 16 and leftovers(out) == []
    recorded = sorted(e["file"] for e in journal(out))
    assert len(recorded) == first.done and set(recorded) <= set(texts(out))  # every recorded output exists
    from ocrfix import Pipeline

    pipeline = Pipeline()

    def expected(rel):
        with open(src / rel, "rb") as fh:
            return "".join(pipeline.fix_lines(read_lines(fh))).encode()

    # A worker may have renamed its output just before it was killed, unheard
    # of by the batch: such a file is complete, unrecorded, and redone below.
    for rel in texts(out):
        assert (out / rel).read_bytes() == expected(rel), rel
    summary = run_batch(src, out, spec, jobs=2)
    assert (summary.done, summary.skipped, summary.failed) == (16 - first.done, first.done, 0)
    assert texts(out) == texts(src) and len(journal(out)) == 16 and leftovers(out) == []
    for rel in texts(src):
        assert (out / rel).read_bytes() == expected(rel), rel


def test_one_batch_per_out_dir(tmp_path):
    first = Journal(tmp_path / JOURNAL_NAME)
    try:
        with pytest.raises(BatchError, match="another ocrfix batch"):
            Journal(tmp_path / JOURNAL_NAME)
    finally:
        first.close()


def test_usage_errors(tmp_path):
    src = make_corpus(tmp_path / "in", samples=[])
    runner = CliRunner()
    assert runner.invoke(main, ["batch", str(src), str(src)]).exit_code == 2
    assert runner.invoke(main, ["batch", str(src / "deep"), str(src)]).exit_code == 2  # OUT_DIR contains IN_DIR
    assert runner.invoke(main, ["batch", "--steps", "nosuch", str(src), str(tmp_path / "o")]).exit_code == 2
    assert runner.invoke(main, ["batch", "-j", "2", "--dask", "local:2", str(src), str(tmp_path / "o")]).exit_code == 2
    assert runner.invoke(main, ["batch", "--glob", "../*.txt", str(src), str(tmp_path / "o")]).exit_code == 2
    assert runner.invoke(main, ["batch", "--steps", "", str(src), str(tmp_path / "o")]).exit_code == 2  # 'none' copies
    binary = tmp_path / "bin.words"
    binary.write_bytes(b"\xff\xfe\x00ord\n")
    res = runner.invoke(main, ["batch", "--words", str(binary), str(src), str(tmp_path / "o")])
    assert res.exit_code == 1 and f"cannot read word list {binary}: not UTF-8 text" in res.stderr
    res = runner.invoke(main, ["batch", "-q", "--steps", "unicode", str(src), str(src / "out")])  # OUT_DIR inside IN_DIR
    assert res.exit_code == 0 and res.stderr == ""
    res = runner.invoke(main, ["batch", "--steps", "unicode", str(src), str(src / "out")])
    assert res.exit_code == 0 and f"0 done, {len(SYNTHETIC)} skipped" in res.stderr  # outputs are not inputs


def test_dask_local_cluster_identical(corpus, tmp_path):
    """Two single-threaded worker *processes*: what a real cluster runs (tasks
    and results cross process boundaries, each worker loads its own pipeline),
    and the correction is pure-Python, GIL-bound work that threads would not
    parallelise."""
    distributed = pytest.importorskip("distributed")
    src, expected = corpus
    out = tmp_path / "out"
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        summary = run_batch(src, out, dask=cluster.scheduler_address)
        # one pipeline per worker process, however many files it corrected
        counts = client.run(lambda: len(__import__("ocrfix.batch").batch._pipelines))
    assert (summary.done, summary.failed) == (len(expected), 0)
    assert sorted(counts.values()) == [1, 1]
    for rel, data in expected.items():
        assert (out / rel).read_bytes() == data, rel
    assert leftovers(out) == []
