"""Lossless tokeniser.

Every character of the input belongs to exactly one token, so
``"".join(t.text for t in tokenize(s)) == s`` for any string ``s``: the
catch-all alternative at the end of the pattern guarantees it, and the
property is tested with hypothesis.

Token kinds, tried in this order:

``newline``  ``\\n`` (a ``\\r`` before it stays a separate ``space``-like token
             of kind ``space`` so that ``\\r\\n`` files round-trip);
``url``      ``http(s)://…`` or ``www.…``, trailing sentence punctuation excluded,
             a bare domain or file name (``kommun.se``, ``protokoll.pdf``, also
             after directories: ``billing/export.py``), or a Windows or Unix
             path (``G:\\Mallar\\brev.docx``, ``\\\\server\\delat``,
             ``/usr/lib/ocrfix/``, ``.venv/bin/activate``, ``~/.config``);
``email``    ``name@domain.tld``;
``pnr``      Swedish personal identity number, ``YYMMDD-NNNN`` / ``YYYYMMDD-NNNN``;
``number``   digits with inner ``.``, ``,`` or ``:`` (``2 024,5`` is two numbers);
``word``     letters with their combining marks;
``space``    horizontal white space (anything ``\\s`` but ``\\n``);
``handle``   a social-media handle or hashtag: ``@`` or ``#`` opening a token (no
             word character before it) and a name of letters, digits and ``_``
             (``@enkopingskommun``, ``@SN_Enkoping``, ``#välfärd``; a hashtag
             starts with a letter, ``#1`` is none; ``@namn@server.se`` is one
             handle); an ``@`` inside a word (``h@r``, OCR debris) is not one;
``code``     inline code: a span delimited by backticks that pair up on one line
             -- the opening one after no word character and before no space,
             the closing one after no space and before no word character
             (`` `ocrfix --help` ``, ``(`belopp`)``); a lone backtick is none;
             or a format directive or escape standing alone (``%s``, ``%.2f``, ``\\n``),
             a long option (``--backup[=STYR]``) or a shell variable (``$HOME``);
             or an identifier, words joined by underscores (``net_directory``);
``punct``    one punctuation or symbol character;
``other``    any other single character (controls, unassigned, …).
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import Iterator

import regex

WORD = "word"
NUMBER = "number"
PUNCT = "punct"
SPACE = "space"
NEWLINE = "newline"
URL = "url"
EMAIL = "email"
PNR = "pnr"
HANDLE = "handle"
CODE = "code"
OTHER = "other"

# Kinds whose text must never be altered by a corrector.
PROTECTED_KINDS = frozenset({URL, EMAIL, PNR, NUMBER, HANDLE, CODE})

# The e-mail alternative is tried at every position; its local part may only
# start where a run of [\w.+-] starts (the look-behind). Without that, a long
# run such as ``a1a1a1...`` or leader dots ``.....`` (no ``@``) was rescanned
# from every position: quadratic, about 2 s for 16,000 characters and hours
# for a line near --max-line-chars. A later start inside the run can never
# find an address the run's start does not, so tokens are unchanged -- except
# for an address glued to a number with an inner separator (``1,2a@b.se``:
# the number token ends inside the run), which is now not an ``email``.
_URL = r"""(?:https?://|www\.)[^\s<>"'()\[\]{}]*[^\s<>"'()\[\]{}.,;:!?]"""
_EMAIL = r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
_PNR = r"(?<!\d)(?:19|20)?\d{6}[-+]\d{4}(?!\d)"
# A domain name or file name without http:// or www. (``forsakringskassan.se``,
# ``protokoll.pdf``, ``berakna.py``, ``config.yaml``): a name of letters,
# digits and hyphens, a dot, and one of the common top-level domains or
# extensions of documents, code and configuration files -- in lower case, as
# written; ``arbetet.Se`` (a sentence glued to the next) is not one.
_SUFFIXES = ("se|nu|com|org|net|eu|info|gov|edu|io|fi|no|dk|de|uk|"
             "pdf|docx?|xlsx?|pptx?|odt|ods|rtf|txt|csv|html?|xml|json|zip|jpe?g|png|gif|tiff?|svg|mp[34]|wav|"
             "py|ipynb|c|h|cpp|js|ts|java|rb|go|rs|php|css|sh|ps1|sql|ya?ml|toml|ini|cfg|conf|md|exe|msi|dll|"
             "gz|bz2|xz|tgz|tar|iso|img|deb|rpm|bak|odp|odg|epub|log|ttf|otf|woff2?|dat|bin|ogg|mov|avi|mkv|webm|"
             "psd|xcf|mbox|ico|bmp|eps|tex|bib|srt|vcf|ics|gpl|sqlite|db")
# A dotted run is taken at once (possessive): with backtracking into it, a
# line of `a.` repeated took time quadratic in its length (a million
# characters: minutes, with regex 2026.11). The name is the whole run if it
# ends in a suffix (the look-behind), else the run up to its first suffix
# that more of the run follows: a name glued to the next sentence by a lost
# space (`bilaga.pdf.Den ska`, `rapport.docx.Sedan`), or one with a further
# part that is no suffix (`protokoll.pdf.old`: `protokoll.pdf`). Directories
# may come before it (`billing/export.py`, `ut/resultat.xlsx`, `../data/a.csv`).
_FILE = rf"[\w-]++(?:\.[\w-]++)*+(?<=\.(?:{_SUFFIXES}))(?![\w-])"
_NAME = (rf"""(?<![\w.@/-])(?:(?:(?:\.\.?|~)/)?(?:[\w.-]++/)++{_FILE}|{_FILE}"""
         rf"""|[\w-]++(?:\.(?!(?:{_SUFFIXES})(?![\w-]))[\w-]++)*+\.(?:{_SUFFIXES})(?=\.[\w-]))"""
         r"""(?:/[^\s<>"'()\[\]{}]*[^\s<>"'()\[\]{}.,;:!?])?""")
# A file name's extension written alone (`en .iso-fil`, `(*.png)`, `.ICC`):
# a dot after no word character nor dot, and a listed suffix, or two to five
# ASCII capitals or digits, or one to five lower-case letters or digits after
# a `*` (`(*.tt)`, `*.o`), or three to five before a hyphen (`.abc-fil`); no
# word character after. A speck before a lower-case word (`.nar`, `.att`)
# is no extension: the word is read as any other; but a lone letter after
# the dot is one (`.o`, `.d`, `.y`: a speck before `i` or `a` may be OCR's).
# Read as a word, `.iso` had become `isa`, `”.d”` `”d”`.
_EXTENSION = (rf"(?<![\w.])\.(?:(?:{_SUFFIXES})|[A-Z][A-Z0-9]{{1,4}}|(?<=\*\.)[a-z][a-z0-9]{{0,4}}"
              r"|[a-z][a-z0-9]{2,4}(?=-)|[b-hj-z])(?!\w)")
# A Windows path (``G:\\Socialförvaltningen\\Mallar``, ``\\\\server\\delad``): a drive
# letter or a server, backslashes, up to white space (a trailing full stop is the sentence's).
_PATH = r"""(?<![\w\\])(?:[A-Za-z]:|\\\\[\w.$-]+)\\(?:[^\s<>"|]*[^\s<>"|.,;:!?)])?"""
# A Unix path (``/usr/lib/ocrfix/``, ``/home/anna``): a slash opening a
# chunk, a first name of two ASCII letters, digits, ``.``, ``_`` or ``-`` and a
# slash after it, up to white space (a trailing full stop is the sentence's);
# ``och/eller`` and ``1/2`` open with no slash, an engine's garbles with
# slashes in them have no such first name (Enköping's ``/z/a/p``, ``/zﬁ//ba}``).
# Or a relative one from ``./``, ``../``, ``~/`` or a hidden directory
# (``.venv/bin/activate``, ``~/.config``): no engine opens a garble so.
_UNIX_PATH = (r"""(?<![\w/])/[A-Za-z0-9_.-]{2,}/(?:[^\s<>"|]*[^\s<>"|.,;:!?)])?"""
              r"""|(?<![\w/.])(?:\.\.?|~|\.[A-Za-z0-9_-]+)/(?:[^\s<>"|]*[^\s<>"|.,;:!?)])?""")
# A handle (``@enkopingskommun``, ``@SN_Enkoping``; a Mastodon address
# ``@namn@server.se`` whole) or a hashtag (``#välfärd``; not ``#1``, nor the
# ``#x41`` of an HTML entity ``&#x41;``). Either may only start where no word
# character is before it, so a garble's ``@`` (``h@r``) is none, and it is
# tried at few positions: the name runs to the first non-word character.
_HANDLE = r"(?<!\w)@\w+(?:@[\w-]+(?:\.[\w-]+)+)?|(?<![\w&])\#\p{L}\w*"  # (\#: the token pattern is verbose)
# Inline code: backticks (a run of one or more, closed by as many) that pair
# up on one line and flank the span like quotation marks (`ocrfix --help`,
# (`belopp`)); the span holds no backtick, so each opening one scans at most
# to the next backtick or line end (linear). A lone backtick, or one after a
# letter (stöd` och, OCR debris), opens no span.
_CODE = r"(?<![\w`])(?P<ticks>`+)(?=[^\s`])[^`\n]*[^\s`](?P=ticks)(?![\w`])"
# A format directive or an escape written alone (``%s``, ``%d``, ``%.2f``,
# ``\n``, ``\t``): notation of code, not a word with debris. Engines print
# ``%`` and ``\`` inside garbles (Enköping's ``fo[kbo@%ving``,
# ``sjé[\fdrséi]g'nmg``), never as a chunk of their own before one or two
# letters; a quotation may close after one (``”%f”``).
_DIRECTIVE = r'(?<![\w%\\])(?:%[-+0-9.]*[A-Za-z]{1,2}|\\(?:[abfnrtv0]|x[0-9A-Fa-fH]{2}|u[0-9A-Fa-f]{4}))(?=[\s.,;:!?)\]"”’»]|$)'
# A command's long option (``--zero-terminated``, ``--backup[=STYR]``,
# ``--color='auto'``) or a shell variable in capitals or braces (``$HOME``,
# ``${prefix}``): command lines quoted in the text. The name ends at a letter
# an option cannot have (``--fér`` is typed text with a dash and a garble);
# a ``$`` before lower-case letters may be an engine's S (``$amverkan``).
_OPTION = r"(?<![\w-])--[A-Za-z][A-Za-z0-9-]*(?![^\W\d_])(?:\[?=[^\s]*)?|(?<![\w$])\$(?:\{[A-Za-z_]\w*\}|[A-Z_][A-Z0-9_]*(?!\w))"

# An identifier of code (``net_directory``, ``XDG_CONFIG_HOME``, ``sv_SE``):
# letters and digits joined by underscores. No engine prints an underscore
# inside a word it garbles (none in the Enköping scan nor on the Tesseract
# pages), so one joining two words marks a name from code, kept as written.
_IDENTIFIER = r"(?<!\w)[^\W_]++(?:_[^\W_]++)++(?!\w)"  # possessive: a run of `a_a_…_` fails in linear time

_TOKEN_RE = regex.compile(
    rf"""
    (?P<newline>\n)
  | (?P<url>{_URL}|{_NAME}|{_PATH}|{_UNIX_PATH}|{_EXTENSION})
  | (?P<email>{_EMAIL})
  | (?P<pnr>{_PNR})
  | (?P<code>{_IDENTIFIER})
  | (?P<number>\d+(?:[.,:]\d+)*)
  | (?P<word>\p{{L}}[\p{{L}}\p{{M}}]*)
  | (?P<space>[^\S\n]+)
  | (?P<handle>{_HANDLE})
  | (?P<code>{_CODE}|{_DIRECTIVE}|{_OPTION})
  | (?P<punct>[\p{{P}}\p{{S}}])
  | (?P<other>(?s:.))
    """,
    regex.VERBOSE | regex.V0,
)

# Just the protected kinds, for correctors that need their spans without
# tokenising everything.
PROTECTED_RE = regex.compile(f"{_URL}|{_EMAIL}|{_PNR}|{_NAME}|{_PATH}|{_UNIX_PATH}|{_EXTENSION}|{_HANDLE}|{_CODE}|{_DIRECTIVE}|{_OPTION}|{_IDENTIFIER}", regex.V0)
# What each protected kind cannot match without: scanning for these first
# spares most blocks (prose has none) the full pattern, tried at every position.
_OTHER_HINT = regex.compile(rf"://|www\.|@|#\p{{L}}|`|\\|%[-+0-9.]*[A-Za-z]|--[A-Za-z]|\$\{{?[A-Za-z_]|(?<![\w/])/[A-Za-z0-9_.-]{{2,}}/|(?<![\w/.])(?:\.\.?|~|\.[A-Za-z0-9_-]+)/|\d{{6}}[-+]\d{{4}}|\.(?:{_SUFFIXES})(?![\w-])|{_EXTENSION}")
# An identifier's hint alone sends a line only to the identifier pattern: the
# full one, tried at every position, is slow on long runs of some shapes
# (`a_a.` repeated: the file-name alternative tries each of its suffixes at
# every dot), and on a line without the other hints it finds nothing else.
_IDENTIFIER_HINT = r"[^\W_]_[^\W_]"
_PROTECTED_HINT = regex.compile(_IDENTIFIER_HINT + "|" + _OTHER_HINT.pattern)
_IDENTIFIER_RE = regex.compile(_IDENTIFIER, regex.V0)


def protected_spans(text: str) -> list[tuple[int, int]]:
    """The spans of URLs (bare domain and file names too), e-mail addresses,
    personal identity numbers, handles and hashtags, and inline code in ``text``.

    Each protected kind lies on one line (only inline code holds white space,
    and never a line break), and a line without a hint has none: only the
    lines with a hint are searched with the full pattern (its look-behinds
    still see the real text before) -- or, where the only hints are of
    identifiers, with theirs.
    """
    spans: list[tuple[int, int]] = []
    line_end = -1
    for hint in _PROTECTED_HINT.finditer(text):
        if hint.start() < line_end:
            continue  # this line was searched already
        line_start = text.rfind("\n", 0, hint.start()) + 1
        line_end = text.find("\n", hint.end())
        if line_end < 0:
            line_end = len(text)
        only_identifiers = _OTHER_HINT.search(text, hint.start(), line_end) is None
        pattern = _IDENTIFIER_RE if only_identifiers else PROTECTED_RE
        spans.extend(m.span() for m in pattern.finditer(text, line_start, line_end))
    return spans


# A Markdown code fence: a line of three backticks or more (after at most three
# spaces), with an info string (```python). Tildes, which also fence code in
# Markdown, are left out: a plain-text report draws separator lines with them.
_FENCE_RE = regex.compile(r"^[ \t]{0,3}(`{3,})([^`\n]*)$", regex.M)


def _fence_after(fence_line, open_fence: str | None) -> str | None:
    """The fence open after a fence line (a _FENCE_RE match), given
    ``open_fence`` open before it: a line of backticks opens one; one of as
    many backticks or more, and nothing else, closes it."""
    if open_fence is None:
        return fence_line.group(1)
    return None if len(fence_line.group(1)) >= len(open_fence) and not fence_line.group(2).strip() else open_fence


def closes_fence(line: str, open_fence: str | None) -> str | None:
    """The fence open after ``line`` (one line, its ``\n`` allowed), given ``open_fence`` open before it."""
    m = _FENCE_RE.match(line.rstrip("\n"))
    return open_fence if m is None else _fence_after(m, open_fence)


def fenced_code_spans(text: str, open_fence: str | None = None) -> tuple[list[tuple[int, int]], str | None]:
    """The spans of ``text`` inside closed Markdown code fences, fences
    included, and the fence still open at its end (None: none). A fence never
    closed in ``text`` protects nothing: one stray line of backticks must not
    silence the rest of a document (the stream ends no block inside an open
    fence, :func:`ocrfix.stream.blocks`, but for its hard limit). ``open_fence``
    is a fence open where ``text`` begins (a block cut inside code at that
    limit): its closing line ends a span from the start, and opens nothing."""
    if open_fence is None and "```" not in text:
        return [], None
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _FENCE_RE.finditer(text):
        after = _fence_after(m, open_fence)
        if open_fence is None:
            start = m.start()
        elif after is None:
            spans.append((start, m.end()))
        open_fence = after
    return spans, open_fence


@dataclass(frozen=True, slots=True)
class Token:
    """One token: its text, kind and position.

    ``start``/``end`` are character offsets into the tokenised string;
    ``line`` is the 0-based line the token starts on (lines end at ``\\n``).
    """

    text: str
    kind: str
    start: int
    end: int
    line: int

    @property
    def protected(self) -> bool:
        return self.kind in PROTECTED_KINDS


def tokenize(text: str, first_line: int = 0) -> Iterator[Token]:
    """Yield the tokens of ``text`` in order; their texts concatenate to ``text``."""
    line = first_line
    for m in _TOKEN_RE.finditer(text):
        kind = m.lastgroup
        tok = Token(m.group(), kind, m.start(), m.end(), line)
        yield tok
        if kind == NEWLINE:
            line += 1


def detokenize(tokens) -> str:
    """Join tokens back into text (the inverse of :func:`tokenize`)."""
    return "".join(t.text for t in tokens)


def merged_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The union of ``spans`` as sorted, disjoint spans."""
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            if e > out[-1][1]:
                out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


class SpanSet:
    """Spans (protected, foreign) asked whether they overlap a range, in
    O(log n) a question: a paragraph of 16,000 e-mail addresses had each of
    its chunks compared with every address (minutes for 640,000 characters)."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        merged = merged_spans(spans)
        self.starts = [s for s, _ in merged]
        self.ends = [e for _, e in merged]

    def __bool__(self) -> bool:
        return bool(self.starts)

    def overlaps(self, start: int, end: int) -> bool:
        """Does some span share a character with ``start``-``end``?"""
        i = bisect_right(self.ends, start)  # the first span ending after start
        return i < len(self.starts) and self.starts[i] < end
