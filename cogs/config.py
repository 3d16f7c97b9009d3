"""/config show|set|clear: the guild's moderator role, channel, time zone, summary engine and
what happens to a round's thread when it closes."""

from __future__ import annotations

from typing import Literal

import discord
from discord import app_commands

from cogs.support.bot import RoundtableBot
from cogs.support.checks import ModeratorGroupCog
from cogs.support.render import channel as channel_mention
from cogs.support.render import role as role_mention
from cogs.support.render import timestamp, user
from roundtable.guild_config import THREAD_ON_CLOSE, ConfigChange, suggest_timezones
from roundtable.guild_config.model import GuildSettings

Interaction = discord.Interaction[RoundtableBot]


def settings_embed(settings: GuildSettings, *, llm_configured: bool, title: str) -> discord.Embed:
    role = role_mention(settings.moderator_role_id) if settings.moderator_role_id else "none"
    channel = (
        channel_mention(settings.discussion_channel_id)
        if settings.discussion_channel_id
        else "not set: /round start needs a channel option"
    )
    summaries = settings.summary_mode
    if settings.summary_mode == "llm" and not llm_configured:
        summaries += " (no LLM configured on the host: offline summaries are used)"
    embed = discord.Embed(title=title, colour=discord.Colour.blurple())
    embed.add_field(name="Moderators", value=f"Manage Server, and the role {role}", inline=False)
    embed.add_field(name="Default channel", value=channel, inline=False)
    embed.add_field(name="Time zone", value=settings.timezone, inline=True)
    embed.add_field(name="Summaries", value=summaries, inline=True)
    embed.add_field(
        name="When a round closes", value=THREAD_ON_CLOSE[settings.thread_on_close], inline=False
    )
    suggestions = (
        channel_mention(settings.suggestions_channel_id)
        if settings.suggestions_channel_id
        else "not set: moderators review them with /suggestions review"
    )
    embed.add_field(name="Suggested questions", value=suggestions, inline=False)
    if settings.updated_at is not None:
        who = f" by {user(settings.updated_by)}" if settings.updated_by else ""
        stamp = timestamp(settings.updated_at, "R")
        embed.add_field(name="Last changed", value=f"{stamp}{who}", inline=False)
    return embed


class ConfigCog(ModeratorGroupCog, group_name="config", group_description="Server settings"):
    def _embed(self, settings: GuildSettings, title: str) -> discord.Embed:
        return settings_embed(
            settings, llm_configured=self.bot.settings.llm is not None, title=title
        )

    @app_commands.command(name="show", description="Show this server's Roundtable settings")
    async def show(self, interaction: Interaction) -> None:
        assert interaction.guild_id is not None
        settings = await self.bot.guild_config.get(interaction.guild_id)
        await interaction.response.send_message(
            embed=self._embed(settings, "Roundtable settings"), ephemeral=True
        )

    @app_commands.command(name="set", description="Change one or more settings")
    @app_commands.describe(
        moderator_role="Members with this role may run moderator commands",
        channel="Where rounds are posted when /round start names no channel",
        timezone="IANA time zone for /schedule, such as Europe/Paris",
        summary_mode="How round summaries are written",
        thread_on_close="What happens to a round's thread when the round closes",
        suggestions_channel="Where members' suggested questions are posted for review and votes",
    )
    async def set_(
        self,
        interaction: Interaction,
        moderator_role: discord.Role | None = None,
        channel: discord.TextChannel | discord.ForumChannel | None = None,
        timezone: str | None = None,
        summary_mode: Literal["offline", "llm"] | None = None,
        thread_on_close: Literal["lock", "archive", "keep"] | None = None,
        suggestions_channel: discord.TextChannel | None = None,
    ) -> None:
        assert interaction.guild_id is not None
        change = ConfigChange(
            moderator_role_id=moderator_role.id if moderator_role else None,
            discussion_channel_id=channel.id if channel else None,
            timezone=timezone,
            summary_mode=summary_mode,
            thread_on_close=thread_on_close,
            suggestions_channel_id=suggestions_channel.id if suggestions_channel else None,
        )
        settings = await self.bot.guild_config.set(
            interaction.guild_id, change, by=interaction.user.id
        )
        await interaction.response.send_message(
            embed=self._embed(settings, "Saved"), ephemeral=True
        )

    @set_.autocomplete("timezone")
    async def _timezone_autocomplete(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=z, value=z) for z in suggest_timezones(current)]

    @app_commands.command(
        name="clear", description="Unset the moderator role, default or suggestions channel"
    )
    @app_commands.describe(setting="Which setting to unset")
    async def clear(
        self,
        interaction: Interaction,
        setting: Literal["moderator_role", "channel", "suggestions_channel"],
    ) -> None:
        assert interaction.guild_id is not None
        settings = await self.bot.guild_config.clear(
            interaction.guild_id, setting, by=interaction.user.id
        )
        await interaction.response.send_message(
            embed=self._embed(settings, "Cleared"), ephemeral=True
        )


async def setup(bot: RoundtableBot) -> None:
    await bot.add_cog(ConfigCog(bot))
