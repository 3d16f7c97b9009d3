"""Closes rounds at their deadline, including deadlines that passed while the bot was down."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from discord.ext import commands

from cogs.support.bot import RoundtableBot
from cogs.support.round_posts import finish_on_discord

log = logging.getLogger(__name__)
MAX_SLEEP = 300.0  # look again at least every five minutes
RETRY = 30.0


class DeadlinesCog(commands.Cog):
    def __init__(self, bot: RoundtableBot):
        self.bot = bot
        self.wake = asyncio.Event()
        self.task: asyncio.Task[None] | None = None

    async def cog_load(self) -> None:
        self.task = asyncio.create_task(self.run(), name="round-deadlines")
        self.task.add_done_callback(self._crashed)
        self.bot.deadline_waker = self.wake

    async def cog_unload(self) -> None:
        self.bot.deadline_waker = None
        if self.task is not None:
            self.task.cancel()

    def _crashed(self, task: asyncio.Task[None]) -> None:
        if not task.cancelled() and task.exception() is not None:
            log.error("The deadline task stopped", exc_info=task.exception())

    async def run(self) -> None:
        await self.bot.wait_until_ready()
        while not self.bot.is_closed():
            self.wake.clear()
            try:
                await self.close_due()
                upcoming = await self.bot.rounds.repo.next_deadline()
            except Exception:  # keep watching deadlines whatever one pass ran into
                log.exception("Checking round deadlines failed; trying again in %s s", RETRY)
                upcoming = datetime.now(UTC) + timedelta(seconds=RETRY)
            delay = MAX_SLEEP
            if upcoming is not None:
                delay = min(MAX_SLEEP, max(0.0, (upcoming - datetime.now(UTC)).total_seconds()))
            try:
                await asyncio.wait_for(self.wake.wait(), timeout=delay)
            except TimeoutError:
                pass

    async def close_due(self) -> None:
        for record in await self.bot.rounds.close_due(datetime.now(UTC)):
            log.info("Round %s reached its deadline", record.id)
            try:
                problems = await finish_on_discord(self.bot, record)
            except Exception:
                log.exception("Round %s closed, but its thread could not be updated", record.id)
            else:
                for problem in problems:
                    log.warning("Round %s: %s", record.id, problem)


async def setup(bot: RoundtableBot) -> None:
    await bot.add_cog(DeadlinesCog(bot))
