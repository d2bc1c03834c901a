"""The learned error model and its candidate search (Python reference and C accelerator)."""
import math
import os

import pytest

from ocrfix.errormodel import ErrorModel, _c_module, normalise
from ocrfix.lexicon import load_lexicon
from ocrfix.profile import Profile
from ocrfix.ranking import Scorer


# Tests that compare the C accelerator with the Python reference: nothing to
# compare where the C module is missing or switched off (OCRFIX_PURE_PYTHON).
needs_c = pytest.mark.skipif(os.environ.get("OCRFIX_PURE_PYTHON") is not None or _c_module() is None,
                             reason="C accelerator absent or switched off")


@pytest.fixture(scope="module")
def lexicon():
    return load_lexicon()


def scorer(lexicon, profile="enkoping"):
    return Scorer(lexicon, ErrorModel.load(profile=profile), Profile())


def test_table_parses_and_is_a_probability_model():
    for profile in ("default", "enkoping", "tesseract-eng", "tesseract-swe"):
        em = ErrorModel.load(profile=profile)
        assert em.rules and em.identity
        assert all(lp <= 0 for rules in em.rules.values() for _, lp in rules)
        assert all(lp <= 0 for lp in em.identity.values())
    with pytest.raises(ValueError):
        ErrorModel.load(profile="no-such-engine")


@pytest.mark.parametrize("ocr,truth,profile", [
    ("6ppenv§1rden", "öppenvården", "enkoping"),
    ("utveck[ing", "utveckling", "enkoping"),
    ("hushall", "hushåll", "enkoping"),
    ("socialndmnden", "socialnämnden", "enkoping"),
    ("f6r", "för", "tesseract-eng"),
    ("sikerstalla", "säkerställa", "tesseract-eng"),
])
def test_garbled_words_find_their_reading(lexicon, ocr, truth, profile):
    words = [r.word for r in scorer(lexicon, profile).readings(ocr)[:3]]
    assert truth in words


@pytest.mark.parametrize("word", ["kommunen", "och", "verksamheten", "socialtjänsten", "barn"])
def test_correct_word_keeps_the_best_channel_score(lexicon, word):
    em = ErrorModel.load(profile="tesseract-eng")
    found = em.candidates(word, scorer(lexicon, "tesseract-eng"))
    assert found and found[0][0] == word
    assert math.isclose(found[0][1], em.identity_logp(word))


def test_work_is_bounded_on_a_huge_token(lexicon):
    em = ErrorModel.load(profile="default")
    sc = Scorer(lexicon, em, Profile())
    em.work = 0
    assert em.candidates("a" * 10_000, sc) == []          # longer than MAX_TOKEN: not searched
    assert em.work == 0
    em.candidates("ab[c" * 10, sc)                       # 40 characters: searched, bounded by the beam
    assert em.work <= 40 * 16


@needs_c
def test_c_accelerator_gives_identical_results(lexicon, monkeypatch):
    tokens = ["6ppenv§1rden", "hushall", "ﬁirva[tningen", "moj", "[igt", "f6r", "sikerstalla", "kommunen",
              "socialndmnden", "hi)’g", "gmnd", "trvgghet", "arbetsmarknadsf6rvaltningen", "x", "ii"]
    for profile in ("enkoping", "tesseract-eng", "default"):
        # two models: each caches its searches, and the second must not answer from the first's cache
        em, em_slow = ErrorModel.load(profile=profile), ErrorModel.load(profile=profile)
        fast = Scorer(lexicon, em, Profile())
        assert fast.fast_lexicons()
        slow = Scorer(lexicon, em_slow, Profile())
        monkeypatch.setattr(slow, "fast_lexicons", lambda: [])
        monkeypatch.setattr(slow, "valid_many", lambda words: [lexicon.is_valid(w) for w in words])
        found_some = 0
        for t in tokens:
            found = em.candidates(t, fast)
            assert found == em_slow.candidates(t, slow), (profile, t)
            found_some += bool(found)
        assert found_some > len(tokens) // 2, profile  # not a comparison of empty lists


