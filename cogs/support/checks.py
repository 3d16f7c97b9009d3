"""Run-time permission checks. `default_permissions` is only a hint server admins can change."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from roundtable.guild_config import is_moderator

if TYPE_CHECKING:
    from cogs.support.bot import RoundtableBot


class NotModerator(app_commands.CheckFailure):
    """The member is neither Manage Server nor in the configured moderator role."""

    def __init__(self) -> None:
        super().__init__(
            "This is for moderators: you need the Manage Server permission or the server's "
            "moderator role (see /config)."
        )


def require_guild(interaction: discord.Interaction) -> discord.Guild:
    if interaction.guild is None:
        raise app_commands.NoPrivateMessage()
    return interaction.guild


def can_view(interaction: discord.Interaction[Any], channel_id: int) -> bool:
    """Whether the member may view the channel (a round's channel; its thread follows it)."""
    guild, member = interaction.guild, interaction.user
    if guild is None or not isinstance(member, discord.Member):
        return False
    channel = guild.get_channel_or_thread(channel_id)
    return channel is not None and channel.permissions_for(member).view_channel


async def check_moderator(interaction: discord.Interaction[RoundtableBot]) -> bool:
    """True for moderators; raises NotModerator or NoPrivateMessage otherwise."""
    guild = require_guild(interaction)
    user = interaction.user
    role_ids = [role.id for role in user.roles] if isinstance(user, discord.Member) else []
    try:
        settings = await interaction.client.guild_config.get(guild.id)
    except Exception as exc:
        # discord.py hands only AppCommandErrors from checks to the tree's on_error; wrap the
        # rest so the member still gets an answer and the log gets the traceback.
        command = interaction.command
        assert command is not None  # checks run for commands only
        raise app_commands.CommandInvokeError(command, exc) from exc
    if is_moderator(
        manage_guild=interaction.permissions.manage_guild, role_ids=role_ids, settings=settings
    ):
        return True
    raise NotModerator()


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class ModeratorGroupCog(commands.GroupCog):
    """A /group of moderator commands: shown to Manage Server by default (a hint admins can
    change), and checked at run time on every use (Manage Server or the moderator role)."""

    def __init__(self, bot: RoundtableBot) -> None:
        self.bot = bot
        super().__init__()

    async def interaction_check(self, interaction: discord.Interaction[Any], /) -> bool:
        return await check_moderator(interaction)
