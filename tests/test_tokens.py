import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ocrfix.tokens import (CODE, EMAIL, HANDLE, NEWLINE, NUMBER, PNR, PUNCT, SPACE, URL, WORD, detokenize, protected_spans,
                           tokenize)

# Arbitrary Unicode without NUL (NUL means binary input and is rejected earlier),
# with the awkward characters over-represented.
AWKWARD = st.sampled_from(["\r\n", "\n", "\r", "\t", "\u0301", "\u030a", "\u200b", "\u202e", "\ufeff", "\x0c", "ﬁ", "-", " "])
TEXT = st.lists(st.one_of(st.text(st.characters(blacklist_characters="\x00"), max_size=8), AWKWARD), max_size=40).map("".join)


@given(TEXT)
@settings(max_examples=500)
def test_tokenize_is_lossless(text):
    tokens = list(tokenize(text))
    assert detokenize(tokens) == text
    pos = 0
    for tok in tokens:  # contiguous, non-empty, offsets right
        assert tok.start == pos and tok.end > tok.start and text[tok.start : tok.end] == tok.text
        pos = tok.end


@given(TEXT)
@settings(max_examples=200)
def test_line_numbers_count_newlines(text):
    for tok in tokenize(text):
        assert tok.line == text.count("\n", 0, tok.start)


def kinds(text):
    return [(t.text, t.kind) for t in tokenize(text) if t.kind not in (SPACE,)]


def test_kinds_of_protected_tokens():
    got = kinds("Se https://www.enkoping.se/soc. Mejla soc@enkoping.se, pnr 19121212-1212 eller 121212-1212.")
    assert ("https://www.enkoping.se/soc", URL) in got
    assert ("soc@enkoping.se", EMAIL) in got
    assert ("19121212-1212", PNR) in got and ("121212-1212", PNR) in got
    assert (".", PUNCT) == got[-1]


def test_numbers_words_and_swedish_letters():
    got = kinds("Kostnaden 95 077 tkr (2,5 %) år 2024:1 för LSS\n")
    assert ("95", NUMBER) in got and ("077", NUMBER) in got and ("2,5", NUMBER) in got and ("2024:1", NUMBER) in got
    assert ("år", WORD) in got and ("för", WORD) in got and ("LSS", WORD) in got
    assert got[-1] == ("\n", NEWLINE)


def test_garbled_word_splits_at_non_letters():
    # the word corrector works on whitespace-delimited chunks; the tokeniser
    # itself stays simple and lossless
    got = kinds("utveck[ing 6ppenv§1rden")
    assert got[:3] == [("utveck", WORD), ("[", PUNCT), ("ing", WORD)]
    assert ("6", NUMBER) in got and ("§", PUNCT) in got


def test_protected_spans_match_the_full_pattern():
    from ocrfix.tokens import PROTECTED_RE

    texts = ["Se https://www.enkoping.se/stod eller skriv till info@enkoping.se.",
             "Personnummer 19800101-1234 och 800101+1234 samt www.mark.se",
             "Ren prosa utan adresser, 95 077 kr och 2024-05-01.", "", "a@b", "1234561234 123456-12345",
             "Sätt net_directory och XDG_CONFIG_HOME.", "mejla a_b@x.se eller öppna fil_1.pdf", "a_a.a_a.b_"]
    for text in texts:
        assert protected_spans(text) == [m.span() for m in PROTECTED_RE.finditer(text)], text
    assert protected_spans(texts[0]) and not protected_spans(texts[2])


PROTECTED_BITS = st.sampled_from(["www.x.se", "https://a.se/b", "a@b.se", "kommun.se", "a.pdf", ".se", "x.y@c.d", "121212-1212", "19121212+1212",
                                  "1234561234", "/usr/lib/", "/z/a/p", "@", "://", "\n", " ", ".", "-", "a", "1", "\t", "\u00a0",
                                  "@a", "h@r", "#å", "#", "&", "_", "`", "``", "`a b`", "`x`", "a_b", "_a", "x_1.pdf"])


@given(st.lists(st.one_of(PROTECTED_BITS, st.text(max_size=4)), max_size=30).map("".join))
@settings(max_examples=300)
def test_protected_spans_line_by_line_are_those_of_the_whole_text(text):
    from ocrfix.tokens import PROTECTED_RE

    assert protected_spans(text) == [m.span() for m in PROTECTED_RE.finditer(text)]


