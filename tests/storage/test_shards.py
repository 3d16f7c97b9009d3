"""Each process of a sharded bot sees, in every query across guilds, only the guilds of its own
shards: deadlines, reminders, interrupted closes, start-up recovery and scheduled series."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from storage.database import Database
from storage.rounds import NewRound, RoundRepository
from storage.series import NewSeries, SeriesRepository
from storage.shards import Shards

NOW = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)
# Guild ids whose shard (id >> 22) % 4 is 0, 1, 2 and 3 (2**40: a recent snowflake's size).
GUILDS = [((2**40 + n) << 22) | 5 for n in range(4)]


def test_ownership_follows_discords_rule() -> None:
    assert [(g >> 22) % 4 for g in GUILDS] == [0, 1, 2, 3]
    low, high = Shards.parse(4, "0-1"), Shards.parse(4, "2-3")
    assert [low.owns(g) for g in GUILDS] == [True, True, False, False]
    assert [high.owns(g) for g in GUILDS] == [False, False, True, True]
    assert Shards.parse(4, "2").ids == [2]
    assert Shards.parse(4, None).ids == [0, 1, 2, 3]
    for bad in ("3-1", "0-4", "a-b", "-1"):
        with pytest.raises(ValueError):
            Shards.parse(4, bad)


@pytest.fixture
async def rounds(db: Database, pack_id: int) -> list[int]:
    """One posted open round per guild: past its deadline and its reminder, close pending."""
    repo = RoundRepository(db)
    ids = []
    for n, guild in enumerate(GUILDS):
        record = await repo.create(NewRound(
            guild_id=guild, pack_id=1, section_number=1, section_title="S", questions=["Q?"],
            stances=["Yes", "No"], channel_id=10, opened_by=7, closes_at=NOW - timedelta(hours=1),
            opened_at=NOW - timedelta(hours=3),
        ))  # fmt: skip
        await repo.attach(record.id, thread_id=900 + n, posts=[(10, 800 + n)])
        ids.append(record.id)
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE rounds SET remind_at = ?, close_pending = 1",
            ((NOW - timedelta(hours=2)).isoformat(),),
        )
    return ids


async def test_round_queries_across_guilds_see_only_owned_guilds(
    db: Database, rounds: list[int]
) -> None:
    everything = RoundRepository(db)
    low = RoundRepository(db, Shards.parse(4, "0-1"))
    high = RoundRepository(db, Shards.parse(4, "2-3"))
    assert [r.guild_id for r in await everything.due(NOW)] == GUILDS
    assert [r.guild_id for r in await low.due(NOW)] == GUILDS[:2]
    assert [r.guild_id for r in await high.due(NOW)] == GUILDS[2:]
    assert [r.guild_id for r in await high.close_pending()] == GUILDS[2:]
    assert [r.guild_id for r in await low.open_with_threads()] == GUILDS[:2]
    assert [t[1] for t in await high.thread_index()] == GUILDS[2:]
    assert await low.next_deadline() == NOW - timedelta(hours=1)
    # Reminders are claimed once, each by the process that owns its guild.
    claimed = []
    for repo in (low, high, low, high, low, high):
        record = await repo.claim_reminder(NOW)
        if record is not None:
            claimed.append(record.guild_id)
    assert sorted(claimed) == GUILDS
    assert await low.claim_reminder(NOW) is None and await everything.claim_reminder(NOW) is None


async def test_unposted_rounds_of_other_shards_are_left_alone(
    db: Database, rounds: list[int]
) -> None:
    async with db.transaction() as conn:
        await conn.execute("UPDATE rounds SET thread_id = NULL, posts = '[]'")
    low = RoundRepository(db, Shards.parse(4, "0-1"))
    gone = await low.discard_unposted(NOW + timedelta(days=1))
    assert sorted(gone) == sorted(rounds[:2])
    left = await db.fetch_all("SELECT guild_id FROM rounds ORDER BY id")
    assert [r["guild_id"] for r in left] == GUILDS[2:]


async def test_series_queries_across_guilds_see_only_owned_guilds(
    db: Database, pack_id: int
) -> None:
    everything = SeriesRepository(db)
    for n, guild in enumerate(GUILDS):
        await everything.create(
            NewSeries(
                guild_id=guild, pack_id=1, channel_id=10, every="daily", rule="FREQ=DAILY",
                starts_on=date(2026, 12, 1), at=time(18, 0), timezone="UTC", round_minutes=None,
                remind_minutes=None, ping_role_id=None, catch_up="latest", loop=False,
                next_section=1, next_at=NOW - timedelta(minutes=10 - n), created_by=7,
            ),
            now=NOW,
        )  # fmt: skip
    high = SeriesRepository(db, Shards.parse(4, "2-3"))
    due = await high.due(NOW)
    assert due is not None and due.guild_id == GUILDS[2]
    assert await high.next_due() == NOW - timedelta(minutes=8)
    assert (await everything.due(NOW)).guild_id == GUILDS[0]  # type: ignore[union-attr]
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO series_posts (series_id, occurrence, state, claimed_at) "
            "SELECT id, next_at, 'claimed', next_at FROM series"
        )
    assert len(await everything.claimed()) == 4
    assert {c.series_id for c in await high.claimed()} == {due.id, due.id + 1}


async def test_a_refused_reminder_is_due_again_once_at_its_new_time(
    db: Database, rounds: list[int]
) -> None:
    """remind_again stores the new time and clears the claim; another claim takes it only then,
    once. A round closed meanwhile is not reminded again."""
    repo = RoundRepository(db)
    first = await repo.claim_reminder(NOW)
    assert first is not None
    assert await repo.remind_again(first.id, NOW + timedelta(minutes=5))
    assert not await repo.remind_again(first.id, NOW + timedelta(minutes=5))  # not claimed now
    stored = await repo.get(first.guild_id, first.id)
    assert (stored.remind_at, stored.reminded_at) == (NOW + timedelta(minutes=5), None)
    others = [await repo.claim_reminder(NOW) for _ in range(4)]
    assert sorted(r.id for r in others if r) == sorted(set(rounds) - {first.id})
    assert await repo.next_reminder() == NOW + timedelta(minutes=5)
    again = await repo.claim_reminder(NOW + timedelta(minutes=5))
    assert again is not None and again.id == first.id
    assert await repo.claim_reminder(NOW + timedelta(minutes=5)) is None
    async with db.transaction() as conn:
        await conn.execute("UPDATE rounds SET status = 'closed' WHERE id = ?", (first.id,))
    assert not await repo.remind_again(first.id, NOW + timedelta(minutes=20))
