"""What the series service needs kept: a Protocol that storage implements (storage/series.py's
SeriesRepository). The service imports this, never storage."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time
from typing import Protocol

from roundtable.rounds.model import NewRound
from roundtable.series.model import Claim, NewSeries, SeriesRecord


class SeriesStore(Protocol):
    async def create(self, new: NewSeries, *, now: datetime) -> SeriesRecord: ...

    async def get(self, guild_id: int, series_id: int) -> SeriesRecord | None: ...

    async def of_guild(self, guild_id: int) -> list[SeriesRecord]:
        """Running series first, then finished ones, newest first."""
        ...

    async def due(self, now: datetime) -> SeriesRecord | None:
        """The active series whose next occurrence came first, in any guild."""
        ...

    async def next_due(self) -> datetime | None: ...

    async def claim(
        self,
        series: SeriesRecord,
        *,
        occurrence: datetime,
        skipped: Sequence[datetime],
        new_round: NewRound | None,
        next_section: int,
        next_at: datetime | None,
        now: datetime,
    ) -> int | None:
        """In one transaction: record skipped occurrences, claim `occurrence` and reserve its
        round, and move the series on (finished when `next_at` is None). SeriesMoved when the
        series changed since it was read. Returns the reserved round's id."""
        ...

    async def mark_posted(self, series_id: int, occurrence: datetime, *, now: datetime) -> None: ...

    async def claimed(self) -> list[Claim]:
        """Occurrences claimed but never marked posted (the bot stopped mid-post)."""
        ...

    async def retry_later(
        self, series_id: int, occurrence: datetime, *, retry_at: datetime, error: str
    ) -> int:
        """A try at posting a claim failed: count it, note why, and when to try again. Returns
        how many tries have failed."""
        ...

    async def series_of(self, series_id: int) -> SeriesRecord | None:
        """A series by id alone (the scheduler's own lookups)."""
        ...

    async def fail(
        self, series_id: int, occurrence: datetime, *, round_id: int | None, reason: str
    ) -> None:
        """Posting failed for good: forget the claim and its unposted round, give the section
        back, and pause the series with the reason."""
        ...

    async def set_status(
        self,
        guild_id: int,
        series_id: int,
        *,
        status: str,
        reason: str | None = None,
        next_at: datetime | None = None,
    ) -> bool:
        """Pause or resume (with the next occurrence from now)."""
        ...

    async def update(
        self,
        guild_id: int,
        series_id: int,
        *,
        at: time,
        timezone: str,
        round_minutes: int | None,
        remind_minutes: int | None,
        next_at: datetime | None,
    ) -> None: ...

    async def delete(self, guild_id: int, series_id: int) -> bool:
        """Delete the series; its posted rounds stay (they forget the series)."""
        ...
