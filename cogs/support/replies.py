"""Ephemeral replies that work whether or not the interaction was already answered."""

from __future__ import annotations

import logging

import discord

log = logging.getLogger(__name__)


async def reply_ephemeral(
    interaction: discord.Interaction, content: str | None = None, **kwargs: object
) -> None:
    """Answer privately: the first response, or a follow-up when it is already done."""
    kwargs.setdefault("allowed_mentions", discord.AllowedMentions.none())
    if interaction.response.is_done():
        await interaction.followup.send(content, ephemeral=True, **kwargs)  # type: ignore[arg-type]
    else:
        await interaction.response.send_message(content, ephemeral=True, **kwargs)  # type: ignore[arg-type]


def interaction_context(interaction: discord.Interaction) -> str:
    """Where an interaction came from, for the log."""
    command = interaction.command.qualified_name if interaction.command else None
    custom_id = (interaction.data or {}).get("custom_id")
    return (
        f"guild={interaction.guild_id} channel={interaction.channel_id} "
        f"user={interaction.user.id} command={command!r} custom_id={custom_id!r}"
    )
