"""The series service on a real SQLite file with a manual clock: validation, claims, catch-up,
finishing, and the moderator's controls. (Posting on Discord: tests/cogs/series/test_schedules.py.)"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from roundtable.clock import ManualClock
from roundtable.errors import UserError
from roundtable.guild_config import GuildConfig
from roundtable.packs.library import PackLibrary
from roundtable.rounds import RoundService
from roundtable.scheduler import Scheduler
from roundtable.series.recurrence import zone
from roundtable.series.service import Paused, PostPlan, SeriesService, Skipped
from storage.database import Database
from storage.guild_settings import GuildSettingsRepository
from storage.packs import PackRepository
from storage.rounds import RoundRepository
from storage.series import SeriesRepository

SHIPPED = "deepseek-r1-chinas-sputnik-moment"  # four sections
MONDAY = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


@pytest.fixture
async def clock() -> ManualClock:
    return ManualClock(MONDAY)


@pytest.fixture
async def service(db: Database, clock: ManualClock) -> SeriesService:
    packs = PackLibrary(PackRepository(db))
    await packs.sync_shipped()
    config = GuildConfig(GuildSettingsRepository(db), llm_configured=False)
    scheduler = Scheduler(clock)
    rounds = RoundService(RoundRepository(db), packs, config, clock, scheduler=scheduler)
    return SeriesService(SeriesRepository(db), rounds, packs, config, clock, scheduler=scheduler)


async def make(service: SeriesService, **options: object):
    given: dict[str, object] = {
        "pack_slug": SHIPPED,
        "channel_id": 100,
        "every": "tue",
        "at": "19:00",
        "timezone": "Europe/Berlin",
        "start": None,
        "round_length": "6d",
        "remind_before": None,
        "from_section": 1,
        "catch_up": "latest",
        "loop": False,
        "ping_role_id": None,
        "by": 7,
    }
    given.update(options)
    draft = await service.preview(1, **given)  # type: ignore[arg-type]
    return draft, await service.create(draft)


async def post(service: SeriesService) -> PostPlan:
    plan = await service.next_post()
    assert isinstance(plan, PostPlan)
    thread = 10_000 + plan.record.id
    await service.posted(plan, thread_id=thread, posts=[(100, thread)])
    return plan


async def test_the_preview_shows_five_occurrences_and_their_sections(
    service: SeriesService,
) -> None:
    draft, series = await make(service, loop=True)
    berlin = zone("Europe/Berlin")
    assert [o.at.astimezone(berlin).strftime("%a %d %H:%M") for o in draft.upcoming] == [
        "Tue 03 19:00",
        "Tue 10 19:00",
        "Tue 17 19:00",
        "Tue 24 19:00",
        "Tue 31 19:00",  # after the change to summer time, still 19:00
    ]
    assert [o.section for o in draft.upcoming] == [1, 2, 3, 4, 1]
    assert draft.upcoming[1].title == "No chips for China"
    assert series.status == "active" and series.next_at == draft.upcoming[0].at
    no_loop, _ = await make(service, channel_id=101)
    assert [o.section for o in no_loop.upcoming] == [1, 2, 3, 4]  # then it ends


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"timezone": "Mars/Olympus"}, "Mars/Olympus is not an IANA time zone"),
        ({"start": "2026-03-01"}, "The start date 2026-03-01 is in the past"),
        ({"start": "next week"}, "next week is not a date"),
        ({"at": "25:00"}, "25:00 is not a time of day"),
        ({"every": "FREQ=HOURLY"}, "at most once an hour"),
        ({"from_section": 9}, "has sections 1 to 4, not 9"),
        ({"pack_slug": "nope"}, "There is no pack 'nope' here"),
        ({"remind_before": "1d", "round_length": None}, "A reminder needs a round_length"),
        ({"remind_before": "7d"}, "remind_before must be shorter than round_length"),
        ({"catch_up": "some"}, "catch_up is one of latest, all, none"),
    ],
)
async def test_bad_input_is_refused_and_nothing_stored(
    service: SeriesService, db: Database, options: dict, message: str
) -> None:
    with pytest.raises(UserError, match=message):
        await make(service, **options)
    assert await db.fetch_all("SELECT id FROM series") == []


async def test_a_second_series_in_the_same_channel_and_pack_is_refused(
    service: SeriesService, db: Database
) -> None:
    _, first = await make(service)
    with pytest.raises(UserError, match=f"Series {first.id} already posts this pack"):
        await make(service)
    await make(service, channel_id=555)  # another channel may
    assert len(await db.fetch_all("SELECT id FROM series")) == 2


async def test_each_occurrence_posts_the_next_section_once_then_the_series_ends(
    service: SeriesService, clock: ManualClock, db: Database
) -> None:
    draft, series = await make(service)
    assert await service.next_post() is None  # not due yet
    sections = []
    for occurrence in draft.upcoming:
        clock.set(occurrence.at)
        plan = await post(service)
        assert plan.occurrence == occurrence.at and not plan.late
        assert plan.record.closes_at == occurrence.at + timedelta(days=6)
        sections.append(plan.record.section_number)
        assert await service.next_post() is None  # claimed once
    assert sections == [1, 2, 3, 4]
    done = await service.get(1, series.id)
    assert (done.status, done.next_at) == ("finished", None)
    rows = await db.fetch_all("SELECT state FROM series_posts")
    assert [r["state"] for r in rows] == ["posted"] * 4
    clock.advance(timedelta(days=60))
    assert await service.next_post() is None


@pytest.mark.parametrize(
    ("policy", "posted", "skipped"),
    [("latest", [1], 2), ("all", [1, 2, 3], 0), ("none", [], 3)],
)
async def test_catch_up_after_downtime(
    service: SeriesService, clock: ManualClock, policy: str, posted: list[int], skipped: int
) -> None:
    draft, series = await make(service, catch_up=policy, loop=True)
    clock.set(draft.upcoming[2].at + timedelta(hours=2))  # down across three occurrences
    plans, notices = [], []
    while (plan := await service.next_post()) is not None:
        if isinstance(plan, Skipped):
            notices.append(plan.count)
            continue
        assert isinstance(plan, PostPlan)
        await service.posted(plan, thread_id=9000 + plan.record.id, posts=[])
        plans.append(plan)
    assert notices == ([3] if policy == "none" else [])
    assert [p.record.section_number for p in plans] == posted
    assert all(p.late for p in plans)
    if plans:
        assert plans[0].skipped == skipped
    after = await service.get(1, series.id)
    assert after.next_at == draft.upcoming[3].at  # the rhythm goes on
    assert after.next_section == len(posted) + 1


async def test_a_claim_never_marked_posted_comes_back_with_the_same_round(
    service: SeriesService, clock: ManualClock
) -> None:
    draft, _ = await make(service)
    clock.set(draft.upcoming[0].at)
    claimed = await service.next_post()
    assert isinstance(claimed, PostPlan)
    # The bot stops here: Discord may or may not have the post; nothing was marked.
    assert await service.next_post() is None  # never claimed twice
    [again] = await service.unfinished_posts()
    assert again.record.id == claimed.record.id and again.resumed
    await service.posted(again, thread_id=42, posts=[(100, 42)])
    assert await service.unfinished_posts() == []


async def test_an_open_round_on_the_next_section_pauses_the_series(
    service: SeriesService, clock: ManualClock
) -> None:
    draft, series = await make(service)
    rounds = service._rounds
    manual, _ = await rounds.reserve(
        1, pack_slug=SHIPPED, section=1, channel_id=100, closes_in=None, by=7
    )
    clock.set(draft.upcoming[0].at)
    paused = await service.next_post()
    assert isinstance(paused, Paused)
    assert f"round {manual.id} on section 1 is still open" in paused.reason
    stored = await service.get(1, series.id)
    assert stored.status == "paused" and stored.next_section == 1


async def test_pause_resume_skip_edit_delete(service: SeriesService, clock: ManualClock) -> None:
    draft, series = await make(service)
    paused = await service.pause(1, series.id)
    assert paused.status == "paused"
    clock.set(draft.upcoming[1].at + timedelta(hours=1))
    assert await service.next_post() is None
    resumed = await service.resume(1, series.id)
    assert resumed.next_at == draft.upcoming[2].at  # what fell in the pause is not caught up
    with pytest.raises(UserError, match="is active, not paused"):
        await service.resume(1, series.id)
    skipped, when = await service.skip(1, series.id)
    assert when == draft.upcoming[2].at and skipped.next_at == draft.upcoming[3].at
    assert skipped.next_section == 1  # the section moves to the next occurrence
    edited = await service.edit(
        1, series.id, at="20:30", timezone="America/New_York", round_length=None,
        remind_before=None,
    )  # fmt: skip
    local = edited.next_at.astimezone(zone("America/New_York"))
    assert (local.strftime("%a %H:%M"), edited.timezone) == ("Tue 20:30", "America/New_York")
    with pytest.raises(UserError, match="There is no series 99"):
        await service.get(1, 99)
    with pytest.raises(UserError, match=f"There is no series {series.id}"):
        await service.get(2, series.id)  # another guild's
    await service.delete(1, series.id)
    assert await service.of_guild(1) == []


async def test_a_season_of_26_weeks_posts_every_round_once_at_19_local(
    service: SeriesService, clock: ManualClock
) -> None:
    await make(service, loop=True, start="2026-03-03")
    seen = []
    moment = MONDAY
    for _ in range(26 * 7 * 4):  # every six hours for 26 weeks
        moment += timedelta(hours=6)
        clock.set(moment)
        while (plan := await service.next_post()) is not None:
            assert isinstance(plan, PostPlan)
            await service.posted(plan, thread_id=5000 + plan.record.id, posts=[])
            seen.append(plan)
            # The round closes before the next one on its section is due.
            closing = await service._rounds.close(1, plan.record.id, by=None)
            for step in closing.todo:
                await service._rounds.step_done(closing.record, step)
    berlin = zone("Europe/Berlin")
    assert len(seen) == 26
    assert {p.occurrence.astimezone(berlin).strftime("%a %H:%M") for p in seen} == {"Tue 19:00"}
    assert len({p.occurrence for p in seen}) == 26
    assert [p.record.section_number for p in seen[:6]] == [1, 2, 3, 4, 1, 2]


async def test_a_reminder_is_due_once_before_the_round_closes(
    service: SeriesService, clock: ManualClock
) -> None:
    draft, _ = await make(service, remind_before="24h")
    clock.set(draft.upcoming[0].at)
    plan = await post(service)
    rounds = service._rounds
    assert plan.record.remind_at == plan.record.closes_at - timedelta(hours=24)
    assert await rounds.next_wake() == plan.record.remind_at
    assert await rounds.next_reminder() is None  # not yet
    clock.set(plan.record.remind_at)
    due = await rounds.next_reminder()
    assert due is not None and due[0].id == plan.record.id
    assert await rounds.next_reminder() is None  # once
    assert await rounds.next_wake() == plan.record.closes_at
