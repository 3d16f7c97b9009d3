"""The one task for all timed work: scheduled series' rounds, reminders, closes at deadlines
(also what fell due while the bot was down), and posts and closes a crash or SIGTERM
interrupted. It sleeps until the next due job on the bot's clock; the services wake it whenever
a deadline, a reminder, a series or a pending close changes."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from cogs.rounds.closing import Closer
from cogs.rounds.listeners import backfill
from cogs.rounds.scheduled import post_reminder, post_scheduled
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
        rounds, series, clock = self.bot.rounds, self.bot.series, self.bot.clock
        try:  # first what threads got while the bot was away: a close below must count it
            await backfill(self.bot)
            for record in await rounds.open_with_threads():  # answers whose card never showed
                await self.closer.restore_cards(record)
        except Exception:
            log.exception("Reading the threads of open rounds at start-up failed")
        while not self.bot.is_closed():
            try:
                await self.pass_once()
                times = [await rounds.next_wake(), await series.next_wake()]
                upcoming = min((t for t in times if t is not None), default=None)
                delay = MAX_SLEEP
                if upcoming is not None:
                    delay = min(MAX_SLEEP, clock.seconds_until(upcoming))
            except Exception:  # keep watching whatever one pass ran into
                log.exception("A timer pass failed; trying again in %s s", RETRY)
                delay = RETRY
            await rounds.timer.wait(delay)

    async def pass_once(self) -> None:
        """Complete interrupted posts and closes, then post, close and remind what is due,
        one at a time."""
        rounds, series = self.bot.rounds, self.bot.series
        now = self.bot.clock.now()  # one moment for the whole pass: later work is the next pass's
        for plan in await rounds.unfinished():
            if self.closer.claimed(plan.record.id):
                continue  # a command is closing it, and reports to its moderator
            log.info("Completing the interrupted close of round %s", plan.record.id)
            await self._finish(plan)
        for post in await series.unfinished_posts():
            log.info("Completing the interrupted post of round %s", post.record.id)
            await post_scheduled(self.bot, post)
        # Closes before posts: a round that ends as the next one on its section starts.
        while (due := await rounds.close_next_due(now)) is not None:
            log.info("Round %s reached its deadline", due.record.id)
            await self._finish(due)
        while (due_post := await series.next_post(now)) is not None:
            await post_scheduled(self.bot, due_post)
        while (reminder := await rounds.next_reminder(now)) is not None:
            await post_reminder(self.bot, *reminder)

    async def _finish(self, plan: ClosePlan) -> None:
        for problem in await self.closer.carry_out(plan):
            log.warning("Round %s: %s", plan.record.id, problem)
