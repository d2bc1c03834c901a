#!/usr/bin/env python3
"""Estimate the character-level OCR error model from (OCR, truth) pairs.

    python scripts/learn_error_model.py                     # default sources below
    python scripts/learn_error_model.py --pages DIR ... --lines FILE.jsonl ...

Sources (read-only; the product never reads them at run time):
  --pages DIR   folders of NAME.ocr.txt + NAME.gt.txt (+ manifest.tsv with a
                'lang' column: eng -> profile tesseract-eng, swe -> tesseract-swe)
  --lines FILE  JSON Lines with "ocr", "gold", "conf" (conf high only) -> profile
                named after the file's parent folder (enkoping/dev.jsonl -> enkoping)
  --own-profile-pages DIR
                pages of one's own making, mixed into their engine's character
                rules only, at --own-weight (see `mixed`). The shipped table
                mixes 320 S4 pages into tesseract-swe, whose real pages are
                few (10,600 words): the Swedish model's confusions they never
                showed (`rn` read as `m`) are then known at a tenth of the made
                pages' rate. Leave-one-report-out S4 (benchmarks/heldout_pages.py
                --extra-pages): 43.2 -> 47.4 % of character errors removed. Made by
                  dpkg-deb -x cfi-sv_*.deb SRC; dpkg-deb -x libreoffice-help-sv_*.deb SRC
                  python benchmarks/make_pages.py --settings S4 --pages 320 --seed 31 \
                      ../train-pages/s4-cfi-libreoffice SRC
                (the general bigrams' text, none of the benches' nor the reports';
                Debian bookworm's Tesseract 5.3.0). The default; with the option
                and no folder, the table of the real pages alone.

Method (Brill & Moore 2000, simplified):
  1. normalise white space, align OCR and truth word lists (Levenshtein);
     keep 1:1 word pairs (torn/glued words are the token-repair correctors' job);
  2. lower-case both words and align their characters; merge adjacent edit
     operations into one rule, so 'rn' -> 'm' and 'ö' -> 'i)’' are single rules;
     an insertion or deletion takes one neighbouring character as context so
     that every rule rewrites a non-empty truth string;
  3. P(ocr | truth) = count(truth -> ocr) / count(truth substring in the truth
     words), for rules of at most 3 characters a side seen at least twice.

Only character rules are stored -- never a word or word pair. The output
also holds, per profile, the identity probability of each character
(P(c read as c)) and a generic fallback for unseen edits.

Writes dictionaries/confusions.tsv and, beside it, spacing.tsv (torn and
glued words), markers.tsv (line-initial one-character tokens),
initial_case.tsv (the case of a word's first letter read as a non-letter
or as another capital) and ocr_charfreq.tsv (each engine's characters, for recognising it).
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz.distance import Levenshtein

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from ocrfix.evaluate import load_pages, merged_blocks  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
DEFAULT_PAGES = [SHARED / "bench" / "tesseract-dev", SHARED / "bench" / "tesseract-dev-b"]
DEFAULT_LINES = [SHARED / "enkoping" / "dev.jsonl"]
DEFAULT_OWN_PAGES = [ROOT.parent / "train-pages" / "s4-cfi-libreoffice"]  # made as the docstring says

MAX_SIDE = 3
OWN_WEIGHT = 0.1  # the share of pages of one's own making in their engine's rules (see mixed)
MIN_COUNT = 2  # for rules between Swedish letters; a rule that produces anything else needs only 1
SWEDISH_LETTERS = set("abcdefghijklmnopqrstuvwxyzåäö")
MAX_WORD_DISTANCE = 0.6  # pairs more different than this are misalignments
LEADING, TRAILING = "(\"“”‘«", ".,;:!?)\"”»’'"  # punctuation around a word


def norm_words(text: str) -> list[str]:
    return unicodedata.normalize("NFC", text).split()


def page_pairs(folder: Path) -> dict[str, list[tuple[str, str]]]:
    """Pages by profile: the manifest's 'lang' column names the Tesseract model."""
    out: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for page in load_pages(folder):
        out["tesseract-" + page.meta.get("lang", "eng")].append((page.ocr, page.gold))
    return out


