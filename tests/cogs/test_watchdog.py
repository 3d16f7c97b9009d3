"""The event-loop watchdog: a real loop held up by CPU work or a blocking call is reported with
where it was held; a busy loop that keeps yielding, or an idle one, is not."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest

from cogs.support.watchdog import Watchdog


async def watching(body: object) -> Watchdog:
    dog = Watchdog()
    dog.start()
    try:
        await body  # type: ignore[misc]
        await asyncio.sleep(0.1)  # let the beat after a hold-up be seen
    finally:
        await dog.stop()
    return dog


def spin(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


async def cpu_on_the_loop() -> None:
    spin(0.3)


async def blocking_call_on_the_loop() -> None:
    time.sleep(0.3)  # noqa: ASYNC251 - the mistake the watchdog exists to catch


async def busy_but_yielding() -> None:
    end = time.monotonic() + 0.6
    while time.monotonic() < end:
        spin(0.002)
        await asyncio.sleep(0)


@pytest.mark.parametrize("culprit", [cpu_on_the_loop, blocking_call_on_the_loop])
async def test_a_held_loop_is_reported_with_where(
    culprit: object, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="cogs.support.watchdog"):
        dog = await watching(culprit())  # type: ignore[operator]
    assert len(dog.held) == 1
    held = dog.held[0]
    assert 0.25 < held.seconds < 1.0
    assert culprit.__name__ in held.where  # type: ignore[attr-defined]
    assert "Event loop held up for" in caplog.text


async def test_a_busy_loop_that_yields_and_an_idle_one_are_quiet() -> None:
    assert (await watching(busy_but_yielding())).held == []
    assert (await watching(asyncio.sleep(0.4))).held == []
