"""``ocrfix eval`` and ocrfix.evaluate: metrics, layouts, ablation, error report.

The metric definitions are checked on hand-computed cases; agreement with
the team's reference scorer (``../shared/tools/ocrscore.py``) to 4 decimals
is checked on the full dev data where it exists (skipped in a user's clone).
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from ocrfix.cli import main
from ocrfix.evaluate import Sample, errors, evaluate, load_lines, load_pages

from conftest import shared_path

DATA = Path(__file__).parent / "data"


def run_eval(*args: str) -> dict:
    result = CliRunner().invoke(main, ["eval", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


# --- the metrics -------------------------------------------------------------

def test_errors_counts_characters_and_words_after_normalising_space_and_nfc():
    # one substitution (a→ä) in 9 characters; one wrong word of 2; NFD input and extra spaces ignored
    assert errors("hej   varld\n", "hej va\u0308rld") == (1, 9, 1, 2)
    assert errors("", "") == (0, 0, 0, 0)


def test_identity_scores_zero_reduction_and_zero_harm(tmp_path):
    (tmp_path / "p.ocr.txt").write_text("Socialndmnden har ett ansvar for barn.\n", encoding="utf-8")
    (tmp_path / "p.gt.txt").write_text("Socialnämnden har ett ansvar för barn.\n", encoding="utf-8")
    res = run_eval(str(tmp_path), "--steps", "none")
    assert res["cer_before"] == res["cer_after"] == round(2 / 38, 5)
    assert res["cer_reduction"] == 0.0
    assert res["wer_before"] == round(2 / 6, 5)
    # the error report names what is left: ä read as d, ö as o
    pairs = {(c["truth"], c["output"]) for c in res["remaining"]["confusions"]}
    assert pairs == {("ä", "d"), ("ö", "o")}
    assert {(w["output"], w["truth"]) for w in res["remaining"]["words"]} == {("Socialndmnden", "Socialnämnden"), ("for", "för")}
    harm = run_eval(str(tmp_path), "--steps", "none", "--no-harm")
    assert harm["harm_rate"] == 0.0 and harm["gt_words"] == 6


def test_a_tool_that_damages_correct_text_is_reported_as_harm():
    sample = Sample("s", "ett två tre", "ett två tre")
    report = evaluate(lambda text: text.replace("två", "tva"), [sample], no_harm=True)
    assert (report.harmed, report.harm_words) == (1, 3)


def test_lines_layout_scores_only_the_selected_conf(tmp_path):
    rows = [{"ocr": "for barn", "gold": "för barn", "conf": "high"},
            {"ocr": "xxxx", "gold": "något helt annat", "conf": "low"}]
    path = tmp_path / "lines.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    high = run_eval(str(path), "--steps", "none")
    assert high["gt_chars"] == len("för barn") and high["cer_before"] == round(1 / 8, 5)
    both = run_eval(str(path), "--steps", "none", "--conf", "high,low")
    assert both["gt_chars"] == len("för barn") + len("något helt annat")


# --- ocrfix measured on the repo's small test data ----------------------------

def test_ocrfix_removes_most_errors_on_the_enkoping_sample_and_the_words_step_does_most():
    res = run_eval(str(DATA / "enkoping_dev_sample.jsonl"), "--ablate")
    assert res["cer_after"] < res["cer_before"] / 4
    ablation = res["ablation"]
    assert set(ablation) == {"unicode", "fontmap", "markers", "headings", "rejoin", "split", "words", "punctuation"}
    # without the word corrector most of the gain is gone; no step makes things worse
    assert ablation["words"]["contribution"] > 0.5
    assert all(d["contribution"] >= 0 for d in ablation.values())


def test_page_pairs_with_a_single_file_and_gt_option_agree_with_the_folder():
    folder = load_pages(DATA / "pages")
    one = next(s for s in folder if s.name == "tesseract_eng_S1")
    single = run_eval(str(DATA / "pages" / "tesseract_eng_S1.ocr.txt"), "--gt", str(DATA / "pages" / "tesseract_eng_S1.gt.txt"))
    assert single["cer_before"] == round(errors(one.ocr, one.gold)[0] / errors(one.ocr, one.gold)[1], 5)
    assert single["cer_after"] < single["cer_before"]


# --- bad input -------------------------------------------------------------------

def test_a_folder_without_pairs_is_a_one_line_error(tmp_path):
    result = CliRunner().invoke(main, ["eval", str(tmp_path)])
    assert result.exit_code == 1
    assert "no NAME.ocr.txt + NAME.gt.txt pairs" in result.output
    assert "Traceback" not in result.output


def test_a_plain_text_file_without_gt_is_a_usage_error(tmp_path):
    path = tmp_path / "scan.txt"
    path.write_text("text\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", str(path)])
    assert result.exit_code == 2 and "--gt" in result.output


def test_an_unreadable_gt_file_is_named(tmp_path):
    ocr, gold = tmp_path / "scan.txt", tmp_path / "truth.txt"
    ocr.write_text("text\n", encoding="utf-8")
    gold.write_bytes(b"\xff\xfebad\n")
    result = CliRunner().invoke(main, ["eval", str(ocr), "--gt", str(gold)])
    assert result.exit_code == 2 and f"cannot read {gold}" in result.output and "Traceback" not in result.output


def test_malformed_jsonl_is_a_one_line_error(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"ocr": "x"\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", str(path)])
    assert result.exit_code == 1 and result.output.startswith("ocrfix: error:")


# --- agreement with the reference scorer (team data only) ------------------------

def ocrscore(*args: str) -> dict:
    tool = shared_path("tools", "ocrscore.py")
    proc = subprocess.run([sys.executable, str(tool), *args, "--json", "--", sys.executable, "-m", "ocrfix"],
                          capture_output=True, text=True, timeout=1800)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


METRICS = ("cer_before", "cer_after", "cer_reduction", "wer_before", "wer_after", "wer_reduction")


@pytest.mark.parametrize("layout,parts,extra", [
    ("pages", ("bench", "tesseract-dev"), ()),
    ("lines", ("enkoping", "dev.jsonl"), ()),
    ("lines", ("enkoping", "dev.jsonl"), ("--no-harm",)),
], ids=["tesseract-dev", "enkoping-dev", "enkoping-no-harm"])
def test_eval_agrees_with_ocrscore_to_four_decimals(layout, parts, extra):
    data = shared_path(*parts)
    reference = ocrscore(layout, str(data), *extra)
    ours = run_eval(str(data), *extra, "--errors", "0")
    keys = ("harm_rate", "gt_words", "words_changed") if extra else (*METRICS, "gt_chars")
    for key in keys:
        assert round(ours[key], 4) == round(reference[key], 4), key


def test_setting_filter_scores_only_those_pages(tmp_path):
    for name, setting, ocr in (("a", "X", "for barn"), ("b", "Y", "helt fel")):
        (tmp_path / f"{name}.ocr.txt").write_text(ocr + "\n", encoding="utf-8")
        (tmp_path / f"{name}.gt.txt").write_text("för barn\n", encoding="utf-8")
    (tmp_path / "manifest.tsv").write_text("name\tsetting\na\tX\nb\tY\n", encoding="utf-8")
    both = run_eval(str(tmp_path), "--steps", "none")
    assert set(both["settings"]) == {"X", "Y"} and both["docs"] == 2
    only_x = run_eval(str(tmp_path), "--steps", "none", "--setting", "X")
    assert only_x["docs"] == 1 and only_x["cer_before"] == round(1 / 8, 5)
    result = CliRunner().invoke(main, ["eval", str(tmp_path), "--setting", "Z"])
    assert result.exit_code == 1 and "no pages of setting Z" in result.output


@pytest.mark.parametrize("line, problem", [('{"ocr": 5, "gold": "x"}', '"ocr" must be a string'),
                                           ("[1, 2]", "not a JSON object"),
                                           ('{"ocr": "x"}', '"gold" must be a string'),
                                           ('{"ocr": "x", "gold": "x", "conf": ["high"]}', '"conf" must be a string')])
def test_jsonl_line_of_the_wrong_shape_is_a_one_line_error(tmp_path, line, problem):
    path = tmp_path / "bad.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", str(path)])
    assert result.exit_code == 1 and result.output == f"ocrfix: error: cannot read {path}: line 1: {problem}\n"


def test_bad_json_is_reported_on_its_own_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"ocr": "a", "gold": "a"}\n{"ocr": "b"\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", str(path)])
    assert result.exit_code == 1 and f"cannot read {path}: line 2: not valid JSON" in result.output


def test_jsonl_lines_are_split_at_newlines_only(tmp_path):
    path = tmp_path / "lines.jsonl"
    path.write_text('{"ocr": "a\u2028b", "gold": "a\u2028b"}\n{"ocr": "c\x85d", "gold": "c\x85d"}\n', encoding="utf-8")
    assert [s.ocr for s in load_lines(path)] == ["a\u2028b\nc\x85d\n"]


def test_a_page_file_that_is_not_utf8_is_named(tmp_path):
    (tmp_path / "p1.ocr.txt").write_text("hej\n", encoding="utf-8")
    (tmp_path / "p1.gt.txt").write_bytes(b"hej\n\xff\n")
    result = CliRunner().invoke(main, ["eval", str(tmp_path)])
    assert result.exit_code == 1 and result.output == f"ocrfix: error: cannot read {tmp_path}: p1.gt.txt: not UTF-8 text (byte offset 4)\n"
