"""Streaming input: decoding bytes safely and grouping lines into blocks.

:func:`read_lines` turns a binary stream into text lines without ever holding
more than one (bounded) line in memory; :func:`blocks` groups lines into the
blocks the pipeline corrects. Both are generators, so output starts before
input ends and memory stays flat however long the input is.
"""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from typing import BinaryIO, Callable, Iterable, Iterator

from .tokens import closes_fence

# Blocks end at a paragraph break once they hold this many lines or chars.
# The first block is bigger: it is where a document's profile is learnt.
FIRST_BLOCK_LINES, FIRST_BLOCK_CHARS = 2000, 512 * 1024
BLOCK_LINES, BLOCK_CHARS = 200, 64 * 1024
# Without a paragraph break, a block is cut anyway at this multiple.
HARD_LIMIT_FACTOR = 4

ERROR_MODES = ("strict", "replace", "passthrough")


class InputError(Exception):
    """Input that cannot be corrected: invalid UTF-8 (strict mode) or binary data."""


class WarningLog:
    """The warnings about one file, each kind (its message with the numbers
    taken out) kept at most ``per_kind`` times and the rest only counted: a
    file of a million overlong lines neither floods the terminal nor fills
    memory, and a warning of another kind -- a corrector that failed on some
    lines -- is never hidden behind them."""

    def __init__(self, per_kind: int = 10) -> None:
        self.per_kind = per_kind
        self.kept: list[str] = []
        self._seen: dict[str, list] = {}  # kind -> [count, the first message left out]

    def add(self, message: str) -> bool:
        """Record ``message``; True if it is one of those kept (to be shown)."""
        kind = _NUMBERS.sub("#", message)
        seen = self._seen.setdefault(kind, [0, ""])
        seen[0] += 1
        if seen[0] > self.per_kind:
            seen[1] = seen[1] or message  # the first left out
            return False
        self.kept.append(message)
        return True

    def not_shown(self) -> list[str]:
        """One line per kind with warnings left out: how many, like which."""
        return [f"{count - self.per_kind:,} more warnings of this kind not shown, the first: {first}"
                for count, first in self._seen.values() if count > self.per_kind]

    def all_lines(self) -> list[str]:
        return self.kept + self.not_shown()


_NUMBERS = re.compile(r"\d[\d,]*")


@dataclass(frozen=True, slots=True)
class Passthrough:
    """Text to emit exactly as it is, never corrected (e.g. an overlong line).

    ``note`` (if any) is reported once as a warning when the item is emitted.
    """

    text: str
    note: str = ""


def read_lines(
    stream: BinaryIO,
    errors: str = "strict",
    max_line_bytes: int = 4 * 1024 * 1024,
    name: str = "<stdin>",
) -> Iterator[str | Passthrough]:
    """Decode a byte stream as UTF-8, one line (ending in ``\\n``) at a time.

    errors
        ``strict``: invalid UTF-8 raises :class:`InputError` naming the byte
        offset; ``replace``: invalid bytes become U+FFFD; ``passthrough``:
        invalid bytes are carried through as lone surrogates and written back
        as the same bytes (use ``surrogateescape`` when encoding the output).
    A line longer than ``max_line_bytes`` is yielded in pieces wrapped in
    :class:`Passthrough`, so it is copied unchanged in bounded memory. A NUL
    byte means binary data and raises :class:`InputError`.
    """
    if errors not in ERROR_MODES:
        raise ValueError(f"errors must be one of {ERROR_MODES}")
    codec_errors = {"strict": "strict", "replace": "replace", "passthrough": "surrogateescape"}[errors]
    decoder = codecs.getincrementaldecoder("utf-8")(codec_errors)
    peek = getattr(stream, "peek", None)
    if peek is not None and _looks_binary(peek(8192)[:8192]):
        raise InputError(f"{name}: binary input (NUL or control bytes in the first 8 KiB); ocrfix reads text")
    offset = 0  # bytes consumed before the current piece
    line_no = 1
    in_long_line = False
    # The last item is held back until the next one is known: at the end of
    # input the decoder may still return text (U+FFFD or a surrogate escape
    # for a truncated character), and that text belongs to the last line.
    # Yielding it as an item of its own made one input line two items, so
    # `ocrfix --diff` compared the wrong lines (and showed a change for
    # `--steps none`).
    held: str | Passthrough | None = None
    while True:
        piece = stream.readline(max_line_bytes)
        if not piece:
            break
        nul = piece.find(b"\x00")
        if nul >= 0:
            raise InputError(f"{name}: binary input (NUL byte at byte offset {offset + nul}); ocrfix reads text")
        try:
            text = decoder.decode(piece)
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{name}: invalid UTF-8 at byte offset {_error_offset(offset, exc, piece)}"
                " (use --errors replace or --errors passthrough)"
            ) from None
        offset += len(piece)
        complete = piece.endswith(b"\n")
        item: str | Passthrough
        if in_long_line or not complete and len(piece) >= max_line_bytes:
            note = "" if in_long_line else f"line {line_no} is longer than {max_line_bytes} bytes; passed through unchanged"
            in_long_line = not complete
            line_no += complete
            item = Passthrough(text, note)
        else:
            line_no += 1
            item = text
        if text:
            if held is not None:
                yield held
            held = item
    tail = decoder.decode(b"", final=True) if errors != "strict" else _final(decoder, offset, name)
    if tail:
        held_text = held.text if isinstance(held, Passthrough) else held
        if held is None or held_text.endswith("\n"):
            # a line of its own (its bytes were all one cut-off character)
            if held is not None:
                yield held
            held = tail
        elif isinstance(held, Passthrough):
            held = Passthrough(held.text + tail, held.note)
        else:  # the last line has no \n: the truncated character ended it
            held = held + tail
    if held is not None:
        yield held


