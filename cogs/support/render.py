"""Turn the core's Discord-free message layouts into discord.py embeds and messages."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import discord

from roundtable.packs.excerpts import EmbedSpec, MessageSpec

COLOUR = discord.Colour.blurple()


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


def send_kwargs(spec: MessageSpec) -> dict[str, Any]:
    """send() keyword arguments for one message of a layout."""
    kwargs: dict[str, Any] = {"embeds": [to_embed(e) for e in spec.embeds]}
    if spec.content:
        kwargs["content"] = spec.content
    return kwargs


async def delete_messages(bot: discord.Client, posts: Iterable[tuple[int, int]]) -> None:
    """Delete (channel or thread id, message id) posts that showed withdrawn answers."""
    for channel_id, message_id in dict.fromkeys(posts):
        channel = bot.get_partial_messageable(channel_id)
        try:
            await channel.get_partial_message(message_id).delete()
        except discord.NotFound:
            pass  # already gone


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
