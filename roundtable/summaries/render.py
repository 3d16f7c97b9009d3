"""A summary as Discord messages (embeds with jump links) and as Markdown."""

from __future__ import annotations

from roundtable.packs.excerpts import (
    EMBED_DESCRIPTION_MAX,
    EMBED_TOTAL_MAX,
    EMBEDS_PER_MESSAGE,
    EmbedSpec,
    MessageSpec,
)
from roundtable.summaries.model import Point, Summary

MAX_LINKS = 3


def jump(guild_id: int | None, channel_id: int | None, message_id: int) -> str | None:
    if guild_id is None or channel_id is None:
        return None
    return f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def stance_text(summary: Summary) -> list[str]:
    lines = []
    for label, (before, after) in summary.stances.items():
        shift = after - before
        lines.append(f"{label}: {before} → {after} ({'+' if shift > 0 else ''}{shift})")
    return lines


def header(summary: Summary) -> str:
    people = "member" if summary.members == 1 else "members"
    return (
        f"{summary.members} {people}, {summary.answers} answers, {summary.replies} replies. "
        f"{'Written by the configured LLM' if summary.engine == 'llm' else 'Extractive summary'}"
        "; every point links the messages it comes from."
    )


def point_line(p: Point, guild_id: int | None, channel_id: int | None) -> str:
    who = f"{p.members} member{'s' if p.members != 1 else ''}" if p.members else ""
    lean = f", {p.side}" if p.side else ""
    links = []
    for n, message_id in enumerate(p.message_ids[:MAX_LINKS], start=1):
        url = jump(guild_id, channel_id, message_id)
        links.append(f"[{n}]({url})" if url else f"#{message_id}")
    meta = " · ".join(x for x in (f"{who}{lean}".strip(", "), " ".join(links)) if x)
    return f"• {p.text} — {meta}"


def embeds(
    summary: Summary, *, guild_id: int | None, channel_id: int | None
) -> tuple[list[EmbedSpec], bool]:
    """The summary's embeds, and whether anything had to be shortened to fit."""
    shortened = False
    out = [
        EmbedSpec(
            title=_clip(f"Summary · {summary.title}", 256),
            description="\n".join(
                [header(summary), "", "**Stances, opening → closing**", *stance_text(summary)]
                + [f"-# {note}" for note in summary.notes]
            ),
        )
    ]
    groups = [
        (f"{s.number}. {s.title}" if s.number else s.title, s.points) for s in summary.sections
    ]
    if summary.disagreements:
        groups.append(("Notable disagreements", summary.disagreements))
    for title, points in groups:
        lines = [point_line(p, guild_id, channel_id) for p in points] or ["No contributions."]
        text = ""
        for line in lines:
            candidate = f"{text}\n{line}" if text else line
            if len(candidate) > EMBED_DESCRIPTION_MAX - 40:
                text += "\n… (the attached file has the rest)"
                shortened = True
                break
            text = candidate
        out.append(EmbedSpec(title=_clip(title, 256), description=text))
    return out, shortened


def messages(
    summary: Summary, *, guild_id: int | None, channel_id: int | None
) -> tuple[list[MessageSpec], bool]:
    """Embeds packed into messages within Discord's limits (10 embeds, 6,000 characters)."""
    specs, shortened = embeds(summary, guild_id=guild_id, channel_id=channel_id)
    packed: list[list[EmbedSpec]] = [[]]
    size = 0
    for spec in specs:
        if packed[-1] and (
            size + spec.chars > EMBED_TOTAL_MAX or len(packed[-1]) == EMBEDS_PER_MESSAGE
        ):
            packed.append([])
            size = 0
        packed[-1].append(spec)
        size += spec.chars
    return [MessageSpec(embeds=tuple(group)) for group in packed], shortened


def markdown(
    summary: Summary, *, guild_id: int | None = None, channel_id: int | None = None
) -> str:
    """The full summary as Markdown (the attachment when embeds are not enough, and the CLI)."""
    out = [f"# Summary · {summary.title}", "", header(summary), ""]
    if summary.stances:
        out += [
            "## Stances, opening → closing",
            "",
            *[f"- {line}" for line in stance_text(summary)],
            "",
        ]
    for section in summary.sections:
        title = f"{section.number}. {section.title}" if section.number else section.title
        out += [f"## {title}", ""]
        out += [f"- {point_line(p, guild_id, channel_id)[2:]}" for p in section.points] or [
            "No contributions."
        ]
        out.append("")
    if summary.disagreements:
        out += ["## Notable disagreements", ""]
        out += [f"- {point_line(p, guild_id, channel_id)[2:]}" for p in summary.disagreements]
        out.append("")
    out += [f"> {note}" for note in summary.notes]
    return "\n".join(out).rstrip() + "\n"
