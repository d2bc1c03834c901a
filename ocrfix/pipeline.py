"""The pipeline: how text flows through ocrfix.

    read       lines arrive one at a time (a file, stdin, a list, a generator)
    block      lines are grouped into blocks at paragraph breaks (stream.py),
               so memory stays bounded and output starts before input ends
    tokenise   each step sees the block as a Document with lossless tokens
    propose    each corrector proposes Edits (span, replacement, confidence)
    rank       per step, overlapping proposals are resolved and proposals
               below ``min_confidence`` dropped (edits.select)
    apply      the chosen edits are written (edits.apply), everything else
               is copied unchanged; the next step sees the result
    write      the block's lines are emitted; every edit is logged with its
               document-level span, line, column, step and corrector

Line count is an invariant: a block that would come out with a different
number of lines than went in is emitted unchanged instead (and a warning
is raised), so no line is ever lost or invented.
"""
from __future__ import annotations

import gc
import os
import threading
import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

from . import registry
from .correctors.base import Corrector, Document, DocumentState
from .edits import Edit, apply, select
from .resources import Resources, read_word_list
from .stream import Passthrough, blocks

DEFAULT_MIN_CONFIDENCE = 0.5
# While a block is corrected, the cyclic garbage collector runs its youngest
# generation after this many new container objects instead of Python's 700.
# Correcting allocates and frees a great many small objects (readings, tuples)
# and makes almost no cycles; at 700 the collector took 11 % of the CPU time
# on damaged text (measured with gc.callbacks), at 10,000 about 3 %.
GC_YOUNG_THRESHOLD = 10_000
# The command and its batch workers own their process: they set the
# collector's thresholds once, higher still (about 5 % faster than 10,000).
# At 100,000 a report-length damaged text (32,000 words) still had four young
# collections, 0.17 s of CPU (gc.callbacks), each a walk over the word caches
# grown since the last; at 1,000,000 none (0.99x instructions in all, peak
# RSS 181 -> 189 MB: cycles are few, so little waits longer to be freed).
COMMAND_GC_THRESHOLDS = (1_000_000, 50, 100)


class StepWarning(UserWarning):
    """A step failed or tried to change the line count; its block was protected."""


def build_steps(steps: Sequence[str | Corrector] | None, options: Mapping[str, Mapping[str, Any]] | None = None) -> list[Corrector]:
    """Instantiate steps given by name (with per-step options) or as objects."""
    options = options or {}
    built: list[Corrector] = []
    for step in registry.DEFAULT_STEPS if steps is None else steps:
        if isinstance(step, Corrector):
            built.append(step)
        else:
            built.append(registry.get(step)(**dict(options.get(step, {}))))
    return built


