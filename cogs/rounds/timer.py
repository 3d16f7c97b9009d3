"""The one task for timed round work: closes at deadlines (also those that passed while the bot
was down), and closes a crash or SIGTERM interrupted. The round service wakes it whenever a
deadline or a pending close changes."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from cogs.rounds.closing import Closer
from roundtable.rounds import ClosePlan

if TYPE_CHECKING:
    from cogs.support.bot import RoundtableBot

log = logging.getLogger(__name__)
MAX_SLEEP = 300.0  # look again at least every five minutes
RETRY = 30.0


class RoundTimer:
    def __init__(self, bot: RoundtableBot, closer: Closer) -> None:
        self.bot = bot
        self.closer = closer
        self.task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self.task = asyncio.create_task(self.run(), name="round-timer")
        self.task.add_done_callback(self._stopped)

    def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()

    def _stopped(self, task: asyncio.Task[None]) -> None:
        if not task.cancelled() and task.exception() is not None:
            log.error("The round timer stopped", exc_info=task.exception())

    async def run(self) -> None:
        await self.bot.wait_until_ready()
        rounds = self.bot.rounds
        while not self.bot.is_closed():
            try:
                await self.pass_once()
                upcoming = await rounds.next_wake()
                delay = MAX_SLEEP
                if upcoming is not None:
                    delay = min(MAX_SLEEP, (upcoming - datetime.now(UTC)).total_seconds())
            except Exception:  # keep watching whatever one pass ran into
                log.exception("A round timer pass failed; trying again in %s s", RETRY)
                delay = RETRY
            await rounds.timer.wait(delay)

    async def pass_once(self) -> None:
        """Complete interrupted closes, then close due rounds one at a time."""
        for plan in await self.bot.rounds.unfinished():
            log.info("Completing the interrupted close of round %s", plan.record.id)
            await self._finish(plan)
        while (due := await self.bot.rounds.close_next_due()) is not None:
            log.info("Round %s reached its deadline", due.record.id)
            await self._finish(due)

    async def _finish(self, plan: ClosePlan) -> None:
        for problem in await self.closer.carry_out(plan):
            log.warning("Round %s: %s", plan.record.id, problem)
