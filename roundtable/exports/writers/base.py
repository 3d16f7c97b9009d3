"""The calls every writer receives, in this order:

begin(meta)
for each round:  round_begin(r)
                 [question(r, n, text); items(r, batch)...]  per question (answers, everything)
                 [replies(r); items(r, batch)...]                          (answers, everything)
                 [stances(r, batch)...; edits(r, batch)...; suggestions(r, all)]  (everything)
                 round_end(r)
end() -> the files written
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from roundtable.exports.model import (
    Earlier,
    Item,
    Meta,
    Request,
    RoundView,
    StanceView,
    SuggestionView,
)

# Rows per call into C code that holds the GIL (csv.writer.writerows, the JSON encoder): small
# enough that the event loop, waiting for the GIL meanwhile, is never held up for long.
CHUNK = 200


class Writer(abc.ABC):
    suffix = ""

    def __init__(self, request: Request, directory: Path, stem: str):
        self.request = request
        self.directory = directory
        self.stem = stem
        self._handles: list[TextIO] = []

    def open(self, path: Path, **options: Any) -> TextIO:
        handle: TextIO = path.open("w", **options)
        self._handles.append(handle)
        return handle

    def abort(self) -> None:
        """The export failed: close what is open (the caller removes the folder)."""
        for handle in self._handles:
            handle.close()

    @property
    def everything(self) -> bool:
        return self.request.include == "everything"

    @abc.abstractmethod
    def begin(self, meta: Meta) -> None:
        """The export's head: title, description, and for a digest its contents."""

    def round_begin(self, r: RoundView) -> None:  # noqa: B027 (optional hook)
        pass

    def question(self, r: RoundView, number: int, text: str) -> None:  # noqa: B027 (optional hook)
        pass

    def replies(self, r: RoundView) -> None:  # noqa: B027 (optional hook)
        pass

    def nothing(self, r: RoundView, kind: str) -> None:  # noqa: B027 (optional hook)
        """The question just begun has no answers (kind "answer"), or the thread no replies."""

    def items(self, r: RoundView, batch: Sequence[Item]) -> None:  # noqa: B027 (optional hook)
        pass

    def stances(self, r: RoundView, batch: Sequence[StanceView]) -> None:  # noqa: B027 (optional hook)
        pass

    def edits(self, r: RoundView, batch: Sequence[Earlier]) -> None:  # noqa: B027 (optional hook)
        pass

    def suggestions(self, r: RoundView, found: Sequence[SuggestionView]) -> None:  # noqa: B027 (optional hook)
        """The questions members suggested in the round (only when there are some)."""

    def round_end(self, r: RoundView) -> None:  # noqa: B027 (optional hook)
        pass

    @abc.abstractmethod
    def end(self) -> list[Path]:
        """Finish the files; returns them."""


class DocumentWriter(Writer):
    """A writer of one text file, `STEM{suffix}`, written to `self.out`."""

    def __init__(self, request: Request, directory: Path, stem: str):
        super().__init__(request, directory, stem)
        self.path = directory / f"{stem}{self.suffix}"
        self.out: TextIO = self.open(self.path, encoding="utf-8", newline="\n")

    def end(self) -> list[Path]:
        self.out.close()
        return [self.path]
