#!/usr/bin/env python3
"""Write the small adversarial inputs of this directory (run from anywhere).

    python tests/data/adversarial/generate.py

The files are committed; this script documents exactly what is in them and
re-creates them byte for byte. Large inputs (a 10,000-letter token, a 1 MiB
line of digits, 200,000 short lines, regex-hostile runs) are not stored:
tests/test_robustness.py generates them (see MANIFEST.tsv).
"""
from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent

# Two lines of the kind of text ocrfix is for: clean Swedish and OCR-garbled.
CLEAN = "Socialnämnden ansvarar för kommunens verksamhet inom äldreomsorg och öppenvård."
GARBLED = "Antalet hushall med ekonomiskt bistand minskar inte [éingre, utveck[ing i 6ppenv§1rden."


def files() -> dict[str, bytes]:
    out: dict[str, bytes] = {}

    # Combining-mark storms: a letter carrying hundreds of marks, marks with
    # no base at the start of a line and after a space, and a decomposed å/ä/ö
    # (which NFC composes).
    storm = "a" + "\u0301\u0308\u030a\u0323" * 100
    out["combining_storm.txt"] = "\n".join([
        CLEAN,
        f"Ett ord med {storm} mitt i raden.",
        "\u0308\u0308\u0308 börjar med tecken utan bas \u0301\u0301 och \u030a.",
        "Decomposed: sma\u030a la\u0308nder o\u0308ver a\u030ar.",
        "Z\u0351\u0352\u0357\u035b\u0363\u0364\u0365a\u0315\u031b\u0340\u0341\u0358l\u0321\u0322\u0327\u0328g\u0334\u0335\u0336o" * 20,
        GARBLED,
        "",
    ]).encode("utf-8")

    # Bidi controls (LRM RLM ALM, embeddings/overrides, isolates) around and
    # inside Swedish words, and right-to-left text.
    out["bidi_controls.txt"] = "\n".join([
        CLEAN,
        "Kommun\u200f \u202eenkoping\u202c och \u202dLSS\u202c samt \u2067שלום\u2069 och \u2066hushall\u2069.",
        "\u061cمرحبا بالعالم\u061c i rapporten \u200ebistand\u200e, \u202bعربي\u202c.",
        "\u202e" * 50 + "omvänt" + "\u202c" * 50,
        GARBLED,
        "",
    ]).encode("utf-8")

    # Zero-width characters: ZWSP, ZWNJ, ZWJ, word joiner, a BOM inside a
    # line, soft hyphens and an invisible separator, inside and between words.
    out["zero_width.txt"] = "\n".join([
        CLEAN,
        "hus\u200bhåll och verk\u200csam\u200dhet med\u2060arbetare",
        "in\ufeffom social\u00adtjänsten \u2063 och \u200b\u200b\u200b tomt",
        "\u200b" * 200,
        GARBLED,
        "",
    ]).encode("utf-8")

    # Invalid bytes inside words (Latin-1 ä/ö/å in a UTF-8 file): with
    # --errors passthrough they reach the correctors as lone surrogates.
    out["lone_surrogates.txt"] = b"\n".join([
        CLEAN.encode("utf-8"),
        "Det är ".encode("utf-8") + b"hush\xe5ll f\xf6r barn och " + "hushall".encode("utf-8"),
        b"\xed\xa0\x80 encoded surrogate, \xff\xfe stray bytes, \x80 lone continuation",
        GARBLED.encode("utf-8"),
        b"",
    ])

    # Mojibake: UTF-8 text decoded as Windows-1252 (and as Latin-1, which
    # leaves C1 controls) and saved again as UTF-8.
    text = "\n".join([CLEAN, "Kostnaden för året är 95 077 tkr – högre än väntat.", "Ärenden: Åtgärd, Översyn.", ""])
    out["mojibake_cp1252.txt"] = text.encode("utf-8").decode("cp1252", errors="replace").encode("utf-8")
    out["mojibake_latin1.txt"] = text.encode("utf-8").decode("latin-1").encode("utf-8")
    out["mojibake_expected.txt"] = text.encode("utf-8")  # what both must become

    # The same text as raw Windows-1252 / Latin-1 bytes: not UTF-8 at all.
    out["raw_cp1252.txt"] = text.encode("cp1252")
    out["raw_latin1.txt"] = "\n".join([CLEAN, "Ärenden: Åtgärd, Översyn.", ""]).encode("latin-1")

    # Mixed line endings: \r\n, \n, a lone \r inside a line, a blank \r\n
    # line, and a last line without a newline.
    out["mixed_newlines.txt"] = (
        f"{CLEAN}\r\n{GARBLED}\nhushall\r\n\r\nen rad\rmed ensamt CR\nsista raden utan radslut hushall"
    ).encode("utf-8")

    # A UTF-8 byte order mark before the first line (and one more later).
    out["bom.txt"] = ("\ufeff" + f"{CLEAN}\n{GARBLED}\n\ufeffhushall\n").encode("utf-8")

    # Form feeds between pages, as pdftotext writes them.
    out["form_feeds.txt"] = (
        f"Sida 1\n{CLEAN}\n\x0cSida 2\n{GARBLED}\n\x0c\x0cSida 4 hushall\n\x0c"
    ).encode("utf-8")

    # Invalid UTF-8 of every kind: overlong, truncated sequence, stray
    # continuation, encoded surrogate, bytes that never occur, and a
    # character cut off at the very end.
    out["invalid_utf8.txt"] = b"\n".join([
        CLEAN.encode("utf-8"),
        b"overlong \xc0\xaf and \xe0\x80\xaf",
        b"truncated \xe2\x82 here and \xf0\x9f\x98",
        b"stray \x80\xbf continuation, surrogate \xed\xb2\x80, never \xfe\xff\xf8",
        GARBLED.encode("utf-8"),
        b"cut at the end \xc3",
    ])

    # Binary data: a PNG header with NUL bytes.
    out["binary.bin"] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256)) * 4

    # Binary without NUL in the first bytes but many control bytes.
    out["controls.bin"] = bytes(b for b in range(1, 32) if b not in b"\t\n\r\x0b\x0c\x1b") * 64

    out["empty.txt"] = b""
    return out


def main() -> None:
    for name, data in files().items():
        (HERE / name).write_bytes(data)
        print(f"{name}: {len(data)} bytes")


if __name__ == "__main__":
    main()
