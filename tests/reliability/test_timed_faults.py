"""One server's failing series never stops another's timed work (#27, defect 2): Discord keeps
answering 400, 503 or nothing at all to one server's scheduled post; the other server's posts,
reminders and deadlines come on time, the failing post is tried again with a back-off, and
after the last try its series pauses and its moderators are told why."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from roundtable.clock import ManualClock
from sandbox import Sandbox
from sandbox.model import Channel, Message
from tests.cogs.series.test_schedules import SHIPPED, round_posts
from tests.harness import World, database_of, running_bot

START = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
FIRST = datetime(2026, 3, 2, 13, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
async def two(
    sandbox: Sandbox, db_path: Path, clock: ManualClock
) -> AsyncIterator[tuple[World, World]]:
    sb = sandbox
    failing, healthy = sb.guild("Failing"), sb.guild("Healthy")
    worlds = []
    async with running_bot(sb, db_path, clock=clock) as bot:
        for guild in (failing, healthy):
            general = sb.text_channel(guild, "general")
            member = sb.member(guild, "Ada")
            worlds.append(World(sb, bot, guild, sb.owner(guild), member, general))
        await sb.gateway.drained()
        yield worlds[0], worlds[1]


async def create_series(world: World, **options: object) -> int:
    sb = world.sandbox
    reply = await sb.slash(
        world.owner,
        "schedule create",
        world.general,
        pack=SHIPPED,
        channel=world.general,
        every="daily",
        at="13:00",
        timezone="UTC",
        **{"round_length": "2h", **options},
    )
    [preview] = reply.messages
    saved = await sb.click(world.owner, preview, sb.button(preview, "Create series"))
    return int(saved.original.content.split()[2].rstrip(":"))


async def at(world: World, clock: ManualClock, moment: datetime, done: Callable[[], bool]) -> None:
    clock.set(moment)
    world.bot.services.scheduler.wake()
    await world.sandbox.eventually(done, timeout=15, what=f"the timer's work at {moment}")


@pytest.mark.timeout(120)
@pytest.mark.parametrize("fault", ["400", "503", "no answer"])
async def test_a_failing_series_never_holds_up_another_servers_timed_work(
    two: tuple[World, World], clock: ManualClock, fault: str
) -> None:
    failing, healthy = two
    sb = failing.sandbox
    mods = sb.text_channel(failing.guild, "mods")
    await sb.gateway.drained()
    await sb.slash(failing.owner, "config set", failing.general, channel=mods)
    broken = await create_series(failing)
    fine = await create_series(healthy, remind_before="1h")
    posting = rf"/channels/{failing.general.id}/messages$"
    if fault == "no answer":
        cog = failing.bot.get_cog("SeriesCog")
        assert cog is not None  # (loaded as an extension: its own copy of the class)
        cog.timed.item_seconds = 0.5  # type: ignore[attr-defined]  # the bot's budget for one post, shortened for the test
        sb.rest.slow_down("POST", posting, 3600)
    else:
        sb.rest.fail("POST", posting, int(fault), times=10**6)
    db = database_of(failing.bot)

    async def tries() -> int:
        row = await db.fetch_one("SELECT failures FROM series_posts WHERE series_id = ?", (broken,))
        return row[0] if row else 0

    # 13:00: the healthy server's round is posted; the failing one is recorded, not retried yet.
    opened = lambda: [p for p in round_posts(sb, healthy.general) if sb.thread_of(p)]  # noqa: E731
    await at(healthy, clock, FIRST, lambda: len(opened()) == 1)
    await wait_for(tries, 1)
    [post] = opened()
    thread = sb.thread_of(post)
    assert thread is not None
    # 14:00: its reminder, while the failing post is tried again (after 1 min, then 5).
    reminded = lambda: any("closes" in m.content for m in sb.messages(thread))  # noqa: E731
    await at(healthy, clock, FIRST + timedelta(hours=1), reminded)
    await wait_for(tries, 2)
    # 15:00: its deadline; the round closes on time.
    await at(healthy, clock, FIRST + timedelta(hours=2), lambda: thread.locked)
    await wait_for(tries, 3)
    closed = await db.fetch_one(
        "SELECT status FROM rounds WHERE guild_id = ? AND series_id = ?", (healthy.guild.id, fine)
    )
    assert closed is not None and closed[0] == "closed"
    # The back-off runs out (20 min, then an hour): the series pauses, its moderators are told.
    await at(failing, clock, FIRST + timedelta(hours=2, minutes=21), lambda: True)
    await wait_for(tries, 4)
    told = lambda: [m for m in sb.messages(mods) if "is paused" in m.content]  # noqa: E731
    await at(failing, clock, FIRST + timedelta(hours=3, minutes=22), lambda: bool(told()))
    [notice] = told()
    assert notice.content.startswith(
        f"Series {broken} is paused: Discord refused its post 5 times in a row over "
        "1 hour 26 minutes ("
    )
    assert not notice.pings.anyone
    stored = await db.fetch_one(
        "SELECT status, next_section, paused_reason FROM series WHERE id = ?", (broken,)
    )
    assert tuple(stored)[:2] == ("paused", 1)  # section 1 waits for /schedule resume
    assert ("did not answer" if fault == "no answer" else f"Discord answered {fault}") in (
        stored[2]
    )
    assert round_posts(sb, failing.general) == []
    # The next day the healthy server's series goes on as ever.
    await at(
        healthy,
        clock,
        FIRST + timedelta(days=1),
        lambda: len(opened()) == 2,
    )


async def wait_for(count: Callable[[], object], expected: int) -> None:
    for _ in range(500):
        if await count() == expected:  # type: ignore[misc]
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"the failing post was tried {await count()} times, not {expected}")  # type: ignore[misc]


@pytest.mark.timeout(120)
async def test_a_close_discord_never_answers_holds_up_no_one_and_is_held_after_five_tries(
    two: tuple[World, World], clock: ManualClock
) -> None:
    """A round's close whose thread Discord never answers: the other server's round closes on
    time; the stuck close is tried again after the series' back-off (1, 5, 20, 60 minutes),
    each try within its time limit, then held (not tried again) and the server's moderators
    told how to finish it."""
    failing, healthy = two
    sb = failing.sandbox
    mods = sb.text_channel(failing.guild, "mods")
    await sb.gateway.drained()
    await sb.slash(failing.owner, "config set", failing.general, channel=mods)
    threads = []
    for world in (failing, healthy):
        started = await sb.slash(
            world.owner, "round start", world.general, pack=SHIPPED, section=2,
            channel=world.general, closes_in="1h",
        )  # fmt: skip
        assert started.messages[0].content.startswith("Started"), started.messages[0].content
        [post] = round_posts(sb, world.general)
        threads.append(sb.thread_of(post))
    stuck, fine = threads
    db = database_of(failing.bot)
    row = await db.fetch_one("SELECT id FROM rounds WHERE guild_id = ?", (failing.guild.id,))
    assert row is not None
    stuck_id = row[0]
    cog = failing.bot.get_cog("RoundsCog")
    assert cog is not None
    timed = cog.timed  # type: ignore[attr-defined]
    timed.item_seconds = 1.0  # the bot's budget for one close, shortened for the test
    sb.rest.slow_down("POST", rf"/channels/{stuck.id}/messages$", 3600)

    # 13:00: both deadlines. The healthy server's round closes on time.
    await at(healthy, clock, FIRST, lambda: fine.locked)
    told = lambda: [m for m in sb.messages(mods) if "could not finish closing" in m.content]  # noqa: E731
    failed = lambda: timed.failures.get(stuck_id, 0)  # noqa: E731
    await sb.eventually(lambda: failed() == 1, what="the first try failed")
    posting = f"/channels/{stuck.id}/messages"
    tried = lambda: sum(1 for m, p in sb.rest.requests if m == "POST" and p.endswith(posting))  # noqa: E731
    for minutes, failures in [(0.5, 1), (1, 2), (3, 2), (6, 3), (26, 4), (86, 5), (300, 5)]:
        before = tried()
        await at(failing, clock, FIRST + timedelta(minutes=minutes), lambda: True)
        await asyncio.sleep(1.5)  # a try takes up to its 1 s
        assert failed() == failures, (minutes, failed())
        # Between tries, and once held, nothing reaches Discord.
        assert (tried() > before) == (minutes in (1, 6, 26, 86)), minutes
    [notice] = told()
    assert notice.content == (
        f"Round {stuck_id} · No chips for China could not finish closing: 5 tries over 1 hour "
        "26 minutes failed (Discord did not answer within 1 s). It takes no new answers; its "
        "summary, buttons or thread may still be as they were. "
        f"`/round close round:{stuck_id}` tries the rest again."
    )
    assert not notice.pings.anyone
    stored = await db.fetch_one(
        "SELECT status, close_pending FROM rounds WHERE id = ?", (stuck_id,)
    )
    assert tuple(stored) == ("closed", 1)  # recorded half-done, finished by /round close later
    # Discord answers again; the moderator's /round close finishes it.
    sb.rest.slow.clear()
    done = await sb.slash(failing.owner, "round close", failing.general, round=stuck_id)
    assert done.messages[-1].content.startswith("Finished closing **"), done.messages[-1].content
    await sb.eventually(lambda: stuck.locked, what="the held close finished")


async def reminder_setup(
    two: tuple[World, World], clock: ManualClock, **options: object
) -> tuple[Channel, Channel, Channel, int]:
    """Both servers' series post at 13:00 with a reminder; the failing server has a moderators'
    channel. Returns (failing thread, healthy thread, mods channel, failing round id)."""
    failing = two[0]
    sb = failing.sandbox
    mods = sb.text_channel(failing.guild, "mods")
    await sb.gateway.drained()
    await sb.slash(failing.owner, "config set", failing.general, channel=mods)
    for world in two:
        await create_series(world, **options)
    threads = []
    for world in two:
        # Posted, and its thread opened (a moment after the post shows).
        posted = lambda w=world: any(sb.thread_of(p) for p in round_posts(sb, w.general))  # type: ignore[misc]  # noqa: E731
        await at(world, clock, FIRST, posted)
        [post] = round_posts(sb, world.general)
        thread = sb.thread_of(post)
        assert thread is not None
        threads.append(thread)
    row = await database_of(failing.bot).fetch_one(
        "SELECT id FROM rounds WHERE guild_id = ?", (failing.guild.id,)
    )
    assert row is not None
    return threads[0], threads[1], mods, row[0]


def reminders(sb: Sandbox, thread: Channel) -> list[Message]:
    return [m for m in sb.messages(thread) if " closes <t:" in m.content]


@pytest.mark.timeout(120)
@pytest.mark.parametrize("fault", ["400", "503", "no answer"])
async def test_a_reminder_discord_refuses_is_tried_again_then_given_up_and_the_moderators_told(
    two: tuple[World, World], clock: ManualClock, fault: str
) -> None:
    """A round's reminder that Discord keeps refusing: the other server's reminder comes on
    time; the refused one is due again after the back-off (1, 5, 20, 60 minutes, its new time
    stored), each try within its time limit; after the fifth it is given up and the moderators
    told that members were not reminded. Nothing is posted twice."""
    failing, healthy = two
    sb = failing.sandbox
    stuck, fine, mods, round_id = await reminder_setup(
        two, clock, round_length="1d", remind_before="12h"
    )
    cog = failing.bot.get_cog("RoundsCog")
    assert cog is not None
    timed = cog.timed  # type: ignore[attr-defined]
    posting = rf"/channels/{stuck.id}/messages$"
    if fault == "no answer":
        timed.remind_seconds = 0.5  # the bot's budget for one reminder, shortened for the test
        sb.rest.slow_down("POST", posting, 3600)
    else:
        sb.rest.fail("POST", posting, int(fault), times=10**6)
    tried = lambda: sum(  # noqa: E731
        1
        for m, p in sb.rest.requests
        if m == "POST" and p.endswith(f"/channels/{stuck.id}/messages")
    )
    db = database_of(failing.bot)
    reminding = FIRST + timedelta(hours=12)  # 01:00 the next day

    await at(healthy, clock, reminding, lambda: bool(reminders(sb, fine)))
    await sb.eventually(lambda: tried() == 1, what="the first try")
    await sb.eventually(lambda: timed.reminder_failures.get(round_id) == 1, what="it failed")
    due = await db.fetch_one("SELECT remind_at, reminded_at FROM rounds WHERE id = ?", (round_id,))
    assert tuple(due) == ((reminding + timedelta(minutes=1)).isoformat(), None)
    told = lambda: [m for m in sb.messages(mods) if "reminder" in m.content]  # noqa: E731
    for minutes, tries in [(0.5, 1), (1, 2), (3, 2), (6, 3), (26, 4), (86, 5), (300, 5)]:
        before = tried()
        # Each try recorded (its next time stored, or given up and told) before the clock moves.
        done = (
            (lambda n=tries: timed.reminder_failures.get(round_id) == n)
            if tries < 5
            else (lambda: bool(told()))
        )
        await at(failing, clock, reminding + timedelta(minutes=minutes), done)
        if tries == before:
            await asyncio.sleep(0.5)  # between tries, and once given up, nothing reaches Discord
        assert tried() == tries, (minutes, tried())
    why = {
        "400": "Discord answered 400: ",
        "503": "Discord answered 503: ",
        "no answer": "Discord did not answer within 0.5 s",
    }[fault]
    [notice] = told()
    assert re.match(
        rf"The reminder for Round {round_id} · [^<]+ could not be posted in <#{stuck.id}> "
        rf"\(5 tries, the last: {re.escape(why)}",
        notice.content,
    ), notice.content
    closes = int((FIRST + timedelta(days=1)).timestamp())
    assert notice.content.endswith(
        f"). Members were not reminded; the round still closes <t:{closes}:F>."
    )
    assert not notice.pings.anyone
    assert round_id not in timed.reminder_failures
    assert len(reminders(sb, fine)) == 1 and reminders(sb, stuck) == []


@pytest.mark.timeout(120)
@pytest.mark.parametrize("recovers", [True, False])
async def test_a_refused_reminder_is_posted_once_when_discord_answers_again_or_given_up_before_the_deadline(
    two: tuple[World, World], clock: ManualClock, recovers: bool
) -> None:
    """Discord answers again after three refusals: the reminder is posted once, at the fourth
    try (20 minutes after the third). Or it never does, and the next try would fall after the
    round's deadline (2 h rounds, reminded 1 h before): given up after four tries, told."""
    failing, healthy = two
    sb = failing.sandbox
    stuck, fine, mods, round_id = await reminder_setup(
        two, clock, round_length="2h", remind_before="1h"
    )
    sb.rest.fail("POST", rf"/channels/{stuck.id}/messages$", 503, times=3 if recovers else 10**6)
    cog = failing.bot.get_cog("RoundsCog")
    assert cog is not None
    failures = cog.timed.reminder_failures  # type: ignore[attr-defined]
    reminding = FIRST + timedelta(hours=1)
    await at(healthy, clock, reminding, lambda: bool(reminders(sb, fine)))
    for minutes, failed in ((0, 1), (1, 2), (6, 3)):
        await at(
            failing, clock, reminding + timedelta(minutes=minutes),
            lambda n=failed: failures.get(round_id) == n,  # type: ignore[misc]
        )  # fmt: skip
    told = lambda: [m for m in sb.messages(mods) if "reminder" in m.content]  # noqa: E731
    if recovers:
        await at(
            failing, clock, reminding + timedelta(minutes=26), lambda: bool(reminders(sb, stuck))
        )
        [reminder] = reminders(sb, stuck)
        assert reminder.content.startswith(f"Round {round_id} · ")
        assert f"closes <t:{int((FIRST + timedelta(hours=2)).timestamp())}:R>" in reminder.content
        stored = await database_of(failing.bot).fetch_one(
            "SELECT reminded_at FROM rounds WHERE id = ?", (round_id,)
        )
        assert stored[0] == (reminding + timedelta(minutes=26)).isoformat()
    else:
        await at(failing, clock, reminding + timedelta(minutes=26), lambda: bool(told()))
        [notice] = told()
        assert "(4 tries, the last: Discord answered 503: " in notice.content
    # Later passes, up to the deadline, try nothing more.
    await at(failing, clock, reminding + timedelta(minutes=59), lambda: True)
    await asyncio.sleep(0.3)
    assert len(reminders(sb, stuck)) == (1 if recovers else 0)
    assert len(told()) == (0 if recovers else 1)
    assert len(reminders(sb, fine)) == 1