@needs_c
def test_packed_options_search_as_their_tuples(lexicon, monkeypatch):
    """The C search reads a position's options packed (ocrfix._beam.Options,
    made once per OCR text ahead) as it reads them as a list of tuples."""
    from ocrfix import errormodel

    tokens = ["6ppenv§1rden", "hushall", "ﬁirva[tningen", "moj[igt", "f6r", "socialndmnden", "hi)’g", "trvgghet",
              "ii", "a-kassa", "fb'waltningen", "bidvagshushé”", "x"]
    searches = [{}, {"floor": -9.0}, {"beam": 32, "max_edits": 3, "letter_generic": True},
                {"beam": 6, "max_edits": 2, "max_generic": 0, "margin": 8.0, "min_rule_logp": -6.0}]

    def run():
        em = ErrorModel.load(profile="enkoping")
        sc = Scorer(lexicon, em, Profile())
        return [em.candidates(t, sc, **kw) for t in tokens for kw in searches]

    packed = run()
    monkeypatch.setattr(errormodel, "_packed", lambda encoded: encoded)
    assert run() == packed
    assert sum(bool(found) for found in packed) > len(packed) // 2
    options = errormodel._c_module().Options([(1, "ä".encode(), -0.5, 1, 0), (2, b"", -3.0, 1, 1)])
    assert len(options) == 2
    with pytest.raises(TypeError):
        errormodel._c_module().Options([(1, "ä", -0.5, 1, 0)])  # truth as text, not UTF-8


def test_c_search_answers_the_same_whatever_it_has_searched_before():
    """The C lexicon remembers the key range of each prefix it has looked up:
    a token's readings must not depend on which tokens were searched before it
    (or on a remembered slot being reused by another prefix)."""
    pytest.importorskip("ocrfix._beam")
    import regex

    from conftest import GARBLED_SAMPLE

    words = regex.findall(r"\S+", GARBLED_SAMPLE.read_text(encoding="utf-8"))
    tokens = list(dict.fromkeys(w.lower().strip(".,:;()") for w in words if len(w) >= 3))[:400]
    answers = []
    for order in (tokens, tokens[::-1]):
        lexicon = load_lexicon()  # a new C lexicon: nothing remembered
        em = ErrorModel.load(profile="enkoping")
        sc = Scorer(lexicon, em, Profile())
        answers.append({t: em.candidates(t, sc) for t in order})
    assert answers[0] == answers[1]
    assert sum(bool(found) for found in answers[0].values()) > len(tokens) // 2


def test_a_floor_drops_only_the_readings_below_it(lexicon, monkeypatch):
    """A caller that knows no reading below some channel score can win (rejoin)
    passes it as ``floor``: the readings at or above it come out the same,
    in the C search and the Python reference alike; those below are gone."""
    tokens = ["hushall", "socialndmnden", "moj[igt", "fran", "dr", "hi)’g"]
    em = ErrorModel.load(profile="enkoping")
    fast = Scorer(lexicon, em, Profile())
    slow = Scorer(lexicon, ErrorModel.load(profile="enkoping"), Profile())
    monkeypatch.setattr(slow, "fast_lexicons", lambda: [])
    monkeypatch.setattr(slow, "valid_many", lambda words: [lexicon.is_valid(w) for w in words])
    cut_some = 0
    for t in tokens:
        full = em.candidates(t, fast)
        assert len(full) >= 2, t
        floor = (full[0][1] + full[-1][1]) / 2
        above = [r for r in full if r[1] >= floor]
        assert em.candidates(t, fast, floor=floor) == above, t
        assert slow.error_model.candidates(t, slow, floor=floor) == above, t
        cut_some += len(above) < len(full)
    assert cut_some == len(tokens)


