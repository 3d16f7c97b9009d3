"""Turn the core's Discord-free message layouts into discord.py embeds and messages."""

from __future__ import annotations

from collections.abc import Sequence

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


async def send_layout(
    interaction: discord.Interaction,
    messages: Sequence[MessageSpec],
    *,
    ephemeral: bool,
    view_for_last: discord.ui.View | None = None,
) -> None:
    """Send a layout as the interaction's response (or follow-up) plus follow-ups."""
    for index, message in enumerate(messages):
        embeds = [to_embed(e) for e in message.embeds]
        kwargs: dict = {"embeds": embeds, "ephemeral": ephemeral}
        if message.content:
            kwargs["content"] = message.content
        if view_for_last is not None and index == len(messages) - 1:
            kwargs["view"] = view_for_last
        if index == 0 and not interaction.response.is_done():
            await interaction.response.send_message(**kwargs)
        else:
            await interaction.followup.send(**kwargs)
