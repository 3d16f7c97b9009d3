"""The one error path: an unexpected failure is logged with its context, and the member is told."""

from __future__ import annotations

import asyncio
import logging
import sqlite3

import pytest

from cogs.support.tree import UNEXPECTED
from tests.harness import World


async def test_an_unexpected_error_is_logged_and_the_member_told(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    # Break the database behind the bot's back, as a corrupted or hand-edited file would; from
    # a thread, so that the bot (on this event loop) can finish a write it may have under way
    # at start-up: blocking the loop here deadlocked against it ("database is locked").
    def drop() -> None:
        with sqlite3.connect(world.db.path, timeout=30) as conn:
            conn.execute("DROP TABLE guild_settings")

    await asyncio.to_thread(drop)
    with caplog.at_level(logging.ERROR, logger="cogs.support.tree"):
        reply = await world.sandbox.slash(world.owner, "config show", world.general)
    [message] = reply.messages
    assert message.ephemeral
    assert message.content == UNEXPECTED
    [record] = [r for r in caplog.records if r.name == "cogs.support.tree"]
    assert f"guild={world.guild.id}" in record.getMessage()
    assert f"channel={world.general.id}" in record.getMessage()
    assert f"user={world.owner.id}" in record.getMessage()
    assert "command='config show'" in record.getMessage()
    assert record.exc_info is not None
    assert "no such table: guild_settings" in str(record.exc_info[1])