def test_bare_domain_and_file_names_are_protected():
    from ocrfix.tokens import protected_spans

    text = "Se boverket.se/bygg, filen protokoll.pdf och arbetet.Se vidare."
    kinds = {t.text: t.kind for t in tokenize(text)}
    assert kinds["boverket.se/bygg"] == kinds["protokoll.pdf"] == "url"
    assert [text[a:b] for a, b in protected_spans(text)] == ["boverket.se/bygg", "protokoll.pdf"]


def test_a_file_name_is_its_dotted_run_up_to_a_suffix():
    """The dotted run is taken whole (a run of `a.` repeated was quadratic with
    backtracking into it: a million characters took minutes with regex
    2026.11); a name glued to the next sentence by a lost space is the run up
    to its first suffix (a review: `bilaga.pdf.Den` had become `bilagan.Den`)."""
    import regex

    from ocrfix.tokens import _NAME

    pattern = regex.compile(_NAME)
    for text, name in (("filen fil.txt.gz här", "fil.txt.gz"), ("ladda ner debian-12.iso nu", "debian-12.iso"),
                       ("se kommun.se.", "kommun.se"), ("i bilaga.pdf.Den ska", "bilaga.pdf"),
                       ("Skicka rapport.docx.Sedan", "rapport.docx"), ("i protokoll.pdf.old", "protokoll.pdf"),
                       ("se a.b.c.se/x/y.", "a.b.c.se/x/y"), ("arbetet.Se vidare", None), ("slutet.Nästa", None)):
        found = pattern.search(text)
        assert (found.group() if found else None) == name, text
    for run in ("a.", "a.pdfx.", ".a"):
        assert pattern.search(run * 500_000, timeout=2) is None


def test_markdown_code_fences_are_spans_when_closed():
    from ocrfix.tokens import closes_fence, fenced_code_spans

    text = "Kör så här:\n```bash\npython3 -m venv .venv\n```\nSedan:\n````\nfor rad in data:\n```\nprint(rad)\n````\n"
    spans, still_open = fenced_code_spans(text)
    assert [text[s:e] for s, e in spans] == [
        "```bash\npython3 -m venv .venv\n```", "````\nfor rad in data:\n```\nprint(rad)\n````"]  # a shorter fence closes none
    assert still_open is None
    # a fence never closed protects nothing (one stray line must not silence a document)
    assert fenced_code_spans("Rubrik\n```\nDetta ar en text som fortsatter.\n") == ([], "```")
    # a block that begins inside code (cut at the stream's hard limit): its first closing line ends a span,
    # and the next fence opens one (a review: they had swapped, protecting the prose between them)
    text = "x = 1\n```\nDetta ar text.\n```python\ny = 2\n```\n"
    spans, still_open = fenced_code_spans(text, "```")
    assert [text[s:e] for s, e in spans] == ["x = 1\n```", "```python\ny = 2\n```"] and still_open is None
    # no fence: prose, inline code, tildes (a plain-text report's separator lines)
    for prose in ("Vi använder `git` och ``a`` här.\n", "~~~~~~~~~~\nRubrik\n~~~~~~~~~~\n", "a ``` b\n"):
        assert fenced_code_spans(prose) == ([], None)
    assert closes_fence("```python\n", None) == "```" and closes_fence("```\n", "```") is None
    assert closes_fence("```python\n", "```") == "```" and closes_fence("``\n", "```") == "```"


@pytest.mark.parametrize("text, path", [("Fixat en bugg i billing/export.py som gav fel", "billing/export.py"),
                                        ("Skriv till ut/resultat.xlsx.", "ut/resultat.xlsx"),
                                        ("Kör source .venv/bin/activate först", ".venv/bin/activate"),
                                        ("Läs ../data/utfall.csv och ~/.config/ocrfix.", "../data/utfall.csv"),
                                        ("Läs ../data/utfall.csv och ~/.config/ocrfix.", "~/.config/ocrfix"),
                                        ("Kör ./configure igen", "./configure")])
def test_a_relative_path_is_protected(text, path):
    """A helper's Markdown and release notes: `billing/export.py` had become
    `billing/exporter`, `.venv/bin/activate` `ven/bin/activate`."""
    assert path in [text[s:e] for s, e in protected_spans(text)]


@pytest.mark.parametrize("text", ["och/eller sedan", "Vuxen/Ekonomiskt stöd", "s/eapas", "/z/a/p och /fra\"gor",
                                  "Sam/zörbig/zef", "kg/livsmedel.", "Hälso- /sjukvård"])
def test_words_and_garbles_with_slashes_are_no_paths(text):
    """Word pairs and Enköping's garbles, which print `/` for letters, open with no `./`, `~/` or `.name/`."""
    assert protected_spans(text) == []


