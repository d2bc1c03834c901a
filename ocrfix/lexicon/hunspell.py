"""Pure-Python Hunspell dictionary expander and compound checker.

The product compiles the Swedish Hunspell dictionary once into a fast lookup
structure (a trie of surface forms, each with a *role bitmask*) and checks
words and compounds at run time without a Hunspell engine. This module has the
two halves of that:

* :func:`expand` reads a ``.aff``/``.dic`` pair and yields every surface form
  the dictionary generates (stems, affixed forms, twofold suffixes, prefix x
  suffix cross products) with the roles Hunspell gives it: a word on its own
  (:data:`WORD`), a compound beginning, middle or end (:data:`BEGIN`,
  :data:`MIDDLE`, :data:`END`), forbidden (:data:`FORBIDDEN`).
  :func:`build_roles` merges those into a ``dict`` form -> mask.
* :class:`CompoundChecker` takes a ``roles(form) -> mask`` lookup (backed by a
  dict, a trie, ...) and the compound settings of the ``.aff``
  (:class:`CompoundSettings`) and decides whether a word is a valid compound
  (flag compounding: BEGIN MIDDLE* END with COMPOUNDMIN, COMPOUNDWORDMAX,
  CHECKCOMPOUNDTRIPLE, SIMPLIFIEDTRIPLE, CHECKCOMPOUNDDUP, CHECKCOMPOUNDREP,
  CHECKCOMPOUNDCASE, FORCEUCASE; and COMPOUNDRULE compounding), and whether a
  word is correct at all (:meth:`CompoundChecker.check`, with Hunspell's
  capitalisation rules, BREAK points and numbers).

The semantics follow Hunspell as ported by spylls (``spylls.hunspell.algo
.lookup``); the few places where this module follows Hunspell proper instead
of spylls are marked "Hunspell:" below. Only the standard library is used.

Role bits (the low byte of a mask)::

    WORD       1   valid on its own
    BEGIN      2   may begin a compound
    MIDDLE     4   may be a middle part of a compound
    END        8   may end a compound
    FORBIDDEN 16   a FORBIDDENWORD entry, or derived from one by affixes
    END_UCASE 32   may end a compound only if the whole word is capitalised
                   or all caps (FORCEUCASE on the root of that derivation)

Bits from :data:`RULE_SHIFT` (8) up: COMPOUNDRULE flags of a bare dictionary
stem; bit ``RULE_SHIFT + i`` is flag ``CompoundSettings.rule_flags[i]``. They
are only present when the .aff has COMPOUNDRULE lines and are what the
COMPOUNDRULE matcher reads.
"""
from __future__ import annotations

import codecs
import importlib.metadata
import re
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "WORD", "BEGIN", "MIDDLE", "END", "FORBIDDEN", "END_UCASE", "RULE_SHIFT", "ROLE_MASK",
    "find_dictionary", "read_aff", "read_dic", "AffixRule", "AffData",
    "expand", "build_roles", "CompoundSettings", "CompoundChecker", "check",
]

#: Valid as a word on its own.
WORD = 1
#: May be the first part of a compound.
BEGIN = 2
#: May be a middle part of a compound.
MIDDLE = 4
#: May be the last part of a compound.
END = 8
#: Forbidden (FORBIDDENWORD entry, or an affixed form of one).
FORBIDDEN = 16
#: May be the last part of a compound only if the word is capitalised/all caps (FORCEUCASE).
END_UCASE = 32
#: First bit used for COMPOUNDRULE flags.
RULE_SHIFT = 8
#: The bits below :data:`RULE_SHIFT`.
ROLE_MASK = (1 << RULE_SHIFT) - 1

RolesLookup = Callable[[str], int]

# ---------------------------------------------------------------------------
# Locating the dictionary
# ---------------------------------------------------------------------------


def find_dictionary(lang: str = "sv_SE", package: str = "hunspell-sv") -> tuple[Path, Path]:
    """Return ``(aff_path, dic_path)`` of ``lang`` as installed by the ``package`` distribution.

    The files are found through :func:`importlib.metadata.files`, so the lookup
    works in any environment where the package is installed.

    Raises:
        FileNotFoundError: the package is not installed, or does not ship the files.
    """
    try:
        files = importlib.metadata.files(package)
    except importlib.metadata.PackageNotFoundError as exc:
        raise FileNotFoundError(
            f"Hunspell dictionary {lang!r} not found: the Python package {package!r} is not "
            f"installed (pip install {package})"
        ) from exc
    found: dict[str, Path] = {}
    for entry in files or ():
        if entry.name in (f"{lang}.aff", f"{lang}.dic"):
            path = Path(str(entry.locate()))
            if path.is_file():
                found[entry.suffix] = path
    if ".aff" not in found or ".dic" not in found:
        raise FileNotFoundError(
            f"Hunspell dictionary {lang!r} not found in the installed package {package!r} "
            f"(looked for {lang}.aff and {lang}.dic in its file list)"
        )
    return found[".aff"], found[".dic"]


# ---------------------------------------------------------------------------
# Reading .aff / .dic
# ---------------------------------------------------------------------------

