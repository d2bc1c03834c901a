"""The frequent-word pool for heavily garbled tokens (ocrfix.fuzzy)."""
import os

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


def test_the_c_prefilter_keeps_every_string_the_scorer_accepts():
    """ocrfix._beam.NearPool.near (see ocrfix.fuzzy.near) keeps, in order, exactly the
    strings fuzz.ratio finds similar enough (up to its small slack below the
    cut): on random strings with letters above U+00FF and queries up to and
    past its 64 characters."""
    import random

    from array import array

    from rapidfuzz import fuzz

    beam = pytest.importorskip("ocrfix._beam")
    rng = random.Random(5)
    alphabet = "aabcdeeiklmnorsstuvåäöéﬁ[]|ł中"
    for _ in range(2000):
        query = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 70)))
        strings = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 20))) for _ in range(10)]
        strings += [query[: rng.randint(0, len(query))] + rng.choice(alphabet) + query[rng.randint(0, len(query)):]
                    for _ in range(10)]
        order = array("I", rng.sample(range(len(strings)), len(strings)))
        pool = beam.NearPool()
        pool.add_lines("\n".join(strings[:5]))  # (no string holds a line break)
        for s in strings[5:]:
            pool.add(s)
        assert len(pool) == len(strings)
        for cut in (60, 70):
            for o in (None, order):
                kept = pool.near(query, 3, 17, o, cut)
                if len(query) > 64:
                    assert kept is None
                    continue
                at = (lambda j: strings[o[j]]) if o is not None else (lambda j: strings[j])
                want = [j for j in range(3, 17) if fuzz.ratio(query, at(j)) >= cut]
                assert kept == sorted(kept) and set(want) <= set(kept)
                assert all(fuzz.ratio(query, at(j)) >= cut - 0.02 for j in kept)


@pytest.mark.skipif(os.environ.get("OCRFIX_PURE_PYTHON") is not None, reason="C accelerator switched off")
def test_the_prefilter_changes_no_look_up(tmp_path, monkeypatch):
    """FrequentWords.similar finds the same words with the C prefilter and without it."""
    pytest.importorskip("ocrfix._beam")
    fw = pool(tmp_path)
    queries = ["sannerkas", "personakesuner", "hodgetramarna", "samverka", "forvaltnlngen", "utvecklingar"]
    with_c = [fw.similar(q, cut, 4) for q in queries for cut in (50, 70)]
    assert fw._pool is not None
    monkeypatch.setattr(fw, "_pool", None)
    assert [fw.similar(q, cut, 4) for q in queries for cut in (50, 70)] == with_c