_TEXT_CONTROLS = frozenset(b"\t\n\r\f\v\x1b")


def _looks_binary(sample: bytes) -> bool:
    """NUL bytes, or many control bytes: an image, a PDF stream, an archive."""
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in _TEXT_CONTROLS)
    return len(sample) >= 16 and controls > len(sample) // 10


def _error_offset(offset: int, exc: UnicodeDecodeError, piece: bytes) -> int:
    # exc.object is the buffered bytes plus this piece; its start is relative
    # to that buffer, which begins len(buffer) bytes before this piece.
    buffered = len(exc.object) - len(piece)
    return offset - buffered + exc.start


def _final(decoder, offset: int, name: str) -> str:
    try:
        return decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        start = offset - len(exc.object) + exc.start
        raise InputError(f"{name}: invalid UTF-8 at byte offset {start} (truncated character at end of input)") from None


def blocks(
    lines: Iterable[str | Passthrough],
    max_line_chars: int = 1_000_000,
    on_warning: Callable[[str], None] | None = None,
) -> Iterator[str | Passthrough]:
    """Group lines into blocks ending at paragraph breaks (none inside a
    Markdown code fence, so that the fence is protected whole).

    Each text item is a line ending in ``\\n``; only the last may lack it. A
    text item without ``\\n`` followed by another item raises ValueError: the
    two would be glued into one line. A line longer than ``max_line_chars``
    (and any Passthrough item) ends the current block and is passed on as a
    Passthrough.
    """
    buf: list[str] = []
    chars = 0
    want_lines, want_chars = FIRST_BLOCK_LINES, FIRST_BLOCK_CHARS
    line_no = 0
    fence = None  # the Markdown code fence open (see ocrfix.tokens.fenced_code_spans)
    unended = False  # the item before had no \n: it must have been the last
    for line in lines:
        if unended:
            raise ValueError(f"line {line_no} has no line ending but more lines follow (they would be glued "
                             "together); give each line with its \\n, e.g. str.splitlines(keepends=True)")
        unended = isinstance(line, str) and not line.endswith("\n")
        if isinstance(line, Passthrough) or len(line) > max_line_chars:
            if buf:
                yield "".join(buf)
                buf, chars = [], 0
            if not isinstance(line, Passthrough):
                line = Passthrough(line, f"line {line_no + 1} is longer than {max_line_chars} characters; passed through unchanged")
            if line.note and on_warning:
                on_warning(line.note)
            line_no += line.text.count("\n")
            yield line
            continue
        buf.append(line)
        chars += len(line)
        line_no += 1
        if "```" in line:
            fence = closes_fence(line, fence)
        if len(buf) >= want_lines or chars >= want_chars:
            paragraph_break = not line.strip() and fence is None  # (a blank line in fenced code is none)
            hard = len(buf) >= want_lines * HARD_LIMIT_FACTOR or chars >= want_chars * HARD_LIMIT_FACTOR
            soft_hyphen_end = line.rstrip().endswith("-")
            if (paragraph_break or hard) and (not soft_hyphen_end or hard):
                yield "".join(buf)
                buf, chars = [], 0
                want_lines, want_chars = BLOCK_LINES, BLOCK_CHARS
    if buf:
        yield "".join(buf)