class Pipeline:
    """An ordered chain of correctors plus the shared resources they use.

    >>> Pipeline(["unicode"]).fix("ﬁnns")
    'finns'
    """

    def __init__(
        self,
        steps: Sequence[str | Corrector] | None = None,
        *,
        min_confidence: float = DEFAULT_MIN_CONFIDENCE,
        options: Mapping[str, Mapping[str, Any]] | None = None,
        words: Iterable[str] = (),
        resources: Resources | None = None,
        max_line_chars: int = 1_000_000,
        join_lines: bool = False,
    ) -> None:
        """``join_lines=True`` adds the ``dehyphen`` step (if missing) and lets it
        join words broken at line ends, so fewer lines may come out than went in;
        otherwise the line count is an invariant and such steps are refused."""
        self.steps = build_steps(steps, options)
        self.join_lines = join_lines
        if join_lines and not any(s.changes_lines for s in self.steps):
            self.steps += build_steps(["dehyphen"], options)
        if not join_lines:
            for step in self.steps:
                if step.changes_lines:
                    raise ValueError(f"step {step.name!r} joins lines; use it with join_lines=True (--join-lines)")
        for i, step in enumerate(self.steps):
            step.configure(self.steps[i + 1 :])
        self.min_confidence = min_confidence
        self.resources = resources or Resources(extra_words=words)
        self.max_line_chars = max_line_chars

    # -- construction from configuration ---------------------------------
    @classmethod
    def from_config(cls, config: str | Path | Mapping[str, Any] | None = None, **overrides: Any) -> "Pipeline":
        """Build a pipeline from a TOML file (path) or an equivalent dict.

        Recognised keys: ``steps`` (list of names), ``min_confidence``,
        ``words`` (list of word-list file paths), ``max_line_chars``,
        ``domain_vocabulary`` (false: do not use the vocabulary learnt from the
        sample reports; a folder: use the domain files in it instead),
        ``general_bigrams`` (false: no context from general Swedish),
        ``error_model`` (path of your own confusion table) and
        one table per step with that step's options, e.g.::

            steps = ["unicode", "words"]
            min_confidence = 0.6
            [unicode]
            ligatures = "expand"

        Keyword ``overrides`` win over the file (the CLI passes its flags here).
        """
        from .config import load_config

        cfg = load_config(config)
        cfg.update({k: v for k, v in overrides.items() if v is not None})
        words: list[str] = []
        for path in cfg.get("words", []):
            words.extend(read_word_list(path))
        words.extend(cfg.get("extra_words", []))
        resources = Resources(
            extra_words=words,
            domain_vocabulary=_domain_setting(cfg.get("domain_vocabulary", True)),
            general_bigrams=cfg.get("general_bigrams", True),
            error_model=cfg.get("error_model"),
        )
        return cls(
            cfg.get("steps"),
            min_confidence=float(cfg.get("min_confidence", DEFAULT_MIN_CONFIDENCE)),
            options=cfg.get("options", {}),
            resources=resources,
            max_line_chars=int(cfg.get("max_line_chars", 1_000_000)),
            join_lines=bool(cfg.get("join_lines", False)),
        )

    @property
    def step_names(self) -> list[str]:
        return [s.name for s in self.steps]

    # -- the library API --------------------------------------------------
    def fix(self, text: str) -> str:
        return "".join(self.fix_lines(_split_lines(text)))

    def fix_with_edits(self, text: str) -> tuple[str, list[Edit]]:
        log: list[Edit] = []
        out = "".join(self.fix_lines(_split_lines(text), on_edit=log.append))
        return out, log

    def fix_lines(
        self,
        lines: Iterable[str | Passthrough],
        on_edit: Callable[[Edit], None] | None = None,
        on_warning: Callable[[str], None] | None = None,
    ) -> Iterator[str]:
        """Correct a stream of lines lazily, one output line per input line.

        Each item is a line with its ``\\n`` (the last may lack it). Items
        wrapped in :class:`~ocrfix.stream.Passthrough` are emitted untouched.
        ``on_edit`` receives every applied edit with document-level offsets.
        """
        state = DocumentState()
        step_base = [0] * len(self.steps)  # chars each step has seen so far
        line_no = 0
        for block in blocks(lines, max_line_chars=self.max_line_chars, on_warning=on_warning):
            if isinstance(block, Passthrough):
                yield block.text
                for i in range(len(self.steps)):
                    step_base[i] += len(block.text)
                line_no += block.text.count("\n")
                continue
            out = self._run_block(block, state, line_no, step_base, on_edit, on_warning)
            yield from _split_lines(out)
            line_no += block.count("\n")

    # -- one block through every step --------------------------------------
    def _run_block(self, text, state, first_line, step_base, on_edit, on_warning) -> str:
        with _fewer_collections():
            return self._run_steps(text, state, first_line, step_base, on_edit, on_warning)

    def _run_steps(self, text, state, first_line, step_base, on_edit, on_warning) -> str:
        original = text
        pending: list[Edit] = []
        seen = [0] * len(self.steps)  # length of the block as each step saw it
        for i, step in enumerate(self.steps):
            doc = Document(text, self.resources, state, first_line)
            try:
                chosen = select(step.propose(doc) or (), self.min_confidence)
                # Applied inside the guard: an edit whose span or ``before`` does
                # not match the text (a corrector bug) raised ValueError out of
                # fix_lines and aborted the whole run with a traceback.
                new_text = apply(text, chosen) if chosen else text
                if not step.changes_lines and new_text.count("\n") != text.count("\n"):
                    raise ValueError("changed the number of lines")
            except Exception as exc:  # a faulty step must never cost the user text
                if os.environ.get("OCRFIX_DEBUG"):
                    raise
                last = _last_line(first_line, text)
                _warn(on_warning, f"step {step.name!r} failed on lines {first_line + 1}-{last} ({type(exc).__name__}: {exc}); its edits there were skipped")
                chosen = []
            if chosen:
                starts = doc.line_starts
                for e in chosen:
                    line_idx = _line_of(starts, e.start)
                    pending.append(
                        e.shifted(
                            step_base[i],
                            step=i,
                            line=first_line + line_idx + 1,
                            column=e.start - starts[line_idx] + 1,
                        )
                    )
                text = new_text
            seen[i] = len(doc.text)
        if not self.join_lines and text.count("\n") != original.count("\n"):
            last = _last_line(first_line, original)
            _warn(on_warning, f"a step changed the line count of lines {first_line + 1}-{last}; kept them unchanged")
            for i in range(len(self.steps)):
                step_base[i] += len(original)
            return original
        for i in range(len(self.steps)):
            step_base[i] += seen[i]
        if on_edit is not None:
            for e in pending:
                on_edit(e)
        return text


_gc_lock = threading.Lock()
_gc_users = 0
_gc_saved: tuple[int, ...] = ()


@contextmanager
def _fewer_collections():
    """Raise the garbage collector's youngest threshold to GC_YOUNG_THRESHOLD
    for the duration (never lower it); restored when the last concurrent user
    leaves. Nothing is left uncollected: the collector only runs less often."""
    global _gc_users, _gc_saved
    with _gc_lock:
        if _gc_users == 0:
            _gc_saved = gc.get_threshold()
            if _gc_saved[0] and _gc_saved[0] < GC_YOUNG_THRESHOLD:
                gc.set_threshold(GC_YOUNG_THRESHOLD, *_gc_saved[1:])
        _gc_users += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_users -= 1
            if _gc_users == 0 and gc.get_threshold()[0] == GC_YOUNG_THRESHOLD != _gc_saved[0]:
                gc.set_threshold(*_gc_saved)


def _warn(on_warning: Callable[[str], None] | None, message: str) -> None:
    if on_warning is not None:
        on_warning(message)
    else:
        warnings.warn(message, StepWarning, stacklevel=4)


def _last_line(first_line: int, block: str) -> int:
    """1-based number of the last line of ``block`` (which starts after line
    ``first_line``). A block ending in ``\\n`` has no further line: counting one
    made warnings name a line past the end ("lines 1-2" for one line)."""
    return first_line + block.count("\n") + (not block.endswith("\n"))


def _line_of(starts: list[int], offset: int) -> int:
    from bisect import bisect_right

    return bisect_right(starts, offset) - 1


def _split_lines(text: str) -> list[str]:
    """Split after each ``\\n`` only (``\\r``, form feeds etc. stay inside lines)."""
    if not isinstance(text, str):  # (None would come out as '')
        raise TypeError(f"text must be str, not {type(text).__name__}")
    if not text:
        return []
    parts = text.split("\n")
    lines = [p + "\n" for p in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def _domain_setting(value: Any) -> bool | str:
    """``domain_vocabulary`` from a config: true, false or a folder path."""
    return value if isinstance(value, (bool, str, Path)) else bool(value)
