"""A summary on Discord: embeds whose points link the messages they come from, the chart, and
the Markdown file when the embeds cannot hold it all. What members wrote is made inert."""

from __future__ import annotations

import asyncio
import contextlib
import io
from typing import TYPE_CHECKING, Any

import discord

from cogs.support import render
from cogs.support.threads import unarchived
from roundtable.packs.excerpts import (
    EMBED_DESCRIPTION_MAX,
    EMBED_TOTAL_MAX,
    EMBEDS_PER_MESSAGE,
    EmbedSpec,
    MessageSpec,
)
from roundtable.rounds.model import RoundRecord
from roundtable.summaries import chart_png
from roundtable.summaries import render as document
from roundtable.summaries.model import Discussion, Point, Summary, SummaryPost, linkable
from roundtable.text import clip

if TYPE_CHECKING:
    from cogs.support.bot import RoundtableBot

MORE = "\n… (the attached file has the rest)"


def point_line(p: Point, guild_id: int | None, channel_id: int | None) -> str:
    """ "• “quote” — 3 members, mostly Agree · [1] [2]" with jump links to the cited messages."""
    links = []
    for n, message_id in enumerate(p.message_ids[: document.MAX_LINKS], start=1):
        if not linkable(message_id):
            continue  # an answer whose card never reached the thread: counted, not linked
        if guild_id is None or channel_id is None:
            links.append(f"#{message_id}")
        else:
            links.append(render.jump_link(str(n), guild_id, channel_id, message_id))
    meta = " · ".join(x for x in (document.who(p), " ".join(links)) if x)
    label = f"**{render.inert(p.label)}** — " if p.label else ""
    return f"• {label}{render.inert(p.text)} — {meta}"


def embeds(
    summary: Summary, *, guild_id: int | None, channel_id: int | None
) -> tuple[list[EmbedSpec], bool]:
    """The summary's embeds, and whether anything had to be shortened to fit."""
    shortened = False
    out = [
        EmbedSpec(
            title=clip(f"Summary · {summary.title}", 256),
            description="\n".join(
                [document.header(summary)]
                + (["", render.inert(summary.lead)] if summary.lead else [])
                + (  # with no stances the closing message has said so: no table of zeros
                    ["", "**Stances, opening → closing**", *document.stance_text(summary)]
                    if document.stance_text(summary)
                    else []
                )
                + [f"-# {note}" for note in summary.notes]
            ),
        )
    ]
    groups = [
        (f"{s.number}. {s.title}" if s.number else s.title, s.points) for s in summary.sections
    ]
    if summary.disagreements:
        groups.append(("Notable disagreements", summary.disagreements))
    if summary.decisions:
        groups.append((document.DECISIONS, summary.decisions))
    for title, points in groups:
        lines = [point_line(p, guild_id, channel_id) for p in points] or ["No contributions."]
        text = ""
        for line in lines:
            candidate = f"{text}\n{line}" if text else line
            if len(candidate) > EMBED_DESCRIPTION_MAX - len(MORE):
                text += MORE
                shortened = True
                break
            text = candidate
        out.append(EmbedSpec(title=clip(title, 256), description=text))
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


async def summary_payloads(summary: Summary, d: Discussion) -> list[dict[str, Any]]:
    """send() keyword arguments for each message of the summary."""
    specs, shortened = messages(summary, guild_id=d.guild_id, channel_id=d.channel_id)
    chart = await asyncio.to_thread(chart_png, summary, d)
    payloads: list[dict[str, Any]] = [
        {"embeds": [render.to_embed(e) for e in spec.embeds]} for spec in specs
    ]
    payloads[0]["embeds"][0].set_image(url="attachment://summary.png")
    payloads[0]["files"] = [discord.File(io.BytesIO(chart), filename="summary.png")]
    if shortened:
        text = document.markdown(summary, guild_id=d.guild_id, channel_id=d.channel_id)
        payloads[-1].setdefault("files", []).append(
            discord.File(io.BytesIO(text.encode()), filename="summary.md")
        )
    return payloads


async def post_summary(
    bot: RoundtableBot, record: RoundRecord, summary: Summary, d: Discussion
) -> None:
    """Post the summary in the round's thread, and keep its messages' ids: a message a point
    cites deleted later, the post is edited to leave that point out (StalePosts)."""
    assert record.thread_id is not None
    thread = bot.get_partial_messageable(record.thread_id, guild_id=d.guild_id)
    posted = [(await thread.send(**payload)).id for payload in await summary_payloads(summary, d)]
    await bot.summaries.posted(record.guild_id, record.id, record.thread_id, posted, summary)


class StalePosts:
    """Edits the summaries posted in round threads once a message they cite is gone (deleted,
    withdrawn, its author forgotten), one thread at a time. The thread of a closed round is
    archived, and Discord edits nothing in an archived thread: it is unarchived for the edit,
    then archived (and locked) again as it was."""

    def __init__(self, bot: RoundtableBot) -> None:
        self.bot = bot
        self._locks: dict[int, asyncio.Lock] = {}

    async def edit(self, guild_id: int, channel_id: int | None = None) -> int:
        """Edit the stale posts in `channel_id` (else the server's); returns how many."""
        await self.bot.capture.settle()  # a deletion just seen is stored first
        edited = 0
        for post in await self.bot.summaries.posts(guild_id, channel_id=channel_id):
            lock = self._locks.setdefault(post.channel_id, asyncio.Lock())
            async with lock:  # checked again inside: an edit just made leaves nothing stale
                stale = await self.bot.summaries.stale(post)
                if stale is not None:
                    await self._edit(post, *stale)
                    edited += 1
        return edited

    async def _edit(self, post: SummaryPost, summary: Summary, d: Discussion) -> None:
        payloads = await summary_payloads(summary, d)
        thread = self.bot.get_partial_messageable(post.channel_id, guild_id=post.guild_id)
        kept: list[int] = []
        async with unarchived(self.bot, post.channel_id):
            for n, message_id in enumerate(post.message_ids):
                message = thread.get_partial_message(message_id)
                if n >= len(payloads):  # fewer points: the post takes fewer messages
                    with contextlib.suppress(discord.NotFound):
                        await message.delete()
                    continue
                payload = payloads[n]
                try:
                    await message.edit(
                        embeds=payload["embeds"], attachments=payload.get("files", [])
                    )
                except discord.NotFound:
                    continue  # a moderator deleted it: nothing left to correct
                kept.append(message_id)
        await self.bot.summaries.posted(
            post.guild_id, post.round_id, post.channel_id, kept, summary
        )