def test_a_search_module_built_before_the_floor_gives_the_same_readings(lexicon, monkeypatch):
    """An editable install not rebuilt since ``floor`` came (its search takes
    seven arguments) still answers, unpruned, with the same readings."""
    beam = pytest.importorskip("ocrfix._beam")
    em = ErrorModel.load(profile="enkoping")
    sc = Scorer(lexicon, em, Profile())
    full = em.candidates("socialndmnden", sc)
    floor = (full[0][1] + full[-1][1]) / 2
    search = beam.search

    def seven_arguments(*args):
        if len(args) != 7:
            raise TypeError(f"search() takes exactly 7 arguments ({len(args)} given)")
        return search(*args)

    monkeypatch.setattr(beam, "search", seven_arguments)
    monkeypatch.delattr(beam, "ranked", raising=False)  # (an old build has no ranked search either)
    em._cache.clear()
    assert em.candidates("socialndmnden", sc, floor=floor) == [r for r in full if r[1] >= floor]

def test_the_ranked_c_search_finishes_as_the_python_does(lexicon, monkeypatch):
    """ocrfix._beam.ranked finishes the search in C (each reading once, best
    first, the checked ones' validity): the same readings as search() and the
    Python finish, with a floor and in a fallback search too."""
    beam = pytest.importorskip("ocrfix._beam")
    tokens = ["6ppenv§1rden", "hushall", "ﬁirva[tningen", "moj[igt", "f6r", "sikerstalla", "socialndmnden", "hi)’g",
              "trvgghet", "arbetsmarknadsf6rvaltningen", "ii", "a-kassa", "fb'waltningen", "bidvagshushé”"]
    in_c, in_python = ErrorModel.load(profile="enkoping"), ErrorModel.load(profile="enkoping")
    sc_c, sc_python = Scorer(lexicon, in_c, Profile()), Scorer(lexicon, in_python, Profile())
    found = {}
    for t in tokens:
        found[t] = [in_c.candidates(t, sc_c), in_c.candidates(t, sc_c, floor=-9.0),
                    in_c.candidates(t, sc_c, beam=32, max_edits=3, letter_generic=True)]
    monkeypatch.delattr(beam, "ranked")
    for t in tokens:
        assert found[t] == [in_python.candidates(t, sc_python), in_python.candidates(t, sc_python, floor=-9.0),
                            in_python.candidates(t, sc_python, beam=32, max_edits=3, letter_generic=True)], t
    assert sum(bool(f[0]) for f in found.values()) > len(tokens) // 2


@needs_c
def test_valid_many_agrees_with_is_valid(lexicon):
    forms = ["kommunen", "hemmaplanslösningar", "försörjningsstödshandläggare", "brottsförebyggande", "sol",
             "lss", "xqzt", "kommunenx", "socialndmnden", "i", "på", "barnutredning", "a-kassa", "2024",
             "socialnämnden", "ekonomiskt", "ekonomisktt", "ﬁnns", "är", "ar", "ät", "aaaa", "vård", "vardag"]
    assert lexicon.valid_many(forms) == [lexicon.is_valid(w) for w in forms]
    assert lexicon.valid_many([]) == []
    # with user words (a second C lexicon beside the main one)
    with_user = load_lexicon(extra_words=["Joarteamet", "hemmaplansx", "xqzt"])
    forms += ["joarteamet", "hemmaplansxlösningar", "xqztkommunen", "joarteametkommunen"]
    assert len(with_user.fast_lexicons()) == 2
    assert with_user.valid_many(forms) == [with_user.is_valid(w) for w in forms]


@needs_c
def test_the_c_key_check_answers_as_the_trie(lexicon):
    """Lexicon._entry asks the C copy of the keys whether a form is one
    before the trie: the same entries, absent forms and user words included."""
    forms = ["kommunen", "kommun", "kommunenx", "hemmaplanslösningar", "i", "på", "å", "x", "", "lss", "a-kassa",
             "abcdefgh", "abcdefghi", "socialnämnden", "socialnämndenx", "joarteamet", "xqzt", "ﬁnns", "2024", "ar"]
    for lex in (lexicon, load_lexicon(extra_words=["Joarteamet", "xqzt"])):
        in_table = lex._in_table
        assert in_table is not None
        with_check = [lex._entry(f) for f in forms]
        lex._in_table = None  # the trie alone
        try:
            assert [lex._entry(f) for f in forms] == with_check
        finally:
            lex._in_table = in_table
        assert sum(e is not None for e in with_check) > len(forms) // 3