@pytest.mark.parametrize("text, extension", [("Skriv avbildningen (en .iso-fil) till minnet", ".iso"),
                                             ("Välj profilen (*.png) och .ICC", ".png"), ("kör .py-filen", ".py"),
                                             ("Filerna (*.tt) och .gpl-filen", ".tt"), ("Filerna (*.tt) och .gpl-filen", ".gpl"),
                                             ("Läs om .NET och .SE-domäner", ".SE"), ("Spara som .odp eller .log", ".odp"),
                                             ("filändelsen .gpl.", ".gpl"), ("filer som slutar i .o (inklusive .o själv)", ".o"),
                                             ("med ändelsen ”.d” tillagd", ".d"), ("filer som slutar på .y. Till", ".y")])
def test_a_file_extension_written_alone_is_protected(text, extension):
    """Read as a word, `.iso` had become `isa` on a page of Debian's installation guide."""
    assert extension in [text[s:e] for s, e in protected_spans(text)]
    assert extension in [t.text for t in tokenize(text) if t.kind == "url"]


@pytest.mark.parametrize("text", ["ett .ar senare", "Det var .nar vi kom", "beslutade .att ge", "i ,.den och -.och", "hus .i stan",
                                  "t.ex. och m.m.", "slutet. Nästa", "...och sedan", "kl.13 och 1.5"])
def test_a_dot_before_a_word_is_no_file_extension(text):
    """A speck before a lower-case word (`.nar` is `när`, a review found it kept), abbreviations, a sentence's end."""
    assert not [t for t in tokenize(text) if t.kind == "url"]


@pytest.mark.parametrize("path", ["G:\\Socialförvaltningen\\Mallar\\brev.docx", "H:\\", "\\\\srv01\\delat\\IFO", "c:\\temp"])
def test_windows_paths_are_protected(path):
    """`G:\\Socialförvaltningen\\` lost its drive letter and backslashes (a
    reviewer's IT instructions after a damaged scan); a trailing full stop
    is the sentence's."""
    text = f"Spara filen i {path}. Sedan stäng."
    assert [text[s:e] for s, e in protected_spans(text)] == [path]
    assert [t.text for t in tokenize(text) if t.kind == "url"] == [path]


def test_a_backslash_in_ocr_debris_is_no_path():
    text = "insatser för att etablera sig i sjé[\\fdrséi]g'nmg och ord\\x."
    assert protected_spans(text) == []


def test_handles_and_hashtags_are_their_own_kind():
    got = kinds("Följ oss på Instagram: @enkopingskommun, via @SN_Enkoping eller @IFO. #Enköping #välfärd2024 @soc@mastodon.nu")
    for handle in ("@enkopingskommun", "@SN_Enkoping", "@IFO", "#Enköping", "#välfärd2024", "@soc@mastodon.nu"):
        assert (handle, HANDLE) in got, handle
    assert got[got.index(("@IFO", HANDLE)) + 1] == (".", PUNCT)  # the full stop ends the sentence, not the handle


def test_an_at_sign_inside_a_word_and_a_hash_before_no_letter_are_no_handle():
    # `@` for a letter in a garbled scan (`h@r`, `u@fb’rts`), an address, C#, a number, an HTML entity, markdown
    assert kinds("h@r") == [("h", WORD), ("@", PUNCT), ("r", WORD)]
    assert kinds("u@fb’rts") == [("u", WORD), ("@", PUNCT), ("fb", WORD), ("’", PUNCT), ("rts", WORD)]
    assert kinds("soc@enkoping.se") == [("soc@enkoping.se", EMAIL)]
    for text in ("C# och F#", "punkt #1", "&#228; och &#xE4;", "# Rubrik", "mejla @ oss", "a@"):
        assert HANDLE not in {kind for _, kind in kinds(text)}, text


def test_inline_code_is_its_own_kind():
    for text, code in (("Skriv `ocrfix --help` i terminalen.", "`ocrfix --help`"), ("Kolumnen `belopp` anger summan.", "`belopp`"),
                       ("Resor till arbetet (`månadskort`) ersätts.", "`månadskort`"),
                       ("Fältet ``summa_2024`` räknas.", "``summa_2024``")):
        assert (code, CODE) in kinds(text), text
    got = kinds("Kod: `a` och `b` samt ` ensam.")
    assert [t for t, k in got if k == CODE] == ["`a`", "`b`"] and ("`", PUNCT) in got