_FLAG_DIRECTIVES = {
    "NEEDAFFIX": "needaffix", "PSEUDOROOT": "needaffix",
    "ONLYINCOMPOUND": "onlyincompound", "FORBIDDENWORD": "forbiddenword",
    "NOSUGGEST": "nosuggest", "KEEPCASE": "keepcase", "CIRCUMFIX": "circumfix",
    "COMPOUNDFLAG": "compoundflag", "COMPOUNDBEGIN": "compoundbegin",
    "COMPOUNDMIDDLE": "compoundmiddle", "COMPOUNDEND": "compoundend",
    "COMPOUNDLAST": "compoundend",
    "COMPOUNDPERMITFLAG": "compoundpermitflag", "COMPOUNDFORBIDFLAG": "compoundforbidflag",
    "FORCEUCASE": "forceucase",
}
_BOOL_DIRECTIVES = {
    "CHECKCOMPOUNDTRIPLE": "check_triple", "SIMPLIFIEDTRIPLE": "simplified_triple",
    "CHECKCOMPOUNDDUP": "check_dup", "CHECKCOMPOUNDREP": "check_rep",
    "CHECKCOMPOUNDCASE": "check_case", "FULLSTRIP": "fullstrip",
    "COMPLEXPREFIXES": "complexprefixes",
}


@dataclass(frozen=True)
class AffixRule:
    """One ``SFX``/``PFX`` line: ``strip``/``add``, the condition and the continuation flags."""

    kind: str                 # "SFX" or "PFX"
    flag: str
    cross: bool               # cross product allowed
    strip: str
    add: str
    condition: str            # raw condition text ("." = any)
    cont: frozenset[str]      # continuation flags (after "/" in the add field)
    _cond_len: int = field(default=0, repr=False, compare=False)
    _cond_re: "re.Pattern[str] | None" = field(default=None, repr=False, compare=False)

    def applies(self, word: str, fullstrip: bool) -> str | None:
        """Return ``word`` with this affix applied, or None if it does not apply."""
        strip = self.strip
        keep = len(word) - len(strip)
        if keep < 0 or (keep == 0 and not fullstrip):
            return None
        n = self._cond_len
        if len(word) < n:
            return None
        if self.kind == "SFX":
            if strip and not word.endswith(strip):
                return None
            if self._cond_re is not None and not self._cond_re.match(word, len(word) - n):
                return None
            out = word[:keep] + self.add
        else:
            if strip and not word.startswith(strip):
                return None
            if self._cond_re is not None and not self._cond_re.match(word):
                return None
            out = self.add + word[len(strip):]
        return out or None


def _compile_condition(cond: str, kind: str) -> tuple[int, "re.Pattern[str] | None"]:
    """Compile a Hunspell affix condition; return (number of chars it spans, regex or None)."""
    if cond in ("", "."):
        return 0, None
    parts: list[str] = []
    i = 0
    while i < len(cond):
        ch = cond[i]
        if ch == "[":
            j = cond.find("]", i + 1)
            if j < 0:  # malformed: treat the rest literally
                parts.append(re.escape(cond[i:]))
                break
            body = cond[i + 1:j]
            neg = body.startswith("^")
            if neg:
                body = body[1:]
            parts.append("[" + ("^" if neg else "") + "".join(re.escape(c) for c in body) + "]")
            i = j + 1
        elif ch == ".":
            parts.append(".")
            i += 1
        else:
            parts.append(re.escape(ch))
            i += 1
    if all(p == "." for p in parts):
        return len(parts), None
    pattern = "".join(parts)
    return len(parts), re.compile(pattern + (r"\Z" if kind == "SFX" else ""), re.DOTALL)


@dataclass
class AffData:
    """What this module needs from a ``.aff`` file."""

    flag_type: str = "short"
    aliases: dict[str, frozenset[str]] = field(default_factory=dict)
    flags: dict[str, str | None] = field(default_factory=lambda: {v: None for v in _FLAG_DIRECTIVES.values()})
    bools: dict[str, bool] = field(default_factory=lambda: {v: False for v in _BOOL_DIRECTIVES.values()})
    compoundmin: int = 3
    compoundwordmax: int = 0
    suffixes: dict[str, list[AffixRule]] = field(default_factory=dict)
    prefixes: dict[str, list[AffixRule]] = field(default_factory=dict)
    rep: list[tuple[str, str]] = field(default_factory=list)
    breaks: list[str] | None = None
    compoundrules: list[str] = field(default_factory=list)
    encoding: str = "ISO8859-1"

    def parse_flags(self, text: str) -> frozenset[str]:
        """Split a flag field according to ``FLAG`` (and ``AF`` aliases)."""
        if not text:
            return frozenset()
        if self.aliases and text.isdigit():
            return self.aliases.get(text, frozenset())
        if self.flag_type == "long":
            return frozenset(text[i:i + 2] for i in range(0, len(text) - len(text) % 2, 2))
        if self.flag_type == "num":
            return frozenset(p for p in (s.strip() for s in text.split(",")) if p)
        return frozenset(text)

    def flag(self, name: str) -> str | None:
        return self.flags.get(name)


def _read_text(path: Path | str, encoding: str | None = None) -> tuple[str, str]:
    data = Path(path).read_bytes()
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
        encoding = encoding or "UTF-8"
    if encoding is None:
        encoding = "ISO8859-1"
        for raw in data.splitlines()[:200]:
            parts = raw.split()
            if len(parts) >= 2 and parts[0] == b"SET":
                encoding = parts[1].decode("ascii", "replace")
                break
            if len(parts) >= 2 and parts[0] == b"FLAG" and parts[1] == b"UTF-8":
                encoding = "UTF-8"
    try:
        codecs.lookup(encoding)
    except LookupError:
        encoding = {"microsoft-cp1251": "cp1251", "tis620-2533": "tis-620"}.get(encoding.lower(), "ISO8859-1")
    return data.decode(encoding, errors="replace"), encoding


