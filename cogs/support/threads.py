"""Threads Discord has archived: nothing in them can be edited or deleted (400, 50083 "Thread is
archived") until they are unarchived. A closed round's thread is archived and locked; a quiet
one is archived by Discord after its auto-archive time."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import discord


@contextlib.asynccontextmanager
async def unarchived(bot: discord.Client, channel_id: int) -> AsyncIterator[None]:
    """The thread `channel_id` unarchived for the block, then archived and locked again as it
    was (nothing is done to a channel that is not an archived thread)."""
    channel = bot.get_channel(channel_id)
    if not isinstance(channel, discord.Thread):
        channel = await bot.fetch_channel(channel_id)
    if not isinstance(channel, discord.Thread) or not channel.archived:
        yield
        return
    locked = channel.locked
    await bot.http.edit_channel(channel_id, archived=False)
    try:
        yield
    finally:
        await bot.http.edit_channel(channel_id, archived=True, locked=locked)
