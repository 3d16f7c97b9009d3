"""Who may use a round's buttons and forms: checked on every click, since a custom_id or a
modal's can be forged by a modified client."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord

from cogs.support.checks import can_view
from roundtable.errors import UserError

if TYPE_CHECKING:
    from cogs.support.bot import RoundtableBot
    from roundtable.rounds.model import RoundRecord


def guild_of(interaction: discord.Interaction[Any]) -> int:
    if interaction.guild_id is None:
        raise UserError("This only works in a server.")
    return interaction.guild_id


MAX_ID = 2**63 - 1  # a Discord snowflake, and SQLite's largest integer


async def check_round(
    interaction: discord.Interaction[RoundtableBot], round_id: int
) -> RoundRecord:
    """A custom_id can be forged: the round must exist on this server and be in a channel the
    member can view (a real button is always on the round's own message). Returns the round,
    as read now, for the handler (one read per click, not two)."""
    if not 0 < round_id <= MAX_ID:
        raise UserError("This is not a button of a round on this server.")
    record = await interaction.client.rounds.get(guild_of(interaction), round_id)
    if not can_view(interaction, record.channel_id):
        raise UserError(f"Round {record.id} is in a channel you cannot see.")
    return record
