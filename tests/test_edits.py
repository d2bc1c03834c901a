import pytest
from hypothesis import given
from hypothesis import strategies as st

from ocrfix.edits import Edit, apply, edits_from_rewrite, replay, select


def E(start, end, before, after, conf=1.0):
    return Edit(start, end, before, after, "t", conf)


def test_select_prefers_confidence_and_drops_overlaps():
    text = "hushall dr stort"
    chosen = select([E(0, 7, "hushall", "hushåll", 0.9), E(4, 10, "all dr", "x", 0.95), E(8, 10, "dr", "är", 0.8)])
    assert [e.after for e in chosen] == ["x"]
    chosen = select([E(0, 7, "hushall", "hushåll", 0.9), E(8, 10, "dr", "är", 0.8)], min_confidence=0.85)
    assert apply(text, chosen) == "hushåll dr stort"


def test_select_drops_noops_and_is_deterministic():
    edits = [E(0, 1, "a", "a"), E(2, 3, "c", "x", 0.5), E(2, 3, "c", "y", 0.5)]
    assert select(edits) == select(list(reversed(edits)))
    assert len(select(edits)) == 1


def test_apply_refuses_stale_edit():
    with pytest.raises(ValueError):
        apply("abc", [E(0, 1, "x", "y")])


def test_replay_applies_steps_in_order():
    text = "ﬁnns hushall"
    log = [Edit(0, 1, "ﬁ", "fi", "unicode", step=0), Edit(6, 13, "hushall", "hushåll", "words", step=1)]
    assert replay(text, log) == "finns hushåll"


@given(st.text(max_size=60), st.text(max_size=60))
def test_rewrite_edits_reproduce_the_rewrite(old, new):
    edits = edits_from_rewrite(old, new, 0, "t")
    assert apply(old, edits) == new


def test_rewrite_edits_are_word_sized():
    edits = edits_from_rewrite("Det Ã¤r bra, sÃ¥ klart", "Det är bra, så klart", 10, "t")
    assert [(e.start, e.before, e.after) for e in edits] == [(14, "Ã¤r", "är"), (23, "sÃ¥", "så")]
