"""Compile the lexicon inputs into one memory-mapped trie, cached on disk.

Inputs (each optional):
  * the Swedish Hunspell dictionary (PyPI ``hunspell-sv``), expanded to every
    surface form with its compound roles (:mod:`ocrfix.lexicon.hunspell`);
  * wordfreq's large Swedish list, for frequency priors (Zipf scale);
  * the domain vocabulary and bigrams built from the clean sample reports
    (``dictionaries/domain_words.tsv``, ``domain_bigrams.tsv``);
  * word bigrams of general Swedish (``dictionaries/general_bigrams.tsv``,
    scripts/build_general_bigrams.py);
  * Swedish abbreviations written without full stops (``dictionaries/abbreviations.txt``:
    ``dnr``, ``tabl``, ``krm``), valid words unless restoring å/ä/ö makes
    one a more frequent word (``vard`` is a garble of ``vård``).

Output, in a cache directory named after a fingerprint of the inputs:
  ``words.marisa``    lower-cased form -> (roles, zipf*100, sources, casing, domain count)
  ``surface.marisa``  lower-cased form -> its written form, for forms never written in lower case
  ``bigrams.marisa``  "first\\tsecond" -> count (domain bigrams, lower-cased), and
                      "first\\t" -> how often ``first`` opens a pair (its count as a context)
  ``general.marisa``  the same for the bigrams of general Swedish
  ``chars.pickle``    a character trigram model of the word forms (ocrfix/charmodel.py)
  ``keys.bin``, ``offsets.bin``, ``roles.bin``  the same keys sorted as UTF-8 bytes
                      with their roles, for the optional C candidate search
  ``meta.json``       fingerprint inputs and counts

Building takes ~10-20 s once; loading is a few milliseconds (mmap). The
directory is written under a temporary name and renamed, so concurrent
first runs (batch workers) never see a half-built lexicon.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

from .hunspell import FORBIDDEN, WORD

FORMAT_VERSION = 18
# How many of the most frequent words the lexicon lists for near-miss readings
# of short tokens (`mad` for `med`: Lexicon.frequent_neighbours).
FREQUENT_WORDS = 200
# How many frequent words a heavily garbled token is fuzzy-matched against
# (about wordfreq's 200,000 most frequent forms, once the non-words and short
# forms are left out; ocrfix.fuzzy), and their least length.
FUZZY_POOL_WORDS, FUZZY_POOL_MIN_LENGTH = 150_000, 5

# English words a Swedish text quotes (titles, terms: Lexicon.english_words):
# wordfreq's most frequent English words of at least this many letters that
# are no Swedish word, also not with å/ä/ö restored (`fran`, `over`, `atta`).
ENGLISH_WORDS, ENGLISH_MIN_LENGTH = 30_000, 4

ABBREVIATIONS_FILE = "abbreviations.txt"
# sources bits
HUNSPELL, WORDFREQ, DOMAIN, ABBREVIATION = 1, 2, 4, 16  # (8 is USER: words given with --words)
# casing values
LOWER, CAPITALISED, OTHER_CASE = 0, 1, 2

RECORD_FORMAT = "<IHBBH"  # roles, zipf*100, sources, casing, domain count
# A bit of roles.bin only (the C look-ups), free below hunspell.RULE_SHIFT: the
# form is valid on its own (Entry.is_word), so the C check needs no sources.
STANDALONE = 64


def _casing(form: str) -> int:
    if form.islower() or not any(c.isalpha() for c in form):
        return LOWER
    if form[:1].isupper() and (len(form) == 1 or form[1:].islower()):
        return CAPITALISED
    return OTHER_CASE


def domain_files(domain: bool | str | Path) -> tuple[Path, Path] | None:
    """The domain vocabulary and bigram files: the shipped ones (``True``),
    none (``False``), or those in a folder of your own (made with
    scripts/build_domain_data.py --out FOLDER from your clean texts)."""
    if domain is False or domain is None:
        return None
    if domain is True:
        from ..resources import data_path

        return data_path("domain_words.tsv"), data_path("domain_bigrams.tsv")
    folder = Path(domain)
    files = folder / "domain_words.tsv", folder / "domain_bigrams.tsv"
    if not files[0].is_file():
        raise FileNotFoundError(f"no domain_words.tsv in {folder} (make one with scripts/build_domain_data.py --out)")
    return files


def abbreviations_file() -> Path:
    """The shipped list of abbreviations (see the module docstring)."""
    from ..resources import data_path

    return data_path(ABBREVIATIONS_FILE)


def general_bigrams_file(general: bool) -> Path | None:
    """The general Swedish bigram file (``True``: the shipped one), or None."""
    if not general:
        return None
    from ..resources import data_path

    path = data_path("general_bigrams.tsv")
    return path if path.is_file() else None


def input_fingerprint(hunspell: bool = True, wordfreq: bool = True, domain: bool | str | Path = True,
                      general: bool = True) -> dict:
    """What the compiled lexicon depends on; cheap to compute at start-up."""
    parts: dict = {"format": FORMAT_VERSION, "hunspell": None, "wordfreq": None, "domain": None, "general": None}
    if hunspell:
        from .hunspell import find_dictionary

        try:
            aff, dic = find_dictionary()
        except FileNotFoundError:
            parts["hunspell"] = "missing"
        else:
            parts["hunspell"] = [[str(p), p.stat().st_size, p.stat().st_mtime_ns] for p in (aff, dic)]
            parts["hunspell_code"] = _file_digest(Path(__file__).with_name("hunspell.py"))
    if wordfreq:
        from importlib.metadata import PackageNotFoundError, version

        try:
            parts["wordfreq"] = version("wordfreq")
        except PackageNotFoundError:
            parts["wordfreq"] = "missing"
    files = domain_files(domain)
    if files:
        parts["domain"] = [_file_digest(p) for p in files]
    general_file = general_bigrams_file(general)
    if general_file:
        parts["general"] = _file_digest(general_file)
    parts["abbreviations"] = _file_digest(abbreviations_file())
    return parts


def _file_digest(path: Path) -> str | None:
    try:
        return hashlib.sha1(path.read_bytes()).hexdigest()[:16]
    except OSError:
        return None


def fingerprint_key(parts: dict) -> str:
    return hashlib.sha1(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:16]


def read_abbreviations(path: Path) -> list[str]:
    """The abbreviations of ``path``, one per line ('#' starts a comment); none if it is missing."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    return [w for w in (line.split("#", 1)[0].strip() for line in lines) if w]


