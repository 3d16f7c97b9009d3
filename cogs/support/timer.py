"""The one task for all timed work. It sleeps in the core's Scheduler (roundtable/scheduler.py)
until the earliest moment any service has work, or until a service wakes it, then runs the
handlers the feature cogs registered, stage by stage, on one moment of the bot's clock. As in
RoboDanny's `on_*_timer_complete`, the timer knows no feature: cogs/rounds registers closes and
reminders, cogs/series the posts of a series' rounds.

A handler that fails is logged and the others still run (a failing series does not stop the
deadlines of other servers); the timer then looks again within RETRY seconds. Within a handler,
each item (a round's close, a reminder, a series' post) has its own guard (`each`, or the
series' own retries), so one item's failure does not stop the items after it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import asynccontextmanager
from datetime import datetime
from enum import IntEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cogs.support.bot import RoundtableBot

log = logging.getLogger(__name__)
RETRY = 30.0

Handler = Callable[[datetime], Awaitable[None]]
StartUp = Callable[[], Awaitable[None]]


class ItemsFailed(Exception):
    """Some items of a handler failed, each logged with its traceback; the others were done."""


Guard = Callable[[Coroutine[object, object, object], int], Awaitable[None]]


@asynccontextmanager
async def each(what: str) -> AsyncIterator[Guard]:
    """`guard(work, item_id)` runs one item's work; a failure is logged against the item and
    the loop goes on. On leaving, ItemsFailed when any failed (the timer looks again soon)."""
    failed: list[int] = []

    async def guard(work: Coroutine[object, object, object], item_id: int) -> None:
        try:
            await work
        except Exception:
            log.exception("Timed work: the %s of %s failed", what, item_id)
            failed.append(item_id)

    yield guard
    if failed:
        raise ItemsFailed(f"{len(failed)} {what}(s) failed: {failed[:10]}")


class Stage(IntEnum):
    """The order of a pass."""

    RESUME = 0  # complete what a crash or SIGTERM interrupted (closes, then posts)
    CLOSE = 1  # deadlines before posts: a round ends as the next one on its section starts
    POST = 2  # a series' rounds that fell due
    REMIND = 3  # reminders before a deadline


class Timer:
    def __init__(self, bot: RoundtableBot) -> None:
        self.bot = bot
        self.scheduler = bot.services.scheduler
        self._handlers: dict[Stage, list[Handler]] = {stage: [] for stage in Stage}
        self._start_up: list[StartUp] = []
        self.task: asyncio.Task[None] | None = None
        self._in_pass = False
        self._stopping = False

    def register(self, stage: Stage, handler: Handler) -> None:
        """Call `handler(now)` in `stage` of every pass (a cog does this in cog_load)."""
        self._handlers[stage].append(handler)
        self.scheduler.wake()

    def unregister(self, handler: Handler) -> None:
        for handlers in self._handlers.values():
            if handler in handlers:
                handlers.remove(handler)

    def at_start(self, work: StartUp) -> None:
        """Run `work` once, before the next pass (at start-up: before the first one)."""
        self._start_up.append(work)
        self.scheduler.wake()

    def start(self) -> None:
        self.task = asyncio.create_task(self.run(), name="timer")
        self.task.add_done_callback(self._stopped)

    async def stop(self, grace: float = 0.0) -> None:
        """Stop. A pass under way may finish within `grace` s (what it has not done by then
        is cancelled: a close records each step, and the next start resumes it); a timer
        asleep until the next due work stops at once."""
        task = self.task
        if task is None or task.done():
            return
        self._stopping = True
        if self._in_pass and grace > 0:
            await asyncio.wait({task}, timeout=grace)
        task.cancel()
        await asyncio.wait({task}, timeout=1.0)

    def _stopped(self, task: asyncio.Task[None]) -> None:
        if not task.cancelled() and task.exception() is not None:
            log.error("The timer stopped", exc_info=task.exception())

    async def run(self) -> None:
        await self.bot.wait_until_ready()
        while not self.bot.is_closed() and not self._stopping:
            self._in_pass = True
            try:
                failed = await self.pass_once()
            finally:
                self._in_pass = False
            if self._stopping:
                return
            try:
                delay = await self.scheduler.delay()
            except Exception:
                log.exception("Could not read when the next timed work is due")
                failed = True
                delay = RETRY
            await self.scheduler.sleep(min(delay, RETRY) if failed else delay)

    async def pass_once(self) -> bool:
        """Start-up work first, then each stage's handlers on one moment (later work is the next
        pass's). True when some handler failed."""
        self.scheduler.pass_begins()
        failed = False
        while self._start_up:
            work = self._start_up.pop(0)
            failed |= not await self._guarded(work)
        now = self.bot.clock.now()
        for stage in Stage:
            for handler in list(self._handlers[stage]):
                failed |= not await self._guarded(handler, now)
        return failed

    async def _guarded(self, work: Callable[..., Awaitable[None]], *args: datetime) -> bool:
        try:
            await work(*args)
        except ItemsFailed as exc:  # each was logged with its traceback
            log.warning("Timed work %s: %s; trying again in %s s", _name(work), exc, RETRY)
            return False
        except Exception:
            log.exception("Timed work %s failed; trying again in %s s", _name(work), RETRY)
            return False
        return True


def _name(work: Callable[..., object]) -> str:
    return getattr(work, "__qualname__", repr(work))