def test_backticks_that_do_not_pair_up_on_a_line_are_no_code():
    # a lone backtick, OCR debris after a letter (`stöd` och`), a span across lines, a fence, spaces inside the ticks
    for text in ("Detta ` är fel", "stöd` och `hjälp", "Skriv `ocrfix\n--help` här", "```python", "` belopp `", "`a`b", "x`y`",
                 "Kör ``a ` b`` nu"):
        assert not any(kind == CODE and "`" in t for t, kind in kinds(text)), text  # (`--help` is an option)


def test_format_directives_and_escapes_standing_alone_are_code():
    got = kinds("Datum med %d, %m och %y. Tecknen \\n och (\\t) samt %.2f visas, som ”%f” och \"%s\".")
    assert [t for t, k in got if k == CODE] == ["%d", "%m", "%y", "\\n", "\\t", "%.2f", "%f", "%s"]
    # negative: a percent sign after a number, inside a word or a garble (the Enköping
    # engine prints % and \ inside garbles: fo[kbo@%ving, sjé[\fdrséi]g'nmg), a word after it
    for text in ("50% av budgeten", "5 % av", "fo[kbo@%ving,", "sjé[\\fdrséi]g'nmg.", "%enheter", "a\\n"):
        assert CODE not in {kind for _, kind in kinds(text)}, text


def test_long_options_and_shell_variables_are_code():
    got = kinds("Flaggan --zero-terminated och --backup[=STYR] läser $HOME och ${PREFIX}/lib.")
    assert [t for t, k in got if k == CODE] == ["--zero-terminated", "--backup[=STYR]", "$HOME", "${PREFIX}"]
    # negative: dashes and dollar signs of prose (a dash, a suspended compound, an amount)
    for text in ("18 -- 25 år", "bild- och -bläddrare", "5 $ per dag", "US$ 20", "ord--ord"):
        assert CODE not in {kind for _, kind in kinds(text)}, text


def test_identifiers_joined_by_underscores_are_code():
    from ocrfix.tokens import protected_spans

    text = "Sätt net_directory/subdir, sv_SE.UTF-8 och XDG_CONFIG_HOME; kör check_debian2."
    assert [t for t, k in kinds(text) if k == CODE] == ["net_directory", "sv_SE", "XDG_CONFIG_HOME", "check_debian2"]
    assert [text[a:b] for a, b in protected_spans(text)] == ["net_directory", "sv_SE", "XDG_CONFIG_HOME", "check_debian2"]
    # negative: an underscore standing alone, opening or closing a word, or a blank to fill in
    for text in ("a _ b", "_privat", "slut_", "Namn: ____", "__init__", "ord _och_ ord"):
        assert CODE not in {kind for _, kind in kinds(text)}, text


def test_handles_hashtags_and_inline_code_are_protected_spans():
    from ocrfix.tokens import protected_spans

    text = "Följ @enkopingskommun och #välfärd, skriv `ocrfix --help`; h@r och u@fb’rts är OCR, liksom ` och stöd`."
    assert [text[a:b] for a, b in protected_spans(text)] == ["@enkopingskommun", "#välfärd", "`ocrfix --help`"]


def test_a_failing_run_of_underscored_words_costs_linear_time():
    # `a_a_…a_` (a trailing underscore) or `a__a` is no identifier: with backtracking
    # each of its parts was retried from the run's start, quadratic (1.7 s for one
    # attempt at 400,000 characters, 44 s for a line of a million); now milliseconds
    import regex

    from ocrfix.tokens import _IDENTIFIER

    pattern = regex.compile(_IDENTIFIER)
    for run in ("a_" * 200_000, "a_" * 100_000 + "_a", "å_1_" * 100_000 + "_"):
        assert pattern.match(run, timeout=0.5) is None


