"""The corrector interface.

A corrector is a small unit with one job. The pipeline hands it a
:class:`Document` (one block of lines of the text being fixed, as left by the
previous steps) and it *proposes* :class:`~ocrfix.edits.Edit` objects; it never
writes text itself. The pipeline selects non-overlapping edits above the
confidence threshold, applies them and logs them.

Writing your own::

    from ocrfix import Corrector, Edit

    class Shout(Corrector):
        '''Upper-cases the word "ocrfix". Touches nothing else.'''
        name = "shout"
        description = "upper-case the word ocrfix"

        def propose(self, doc):
            for tok in doc.words():
                if tok.text == "ocrfix":
                    yield Edit(tok.start, tok.end, tok.text, "OCRFIX", self.name, 1.0, "demo")

and register it under the ``ocrfix.correctors`` entry-point group of your
package (``shout = "mypkg:Shout"``) or pass an instance to ``Pipeline``.
"""
from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar, Iterable, Iterator

from ..tokens import NEWLINE, WORD, Token, tokenize

if TYPE_CHECKING:
    from ..edits import Edit
    from ..resources import Resources


class DocumentState(dict):
    """Per-document scratch space shared by the blocks of one document.

    Correctors keep what they learn about the document (its vocabulary, how
    damaged it is, which error patterns it shows) under their own name:
    ``doc.state.setdefault(self.name, {})``. A new state is made for each
    document (each ``fix`` call, each input file), never shared between them.
    """


class Document:
    """One block of the text being corrected, with lazy token and line views.

    ``text`` is the block as the current step sees it; ``first_line`` is the
    0-based number of its first line within the whole document, so
    ``token.line`` is a document line number.
    """

    def __init__(
        self,
        text: str,
        resources: "Resources",
        state: DocumentState,
        first_line: int = 0,
        options: dict[str, Any] | None = None,
    ) -> None:
        self.text = text
        self.resources = resources
        self.state = state
        self.first_line = first_line
        self.options = options or {}

    @cached_property
    def tokens(self) -> list[Token]:
        return list(tokenize(self.text, self.first_line))

    def words(self) -> Iterator[Token]:
        return (t for t in self.tokens if t.kind == WORD)

    @cached_property
    def line_starts(self) -> list[int]:
        starts = [0]
        find = self.text.find
        i = find("\n")
        while i >= 0:
            starts.append(i + 1)
            i = find("\n", i + 1)
        return starts

    def lines(self) -> list[str]:
        return self.text.split("\n")

    def line_tokens(self) -> Iterator[list[Token]]:
        """Tokens grouped by line, newline tokens excluded."""
        current: list[Token] = []
        for tok in self.tokens:
            if tok.kind == NEWLINE:
                yield current
                current = []
            else:
                current.append(tok)
        yield current


class Corrector:
    """Base class for correctors.

    Subclasses set ``name`` (the registry key, used by ``--steps``) and
    ``description`` (one line, shown by ``ocrfix steps``), and implement
    :meth:`propose`. Options from the config file or ``Pipeline`` arrive as
    keyword arguments to ``__init__``.

    ``handles`` names kinds of evidence a corrector reads from the raw text
    (e.g. ``"ligatures"``): an earlier normalising step leaves such evidence in
    place for it.
    """

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    handles: ClassVar[frozenset[str]] = frozenset()
    # Only a step that says so may change the number of lines, and only in a
    # pipeline made with join_lines=True (see Pipeline).
    changes_lines: ClassVar[bool] = False

    def __init__(self, **options: Any) -> None:
        if options:
            raise TypeError(f"{self.name or type(self).__name__}: unknown options {sorted(options)}")

    def configure(self, later_steps: list["Corrector"]) -> None:
        """Called once by the pipeline with the steps that run after this one."""

    def propose(self, doc: Document) -> Iterable["Edit"]:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"
