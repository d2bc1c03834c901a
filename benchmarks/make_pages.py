#!/usr/bin/env python3
"""Tesseract pages of Swedish prose outside the domain: a bench made the way the held-out one is.

    apt-get install tesseract-ocr tesseract-ocr-eng tesseract-ocr-swe \\
        fonts-liberation fonts-freefont-ttf fonts-dejavu-core        # Debian bookworm: Tesseract 5.3.0
    pip install pillow numpy
    python benchmarks/make_pages.py OUT_DIR SOURCE [SOURCE ...] [--pages 50] [--seed 1]
    python ../shared/tools/ocrscore.py pages OUT_DIR -- ocrfix       # or benchmarks/quality.py-style scoring

The held-out evaluation scores ocrfix on pages "made the same way as
tesseract-dev from other Swedish prose". The dev benches are typeset from
the very reports the domain tables were built from, so they cannot say how
ocrfix does on another text. This script makes such pages from any clean
Swedish text: SOURCE is a plain-text file (each non-empty line a paragraph,
or blank-line-separated paragraphs with ``--paragraphs``) or a directory of
HTML help pages or Mallard ``.page`` files (read as benchmarks/clean_text_harm.py reads HTML). Use
text no ocrfix table was built from: the harm corpus's cases
(benchmarks/harm_corpus/cases), Debian's gimp-help-sv, lifelines-doc-sv,
debian-edu-doc-legacy-sv (see clean_text_harm.py), or the Swedish pages of
gnome-user-docs (usr/share/help/sv) and installation-guide-amd64
(usr/share/doc/installation-guide-amd64/sv) -- not libreoffice-help-sv or
cfi-sv (the general bigrams) nor the reports in samples/ (the domain). Keep
one of them apart to check a change tuned on the others.

The recipe follows the dev benches' READMEs (tesseract-dev-b spells it
out): paragraphs wrapped greedily with Pillow's font metrics into a 6.27 in
text width, 10-11.5 pt, line height 1.38, 35-45 lines a page (a paragraph
gap counts as a line); a word of 7+ letters that overflows is hyphenated
with probability 0.45 before the consonant that precedes a vowel, 3+
letters on each side (wrapped with 300 dpi metrics: lines drawn at 100 dpi
come out up to 3 % wider, still inside the margins); drawn at 300 dpi (S4
at its own 100 dpi, see DRAWN_AT), degraded per setting, read by
``tesseract IMG stdout -l LANG --dpi DPI --psm 3``. Lines that look like
tables (a tab, ``|``, dot leaders, more than 25 % digits) are left out, as
there. The degradations' strengths are this script's own guesses, set so
that the raw error rates come out near the dev benches' (S1-S3, S5 about
4-5 % CER with the English model, which loses å/ä/ö; S4 about 5 % with
the Swedish model at 100 dpi).

Per page NAME (``oop_NNN_Sx``): NAME.gt.txt (the rendered lines, a blank
line between paragraphs, the layout's hyphenations kept), NAME.gt_joined.txt
(those hyphenations undone), NAME.ocr.txt (Tesseract's output) and a
manifest.tsv, the dev benches' layout, so ocrscore.py and
ocrfix.evaluate.load_pages read it as they read those.
"""
from __future__ import annotations

import argparse
import io
import os
import random
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

FONTS = Path("/usr/share/fonts/truetype")
# setting: font file, dpi, Tesseract model, ink spread (3x3 min filters), blur radius (px at the
# resolution drawn at; a range: drawn per page), noise sigma (grey levels), binarise, JPEG quality (None: PNG)
SETTINGS = {
    "S1": ("liberation/LiberationSerif-Regular.ttf", 300, "eng", 0, 0.0, 0, False, None),
    "S2": ("liberation/LiberationSans-Regular.ttf", 200, "eng", 1, 1.2, 18, True, 60),
    "S3": ("liberation/LiberationSerif-Italic.ttf", 300, "eng", 0, 0.8, 8, False, None),
    "S4": ("freefont/FreeSerif.ttf", 100, "swe", 0, (0.9, 1.05), 12, False, 55),
    "S5": ("dejavu/DejaVuSans.ttf", 120, "eng", 0, 1.2, 12, False, 70),
}
# Pages are drawn at 300 dpi and scaled to the setting's dpi, except these, drawn at their own
# resolution: S4's glyphs, drawn 14-16 px high, merge and lose thin strokes as the dev bench's S4
# does (`tt` -> `n`, `ns` -> `m`, a lost `i`, `t` or `.`); drawn at 300 dpi, blurred and scaled down,
# they made other confusions (`h` -> `b`, `e` -> `o`) that no dev page shows.
DRAWN_AT = {"S4": 100}
PAGE_W, PAGE_H, TEXT_W = 8.27, 11.69, 6.27  # inches
MARGIN_TOP = 1.0
LINE_HEIGHT = 1.38
VOWELS = set("aeiouyåäöAEIOUYÅÄÖ")
TABLE_LIKE = re.compile(r"\t|\||\.{4,}|…{2,}")


