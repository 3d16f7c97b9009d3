"""The time the bot runs on. One clock is built in main() and given to the services and the
timer, so tests can run a season in seconds (ManualClock) and the demo can run fast
(FastClock); in production it is the system's clock."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta


class Clock:
    """The system clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def seconds_until(self, moment: datetime) -> float:
        """Real seconds to wait for `moment` on this clock."""
        return (moment - self.now()).total_seconds()


class ManualClock(Clock):
    """Stands still until a test moves it; the timer waits for a wake-up, not for real time."""

    def __init__(self, start: datetime) -> None:
        self.moment = start

    def now(self) -> datetime:
        return self.moment

    def set(self, moment: datetime) -> None:
        self.moment = moment

    def advance(self, delta: timedelta) -> None:
        self.moment += delta

    def seconds_until(self, moment: datetime) -> float:
        return 0.0 if moment <= self.moment else 3600.0


class FastClock(Clock):
    """Starts at `start` and runs `speed` times faster than real time (the demo's clock).

    With `anchor` (a real UNIX time) it reads `start` at that real moment rather than when it
    was made, so that two processes (the bot and the demo telling its story) read the same time.
    """

    def __init__(self, start: datetime, speed: float, anchor: float | None = None) -> None:
        self.start, self.speed, self.anchor = start, speed, anchor
        self._real_start = time.monotonic()

    def now(self) -> datetime:
        if self.anchor is not None:
            elapsed = (time.time() - self.anchor) * self.speed
        else:
            elapsed = (time.monotonic() - self._real_start) * self.speed
        return self.start + timedelta(seconds=elapsed)

    def seconds_until(self, moment: datetime) -> float:
        return (moment - self.now()).total_seconds() / self.speed