@needs_c
def test_key_roles_are_the_roles_of_the_entries(lexicon):
    """The compound check reads roles off the C copy of the keys
    (Lexicon.key_roles): the bits Lexicon.roles gives, for keys in any case,
    forms that are none, and user words (one also a key)."""
    keys = list(lexicon._words.keys())[::200]
    forms = (keys + [k[:-1] for k in keys] + [k.capitalize() for k in keys[:2000]] + [k.upper() for k in keys[:2000]]
             + ["joarteamet", "Joarteamet", "xqzt", "kommunen", "KOMMUNEN", "", "ﬁnns", "İstanbul", "a-kassa", "x y"])
    for lex in (lexicon, load_lexicon(extra_words=["Joarteamet", "xqzt", "kommunen"])):
        assert lex.checker._look == lex.key_roles
        assert [lex.key_roles(f) for f in forms] == [lex.roles(f) for f in forms]
    assert sum(lexicon.roles(f) != 0 for f in forms) > len(forms) // 3


def test_the_options_at_a_position_are_shared_by_the_texts_that_begin_alike():
    """The options cached for a text ahead serve every text ahead that begins
    alike as far as a rule reads it (ErrorModel._rule_reach): the same as
    made from the rules of each text's own beginnings, in the same order."""
    for profile in ("enkoping", "default"):
        em = ErrorModel.load(profile=profile)
        multi = sorted(k for k in em.rules if len(k) > 1)[:40]  # rules reading two characters or more
        texts = [k + tail for k in multi for tail in ("", "a", "rn", "’x")] + ["kommun", "rnöjd", "i)’g", "fa“"]
        for settings in ((-math.inf, True, False), (-6.0, False, False), (-math.inf, True, True)):
            for edge in (False, True):
                for ahead in texts:
                    first, rest = em._letter_options(ahead[0], settings, edge)
                    opts = list(first[0])
                    for k in range(1, len(ahead) + 1):
                        if ahead[:k] in em.rules:
                            opts += em._rule_options(ahead[:k], settings[0])[0]
                    assert em._options_at(ahead, settings, edge)[0] == opts + list(rest[0]), (ahead, settings, edge)


def test_normalise_keeps_length():
    assert normalise("b’ o‘ a`") == "b' o' a'"


def test_engine_detection_from_characters():
    from conftest import DATA, GARBLED_SAMPLE, SAMPLES

    from ocrfix.resources import Resources

    detect = Resources().detect_engine
    assert detect((DATA / "pages" / "tesseract_eng_S1.ocr.txt").read_text(encoding="utf-8")) == "tesseract-eng"
    assert detect(GARBLED_SAMPLE.read_text(encoding="utf-8")) == "enkoping"
    assert detect((SAMPLES / "mark_socialnamnden_arsrapport_2024.txt").read_text(encoding="utf-8")) == "tesseract-swe"


def test_numbers_and_dates_say_nothing_of_the_engine():
    """A clean list of dates, hours and names had been taken for
    the Enköping engine's output -- it prints digits for letters -- and its
    names read as its garbles (`Senait` -> `Senast`). Only the runs of
    characters that hold a letter count; the garbled sample, its numbers
    and all, is still recognised."""
    from conftest import GARBLED_SAMPLE

    from ocrfix.resources import Resources

    rows = ["Nr  Namn              Språk        Start       Slut        Timmar",
            "1   Sa'ad Karimi      arabiska     2024-01-15  2024-06-14  412",
            "2   Amina Hassan      somaliska    2024-01-22  2024-06-14  396",
            "3   Elif Demir        turkiska     2024-02-05  2024-06-21  388",
            "4   Olga Petrenko     ukrainska    2024-02-12  2024-06-21  402",
            "5   Maria Rossi       italienska   2024-03-04  2024-06-28  344",
            "6   Tariq Mahmood     urdu         2024-03-11  2024-06-28  351",
            "Närvaron följs upp varje vecka; frånvaro över 20 % tas upp med rektor."]
    detect = Resources().detect_engine
    assert detect("\n".join(rows * 2)) == "tesseract-swe"
    assert detect(GARBLED_SAMPLE.read_text(encoding="utf-8") + "\n".join(rows * 2)) == "enkoping"


