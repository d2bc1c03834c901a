import itertools

import pytest

import ocrfix
from conftest import GARBLED_SAMPLE, SAMPLES, load_cases
from ocrfix import Corrector, Edit, Pipeline, replay
from ocrfix.pipeline import StepWarning
from ocrfix.stream import BLOCK_LINES, FIRST_BLOCK_LINES, Passthrough, blocks

ALL_SAMPLES = sorted(SAMPLES.glob("*.txt"))


@pytest.mark.parametrize("path", ALL_SAMPLES, ids=lambda p: p.name)
def test_no_steps_is_byte_identical(path):
    text = path.read_text(encoding="utf-8")
    assert Pipeline([]).fix(text) == text


def test_library_api_matches_pipeline():
    text = "Det Ã¤r ﬁnt\nrad två"
    assert ocrfix.fix(text, steps=["unicode"]) == "Det är fint\nrad två"
    out, edits = ocrfix.fix_with_edits(text, steps=["unicode"])
    assert out == "Det är fint\nrad två" and {e.corrector for e in edits} == {"unicode"}
    assert list(ocrfix.fix_lines(["Ã¤r\n", "x"], steps=["unicode"])) == ["är\n", "x"]


class Upper(Corrector):
    """Test corrector: upper-cases words listed in `targets`."""

    name = "upper"

    def __init__(self, targets=("ocrfix",)):
        self.targets = set(targets)

    def propose(self, doc):
        for tok in doc.words():
            if tok.text in self.targets:
                yield Edit(tok.start, tok.end, tok.text, tok.text.upper(), self.name, 0.9, "test")


class JoinLines(Corrector):
    """Test corrector that (wrongly) deletes every newline."""

    name = "joiner"

    def propose(self, doc):
        for i, ch in enumerate(doc.text):
            if ch == "\n":
                yield Edit(i, i + 1, "\n", " ", self.name)


class Crash(Corrector):
    name = "crash"

    def propose(self, doc):
        raise RuntimeError("boom")


def test_edit_log_has_document_positions_and_replays():
    # long enough for several blocks, so block offsets are exercised
    lines = [f"rad {i} med ocrfix och Ã¤r\n" if i % 3 else "\n" for i in range(FIRST_BLOCK_LINES + 3 * BLOCK_LINES + 7)]
    text = "".join(lines)
    out, edits = Pipeline(["unicode", Upper()]).fix_with_edits(text)
    assert out.count("\n") == text.count("\n")
    assert replay(text, edits) == out
    e = next(e for e in edits if e.corrector == "upper" and e.line > FIRST_BLOCK_LINES + 10)
    assert out.split("\n")[e.line - 1][e.column - 1 :].startswith("OCRFIX")


def test_step_changing_line_count_is_refused():
    text = "a\nb\nc\n"
    with pytest.warns(StepWarning, match="number of lines"):
        assert Pipeline([JoinLines()]).fix(text) == text


def test_failing_step_loses_no_text():
    text = "en rad\nen till\n"
    warnings = []
    out = "".join(Pipeline([Crash(), Upper(["rad"])]).fix_lines(text.splitlines(keepends=True), on_warning=warnings.append))
    assert out == "en RAD\nen till\n"
    assert "crash" in warnings[0] and "boom" in warnings[0]


def test_fix_lines_is_lazy():
    consumed = []

    def source():
        for i in itertools.count():
            consumed.append(i)
            yield f"rad {i}\n" if i % 50 else "\n"

    out = Pipeline(["unicode"]).fix_lines(source())
    first = next(out)
    assert first == "\n" and len(consumed) < FIRST_BLOCK_LINES * 5  # did not read "everything"


def test_blocks_cut_at_paragraphs_and_pass_long_lines():
    lines = ["x\n"] * (FIRST_BLOCK_LINES + 5) + ["\n"] + ["y" * 50 + "\n"] + ["z\n"]
    out = list(blocks(lines, max_line_chars=40))
    assert "".join(b.text if isinstance(b, Passthrough) else b for b in out) == "".join(lines)
    assert any(isinstance(b, Passthrough) and b.text.startswith("y") for b in out)


def test_from_config_toml(tmp_path):
    words = tmp_path / "names.txt"
    words.write_text("# names\nJoar\n\nEHB\n", encoding="utf-8")
    cfg = tmp_path / "ocrfix.toml"
    cfg.write_text('steps = ["unicode"]\nmin_confidence = 0.7\nwords = ["names.txt"]\n[unicode]\nligatures = "keep"\n', encoding="utf-8")
    p = Pipeline.from_config(cfg)
    assert p.step_names == ["unicode"] and p.min_confidence == 0.7
    assert p.resources.extra_words == {"Joar", "EHB"}
    assert p.fix("ﬁnns Ã¤r") == "ﬁnns är"


def test_min_confidence_filters():
    assert Pipeline([Upper()], min_confidence=0.95).fix("ocrfix") == "ocrfix"
    assert Pipeline([Upper()], min_confidence=0.5).fix("ocrfix") == "OCRFIX"


