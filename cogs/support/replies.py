"""Ephemeral replies that work whether or not the interaction was already answered."""

from __future__ import annotations

import logging
from typing import Any

import discord

log = logging.getLogger(__name__)


async def reply_ephemeral(interaction: discord.Interaction[Any], content: str) -> None:
    """Answer privately, pinging nobody: the first response, or a follow-up when it is done."""
    nobody = discord.AllowedMentions.none()
    if interaction.response.is_done():
        await interaction.followup.send(content, ephemeral=True, allowed_mentions=nobody)
    else:
        await interaction.response.send_message(content, ephemeral=True, allowed_mentions=nobody)


def interaction_context(interaction: discord.Interaction) -> str:
    """Where an interaction came from, for the log."""
    command = interaction.command.qualified_name if interaction.command else None
    data: dict[str, Any] = dict(interaction.data or {})
    custom_id = data.get("custom_id")
    return (
        f"guild={interaction.guild_id} channel={interaction.channel_id} "
        f"user={interaction.user.id} command={command!r} custom_id={custom_id!r}"
    )