def test_handles_and_inline_code_keep_the_tokenizer_linear():
    # Each may start only where no word character (or backtick) is before it, and
    # a span of code holds no backtick: hostile runs cost no rescans.
    from ocrfix.tokens import _TOKEN_RE, PROTECTED_RE

    for run in ("@a", "#a", "`a", "`a ", " `x", "``a", "-@a@", "@a@b-", "`", "a_", "aa_a", "_a"):
        s = run * (100_000 // len(run))
        assert sum(1 for _ in _TOKEN_RE.finditer(s, timeout=30)) > 0
        assert sum(1 for _ in PROTECTED_RE.finditer(s, timeout=30)) >= 0


def test_quote_marks_an_engine_prints_for_letters_stay_in_the_word():
    """Enköping's engine prints ``ll`` as ``“`` (``fa“``, ``hushé”``): such a
    mark inside a word, or closing what is no word with no quotation opened
    before it on the line, is part of the segment; a real quotation is not,
    nor is any mark for an engine that never prints letters as one."""
    from ocrfix.segments import segment_block

    def valid(word):
        return word in {"vara", "och", "hej", "sa", "trygghet"}

    def texts(text, quote_letters="“”"):
        return [s.text for s in segment_block(text, [], valid, quote_letters)]

    assert texts("vissa fa“ vara") == ["vissa", "fa“", "vara"]
    assert texts("bidvagshushé” och") == ["bidvagshushé”", "och"]
    assert texts("inneha”a") == ["inneha”a"]
    assert texts("sa ”hej” och") == ["sa", "hej", "och"]            # a quotation
    assert texts("sa ”Nasra\nAbdi” och")[-2:] == ["Abdi”", "och"]    # opened on the line before: taken in ...
    assert texts("sa ”Nasra Abdi” och") == ["sa", "Nasra", "Abdi", "och"]  # ... not when opened on this line
    assert texts("kallas trygghet” och") == ["kallas", "trygghet", "och"]  # a word: the mark closes it
    assert texts("vissa fa“ vara", quote_letters="") == ["vissa", "fa", "vara"]


_SEGMENT_FIELDS = ("start", "end", "text", "lower", "prev_kind", "sentence_start", "capital_start", "chunk_start",
                   "chunk_end", "hyphen_next", "after_hyphen", "next_kind")
# pieces of text around the paragraph breaks where Segmenter cuts a block, and of the looks around a chunk
_PIECES = ["ord", "Ord", "och", "i", "I", "a", "X", "vara", "12", "2024", ".", ",", "!", "?", ":", "-", "­", "#",
           "##", "*", "•", "(", ")", "[", "]", "|", "“", "”", "fa“", "o.k", "e.g.", "LSS", "ARET", "kl.8", "x-",
           "www.a.se", "@renden", " ", "  ", "\t", "\n", "\n", "\n\n", "\n\n", "\n \n", "\n\n\n", "- ", "# ", "• "]


def _fields(segments):
    return [tuple(getattr(s, f) for f in _SEGMENT_FIELDS) for s in segments]


def test_segmenter_reads_a_block_as_segment_block_does():
    """Segmenter (paragraphs read apart, those read before moved, not read
    again) gives the segments segment_block gives, field by field, for each
    version of a block read in turn (as after each corrector's edits): 3,000
    random texts of pieces that meet at paragraph breaks, each edited twice."""
    import random

    from ocrfix.segments import Segmenter, segment_block

    def valid(word):
        return word in {"ord", "och", "i", "vara", "fall"}

    rng = random.Random(16)
    for n in range(3000):
        caps_words, quote_letters = n % 2 == 0, "“”" if n % 3 else ""
        segmenter = Segmenter(valid, quote_letters)
        pieces = [rng.choice(_PIECES) for _ in range(rng.randint(0, 60))]
        for _ in range(3):
            text = "".join(pieces)
            protected = protected_spans(text) if n % 5 else [(3, 7)]
            expected = segment_block(text, protected, valid, quote_letters, caps_words)
            assert _fields(segmenter.segments(text, protected, caps_words)) == _fields(expected), text
            for _ in range(rng.randint(1, 3)):  # an edit: a piece replaced, added or dropped
                k = rng.randint(0, len(pieces))
                pieces[k : k + rng.randint(0, 1)] = [rng.choice(_PIECES)] * rng.randint(0, 1)


def test_segmenter_moves_the_paragraphs_it_has_read():
    """A paragraph read before, in the same state, is moved, not read again."""
    from ocrfix.segments import Segmenter, segment_block

    text = "Forsta stycket har ord.\n\nAndra stycket ocksa ord.\n\nTredje har fler ord.\n"
    segmenter = Segmenter()
    segmenter.segments(text, [])
    before = list(segmenter._last.values())
    edited = text.replace("Forsta stycket", "Första styckena")
    assert _fields(segmenter.segments(edited, [])) == _fields(segment_block(edited, []))
    assert sum(any(v is w for w in before) for v in segmenter._last.values()) == 2  # the last two paragraphs


@given(st.lists(st.tuples(st.integers(0, 200), st.integers(1, 30)), max_size=30),
       st.integers(0, 240), st.integers(1, 40))
def test_span_set_overlaps_as_a_scan_of_every_span_does(raw, start, length):
    from ocrfix.tokens import SpanSet

    spans = [(s, s + n) for s, n in raw]
    end = start + length
    assert SpanSet(spans).overlaps(start, end) == any(s < end and start < e for s, e in spans)
