"""The rounds core on a real SQLite file: validation, stances, deadlines, participation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from roundtable.errors import UserError
from roundtable.packs.library import PackLibrary
from roundtable.rounds import CLOSED, RoundService, closing_message
from storage.database import Database
from storage.packs import PackRepository
from storage.rounds import RoundRepository

SHIPPED = "deepseek-r1-chinas-sputnik-moment"


@pytest.fixture
async def service(db: Database) -> RoundService:
    packs = PackLibrary(PackRepository(db))
    await packs.sync_shipped()
    return RoundService(RoundRepository(db), packs)


async def reserve(service: RoundService, guild: int = 1, section: int = 2, **kw):
    record, _ = await service.reserve(
        guild,
        pack_slug=SHIPPED,
        section=section,
        channel_id=100,
        closes_in=kw.get("closes_in"),
        by=9,
    )
    return record


async def test_reserve_copies_questions_and_stances(service: RoundService) -> None:
    record = await reserve(service, closes_in="2h")
    assert record.section_title == "No chips for China"
    assert len(record.questions) == 4 and record.stances == ("Agree", "Disagree", "Unsure")
    assert record.closes_at is not None
    assert (
        timedelta(hours=1, minutes=59) < record.closes_at - datetime.now(UTC) <= timedelta(hours=2)
    )


async def test_one_open_round_per_section(service: RoundService) -> None:
    first = await reserve(service)
    with pytest.raises(UserError, match=f"Round {first.id} on this section is already open"):
        await reserve(service)
    assert (await reserve(service, guild=2)).guild_id == 2  # another guild may
    await service.close(1, first.id, by=9)
    assert (await reserve(service)).id != first.id


async def test_answers_are_validated(service: RoundService) -> None:
    record = await reserve(service)
    with pytest.raises(UserError, match="Your answer was empty"):
        await service.answer(1, record.id, 5, {1: "  ", 2: ""})
    with pytest.raises(UserError, match="at most 4,000 characters"):
        await service.answer(1, record.id, 5, {1: "x" * 4001})
    with pytest.raises(UserError, match="no question 9"):
        await service.answer(1, record.id, 5, {9: "hi"})
    saved = await service.answer(1, record.id, 5, {1: " kept ", 2: " "})
    assert [(a.question, a.content) for a in saved] == [(1, "kept")]


async def test_closed_rounds_refuse_answers_and_stances(service: RoundService) -> None:
    record = await reserve(service)
    await service.close(1, record.id, by=None)
    with pytest.raises(UserError, match=CLOSED):
        await service.answer(1, record.id, 5, {1: "late"})
    with pytest.raises(UserError, match=CLOSED):
        await service.stance(1, record.id, 5, 0)


async def test_other_guilds_cannot_reach_a_round(service: RoundService) -> None:
    record = await reserve(service)
    with pytest.raises(UserError, match=f"There is no round {record.id} on this server"):
        await service.answer(2, record.id, 5, {1: "intruder"})
    with pytest.raises(UserError, match="There is no round"):
        await service.close(2, record.id, by=1)
    assert await service.repo.responses(2, record.id) == []


async def test_deadlines_close_each_round_once(service: RoundService) -> None:
    due = await reserve(service, section=1, closes_in="5m")
    later = await reserve(service, section=2, closes_in="2h")
    soon = datetime.now(UTC) + timedelta(minutes=10)
    assert [r.id for r in await service.close_due(soon)] == [due.id]
    assert await service.close_due(soon) == []
    assert await service.repo.next_deadline() == later.closes_at


async def test_participation_and_the_closing_message(service: RoundService) -> None:
    record = await reserve(service)
    await service.answer(1, record.id, 5, {1: "a", 2: "b"})
    await service.stance(1, record.id, 5, 0)
    await service.stance(1, record.id, 6, 1)
    await service.stance(1, record.id, 6, 0)
    await service.capture_reply(
        1,
        777,
        user_id=7,
        content="not a round thread",
        message_id=1,
        reply_to_id=None,
        created_at=datetime.now(UTC),
    )
    closed = await service.close(1, record.id, by=9)
    p = await service.participation(closed)
    assert (p.members, p.answers, p.replies) == (2, 2, 0)
    assert p.opening == {"Agree": 1, "Disagree": 1}
    assert p.closing == {"Agree": 2}
    text = closing_message(closed, p).embeds[0].description
    assert "**Participation:** 2 members, 2 answers, 0 replies." in text
    assert "Agree: 1 → 2 (+1)" in text and "Disagree: 1 → 0 (-1)" in text


async def test_replies_are_stored_once_and_only_in_open_round_threads(
    service: RoundService,
) -> None:
    record = await reserve(service)
    await service.posted(record, thread_id=555, posts=[(100, 555)])
    now = datetime.now(UTC)
    kwargs = {
        "user_id": 7,
        "content": "hello",
        "message_id": 42,
        "reply_to_id": None,
        "created_at": now,
    }
    assert await service.capture_reply(1, 555, **kwargs) is not None
    assert await service.capture_reply(1, 555, **kwargs) is None  # replayed after a resume
    assert await service.capture_reply(2, 555, **{**kwargs, "message_id": 43}) is None
    await service.close(1, record.id, by=9)
    assert await service.capture_reply(1, 555, **{**kwargs, "message_id": 44}) is None
    assert [r.message_id for r in await service.repo.responses(1, record.id)] == [42]


async def test_reopen_conflicts_with_an_open_round_on_the_same_section(
    service: RoundService,
) -> None:
    first = await reserve(service)
    await service.close(1, first.id, by=9)
    second = await reserve(service)
    with pytest.raises(UserError, match=f"Round {second.id} on the same section is open"):
        await service.reopen(1, first.id, closes_in=None)
    await service.cancel(1, second.id, by=9)
    reopened = await service.reopen(1, first.id, closes_in="1d")
    assert reopened.is_open and reopened.closes_at is not None and reopened.closed_at is None
    with pytest.raises(UserError, match="is already open"):
        await service.reopen(1, first.id, closes_in=None)