def test_domain_vocabulary_from_a_folder_of_ones_own(tmp_path):
    """A user's own domain files (scripts/build_domain_data.py --out) replace the shipped ones."""
    from ocrfix.lexicon import load_lexicon

    domain = tmp_path / "domain"
    domain.mkdir()
    (domain / "domain_words.tsv").write_text("# word\tcount\tdocuments\nKvarnbacksgården\t7\t2\n", encoding="utf-8")
    (domain / "domain_bigrams.tsv").write_text("# first\tsecond\tcount\ntill\tkvarnbacksgården\t5\n", encoding="utf-8")
    lex = load_lexicon(cache_dir=tmp_path / "cache", hunspell=False, wordfreq=False, domain=domain)
    assert lex.domain_count("kvarnbacksgården") == 7 and lex.surface("kvarnbacksgården") == "Kvarnbacksgården"
    assert lex.domain_bigrams.count("till", "kvarnbacksgården") == 5
    shipped = load_lexicon(cache_dir=tmp_path / "cache", hunspell=False, wordfreq=False, domain=True)
    assert shipped.domain_count("kvarnbacksgården") == 0 and shipped.domain_count("socialnämnden") > 0
    # in a config the folder is relative to the config file; a folder without the files is an error
    cfg = tmp_path / "ocrfix.toml"
    cfg.write_text('domain_vocabulary = "domain"\n', encoding="utf-8")
    assert Pipeline.from_config(cfg).resources.domain_vocabulary == domain
    with pytest.raises(FileNotFoundError, match="domain_words.tsv"):
        load_lexicon(cache_dir=tmp_path / "cache", hunspell=False, wordfreq=False, domain=tmp_path)


def test_bigram_tables_count_pairs_and_contexts(tmp_path):
    """A pruned file (general Swedish) states each first word's total; an unpruned one (the domain's) sums its pairs."""
    from ocrfix.lexicon import load_lexicon
    from ocrfix.lexicon.build import CONTEXT_TOTAL, CONTEXT_TYPES, bigram_records

    pruned = dict(bigram_records({f"för\t{CONTEXT_TOTAL}": 50, f"för\t{CONTEXT_TYPES}": 9, "för\tatt": 30, "för\tbarn": 4}))
    assert pruned["för\tatt"] == (30,) and pruned["för\t"] == (50,) and pruned[f"för\t{CONTEXT_TYPES}"] == (9,)
    unpruned = dict(bigram_records({"för\tatt": 30, "för\tbarn": 4}))
    assert unpruned["för\t"] == (34,) and unpruned[f"för\t{CONTEXT_TYPES}"] == (2,)
    assert f"för\t{CONTEXT_TOTAL}" not in unpruned
    lex = load_lexicon(cache_dir=tmp_path / "cache", hunspell=False, wordfreq=False, domain=False)
    general = lex.general_bigrams
    assert general.count("för", "att") > general.count("för", "med") > 0
    assert general.context_count("för") > general.continuations("för") > 100
    assert lex.domain_bigrams.context_count("för") == 0
    plain = load_lexicon(cache_dir=tmp_path / "cache", hunspell=False, wordfreq=False, domain=False, general=False)
    assert plain.general_bigrams.count("för", "att") == 0 and plain.general_bigrams.context_count("för") == 0


class RecordsCollectorThreshold(Corrector):
    """Test corrector: records the garbage collector's thresholds while it runs."""

    name = "records-gc"

    def __init__(self):
        self.seen = []

    def propose(self, doc):
        import gc

        self.seen.append(gc.get_threshold())
        return ()


def test_collector_runs_less_often_while_correcting_and_is_restored():
    import gc

    from ocrfix.pipeline import GC_YOUNG_THRESHOLD

    before = gc.get_threshold()
    step = RecordsCollectorThreshold()
    try:
        gc.set_threshold(700, 10, 10)
        assert Pipeline([step]).fix("rad ett\n\nrad två\n") == "rad ett\n\nrad två\n"
        assert step.seen and all(t == (GC_YOUNG_THRESHOLD, 10, 10) for t in step.seen)
        assert gc.get_threshold() == (700, 10, 10)
        # a threshold set higher by the user is never lowered, nor one of 0 (collector off) raised
        for mine in ((50_000, 10, 10), (0, 10, 10)):
            gc.set_threshold(*mine)
            step.seen.clear()
            Pipeline([step]).fix("rad ett\n")
            assert step.seen == [mine] and gc.get_threshold() == mine
    finally:
        gc.set_threshold(*before)


def test_an_undecodable_byte_beside_a_misread_bang_leaves_the_rest_corrected():
    """With --errors passthrough a bad byte arrives as a lone surrogate; a word
    holding one is never corrected, and the block around it still is (the
    check of a `!` glued to that word raised UnicodeEncodeError and every
    word step gave up on the whole block)."""
    import warnings

    text = "Socialndmnden ska hushall.\nTitta h\udce4r! sa hon.\n"
    with warnings.catch_warnings():
        warnings.simplefilter("error", StepWarning)
        out = Pipeline().fix(text)
    assert out.startswith("Socialnämnden ska hushåll.\n") and "h\udce4r!" in out


def test_a_zero_width_character_inside_a_word_leaves_the_word_alone():
    """The pieces either side of it are no words (`soc` + `ialndmnden` became
    `soc` + `valnämnden`); a word correction would have to move the character."""
    garbled = GARBLED_SAMPLE.read_text(encoding="utf-8").rstrip("\n")
    line = "Socialndmnden och soc\u200bialndmnden samt \u200bSocialndmnden\n"
    out = Pipeline().fix(garbled + "\n" + line).split("\n")[-2]
    assert out == "Socialnämnden och soc\u200bialndmnden samt \u200bSocialnämnden"
