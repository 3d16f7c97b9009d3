"""Start Roundtable in-process against a sandbox: real discord.py over 127.0.0.1."""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from app import build_services
from cogs.support.bot import RoundtableBot, point_at_discord_compatible_server
from roundtable.clock import Clock
from roundtable.llm import open_llm
from roundtable.settings import load_settings
from sandbox import Channel, Guild, Sandbox, User
from storage.database import Database, SqliteDatabase

# The database each running test bot writes to: tests read it back to see what was stored
# (the Bot itself is handed only services, never the database).
_DATABASES: weakref.WeakKeyDictionary[RoundtableBot, Database] = weakref.WeakKeyDictionary()


def database_of(bot: RoundtableBot) -> Database:
    return _DATABASES[bot]


@asynccontextmanager
async def running_bot(
    sandbox: Sandbox, db_path: Path, clock: Clock | None = None, **env: str
) -> AsyncIterator[RoundtableBot]:
    """The bot connected to `sandbox`, its commands synced, closed cleanly afterwards."""
    # Stopped often and on purpose mid-request: half a second's grace (the bot's own default,
    # 8 s, is what tests/reliability/test_crashes.py runs the bot process with).
    settings = load_settings(
        {**sandbox.bot_env(), "DATABASE_PATH": str(db_path), "STOP_GRACE_SECONDS": "0.5", **env}
    )
    point_at_discord_compatible_server(settings)
    async with SqliteDatabase.open(settings.database_path) as db, open_llm(settings) as llm:
        # Built as app.py builds them for `make run`: the same services on the same stores.
        services = build_services(settings, db, llm, clock)
        bot = RoundtableBot(settings=settings, services=services, guild_ready_timeout=0.05)
        _DATABASES[bot] = db
        async with bot:
            runner = asyncio.create_task(bot.start(settings.discord_token))
            ready = asyncio.create_task(bot.wait_until_ready())
            done, _ = await asyncio.wait({runner, ready}, timeout=15, return_when="FIRST_COMPLETED")
            if ready not in done:
                ready.cancel()
                await bot.close()
                runner.result() if runner.done() else None  # re-raise a start-up failure
                raise TimeoutError("the bot did not become ready in 15 s")
            await bot.sync_commands()
            try:
                yield bot
            finally:
                await bot.close()
                await runner


@dataclass
class World:
    """A small server: an owner (Manage Server), a member, a #general channel, the bot."""

    sandbox: Sandbox
    bot: RoundtableBot
    guild: Guild
    owner: User
    member: User
    general: Channel

    @property
    def db(self) -> Database:
        """The database the bot writes to, to check what it stored."""
        return database_of(self.bot)


async def until(
    check: Callable[[], Awaitable[object]], *, timeout: float = 10.0, what: str = "the check"
) -> None:
    """Poll an async check until it is truthy: for state the bot writes after an event (the
    machine may be busy; a fixed sleep would make the test flaky)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await check():
        if loop.time() > deadline:
            raise AssertionError(f"{what} was still false after {timeout} s")
        await asyncio.sleep(0.02)