def table_like(line: str) -> bool:
    digits = sum(c.isdigit() for c in line)
    return bool(TABLE_LIKE.search(line)) or digits > 0.25 * max(len(line.replace(" ", "")), 1)


def read_documents(source: Path, blank_separated: bool) -> list[list[str]]:
    """The paragraphs of each document of ``source`` (a text file is one document, a directory's
    HTML pages one each), in order, table-like lines left out."""
    if source.is_dir():
        from clean_text_harm import paragraphs

        files = sorted(p for p in source.rglob("*") if p.suffix in (".html", ".htm", ".page") and p.is_file())
        return [[p for p in paragraphs(f, keep_code=True) if not table_like(p)] for f in files]
    text = source.read_text(encoding="utf-8")
    units = re.split(r"\n\s*\n", text) if blank_separated else text.splitlines()
    out = []
    for unit in units:
        unit = " ".join(unit.split())
        if unit and not table_like(unit) and any(c.isalpha() for c in unit):
            out.append(unit)
    return [out]


def break_point(word: str, rng: random.Random) -> int | None:
    """Where a long word may be hyphenated: before a consonant followed by a vowel, 3+ letters each side."""
    letters = [i for i in range(3, len(word) - 2)
               if word[i].isalpha() and word[i] not in VOWELS and word[i + 1] in VOWELS and word[:i].isalpha()]
    return rng.choice(letters) if letters else None


def wrap(paragraph: str, font, width_px: float, rng: random.Random) -> tuple[list[str], set[int]]:
    """The paragraph's lines, and which of them end in a hyphen the layout inserted."""
    lines, line, inserted = [], "", set()
    for word in paragraph.split():
        trial = f"{line} {word}" if line else word
        if font.getlength(trial) <= width_px:
            line = trial
            continue
        cut = break_point(word, rng) if sum(c.isalpha() for c in word) >= 7 and line and rng.random() < 0.45 else None
        if cut is not None and font.getlength(f"{line} {word[:cut]}-") <= width_px:
            inserted.add(len(lines))
            lines.append(f"{line} {word[:cut]}-")
            line = word[cut:]
            continue
        if line:
            lines.append(line)
        line = word
    if line:
        lines.append(line)
    return lines, inserted


def first_page(paragraphs: list[str], font, width_px: float, rng: random.Random) -> tuple[list[str], set[int], int]:
    """One page of rendered lines ("" between paragraphs), the lines ending in a
    hyphen the layout inserted, and how many paragraphs the page used (the last
    perhaps in part); a page never ends on a hyphenated line."""
    page, hyphenated, limit = [], set(), rng.randint(35, 45)
    for k, para in enumerate(paragraphs):
        lines, inserted = wrap(para, font, width_px, rng)
        for i, line in enumerate(lines):
            if i in inserted:
                hyphenated.add(len(page))
            page.append(line)
            if len(page) >= limit and not line.endswith("-"):
                return page, hyphenated, k + 1
        page.append("")
    while page and page[-1] == "":
        page.pop()
    return page, hyphenated, len(paragraphs)


def joined(lines: list[str], hyphenated: set[int]) -> list[str]:
    """The page's lines with the layout's hyphenations undone (the whole word on the first line)."""
    out = list(lines)
    for i in sorted(hyphenated):
        tail, _, rest = out[i + 1].partition(" ")
        out[i] = out[i][:-1] + tail
        out[i + 1] = rest
    return [l for k, l in enumerate(out) if l or lines[k] == ""]


