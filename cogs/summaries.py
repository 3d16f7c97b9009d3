"""/summary show|regenerate: a round's summary, for anyone; a fresh one, for moderators."""

from __future__ import annotations

import logging
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from cogs.support import autocomplete, render
from cogs.support.bot import RoundtableBot
from cogs.support.checks import can_view, check_moderator, require_guild
from cogs.support.exports import deliver
from cogs.support.summary_posts import StalePosts, post_summary, summary_payloads
from roundtable.errors import UserError

log = logging.getLogger(__name__)
Interaction = discord.Interaction[RoundtableBot]
ROUND = "The round's number (start typing to search)"


@app_commands.guild_only()
class SummariesCog(commands.GroupCog, group_name="summary", group_description="Round summaries"):
    def __init__(self, bot: RoundtableBot):
        self.bot = bot
        self.stale_posts = StalePosts(bot)
        super().__init__()

    # A message a posted summary cites is deleted (a reply, an answer's card), or its author
    # used /forget: the summary in the thread is edited to leave those points out, as
    # /summary show and the exports already do.
    @commands.Cog.listener()
    async def on_raw_message_delete(self, payload: discord.RawMessageDeleteEvent) -> None:
        await self._correct(payload.guild_id, payload.channel_id)

    @commands.Cog.listener()
    async def on_raw_bulk_message_delete(self, payload: discord.RawBulkMessageDeleteEvent) -> None:
        await self._correct(payload.guild_id, payload.channel_id)

    @commands.Cog.listener()
    async def on_member_forgotten(self, guild_id: int, _user_id: int) -> None:
        await self._correct(guild_id, None)

    async def _correct(self, guild_id: int | None, channel_id: int | None) -> None:
        if guild_id is None:
            return
        try:
            if await self.bot.summaries.posts(guild_id, channel_id=channel_id):
                edited = await self.stale_posts.edit(guild_id, channel_id)
                if edited:
                    log.info("Edited %d posted summary(ies) in guild %s", edited, guild_id)
        except Exception:
            log.exception("Could not correct the summaries posted in guild %s", guild_id)

    @app_commands.command(name="show", description="Show a closed round's summary")
    @app_commands.describe(
        round=ROUND, private="Only you see it (default); false posts it in this channel"
    )
    async def show(self, interaction: Interaction, round: int, private: bool = True) -> None:
        guild = require_guild(interaction)
        record = await self.bot.rounds.get(guild.id, round)
        if not can_view(interaction, record.channel_id):
            raise UserError(f"Round {record.id} is in a channel you cannot see.")
        if await self.bot.summaries.stored(guild.id, round) is None:
            raise UserError(
                f"Round {record.id} has no summary yet: it is posted when the round closes."
            )
        if not private:
            self.bot.summaries.claim_public_post(guild.id, record.id, interaction.user.id)
        # Acknowledged before the heavy part (the round's messages, the chart): its cost grows
        # with the round, and Discord allows 3 s.
        await interaction.response.defer(ephemeral=private, thinking=True)
        found = await self.bot.summaries.latest(guild.id, round)
        if found is None:  # dropped meanwhile (a member used /forget)
            await interaction.followup.send(
                f"Round {record.id}'s summary was just withdrawn: /summary regenerate makes "
                "it again.",
                ephemeral=True,
            )
            return
        summary, discussion = found
        for payload in await summary_payloads(summary, discussion):
            await interaction.followup.send(ephemeral=private, **payload)

    @app_commands.command(name="regenerate", description="Write a round's summary again")
    @app_commands.describe(
        round=ROUND, engine="offline, or llm when the host configured one (default: /config)"
    )
    async def regenerate(
        self,
        interaction: Interaction,
        round: int,
        engine: Literal["offline", "llm"] | None = None,
    ) -> None:
        await check_moderator(interaction)
        guild = require_guild(interaction)
        record = await self.bot.rounds.get(guild.id, round)
        await interaction.response.defer(ephemeral=True, thinking=True)
        made = await self.bot.summaries.regenerate(record, engine=engine, by=interaction.user.id)
        if made.reused:
            text = "Nothing changed since the last summary, so it was reused (no new cost)."
        else:
            assert record.thread_id is not None
            await post_summary(self.bot, record, made.summary, made.discussion)
            where = render.channel(record.thread_id)
            text = f"A new {made.summary.engine} summary is posted in {where}."
        if made.summary.engine == "llm":
            text += (
                f" LLM usage: {made.record.prompt_tokens:,} prompt and "
                f"{made.record.completion_tokens:,} completion tokens."
            )
        await interaction.followup.send(text, ephemeral=True)

    @app_commands.command(name="export", description="Download a round's summary as a file")
    @app_commands.describe(round=ROUND, format="Markdown, HTML, CSV or JSON")
    @app_commands.choices(
        format=[
            app_commands.Choice(name="Markdown (.md)", value="md"),
            app_commands.Choice(name="HTML", value="html"),
            app_commands.Choice(name="CSV", value="csv"),
            app_commands.Choice(name="JSON", value="json"),
        ]
    )
    async def export(self, interaction: Interaction, round: int, format: str) -> None:
        guild = require_guild(interaction)
        record = await self.bot.rounds.get(guild.id, round)
        if not can_view(interaction, record.channel_id):
            raise UserError(f"Round {record.id} is in a channel you cannot see.")
        if record.is_open:
            raise UserError(f"Round {record.id} is still open: its summary comes when it closes.")
        request = await self.bot.exports.request(
            guild.id,
            scope=f"round:{record.id}",
            format=format,
            include="summaries",
            server_name=guild.name,
        )
        await interaction.response.defer(ephemeral=True, thinking=True)
        await deliver(interaction, request)

    show.autocomplete("round")(autocomplete.rounds)
    export.autocomplete("round")(autocomplete.rounds)
    regenerate.autocomplete("round")(autocomplete.rounds)


async def setup(bot: RoundtableBot) -> None:
    await bot.add_cog(SummariesCog(bot))
