"""The one place for Discord markup: timestamps, mentions, jump links, member text made inert,
and the core's Discord-free message layouts turned into discord.py embeds and messages."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import discord

from cogs.support.threads import unarchived
from roundtable.packs.excerpts import EmbedSpec, MessageSpec
from roundtable.progress.model import PackProgress, Spread
from roundtable.text import plural, unmask_links

COLOUR = discord.Colour.blurple()


def timestamp(moment: datetime, style: discord.utils.TimestampStyle = "F") -> str:
    """Shown in each reader's own time zone and language."""
    return discord.utils.format_dt(moment, style)


def channel(channel_id: int) -> str:
    return f"<#{channel_id}>"


def role(role_id: int) -> str:
    return f"<@&{role_id}>"


def user(user_id: int) -> str:
    """A mention that pings nobody: the Bot sends with AllowedMentions.none()."""
    return f"<@{user_id}>"


def jump_url(guild_id: int, channel_id: int, message_id: int) -> str:
    return f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"


def jump_link(label: str, guild_id: int, channel_id: int, message_id: int) -> str:
    return f"[{label}]({jump_url(guild_id, channel_id, message_id)})"


def inert(text: str) -> str:
    """What a member wrote, safe to echo under the bot's name: masked links written out (the
    reader sees where a link goes), Markdown escaped, @everyone/@here and mentions defused."""
    return discord.utils.escape_mentions(discord.utils.escape_markdown(unmask_links(text)))


def to_embed(spec: EmbedSpec) -> discord.Embed:
    embed = discord.Embed(title=spec.title, description=spec.description, colour=COLOUR)
    if spec.footer:
        embed.set_footer(text=spec.footer)
    return embed


def fit_lines(lines: Sequence[str], limit: int, more: str = "… and {n} more") -> str:
    """Join as many lines as fit in `limit` characters, then say how many were left out."""
    reserve = len(more.format(n=len(lines))) + 1
    out: list[str] = []
    used = 0
    for index, line in enumerate(lines):
        need = len(line) + (1 if out else 0)
        last = index == len(lines) - 1
        if used + need + (0 if last else reserve) > limit:
            out.append(more.format(n=len(lines) - index))
            break
        out.append(line)
        used += need
    return "\n".join(out)


def listing(title: str, lines: Sequence[str], empty: str) -> discord.Embed:
    """A list of things as one embed: as many lines as fit, or what to do when there are none."""
    return discord.Embed(title=title, description=fit_lines(lines, 4096) or empty, colour=COLOUR)


def send_kwargs(spec: MessageSpec) -> dict[str, Any]:
    """send() keyword arguments for one message of a layout."""
    kwargs: dict[str, Any] = {"embeds": [to_embed(e) for e in spec.embeds]}
    if spec.content:
        kwargs["content"] = spec.content
    return kwargs


async def delete_messages(bot: discord.Client, posts: Iterable[tuple[int, int]]) -> None:
    """Delete (channel or thread id, message id) posts that showed withdrawn answers; a thread
    archived since (a closed round's) is unarchived for it and archived again as it was."""
    by_channel: dict[int, list[int]] = {}
    for channel_id, message_id in dict.fromkeys(posts):
        by_channel.setdefault(channel_id, []).append(message_id)
    for channel_id, message_ids in by_channel.items():
        channel = bot.get_partial_messageable(channel_id)
        try:
            async with unarchived(bot, channel_id):
                for message_id in message_ids:
                    with contextlib.suppress(discord.NotFound):  # already gone
                        await channel.get_partial_message(message_id).delete()
        except discord.NotFound:
            pass  # the thread itself is gone, and its messages with it


async def send_layout(
    interaction: discord.Interaction, messages: Sequence[MessageSpec], *, ephemeral: bool
) -> None:
    """Send a layout as the interaction's response (or follow-up) plus follow-ups."""
    for index, message in enumerate(messages):
        kwargs = {**send_kwargs(message), "ephemeral": ephemeral}
        if index == 0 and not interaction.response.is_done():
            await interaction.response.send_message(**kwargs)
        else:
            await interaction.followup.send(**kwargs)


# -- reading progress (/progress, /round show, /schedule show) -----------------------------------


def progress_line(p: PackProgress) -> str:
    return (
        f"**{inert(p.pack_title)}**: read up to section {p.section} of {p.sections} "
        f"({inert(p.section_title)})"
    )


def spread_line(spread: Spread, section: int) -> str:
    """/round show: how many of the members tracking the pack have read this section."""
    if not spread.members:
        return "Nobody has marked any of this pack read yet."
    return (
        f"{plural(spread.at_least(section), 'member')} (of {spread.members} tracking this pack) "
        "read this section or further."
    )


def spread_by_section(spread: Spread) -> str:
    """/schedule show: how far the pack's readers are, section by section."""
    if not spread.members:
        return "Nobody has marked any of this pack read yet."
    shown = [f"§{n}: {c}" for n, c in enumerate(spread.counts, start=1) if c]
    return f"Read up to {' · '.join(shown)} ({plural(spread.members, 'member')})"
