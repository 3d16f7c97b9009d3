"""The reply capture (roundtable/rounds/capture.py) with the real rounds service on a real SQLite file:
what is stored, in which order, what costs nothing, and what the backlog looks like."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from roundtable.guild_config import GuildConfig
from roundtable.packs.library import PackLibrary
from roundtable.rounds import RoundService
from roundtable.rounds.capture import ReplyCapture
from storage.database import Database
from storage.guild_settings import GuildSettingsRepository
from storage.packs import PackRepository
from storage.rounds import RoundRecord, RoundRepository

SHIPPED = "deepseek-r1-chinas-sputnik-moment"
THREAD = 555
NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


@pytest.fixture
async def service(db: Database) -> RoundService:
    packs = PackLibrary(PackRepository(db))
    await packs.sync_shipped()
    config = GuildConfig(GuildSettingsRepository(db), llm_configured=False)
    return RoundService(RoundRepository(db), packs, config)


@pytest.fixture
async def capture(service: RoundService) -> AsyncIterator[ReplyCapture]:
    taker = ReplyCapture(service, batch=50)
    taker.start()
    yield taker
    await taker.stop()


async def posted(service: RoundService, section: int = 2, thread: int = THREAD) -> RoundRecord:
    record, _ = await service.reserve(
        1, pack_slug=SHIPPED, section=section, channel_id=100, closes_in=None, by=9
    )
    return await service.posted(record, thread_id=thread, posts=[(100, thread)])


def say(capture: ReplyCapture, message_id: int, text: str, *, thread: int = THREAD) -> bool:
    return capture.offer_message(
        1,
        thread,
        user_id=7,
        content=text,
        message_id=message_id,
        reply_to_id=None,
        created_at=NOW,
        name="Ada",
    )


async def stored(db: Database) -> list[tuple[int, str]]:
    rows = await db.fetch_all("SELECT message_id, content FROM responses ORDER BY message_id")
    return [(r["message_id"], r["content"]) for r in rows]


async def test_messages_outside_round_threads_cost_no_write(
    db: Database, service: RoundService, capture: ReplyCapture
) -> None:
    await posted(service)
    jobs = db.writer_stats.jobs
    assert not any(say(capture, 1000 + i, "chatter", thread=999) for i in range(500))
    assert not capture.offer_edit(1, 999, 1000, "edited")
    await capture.drained()
    assert db.writer_stats.jobs == jobs  # not a single statement for them
    assert capture.stats.ignored == 501 and capture.depth == 0
    assert await stored(db) == []


async def test_a_burst_is_stored_in_batches_in_order_with_edits_and_deletes_after_their_message(
    db: Database, service: RoundService, capture: ReplyCapture
) -> None:
    await posted(service)
    for i in range(1, 201):
        assert say(capture, i, f"reply {i}")
        if i % 10 == 0:
            capture.offer_edit(1, THREAD, i, f"reply {i} (edited)")
        if i % 25 == 0:
            capture.offer_deletes(1, THREAD, [i - 1])
    capture.offer_edit(1, THREAD, 3, "   ")  # an edit to blanks deletes
    assert capture.depth > 0
    await capture.drained()
    rows = dict(await stored(db))
    assert len(rows) == 200 - 8 - 1
    assert rows[10] == "reply 10 (edited)" and rows[200] == "reply 200 (edited)"
    assert 24 not in rows and 3 not in rows
    assert capture.stats.batches >= 4  # batches of at most 50 events
    assert (capture.stats.added, capture.stats.edited, capture.stats.deleted) == (200, 20, 9)
    names = await db.fetch_all("SELECT name FROM member_names")
    assert [r["name"] for r in names] == ["Ada"]


async def test_a_batch_waits_for_more_only_while_they_keep_coming_and_until_it_is_full(
    db: Database, service: RoundService
) -> None:
    await posted(service)
    lone = ReplyCapture(service, linger=60, quiet=0.05)
    lone.start()
    try:
        assert say(lone, 1, "a lone reply")
        await asyncio.wait_for(lone.drained(), 5)  # stored once nothing else came, not in 60 s
    finally:
        await lone.stop()
    full = ReplyCapture(service, batch=10, linger=60, quiet=60)
    full.start()
    try:
        assert say(full, 2, "reply 2")
        await asyncio.sleep(0.05)  # the worker lingers for more
        for i in range(3, 12):
            assert say(full, i, f"reply {i}")
        await asyncio.wait_for(full.drained(), 5)  # a full batch goes at once
        assert full.stats.batches == 1
    finally:
        await full.stop()
    assert len(await stored(db)) == 11


async def test_a_close_stores_the_replies_sent_before_it_however_long_their_batch_lingers(
    db: Database, service: RoundService
) -> None:
    record = await posted(service)
    slow = ReplyCapture(service, linger=60, quiet=60)  # a batch not full: a minute for more
    slow.start()
    try:
        assert say(slow, 1, "just before the close")
        await asyncio.sleep(0.05)
        assert await stored(db) == []  # still lingering
        plan = await asyncio.wait_for(service.close(1, record.id, by=9), 5)
        assert await stored(db) == [(1, "just before the close")]
        assert (plan.participation.members, plan.participation.replies) == (1, 1)
        assert not say(slow, 2, "after the close")  # not even queued
    finally:
        await slow.stop()


async def test_a_round_closed_at_its_deadline_counts_the_replies_still_lingering(
    db: Database, service: RoundService
) -> None:
    record, _ = await service.reserve(
        1, pack_slug=SHIPPED, section=2, channel_id=100, closes_in="1h", by=9
    )
    await service.posted(record, thread_id=THREAD, posts=[(100, THREAD)])
    slow = ReplyCapture(service, linger=60, quiet=60)
    slow.start()
    try:
        assert say(slow, 1, "before the deadline")
        assert record.closes_at is not None
        plan = await asyncio.wait_for(service.close_next_due(record.closes_at), 5)
        assert plan is not None and plan.participation.replies == 1
        assert await stored(db) == [(1, "before the deadline")]
    finally:
        await slow.stop()


async def test_replies_to_a_round_closed_meanwhile_are_not_stored(
    db: Database, service: RoundService, capture: ReplyCapture
) -> None:
    record = await posted(service)
    assert say(capture, 1, "in time")
    await capture.drained()
    # Queued by a capture that was not running when the round closed (nothing to settle):
    # written after the close, and the write checks.
    waiting = ReplyCapture(service)
    assert say(waiting, 2, "too late")
    await service.close(1, record.id, by=9)
    waiting.start()
    await waiting.stop()
    assert await stored(db) == [(1, "in time")]
    assert not say(capture, 3, "after the close")  # not even queued
    # A closed round's reply can still be edited or deleted (privacy): the thread is known.
    assert capture.offer_deletes(1, THREAD, [1])
    await capture.drained()
    assert await stored(db) == []


async def test_threads_are_known_again_after_a_restart(db: Database, service: RoundService) -> None:
    open_round = await posted(service, section=2, thread=555)
    closed = await posted(service, section=3, thread=556)
    await service.close(1, closed.id, by=9)
    fresh = RoundService(RoundRepository(db), service._packs, service._config)
    assert await fresh.load_threads() == 2
    assert fresh.threads.open == {555: (1, open_round.id)}
    assert fresh.threads.known == {555, 556}
    assert fresh.threads.round_of(2, 555) is None  # another guild's message never matches


async def test_stop_stores_what_is_waiting(db: Database, service: RoundService) -> None:
    await posted(service)
    taker = ReplyCapture(service, batch=7)
    taker.start()
    for i in range(1, 31):
        say(taker, i, f"r{i}")
    await taker.stop()
    assert len(await stored(db)) == 30


async def test_replies_a_moment_apart_are_stored_in_one_commit(
    db: Database, service: RoundService
) -> None:
    """#28: a batch that is not full waits a moment (LINGER) for more, so that at a low rate
    a reply is not a commit of its own; what waits is still stored, in order."""
    await posted(service)
    taker = ReplyCapture(service, linger=0.05)
    taker.start()
    say(taker, 1, "first")
    await asyncio.sleep(0.01)  # the worker lingers: this one joins the same batch
    say(taker, 2, "second")
    await taker.stop()
    assert await stored(db) == [(1, "first"), (2, "second")]
    assert taker.stats.batches == 1
