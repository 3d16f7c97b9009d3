"""The one wake-up for all timed work (deadlines, reminders, a series' next round, closes and
posts a crash interrupted), Discord-free.

Each service that has timed work tells the scheduler, once, how to find its next moment
(`watch`), and calls `wake()` whenever that moment may have changed; services wake the
scheduler, never each other. The one timer task (cogs/support/timer.py) sleeps in `sleep()`
until the earliest moment of all sources, or until a service wakes it, then runs the handlers
the feature cogs registered. As RoboDanny's reminder cog keeps its "have data" event beside the
timer, the event lives here, with the sources that decide how long to sleep.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from roundtable.clock import Clock

log = logging.getLogger(__name__)
NextWake = Callable[[], Awaitable[datetime | None]]
MAX_SLEEP = 300.0  # look again at least every five minutes, whatever the sources say


class Scheduler:
    def __init__(self, clock: Clock, *, max_sleep: float = MAX_SLEEP) -> None:
        self.clock = clock
        self.max_sleep = max_sleep
        self._sources: dict[str, NextWake] = {}
        self._changed = asyncio.Event()

    def watch(self, name: str, next_wake: NextWake) -> None:
        """`next_wake()` says when `name` next has work (None: nothing planned)."""
        self._sources[name] = next_wake

    def wake(self) -> None:
        """Some source's next moment may have changed: the timer looks again now."""
        self._changed.set()

    def pass_begins(self) -> None:
        """The timer is about to look at every source afresh: a wake from before this moment is
        answered by that look (a wake during the pass still ends the next sleep at once)."""
        self._changed.clear()

    @property
    def woken(self) -> bool:
        return self._changed.is_set()

    async def next_wake(self) -> datetime | None:
        """The earliest moment any source has work; a source that fails to say is logged and
        counts as due now, so that the timer's handlers (which report their own failures) run
        rather than the timer sleeping past work it could not see."""
        moments: list[datetime] = []
        for name, next_wake in self._sources.items():
            try:
                moment = await next_wake()
            except Exception:
                log.exception("Could not read when %s next has work", name)
                moment = self.clock.now()
            if moment is not None:
                moments.append(moment)
        return min(moments, default=None)

    async def delay(self) -> float:
        """Seconds until the earliest moment, at most `max_sleep`, never negative."""
        upcoming = await self.next_wake()
        if upcoming is None:
            return self.max_sleep
        return max(0.0, min(self.max_sleep, self.clock.seconds_until(upcoming)))

    async def sleep(self, seconds: float) -> None:
        """Sleep `seconds`, or less when a service wakes the scheduler meanwhile."""
        try:
            await asyncio.wait_for(self._changed.wait(), timeout=max(0.0, seconds))
        except TimeoutError:
            pass
        self._changed.clear()