def read_aff(path: Path | str) -> AffData:
    """Parse the parts of a Hunspell ``.aff`` file this module uses."""
    text, encoding = _read_text(path)
    aff = AffData(encoding=encoding)
    pending: dict[tuple[str, str], int] = {}   # (kind, flag) -> affix lines still expected
    tables: dict[str, int] = {}                # REP/BREAK/COMPOUNDRULE/AF -> lines still expected
    seen_table: set[str] = set()
    cross: dict[tuple[str, str], bool] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        d = parts[0]
        if d in ("SFX", "PFX"):
            if len(parts) < 3:
                continue
            flag = parts[1]
            key = (d, flag)
            if pending.get(key, 0) <= 0:
                # header: SFX flag Y|N count
                if len(parts) >= 4 and parts[3].isdigit():
                    pending[key] = int(parts[3])
                    table = aff.suffixes if d == "SFX" else aff.prefixes
                    table.setdefault(flag, [])
                    cross[key] = parts[2] == "Y"
                continue
            pending[key] -= 1
            if len(parts) < 4:
                continue
            strip = "" if parts[2] == "0" else parts[2]
            add, _, contflags = parts[3].partition("/")
            add = "" if add == "0" else add
            cond = parts[4] if len(parts) >= 5 else "."
            n, rx = _compile_condition(cond, d)
            rule = AffixRule(d, flag, cross.get(key, False), strip, add, cond,
                             aff.parse_flags(contflags), n, rx)
            (aff.suffixes if d == "SFX" else aff.prefixes)[flag].append(rule)
            continue
        value = parts[1] if len(parts) > 1 else ""
        if d in ("REP", "BREAK", "COMPOUNDRULE", "AF"):
            if tables.get(d, 0) <= 0 and d not in seen_table and value.isdigit():
                tables[d] = int(value)
                seen_table.add(d)
                if d == "BREAK" and aff.breaks is None:
                    aff.breaks = []
                continue
            tables[d] = tables.get(d, 0) - 1
            if d == "REP" and len(parts) >= 3:
                aff.rep.append((parts[1], parts[2]))
            elif d == "BREAK" and value:
                (aff.breaks if aff.breaks is not None else []).append(value)
            elif d == "COMPOUNDRULE" and value:
                aff.compoundrules.append(value)
            elif d == "AF" and value:
                aff.aliases[str(len(aff.aliases) + 1)] = frozenset(_plain_flags(value, aff.flag_type))
            continue
        if d == "FLAG":
            aff.flag_type = value
        elif d in _FLAG_DIRECTIVES and value:
            flags = _plain_flags(value, aff.flag_type)
            aff.flags[_FLAG_DIRECTIVES[d]] = flags[0] if flags else None
        elif d in _BOOL_DIRECTIVES:
            aff.bools[_BOOL_DIRECTIVES[d]] = True
        elif d == "COMPOUNDMIN" and value.isdigit():
            aff.compoundmin = max(1, int(value))
        elif d == "COMPOUNDWORDMAX" and value.isdigit():
            aff.compoundwordmax = int(value)
    if aff.breaks is None:
        aff.breaks = ["-", "^-", "-$"]
    return aff


def _plain_flags(text: str, flag_type: str) -> list[str]:
    if flag_type == "long":
        return [text[i:i + 2] for i in range(0, len(text) - len(text) % 2, 2)]
    if flag_type == "num":
        return [p for p in (s.strip() for s in text.split(",")) if p]
    return list(text)


_TAG_RE = re.compile(r"[ \t]\w{2}:")
_SLASH_RE = re.compile(r"(?<!\\)/")


def read_dic(path: Path | str, aff: AffData) -> Iterator[tuple[str, frozenset[str]]]:
    """Yield ``(stem, flags)`` for every entry of a Hunspell ``.dic`` file."""
    text, _ = _read_text(path, aff.encoding)
    lines = text.splitlines()
    start = 1 if lines and lines[0].strip().split(" ")[0].isdigit() else 0
    for line in lines[start:]:
        line = line.rstrip()
        if not line:
            continue
        tab = line.find("\t")
        m = _TAG_RE.search(line)
        cut = min([p for p in (tab, m.start() if m else -1) if p > 0], default=-1)
        if cut > 0:
            line = line[:cut].rstrip()
        if line.startswith("/"):
            word, flags = line, ""
        else:
            pieces = _SLASH_RE.split(line, maxsplit=1)
            word, flags = (pieces[0], pieces[1]) if len(pieces) == 2 else (line, "")
        word = word.replace("\\/", "/").strip()
        if word:
            yield word, aff.parse_flags(flags.strip())


# ---------------------------------------------------------------------------
# Expansion
# ---------------------------------------------------------------------------


def _rule_flags(aff: AffData) -> tuple[str, ...]:
    order: list[str] = []
    for rule in aff.compoundrules:
        for flag, _ in _parse_rule(rule):
            if flag not in order:
                order.append(flag)
    return tuple(order)


def compound_part_pairs(settings: "CompoundSettings") -> tuple[tuple[int, int], ...]:
    """The role bits that let two words form a compound together, as (first
    part's, last part's) pairs: (BEGIN, END) for compounding by flags, and for
    each COMPOUNDRULE every pair of its flags (x, y) the rule matches as
    exactly ``x y``. A flag that begins one rule and one that ends another
    make no pair (sv_SE's ordinals and numbers: `4?78`, `12`, are no openers
    of a noun compound)."""
    bit = {flag: 1 << (RULE_SHIFT + i) for i, flag in enumerate(settings.rule_flags)}
    pairs = {(BEGIN, END)}
    for rule in settings.rules:
        for x in settings.rule_flags:
            for y in settings.rule_flags:
                if _rule_matches(tuple(rule), (x, y)):
                    pairs.add((bit[x], bit[y]))
    return tuple(sorted(pairs))


