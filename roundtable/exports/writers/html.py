"""HTML: a report to share outside Discord, in one self-contained file: no scripts, no network
fetches, light and dark, printable on A4, with the stance charts drawn inline as SVG. Rendered
through Jinja2 with autoescaping, piece by piece as the export streams; a member's `<script>`,
`<img onerror>` or Markdown link is shown as the text it is.

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
    SuggestionView,
    shown_time,
)
from roundtable.exports.writers.base import DocumentWriter
from roundtable.exports.writers.common import (
    described,
    movement,
    point_links,
    series_totals,
    shift,
    state,
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
    env.filters["state"] = state
    env.filters["listed"] = _listed
    env.globals["summary_header"] = summary_header
    return env.get_template("export.html.j2").module


def warm_up() -> None:
    """Load and compile the template (the bot does it at start-up)."""
    _macros()


def _listed(parts: Sequence[str]) -> str:
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


class HTMLWriter(DocumentWriter):
    """A report: each round opens with its summary and how stances moved, then the excerpt,
    then each question once with its answers. A question nobody answered is not a heading
    over "No answers": the unanswered ones are named together in one line. Headings are
    written when the first answer under them arrives (the export streams)."""

    suffix = ".html"

    def __init__(self, request: Request, directory: Path, stem: str):
        super().__init__(request, directory, stem)
        self.m = _macros()
        self._stances_open: int | None = None
        self._edits_head: int | None = None
        self._pending: tuple[int, str] | None = None  # a question whose heading waits
        self._unanswered: list[tuple[int, str]] = []
        self._replies_pending = False
        self._asked = False  # the "Questions and answers" heading is written

    def _write(self, markup: Any) -> None:
        self.out.write(str(markup))
        self.out.write("\n")

    def begin(self, meta: Meta) -> None:
        self._write(self.m.head(meta, described(meta)))
        if meta.digest:
            labels, rows = movement(meta.rounds)
            totals = series_totals(meta.rounds, labels) if labels else []
            moved = [(r, cells) for r, cells in rows if any(cells)]
            quiet = [str(r.id) for r, cells in rows if not any(cells)]
            self._write(self.m.contents(meta, labels, moved, quiet, totals))

    def round_begin(self, r: RoundView) -> None:
        self._asked = False
        self._write(self.m.round_begin(r, self.request.include))

    def _flush_unanswered(self) -> None:
        if self._unanswered:
            self._write(self.m.unanswered(self._unanswered))
            self._unanswered = []

    def question(self, r: RoundView, number: int, text: str) -> None:
        self._pending = (number, text)

    def replies(self, r: RoundView) -> None:
        self._flush_unanswered()
        self._replies_pending = True

    def nothing(self, r: RoundView, kind: str) -> None:
        if kind == "answer" and self._pending is not None:
            self._unanswered.append(self._pending)
            self._pending = None
        elif kind == "reply":
            self._replies_pending = False
            self._write(self.m.no_replies())

    def items(self, r: RoundView, batch: Sequence[Item]) -> None:
        if self._pending is not None:
            self._flush_unanswered()
            if not self._asked:
                self._asked = True
                self._write(self.m.answers_head())
            self._write(self.m.question(r, *self._pending))
            self._pending = None
        if self._replies_pending:
            self._replies_pending = False
            self._write(self.m.replies())
        self._write(self.m.items(batch))

    def stances(self, r: RoundView, batch: Sequence[StanceView]) -> None:
        if self._stances_open != r.id:
            self._stances_open = r.id
            self._write(self.m.stances_head())
        self._write(self.m.stances(batch))

    def _close_stances(self) -> None:
        if self._stances_open is not None:
            self.out.write("</tbody></table>\n")
            self._stances_open = None

    def edits(self, r: RoundView, batch: Sequence[Earlier]) -> None:
        self._close_stances()
        if self._edits_head != r.id:
            self._edits_head = r.id
            self._write(self.m.edits_head())
        self._write(self.m.edits(batch))

    def suggestions(self, r: RoundView, found: Sequence[SuggestionView]) -> None:
        self._close_stances()
        self._write(self.m.suggestions(found))

    def round_end(self, r: RoundView) -> None:
        self._flush_unanswered()
        self._close_stances()
        self._write(self.m.round_end())

    def end(self) -> list[Path]:
        self._write(self.m.tail())
        return super().end()
