"""storage/summaries.py on a real SQLite file."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from storage.database import Database
from storage.rounds import NewRound, RoundRepository
from storage.summaries import SummaryPost, SummaryRepository


@pytest.fixture
async def round_ids(db: Database, pack_id: int) -> tuple[int, int]:
    rounds = RoundRepository(db)
    made = []
    for guild in (1, 2):
        record = await rounds.create(
            NewRound(
                guild_id=guild,
                pack_id=1,
                section_number=1,
                section_title="S",
                questions=["Q?"],
                stances=[],
                channel_id=9,
                opened_by=1,
                closes_at=None,
                opened_at=datetime(2026, 12, 1, 18, 0, tzinfo=UTC),
            )
        )
        made.append(record.id)
    return made[0], made[1]


async def add(repo: SummaryRepository, guild: int, round_id: int, engine: str, digest: str):
    return await repo.add(
        guild,
        round_id,
        engine=engine,
        content_hash=digest,
        body={"title": digest},
        prompt_tokens=120 if engine == "llm" else 0,
        completion_tokens=30 if engine == "llm" else 0,
        by=None,
    )


async def test_add_latest_and_reuse_by_content_hash(
    db: Database, round_ids: tuple[int, int]
) -> None:
    repo = SummaryRepository(db)
    mine, _ = round_ids
    assert await repo.latest(1, mine) is None and await repo.last_made(1) is None
    first = await add(repo, 1, mine, "offline", "aaa")
    assert (first.engine, first.body, first.prompt_tokens) == ("offline", {"title": "aaa"}, 0)
    second = await add(repo, 1, mine, "llm", "bbb")
    assert (second.prompt_tokens, second.completion_tokens) == (120, 30)
    assert (await repo.latest(1, mine)) == second
    assert (await repo.same(1, mine, "offline", "aaa")) == first
    assert await repo.same(1, mine, "llm", "aaa") is None  # another engine is not a reuse
    assert await repo.same(1, mine, "offline", "zzz") is None  # the round changed
    assert await repo.last_made(1) == second.created_at


async def test_summaries_are_scoped_to_their_guild(
    db: Database, round_ids: tuple[int, int]
) -> None:
    repo = SummaryRepository(db)
    _, theirs = round_ids
    await add(repo, 2, theirs, "offline", "ccc")
    assert await repo.latest(1, theirs) is None
    assert await repo.same(1, theirs, "offline", "ccc") is None
    assert await repo.last_made(1) is None
    assert (await repo.latest(2, theirs)) is not None


async def test_a_posted_summary_is_kept_per_round_and_found_by_thread(
    db: Database, round_ids: tuple[int, int]
) -> None:
    repo = SummaryRepository(db)
    first, second = round_ids
    await repo.record_post(SummaryPost(first, 1, 70, (701, 702), frozenset({801, 802})))
    await repo.record_post(SummaryPost(second, 2, 80, (801,), frozenset()))
    # Edited later: the row of the round is replaced, not added to.
    await repo.record_post(SummaryPost(first, 1, 70, (701,), frozenset({802})))
    assert await repo.posts_in(70) == [SummaryPost(first, 1, 70, (701,), frozenset({802}))]
    assert await repo.posts_of(2) == [SummaryPost(second, 2, 80, (801,), frozenset())]
    assert await repo.posts_in(99) == []