def _rule_matches(elements: tuple[tuple[str, str], ...], flags: tuple[str, ...]) -> bool:
    """Does a COMPOUNDRULE (``(flag, quantifier)`` elements) match this sequence of flags exactly?"""
    if not elements:
        return not flags
    (flag, quantifier), rest = elements[0], elements[1:]
    here = bool(flags) and flags[0] == flag
    if quantifier == "*":
        return _rule_matches(rest, flags) or (here and _rule_matches(elements, flags[1:]))
    if quantifier == "?":
        return _rule_matches(rest, flags) or (here and _rule_matches(rest, flags[1:]))
    return here and _rule_matches(rest, flags[1:])


def _parse_rule(text: str) -> list[tuple[str, str]]:
    """Split a COMPOUNDRULE into ``(flag, quantifier)`` elements; quantifier is '', '?' or '*'."""
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(text):
        if text[i] == "(":
            j = text.find(")", i + 1)
            if j < 0:
                j = len(text)
            flag = text[i + 1:j]
            i = j + 1
        else:
            flag = text[i]
            i += 1
        q = ""
        if i < len(text) and text[i] in "*?":
            q = text[i]
            i += 1
        out.append((flag, q))
    return out


class _Expander:
    def __init__(self, aff: AffData):
        self.aff = aff
        f = aff.flags
        self.needaffix = f["needaffix"]
        self.onlyincompound = f["onlyincompound"]
        self.forbidden = f["forbiddenword"]
        self.circumfix = f["circumfix"]
        self.cflag = f["compoundflag"]
        self.cbegin = f["compoundbegin"]
        self.cmiddle = f["compoundmiddle"]
        self.cend = f["compoundend"]
        self.permit = f["compoundpermitflag"]
        self.cforbid = f["compoundforbidflag"]
        self.forceucase = f["forceucase"]
        self.fullstrip = aff.bools["fullstrip"]
        self.rule_bits = {flag: 1 << (RULE_SHIFT + i) for i, flag in enumerate(_rule_flags(aff))}
        self.sfx_flags = frozenset(aff.suffixes)
        self.pfx_flags = frozenset(aff.prefixes)

    def roles(self, flags: frozenset[str], affixes: tuple[AffixRule, ...],
              prefixes: tuple[AffixRule, ...], suffixes: tuple[AffixRule, ...]) -> int:
        """Roles of one derivation: ``flags`` are the root's flags plus all continuation flags."""
        if affixes:
            if self.needaffix and all(self.needaffix in a.cont for a in affixes):
                return 0
            if self.circumfix:
                p = any(self.circumfix in a.cont for a in prefixes)
                s = any(self.circumfix in a.cont for a in suffixes)
                if p != s:
                    return 0
        r = 0
        if not (self.onlyincompound and self.onlyincompound in flags):
            r |= WORD
        if self.cforbid and any(self.cforbid in a.cont for a in affixes):
            return r
        any_pos = self.cflag is not None and self.cflag in flags
        permit = self.permit
        sfx_ok = all(permit is not None and permit in a.cont for a in suffixes)
        pfx_ok = all(permit is not None and permit in a.cont for a in prefixes)
        root_forbid = self.cforbid is not None and self.cforbid in flags
        if (any_pos or (self.cbegin is not None and self.cbegin in flags)) and sfx_ok and not root_forbid:
            r |= BEGIN
        if (any_pos or (self.cmiddle is not None and self.cmiddle in flags)) and sfx_ok and pfx_ok \
                and not root_forbid:
            r |= MIDDLE
        if (any_pos or (self.cend is not None and self.cend in flags)) and pfx_ok:
            # Hunspell: FORCEUCASE is tested on the flags of the root (and affixes) of the end part
            r |= END_UCASE if (self.forceucase is not None and self.forceucase in flags) else END
        return r

    def entry(self, stem: str, flags: frozenset[str], forbidden_stem: bool) -> Iterator[tuple[str, int]]:
        """Yield ``(form, roles)`` for every derivation of one dictionary entry."""
        aff = self.aff
        fs = self.fullstrip
        # ---- bare stem
        is_forbidden = self.forbidden is not None and self.forbidden in flags
        rbits = 0
        if self.rule_bits:
            for fl in flags:
                b = self.rule_bits.get(fl)
                if b:
                    rbits |= b
        if is_forbidden:
            bare = FORBIDDEN
        elif self.needaffix and self.needaffix in flags:
            bare = 0
        else:
            bare = self.roles(flags, (), (), ())
            if forbidden_stem:
                # a homonym is FORBIDDENWORD: the stem may stand alone but not be a compound part
                bare &= WORD
        if bare | rbits:
            yield stem, bare | rbits

        # ---- suffixed forms (one suffix, or two: S1 on the root and S2 on top, S2.flag in S1.cont)
        sfx_forms: list[tuple[str, tuple[AffixRule, ...]]] = []
        for fl in flags & self.sfx_flags:
            for s1 in aff.suffixes[fl]:
                t1 = s1.applies(stem, fs)
                if t1 is None:
                    continue
                sfx_forms.append((t1, (s1,)))
                for fl2 in s1.cont & self.sfx_flags:
                    for s2 in aff.suffixes[fl2]:
                        t2 = s2.applies(t1, fs)
                        if t2 is not None:
                            sfx_forms.append((t2, (s1, s2)))
        # suffixes licensed by a prefix's continuation flags (only usable together with that prefix)
        pfx_list: list[AffixRule] = [p for fl in flags & self.pfx_flags for p in aff.prefixes[fl]]

        for text, sfxs in sfx_forms:
            yield from self._emit(text, stem, flags, (), sfxs, forbidden_stem)

        if not self.pfx_flags:
            return
        # prefixes licensed by a suffix's continuation flags
        extra_pfx: list[tuple[AffixRule, tuple[str, tuple[AffixRule, ...]]]] = []
        for text, sfxs in sfx_forms:
            for fl in sfxs[0].cont & self.pfx_flags:
                if fl in flags:
                    continue
                for p in aff.prefixes[fl]:
                    extra_pfx.append((p, (text, sfxs)))
        for p in pfx_list:
            t = p.applies(stem, fs)
            if t is not None:
                yield from self._emit(t, stem, flags, (p,), (), forbidden_stem)
            if p.cross:
                combos = list(sfx_forms)
                for fl in p.cont & self.sfx_flags:
                    if fl in flags:
                        continue
                    for s1 in aff.suffixes[fl]:
                        t1 = s1.applies(stem, fs)
                        if t1 is not None:
                            combos.append((t1, (s1,)))
                for text, sfxs in combos:
                    if not all(s.cross for s in sfxs):
                        continue
                    t = p.applies(text, fs)
                    if t is not None:
                        yield from self._emit(t, stem, flags, (p,), sfxs, forbidden_stem)
        for p, (text, sfxs) in extra_pfx:
            if p.cross and all(s.cross for s in sfxs):
                t = p.applies(text, fs)
                if t is not None:
                    yield from self._emit(t, stem, flags, (p,), sfxs, forbidden_stem)

    def _emit(self, text: str, stem: str, flags: frozenset[str], pfxs: tuple[AffixRule, ...],
              sfxs: tuple[AffixRule, ...], forbidden_stem: bool) -> Iterator[tuple[str, int]]:
        # each affix must be licensed by the root or by the other side's continuation flags
        if sfxs and sfxs[0].flag not in flags and not any(sfxs[0].flag in p.cont for p in pfxs):
            return
        if pfxs and pfxs[0].flag not in flags and not any(pfxs[0].flag in s.cont for s in sfxs[:1]):
            return
        allflags = flags
        for a in pfxs + sfxs:
            if a.cont:
                allflags = allflags | a.cont
        affixes = pfxs + sfxs
        r = self.roles(allflags, affixes, pfxs, sfxs)
        if r and (forbidden_stem or (self.forbidden is not None and self.forbidden in allflags)):
            # affixed forms of a forbidden root are forbidden too
            r = FORBIDDEN
        if r:
            yield text, r


