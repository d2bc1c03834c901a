"""Passages in another language are left alone and do not count as damage."""
from __future__ import annotations

import pytest

from conftest import GARBLED_SAMPLE
from ocrfix import Pipeline
from ocrfix.language import foreign_letters, foreign_spans, foreign_word_spans

ENGLISH = """The committee met on Tuesday to discuss the annual budget and the new housing policy.
According to the report, the number of applications increased by twelve percent last year.
Several members argued that the municipality should invest more in preventive social work.
The chairman thanked the staff for their efforts during a difficult and demanding period.
Further information is available from the secretary, who will answer questions by email.
"""
GERMAN = """Der Ausschuss hat am Dienstag über den Haushalt und die neue Wohnungspolitik beraten.
Laut dem Bericht ist die Zahl der Anträge im vergangenen Jahr um zwölf Prozent gestiegen.
Der Vorsitzende dankte den Mitarbeitern für ihren Einsatz in einer schwierigen Zeit.
Weitere Informationen erhalten Sie beim Sekretariat, das Fragen gerne per E-Mail beantwortet.
"""
# Finnish is an official minority language: municipalities in its
# administrative area publish such paragraphs (written for the tests).
FINNISH = """Tietoa suomeksi

Kunta kuuluu suomen kielen hallintoalueeseen, ja sinulla on oikeus käyttää suomea kunnan kanssa. Voit saada
vanhustenhuoltoa kokonaan tai osittain suomeksi, jos haluat. Ota yhteyttä asiakaspalveluun, puhelin 0171-625 00.
"""
# Nordic cooperation: a Norwegian and a Danish speaker quoted in a report
# (a helper's harm hunt; `kommunene fikk` had become `kommunens fisk`).
NORWEGIAN = """«Vi ser at flere barn enn før blir plassert utenfor hjemmet, og at mange av dem har behov for tjenester
fra både barnevernet og psykisk helsevern. Det er derfor viktig at kommunene og spesialisthelsetjenesten samarbeider
bedre. Vi har ennå ikke sett den fulle effekten av reformen, og kommunene fikk et større faglig ansvar.»
"""
DANISH = """«Kommunerne skal inddrage børn og unge mere i de beslutninger, der vedrører dem, og barnet får ret til en
bisidder. Vi oplever, at det kræver et stort kulturskifte blandt sagsbehandlerne, og at der er behov for
efteruddannelse.»
"""
# A Danish song title in a concert programme (a harm hunt: `Havde` had become `Hade`)
DANISH_TITLE = "3. Havde jeg, o havde jeg en dattersøn, o ja!\n"
SWEDISH = """Under våren genomfördes en kartläggning av hur många hushåll som fick ekonomiskt bistånd.
Resultatet visade att andelen långvariga biståndsmottagare minskade något jämfört med föregående år.
Mormor stickade vantar av ull och Pappa sa att hon skulle komma.
"""


@pytest.fixture(scope="module")
def pipeline():
    return Pipeline()


@pytest.mark.parametrize("text", [ENGLISH, GERMAN, FINNISH, NORWEGIAN, DANISH, DANISH_TITLE, SWEDISH + ENGLISH,
                                  SWEDISH + NORWEGIAN,
                                  ENGLISH + "\n" + SWEDISH + GERMAN,
                                  ENGLISH.splitlines(keepends=True)[2]])
def test_foreign_passages_and_the_swedish_beside_them_stay(pipeline, text):
    assert pipeline.fix(text) == text


def test_a_foreign_passage_in_a_damaged_scan_stays_and_the_scan_is_still_corrected(pipeline):
    garbled = GARBLED_SAMPLE.read_text(encoding="utf-8").rstrip("\n") + "\n\n"
    out = pipeline.fix(garbled + ENGLISH)
    alone = pipeline.fix(garbled)
    assert out == alone + ENGLISH and alone != garbled


def test_norwegian_and_danish_passages_are_foreign_though_they_share_swedish_function_words():
    """`det`, `som`, `på`, `vi`, `har` are theirs too: they tell Swedish from
    English or German, not from Norwegian or Danish. A Swedish line beside
    with only such words (`Ur det norska inlägget`) stays Swedish."""
    intro = "Ur det norska inlägget (återgivet på originalspråk):\n"
    # no function word, Swedish beside Norwegian (two reviews): with ä/ö, or longer than a quote's last line
    for after in ("Nämnden noterade inlägget. Ordföranden tackade.\n", "Beslut: protokolet justeras omgående, ordforanden tackade.\n"):
        for passage in (NORWEGIAN, DANISH):
            text = SWEDISH + intro + passage + after + SWEDISH
            assert [text[s:e] for s, e in foreign_spans(text)] == [passage]
    assert foreign_spans(SWEDISH * 3) == []


def test_only_the_foreign_lines_are_foreign():
    text = SWEDISH + ENGLISH + SWEDISH
    spans = foreign_spans(text)
    assert [text[s:e] for s, e in spans] == [ENGLISH]
    quoting = "Vi arbetar enligt metoden Signs of Safety och med stöd av The Incredible Years i alla ärenden.\n"
    assert foreign_spans(quoting * 3) == []


@pytest.mark.parametrize("word", ["Łukasz", "Çelik", "Ayşe", "dieđáhus", "Øresund", "crème", "Muñoz", "µg", "Straße"])
def test_words_with_letters_swedish_does_not_write_are_foreign(word):
    assert foreign_letters(word)
    text = f"Kontakt: {word}, tfn 0171-123 45."
    (start, end), = foreign_word_spans(text)
    assert text[start:end].rstrip(",") == word


@pytest.mark.parametrize("word", ["Socialnämnden", "idé", "ﬁnns", "utveck[ing", "6ppenv§1rden", "hi)’g", "naïve"])
def test_swedish_words_and_ocr_garbles_are_not_foreign(word):
    """Swedish letters, é, ligatures and OCR debris; ``ï`` is a letter the
    engine's confusions are said to produce (``known``)."""
    assert not foreign_letters(word, known=frozenset("ï"))
    assert foreign_word_spans(f"och {word} i", known=frozenset("ï")) == []


def test_foreign_words_in_a_damaged_scan_stay_and_the_scan_is_still_corrected(pipeline):
    """In a scan without å/ä/ö every word is a candidate: names with letters
    Swedish does not write were read as garbles (`Çelik` -> `relik`,
    `Łukasz` -> `Lukas`, `dieđáhus` -> `diethus`, the đ dropped as debris)."""
    scan = GARBLED_SAMPLE.read_text(encoding="utf-8").rstrip("\n") + "\n"
    lines = ("Kontakt: Łukasz Wiśniewski och Ayşe Çelik, tfn 0171-123 45.\n"
             "Samiskt namn: Dieđáhus. Priset är 3 st à 50 kr, crème fraiche.\n")
    out = pipeline.fix(scan + lines)
    assert out.endswith(lines)
    assert "Socialnämnden" in out and "Socialndmnden" not in out


def test_the_last_line_of_a_short_foreign_paragraph_is_foreign():
    """A paragraph's lines are weighed with their neighbours in the same
    paragraph; a window reaching over the blank line used to count for
    nothing, so the last line of a two-line paragraph stayed Swedish."""
    spans = foreign_spans(SWEDISH + "\n" + FINNISH)
    text = SWEDISH + "\n" + FINNISH
    assert "".join(text[s:e] for s, e in spans) == FINNISH.split("\n\n", 1)[1]
