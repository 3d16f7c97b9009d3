"""Telling a server's moderators about something the bot cannot fix alone (a series paused, a
round whose close keeps failing): in the server's configured discussion channel when there is
one (and it is not where the trouble is), else by DM to the member who set the thing up."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord

if TYPE_CHECKING:
    from cogs.support.bot import RoundtableBot

log = logging.getLogger(__name__)


async def tell_moderators(
    bot: RoundtableBot, guild_id: int, text: str, *, owner_id: int, not_in: int | None = None
) -> None:
    """`text` to the moderators of `guild_id`: the configured channel unless it is `not_in`,
    else a DM to `owner_id`. Pings nobody; a refusal from Discord is logged, not raised."""
    settings = await bot.guild_config.get(guild_id)
    try:
        if settings.discussion_channel_id and settings.discussion_channel_id != not_in:
            channel = bot.get_partial_messageable(settings.discussion_channel_id, guild_id=guild_id)
            await channel.send(text, allowed_mentions=discord.AllowedMentions.none())
            return
        user = bot.get_user(owner_id) or await bot.fetch_user(owner_id)
        await user.send(text, allowed_mentions=discord.AllowedMentions.none())
    except discord.HTTPException as exc:
        log.warning("Could not tell the moderators of guild %s: %s (%s)", guild_id, exc, text)
