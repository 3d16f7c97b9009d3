"""A summary as a Markdown document (the attachment when embeds are not enough, and the CLI),
and the plain-text pieces the Discord embeds (cogs/support/summary_posts.py) share with it."""

from __future__ import annotations

from roundtable.summaries.model import Point, Summary, linkable
from roundtable.text import unmask_links

MAX_LINKS = 3
DECISIONS = "Decisions and actions"


def jump(guild_id: int | None, channel_id: int | None, message_id: int) -> str | None:
    """The message's address, when it is a Discord message and where it is is known."""
    if guild_id is None or channel_id is None or not linkable(message_id):
        return None
    return f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"


def stance_text(summary: Summary) -> list[str]:
    """ "Agree: 1 → 2 (+1)" per stance; nothing when nobody took one (no table of zeros)."""
    if not any(before or after for before, after in summary.stances.values()):
        return []
    lines = []
    for label, (before, after) in summary.stances.items():
        shift = after - before
        lines.append(f"{label}: {before} → {after} ({'+' if shift > 0 else ''}{shift})")
    return lines


def header(summary: Summary) -> str:
    """Who took part, in the discussion's own terms: a round's members, answers and replies; a
    plain discussion's messages and people (it has no answers: "151 messages from 22
    people", not "22 members, 0 answers, 151 replies")."""
    if summary.answers == 0 and all(s.number is None for s in summary.sections):
        messages = "message" if summary.replies == 1 else "messages"
        people = "person" if summary.members == 1 else "people"
        taking_part = f"{summary.replies:,} {messages} from {summary.members:,} {people}"
    else:
        members = "member" if summary.members == 1 else "members"
        taking_part = (
            f"{summary.members} {members}, {summary.answers} answers, {summary.replies} replies"
        )
    engine = "Written by the configured LLM" if summary.engine == "llm" else "Extractive summary"
    return f"{taking_part}. {engine}; every point links the messages it comes from."


def who(p: Point) -> str:
    """ "3 members, mostly Agree"."""
    people = f"{p.members} member{'s' if p.members != 1 else ''}" if p.members else ""
    return f"{people}{f', {p.side}' if p.side else ''}".strip(", ")


def point_line(p: Point, guild_id: int | None, channel_id: int | None) -> str:
    """A point as a Markdown list item's text; a masked link in what members wrote is written
    out, so the document's only links are ours."""
    links = []
    for n, message_id in enumerate(p.message_ids[:MAX_LINKS], start=1):
        url = jump(guild_id, channel_id, message_id)
        if url:
            links.append(f"[{n}]({url})")
        elif linkable(message_id):
            links.append(f"#{message_id}")
    meta = " · ".join(x for x in (who(p), " ".join(links)) if x)
    label = f"**{unmask_links(p.label)}** — " if p.label else ""
    return f"{label}{unmask_links(p.text)} — {meta}"


def markdown(
    summary: Summary, *, guild_id: int | None = None, channel_id: int | None = None
) -> str:
    """The full summary as Markdown (the attachment when embeds are not enough, and the CLI)."""
    out = [f"# Summary · {summary.title}", "", header(summary), ""]
    if summary.lead:
        out += [unmask_links(summary.lead), ""]
    if stance_text(summary):
        out += [
            "## Stances, opening → closing",
            "",
            *[f"- {line}" for line in stance_text(summary)],
            "",
        ]
    for section in summary.sections:
        title = f"{section.number}. {section.title}" if section.number else section.title
        out += [f"## {title}", ""]
        out += [f"- {point_line(p, guild_id, channel_id)}" for p in section.points] or [
            "No contributions."
        ]
        out.append("")
    if summary.disagreements:
        out += ["## Notable disagreements", ""]
        out += [f"- {point_line(p, guild_id, channel_id)}" for p in summary.disagreements]
        out.append("")
    if summary.decisions:
        out += [f"## {DECISIONS}", ""]
        out += [f"- {point_line(p, guild_id, channel_id)}" for p in summary.decisions]
        out.append("")
    out += [f"> {note}" for note in summary.notes]
    return "\n".join(out).rstrip() + "\n"
