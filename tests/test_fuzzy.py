"""The frequent-word pool for heavily garbled tokens (ocrfix.fuzzy)."""
import pytest

from ocrfix.fuzzy import FrequentWords, fold_plain, write_pool

WORDS = ["samverkan", "samverkas", "personalresurser", "personalen", "förvaltningen", "verksamheten",
         "utvecklingen", "socialnämnden", "ekonomiskt", "budgetramarna"]


def pool(tmp_path, words=WORDS):
    write_pool(tmp_path, words)
    return FrequentWords.load(tmp_path)


def test_a_garble_finds_the_words_it_resembles(tmp_path):
    fw = pool(tmp_path)
    assert fw.similar("sannerkas", 70, 4)[0] == "samverkas"
    assert fw.similar("personakesuner", 70, 4)[0] == "personalresurser"
    assert fw.similar(fold_plain("förvaltnlngen"), 70, 4) == ["förvaltningen"]  # folded: ö -> o on both sides


def test_a_token_that_keeps_only_its_ending_is_found_too(tmp_path):
    fw = pool(tmp_path)
    assert "budgetramarna" in fw.similar("hodgetramarna", 70, 4)  # first letter garbled, ending kept


def test_nothing_below_the_cut_and_nothing_from_an_empty_pool(tmp_path):
    fw = pool(tmp_path)
    assert fw.similar("kvarnbackaskolan", 70, 4) == []
    assert fw.similar("", 70, 4) == []
    assert FrequentWords.load(tmp_path / "missing").similar("samverkas", 70, 4) == []
    assert len(fw.similar("samverka", 50, 1)) == 1  # limit


@pytest.mark.slow
def test_the_compiled_lexicon_has_a_pool_of_frequent_words():
    from ocrfix.lexicon import load_lexicon

    fw = load_lexicon().frequent_words()
    assert fw.similar("forvaltnlngen", 70, 4)[0] == "förvaltningen"
    assert "personalresurser" in fw.similar("personakesuner", 70, 4)  # the channel score chooses among these
    assert fw.similar("hemmaplanslosningar", 70, 4)[0] == "hemmaplanslösningar"  # a domain word, rare in wordfreq
