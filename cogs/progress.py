"""/progress [pack] [section]: how far I have read, privately; with both options, set it."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from cogs.support import autocomplete
from cogs.support.bot import RoundtableBot
from cogs.support.checks import require_guild
from cogs.support.render import progress_line
from roundtable.errors import UserError

Interaction = discord.Interaction[RoundtableBot]


class ProgressCog(commands.Cog):
    def __init__(self, bot: RoundtableBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="progress", description="How far you have read; give pack and section to set it"
    )
    @app_commands.describe(
        pack="A pack (alone: your progress in it)", section="Read up to this section (set)"
    )
    @app_commands.guild_only()
    async def progress(
        self,
        interaction: Interaction,
        pack: str | None = None,
        section: app_commands.Range[int, 1, 1000] | None = None,
    ) -> None:
        guild = require_guild(interaction)
        user = interaction.user.id
        if section is not None and not pack:
            raise UserError("Name the pack too (pack:), to set how far you have read in it.")
        if pack and section is not None:
            stored = await self.bot.progress.set(guild.id, user, pack, section)
            text = f"Saved. {progress_line(stored)}."
        else:
            mine = await self.bot.progress.mine(guild.id, user)
            if pack:
                record, _ = await self.bot.packs.load(guild.id, pack)
                mine = [p for p in mine if p.pack_id == record.id]
            if mine:
                text = "\n".join(progress_line(p) for p in mine)
            else:
                text = (
                    "You have not marked any reading yet: press **I've read this** on a round, "
                    "or use /progress with pack and section."
                )
        await interaction.response.send_message(text, ephemeral=True)

    progress.autocomplete("pack")(autocomplete.packs)
    progress.autocomplete("section")(autocomplete.sections)


async def setup(bot: RoundtableBot) -> None:
    await bot.add_cog(ProgressCog(bot))
