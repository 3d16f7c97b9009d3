"""Autocomplete shared by the commands that name a pack, a section or a round."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands

if TYPE_CHECKING:
    pass

Interaction = discord.Interaction["RoundtableBot"]


async def packs(interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
    if interaction.guild_id is None:
        return []
    found = await interaction.client.packs.suggest_packs(interaction.guild_id, current)
    return [app_commands.Choice(name=label, value=slug) for label, slug in found]


async def sections(interaction: Interaction, current: str) -> list[app_commands.Choice[int]]:
    if interaction.guild_id is None:
        return []
    slug = getattr(interaction.namespace, "pack", None)
    found = await interaction.client.packs.suggest_sections(
        interaction.guild_id, slug, str(current)
    )
    return [app_commands.Choice(name=label, value=number) for label, number in found]


async def rounds(interaction: Interaction, current: str) -> list[app_commands.Choice[int]]:
    """Open rounds first, then recent ones; matches the number or the section title."""
    if interaction.guild_id is None:
        return []
    words = str(current).casefold().split()
    found = []
    for record in await interaction.client.rounds.repo.page(
        interaction.guild_id, limit=100, offset=0
    ):
        label = f"{record.id}. {record.section_title} ({record.status})"
        if all(w in label.casefold() for w in words):
            found.append(app_commands.Choice(name=label[:100], value=record.id))
    return found[:25]


async def durations(interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
    from roundtable.durations import SUGGESTIONS

    typed = str(current).strip()
    options = ([typed] if typed and typed not in SUGGESTIONS else []) + list(SUGGESTIONS)
    return [app_commands.Choice(name=o, value=o) for o in options][:25]