def render(lines: list[str], font_file: Path, pt: float, setting: tuple, seed: int, scale: int = 300) -> bytes:
    """The page drawn at ``scale`` dpi, degraded as ``setting`` says, at the setting's dpi."""
    import numpy as np
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    _, dpi, _, spread, blur, noise, binarise, jpeg = setting
    font = ImageFont.truetype(str(font_file), round(pt * scale / 72))
    img = Image.new("L", (round(PAGE_W * scale), round(PAGE_H * scale)), 255)
    draw = ImageDraw.Draw(img)
    x0, y = (PAGE_W - TEXT_W) / 2 * scale, MARGIN_TOP * scale
    step = pt * LINE_HEIGHT * scale / 72
    for line in lines:
        if line:
            draw.text((x0, y), line, font=font, fill=0)
        y += step
    for _ in range(spread):
        img = img.filter(ImageFilter.MinFilter(3))
    if isinstance(blur, tuple):
        blur = random.Random(seed).uniform(*blur)
    if blur:
        img = img.filter(ImageFilter.GaussianBlur(blur))
    if dpi != scale:
        img = img.resize((round(img.width * dpi / scale), round(img.height * dpi / scale)), Image.LANCZOS)
    if noise:
        arr = np.asarray(img, dtype=np.float32)
        arr = arr + np.random.default_rng(seed).normal(0, noise, arr.shape)
        img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    if binarise:
        img = img.point(lambda v: 255 if v > 150 else 0)
    buf = io.BytesIO()
    if jpeg:
        img.save(buf, "JPEG", quality=jpeg, dpi=(dpi, dpi))
    else:
        img.save(buf, "PNG", dpi=(dpi, dpi))
    return buf.getvalue()


def ocr(image: bytes, lang: str, dpi: int) -> str:
    with tempfile.NamedTemporaryFile(suffix=".img") as f:
        f.write(image)
        f.flush()
        env = dict(os.environ, OMP_THREAD_LIMIT="1")
        return subprocess.run(["tesseract", f.name, "stdout", "-l", lang, "--dpi", str(dpi), "--psm", "3"],
                              capture_output=True, text=True, check=True, env=env).stdout


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("sources", type=Path, nargs="+")
    ap.add_argument("--pages", type=int, default=50)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--paragraphs", action="store_true", help="a text file's paragraphs are separated by blank lines")
    ap.add_argument("--settings", default="S1,S2,S3,S4,S5")
    args = ap.parse_args()
    from PIL import ImageFont

    from ocrfix.evaluate import errors

    rng = random.Random(args.seed)
    documents = [d for s in args.sources for d in read_documents(s, args.paragraphs) if d]
    rng.shuffle(documents)  # documents in a random order, each one's paragraphs in its own
    paragraphs = [p for d in documents for p in d]
    settings = args.settings.split(",")
    args.out.mkdir(parents=True, exist_ok=True)
    jobs, start = [], 0
    for k in range(args.pages):
        name = settings[k % len(settings)]
        setting = SETTINGS[name]
        pt = rng.choice((10.0, 10.5, 11.0, 11.5))
        font_file = FONTS / setting[0]
        font = ImageFont.truetype(str(font_file), round(pt * 300 / 72))
        if start >= len(paragraphs):
            break
        page, hyphenated, used = first_page(paragraphs[start : start + 80], font, TEXT_W * 300, rng)
        start += used
        jobs.append((f"oop_{k:03d}_{name}", name, setting, font_file, pt, page, hyphenated, args.seed * 1000 + k))

    def make(job):
        name, sname, setting, font_file, pt, lines, hyphenated, seed = job
        gt = "\n".join(lines) + "\n"
        gt_joined = "\n".join(joined(lines, hyphenated)) + "\n"  # the text's own hyphens stay
        text = ocr(render(lines, font_file, pt, setting, seed, DRAWN_AT.get(sname, 300)), setting[2], setting[1])
        (args.out / f"{name}.gt.txt").write_text(gt, encoding="utf-8")
        (args.out / f"{name}.gt_joined.txt").write_text(gt_joined, encoding="utf-8")
        (args.out / f"{name}.ocr.txt").write_text(text, encoding="utf-8")
        char_edits, chars, word_edits, words = errors(text, gt)  # (as ocrscore.py counts them)
        return (name, "other-prose", sname, f"{font_file.stem} {pt}pt", setting[1], setting[2], chars,
                char_edits / max(chars, 1), word_edits / max(words, 1))

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        rows = list(pool.map(make, jobs))
    with open(args.out / "manifest.tsv", "w", encoding="utf-8") as f:
        f.write("name\tsource\tsetting\tfont\tdpi\tlang\tgt_chars\tcer_raw\twer_raw\n")
        for r in rows:
            f.write("\t".join(map(str, r[:7])) + f"\t{r[7]:.4f}\t{r[8]:.4f}\n")
    by: dict[str, list[float]] = {}
    for r in rows:
        by.setdefault(r[2], []).append(r[7])
    for s, cers in sorted(by.items()):
        print(f"{s}: {len(cers)} pages, mean raw CER {sum(cers) / len(cers):.4f}", file=sys.stderr)


if __name__ == "__main__":
    main()
