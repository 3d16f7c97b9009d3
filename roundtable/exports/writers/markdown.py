"""Markdown: a document to read or put in a wiki. One round: its excerpt, each question with
its answers as quotes (author, time), the replies, stances and the summary with its message
links. Several rounds: a digest, with contents and how stances moved, then each round.

What members wrote is escaped, so it is shown as they typed it and never becomes a link, a
heading or HTML in the reader's wiki; masked links are written out ("label (url)").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from roundtable.exports.model import (
    Earlier,
    Item,
    Meta,
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
from roundtable.summaries.model import Point
from roundtable.summaries.render import DECISIONS, who
from roundtable.text import unmask_links

_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#&!{}])")
_LINE_START = re.compile(r"^(\s*)([-+=>]|\d+(?=[.)]))", re.MULTILINE)


def escape(text: str) -> str:
    """Member text as literal Markdown: no links, emphasis, headings, lists or HTML."""
    text = _SPECIAL.sub(r"\\\1", unmask_links(text))
    return _LINE_START.sub(_line_start, text)


def _line_start(m: re.Match[str]) -> str:
    """`- x` -> `\\- x`; `1. x` -> `1\\. x` (a backslash before a digit would be shown)."""
    lead, mark = m.group(1), m.group(2)
    return lead + (mark + "\\" if mark[0].isdigit() else "\\" + mark)


def quote(text: str) -> list[str]:
    return [f"> {line}" if line.strip() else ">" for line in escape(text).splitlines()] or [">"]


def plain(text: str) -> str:
    """Text of ours that may hold member-chosen words (titles, names, questions): escaped and
    on one line."""
    return escape(" ".join(text.split()))


class MarkdownWriter(DocumentWriter):
    suffix = ".md"

    def _lines(self, lines: Sequence[str]) -> None:
        self.out.write("\n".join(lines) + "\n")

    def begin(self, meta: Meta) -> None:
        self._lines([f"# {plain(meta.title)}", "", described(meta), ""])
        if not meta.digest:
            return
        lines = ["## Contents", ""]
        for n, r in enumerate(meta.rounds, start=1):
            lines.append(
                f"{n}. [Round {r.id} · {plain(r.section_title)}](#{r.anchor}) — {r.status}, "
                f"opened {shown_time(r.opened_at)}, {r.totals.members} members, "
                f"{r.totals.answers} answers, {r.totals.replies} replies"
            )
        lines.append("")
        labels, rows = movement(meta.rounds)
        if labels:
            lines += ["## How stances moved (opening → closing)", ""]
            lines.append("| Round | " + " | ".join(plain(x) for x in labels) + " |")
            lines.append("| --- |" + " ---: |" * len(labels))
            for r, cells in rows:
                lines.append(
                    f"| {r.id}. {plain(r.section_title)} | "
                    + " | ".join(shift(c) if c else "–" for c in cells)
                    + " |"
                )
            totals = series_totals(meta.rounds, labels)
            lines.append("| **All rounds** | " + " | ".join(shift(c) for c in totals) + " |")
            lines.append("")
        self._lines(lines)

    def round_begin(self, r: RoundView) -> None:
        level = "##"
        thread = f" · [thread]({r.link})" if r.link else ""
        t = r.totals
        lines = [
            "---",
            "",
            f'<a id="{r.anchor}"></a>',
            "",
            f"{level} Round {r.id} · {plain(r.title)}",
            "",
            f"Opened {shown_time(r.opened_at)} · {state(r)}{thread} · "
            f"{t.members} members, {t.answers} answers, {t.replies} replies",
            "",
        ]
        if self.request.include != "summaries" and r.excerpt:
            lines += ["### Excerpt", ""]
            for n, paragraph in enumerate(r.excerpt.split("\n\n")):
                lines += ([">"] if n else []) + quote(paragraph)
            lines.append("")
        self._lines(lines)

    def question(self, r: RoundView, number: int, text: str) -> None:
        self._lines([f"### {number}. {plain(text)}", ""])

    def replies(self, r: RoundView) -> None:
        self._lines(["### Replies in the thread", ""])

    def nothing(self, r: RoundView, kind: str) -> None:
        self._lines(["No answers." if kind == "answer" else "No replies were recorded.", ""])

    def items(self, r: RoundView, batch: Sequence[Item]) -> None:
        lines: list[str] = []
        for item in batch:
            lines += quote(item.text)
            by = f"> — **{plain(item.author)}**, {shown_time(item.created_at)}"
            if item.edited_at:
                by += f" (edited {shown_time(item.edited_at)})"
            if item.reply_to_author:
                by += f", replying to {plain(item.reply_to_author)}"
            if item.link:
                by += f" · [message]({item.link})"
            lines += [">", by, ""]
        self._lines(lines)

    def stances(self, r: RoundView, batch: Sequence[StanceView]) -> None:
        if not getattr(self, "_stance_head", None) == r.id:
            self._stance_head = r.id
            self._lines(["### Stances of members", "", "| Member | Opening | Closing | Changes |"])
            self._lines(["| --- | --- | --- | ---: |"])
        self._lines(
            [
                f"| {plain(s.author)} | {plain(s.opening)} | {plain(s.closing)} | {s.changes} |"
                for s in batch
            ]
        )

    def edits(self, r: RoundView, batch: Sequence[Earlier]) -> None:
        lines = []
        if not getattr(self, "_edit_head", None) == r.id:
            self._edit_head = r.id
            lines += ["", "### Earlier versions of edited responses", ""]
        for e in batch:
            lines += [f"{plain(e.what)}, replaced {shown_time(e.replaced_at)}:", ""]
            lines += [*quote(e.text), ""]
        self._lines(lines)

    def suggestions(self, r: RoundView, found: Sequence[SuggestionView]) -> None:
        lines = ["", "### Questions members suggested", ""]
        for s in found:
            votes = f"{s.votes} vote" + ("" if s.votes == 1 else "s")
            lines.append(f"- {plain(s.text)} — {plain(s.author)}, {s.outcome}, {votes}")
        self._lines(lines)

    def round_end(self, r: RoundView) -> None:
        lines = [""]
        if r.totals.stances:
            lines += ["### Stances, opening → closing", ""]
            lines += [f"- {plain(label)}: {shift(c)}" for label, c in r.totals.stances.items()]
            lines.append("")
        lines += ["### Summary", ""]
        view = r.summary
        if view is None:
            lines += ["No summary yet: it is written when the round closes.", ""]
            self._lines(lines)
            return
        s = view.summary
        lines += [summary_header(s), ""]
        if s.lead:
            lines += [escape(s.lead), ""]
        if view.note:
            lines += [f"*{plain(view.note)}*", ""]
        for section in s.sections:
            title = f"{section.number}. {section.title}" if section.number else section.title
            lines += [f"#### {plain(title)}", ""]
            lines += [self._point(p, view.links) for p in section.points] or ["No contributions."]
            lines.append("")
        if s.disagreements:
            lines += ["#### Notable disagreements", ""]
            lines += [self._point(p, view.links) for p in s.disagreements]
            lines.append("")
        if s.decisions:
            lines += [f"#### {DECISIONS}", ""]
            lines += [self._point(p, view.links) for p in s.decisions]
            lines.append("")
        lines += [f"> {plain(note)}" for note in s.notes]
        self._lines(lines)

    @staticmethod
    def _point(p: Point, links: dict[int, str]) -> str:
        cited = " ".join(f"[{n}]({url})" for n, url in point_links(p, links))
        meta = " · ".join(x for x in (who(p), cited) if x)
        label = f"**{plain(p.label)}** — " if p.label else ""
        return f"- {label}{escape(p.text)}" + (f" — {meta}" if meta else "")