def expand(aff_path: Path | str, dic_path: Path | str) -> Iterator[tuple[str, int]]:
    """Yield ``(form, roles)`` for every surface form the dictionary generates.

    Forms are **not** merged: the same form is yielded once per derivation
    (homonymous stems, different affixes), each time with the roles that
    derivation gives it; OR the masks together (see :func:`build_roles`).
    Derivations that give no role at all (e.g. a NEEDAFFIX stem without an
    affix) are not yielded.

    Semantics (Hunspell, as in spylls' ``Lookup.is_good_form`` and
    ``produce_affix_forms``):

    * an affix applies if its flag is on the root (or in the continuation
      flags of the affix on the other side), its strip matches, its condition
      matches the root (for a prefix: the suffixed form) and something of the
      root is left (or FULLSTRIP); prefix + suffix need cross product on both;
      a second suffix applies on top of a first one whose continuation flags
      carry its flag (twofold suffixes);
    * the form's flags are the root's flags plus the affixes' continuation
      flags; ONLYINCOMPOUND among them -> no :data:`WORD`;
    * a NEEDAFFIX root yields nothing bare; a form whose affixes all carry
      NEEDAFFIX yields nothing; CIRCUMFIX prefix and suffix must go together;
    * compound roles: BEGIN needs COMPOUNDBEGIN (or COMPOUNDFLAG) and every
      suffix to carry COMPOUNDPERMITFLAG; MIDDLE needs COMPOUNDMIDDLE and
      permit flags on all affixes; END needs COMPOUNDEND and permit flags on
      prefixes (any suffix is allowed at the end). FORCEUCASE on the form's
      flags turns END into :data:`END_UCASE`. COMPOUNDFORBIDFLAG on an affix
      removes all compound roles, on a root BEGIN and MIDDLE;
    * a FORBIDDENWORD entry and every affixed form of a stem that has a
      FORBIDDENWORD homonym get :data:`FORBIDDEN` (only); the bare forms of
      the other homonyms stay words but lose their compound roles;
    * COMPOUNDRULE flags of bare stems are added from :data:`RULE_SHIFT` up.
    """
    aff = read_aff(aff_path)
    entries = list(read_dic(dic_path, aff))
    forbidden_flag = aff.flags["forbiddenword"]
    forbidden_stems = {s for s, fl in entries if forbidden_flag in fl} if forbidden_flag else set()
    exp = _Expander(aff)
    for stem, flags in entries:
        yield from exp.entry(stem, flags, stem in forbidden_stems)


def build_roles(aff_path: Path | str, dic_path: Path | str) -> dict[str, int]:
    """Expand the dictionary and merge the derivations: ``{form: OR of all its role masks}``."""
    table: dict[str, int] = {}
    get = table.get
    for form, r in expand(aff_path, dic_path):
        table[form] = get(form, 0) | r
    return table


