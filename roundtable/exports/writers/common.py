"""What every format says the same way: the export's description, stance movement across a
series, a summary's header and the links of its points."""

from __future__ import annotations

from collections.abc import Sequence

from roundtable.exports.model import Meta, RoundView, shown_time
from roundtable.summaries.model import Point, Summary
from roundtable.summaries.render import MAX_LINKS, header

INCLUDED = {
    "summaries": "the rounds' summaries",
    "answers": "questions, answers and replies",
    "everything": "excerpts, questions, answers, replies, stances, edits, suggested questions "
    "and summaries",
}


def described(meta: Meta) -> str:
    parts = [f"Exported from Roundtable on {shown_time(meta.made_at)}"]
    parts.append(f"{len(meta.rounds)} round{'s' if len(meta.rounds) != 1 else ''}")
    if meta.since or meta.until:
        parts.append(
            "rounds opened "
            + " ".join(
                x
                for x in (
                    f"from {shown_time(meta.since)}" if meta.since else "",
                    f"before {shown_time(meta.until)}" if meta.until else "",
                )
                if x
            )
        )
    parts.append(INCLUDED[meta.include])
    if meta.anonymised:
        parts.append("names replaced by pseudonyms")
    return " · ".join(parts) + "."


def state(r: RoundView) -> str:
    """ "closed 2026-12-06 18:00 UTC" / "open, closes 2026-12-08 18:00 UTC" / "open"."""
    if r.status == "open":
        return f"open, closes {shown_time(r.closes_at)}" if r.closes_at else "open"
    return f"{r.status} {shown_time(r.closed_at)}".strip()


def shift(counts: tuple[int, int]) -> str:
    before, after = counts
    change = after - before
    return f"{before} → {after} ({'+' if change > 0 else ''}{change})"


def movement(
    rounds: Sequence[RoundView],
) -> tuple[list[str], list[tuple[RoundView, list[tuple[int, int] | None]]]]:
    """Stance labels across the rounds (in first-seen order) and each round's counts."""
    labels: list[str] = []
    for r in rounds:
        for label in (*r.stance_labels, *r.totals.stances):
            if label not in labels:
                labels.append(label)
    if not any(r.totals.stances for r in rounds):
        return [], []
    rows = [(r, [r.totals.stances.get(label) for label in labels]) for r in rounds]
    return labels, rows


def series_totals(rounds: Sequence[RoundView], labels: Sequence[str]) -> list[tuple[int, int]]:
    out = []
    for label in labels:
        cells = [r.totals.stances.get(label, (0, 0)) for r in rounds]
        out.append((sum(c[0] for c in cells), sum(c[1] for c in cells)))
    return out


def summary_header(s: Summary) -> str:
    return header(s)


def point_links(p: Point, links: dict[int, str]) -> list[tuple[int, str]]:
    """(n, url) for the point's first cited messages that are posted Discord messages."""
    found = [links[i] for i in p.message_ids if i in links][:MAX_LINKS]
    return list(enumerate(found, start=1))
