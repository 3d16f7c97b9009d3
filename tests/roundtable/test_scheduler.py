"""The one wake-up for timed work: it sleeps until the earliest moment any source names, at most
five minutes, and wakes early when a service says something changed."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from roundtable.clock import ManualClock
from roundtable.scheduler import MAX_SLEEP, Scheduler

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def at(moment: datetime | None):
    async def next_wake() -> datetime | None:
        return moment

    return next_wake


async def test_the_earliest_moment_of_all_sources_counts() -> None:
    scheduler = Scheduler(ManualClock(NOW))
    assert await scheduler.next_wake() is None
    assert await scheduler.delay() == MAX_SLEEP  # nothing planned: look again in five minutes
    scheduler.watch("rounds", at(NOW + timedelta(hours=2)))
    scheduler.watch("series", at(NOW + timedelta(hours=1)))
    scheduler.watch("idle", at(None))
    assert await scheduler.next_wake() == NOW + timedelta(hours=1)
    scheduler.watch("series", at(NOW - timedelta(minutes=5)))  # a source says anew
    assert await scheduler.next_wake() == NOW - timedelta(minutes=5)
    assert await scheduler.delay() == 0.0  # overdue work is done now, never a negative sleep


async def test_a_source_that_cannot_say_counts_as_due_now(caplog) -> None:
    scheduler = Scheduler(ManualClock(NOW))

    async def broken() -> datetime | None:
        raise RuntimeError("database is locked")

    scheduler.watch("rounds", at(NOW + timedelta(days=1)))
    scheduler.watch("series", broken)
    assert await scheduler.next_wake() == NOW  # the handlers run, and report their failure
    assert "Could not read when series next has work" in caplog.text


async def test_a_wake_ends_the_sleep_early_and_is_used_up() -> None:
    scheduler = Scheduler(ManualClock(NOW))
    sleeping = asyncio.create_task(scheduler.sleep(3600))
    await asyncio.sleep(0.01)
    assert not sleeping.done()
    scheduler.wake()
    await asyncio.wait_for(sleeping, timeout=5)
    assert not scheduler.woken
    started = asyncio.get_running_loop().time()
    await scheduler.sleep(0.05)  # no wake pending: it sleeps the time asked
    assert asyncio.get_running_loop().time() - started >= 0.04


async def test_a_wake_before_the_sleep_is_not_lost() -> None:
    """A service changes a deadline while the timer is still busy with its pass."""
    scheduler = Scheduler(ManualClock(NOW))
    scheduler.wake()
    await asyncio.wait_for(scheduler.sleep(3600), timeout=5)
    assert not scheduler.woken


async def test_a_wake_before_a_pass_is_answered_by_it_one_during_it_is_kept() -> None:
    """Cogs wake the scheduler as they register at start-up: the first pass answers that, and
    the timer then sleeps (one pass, not two). A deadline changed while a pass runs is seen
    by another pass at once."""
    scheduler = Scheduler(ManualClock(NOW))
    scheduler.wake()  # before the pass
    scheduler.pass_begins()
    assert not scheduler.woken
    sleeping = asyncio.create_task(scheduler.sleep(3600))
    await asyncio.sleep(0.01)
    assert not sleeping.done()  # nothing new: the timer sleeps
    sleeping.cancel()
    scheduler.pass_begins()
    scheduler.wake()  # during the pass
    await asyncio.wait_for(scheduler.sleep(3600), timeout=5)  # the next pass comes at once
