"""The rounds core on a real SQLite file: validation, stances, deadlines, participation, and
closing as a sequence of recorded steps that resumes after an interruption."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from roundtable.clock import Clock
from roundtable.errors import UserError
from roundtable.guild_config import GuildConfig
from roundtable.packs.library import PackLibrary
from roundtable.rounds import CLOSE_STEPS, CLOSED, RoundService
from roundtable.scheduler import Scheduler
from storage.database import Database
from storage.guild_settings import GuildSettingsRepository
from storage.packs import PackRepository
from storage.rounds import RoundRepository

SHIPPED = "deepseek-r1-chinas-sputnik-moment"


@pytest.fixture
def scheduler() -> Scheduler:
    return Scheduler(Clock())


@pytest.fixture
async def service(db: Database, scheduler: Scheduler) -> RoundService:
    packs = PackLibrary(PackRepository(db))
    await packs.sync_shipped()
    config = GuildConfig(GuildSettingsRepository(db), llm_configured=False)
    return RoundService(RoundRepository(db), packs, config, scheduler=scheduler)


async def reserve(service: RoundService, guild: int = 1, section: int = 2, **kw):
    record, _ = await service.reserve(
        guild,
        pack_slug=SHIPPED,
        section=section,
        channel_id=kw.get("channel", 100),
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
    elsewhere = await reserve(service, channel=101)  # and another channel (#27)
    assert elsewhere.id != first.id and elsewhere.channel_id == 101
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
    answered = await service.answer(1, record.id, 5, {1: " kept ", 2: " "})
    assert [(a.question, a.content) for a in answered.saved] == [(1, "kept")]
    again = await service.answer(1, record.id, 5, {2: "second"})
    assert [a.question for a in again.saved] == [2]
    assert [a.question for a in again.card] == [1, 2]  # the card shows all of them


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
    assert await service.responses(record) == []


async def posted(service: RoundService, record, thread: int = 555):
    return await service.posted(record, thread_id=thread, posts=[(100, thread)])


async def test_deadlines_close_each_round_once_one_at_a_time(service: RoundService) -> None:
    first = await posted(service, await reserve(service, section=1, closes_in="5m"), 501)
    second = await posted(service, await reserve(service, section=3, closes_in="6m"), 503)
    later = await posted(service, await reserve(service, section=2, closes_in="2h"), 502)
    unposted = await reserve(service, section=4, closes_in="5m")  # its post never went out
    soon = datetime.now(UTC) + timedelta(minutes=10)
    plan = await service.close_next_due(soon)
    assert plan is not None and plan.record.id == first.id
    assert plan.record.status == "closed" and plan.record.closed_by is None
    # The next is marked only when asked for: one close finishes before the next starts.
    assert (await service.get(1, second.id)).is_open
    plan = await service.close_next_due(soon)
    assert plan is not None and plan.record.id == second.id
    assert await service.close_next_due(soon) is None
    assert (await service.get(1, unposted.id)).is_open
    # Closes still to finish come first; then the next deadline.
    assert await service.next_wake() <= datetime.now(UTC)
    for done in (first, second):
        for step in CLOSE_STEPS:
            await service.step_done(done, step)
    assert await service.next_wake() == later.closes_at


async def test_participation_and_the_closing_message(service: RoundService) -> None:
    record = await reserve(service)
    await service.answer(1, record.id, 5, {1: "a", 2: "b"})
    await service.stance(1, record.id, 5, 0)
    await service.stance(1, record.id, 6, 1)
    await service.stance(1, record.id, 6, 0)
    elsewhere = service.reply_of(
        1,
        777,
        user_id=7,
        content="not a round thread",
        message_id=1,
        reply_to_id=None,
        created_at=datetime.now(UTC),
    )
    assert elsewhere is None  # no round's thread: not a reply, and no query made
    plan = await service.close(1, record.id, by=9)
    p = plan.participation
    assert (p.members, p.answers, p.replies) == (2, 2, 0)  # no answer card was ever posted
    assert p.opening == {"Agree": 1, "Disagree": 1}
    assert p.closing == {"Agree": 2}
    assert p.shifts(plan.record.stances) == [("Agree", 1, 2), ("Disagree", 1, 0), ("Unsure", 0, 0)]


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

    async def capture(guild: int, **changes: object) -> int:
        """Taken in as the bot takes in a thread message; how many replies were stored."""
        reply = service.reply_of(guild, 555, **{**kwargs, **changes})  # type: ignore[arg-type]
        return (await service.apply_captured([reply])).added if reply is not None else 0

    assert await capture(1) == 1
    assert await capture(1) == 0  # replayed after a resume
    assert await capture(2, message_id=43) == 0  # another guild's thread of that id
    await service.close(1, record.id, by=9)
    assert await capture(1, message_id=44) == 0  # the round closed
    assert [r.message_id for r in await service.responses(record)] == [42]


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


async def test_a_close_is_a_sequence_of_recorded_steps_that_resumes(service: RoundService) -> None:
    record = await posted(service, await reserve(service))
    await service.answer(1, record.id, 5, {1: "never shown in the thread"})
    plan = await service.close(1, record.id, by=9)
    assert plan.todo == CLOSE_STEPS and not plan.resumed
    assert plan.thread_on_close == "lock"
    assert (await service.get(1, record.id)).close_steps == ("stances",)
    # Interrupted after two steps (a crash, a SIGTERM): start-up finds the rest to do.
    await service.step_done(plan.record, "cards")
    await service.step_done(plan.record, "message")
    [resumed] = await service.unfinished()
    assert resumed.record.id == record.id and resumed.resumed
    assert resumed.todo == ("summary", "buttons", "thread")
    # /round close on it completes the close instead of saying "not open".
    again = await service.close(1, record.id, by=9)
    assert again.resumed and again.todo == ("summary", "buttons", "thread")
    with pytest.raises(UserError, match="is not open"):
        await service.cancel(1, record.id, by=9)  # a close is completed, not turned into a cancel
    for step in again.todo:
        await service.step_done(again.record, step)
    assert await service.unfinished() == []
    stored = await service.get(1, record.id)
    assert stored.close_steps == ("stances", *CLOSE_STEPS) and not stored.close_pending
    with pytest.raises(UserError, match=f"Round {record.id} is not open."):
        await service.close(1, record.id, by=9)


async def test_a_cancel_has_no_summary_step_and_reopening_clears_the_steps(
    service: RoundService,
) -> None:
    record = await posted(service, await reserve(service))
    plan = await service.cancel(1, record.id, by=9)
    assert plan.todo == ("cards", "message", "buttons", "thread")
    await service.step_done(plan.record, "cards")
    reopened = await service.reopen(1, record.id, closes_in=None)
    assert reopened.close_steps == () and not reopened.close_pending
    assert await service.unfinished() == []


async def test_answers_without_a_card_are_found_for_the_close(service: RoundService) -> None:
    record = await posted(service, await reserve(service))
    await service.answer(1, record.id, 5, {1: "shown", 2: "also shown"})
    await service.answer(1, record.id, 6, {2: "never shown"})
    shown = await service.answers_of(1, record.id, 5)
    await service.card_posted([a.id for a in shown], 9000)
    waiting = await service.uncarded(record)
    assert list(waiting) == [6]
    assert [a.content for a in waiting[6]] == ["never shown"]


async def test_the_service_wakes_the_scheduler_when_a_deadline_changes(
    service: RoundService, scheduler: Scheduler
) -> None:
    record = await reserve(service, closes_in="1h")
    assert not scheduler.woken
    assert await scheduler.next_wake() is None  # reserved, not posted: no deadline yet
    await posted(service, record)
    assert scheduler.woken
    assert await scheduler.next_wake() == record.closes_at  # the scheduler asks the service
    await scheduler.sleep(0)
    assert not scheduler.woken
    await service.close(1, record.id, by=9)
    assert scheduler.woken