def line_pairs(path: Path) -> dict[str, list[tuple[str, str]]]:
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        if rec.get("conf") == "high":
            pairs.append((rec["ocr"], rec["gold"]))
    return {path.parent.name: pairs}


def ocr_normal(text: str) -> str:
    """The OCR side as the model sees it (see ErrorModel.normalise)."""
    sys.path.insert(0, str(ROOT))
    from ocrfix.errormodel import normalise

    return normalise(text)


def word_pairs(ocr: str, truth: str):
    """1:1 aligned (ocr word, truth word) pairs, equal ones included."""
    ow, tw = norm_words(ocr), norm_words(truth)
    for op in Levenshtein.opcodes(ow, tw):
        if op.tag == "equal" or (op.tag == "replace" and op.src_end - op.src_start == op.dest_end - op.dest_start):
            for o, t in zip(ow[op.src_start : op.src_end], tw[op.dest_start : op.dest_end]):
                yield o, t


def char_rules(ocr: str, truth: str):
    """Rules truth_sub -> ocr_sub for one lower-cased word pair (merged edit blocks)."""
    for t1, t2, o1, o2 in merged_blocks(truth, ocr):
        if t1 == t2:  # insertion: take a neighbouring truth character as context
            if t1 > 0:
                t1 -= 1
                o1 -= 1
            elif t2 < len(truth):
                t2 += 1
                o2 += 1
            else:
                continue
        yield truth[t1:t2], ocr[o1:o2]


def edge_letter_events(pairs: list[tuple[str, str]]) -> tuple[int, int]:
    """(letters the OCR added at a word's first or last position, word edges seen)."""
    added = edges = 0
    for ocr, truth in pairs:
        for o, t in word_pairs(ocr_normal(ocr), truth):
            o, t = o.lower(), t.lower()
            edges += 2
            if len(o) == len(t) + 1 and ((o[1:] == t and o[0] in SWEDISH_LETTERS)
                                         or (o[:-1] == t and o[-1] in SWEDISH_LETTERS)):
                added += 1
    return added, edges


def initial_case_events(pairs: list[tuple[str, str]]) -> Counter:
    """(OCR character, 'upper'/'lower'): a word's first letter that the OCR
    misread -- as a non-letter (``]nspektionen``) or as another capital
    (``Amne`` for ``Ämne``, ``Ar`` for ``är``) -- by the case of that letter.
    The OCR glyph keeps the shape of the letter it replaced (`]` is a dotless
    stroke, like `I`), and an engine without Swedish reads a capital ``Ä`` as
    ``A``; whether it also reads a small ``ä`` as ``A`` differs by engine."""
    events: Counter = Counter()
    for ocr, truth in pairs:
        for o, t in word_pairs(ocr_normal(ocr), truth):
            if not (o and t and o != t and t[0].isalpha()) or o[0].isdigit():
                continue
            if not o[0].isalpha() or (o[0].isupper() and o[0].lower() != t[0].lower()):
                events[(o[0], "upper" if t[0].isupper() else "lower")] += 1
    return events


def spacing_events(pairs: list[tuple[str, str]]) -> tuple[int, int, int, Counter]:
    """(torn, glued, truth words, letters): how often OCR split one word in two,
    glued two into one, and -- per letter -- read a letter inside a word as a
    space (``försörjning stöd`` for ``försörjningsstöd``: the engine saw a gap
    where a thin ``s`` was)."""
    torn = glued = words = 0
    letters: Counter = Counter()
    for ocr_doc, truth_doc in pairs:
        ow, tw = norm_words(ocr_doc), norm_words(truth_doc)
        words += len(tw)
        for o1, o2, t1, t2 in merged_blocks(ow, tw):
            o, t = ow[o1:o2], tw[t1:t2]
            if len(o) == len(t) + 1:
                for i in range(len(t)):  # which truth word was torn?
                    if Levenshtein.normalized_distance("".join(o[i : i + 2]), t[i]) < 0.5:
                        torn += 1
                        break
            elif len(t) == len(o) + 1:
                for i in range(len(o)):
                    if Levenshtein.normalized_distance(o[i], "".join(t[i : i + 2])) < 0.5:
                        glued += 1
                        break
            if len(o) > len(t):  # a letter read as a space, anywhere in the region
                for i in range(len(o) - 1):
                    lost = next(filter(None, (letter_read_as_space(o[i], o[i + 1], w) for w in t)), None)
                    if lost:
                        letters[lost] += 1
    return torn, glued, words, letters


