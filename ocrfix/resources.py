"""Shared, lazily loaded resources: data files, lexicon, error model.

One :class:`Resources` object is made per :class:`~ocrfix.pipeline.Pipeline`
and shared by its correctors, so each heavy resource is loaded once per
process (once per worker in batch mode), and only if a step asks for it.
"""
from __future__ import annotations

from functools import cached_property
from importlib import resources as _resources
from pathlib import Path
from typing import Iterable


def data_path(name: str) -> Path:
    """Path of a file shipped in ``dictionaries/`` (installed as ``ocrfix.data``)."""
    try:
        base = Path(str(_resources.files("ocrfix.data")))
    except ModuleNotFoundError:  # running from a source tree that is not installed
        base = Path(__file__).resolve().parent.parent / "dictionaries"
    return base / name


def read_word_list(path: str | Path) -> list[str]:
    """Words of a user word list: one per line, ``#`` comments, blank lines ignored.

    Raises ``OSError`` or ``UnicodeDecodeError`` for an unreadable file; the CLI
    reports those as one-line errors.
    """
    words = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            words.append(line)
    return words


class Resources:
    """Heavy shared objects, each built on first use."""

    def __init__(
        self,
        extra_words: Iterable[str] = (),
        cache_dir: str | Path | None = None,
        domain_vocabulary: bool | str | Path = True,
        error_model: str | Path | None = None,
        general_bigrams: bool = True,
    ) -> None:
        """``domain_vocabulary=False`` leaves out the vocabulary and bigrams learnt
        from the sample reports; a folder path uses the ``domain_words.tsv`` and
        ``domain_bigrams.tsv`` in it instead (scripts/build_domain_data.py
        makes them from your own clean texts); ``error_model`` is a confusion table of your own
        (made with scripts/learn_error_model.py) instead of the shipped one;
        ``general_bigrams=False`` leaves out the context of general Swedish
        (``dictionaries/general_bigrams.tsv``)."""
        self.extra_words = frozenset(extra_words)
        self.cache_dir = Path(cache_dir) if cache_dir else None
        self.domain_vocabulary = domain_vocabulary if isinstance(domain_vocabulary, bool) else Path(domain_vocabulary)
        self.error_model_path = Path(error_model) if error_model else None
        self.general_bigrams = general_bigrams

    @cached_property
    def lexicon(self):
        from .lexicon import load_lexicon

        return load_lexicon(cache_dir=self.cache_dir, extra_words=self.extra_words, domain=self.domain_vocabulary,
                            general=self.general_bigrams)

    @cached_property
    def _error_models(self) -> dict:
        return {}

    @cached_property
    def _char_profiles(self) -> dict:
        from .errormodel import load_char_profiles

        if self.error_model_path is not None:
            own = self.error_model_path.with_name("ocr_charfreq.tsv")
            if own.exists():
                return load_char_profiles(own)
        return load_char_profiles()

    def detect_engine(self, text: str, min_chars: int = 200) -> str:
        """The error-model profile whose OCR output ``text`` resembles.

        Text that looks clean gets the mild ``tesseract-swe`` model; too little
        text to tell gets the pooled ``default`` model.
        """
        from collections import Counter

        from .errormodel import detect_profile, letter_chunks, normalise

        if len("".join(text.split())) < min_chars:
            return "default"
        counts = Counter(normalise(letter_chunks(text.lower())))
        if not counts:
            return "default"
        best, _ = detect_profile(counts, self._char_profiles)
        return "tesseract-swe" if best == "clean" else best

    def error_model_for(self, profile: str = "default"):
        """The learned OCR error model of one engine profile (loaded once)."""
        model = self._error_models.get(profile)
        if model is None:
            from .errormodel import ErrorModel

            model = self._error_models[profile] = ErrorModel.load(self.error_model_path, profile=profile)
        return model
