"""HTML: one self-contained file to share outside Discord: no scripts, no network fetches,
light and dark, printable, with the stance charts drawn inline as SVG. Rendered through Jinja2
with autoescaping, piece by piece as the export streams; a member's `<script>`, `<img onerror>`
or Markdown link is shown as the text it is.

The charts are a few SVG rectangles written by the template rather than matplotlib PNGs: they
follow the reader's light or dark theme, print sharply, and cost nothing per round.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jinja2

from roundtable.exports.model import (
    Earlier,
    Item,
    Meta,
    Request,
    RoundView,
    StanceView,
    shown_time,
)
from roundtable.exports.writers.base import DocumentWriter
from roundtable.exports.writers.common import (
    described,
    movement,
    point_links,
    series_totals,
    shift,
    summary_header,
)
from roundtable.summaries.render import who

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@functools.cache
def _macros() -> Any:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["shown"] = shown_time
    env.filters["shift"] = shift
    env.filters["who"] = who
    env.filters["cited"] = point_links
    return env.get_template("export.html.j2").module


def warm_up() -> None:
    """Load and compile the template (the bot does it at start-up)."""
    _macros()


class HTMLWriter(DocumentWriter):
    suffix = ".html"

    def __init__(self, request: Request, directory: Path, stem: str):
        super().__init__(request, directory, stem)
        self.m = _macros()
        self._stances_open: int | None = None
        self._edits_head: int | None = None

    def _write(self, markup: Any) -> None:
        self.out.write(str(markup))
        self.out.write("\n")

    def begin(self, meta: Meta) -> None:
        self._write(self.m.head(meta, described(meta)))
        if meta.digest:
            labels, rows = movement(meta.rounds)
            totals = series_totals(meta.rounds, labels) if labels else []
            self._write(self.m.contents(meta, labels, rows, totals))

    def round_begin(self, r: RoundView) -> None:
        self._write(self.m.round_begin(r, self.request.include))

    def question(self, r: RoundView, number: int, text: str) -> None:
        self._write(self.m.question(number, text))

    def replies(self, r: RoundView) -> None:
        self._write(self.m.replies())

    def nothing(self, r: RoundView, kind: str) -> None:
        self._write(self.m.nothing(kind))

    def items(self, r: RoundView, batch: Sequence[Item]) -> None:
        self._write(self.m.items(batch))

    def stances(self, r: RoundView, batch: Sequence[StanceView]) -> None:
        if self._stances_open != r.id:
            self._stances_open = r.id
            self._write(self.m.stances_head())
        self._write(self.m.stances(batch))

    def _close_stances(self) -> None:
        if self._stances_open is not None:
            self.out.write("</table>\n")
            self._stances_open = None

    def edits(self, r: RoundView, batch: Sequence[Earlier]) -> None:
        self._close_stances()
        if self._edits_head != r.id:
            self._edits_head = r.id
            self._write(self.m.edits_head())
        self._write(self.m.edits(batch))

    def round_end(self, r: RoundView) -> None:
        self._close_stances()
        header = summary_header(r.summary.summary) if r.summary else ""
        self._write(self.m.round_end(r, header))

    def end(self) -> list[Path]:
        self._write(self.m.tail())
        return super().end()