def read_domain_words(path: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                word, count = line.split("\t")[:2]
                counts[word] = counts.get(word, 0) + int(count)
    return counts


def read_bigrams(path: Path) -> dict[str, int]:
    pairs: dict[str, int] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                a, b, count = line.split("\t")
                pairs[f"{a}\t{b}"] = int(count)
    return pairs


# Rows of a pruned bigram file (general_bigrams.tsv): "first <*> n", first
# opens n pairs, and "first <+> k", k of them different (pruned ones included).
CONTEXT_TOTAL, CONTEXT_TYPES = "<*>", "<+>"


def bigram_records(pairs: dict[str, int]) -> list[tuple[str, tuple[int]]]:
    """Trie records of a bigram file: each pair, each first word's total under
    "first\\t" and its number of different continuations under "first\\t<+>".
    A file without those rows (the domain's) is unpruned: they are counted."""
    totals: dict[str, int] = {}
    records = []
    for key, count in pairs.items():
        first, second = key.split("\t")
        if second == CONTEXT_TOTAL:
            totals[first] = count
        else:
            records.append((key, (count,)))
    if not totals:
        types: dict[str, int] = {}
        for key, (count,) in records:
            first = key.split("\t")[0]
            totals[first] = totals.get(first, 0) + count
            types[first] = types.get(first, 0) + 1
        records += [(f"{first}\t{CONTEXT_TYPES}", (n,)) for first, n in types.items()]
    return records + [(first + "\t", (total,)) for first, total in totals.items()]


def standalone(roles: int, sources: int) -> bool:
    """Valid on its own: the rule of :attr:`ocrfix.lexicon.Entry.is_word`."""
    if roles & FORBIDDEN and not roles & WORD:
        return False
    return bool(roles & WORD or sources & DOMAIN)


def write_sorted_keys(directory: Path, items) -> None:
    """keys.bin / offsets.bin / roles.bin: keys sorted bytewise (see ocrfix/_beam.c)."""
    from array import array

    encoded = sorted((k.encode("utf-8"), roles & 0xFFFFFFFF) for k, roles in items)
    offsets = array("I", [0])
    roles_arr = array("I")
    blob = bytearray()
    for key, roles in encoded:
        blob += key
        offsets.append(len(blob))
        roles_arr.append(roles)
    (directory / "keys.bin").write_bytes(bytes(blob) or b"\0")
    (directory / "offsets.bin").write_bytes(offsets.tobytes())
    (directory / "roles.bin").write_bytes(roles_arr.tobytes())


def fuzzy_pool_words(table: dict[str, list[int]], n: int = FUZZY_POOL_WORDS) -> list[str]:
    """What a heavily garbled token is matched against (ocrfix.fuzzy): the
    ``n`` most frequent (wordfreq) alphabetic words of at least
    FUZZY_POOL_MIN_LENGTH letters that are valid on their own, and the domain
    vocabulary's words of that length (its compounds are seldom frequent
    enough: `hemmaplanslösningar`). Measured: leave-one-report-out S4 +0.7 %,
    split-half Enköping +0.2 % with the domain words."""
    import heapq

    pool = ((k, r[1]) for k, r in table.items()
            if r[1] and len(k) >= FUZZY_POOL_MIN_LENGTH and k.isalpha() and standalone(r[0], r[2]))
    words = [k for k, _ in heapq.nlargest(n, pool, key=lambda kz: kz[1])]
    chosen = set(words)
    return words + sorted(k for k, r in table.items() if r[2] & DOMAIN and k not in chosen
                          and len(k) >= FUZZY_POOL_MIN_LENGTH and k.isalpha())


def frequent_words(table: dict[str, list[int]], n: int = FREQUENT_WORDS) -> list[str]:
    """The ``n`` most frequent words (wordfreq) that are words of the lexicon, most frequent first."""
    import heapq

    valid = ((k, r[1]) for k, r in table.items() if r[1] and k.isalpha() and (r[0] & WORD or r[2] & DOMAIN))
    return [k for k, _ in heapq.nlargest(n, valid, key=lambda kz: kz[1])]


def english_words(table: dict[str, list[int]], n: int = ENGLISH_WORDS) -> list[str]:
    """wordfreq's ``n`` most frequent English words of ENGLISH_MIN_LENGTH letters or more
    that are no Swedish word of the lexicon, as written or with å/ä/ö for a/o."""
    from wordfreq import top_n_list

    def swedish(form: str) -> bool:
        rec = table.get(form)
        return rec is not None and standalone(rec[0], rec[2])

    return [w for w in top_n_list("en", n)
            if len(w) >= ENGLISH_MIN_LENGTH and w.isascii() and w.isalpha() and not any(map(swedish, diacritic_spellings(w)))]


# what a plain letter may have been before an OCR engine lost its diacritics
DIACRITIC_OPTIONS = {"a": "aåä", "o": "oö"}


def diacritic_spellings(word: str, limit: int = 6) -> list[str]:
    """``word`` and its spellings with å or ä for a and ö for o (the first
    ``limit`` such letters varied): what it may have been before an OCR
    engine lost its diacritics. (Lexicon.diacritic_words: those that are words.)"""
    forms = [""]
    varied = 0
    for c in word:
        options = DIACRITIC_OPTIONS.get(c, c) if varied < limit else c
        varied += len(options) > 1
        forms = [f + o for f in forms for o in options]
    return forms


def build(out_dir: Path, hunspell: bool = True, wordfreq: bool = True, domain: bool | str | Path = True,
          general: bool = True) -> dict:
    """Compile the lexicon into ``out_dir`` (created atomically). Returns the metadata."""
    import marisa_trie

    t0 = time.perf_counter()
    parts = input_fingerprint(hunspell, wordfreq, domain, general)
    # lower-cased form -> [roles, zipf100, sources, casings seen (bitmask), domain count]
    table: dict[str, list[int]] = {}
    surfaces: dict[str, str] = {}

    def entry(key: str) -> list[int]:
        rec = table.get(key)
        if rec is None:
            rec = table[key] = [0, 0, 0, 0, 0]
        return rec

    def note_surface(form: str, rec: list[int]) -> None:
        casing = _casing(form)
        rec[3] |= 1 << casing
        if casing == OTHER_CASE:
            surfaces.setdefault(form.lower(), form)

    if hunspell and parts["hunspell"] != "missing":
        from .hunspell import build_roles, find_dictionary

        aff, dic = find_dictionary()
        for form, roles in build_roles(aff, dic).items():
            rec = entry(form.lower())
            rec[0] |= roles
            rec[2] |= HUNSPELL
            note_surface(form, rec)
    if wordfreq and parts["wordfreq"] != "missing":
        import math

        from wordfreq import get_frequency_dict

        for word, freq in get_frequency_dict("sv", "large").items():
            zipf = math.log10(freq * 1e9) if freq > 0 else 0.0
            rec = entry(word.lower())
            rec[1] = max(rec[1], min(int(round(zipf * 100)), 0xFFFF))
            rec[2] |= WORDFREQ
    bigrams: dict[str, int] = {}
    files = domain_files(domain)
    if files:
        for word, count in read_domain_words(files[0]).items():
            rec = entry(word.lower())
            rec[2] |= DOMAIN
            rec[4] = min(rec[4] + count, 0xFFFF)
            note_surface(word, rec)
        bigrams = read_bigrams(files[1])
    general_file = general_bigrams_file(general)
    general_pairs = read_bigrams(general_file) if general_file else {}
    for form in read_abbreviations(abbreviations_file()):
        key = form.lower()
        rec = table.get(key)
        own = rec[1] if rec else 0
        if any(table.get(r, (0, 0))[1] > own for r in diacritic_spellings(key) if r != key):
            continue  # `vard`: in OCR without å/ä/ö, the garble of a more frequent word
        rec = entry(key)
        rec[0] |= WORD
        rec[2] |= ABBREVIATION
        note_surface(form, rec)

    def final_casing(seen: int) -> int:
        if seen & (1 << LOWER) or not seen:
            return LOWER
        return CAPITALISED if seen & (1 << CAPITALISED) else OTHER_CASE

    records = ((k, (r[0], r[1], r[2], final_casing(r[3]), r[4])) for k, r in table.items())
    words = marisa_trie.RecordTrie(RECORD_FORMAT, records)
    keep_surfaces = {k: v for k, v in surfaces.items() if final_casing(table[k][3]) == OTHER_CASE}
    surface_trie = marisa_trie.BytesTrie((k, v.encode("utf-8")) for k, v in keep_surfaces.items())
    bigram_trie = marisa_trie.RecordTrie("<I", bigram_records(bigrams))
    general_trie = marisa_trie.RecordTrie("<I", bigram_records(general_pairs))

    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        words.save(str(tmp / "words.marisa"))
        surface_trie.save(str(tmp / "surface.marisa"))
        bigram_trie.save(str(tmp / "bigrams.marisa"))
        general_trie.save(str(tmp / "general.marisa"))
        from ..charmodel import CharModel

        CharModel.train(k for k, r in table.items() if r[0] & 1 or r[2] & DOMAIN).save(tmp / "chars.pickle")
        from ..fuzzy import write_pool

        write_pool(tmp, fuzzy_pool_words(table))
        write_sorted_keys(tmp, ((k, r[0] | (STANDALONE if standalone(r[0], r[2]) else 0)) for k, r in table.items()))
        if wordfreq and parts["wordfreq"] != "missing":
            (tmp / "english.txt").write_text("".join(w + "\n" for w in english_words(table)), encoding="utf-8")
        meta = {
            "inputs": parts,
            "frequent": frequent_words(table),
            "key_chars": "".join(sorted({c for k in table for c in k})),
            "forms": len(table),
            "surfaces": len(keep_surfaces),
            "bigrams": len(bigrams),
            "bigram_total": sum(bigrams.values()),
            "general_bigrams": sum(k.split("\t")[1] not in (CONTEXT_TOTAL, CONTEXT_TYPES) for k in general_pairs),
            "domain_total": sum(r[4] for r in table.values()),
            "build_seconds": round(time.perf_counter() - t0, 2),
        }
        (tmp / "meta.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")
        try:
            os.rename(tmp, out_dir)
        except OSError:  # another process won the race; its result is identical
            shutil.rmtree(tmp, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return meta
