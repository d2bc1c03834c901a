"""The data-building scripts' own rules (scripts/ is not installed; imported from the checkout)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

from build_domain_data import lowered_pairs, sequence  # noqa: E402
from build_general_bigrams import html_text, is_swedish  # noqa: E402
from make_pages import first_page, joined, table_like  # noqa: E402


def test_only_swedish_paragraphs_are_counted():
    assert is_swedish("Om du vill visa objektkatalogen klickar du på ikonen på verktygsraden.")
    assert is_swedish("Det är då det blir roligt att använda en dator.")
    assert not is_swedish("Choose LibreOffice - Preferences and then enter the path to the file.")
    assert not is_swedish("Returns sum for the range A5:C5, even if some of the columns are hidden.")
    assert not is_swedish("Skift+F5")  # too short to tell


def test_html_becomes_paragraphs_without_code():
    page = b"<html><head><title>Hj\xc3\xa4lp</title></head><body><p>Klicka h\xc3\xa4r.</p>" \
           b"<pre>for i in x</pre><p>Sedan <b>v\xc3\xa4ljer</b> du.</p></body></html>"
    paras = [" ".join(p.split()) for p in html_text(page).split("\n\n") if p.strip()]
    assert paras == ["Hjälp", "Klicka här.", "Sedan väljer du."]
    latin = '<meta charset="iso-8859-1"><p>F\xf6retagets s\xe4kerhet</p>'.encode("latin-1")
    assert "Företagets säkerhet" in html_text(latin)


def test_inline_code_is_kept_on_request():
    page = b"<p><code>nfamilies</code> returnerar antalet familjer.</p><pre>x = 1</pre>"
    assert html_text(page).split() == ["returnerar", "antalet", "familjer."]
    assert html_text(page, keep_code=True).split() == ["nfamilies", "returnerar", "antalet", "familjer."]


class _Font:
    """Pillow's getlength for a monospaced font: ten pixels a character."""

    @staticmethod
    def getlength(text: str) -> float:
        return 10.0 * len(text)


def test_pages_keep_every_word_and_undo_only_the_layouts_hyphens():
    import random

    paragraphs = ["Förvaltningen redovisar verksamhetsberättelsen för socialnämnden i år.",
                  "Vi ger alla råd om bra budget- och skuldrådgivning."] * 30
    page, hyphenated, used = first_page(paragraphs, _Font(), 300.0, random.Random(4))
    assert 35 <= len(page) <= 45 and 0 < used <= len(paragraphs)
    assert all(len(line) <= 30 for line in page) and not page[-1].endswith("-")
    assert hyphenated and all(page[i].endswith("-") for i in hyphenated)  # some long words broken
    assert any(line.endswith("budget-") for line in page)  # ... and the text's own hyphen at a line end
    undone = " ".join(joined(page, hyphenated)).split()
    source = " ".join(paragraphs[:used]).split()
    assert undone == source[: len(undone)]  # the words of the source, in order, none torn
    assert "budget-" in undone  # negative: the text's own hyphen is kept, not joined to `och`


def test_table_like_lines_are_left_out_of_pages():
    assert table_like("Kostnader\t12 345\t13 000") and table_like("Innehåll ........ 4") and table_like("2024 1 234 567 89")
    assert not table_like("Nämnden redovisar ett underskott på 12 miljoner kronor för 2024.")


def test_report_markup_is_layout_not_words():
    seq = list(sequence("<p>Kostnaderna <b>ökar</b> i år</p><p>Nämnden <i>beslutar</i></p>"))
    words = [w for w in seq if w != "<s>"]
    assert words == ["Kostnaderna", "ökar", "i", "år", "Nämnden", "beslutar"]
    pairs = set(lowered_pairs(seq))
    assert ("kostnaderna", "ökar") in pairs and ("år", "<s>") in pairs and ("år", "nämnden") not in pairs
    # negative: angle brackets that are no tag leave the words around them as they are
    assert list(sequence("a < b och c > d")) == ["a", "b", "och", "c", "d"]


def test_own_pages_add_confusions_at_a_small_weight_and_keep_the_real_rates():
    """Pages one made oneself (make_pages.py) teach confusions the real
    engine's pages never showed, at --own-weight; a rule both have keeps
    mostly the real rate, and the special costs stay the real pages'."""
    from learn_error_model import mixed, profile_table

    real = profile_table([("Det giiller kontakt och bam.", "Det gäller kontakt och barn."),
                          ("giiller hela hushallet", "gäller hela hushållet")] * 3, min_count=2)
    made = profile_table([("kornmunen och bam", "kommunen och barn"),
                          ("var gilla bam", "var gälla barn"),
                          ("kornrnunen", "kommunen")] * 3, min_count=2)
    both = mixed(real, made, 0.1)
    assert ("m", "rn") in made.rules and ("m", "rn") not in real.rules  # (truth, ocr): m read as rn
    assert both.rules[("m", "rn")][2] == 0.1 * made.rules[("m", "rn")][2]
    assert ("ä", "ii") in real.rules and ("ä", "ii") not in made.rules
    assert both.rules[("ä", "ii")][2] == 0.9 * real.rules[("ä", "ii")][2]
    shared = real.rules[("rn", "m")][2], made.rules[("rn", "m")][2]
    assert both.rules[("rn", "m")][2] == 0.9 * shared[0] + 0.1 * shared[1]
    assert both.special == real.special
    # a mixed rule less likely than the real pages' unseen edit is left out
    floor = real.special[("<unseen>", "sub")][2]
    assert all(p >= floor for _, _, p in both.rules.values())
    assert all(p >= floor for _, _, p in mixed(real, made, 1e-6).rules.values())
    assert ("m", "rn") not in mixed(real, made, 1e-6).rules
    # the count columns give the mixed probability; a character only the made pages
    # show keeps the model's default identity (no row)
    assert all(abs(c - p * n) <= 0.5 for c, n, p in both.rules.values())
    only_made = made.identity.keys() - real.identity.keys()
    assert only_made and not only_made & both.identity.keys()
    with pytest.raises(ValueError):
        mixed(real, made, 1.5)
