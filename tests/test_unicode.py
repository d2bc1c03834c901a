import pytest

from conftest import CLEAN_SAMPLES, load_cases
from ocrfix import Pipeline
from ocrfix.correctors.unicode import UnicodeNormalizer

CASES = load_cases("unicode_cases.tsv")


@pytest.mark.parametrize("source,expected,note", CASES, ids=[c[2] for c in CASES])
def test_unicode_cases(source, expected, note):
    assert Pipeline(["unicode"]).fix(source) == expected


def test_cases_file_has_positive_and_negative_cases():
    assert sum(s == e for s, e, _ in CASES) >= 5 and sum(s != e for s, e, _ in CASES) >= 5


def test_ligatures_are_left_for_a_later_step_that_reads_them():
    class ReadsLigatures(UnicodeNormalizer):  # stands in for the words corrector
        name = "reader"
        handles = frozenset({"ligatures"})

        def propose(self, doc):
            return []

    assert Pipeline(["unicode", ReadsLigatures()]).fix("ﬁirva[tningen") == "ﬁirva[tningen"
    assert Pipeline(["unicode"]).fix("ﬁirva[tningen") == "fiirva[tningen"
    assert Pipeline([UnicodeNormalizer(ligatures="expand"), ReadsLigatures()]).fix("ﬁ") == "fi"


@pytest.mark.parametrize("path", CLEAN_SAMPLES, ids=lambda p: p.name)
def test_clean_reports_unchanged(path):
    text = path.read_text(encoding="utf-8")
    assert Pipeline(["unicode"]).fix(text) == text


def test_edit_reasons_name_the_fix():
    _, edits = Pipeline(["unicode"]).fix_with_edits("Ã¤r ﬁnt")
    assert [e.reason.split()[0] for e in edits] == ["mojibake", "ligature"]
