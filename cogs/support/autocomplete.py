"""Autocomplete shared by the commands that name a pack, a section or a round."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands

from cogs.support.checks import can_view
from roundtable.text import clip

if TYPE_CHECKING:
    from cogs.support.bot import RoundtableBot


async def packs(
    interaction: discord.Interaction[RoundtableBot], current: str
) -> list[app_commands.Choice[str]]:
    if interaction.guild_id is None:
        return []
    found = await interaction.client.packs.suggest_packs(interaction.guild_id, current)
    return [app_commands.Choice(name=label, value=slug) for label, slug in found]


async def sections(
    interaction: discord.Interaction[RoundtableBot], current: str
) -> list[app_commands.Choice[int]]:
    if interaction.guild_id is None:
        return []
    slug = getattr(interaction.namespace, "pack", None)
    found = await interaction.client.packs.suggest_sections(
        interaction.guild_id, slug, str(current)
    )
    return [app_commands.Choice(name=label, value=number) for label, number in found]


async def rounds(
    interaction: discord.Interaction[RoundtableBot], current: str
) -> list[app_commands.Choice[int]]:
    """Open rounds first, then recent ones; matches the number or the section title. Only
    rounds in channels the member can view: a title is content too."""
    if interaction.guild_id is None:
        return []
    found = await interaction.client.rounds.suggest(interaction.guild_id, str(current), limit=100)
    return [
        app_commands.Choice(name=clip(f"{r.id}. {r.section_title} ({r.status})", 100), value=r.id)
        for r in found
        if can_view(interaction, r.channel_id)
    ][:25]


async def durations(
    interaction: discord.Interaction[RoundtableBot], current: str
) -> list[app_commands.Choice[str]]:
    from roundtable.durations import SUGGESTIONS

    typed = str(current).strip()
    options = ([typed] if typed and typed not in SUGGESTIONS else []) + list(SUGGESTIONS)
    return [app_commands.Choice(name=o, value=o) for o in options][:25]