def letter_read_as_space(left: str, right: str, truth: str) -> str | None:
    """The letter a space stands for, if ``left right`` is ``truth`` with one letter read as a space."""
    a, b, w = left.lower().lstrip(LEADING), right.lower().rstrip(TRAILING), truth.lower().strip(LEADING + TRAILING)
    if (a.isalpha() and b.isalpha() and len(w) == len(a) + len(b) + 1 and w.startswith(a) and w.endswith(b)
            and w[len(a)] in SWEDISH_LETTERS):
        return w[len(a)]
    return None


def line_pairs_of(ocr_doc: str, truth_doc: str) -> list[tuple[str, str]]:
    """Non-empty lines paired one to one, or [] when the line counts differ."""
    ol = [l for l in ocr_doc.split("\n") if l.strip()]
    tl = [l for l in truth_doc.split("\n") if l.strip()]
    return list(zip(ol, tl)) if len(ol) == len(tl) else []


def marker_events(pairs: list[tuple[str, str]]) -> Counter:
    """(OCR line-initial one-character token, what the truth line starts with) counts.

    The truth side is the truth's own one-character token (a list marker) or
    '<word>' when the truth line starts with a longer token."""
    events: Counter = Counter()
    for ocr_doc, truth_doc in pairs:
        for o, t in line_pairs_of(ocr_doc, truth_doc):
            ow, tw = o.split(), t.split()
            if len(ow) > 1 and len(ow[0]) == 1 and tw:
                events[(ow[0], tw[0] if len(tw[0]) == 1 else "<word>")] += 1
    return events


def debris_events(ocr: str, truth: str) -> tuple[int, int]:
    """(debris characters the OCR added, debris characters standing for letters) in one word pair.

    Debris: OCR output that is no Swedish letter (``[``, ``)``, ``’``, ``6``, ``§``)."""
    added = replaced = 0
    for op in Levenshtein.opcodes(truth, ocr):
        if op.tag in ("insert", "replace"):
            n = sum(1 for c in ocr[op.dest_start : op.dest_end] if c not in SWEDISH_LETTERS)
            if op.tag == "insert":
                added += n
            else:
                replaced += min(n, op.src_end - op.src_start)
                added += max(0, n - (op.src_end - op.src_start))
    return added, replaced


def learn(pairs: list[tuple[str, str]]):
    rules: Counter[tuple[str, str]] = Counter()
    truth_words: Counter[str] = Counter()
    char_total: Counter[str] = Counter()
    debris: Counter[str] = Counter()  # added, replaced, ocr chars
    words = 0
    for ocr_doc, truth_doc in pairs:
        for o, t in word_pairs(ocr_doc, truth_doc):
            o, t = ocr_normal(o.lower()), t.lower()
            words += 1
            truth_words[t] += 1
            debris["ocr chars"] += len(o)
            if o == t:
                continue
            if Levenshtein.normalized_distance(o, t) > MAX_WORD_DISTANCE:
                continue
            added, replaced = debris_events(o, t)
            debris["added"] += added
            debris["replaced"] += replaced
            for ts, os_ in char_rules(o, t):
                if len(ts) <= MAX_SIDE and len(os_) <= MAX_SIDE:
                    rules[(ts, os_)] += 1
    # how often each rule's truth side occurs in the truth words
    wanted = {ts for ts, _ in rules}
    occurrences: Counter[str] = Counter()
    for t, n in truth_words.items():
        for i in range(len(t)):
            char_total[t[i]] += n
            for k in range(1, MAX_SIDE + 1):
                sub = t[i : i + k]
                if len(sub) == k and sub in wanted:
                    occurrences[sub] += n
    return rules, occurrences, char_total, words, debris


