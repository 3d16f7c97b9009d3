"""storage/rounds.py on both backends: what each statement stores, guild by guild."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from storage.connection import Connection
from storage.database import Database
from storage.round_writes import apply_captured
from storage.rounds import (
    Delete,
    Edit,
    NewRound,
    Reply,
    RoundAlreadyOpen,
    RoundNotOpen,
    RoundRecord,
    RoundRepository,
)

NOW = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)


@pytest.fixture
async def repo(db: Database, pack_id: int) -> RoundRepository:
    return RoundRepository(db)


async def create(
    repo: RoundRepository,
    *,
    guild: int = 1,
    section: int = 1,
    closes_at: datetime | None = None,
    channel: int = 10,
) -> RoundRecord:
    return await repo.create(
        NewRound(
            guild_id=guild,
            pack_id=1,
            section_number=section,
            section_title=f"Section {section}",
            questions=["Why?", "How?"],
            stances=["Agree", "Disagree"],
            channel_id=channel,
            opened_by=7,
            closes_at=closes_at,
            opened_at=NOW,
        )
    )


async def test_create_copies_the_section_and_allows_one_open_round_per_section(
    repo: RoundRepository,
) -> None:
    record = await create(repo, closes_at=NOW)
    assert (record.status, record.questions, record.stances) == (
        "open",
        ("Why?", "How?"),
        ("Agree", "Disagree"),
    )
    assert record.closes_at == NOW and record.thread_id is None and record.posts == ()
    assert record.opened_at == NOW  # the service's clock, not the machine's
    with pytest.raises(RoundAlreadyOpen) as refused:
        await create(repo)
    assert refused.value.round_id == record.id
    assert (await create(repo, guild=2)).guild_id == 2
    assert await repo.count(1) == 1 and await repo.count(2) == 1
    assert await repo.uses_pack(1) == 2
    # Another channel of the same server may read the same section meanwhile (#27).
    assert (await create(repo, channel=11)).channel_id == 11


async def test_attach_then_lookups_are_scoped_to_the_guild(repo: RoundRepository) -> None:
    record = await create(repo)
    await repo.attach(record.id, thread_id=500, posts=[(10, 400), (10, 401)])
    found = await repo.get(1, record.id)
    assert found is not None and found.posts == ((10, 400), (10, 401)) and found.thread_id == 500
    assert await repo.get(2, record.id) is None
    assert await repo.thread_index() == [(500, 1, record.id, True)]
    await repo.discard(record.id)
    assert await repo.get(1, record.id) is None


async def test_due_and_next_deadline_consider_posted_open_rounds_only(
    repo: RoundRepository,
) -> None:
    posted = await create(repo, section=1, closes_at=NOW)
    await repo.attach(posted.id, thread_id=501, posts=[(10, 1)])
    await create(repo, section=2, closes_at=NOW - timedelta(hours=1))  # never posted
    later = await create(repo, section=3, closes_at=NOW + timedelta(hours=1))
    await repo.attach(later.id, thread_id=503, posts=[(10, 3)])
    assert [r.id for r in await repo.due(NOW)] == [posted.id]
    assert await repo.next_deadline() == NOW


async def test_finish_freezes_stances_and_records_the_close_steps(repo: RoundRepository) -> None:
    record = await create(repo)
    await repo.set_stance(1, record.id, 5, "Agree")
    await repo.set_stance(1, record.id, 5, "Disagree")
    assert await repo.finish(2, record.id, status="closed", by=7, now=NOW) is None  # another guild
    closed = await repo.finish(1, record.id, status="closed", by=7, now=NOW)
    assert closed is not None
    assert closed.closed_at == NOW  # the service's clock, not the machine's
    assert (closed.status, closed.closed_by, closed.close_steps, closed.close_pending) == (
        "closed",
        7,
        ("stances",),
        True,
    )
    assert await repo.finish(1, record.id, status="cancelled", by=7, now=NOW) is None  # once only
    [stance] = await repo.stances(1, record.id)
    assert (stance.opening, stance.current, stance.closing, stance.changes) == (
        "Agree",
        "Disagree",
        "Disagree",
        1,
    )
    with pytest.raises(RoundNotOpen):
        await repo.set_stance(1, record.id, 5, "Agree")
    assert [r.id for r in await repo.close_pending()] == [record.id]
    assert await repo.close_step_done(record.id, "message", last="thread") is True
    assert await repo.close_step_done(record.id, "message", last="thread") is True  # once
    assert await repo.close_step_done(record.id, "thread", last="thread") is False
    done = await repo.get(1, record.id)
    assert done is not None
    assert done.close_steps == ("stances", "message", "thread") and not done.close_pending
    assert await repo.close_pending() == []
    assert await repo.close_step_done(record.id, "buttons", last="thread") is False  # finished


async def test_reopen_clears_the_close_and_refuses_a_second_open_round(
    repo: RoundRepository,
) -> None:
    first = await create(repo)
    await repo.set_stance(1, first.id, 5, "Agree")
    await repo.finish(1, first.id, status="closed", by=None, now=NOW)
    second = await create(repo)
    with pytest.raises(RoundAlreadyOpen):
        await repo.reopen(1, first.id, closes_at=None)
    await repo.finish(1, second.id, status="cancelled", by=7, now=NOW)
    reopened = await repo.reopen(1, first.id, closes_at=NOW)
    assert reopened is not None
    assert (reopened.status, reopened.closes_at, reopened.closed_at) == ("open", NOW, None)
    assert reopened.close_steps == () and not reopened.close_pending
    assert (await repo.stances(1, first.id))[0].closing is None
    assert await repo.reopen(1, first.id, closes_at=None) is None  # already open


async def test_answers_keep_their_history_and_withdraw_drops_summaries(
    repo: RoundRepository, db: Database
) -> None:
    record = await create(repo)
    await repo.save_answers(1, record.id, 5, {1: "first", 2: "other"})
    saved = await repo.save_answers(1, record.id, 5, {1: "second"})
    assert [(a.question, a.content, a.edited_at is not None) for a in saved] == [
        (1, "second", True),
        (2, "other", False),
    ]
    assert await repo.history(saved[0].id) == ["first"]
    await repo.set_message([a.id for a in saved], 900)
    assert {a.message_id for a in await repo.answers(1, record.id, 5)} == {900}
    assert await repo.answers(2, record.id, 5) == []
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO summaries (round_id, guild_id, engine, content_hash, body, created_at) "
            "VALUES (?, 1, 'offline', 'h', '{}', 'now')",
            (record.id,),
        )
    gone = await repo.withdraw(1, record.id, 5)
    assert len(gone) == 2
    assert await repo.answers(1, record.id, 5) == []
    assert await db.fetch_all("SELECT id FROM summaries") == []  # they may have quoted them


async def test_replies_are_stored_once_edited_and_deleted_only_while_open(
    repo: RoundRepository,
) -> None:
    record = await create(repo)
    reply = Reply(1, record.id, 5, "hi", message_id=42, reply_to_id=None, created_at=NOW)
    assert (await repo.apply_captured([reply])).added == 1
    assert (await repo.apply_captured([reply])).added == 0  # replayed
    (stored,) = await repo.responses(1, record.id)
    assert (stored.kind, stored.content, stored.created_at) == ("reply", "hi", NOW)
    assert await repo.edit_reply(1, 42, "hello") is True
    assert await repo.edit_reply(1, 42, "hello") is False  # unchanged
    assert await repo.edit_reply(2, 42, "intruder") is False  # another guild
    assert [r.content for r in await repo.responses(1, record.id)] == ["hello"]
    assert await repo.history(stored.id) == ["hi"]
    assert await repo.delete_reply(2, 42) is False
    assert await repo.delete_reply(1, 42) is True
    await repo.finish(1, record.id, status="closed", by=None, now=NOW)
    assert (await repo.apply_captured([replace(reply, message_id=43)])).added == 0
    assert await repo.responses(1, record.id) == []


async def test_a_burst_of_replies_is_stored_in_order_verbatim_and_counted_exactly(
    repo: RoundRepository,
) -> None:
    """A long run of replies is one statement (on PostgreSQL, COPY into a temporary table, then
    one INSERT): every reply stored once, in the order it came, its text as typed (tabs, new
    lines, backslashes, COPY's own end-of-data and null marks), replayed ones across the
    rounds' edges not counted."""
    record = await create(repo)
    hostile = [
        "tab\there",
        "two\nlines\r\n",
        "back\\slash \\N",
        "\\.",
        "\\N",
        "emoji 🧐 — “quotes”",
    ]
    burst = [
        Reply(1, record.id, 5, f"r{i} {hostile[i % len(hostile)]}", 1000 + i, None, NOW)
        for i in range(600)
    ]
    assert (await repo.apply_captured(burst)).added == 600
    new = Reply(1, record.id, 6, "new", 5000, None, NOW)
    assert (await repo.apply_captured([*burst[95:205], new])).added == 1  # 110 replayed
    stored = await repo.responses(1, record.id)  # one created_at: in the order of their ids
    assert [(r.message_id, r.content) for r in stored] == [
        *((r.message_id, r.content) for r in burst),
        (5000, "new"),
    ]


async def test_a_long_run_in_a_job_that_failed_leaves_nothing_and_the_next_run_is_stored(
    db: Database, repo: RoundRepository
) -> None:
    """On PostgreSQL the run goes through a temporary table made in the job's savepoint: the
    failed job's rollback takes it away, and the next job makes it again."""
    record = await create(repo)
    burst = [Reply(1, record.id, 5, f"r{i}", 1000 + i, None, NOW) for i in range(40)]

    def fails(conn: Connection) -> None:
        assert apply_captured(conn, burst).added == 40
        raise RuntimeError("the job's own failure, after its writes")

    with pytest.raises(RuntimeError):
        await db.write(fails)
    assert await repo.responses(1, record.id) == []
    assert (await repo.apply_captured(burst)).added == 40
    assert (await repo.apply_captured(burst[:30])).added == 0  # the table emptied between uses
    stored = await repo.responses(1, record.id)
    assert [r.message_id for r in stored] == [r.message_id for r in burst]


async def test_captured_events_are_applied_in_order_as_one_job(repo: RoundRepository) -> None:
    """What the capture worker stores: a run of replies in one statement (a replayed one once),
    edits and deletes where they fall, nothing for a closed round; counted as stored."""
    record = await create(repo)
    closed = await create(repo, section=2)
    await repo.finish(1, closed.id, status="closed", by=None, now=NOW)

    def reply(message_id: int, round_id: int = record.id, text: str = "hi") -> Reply:
        return Reply(1, round_id, 5, text, message_id, None, NOW, name="Ada")

    applied = await repo.apply_captured(
        [
            reply(1),
            reply(2),
            reply(3, closed.id),
            Edit(1, 1, "hi, edited"),
            reply(4),
            Delete(1, 2),
            reply(1),  # replayed (a resumed gateway): stored once
            Edit(1, 4, " "),  # blanked: deleted
        ]
    )
    assert (applied.added, applied.edited, applied.deleted) == (3, 1, 2)
    stored = await repo.responses(1, record.id)
    assert [(r.message_id, r.content) for r in stored] == [(1, "hi, edited")]
    assert await repo.responses(1, closed.id) == []


async def test_page_lists_open_rounds_first_then_the_newest(repo: RoundRepository) -> None:
    old = await create(repo, section=1)
    mid = await create(repo, section=2)
    new = await create(repo, section=3)
    await repo.finish(1, old.id, status="closed", by=None, now=NOW)
    await repo.finish(1, new.id, status="closed", by=None, now=NOW)
    assert [r.id for r in await repo.page(1, limit=10, offset=0)] == [mid.id, new.id, old.id]
    assert [r.id for r in await repo.page(1, limit=1, offset=1)] == [new.id]
