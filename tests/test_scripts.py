"""The data-building scripts' own rules (scripts/ is not installed; imported from the checkout)."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

from build_domain_data import lowered_pairs, sequence  # noqa: E402
from build_general_bigrams import html_text, is_swedish  # noqa: E402


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


def test_report_markup_is_layout_not_words():
    seq = list(sequence("<p>Kostnaderna <b>ökar</b> i år</p><p>Nämnden <i>beslutar</i></p>"))
    words = [w for w in seq if w != "<s>"]
    assert words == ["Kostnaderna", "ökar", "i", "år", "Nämnden", "beslutar"]
    pairs = set(lowered_pairs(seq))
    assert ("kostnaderna", "ökar") in pairs and ("år", "<s>") in pairs and ("år", "nämnden") not in pairs
    # negative: angle brackets that are no tag leave the words around them as they are
    assert list(sequence("a < b och c > d")) == ["a", "b", "och", "c", "d"]
