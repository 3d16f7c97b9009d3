"""The demo's fast clock: anchored to a real moment, two processes read the same time."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from roundtable.clock import FastClock

START = datetime(2026, 12, 7, 6, 0, tzinfo=UTC)


def test_an_anchored_fast_clock_reads_its_start_at_the_anchor_in_every_process() -> None:
    anchor = time.time() - 2.0  # the story started two real seconds ago
    bot, narrator = FastClock(START, 3600, anchor), FastClock(START, 3600, anchor)
    made_later = FastClock(START, 3600, anchor)
    for clock in (bot, narrator, made_later):
        assert timedelta(hours=2) <= clock.now() - START < timedelta(hours=3)
    assert abs(bot.now() - made_later.now()) < timedelta(minutes=30)  # not each from its birth
    assert FastClock(START, 3600).now() - START < timedelta(minutes=30)  # unanchored: from now
