"""/suggest and /suggestions list|review|mine: the Discord side of members' suggested questions
(the decisions are roundtable/suggestions/service.py's)."""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands

from cogs.suggestions.cards import (
    DYNAMIC_ITEMS,
    card_embed,
    card_view,
    list_message,
    mine_embed,
)
from cogs.support import autocomplete
from cogs.support.bot import RoundtableBot
from cogs.support.checks import check_moderator, require_guild
from cogs.support.confirm import ask
from cogs.support.render import inert
from roundtable.packs.model import MAX_QUESTION_CHARS
from roundtable.suggestions.model import Target
from roundtable.text import clip

log = logging.getLogger(__name__)

Interaction = discord.Interaction[RoundtableBot]


class SuggestionsCog(commands.Cog):
    suggestions = app_commands.Group(
        name="suggestions", description="Questions members suggested", guild_only=True
    )

    def __init__(self, bot: RoundtableBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(*DYNAMIC_ITEMS)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(*DYNAMIC_ITEMS)

    # -- /suggest -----------------------------------------------------------------------------

    @app_commands.command(
        name="suggest",
        description="Suggest a debate question (in a round's thread, or for a section)",
    )
    @app_commands.describe(
        question="Your question, as members would read it",
        pack="For a section of this pack (else: the round whose thread you are in)",
        section="The pack's section",
    )
    @app_commands.guild_only()
    async def suggest(
        self,
        interaction: Interaction,
        question: app_commands.Range[str, 1, MAX_QUESTION_CHARS + 200],
        pack: str | None = None,
        section: app_commands.Range[int, 1, 1000] | None = None,
    ) -> None:
        guild = require_guild(interaction)
        bot = self.bot
        in_round = None
        if not pack and interaction.channel_id is not None:
            round_id = bot.rounds.threads.round_of(guild.id, interaction.channel_id)
            if round_id is not None:
                in_round = await bot.rounds.get(guild.id, round_id)
        target = await bot.suggestions.target(
            guild.id, pack_slug=pack, section=section, in_round=in_round
        )
        text, similar = await bot.suggestions.check(guild.id, interaction.user.id, question, target)
        if not similar:
            await self._submit(interaction, text, target)
            return
        close = "\n".join(f"• {inert(clip(s.text, 200))} ({s.what})" for s in similar[:5])

        async def anyway(click: discord.Interaction) -> None:
            await self._submit(click, text, target, edit=True)

        await ask(
            interaction,
            f"Your question is close to what {inert(target.where)} already has:\n{close}\n"
            "Suggest it anyway?",
            on_confirm=anyway,
            confirm_label="Suggest anyway",
            cancelled="Not suggested.",
        )

    suggest.autocomplete("pack")(autocomplete.packs)
    suggest.autocomplete("section")(autocomplete.sections)

    async def _submit(
        self, interaction: discord.Interaction, text: str, target: Target, *, edit: bool = False
    ) -> None:
        bot = self.bot
        assert interaction.guild_id is not None
        user = interaction.user
        stored = await bot.suggestions.submit(
            interaction.guild_id, user.id, text, target, name=user.display_name
        )
        settings = await bot.guild_config.get(interaction.guild_id)
        where = "Moderators see it in /suggestions review."
        if settings.suggestions_channel_id:
            channel = bot.get_partial_messageable(settings.suggestions_channel_id)
            try:
                view = card_view(stored)
                assert view is not None  # a new suggestion is pending
                card = await channel.send(
                    embed=await card_embed(bot, stored, where=target.where), view=view
                )
                await bot.suggestions.card_posted(stored, card.channel.id, card.id)
                where = f"It is in <#{settings.suggestions_channel_id}> for votes and review."
            except discord.HTTPException as exc:
                log.warning("Could not post suggestion %s's card: %s", stored.id, exc)
        reply = (
            f"Thanks: suggestion {stored.id} for {inert(target.where)} is waiting for a "
            f"moderator.\n> {inert(stored.text)}\n{where} /suggestions mine shows what becomes "
            "of it."
        )
        if edit:
            await interaction.response.edit_message(content=reply, view=None)
        else:
            await interaction.response.send_message(reply, ephemeral=True)

    # -- /suggestions ---------------------------------------------------------------------------

    @suggestions.command(name="list", description="The suggested questions waiting, to up-vote")
    async def list_(self, interaction: Interaction) -> None:
        guild = require_guild(interaction)
        await interaction.response.send_message(
            **await list_message(self.bot, guild.id, review=False), ephemeral=True
        )

    @suggestions.command(
        name="review", description="Approve, edit or reject suggested questions (moderators)"
    )
    async def review(self, interaction: Interaction) -> None:
        guild = require_guild(interaction)
        await check_moderator(interaction)
        await interaction.response.send_message(
            **await list_message(self.bot, guild.id, review=True), ephemeral=True
        )

    @suggestions.command(name="mine", description="What became of the questions you suggested")
    async def mine(self, interaction: Interaction) -> None:
        guild = require_guild(interaction)
        found = await self.bot.suggestions.mine(guild.id, interaction.user.id)
        described = [(s, await self.bot.suggestions.where(s)) for s in found]
        await interaction.response.send_message(embed=mine_embed(described), ephemeral=True)