# ---------------------------------------------------------------------------
# Casing (Hunspell's generic, non-Turkic, non-German rules)
# ---------------------------------------------------------------------------

_NO, _INIT, _ALL, _HUHINIT, _HUH = range(5)


def _captype(word: str) -> int:
    if word.islower():
        return _NO
    if word.isupper():
        return _ALL
    if word[:1].isupper():
        return _INIT if word[1:].islower() else _HUHINIT
    return _HUH


def _lower(word: str) -> list[str]:
    if not word or word[0] == "İ":
        return []
    return [word.lower().replace("i̇", "i")]


def _variants(word: str) -> tuple[int, list[str]]:
    """Hunspell's hypotheses of how ``word`` is spelled in the dictionary."""
    cap = _captype(word)
    if cap == _NO or cap == _HUH:
        return cap, [word]
    if cap == _INIT:
        return cap, [word, *_lower(word)]
    if cap == _HUHINIT:
        return cap, [word, *(c + word[1:] for c in _lower(word[0]))]
    caps = [word[0].upper() + low for low in _lower(word[1:])] if len(word) > 1 else [word.upper()]
    return cap, [word, *_lower(word), *caps]


def _is_number(word: str) -> bool:
    head, dot, tail = word.partition(".")
    return head.isdecimal() and (not dot or tail.isdecimal())


# ---------------------------------------------------------------------------
# Compound settings and checker
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CompoundSettings:
    """The compounding (and word-check) settings of an ``.aff`` file.

    ``rep`` holds REP rules as ``(pattern, replacement, at_start, at_end)``
    with the ``^``/``$`` anchors split off and ``_`` turned into a space;
    ``rules`` holds COMPOUNDRULEs as lists of ``(flag, quantifier)``;
    ``rule_flags`` orders their flags (bit ``RULE_SHIFT + i`` of a mask).
    """

    min_len: int = 3
    max_words: int = 0                       # 0 = unlimited
    flags_enabled: bool = True               # COMPOUNDBEGIN or COMPOUNDFLAG present
    check_triple: bool = False
    simplified_triple: bool = False
    check_dup: bool = False
    check_rep: bool = False
    check_case: bool = False
    forceucase: bool = False
    rep: tuple[tuple[str, str, bool, bool], ...] = ()
    breaks: tuple[str, ...] = ("-", "^-", "-$")
    rules: tuple[tuple[tuple[str, str], ...], ...] = ()
    rule_flags: tuple[str, ...] = ()

    @classmethod
    def from_aff(cls, path: Path | str) -> "CompoundSettings":
        """Read the settings from an ``.aff`` file."""
        return cls.from_data(read_aff(path))

    @classmethod
    def from_data(cls, aff: AffData) -> "CompoundSettings":
        """Build the settings from an already parsed :class:`AffData`."""
        rep = []
        for pat, repl in aff.rep:
            start = pat.startswith("^")
            end = pat.endswith("$") and len(pat) > (1 if start else 0)
            core = pat[1 if start else 0: len(pat) - (1 if end else 0)]
            if core:
                rep.append((core, repl.replace("_", " "), start, end))
        b = aff.bools
        return cls(
            min_len=aff.compoundmin,
            max_words=aff.compoundwordmax,
            flags_enabled=bool(aff.flags["compoundbegin"] or aff.flags["compoundflag"]),
            check_triple=b["check_triple"],
            simplified_triple=b["simplified_triple"],
            check_dup=b["check_dup"],
            check_rep=b["check_rep"],
            check_case=b["check_case"],
            forceucase=aff.flags["forceucase"] is not None,
            rep=tuple(rep),
            breaks=tuple(aff.breaks or ()),
            rules=tuple(tuple(_parse_rule(r)) for r in aff.compoundrules),
            rule_flags=_rule_flags(aff),
        )


