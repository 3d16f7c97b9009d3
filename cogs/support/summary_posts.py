"""Publishing a summary in a round's thread: embeds with jump links, the chart, the file."""

from __future__ import annotations

import asyncio
import io
from typing import TYPE_CHECKING

import discord

from cogs.support.render import to_embed
from roundtable.summaries import render
from roundtable.summaries.chart import render_png
from roundtable.summaries.model import Discussion, Summary

if TYPE_CHECKING:
    from cogs.support.bot import RoundtableBot


async def summary_payloads(summary: Summary, d: Discussion) -> list[dict]:
    """send() keyword arguments for each message of the summary."""
    specs, shortened = render.messages(summary, guild_id=d.guild_id, channel_id=d.channel_id)
    chart = await asyncio.to_thread(render_png, summary, d)
    payloads: list[dict] = [{"embeds": [to_embed(e) for e in spec.embeds]} for spec in specs]
    payloads[0]["embeds"][0].set_image(url="attachment://summary.png")
    payloads[0]["files"] = [discord.File(io.BytesIO(chart), filename="summary.png")]
    if shortened:
        text = render.markdown(summary, guild_id=d.guild_id, channel_id=d.channel_id)
        payloads[-1].setdefault("files", []).append(
            discord.File(io.BytesIO(text.encode()), filename="summary.md")
        )
    return payloads


async def post_summary(bot: RoundtableBot, thread_id: int, summary: Summary, d: Discussion) -> None:
    thread = bot.get_partial_messageable(thread_id, guild_id=d.guild_id)
    for payload in await summary_payloads(summary, d):
        await thread.send(**payload)