def _has_debris(ocr_side: str) -> bool:
    """OCR output no Swedish word contains (``[``, ``6``, ``é``, ``ﬁ``): one sighting is evidence enough."""
    return any(c not in SWEDISH_LETTERS for c in ocr_side)


def char_distribution(pairs: list[tuple[str, str]], side: int) -> Counter[str]:
    """Character counts of the OCR (side 0) or truth (side 1) text, lower-cased,
    of its runs of non-space characters that hold a letter (as the corrector
    counts a document's: ocrfix.errormodel.letter_chunks)."""
    from ocrfix.errormodel import letter_chunks

    counts: Counter[str] = Counter()
    for pair in pairs:
        text = letter_chunks(pair[side].lower())
        counts.update(ocr_normal(text) if side == 0 else text)
    return counts


@dataclass
class ProfileTable:
    """One profile's rows of confusions.tsv: the rules, each character's identity,
    and the special costs (unseen edits, a letter added at an edge, debris), each
    as (count, truth count, probability)."""

    rules: dict[tuple[str, str], tuple[int, int, float]]
    identity: dict[str, tuple[int, int, float]]
    special: dict[tuple[str, str], tuple[int, int, float]]
    words: int

    def rows(self):
        for (ts, os_), (c, n, p) in sorted(self.rules.items(), key=lambda kv: (kv[0][0], -kv[1][0], kv[0][1])):
            yield ts, os_, c, n, math.log(p)
        for ch, (c, n, p) in sorted(self.identity.items()):
            yield ch, "=", c, n, math.log(p)
        for (ts, os_), (c, n, p) in self.special.items():
            yield ts, os_, c, n, math.log(p)


def profile_table(pairs: list[tuple[str, str]], min_count: int) -> ProfileTable:
    """The rules and costs learned from one profile's (OCR, truth) pairs."""
    rules, occurrences, char_total, words, debris = learn(pairs)
    kept = {r: c for r, c in rules.items() if c >= min_count or _has_debris(r[1])}
    errors_from: Counter[str] = Counter()
    for (ts, _), c in rules.items():
        if len(ts) == 1:
            errors_from[ts] += c
    table_rules = {}
    for (ts, os_), c in kept.items():
        n = max(occurrences[ts], c)
        table_rules[(ts, os_)] = (c, n, c / (n + 1))
    identity = {ch: (n - errors_from[ch], n, (n - errors_from[ch] + 1) / (n + 2))
                for ch, n in char_total.items() if n >= 5}
    special = {}
    singles = sum(c for (ts, os_), c in rules.items() if (ts, os_) not in kept)
    total_chars = sum(char_total.values())
    # unseen edits: spread the mass of rare rules over the alphabet (~30 letters)
    p_unseen = max(singles, 1) / max(total_chars, 1) / 30
    for kind in ("sub", "ins", "del"):
        special[("<unseen>", kind)] = (singles, total_chars, p_unseen)
    # a letter the OCR added at a word's first or last position (glued
    # words are not 1:1 pairs, so they do not count here): per edge, per letter
    added, edges = edge_letter_events(pairs)
    special[("<unseen>", "edge")] = (added, edges, (added + 1) / (edges + 2) / 30)
    # debris (OCR output that is no Swedish letter) the table has no rule for:
    # per OCR character, added by the engine ('del': the reader deletes it), or
    # standing for a letter ('sub': per letter of ~30, so spread over them)
    n = max(debris["ocr chars"], 1)
    special[("<debris>", "del")] = (debris["added"], n, (debris["added"] + 1) / (n + 2))
    special[("<debris>", "sub")] = (debris["replaced"], n, (debris["replaced"] + 1) / (n + 2) / 30)
    return ProfileTable(table_rules, identity, special, words)


