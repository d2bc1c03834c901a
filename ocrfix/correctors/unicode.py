"""Unicode clean-up: mojibake, ligature glyphs, NFC.

Fixes
  * mojibake - UTF-8 read as Windows-1252/Latin-1 (``Ã¤r`` -> ``är``,
    ``â€”`` -> ``—``), using ftfy's ``fix_encoding`` family only;
  * typographic ligature glyphs ``ﬁ ﬂ ﬀ ﬃ ﬄ ﬅ ﬆ`` -> their letters, unless a
    later step reads them as OCR evidence (the ``words`` corrector knows that
    in some scans ``ﬁ`` stands for ``fö``), in which case they are left for it;
  * decomposed characters -> NFC (``a`` + combining ring -> ``å``).

Refuses to touch
  * URLs, e-mail addresses and inline code (`` `kod` ``);
  * quotes, dashes, spacing, line breaks, control characters, HTML entities,
    full-width forms - ftfy's other fixers are switched off, because they
    would change correct text;
  * anything on a line without a mojibake signature, a ligature glyph or a
    non-NFC sequence (such lines are not even looked at by ftfy).
"""
from __future__ import annotations

import unicodedata
from dataclasses import replace
from typing import Iterable

import regex

from ..edits import Edit, edits_from_rewrite
from ..tokens import CODE, EMAIL, URL, SpanSet
from .base import Corrector, Document

LIGATURES = {
    "\ufb00": "ff",
    "\ufb01": "fi",
    "\ufb02": "fl",
    "\ufb03": "ffi",
    "\ufb04": "ffl",
    "\ufb05": "st",
    "\ufb06": "st",
}
_LIGATURE_RE = regex.compile("[" + "".join(LIGATURES) + "]")
# Text kept byte for byte. (Not handles and hashtags: their extent is only
# known in decoded text, and a mojibake fix inside one would be cut in two.)
LITERAL_KINDS = frozenset({URL, EMAIL, CODE})

# A lead byte of a UTF-8 sequence (as Latin-1/cp1252: Â Ã Ä Å â ð) followed by
# a continuation byte (0x80-0xBF as Latin-1, or its cp1252 reading). Correct
# Swedish never has these pairs; every mojibake of å ä ö é – — ” has one.
_CONTINUATION = "\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122"
_MOJIBAKE_RE = regex.compile(f"[\u00c2-\u00c5\u00e2\u00f0][{_CONTINUATION}]")

_ftfy_config = None


def _fix_encoding(line: str) -> str:
    global _ftfy_config
    import ftfy  # imported on first need: most documents never need it

    if _ftfy_config is None:
        _ftfy_config = ftfy.TextFixerConfig(
            unescape_html=False,
            remove_terminal_escapes=False,
            fix_encoding=True,
            restore_byte_a0=True,
            replace_lossy_sequences=False,
            decode_inconsistent_utf8=True,
            fix_c1_controls=False,
            fix_latin_ligatures=False,
            fix_character_width=False,
            uncurl_quotes=False,
            fix_line_breaks=False,
            fix_surrogates=False,
            remove_control_chars=False,
            normalization=None,
            explain=False,
        )
    return ftfy.fix_text(line, _ftfy_config)


class UnicodeNormalizer(Corrector):
    name = "unicode"
    description = "mojibake (ftfy), ligature glyphs (ﬁ → fi) and NFC"

    def __init__(self, mojibake: bool = True, ligatures: str = "auto", nfc: bool = True) -> None:
        if ligatures not in ("auto", "expand", "keep"):
            raise ValueError("unicode: ligatures must be 'auto', 'expand' or 'keep'")
        self.mojibake = mojibake
        self.ligatures = ligatures
        self.nfc = nfc
        self._expand_ligatures = ligatures == "expand"

    def configure(self, later_steps) -> None:
        if self.ligatures == "auto":
            self._expand_ligatures = not any("ligatures" in s.handles for s in later_steps)

    def fix_line(self, line: str) -> str:
        """The line as this corrector would leave it."""
        if self.mojibake and _MOJIBAKE_RE.search(line):
            line = _fix_encoding(line)
        if self._expand_ligatures and _LIGATURE_RE.search(line):
            line = _LIGATURE_RE.sub(lambda m: LIGATURES[m.group()], line)
        if self.nfc and not unicodedata.is_normalized("NFC", line):
            line = unicodedata.normalize("NFC", line)
        return line

    def propose(self, doc: Document) -> Iterable[Edit]:
        pos = 0
        protected: SpanSet | None = None
        for line in doc.text.split("\n"):
            fixed = self.fix_line(line)
            if fixed != line and "\n" not in fixed:
                if protected is None:  # URLs, e-mail addresses, inline code: tokenise only when needed
                    protected = SpanSet([(t.start, t.end) for t in doc.tokens if t.kind in LITERAL_KINDS])
                for edit in edits_from_rewrite(line, fixed, pos, self.name, 1.0):
                    if not protected.overlaps(edit.start, edit.end):
                        yield replace(edit, reason=_reason(edit.before))
            pos += len(line) + 1


def _reason(before: str) -> str:
    if _MOJIBAKE_RE.search(before):
        return "mojibake (UTF-8 read as Windows-1252)"
    if _LIGATURE_RE.search(before):
        return "ligature glyph expanded"
    return "Unicode NFC composition"