class CompoundChecker:
    """Decide whether a word is a valid Hunspell compound, given a role lookup.

    ``roles(form)`` returns the role mask of a surface form (0 when unknown),
    as produced by :func:`expand`/:func:`build_roles`; a ``Mapping`` is accepted
    too. ``settings`` come from :meth:`CompoundSettings.from_aff`.

    The search is a depth-first walk over split points, longest part first,
    with the lookups of one call cached per start position and failed states
    memoised; the pair checks (triple letters, duplicates, REP, "a b" entries)
    run only on parts whose roles already fit.

    Differences from spylls (deliberate, Hunspell's behaviour):
    COMPOUNDWORDMAX counts parts (spylls allows one more); FORCEUCASE looks
    at the root's flags, so "storgatans" is rejected like "storgatan".
    """

    def __init__(self, roles: RolesLookup | Mapping[str, int], settings: CompoundSettings):
        if isinstance(roles, Mapping):
            get = roles.get
            self._look: RolesLookup = lambda s: get(s, 0)
        else:
            self._look = roles
        self.settings = settings
        self._min = max(1, settings.min_len)
        self._max = settings.max_words if settings.max_words > 0 else 1 << 30
        self._rep = settings.rep if settings.check_rep else ()
        self._breaks = tuple(self._compile_break(p) for p in settings.breaks)
        # COMPOUNDRULE NFA: states (rule, position), as bits of an int
        bits = {f: 1 << (RULE_SHIFT + i) for i, f in enumerate(settings.rule_flags)}
        base: list[int] = []
        elems: list[tuple[int, str]] = []
        accept = 0
        for rule in settings.rules:
            base.append(len(elems))
            for flag, q in rule:
                elems.append((bits.get(flag, 0), q))
            accept |= 1 << len(elems)
            elems.append((0, ""))  # accept state of this rule
        closure = [0] * len(elems)
        for i in range(len(elems) - 1, -1, -1):
            bit, q = elems[i]
            closure[i] = 1 << i
            if q in ("?", "*") and bit:
                closure[i] |= closure[i + 1]
        self._rule_tab = [(bit, closure[i] if q == "*" else closure[i + 1] if bit else 0)
                          for i, (bit, q) in enumerate(elems)]
        self._rule_init = 0
        for b in base:
            self._rule_init |= closure[b]
        self._rule_accept = accept
        self._rule_any = sum(bits.values())
        #: the role bits of COMPOUNDRULE parts (0 without COMPOUNDRULE lines)
        self.rule_mask = self._rule_any

    # -- public API --------------------------------------------------------

    def split(self, word: str) -> list[str] | None:
        """Return the parts of ``word`` if it is a valid compound, else None.

        Capitalisation is handled like Hunspell: a capitalised word is tried
        as is and lower-cased, an ALL-CAPS word also as lower case and
        capitalised; FORCEUCASE ends need a capitalised or ALL-CAPS word. The
        parts are slices of ``word`` as given. A FORBIDDEN form is never a
        compound. Whether ``word`` is also a simple word is not considered.
        """
        cap, variants = _variants(word)
        look = self._look
        for v in variants:
            r = look(v)
            if r & FORBIDDEN and not r & WORD:
                return None
        ucase = cap == _INIT or cap == _ALL
        for v in variants:
            if look(v) & FORBIDDEN:
                continue
            bounds = self._bounds(v, ucase)
            if bounds is not None:
                src = word if len(v) == len(word) else v
                edges = [0, *bounds, len(src)]
                return [src[edges[i]:edges[i + 1]] for i in range(len(edges) - 1)]
        return None

    def is_compound(self, word: str) -> bool:
        """True if :meth:`split` finds a valid compound split."""
        return self.split(word) is not None

    def check(self, word: str) -> bool:
        """Is ``word`` correct: a word of the dictionary or a valid compound?

        Hunspell's outer rules: a FORBIDDEN entry is wrong (in any
        capitalisation); digits (``123``, ``3.14``) are right; otherwise the
        word, or every piece of it cut at BREAK points (e.g. ``-``), must be a
        word or compound in one of its capitalisation variants.
        """
        if not word:
            return False
        r = self._look(word)
        if r & FORBIDDEN and not r & WORD:
            return False
        if _is_number(word):
            return True
        if self._check_piece(word):
            return True
        if self._breaks:
            for parts in self._break_word(word, 0):
                if len(parts) > 1 and all(self._check_piece(p) for p in parts if p):
                    return True
        return False

    # -- internals ---------------------------------------------------------

    def _check_piece(self, word: str) -> bool:
        cap, variants = _variants(word)
        look = self._look
        forbidden = False
        for v in variants:
            r = look(v)
            if r & WORD:
                return True
            if r & FORBIDDEN:
                forbidden = True
        if forbidden:
            # Hunspell: a forbidden form stays forbidden in every capitalisation and as a compound
            return False
        ucase = cap == _INIT or cap == _ALL
        for v in variants:
            if self._bounds(v, ucase) is not None:
                return True
        return False

    @staticmethod
    def _compile_break(pat: str) -> tuple[str, int]:
        if pat.startswith("^") and len(pat) > 1:
            return pat[1:], 1
        if pat.endswith("$") and len(pat) > 1:
            return pat[:-1], 2
        return pat, 0

    def _break_word(self, text: str, depth: int) -> Iterator[list[str]]:
        """All breakings of ``text`` at BREAK points (as spylls' ``Lookup.break_word``)."""
        if depth > 10:
            return
        yield [text]
        for pat, kind in self._breaks:
            if not pat or pat not in text:
                continue
            starts: list[int] = []
            if kind == 1:
                if text.startswith(pat):
                    starts.append(0)
            elif kind == 2:
                if text.endswith(pat):
                    starts.append(len(text) - len(pat))
            else:
                # like re.finditer(".(pat).") : one char before and after, matches don't overlap
                pos = 0
                while True:
                    i = text.find(pat, pos + 1)
                    if i < 0 or i + len(pat) >= len(text):
                        break
                    starts.append(i)
                    pos = i + len(pat) + 1
            for i in starts:
                head, rest = text[:i], text[i + len(pat):]
                for tail in self._break_word(rest, depth + 1):
                    yield [head, *tail]

    def _pair_bad(self, left: str, right: str, last: bool) -> bool:
        """spylls' ``is_bad_compound`` for one pair of adjacent parts."""
        s = self.settings
        if s.check_triple:
            c = left[-1]
            if c == right[0] and (len(left) < 2 or left[-2] == c or len(right) < 2 or right[1] == c):
                return True
        if last and s.check_dup and left == right:
            return True
        if s.check_case:
            lc, rc = left[-1], right[0]
            if (lc.isupper() or rc.isupper()) and lc != "-" and rc != "-":
                return True
        look = self._look
        if look(left + " " + right) & (WORD | FORBIDDEN):
            return True
        if self._rep:
            joined = left + right
            n = len(joined)
            for pat, repl, at_start, at_end in self._rep:
                if pat not in joined:
                    continue
                lp = len(pat)
                if at_start or at_end:
                    if at_start and not joined.startswith(pat):
                        continue
                    if at_end and not joined.endswith(pat):
                        continue
                    i = 0 if at_start else n - lp
                    if at_start and at_end and lp != n:
                        continue
                    if look(joined[:i] + repl + joined[i + lp:]) & (WORD | FORBIDDEN):
                        return True
                    continue
                i = joined.find(pat)
                while i >= 0:
                    if look(joined[:i] + repl + joined[i + lp:]) & (WORD | FORBIDDEN):
                        return True
                    i = joined.find(pat, i + lp)
        return False

    def _bounds(self, w: str, ucase: bool) -> list[int] | None:
        """Split points of ``w`` (one capitalisation variant) as a compound, or None."""
        n = len(w)
        mn = self._min
        if n < 2 * mn:
            return None
        s = self.settings
        if s.flags_enabled:
            found = self._flag_bounds(w, n, mn, ucase)
            if found is not None:
                return found
        if s.rules:
            return self._rule_bounds(w, n, mn, ucase)
        return None

    def _flag_bounds(self, w: str, n: int, mn: int, ucase: bool) -> list[int] | None:
        look = self._look
        endmask = (END | END_UCASE) if ucase else END
        maxparts = self._max
        triple = self.settings.simplified_triple
        pair_bad = self._pair_bad
        end_ok: dict[int, bool] = {}
        mids: dict[int, list[int]] = {}
        dead: set[tuple[int, int, int]] = set()

        def parts_from(start: int, role: int) -> list[int]:
            out = []
            for c in range(n - mn, start + mn - 1, -1):
                part = w[start:c]
                if look(part) & role or (triple and w[c - 1] == w[c] and look(part + w[c - 1]) & role):
                    out.append(c)
            return out

        def rec(a: int, b: int, nparts: int) -> list[int] | None:
            ok = end_ok.get(b)
            if ok is None:
                ok = end_ok[b] = bool(look(w[b:]) & endmask)
            if ok and not pair_bad(w[a:b], w[b:], True):
                return [b]
            if nparts + 1 < maxparts and n - b >= 2 * mn:
                cs = mids.get(b)
                if cs is None:
                    cs = mids[b] = parts_from(b, MIDDLE)
                for c in cs:
                    key = (b, c, nparts + 1)
                    if key in dead:
                        continue
                    if not pair_bad(w[a:b], w[b:c], False):
                        sub = rec(b, c, nparts + 1)
                        if sub is not None:
                            return [b, *sub]
                    dead.add(key)
            return None

        for b in parts_from(0, BEGIN):
            sub = rec(0, b, 1)
            if sub is not None:
                return sub
        return None

    def _rule_step(self, states: int, bits: int) -> int:
        out = 0
        tab = self._rule_tab
        while states:
            low = states & -states
            i = low.bit_length() - 1
            states ^= low
            bit, nxt = tab[i]
            if bit & bits:
                out |= nxt
        return out

    def _rule_bounds(self, w: str, n: int, mn: int, ucase: bool) -> list[int] | None:
        look = self._look
        anyrule = self._rule_any
        maxparts = self._max
        accept = self._rule_accept
        step = self._rule_step
        pair_bad = self._pair_bad
        scans: dict[int, list[tuple[int, int]]] = {}
        dead: set[tuple[int, int, int, int]] = set()

        def scan(start: int) -> list[tuple[int, int]]:
            out = scans.get(start)
            if out is None:
                out = []
                for c in range(n - mn, start + mn - 1, -1):
                    r = look(w[start:c]) & anyrule
                    if r:
                        out.append((c, r))
                scans[start] = out
            return out

        def rec(a: int, b: int, nparts: int, state: int) -> list[int] | None:
            r = look(w[b:])
            if r & anyrule and step(state, r) & accept:
                forced = self.settings.forceucase and not ucase and r & END_UCASE and not r & END
                if not forced and not pair_bad(w[a:b], w[b:], True):
                    return [b]
            if nparts + 1 < maxparts and n - b >= 2 * mn:
                for c, bits in scan(b):
                    nxt = step(state, bits)
                    if not nxt:
                        continue
                    key = (b, c, nparts + 1, nxt)
                    if key in dead:
                        continue
                    if not pair_bad(w[a:b], w[b:c], False):
                        sub = rec(b, c, nparts + 1, nxt)
                        if sub is not None:
                            return [b, *sub]
                    dead.add(key)
            return None

        for b, bits in scan(0):
            st = step(self._rule_init, bits)
            if st:
                sub = rec(0, b, 1, st)
                if sub is not None:
                    return sub
        return None


_default_settings: CompoundSettings | None = None


def check(word: str, roles: RolesLookup | Mapping[str, int],
          settings: CompoundSettings | None = None) -> bool:
    """Is ``word`` correct (a dictionary word or a valid compound), with Hunspell's case rules?

    Convenience wrapper around :meth:`CompoundChecker.check`; ``settings``
    default to those of the installed sv_SE dictionary. For many calls build
    one :class:`CompoundChecker` and reuse it.
    """
    global _default_settings
    if settings is None:
        if _default_settings is None:
            _default_settings = CompoundSettings.from_aff(find_dictionary()[0])
        settings = _default_settings
    return CompoundChecker(roles, settings).check(word)


if __name__ == "__main__":  # pragma: no cover - manual timing helper
    t0 = time.perf_counter()
    aff_p, dic_p = find_dictionary()
    table = build_roles(aff_p, dic_p)
    print(f"{len(table)} forms in {time.perf_counter() - t0:.1f}s")