def mixed(real: ProfileTable, made: ProfileTable, weight: float) -> ProfileTable:
    """``real`` with the rules and identities of ``made`` mixed in at ``weight``:
    P = (1 - weight) P_real + weight P_made, a rule only one of them has counting 0
    in the other. Pages one made oneself show confusions the real engine's few
    pages never happened to (`rn` read as `m`), but not at the engine's own
    rates (they lose fewer thin letters): the real pages' rates dominate where
    they have evidence. A character's identity is mixed where both show it,
    the real pages' where only they do; one only the made pages show keeps the
    model's default, as before. The special costs stay the real pages', and a
    mixed rule less likely than their unseen edit is left out. A mixed row's
    count column is its probability times the pooled truth count, rounded:
    informative only (the runtime reads logp), and 0 for a rule whose truth
    string is rare -- benchmarks/synthetic.py, which garbles at count / truth
    count, is meant for the profiles learned from real pages alone (enkoping)."""
    if not 0.0 <= weight <= 1.0:
        raise ValueError(f"own-page weight {weight} is not between 0 and 1")

    def mix(a: dict, b: dict, keys) -> dict:
        out = {}
        for key in keys:
            _, na, pa = a.get(key, (0, 0, 0.0))
            _, nb, pb = b.get(key, (0, 0, 0.0))
            p = (1 - weight) * pa + weight * pb
            out[key] = (round(p * (na + nb)), na + nb, p)
        return out
    identity = mix(real.identity, made.identity, real.identity.keys() & made.identity.keys())
    identity.update({ch: row for ch, row in real.identity.items() if ch not in made.identity})
    # a mixed rule less likely than an unseen edit would only widen the search
    floor = real.special[("<unseen>", "sub")][2]
    rules = {key: row for key, row in mix(real.rules, made.rules, real.rules.keys() | made.rules.keys()).items()
             if row[2] >= floor}
    return ProfileTable(rules, identity, real.special, real.words + made.words)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=Path, nargs="*", default=DEFAULT_PAGES)
    ap.add_argument("--lines", type=Path, nargs="*", default=DEFAULT_LINES)
    ap.add_argument("--own-profile-pages", type=Path, nargs="*", default=DEFAULT_OWN_PAGES,
                    help="pages of one's own making (benchmarks/make_pages.py): mixed into their engine's "
                         "character rules with weight --own-weight, nothing else")
    ap.add_argument("--own-weight", type=float, default=OWN_WEIGHT)
    ap.add_argument("--out", type=Path, default=ROOT / "dictionaries" / "confusions.tsv")
    ap.add_argument("--min-count", type=int, default=MIN_COUNT)
    args = ap.parse_args()
    if not 0.0 <= args.own_weight <= 1.0:
        ap.error("--own-weight must be between 0 and 1")
    for folder in args.own_profile_pages:
        if not folder.is_dir():
            ap.error(f"{folder} not found: make it as this script's docstring says, or pass "
                     "--own-profile-pages with no folder for a table of the real pages alone")

    sources: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for folder in args.pages:
        for profile, pairs in page_pairs(folder).items():
            sources[profile].extend(pairs)
    for path in args.lines:
        for profile, pairs in line_pairs(path).items():
            sources[profile].extend(pairs)
    if not sources:
        sys.exit("learn_error_model: no (OCR, truth) pairs found")
    sources["default"] = [p for name in list(sources) for p in sources[name]]
    own: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for folder in args.own_profile_pages:
        for profile, pairs in page_pairs(folder).items():
            own[profile].extend(pairs)

    lines = [
        "# OCR character confusions: P(ocr substring | truth substring), lower-cased.",
        "# Produced by: python scripts/learn_error_model.py " + " ".join(
            [f"--pages {p}" for p in args.pages] + [f"--lines {p}" for p in args.lines]
            + [f"--own-profile-pages {p}" for p in args.own_profile_pages]
            + ([f"--own-weight {args.own_weight}"] if args.own_profile_pages else [])),
        "# Columns: profile, truth, ocr, count, truth_count, logp (natural log).",
        "# A row with ocr '=' gives P(truth char read correctly); truth '<unseen>' rows are",
        "# the fallback for edits the table does not list (ocr 'sub', 'ins', 'del'; 'edge': a letter added at a word's edge); truth '<debris>'",
        "# rows give the cost of OCR debris (no Swedish letter) added ('del') or standing for a letter ('sub').",
        "profile\ttruth\tocr\tcount\ttruth_count\tlogp",
    ]
    summary = []
    for profile in sorted(sources):
        table = profile_table(sources[profile], args.min_count)
        if own.get(profile):
            table = mixed(table, profile_table(own[profile], args.min_count), args.own_weight)
        lines += [f"{profile}\t{t}\t{o}\t{c}\t{n}\t{lp:.4f}" for t, o, c, n, lp in table.rows()]
        summary.append(f"{profile}: {len(sources[profile]) + len(own.get(profile, []))} docs, {table.words} word pairs,"
                       f" {len(table.rules)} rules")
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    # How often a word is torn in two by a stray space, or two words glued.
    spacing = [
        "# Spacing errors per profile: a word torn in two ('torn'), two words glued ('glued'),",
        "# a word with its letter x read as a space ('space:x').",
        "# Produced by scripts/learn_error_model.py. logp = log((count + 1) / (words + 2)); for space:x log(count / (words + 2)).",
        "profile\tevent\tcount\twords\tlogp",
    ]
    for profile in sorted(sources):
        torn, glued, words, letters = spacing_events(sources[profile])
        for event, count in (("torn", torn), ("glued", glued)):
            spacing.append(f"{profile}\t{event}\t{count}\t{words}\t{math.log((count + 1) / (words + 2)):.4f}")
        # 'space:x': a word whose letter x was read as a space (per word, like torn)
        for letter, count in sorted(letters.items()):
            spacing.append(f"{profile}\tspace:{letter}\t{count}\t{words}\t{math.log(count / (words + 2)):.4f}")
    (args.out.parent / "spacing.tsv").write_text("\n".join(spacing) + "\n", encoding="utf-8")
    # Case of a letter read as a non-letter at the start of a word.
    case = [
        "# A word's first letter read as a non-letter or as another capital: how often it was upper or lower case.",
        "# Produced by scripts/learn_error_model.py; read by the 'words' corrector (restore_case).",
        "profile\tocr\tupper\tlower",
    ]
    for profile in sorted(sources):
        events = initial_case_events(sources[profile])
        for ch in sorted({o for o, _ in events}):
            case.append(f"{profile}\t{ch}\t{events[(ch, 'upper')]}\t{events[(ch, 'lower')]}")
    (args.out.parent / "initial_case.tsv").write_text("\n".join(case) + "\n", encoding="utf-8")
    # List markers: what a one-character token at the start of a line was.
    markers = [
        "# Line-initial one-character tokens: what they were in the truth ('<word>': the start of a word).",
        "# Produced by scripts/learn_error_model.py; read by the 'markers' corrector.",
        "profile\tocr\ttruth\tcount",
    ]
    for profile in sorted(sources):
        for (o, t), c in sorted(marker_events(sources[profile]).items(), key=lambda kv: (kv[0][0], -kv[1])):
            markers.append(f"{profile}\t{o}\t{t}\t{c}")
    (args.out.parent / "markers.tsv").write_text("\n".join(markers) + "\n", encoding="utf-8")
    # Character distributions of each profile's OCR output, plus clean text:
    # the corrector recognises which engine (if any) garbled a document by them.
    dist_lines = [
        "# Character counts of OCR output per error-model profile ('clean' = the truth text).",
        "# Produced by scripts/learn_error_model.py; read by ocrfix.errormodel.detect_profile.",
        "profile\tchar\tcount",
    ]
    truth_all: Counter[str] = Counter()
    for profile in sorted(sources):
        if profile == "default":
            continue
        for ch, c in sorted(char_distribution(sources[profile], 0).items()):
            dist_lines.append(f"{profile}\t{ch}\t{c}")
        truth_all.update(char_distribution(sources[profile], 1))
    for ch, c in sorted(truth_all.items()):
        dist_lines.append(f"clean\t{ch}\t{c}")
    (args.out.parent / "ocr_charfreq.tsv").write_text("\n".join(dist_lines) + "\n", encoding="utf-8")
    print("\n".join(summary), file=sys.stderr)


if __name__ == "__main__":
    main()
