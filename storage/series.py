"""Scheduled series and their job log (series_posts). Every query is scoped to a guild where a
member or moderator reaches it; the scheduler's queries span guilds."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time

from roundtable.rounds.model import NewRound
from roundtable.series.model import Claim, NewSeries, SeriesExists, SeriesMoved, SeriesRecord
from storage.connection import Row, iso, when
from storage.database import Database
from storage.rounds import insert_round
from storage.shards import Shards, owned

# The nouns are the core's (roundtable.series.model); named here for the repository's callers.
__all__ = ["Claim", "NewSeries", "SeriesExists", "SeriesMoved", "SeriesRecord", "SeriesRepository"]


# A series whose claimed post is still being retried is not claimed again until it is posted
# or the series pauses (its sections would otherwise run on past the one that failed).
_NOT_RETRYING = (
    " AND NOT EXISTS (SELECT 1 FROM series_posts p WHERE p.series_id = series.id "
    "AND p.state = 'claimed')"
)
_CLAIMED = (
    "SELECT p.series_id, p.occurrence, p.section_number, p.round_id, p.state, p.failures, "
    "p.retry_at FROM series_posts p JOIN series s ON s.id = p.series_id WHERE p.state = 'claimed'"
)
_SELECT = (
    "SELECT id, guild_id, pack_id, channel_id, every, rule, starts_on, at_time, timezone, "
    "round_minutes, remind_minutes, ping_role_id, catch_up, loop, next_section, next_at, status, "
    "paused_reason, created_by, created_at FROM series "
)


def _series(row: Row) -> SeriesRecord:
    return SeriesRecord(
        id=row["id"],
        guild_id=row["guild_id"],
        pack_id=row["pack_id"],
        channel_id=row["channel_id"],
        every=row["every"],
        rule=row["rule"],
        starts_on=date.fromisoformat(row["starts_on"]),
        at=time.fromisoformat(row["at_time"]),
        timezone=row["timezone"],
        round_minutes=row["round_minutes"],
        remind_minutes=row["remind_minutes"],
        ping_role_id=row["ping_role_id"],
        catch_up=row["catch_up"],
        loop=bool(row["loop"]),
        next_section=row["next_section"],
        next_at=datetime.fromisoformat(row["next_at"]) if row["next_at"] else None,
        status=row["status"],
        paused_reason=row["paused_reason"],
        created_by=row["created_by"],
        created_at=datetime.fromisoformat(row["created_at"]),
    )


def _claim(row: Row) -> Claim:
    return Claim(
        series_id=row["series_id"],
        occurrence=datetime.fromisoformat(row["occurrence"]),
        section_number=row["section_number"],
        round_id=row["round_id"],
        state=row["state"],
        failures=row["failures"],
        retry_at=when(row["retry_at"]),
    )


class SeriesRepository:
    def __init__(self, db: Database, shards: Shards | None = None):
        self._db = db
        self._shards = shards  # queries across guilds see only these shards' guilds

    async def create(self, new: NewSeries, *, now: datetime) -> SeriesRecord:
        async with self._db.transaction() as conn:
            async with conn.execute(
                "SELECT id FROM series WHERE guild_id = ? AND channel_id = ? AND pack_id = ? "
                "AND status != 'finished'",
                (new.guild_id, new.channel_id, new.pack_id),
            ) as cursor:
                existing = await cursor.fetchone()
            if existing:
                raise SeriesExists(existing["id"])
            async with conn.execute(
                "INSERT INTO series (guild_id, pack_id, channel_id, every, rule, starts_on, "
                "at_time, timezone, round_minutes, remind_minutes, ping_role_id, catch_up, loop, "
                "next_section, next_at, status, created_by, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?) RETURNING id",
                (
                    new.guild_id,
                    new.pack_id,
                    new.channel_id,
                    new.every,
                    new.rule,
                    new.starts_on.isoformat(),
                    new.at.strftime("%H:%M"),
                    new.timezone,
                    new.round_minutes,
                    new.remind_minutes,
                    new.ping_role_id,
                    new.catch_up,
                    int(new.loop),
                    new.next_section,
                    iso(new.next_at),
                    new.created_by,
                    iso(now),
                ),
            ) as cursor:
                row = await cursor.fetchone()
        assert row is not None
        found = await self.get(new.guild_id, row["id"])
        assert found is not None
        return found

    async def get(self, guild_id: int, series_id: int) -> SeriesRecord | None:
        row = await self._db.fetch_one(
            _SELECT + "WHERE id = ? AND guild_id = ?", (series_id, guild_id)
        )
        return _series(row) if row else None

    async def of_guild(self, guild_id: int) -> list[SeriesRecord]:
        """Running series first, then finished ones, newest first."""
        rows = await self._db.fetch_all(
            _SELECT + "WHERE guild_id = ? ORDER BY status = 'finished', id DESC LIMIT 100",
            (guild_id,),
        )
        return [_series(r) for r in rows]

    async def due(self, now: datetime) -> SeriesRecord | None:
        """The active series whose next occurrence came first, in any guild."""
        mine, shards = owned(self._shards)
        row = await self._db.fetch_one(
            _SELECT
            + "WHERE status = 'active' AND next_at <= ?"
            + _NOT_RETRYING
            + mine
            + " ORDER BY next_at, id LIMIT 1",
            (iso(now), *shards),
        )
        return _series(row) if row else None

    async def next_due(self) -> datetime | None:
        mine, shards = owned(self._shards)
        row = await self._db.fetch_one(
            "SELECT min(next_at) FROM series WHERE status = 'active'" + _NOT_RETRYING + mine,  # noqa: S608 (the shard filter)
            shards,
        )
        return when(row[0]) if row else None

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
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE series SET next_section = ?, next_at = ?, status = ? "
                "WHERE id = ? AND status = 'active' AND next_at = ? AND next_section = ?",
                (
                    next_section,
                    iso(next_at),
                    "active" if next_at else "finished",
                    series.id,
                    iso(series.next_at),
                    series.next_section,
                ),
            )
            if cursor.rowcount == 0:
                raise SeriesMoved(series.id)
            for missed in skipped:
                await conn.execute(
                    "INSERT INTO series_posts (series_id, occurrence, state, claimed_at, done_at) "
                    "VALUES (?, ?, 'skipped', ?, ?) ON CONFLICT DO NOTHING",
                    (series.id, iso(missed), iso(now), iso(now)),
                )
            round_id = await insert_round(conn, new_round) if new_round else None
            await conn.execute(
                "INSERT INTO series_posts (series_id, occurrence, section_number, round_id, "
                "state, claimed_at, done_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    series.id,
                    iso(occurrence),
                    new_round.section_number if new_round else None,
                    round_id,
                    "claimed" if new_round else "skipped",
                    iso(now),
                    None if new_round else iso(now),
                ),
            )
        return round_id

    async def mark_posted(self, series_id: int, occurrence: datetime, *, now: datetime) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE series_posts SET state = 'posted', done_at = ? "
                "WHERE series_id = ? AND occurrence = ? AND state = 'claimed'",
                (iso(now), series_id, iso(occurrence)),
            )

    async def claimed(self) -> list[Claim]:
        """Occurrences claimed but never marked posted (the bot stopped mid-post)."""
        mine, shards = owned(self._shards, "s.guild_id")
        rows = await self._db.fetch_all(
            _CLAIMED + mine + " ORDER BY p.occurrence",
            shards,
        )
        return [_claim(r) for r in rows]

    async def log(self, series_id: int) -> list[Claim]:
        rows = await self._db.fetch_all(
            "SELECT series_id, occurrence, section_number, round_id, state, failures, retry_at "
            "FROM series_posts WHERE series_id = ? ORDER BY occurrence",
            (series_id,),
        )
        return [_claim(r) for r in rows]

    async def retry_later(
        self, series_id: int, occurrence: datetime, *, retry_at: datetime, error: str
    ) -> int:
        async with self._db.transaction() as conn:
            async with conn.execute(
                "UPDATE series_posts SET failures = failures + 1, retry_at = ?, last_error = ? "
                "WHERE series_id = ? AND occurrence = ? AND state = 'claimed' "
                "RETURNING failures",
                (iso(retry_at), error[:500], series_id, iso(occurrence)),
            ) as cursor:
                row = await cursor.fetchone()
        return row[0] if row else 0

    async def series_of(self, series_id: int) -> SeriesRecord | None:
        """A series by id alone (the scheduler's own lookups)."""
        row = await self._db.fetch_one(_SELECT + "WHERE id = ?", (series_id,))
        return _series(row) if row else None

    async def fail(
        self, series_id: int, occurrence: datetime, *, round_id: int | None, reason: str
    ) -> None:
        """Posting failed for good: forget the claim and its unposted round, give the section
        back, and pause the series with the reason."""
        async with self._db.transaction() as conn:
            async with conn.execute(
                "SELECT section_number FROM series_posts WHERE series_id = ? AND occurrence = ?",
                (series_id, iso(occurrence)),
            ) as cursor:
                row = await cursor.fetchone()
            await conn.execute(
                "DELETE FROM series_posts WHERE series_id = ? AND occurrence = ?",
                (series_id, iso(occurrence)),
            )
            if round_id is not None:
                await conn.execute(
                    "DELETE FROM rounds WHERE id = ? AND thread_id IS NULL", (round_id,)
                )
            section = row["section_number"] if row and row["section_number"] else None
            await conn.execute(
                "UPDATE series SET status = 'paused', paused_reason = ?, "
                "next_section = coalesce(?, next_section), next_at = ? WHERE id = ?",
                (reason, section, iso(occurrence), series_id),
            )

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
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE series SET status = ?, paused_reason = ?, next_at = coalesce(?, next_at) "
                "WHERE id = ? AND guild_id = ? AND status != 'finished'",
                (status, reason, iso(next_at), series_id, guild_id),
            )
            return cursor.rowcount > 0

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
    ) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE series SET at_time = ?, timezone = ?, round_minutes = ?, "
                "remind_minutes = ?, next_at = ?, "
                "status = CASE WHEN CAST(? AS TEXT) IS NULL THEN 'finished' "
                "ELSE status END WHERE id = ? AND guild_id = ?",
                (
                    at.strftime("%H:%M"),
                    timezone,
                    round_minutes,
                    remind_minutes,
                    iso(next_at),
                    iso(next_at),
                    series_id,
                    guild_id,
                ),
            )

    async def delete(self, guild_id: int, series_id: int) -> bool:
        """Delete the series; its posted rounds stay (they forget the series)."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "DELETE FROM series WHERE id = ? AND guild_id = ?", (series_id, guild_id)
            )
            return cursor.rowcount > 0

    async def uses_pack(self, pack_id: int) -> int:
        row = await self._db.fetch_one(
            "SELECT count(*) FROM series WHERE pack_id = ? AND status != 'finished'", (pack_id,)
        )
        return int(row[0]) if row else 0
