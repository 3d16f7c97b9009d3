"""The suggestions core on a real database (SQLite, then PostgreSQL): what can be suggested,
the daily limit, near-duplicates, votes, and approval into a section's later rounds or into the
open round it was suggested in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from roundtable.clock import ManualClock
from roundtable.errors import UserError
from roundtable.guild_config import GuildConfig
from roundtable.packs.library import PackLibrary
from roundtable.packs.model import MAX_QUESTIONS
from roundtable.privacy.service import PrivacyService
from roundtable.rounds import RoundService
from roundtable.scheduler import Scheduler
from roundtable.series.service import PostPlan, SeriesService
from roundtable.suggestions.service import SuggestionService
from storage.database import Database
from storage.guild_settings import GuildSettingsRepository
from storage.packs import PackRepository
from storage.privacy import PrivacyRepository
from storage.rounds import RoundRepository
from storage.series import SeriesRepository
from storage.suggestions import SuggestionRepository

SHIPPED = "deepseek-r1-chinas-sputnik-moment"
GUILD, ADA, GRACE, MOD = 1, 5, 6, 9
START = datetime(2031, 3, 4, 18, 0, tzinfo=UTC)  # any day: the clock is the service's


@dataclass
class Core:
    clock: ManualClock
    rounds: RoundService
    suggestions: SuggestionService
    privacy: PrivacyService
    series: SeriesService


@pytest.fixture
async def core(backend_db: Database) -> Core:
    clock = ManualClock(START)
    packs = PackLibrary(PackRepository(backend_db))
    await packs.sync_shipped()
    config = GuildConfig(GuildSettingsRepository(backend_db), llm_configured=False)
    scheduler = Scheduler(clock)
    rounds = RoundService(RoundRepository(backend_db), packs, config, clock, scheduler=scheduler)
    suggestions = SuggestionService(SuggestionRepository(backend_db), packs, clock)
    rounds.questions_added_by(suggestions.approved_for)
    series = SeriesService(
        SeriesRepository(backend_db), rounds, packs, config, clock, scheduler=scheduler
    )
    privacy = PrivacyService(PrivacyRepository(backend_db))
    return Core(clock, rounds, suggestions, privacy, series)


async def open_round(core: Core, section: int = 2):
    record, _ = await core.rounds.reserve(
        GUILD, pack_slug=SHIPPED, section=section, channel_id=100, closes_in=None, by=MOD
    )
    return await core.rounds.posted(record, thread_id=700 + record.id, posts=[(100, 800)])


async def test_a_section_suggestion_is_checked_limited_and_joins_later_rounds(core: Core) -> None:
    s = core.suggestions
    target = await s.target(GUILD, pack_slug=SHIPPED, section=3)
    assert (target.round_id, target.section_title) == (None, "Closing the gap")
    with pytest.raises(UserError, match="at least 10 characters"):
        await s.check(GUILD, ADA, "  Why?  ", target)
    with pytest.raises(UserError, match="can't mention members, roles, channels, @everyone"):
        await s.check(GUILD, ADA, "Is <@123> right about the gap? @everyone", target)
    with pytest.raises(UserError, match="at most 300 characters; this one has 301"):
        await s.check(GUILD, ADA, "x" * 301, target)
    with pytest.raises(UserError, match="Name the section too"):
        await s.target(GUILD, pack_slug=SHIPPED)
    with pytest.raises(UserError, match="sections 1 to 4, not 9"):
        await s.target(GUILD, pack_slug=SHIPPED, section=9)

    text, similar = await s.check(
        GUILD, ADA, "Does [this chart](https://evil.example/x)\u200b show the gap closing?", target
    )
    assert text == "Does this chart (https://evil.example/x) show the gap closing?"
    assert similar == []
    first = await s.submit(GUILD, ADA, text, target, name="Ada")
    core.clock.advance(timedelta(hours=2))
    second = await s.submit(
        GUILD, ADA, "Which jobs would AI change first, and for whom?", target, name="Ada"
    )
    core.clock.advance(timedelta(hours=2))
    await s.submit(
        GUILD, ADA, "Is Marx's lens still useful for software at all?", target, name="Ada"
    )
    with pytest.raises(UserError, match="3 questions in the last day.*again in 20 hours"):
        await s.check(GUILD, ADA, "One question too many for today?", target)
    with pytest.raises(UserError, match="3 questions in the last day"):
        await s.submit(GUILD, ADA, "One question too many for today?", target, name="Ada")
    assert len(await s.mine(GUILD, ADA)) == 3  # nothing half-written
    core.clock.advance(timedelta(hours=20, minutes=1))  # the first is a day old
    _, similar = await s.check(GUILD, ADA, "Which jobs will AI change first, and for whom?", target)
    assert [x.what for x in similar] == [f"suggestion {second.id} (pending)"]
    _, similar = await s.check(
        GUILD,
        ADA,
        "Has the technological gap between China and the most advanced countries closed?",
        target,
    )
    assert [x.what for x in similar] == ["question 1"]

    await s.approve(GUILD, second.id, by=MOD)
    core.clock.advance(timedelta(minutes=1))
    await s.approve(GUILD, first.id, by=MOD)
    record = await open_round(core, section=3)
    assert record.questions[4:] == (second.text, first.text)  # in the order approved
    assert len(record.questions) == 6
    other = await core.rounds.reserve(
        2, pack_slug=SHIPPED, section=3, channel_id=200, closes_in=None, by=MOD
    )
    assert len(other[0].questions) == 4  # another server's suggestions are its own


async def test_a_suggestion_in_an_open_round_is_voted_for_and_becomes_its_next_question(
    core: Core,
) -> None:
    s = core.suggestions
    record = await open_round(core)
    target = await s.target(GUILD, in_round=record)
    assert target.round_id == record.id and target.questions == record.questions
    made = await s.submit(
        GUILD, ADA, "Did the bans buy the US any time at all?", target, name="Ada"
    )
    with pytest.raises(UserError, match="can't vote for your own suggestion"):
        await s.vote(GUILD, made.id, ADA)
    assert (await s.vote(GUILD, made.id, GRACE)).votes == 1
    assert (await s.vote(GUILD, made.id, MOD)).votes == 2
    assert (await s.vote(GUILD, made.id, MOD)).votes == 1  # clicked again: taken back
    later = await s.submit(
        GUILD, GRACE, "Would the author welcome US chip subsidies?", target, name="Grace"
    )
    queue, pending = await s.queue(GUILD)
    assert [q.id for q in queue] == [made.id, later.id] and pending == 2  # most votes first
    with pytest.raises(UserError, match="There is no suggestion"):
        await s.approve(2, made.id, by=MOD)  # another server's id

    edited = await s.edit(GUILD, made.id, "Did the bans buy the US time, and how much?")
    assert edited.text == "Did the bans buy the US time, and how much?"
    approved = await s.approve(GUILD, made.id, by=MOD)
    assert (approved.number, approved.thread_id, approved.full) == (5, record.thread_id, False)
    assert (await core.rounds.get(GUILD, record.id)).questions[4] == edited.text
    answered = await core.rounds.answer(GUILD, record.id, GRACE, {5: "About two years."})
    assert [a.question for a in answered.saved] == [5]
    with pytest.raises(UserError, match=f"Suggestion {made.id} was approved already"):
        await s.approve(GUILD, made.id, by=MOD)
    with pytest.raises(UserError, match="was approved already"):
        await s.vote(GUILD, made.id, GRACE)

    rejected = await s.reject(GUILD, later.id, by=MOD, reason="  Off topic\nfor this section. ")
    assert (rejected.status, rejected.reason) == ("rejected", "Off topic for this section.")
    assert (await s.mine(GUILD, GRACE))[0].reason == "Off topic for this section."
    assert await s.queue(GUILD) == ([], 0)


async def test_a_suggestion_approved_after_its_round_closed_or_filled_joins_later_rounds(
    core: Core,
) -> None:
    s = core.suggestions
    record = await open_round(core)
    target = await s.target(GUILD, in_round=record)
    late = await s.submit(
        GUILD, ADA, "Did the bans buy the US any time at all?", target, name="Ada"
    )
    await core.rounds.close(GUILD, record.id, by=MOD)
    approved = await s.approve(GUILD, late.id, by=MOD)
    assert (approved.number, approved.full) == (None, False)
    assert len((await core.rounds.get(GUILD, record.id)).questions) == 4  # closed: unchanged
    again = await open_round(core)
    assert again.questions[-1] == late.text

    target = await s.target(GUILD, in_round=again)
    made = []
    for n in range(MAX_QUESTIONS - len(again.questions) + 1):
        core.clock.advance(timedelta(days=1))
        made.append(
            await s.submit(
                GUILD, GRACE, f"Follow-up number {n} about the bans?", target, name="Grace"
            )
        )
    numbers = [(await s.approve(GUILD, m.id, by=MOD)) for m in made]
    assert [a.number for a in numbers] == [6, 7, 8, 9, 10, None]
    assert numbers[-1].full
    assert len((await core.rounds.get(GUILD, again.id)).questions) == MAX_QUESTIONS


async def test_forget_deletes_a_members_suggestions_and_takes_back_their_votes(core: Core) -> None:
    s = core.suggestions
    target = await s.target(GUILD, pack_slug=SHIPPED, section=2)
    hers = await s.submit(
        GUILD, GRACE, "Would the author welcome US chip subsidies?", target, name="Grace"
    )
    mine = await s.submit(
        GUILD, ADA, "Did the bans buy the US any time at all?", target, name="Ada"
    )
    await s.vote(GUILD, hers.id, ADA)
    await s.vote(GUILD, mine.id, GRACE)
    gone = await core.privacy.forget(GUILD, ADA)
    assert gone.suggestions == 1
    assert await s.mine(GUILD, ADA) == []
    assert (await s.get(GUILD, hers.id)).votes == 0  # Ada's vote is gone
    assert (await s.vote(GUILD, hers.id, ADA)).votes == 1  # and she may vote again


async def test_a_scheduled_round_carries_the_questions_approved_for_its_section(
    core: Core,
) -> None:
    s = core.suggestions
    target = await s.target(GUILD, pack_slug=SHIPPED, section=1)
    made = await s.submit(
        GUILD, ADA, "Was the market fall a sign of anything lasting?", target, name="Ada"
    )
    await s.approve(GUILD, made.id, by=MOD)
    draft = await core.series.preview(
        GUILD, pack_slug=SHIPPED, channel_id=100, every="tue", at="19:00",
        timezone="Europe/Berlin", start=None, round_length="6d", remind_before=None,
        from_section=1, catch_up="latest", loop=False, ping_role_id=None, by=MOD,
    )  # fmt: skip
    await core.series.create(draft)
    core.clock.set(draft.upcoming[0].at)
    plan = await core.series.next_post()
    assert isinstance(plan, PostPlan)
    assert plan.record.section_number == 1
    assert plan.record.questions[-1] == made.text and len(plan.record.questions) == 5