def test_fold_collapses_look_alikes_and_diacritics_but_not_letters():
    em = ErrorModel.load(profile="enkoping")
    assert em.fold("[égkovy’unktw") == "lagkovy'unktw"
    assert em.fold("Lågkonjunktur") == "lagkonjunktur"
    assert em.fold("ﬁnns") == "finns"
    # letters stay themselves, even where the table reads one as another (v for r)
    assert em.fold("bidvag") == "bidvag"


def test_initial_case_of_a_letter_read_as_a_non_letter_is_learned():
    em = ErrorModel.load(profile="enkoping")
    assert em.upper_share("]") > 2 / 3   # `]nspektionen`: a dotless stroke, a capital I
    assert em.upper_share("[") < 1 / 2   # `[agen`: a lower-case l
    assert em.upper_share("§") == 0.5    # never seen at a word's start: no evidence


def test_initial_case_of_a_capital_read_for_another_letter_is_learned_per_engine():
    """Enköping's engine prints a plain `A` for `Ä` and never for `ä`;
    Tesseract's English model prints `Ar` for `är` about as often as for `Är`."""
    assert ErrorModel.load(profile="enkoping").upper_share("A") > 2 / 3
    assert 1 / 3 < ErrorModel.load(profile="tesseract-eng").upper_share("A") < 2 / 3


def test_a_letter_added_at_a_word_edge_is_learned_apart_and_rarer():
    """Glued words are not 1:1 pairs, so a letter the OCR added at a word's
    edge is rare in the data: rarer than an unseen edit inside a word."""
    for profile in ("enkoping", "tesseract-eng", "default"):
        em = ErrorModel.load(profile=profile)
        assert em.edge_added < em.generic
    em = ErrorModel.load(profile="enkoping")
    inner = em.channel_logp("stxod", "stod") - em.channel_logp("stod", "stod")
    edge = em.channel_logp("stodx", "stod") - em.channel_logp("stod", "stod")
    assert edge == pytest.approx(inner + em.edge_added - em.generic, abs=1e-6)


@needs_c
def test_c_channel_equals_python_alignment(monkeypatch):
    import ocrfix.errormodel as errormodel

    pairs = [("6ppenv§1rden", "öppenvården"), ("hushall", "hushåll"), ("ﬁirva[tningen", "förvaltningen"),
             ("moj[igt", "möjligt"), ("f6r", "för"), ("hi)’g", "hög"), ("an", "att"), ("mad", "med"),
             ("socialndmnden", "socialnämnden"), ("x", "och"), ("kommunen", "kommunen"), ("", "i"), ("ab", ""),
             ("[égkovy’unktw", "lågkonjunktur"), ("Féwaltningen", "förvaltningen"), ("a" * 30, "b" * 30),
             ("kl.8", "kl"), ("m²", "m"), ("c3", "ca")]
    for profile in ("enkoping", "tesseract-swe", "default"):
        em = ErrorModel.load(profile=profile)
        assert errormodel._c_channel() is not None
        fast = [em.channel_logp(o, t) for o, t in pairs]
        monkeypatch.setattr(errormodel, "_CHANNEL", None)  # the Python reference
        slow = [em.channel_logp(o, t) for o, t in pairs]
        monkeypatch.undo()
        assert fast == slow, profile
        assert sum(math.isfinite(x) for x in fast) >= len(pairs) - 4


