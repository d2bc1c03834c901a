"""The CLI, through click's runner and through real subprocesses."""
import json
import os
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from conftest import GARBLED_SAMPLE
from ocrfix.cli import main

OCRFIX = [sys.executable, "-m", "ocrfix"]


def run(args, data: bytes, **kw):
    return subprocess.run(OCRFIX + args, input=data, capture_output=True, timeout=120, **kw)


@pytest.fixture
def runner():
    return CliRunner()


def test_stdin_to_stdout(runner):
    res = runner.invoke(main, ["--steps", "unicode"], input="Det Ã¤r ﬁnt\nrad 2\n")
    assert res.exit_code == 0 and res.output == "Det är fint\nrad 2\n"


def test_files_and_output_file(runner, tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("Ã¤r\n", encoding="utf-8")
    b.write_text("ﬁnns", encoding="utf-8")
    out = tmp_path / "out.txt"
    res = runner.invoke(main, ["--steps", "unicode", str(a), str(b), "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert out.read_text(encoding="utf-8") == "är\nfinns"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp file left


def test_edits_jsonl(runner, tmp_path):
    log = tmp_path / "edits.jsonl"
    res = runner.invoke(main, ["--steps", "unicode", "--edits", str(log)], input="rad ett\nDet Ã¤r\n")
    assert res.exit_code == 0
    rec = [json.loads(l) for l in log.read_text(encoding="utf-8").splitlines()]
    assert rec == [{"file": "<stdin>", "start": 12, "end": 15, "before": "Ã¤r", "after": "är", "corrector": "unicode",
                    "confidence": 1.0, "reason": rec[0]["reason"], "score": 0.0, "line": 2, "column": 5, "step": 0}]


def test_diff(runner):
    res = runner.invoke(main, ["--steps", "unicode", "--diff"], input="same\nÃ¤r\nsame\n")
    assert res.exit_code == 0
    assert res.output == "--- a/<stdin>\n+++ b/<stdin>\n@@ -2,1 +2,1 @@\n-Ã¤r\n+är\n"


def test_stats_and_steps_listing(runner):
    res = runner.invoke(main, ["--steps", "unicode", "--stats"], input="Ã¤r ﬁ\n")
    assert "2 edits" in res.stderr
    res = runner.invoke(main, ["steps"])
    assert res.exit_code == 0 and "unicode" in res.output


def test_help_shows_options_and_examples(runner):
    res = runner.invoke(main, ["--help"])
    assert res.exit_code == 0
    for needle in ("--diff", "--edits", "--min-confidence", "--steps", "--config", "--words", "--errors", "Examples", "steps"):
        assert needle in res.output


def test_usage_errors_exit_2(runner, tmp_path):
    assert runner.invoke(main, ["--steps", "nosuchstep"], input="x").exit_code == 2
    assert runner.invoke(main, ["--bogus"], input="x").exit_code == 2
    bad = tmp_path / "bad.toml"
    bad.write_text("steps = [", encoding="utf-8")
    assert runner.invoke(main, ["--config", str(bad)], input="x").exit_code == 2


def test_missing_file_exit_1(runner, tmp_path):
    res = runner.invoke(main, [str(tmp_path / "nope.txt")])
    assert res.exit_code in (1, 2)  # click reports a missing path as usage; an unreadable one is bad input


# --- real subprocesses: the same interface a shell pipeline sees -------------

def test_python_m_and_version():
    res = subprocess.run(OCRFIX + ["--version"], capture_output=True, text=True)
    assert res.returncode == 0 and res.stdout.startswith("ocrfix ")


def test_subprocess_no_steps_is_byte_identical():
    data = GARBLED_SAMPLE.read_bytes()
    res = run(["--steps", "none"], data)
    assert res.returncode == 0 and res.stdout == data


def test_real_run_writes_all_output_and_edits_before_exiting(tmp_path):
    """The command skips the interpreter's final collection (gc.freeze); every
    line of the corrected text and every edit must still be on disk."""
    lines = GARBLED_SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)[:60]
    src, out, log = tmp_path / "in.txt", tmp_path / "out.txt", tmp_path / "edits.jsonl"
    src.write_text("".join(lines), encoding="utf-8")
    res = run([str(src), "-o", str(out), "--edits", str(log), "--stats"], b"")
    assert res.returncode == 0, res.stderr
    fixed = out.read_text(encoding="utf-8")
    assert fixed.count("\n") == len(lines) and fixed != src.read_text(encoding="utf-8")
    edits = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert edits and f"{len(edits)} edits" in res.stderr.decode()
    assert all(e["after"] in fixed.splitlines()[e["line"] - 1] for e in edits if e["corrector"] == "words")


def test_crlf_and_missing_final_newline_survive():
    data = "rad ett\r\nrad två\r\nsista".encode()
    assert run(["--steps", "unicode"], data).stdout == data


def test_empty_input_gives_empty_output():
    res = run([], b"")
    assert res.returncode == 0 and res.stdout == b"" and res.stderr == b""


def test_invalid_utf8_is_a_one_line_error_with_offset():
    res = run(["--steps", "unicode"], b"hej\n\xc3\xa5\xff\n")
    assert res.returncode == 1
    err = res.stderr.decode()
    assert err.count("\n") == 1 and "byte offset 6" in err and "Traceback" not in err


def test_invalid_utf8_replace_and_passthrough():
    data = b"hej\n\xc3\xa5\xff " + "Ã¤r\n".encode()
    res = run(["--steps", "unicode", "--errors", "replace"], data)
    assert res.returncode == 0 and res.stdout == "hej\nå\ufffd är\n".encode()
    res = run(["--steps", "none", "--errors", "passthrough"], data)
    assert res.returncode == 0 and res.stdout == data


def test_binary_input_is_refused():
    res = run([], b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert res.returncode == 1
    assert "binary input" in res.stderr.decode() and "Traceback" not in res.stderr.decode()


def test_huge_single_line_passes_through_in_bounded_time():
    data = b"ord " * (13 * 1024 * 1024) + b"\nslut\n"  # a 52 MB line
    t0 = time.monotonic()
    res = run(["--steps", "unicode"], data)
    assert res.returncode == 0 and res.stdout == data
    assert b"passed through" in res.stderr
    assert time.monotonic() - t0 < 60


def test_broken_pipe_is_quiet():
    import threading

    data = ("rad\n" * 200_000).encode()
    p = subprocess.Popen(OCRFIX + ["--steps", "unicode"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def feed():
        try:
            p.stdin.write(data)
            p.stdin.close()
        except BrokenPipeError:
            pass

    writer = threading.Thread(target=feed)
    writer.start()
    head = p.stdout.read(10)
    p.stdout.close()
    err = p.stderr.read()
    p.wait(timeout=60)
    writer.join(timeout=60)
    assert head == b"rad\nrad\nra" and b"Traceback" not in err


def test_cache_prune_keeps_only_the_current_lexicon(runner, tmp_path, monkeypatch):
    from ocrfix.lexicon import lexicon_dir

    monkeypatch.setenv("OCRFIX_CACHE_DIR", str(tmp_path))
    current = lexicon_dir()
    stale = tmp_path / "lexicon-0123456789abcdef"
    for d in (current, stale):
        d.mkdir()
        (d / "meta.json").write_text("{}", encoding="utf-8")
    (tmp_path / "unrelated.txt").write_text("kept", encoding="utf-8")
    res = runner.invoke(main, ["cache", "--prune"])
    assert res.exit_code == 0, res.output
    assert "pruned 1 other lexicon(s)" in res.output
    assert current.exists() and not stale.exists() and (tmp_path / "unrelated.txt").exists()


def test_cache_command_reports_the_lexicon(runner):
    res = runner.invoke(main, ["cache"])
    assert res.exit_code == 0 and "cache:" in res.output and "current lexicon: lexicon-" in res.output


# --- I/O failures: one line on stderr, exit 1, never a traceback ------------------

def run_with_closed(args, fd: int):
    """Run ocrfix with standard input (0) or output (1) closed, as `<&-` / `>&-` do."""
    redirect = "<&-" if fd == 0 else ">&-"
    return subprocess.run(["sh", "-c", f'"$@" {redirect}', "sh", *OCRFIX, *args], capture_output=True, timeout=120)


def assert_one_line_error(res, *needles: str) -> None:
    err = res.stderr.decode() if isinstance(res.stderr, bytes) else res.stderr
    assert res.returncode == 1, err
    assert err.startswith("ocrfix: error: ") and err.count("\n") == 1 and "Traceback" not in err, err
    for needle in needles:
        assert needle in err, err


def test_output_into_a_missing_directory_is_a_one_line_error(tmp_path):
    res = run(["--steps", "unicode", "-o", str(tmp_path / "no" / "out.txt")], b"rad\n")
    assert_one_line_error(res, f"cannot write {tmp_path / 'no' / 'out.txt'}: No such file or directory")


def test_edits_into_a_missing_directory_is_a_one_line_error(tmp_path):
    res = run(["--steps", "unicode", "--edits", str(tmp_path / "no" / "e.jsonl")], b"rad\n")
    assert_one_line_error(res, f"cannot write {tmp_path / 'no' / 'e.jsonl'}")


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_full_disk_is_a_one_line_error(tmp_path):
    with open("/dev/full", "wb") as full:
        res = subprocess.run(OCRFIX + ["--steps", "unicode"], input=b"rad\n" * 5000, stdout=full, stderr=subprocess.PIPE, timeout=120)
    assert_one_line_error(res, "cannot write <stdout>: No space left on device")
    res = run(["--steps", "unicode", "--edits", "/dev/full"], "Ã¤r\n".encode() * 5000)
    assert_one_line_error(res, "cannot write /dev/full: No space left on device")


def test_closed_stdout_and_stdin_are_one_line_errors(tmp_path):
    assert_one_line_error(run_with_closed(["--steps", "unicode", str(GARBLED_SAMPLE)], 1), "cannot write <stdout>")
    assert_one_line_error(run_with_closed(["--steps", "unicode"], 0), "cannot read <stdin>")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs /proc")
def test_read_error_is_a_one_line_error():
    res = run(["--steps", "unicode", "/proc/self/mem"], b"")  # reading it at offset 0 fails with EIO
    assert_one_line_error(res, "cannot read /proc/self/mem: Input/output error")


# --- bad configuration: a usage error (exit 2) before any text is read -------------

@pytest.mark.parametrize("setting, problem", [
    ('error_model = "model.tsv"', "error_model"),  # a file, but not a confusion table
    ('error_model = "missing.tsv"', "error_model"),
    ('domain_vocabulary = "no-such-folder"', "no domain_words.tsv"),
    ('join_lines = "false"', "join_lines must be true or false"),  # bool("false") is True
    ("min_confidence = 5", "min_confidence must be a number from 0 to 1"),
    ("min_confidence = true", "min_confidence must be a number from 0 to 1"),
    ("max_line_chars = 0", "max_line_chars must be a whole number of at least 1"),
    ("max_line_chars = -5", "max_line_chars must be a whole number of at least 1"),
    ("max_line_chars = 2.5", "max_line_chars must be a whole number of at least 1"),
    ("words = 5", "words must be"),
])
def test_bad_config_values_are_usage_errors(runner, tmp_path, setting, problem):
    (tmp_path / "model.tsv").write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    config = tmp_path / "ocrfix.toml"
    config.write_text(setting + "\n", encoding="utf-8")
    res = runner.invoke(main, ["--config", str(config)], input="Socialndmnden ska\nhushall\n")
    assert res.exit_code == 2 and problem in res.stderr and "warning" not in res.stderr, res.output
    assert res.stdout == ""


def test_good_config_values_still_pass(runner, tmp_path):
    config = tmp_path / "ocrfix.toml"
    config.write_text('steps = ["unicode"]\nmin_confidence = 1\nmax_line_chars = 10\njoin_lines = false\n', encoding="utf-8")
    res = runner.invoke(main, ["--config", str(config)], input="Ã¤r\n")
    assert res.exit_code == 0 and res.output == "är\n"


def test_cache_dir_that_is_a_file_is_one_error(runner, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    cache.write_text("", encoding="utf-8")
    for env in (cache, cache / "sub"):
        monkeypatch.setenv("OCRFIX_CACHE_DIR", str(env))
        res = runner.invoke(main, [], input="Socialndmnden ska\n\nhushall\n")
        assert res.exit_code == 2 and f"OCRFIX_CACHE_DIR {env} is not a directory" in res.stderr, res.output
        assert "warning" not in res.stderr and res.stdout == ""


def test_word_list_that_is_not_utf8_names_the_file(runner, tmp_path):
    words = tmp_path / "names.txt"
    words.write_bytes(b"Joar\n\xff\xfeK\n")
    res = runner.invoke(main, ["--words", str(words)], input="x\n")
    assert res.exit_code == 1
    assert res.stderr == f"ocrfix: error: cannot read word list {words}: not UTF-8 text (byte offset 5)\n"


@pytest.mark.parametrize("spec", ["", " ", ","])
def test_empty_steps_is_a_usage_error(runner, spec):
    res = runner.invoke(main, ["--steps", spec], input="hushall\n")
    assert res.exit_code == 2 and "'none' for a plain copy" in res.stderr
    assert res.stdout == ""
    assert runner.invoke(main, ["--steps", "none"], input="hushall\n").output == "hushall\n"


# --- -o FILE: written as `>` would (mode, symlinks, devices), but atomically --------

@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_output_file_mode_follows_the_umask_or_the_old_file(runner, tmp_path, umask_022):
    new, old = tmp_path / "new.txt", tmp_path / "old.txt"
    old.write_text("gammalt\n", encoding="utf-8")
    old.chmod(0o664)  # neither the umask's 0644 nor a temporary file's 0600
    for out in (new, old):
        assert runner.invoke(main, ["--steps", "unicode", "-o", str(out)], input="Ã¤r\n").exit_code == 0
        assert out.read_text(encoding="utf-8") == "är\n"
    assert (new.stat().st_mode & 0o777, old.stat().st_mode & 0o777) == (0o644, 0o664)
    os.umask(0o077)
    assert runner.invoke(main, ["--steps", "unicode", "-o", str(tmp_path / "private.txt")], input="x\n").exit_code == 0
    assert (tmp_path / "private.txt").stat().st_mode & 0o777 == 0o600


def test_output_through_a_symlink_replaces_its_target(runner, tmp_path, umask_022):
    (tmp_path / "real").mkdir()
    target, link = tmp_path / "real" / "out.txt", tmp_path / "link.txt"
    target.write_text("gammalt\n", encoding="utf-8")
    link.symlink_to(target)
    assert runner.invoke(main, ["--steps", "unicode", "-o", str(link)], input="Ã¤r\n").exit_code == 0
    assert link.is_symlink() and link.resolve() == target and target.read_text(encoding="utf-8") == "är\n"
    assert sorted(p.name for p in (tmp_path / "real").iterdir()) == ["out.txt"]  # no temporary file left


def test_output_to_a_fifo_writes_into_it(runner, tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # so that opening it for writing does not block
    try:
        assert runner.invoke(main, ["--steps", "unicode", "-o", str(fifo)], input="Ã¤r\n").exit_code == 0
        assert fifo.is_fifo() and os.read(reader, 100) == "är\n".encode()
    finally:
        os.close(reader)


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_sub_command_reporting_into_a_full_disk_is_a_one_line_error():
    with open("/dev/full", "wb") as full:
        res = subprocess.run(OCRFIX + ["steps"], stdout=full, stderr=subprocess.PIPE, timeout=120)
    assert_one_line_error(res, "No space left on device")
