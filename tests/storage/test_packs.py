from __future__ import annotations

import pytest

from storage.database import Database
from storage.packs import DuplicatePack, PackRepository


async def test_shipped_packs_are_replaced_and_stale_ones_removed(db: Database) -> None:
    repo = PackRepository(db)
    await repo.replace_shipped([("a", "A", "body a", 1), ("b", "B", "body b", 2)])
    await repo.replace_shipped([("a", "A", "body a v2", 1)])
    [only] = await repo.visible_to(1)
    assert (only.slug, only.body, only.shipped) == ("a", "body a v2", True)


async def test_guild_packs_come_first_and_stay_in_their_guild(db: Database) -> None:
    repo = PackRepository(db)
    await repo.replace_shipped([("shipped", "Zeta shipped", "s", 1)])
    added = await repo.add(10, slug="mine", title="Mine", body="m", sections=3, by=7)
    assert (added.guild_id, added.created_by, added.sections) == (10, 7, 3)
    assert [r.slug for r in await repo.visible_to(10)] == ["mine", "shipped"]
    assert [r.slug for r in await repo.visible_to(11)] == ["shipped"]
    assert await repo.get(11, "mine") is None
    assert (await repo.get(10, "mine")).body == "m"


async def test_a_slug_cannot_be_reused_in_a_guild_or_over_a_shipped_pack(db: Database) -> None:
    repo = PackRepository(db)
    await repo.replace_shipped([("shipped", "S", "s", 1)])
    await repo.add(10, slug="mine", title="Mine", body="m", sections=1, by=7)
    with pytest.raises(DuplicatePack):
        await repo.add(10, slug="mine", title="Mine again", body="m2", sections=1, by=7)
    with pytest.raises(DuplicatePack):
        await repo.add(10, slug="shipped", title="S", body="x", sections=1, by=7)
    await repo.add(11, slug="mine", title="Mine", body="other guild", sections=1, by=8)
    assert (await repo.get(10, "mine")).body == "m"


async def test_remove_deletes_only_the_guilds_own_pack(db: Database) -> None:
    repo = PackRepository(db)
    await repo.replace_shipped([("shipped", "S", "s", 1)])
    await repo.add(10, slug="mine", title="Mine", body="m", sections=1, by=7)
    assert await repo.remove(11, "mine") is False
    assert await repo.remove(10, "shipped") is False
    assert await repo.remove(10, "mine") is True
    assert [r.slug for r in await repo.visible_to(10)] == ["shipped"]


async def test_a_pack_a_series_posts_cannot_be_removed(db: Database) -> None:
    from datetime import UTC, date, datetime, time

    from storage.packs import PackInUse
    from storage.series import NewSeries, SeriesRepository

    repo = PackRepository(db)
    added = await repo.add(10, slug="book", title="Book", body="b", sections=3, by=7)
    series = SeriesRepository(db)
    moment = datetime(2026, 3, 3, 18, tzinfo=UTC)
    new = NewSeries(10, added.id, 5, "tue", "FREQ=WEEKLY;BYDAY=TU", date(2026, 3, 3), time(19),
                    "Europe/Berlin", None, None, None, "latest", False, 1, moment, 7)  # fmt: skip
    made = await series.create(new, now=moment)
    with pytest.raises(PackInUse) as refused:
        await repo.remove(10, "book")
    assert (refused.value.rounds, refused.value.series) == (0, 1)
    await series.delete(10, made.id)
    assert await repo.remove(10, "book") is True