@pytest.mark.parametrize("profile", ["enkoping", "tesseract-swe", "default"])
def test_digits_and_unit_signs_are_read_only_by_learned_rules(lexicon, profile):
    """A digit or unit sign is never dropped as OCR debris nor read as an
    arbitrary letter (``kl.8`` is not ``kl``, ``C3`` not ``Ca``, ``m²`` not
    ``m``); a learned rule still reads one (``6`` for ``ö``), and debris that
    is no digit is still dropped."""
    em = ErrorModel.load(profile=profile)
    for ocr, truth in [("kl.8", "kl"), ("nr5", "nr"), ("m²", "m"), ("c3", "ca"), ("20°c", "20c"), ("a|", "a")]:
        assert em.channel_logp(ocr, truth) == -math.inf, (ocr, truth)
        assert truth not in [w for w, _ in em.candidates(ocr, scorer(lexicon, profile), beam=32)]
    assert math.isfinite(em.channel_logp("f6r", "för")) and math.isfinite(em.channel_logp("utveck[ing", "utveckling"))
    assert math.isfinite(em.channel_logp("stod]", "stod"))


def test_the_learner_finds_letters_read_as_spaces_and_nothing_else():
    """scripts/learn_error_model.py counts `a b` for the word `axb` as the
    letter x read as a space (per engine, spacing.tsv `space:x`); a plain
    tear, a changed letter or two real words are no such event."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
    from learn_error_model import letter_read_as_space, spacing_events

    assert letter_read_as_space("försörjning", "stöd", "försörjningsstöd") == "s"
    assert letter_read_as_space("Under", "ökning.", "undersökning.") == "s"
    assert letter_read_as_space("kopp", "lat", "kopplat") is None      # a tear, nothing lost
    assert letter_read_as_space("myndighet", "utövning", "myndighetsutövande") is None
    assert letter_read_as_space("kg", "livsmedel", "kg/livsmedel") is None  # not a letter
    pairs = [("Vi gjorde en under ökning och en kopp lat.", "Vi gjorde en undersökning och en kopplat.")]
    torn, glued, words, letters = spacing_events(pairs)
    assert (torn, glued, words) == (2, 0, 7) and letters == {"s": 1}


def test_char_model_remembers_trigram_probabilities_without_changing_them(monkeypatch):
    import math

    from ocrfix import charmodel
    from ocrfix.charmodel import ALPHA, BOUNDARY, VOCABULARY, CharModel

    model = CharModel.train(["socialtjänst", "tjänster", "stöd", "stödet", "vård"])

    def by_counts(word):
        s = BOUNDARY * 2 + word + BOUNDARY
        return sum(math.log((model.trigrams.get(s[i - 2 : i + 1], 0) + ALPHA)
                            / (model.contexts.get(s[i - 2 : i], 0) + ALPHA * VOCABULARY)) for i in range(2, len(s)))

    words = ["stöd", "tjänst", "féwaltningen", "[égkovy’unktw", "", "vårdtjänst"]
    first = [model.logp(w) for w in words]
    assert first == [by_counts(w) for w in words] == [model.logp(w) for w in words]
    assert model.logp("stöd") > model.logp("[égk")  # word-like beats debris
    monkeypatch.setattr(charmodel, "MAX_REMEMBERED_TRIGRAMS", 3)
    small = CharModel(model.trigrams, model.contexts)
    assert [small.logp(w) for w in words] == first and len(small._logp_of) <= 3


@needs_c
def test_c_compound_pre_check_is_a_split_into_parts_by_role_bits(lexicon):
    """The C pre-check of compounds: is there a split into BEGIN MIDDLE* END
    parts (at least min_len characters each, at most max_words parts) by the
    role bits the lexicon gives each part, a non-final part also written with
    its last letter once more (a simplified triple letter), or a split into
    parts that all carry a COMPOUNDRULE bit? Checked against
    the same rule written plainly in Python, over the long words of the clean
    sample reports, the same words with a letter changed, and new compounds."""
    import regex

    from conftest import SAMPLES
    from ocrfix._beam import could_compound

    args = lexicon.compound_pre_check_args()
    begin, middle, end, rules, min_chars, max_parts = args

    def reachable(word: str, begin: int, middle: int, end: int, triple: bool) -> bool:
        reach = {0: {0}}  # position -> numbers of parts that end there
        for i in range(len(word)):
            for j in range(i + min_chars, len(word) + 1):
                roles = lexicon.roles(word[i:j])
                if triple and j < len(word) and word[j - 1] == word[j]:
                    roles |= lexicon.roles(word[i:j + 1])
                for c in reach.get(i, ()):
                    if j == len(word) and c >= 1 and lexicon.roles(word[i:j]) & end:
                        return True
                    if j < len(word) and c + 1 < max_parts and roles & (begin if c == 0 else middle):
                        reach.setdefault(j, set()).add(c + 1)
        return False

    text = " ".join(p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt")) if "garbled" not in p.name)
    words = sorted({w.lower() for w in regex.findall(r"\p{L}{8,}", text)})
    words += [w[:4] + "x" + w[5:] for w in words]
    words += [w[:4] + "-" + w[4:] for w in words[:200]] + ["lss-handläggare", "f6rsorjningsstödet", "fb'waltningar"]
    words += ["stressyndromet", "tiotusenårsperiod"]  # a simplified triple letter; COMPOUNDRULE parts
    got = [could_compound(lexicon.fast_lexicons(), w.encode("utf-8"), *args) for w in words]
    assert got == [reachable(w, begin, middle, end, True) or reachable(w, rules, rules, rules, False) for w in words]
    assert 0 < sum(got) < len(words) and got[-2:] == [True, True]


@pytest.mark.parametrize("word", ["stressyndromet", "tiotusenårsperiod", "lss-handläggare", "a-kasseersättning"])
def test_compounds_the_pre_check_must_not_refuse(lexicon, word):
    """Unlisted compounds Hunspell accepts -- a simplified triple letter
    (stress + syndromet), COMPOUNDRULE parts (tiotusen + års + period), a
    part ending or holding a hyphen (lss- + handläggare, a-kasse + ersättning:
    not all letters, pre-checked all the same) -- are valid through every
    path: one word, many words, the full check alone."""
    assert not lexicon.is_word(word) and lexicon.checker.split(word)
    assert lexicon.is_valid(word) and lexicon.valid_many([word, word[:-1] + "q"]) == [True, False]


def test_a_ligature_glyph_stands_for_two_letters_of_its_shape_before_it_stands_for_nothing():
    """Enköping's engine prints `ﬁ` for fi, fö, ft, ti ...: a pair the table
    has not seen it for (`fl`, `fr`) is a rare reading of the glyph, but
    likelier than the glyph printed for nothing, as debris is (`ﬁera` had
    become `era`, `eﬁer` `er`)."""
    em = ErrorModel.load(profile="enkoping")
    assert em.channel_logp("ﬁnns", "finns") > em.channel_logp("ﬁera", "flera") > em.channel_logp("ﬁera", "era")
    assert em.channel_logp("[agen", "agen") > em.channel_logp("ﬁera", "era")  # other debris is dropped as before


def test_diacritic_words_are_the_diacritic_spellings_that_are_words(lexicon):
    """Lexicon.diacritic_words prunes by prefix; it must give what filtering
    every spelling gives, in the same order."""
    from ocrfix.lexicon.build import diacritic_spellings

    for word in ("bistand", "for", "aterfor", "oppenvarden", "hallbar", "xyz", "aaaaaaaa", "malsattning"):
        expected = [f for f in diacritic_spellings(word, 4) if lexicon.is_word(f)]
        assert lexicon.diacritic_words(word, 4) == expected
    assert "bistånd" in lexicon.diacritic_words("bistand", 4)
