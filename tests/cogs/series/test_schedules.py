"""/schedule through the sandbox with real discord.py, the bot on a manual clock."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from pathlib import Path

import pytest

from roundtable.clock import ManualClock
from roundtable.series.recurrence import Recurrence, zone
from sandbox import Channel, Message, Perm, Sandbox
from storage.database import SqliteDatabase
from tests.harness import World, database_of, running_bot

SHIPPED = "deepseek-r1-chinas-sputnik-moment"
MONDAY = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


@asynccontextmanager
async def scheduled_world(
    sandbox: Sandbox, db_path: Path, clock: ManualClock
) -> AsyncIterator[World]:
    guild = sandbox.guild("Reading Group")
    general = sandbox.text_channel(guild, "general")
    member = sandbox.member(guild, "Ada")
    async with running_bot(sandbox, db_path, clock=clock) as bot:
        yield World(sandbox, bot, guild, sandbox.owner(guild), member, general)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(MONDAY)


@pytest.fixture
async def world(sandbox: Sandbox, db_path: Path, clock: ManualClock) -> AsyncIterator[World]:
    async with scheduled_world(sandbox, db_path, clock) as built:
        yield built


async def create(world: World, channel: Channel | None = None, **options: object) -> int:
    sb = world.sandbox
    given = {"pack": SHIPPED, "every": "tue", "at": "19:00", "timezone": "Europe/Berlin"}
    given.update(options)
    reply = await sb.slash(
        world.owner, "schedule create", world.general, channel=channel or world.general, **given
    )
    [preview] = reply.messages
    assert preview.ephemeral, preview.content
    saved = await sb.click(world.owner, preview, sb.button(preview, "Create series"))
    assert saved.original.content.startswith("Created series "), saved.original.content
    return int(saved.original.content.split()[2].rstrip(":"))


def round_posts(sb: Sandbox, channel: Channel) -> list[Message]:
    """The round messages (the ones with the buttons) in a channel."""
    return [m for m in sb.messages(channel) if m.components and m.embeds]


async def tick(
    world: World, clock: ManualClock, moment: datetime, done: Callable[[], bool]
) -> None:
    """Move the clock, wake the timer, wait until `done()` and the timer's work is recorded."""
    clock.set(moment)
    world.bot.services.scheduler.wake()
    await world.sandbox.eventually(done, timeout=10, what=f"the timer's work at {moment}")
    for _ in range(200):
        row = await world.db.fetch_one(
            "SELECT (SELECT count(*) FROM series_posts WHERE state = 'claimed') "
            "+ (SELECT count(*) FROM rounds WHERE close_pending = 1)"
        )
        if row is not None and row[0] == 0:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"the timer's work at {moment} was never recorded")


async def test_create_previews_five_occurrences_and_saves_only_on_confirm(world: World) -> None:
    sb = world.sandbox
    reply = await sb.slash(
        world.owner,
        "schedule create",
        world.general,
        pack=SHIPPED,
        channel=world.general,
        every="tue",
        at="7pm",
        timezone="Europe/Berlin",
        round_length="6d",
        loop=True,
    )
    [preview] = reply.messages
    text = preview.embeds[0]["description"]
    assert text.startswith(f"In <#{world.general.id}>, tue at 19:00 Europe/Berlin.")
    lines = text.splitlines()[1:]
    assert len(lines) == 5
    first = int(datetime(2026, 3, 3, 18, 0, tzinfo=UTC).timestamp())
    assert lines[0] == f"<t:{first}:F> (<t:{first}:R>): section 1, Introduction"
    summer = int(datetime(2026, 3, 31, 17, 0, tzinfo=UTC).timestamp())  # 19:00 CEST
    assert lines[4].startswith(f"<t:{summer}:F>") and lines[4].endswith("section 1, Introduction")
    assert await world.db.fetch_all("SELECT id FROM series") == []
    cancelled = await sb.click(world.owner, preview, sb.button(preview, "Cancel"))
    assert cancelled.original.content == "Nothing was scheduled."
    assert await world.db.fetch_all("SELECT id FROM series") == []
    series = await create(world, round_length="6d")
    listing = await sb.slash(world.owner, "schedule list", world.general)
    assert (
        listing.messages[0]
        .embeds[0]["description"]
        .startswith(
            f"**{series}.** <#{world.general.id}> · tue at 19:00 Europe/Berlin · active, next <t:"
        )
    )


async def test_bad_input_gets_one_sentence_and_nothing_is_stored(world: World) -> None:
    sb = world.sandbox
    cases = [
        ({"timezone": "Berlin"}, "Berlin is not an IANA time zone"),
        ({"every": "whenever"}, "whenever is not a rhythm I know"),
        ({"every": "FREQ=MINUTELY"}, "A series can run at most once an hour"),
        ({"at": "half past seven"}, "half past seven is not a time of day"),
        ({"start": "2020-01-01"}, "The start date 2020-01-01 is in the past"),
        ({"every": "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=31"}, "never occurs"),
    ]
    for options, expected in cases:
        given = {"pack": SHIPPED, "every": "tue", "at": "19:00", "channel": world.general}
        given.update(options)
        reply = await sb.slash(world.owner, "schedule create", world.general, **given)
        [message] = reply.messages
        assert message.ephemeral and expected in message.content, message.content
    refused = await sb.slash(world.member, "schedule list", world.general)
    assert refused.messages[0].content.startswith("This is for moderators")
    assert await world.db.fetch_all("SELECT id FROM series") == []


@pytest.mark.parametrize("name", ["Europe/Berlin", "America/New_York"])
async def test_a_season_posts_every_round_once_at_19_local_across_dst(
    world: World, clock: ManualClock, name: str
) -> None:
    """From mid-October to April: the autumn change to winter time and the spring change back."""
    sb = world.sandbox
    autumn = datetime(2026, 10, 12, 12, 0, tzinfo=UTC)
    clock.set(autumn)
    series = await create(world, timezone=name, round_length="6d", loop=True, start="2026-10-13")
    weekly = Recurrence("FREQ=WEEKLY;BYDAY=TU", date(2026, 10, 12), time(19), name)
    for week, due in enumerate(weekly.upcoming(autumn, 26), start=1):
        await tick(world, clock, due, lambda w=week: len(round_posts(sb, world.general)) == w)
    rows = await world.db.fetch_all(
        "SELECT occurrence, state FROM series_posts WHERE series_id = ? ORDER BY occurrence",
        (series,),
    )
    local = [datetime.fromisoformat(r["occurrence"]).astimezone(zone(name)) for r in rows]
    assert len(rows) == 26 and {r["state"] for r in rows} == {"posted"}
    assert {m.strftime("%a %H:%M") for m in local} == {"Tue 19:00"}
    offsets = [m.utcoffset() for m in local]
    changes = sum(1 for a, b in pairwise(offsets) if a != b)
    assert changes == 2 and offsets[0] == offsets[-1] != offsets[10]  # summer, winter, summer
    titles = [m.embeds[0]["title"] for m in round_posts(sb, world.general)]
    assert len(titles) == len(set(titles)) == 26  # every round posted once
    rounds = await world.db.fetch_all(
        "SELECT status FROM rounds WHERE series_id = ? ORDER BY id", (series,)
    )
    assert [r["status"] for r in rounds] == ["closed"] * 25 + ["open"]
    # On time every week: no catch-up note in any thread.
    threads = [sb.thread_of(m) for m in round_posts(sb, world.general)]
    assert not any(
        "while the bot was offline" in m.content for t in threads for m in sb.messages(t)
    )


async def test_restarts_at_random_points_never_post_twice_or_skip(
    sandbox: Sandbox, db_path: Path, clock: ManualClock
) -> None:
    """A daily series over 26 days; the bot is stopped at 50 random points, sometimes while
    Discord is still answering a post (after the claim, before the mark). It catches up on
    everything, so every occurrence must be posted, and only once."""
    sb = sandbox
    chooser = random.Random(20261201)
    async with scheduled_world(sb, db_path, clock) as world:
        series = await create(
            world, every="daily", at="09:00", round_length="20h", loop=True, catch_up="all"
        )
        general, owner, member, guild = world.general, world.owner, world.member, world.guild
    moment = MONDAY
    end = MONDAY + timedelta(days=26, hours=1)  # 26 occurrences, Mar 3 to Mar 28
    stops = 0
    while stops < 50:
        async with running_bot(sb, db_path, clock=clock) as bot:
            world = World(sb, bot, guild, owner, member, general)
            for _ in range(chooser.randint(0, 2)):
                moment = min(end, moment + timedelta(hours=chooser.choice([6, 12, 24])))
                expected = (moment - MONDAY - timedelta(hours=20)).days + 1
                await tick(world, clock, moment, lambda e=expected: posted_rounds(sb, general) >= e)
            if chooser.random() < 0.4 and moment < end:
                # Stop while a post is on its way: Discord stalls the round's messages.
                sb.rest.slow_down(
                    "POST",
                    rf"/channels/{general.id}/messages$",
                    30,
                    done_first=chooser.random() < 0.5,  # created, but the bot never hears
                )
                moment = min(end, moment + timedelta(days=1))
                clock.set(moment)
                bot.services.scheduler.wake()
                await asyncio.sleep(chooser.uniform(0.0, 0.2))
        sb.rest.slow.clear()
        stops += 1
    async with running_bot(sb, db_path, clock=clock) as bot:
        world = World(sb, bot, guild, owner, member, general)
        await tick(world, clock, end, lambda: posted_rounds(sb, general) == 26)
        await asyncio.sleep(0.2)
    async with SqliteDatabase.open(db_path) as db:
        rows = await db.fetch_all(
            "SELECT occurrence, state FROM series_posts WHERE series_id = ? ORDER BY occurrence",
            (series,),
        )
    assert [r["state"] for r in rows] == ["posted"] * 26  # none skipped, none left claimed
    assert posted_rounds(sb, general) == 26  # none posted twice
    titles = [m.embeds[0]["title"] for m in round_posts(sb, general)]
    assert len(set(titles)) == 26


def posted_rounds(sb: Sandbox, channel: Channel) -> int:
    return len(round_posts(sb, channel))


async def test_a_deleted_channel_pauses_the_series_and_tells_the_moderators(
    world: World, clock: ManualClock
) -> None:
    sb = world.sandbox
    reading = sb.text_channel(world.guild, "reading")
    await sb.gateway.drained()
    await sb.slash(world.owner, "config set", world.general, channel=world.general)
    series = await create(world, reading, round_length="6d")
    sb.world.delete_channel(reading)
    await sb.gateway.drained()
    notices = lambda: [m for m in sb.messages(world.general) if "is paused" in m.content]  # noqa: E731
    await tick(world, clock, datetime(2026, 3, 3, 18, 1, tzinfo=UTC), notices)
    [notice] = notices()
    assert notice.content == (
        f"Series {series} is paused: its channel is gone: /schedule delete it, or create it "
        f"again. Nothing more is posted until a moderator runs `/schedule resume series:{series}`."
    )
    stored = await world.db.fetch_one(
        "SELECT status, next_section FROM series WHERE id = ?", (series,)
    )
    assert tuple(stored) == ("paused", 1)
    assert await world.db.fetch_all("SELECT id FROM rounds") == []
    shown = await sb.slash(world.owner, "schedule show", world.general, series=series)
    status = next(f for f in shown.messages[0].embeds[0]["fields"] if f["name"] == "Status")
    assert status["value"].startswith("paused (its channel is gone")


async def test_a_lost_permission_pauses_with_the_fix(world: World, clock: ManualClock) -> None:
    sb = world.sandbox
    series = await create(world, round_length="6d")
    bot_role = world.guild.roles[world.guild.members[sb.bot_user.id].roles[0]]
    sb.deny(world.general, bot_role, Perm.CREATE_PUBLIC_THREADS)
    await sb.gateway.drained()
    clock.set(datetime(2026, 3, 3, 18, 1, tzinfo=UTC))
    world.bot.services.scheduler.wake()
    dm = sb.dm(world.owner)  # no channel set in /config: the series' creator is told directly
    await sb.eventually(lambda: any("is paused" in m.content for m in sb.messages(dm)), timeout=10)
    [notice] = sb.messages(dm)
    assert notice.content.startswith(f"Series {series} is paused: I need Create Public Threads")
    stored = await world.db.fetch_one("SELECT paused_reason FROM series WHERE id = ?", (series,))
    assert stored["paused_reason"] == f"I need Create Public Threads in <#{world.general.id}>"


async def test_reminders_ping_only_the_named_role(world: World, clock: ManualClock) -> None:
    sb = world.sandbox
    readers = sb.role(world.guild, "Readers", mentionable=True)
    other = sb.text_channel(world.guild, "other")
    await sb.gateway.drained()
    await create(world, round_length="2d", remind_before="1d", ping_role=readers)
    await create(world, other, round_length="2d", remind_before="1d", from_section=2)
    due = datetime(2026, 3, 3, 18, 0, tzinfo=UTC)
    await tick(world, clock, due, lambda: len(round_posts(sb, world.general)) == 1)
    await sb.eventually(lambda: len(round_posts(sb, other)) == 1)
    shown = await sb.click(world.member, round_posts(sb, world.general)[0], "rt1:respond:1")
    await sb.submit_modal(world.member, shown, {"q1": "An answer before the reminder."})

    def reminders(channel: Channel) -> list[Message]:
        thread = sb.thread_of(round_posts(sb, channel)[0])
        return [m for m in sb.messages(thread) if "closes <t:" in m.content]

    await tick(world, clock, due + timedelta(days=1), lambda: reminders(world.general))
    await sb.eventually(lambda: reminders(other))
    [pinging] = reminders(world.general)
    assert pinging.content.startswith(f"<@&{readers.id}> Round 1 · Introduction closes <t:")
    assert pinging.allowed_mentions == {"parse": [], "roles": [readers.id]}
    assert "So far 1 member has taken part" in pinging.content
    assert pinging.pings.roles == [readers.id] and not pinging.pings.everyone
    assert pinging.pings.users == []
    [quiet] = reminders(other)
    assert "So far 0 members have taken part" in quiet.content
    assert not quiet.pings.anyone and quiet.allowed_mentions == {"parse": []}
    world.bot.services.scheduler.wake()
    await asyncio.sleep(0.2)
    assert len(reminders(world.general)) == 1  # once


async def test_pause_resume_skip_edit_delete_through_the_commands(
    world: World, clock: ManualClock
) -> None:
    sb = world.sandbox
    series = await create(world, round_length="6d")
    paused = await sb.slash(world.owner, "schedule pause", world.general, series=series)
    assert paused.messages[0].embeds[0]["title"] == f"Paused series {series}"
    clock.set(datetime(2026, 3, 3, 18, 30, tzinfo=UTC))
    world.bot.services.scheduler.wake()
    await asyncio.sleep(0.2)
    assert round_posts(sb, world.general) == []  # paused: nothing posted
    resumed = await sb.slash(world.owner, "schedule resume", world.general, series=series)
    fields = {f["name"]: f["value"] for f in resumed.messages[0].embeds[0]["fields"]}
    next_week = int(datetime(2026, 3, 10, 18, 0, tzinfo=UTC).timestamp())
    assert fields["Next"].startswith(f"<t:{next_week}:F>")
    skipped = await sb.slash(world.owner, "schedule skip", world.general, series=series)
    fields = {f["name"]: f["value"] for f in skipped.messages[0].embeds[0]["fields"]}
    assert fields["Next"].startswith(
        f"<t:{int(datetime(2026, 3, 17, 18, 0, tzinfo=UTC).timestamp())}:F>"
    )
    edited = await sb.slash(world.owner, "schedule edit", world.general, series=series, at="20:30")
    fields = {f["name"]: f["value"] for f in edited.messages[0].embeds[0]["fields"]}
    assert fields["When"] == "tue at 20:30 Europe/Berlin"
    assert fields["Next"].startswith(
        f"<t:{int(datetime(2026, 3, 17, 19, 30, tzinfo=UTC).timestamp())}:F>"
    )
    ask = await sb.slash(world.owner, "schedule delete", world.general, series=series)
    gone = await sb.click(world.owner, ask.messages[0], sb.button(ask.messages[0], "Delete series"))
    assert gone.original.content == f"Deleted series {series}; its rounds stay."
    assert await world.db.fetch_all("SELECT id FROM series") == []


async def test_round_show_names_its_series(world: World, clock: ManualClock) -> None:
    sb = world.sandbox
    series = await create(world, round_length="6d")
    await tick(
        world,
        clock,
        datetime(2026, 3, 3, 18, 0, tzinfo=UTC),
        lambda: len(round_posts(sb, world.general)) == 1,
    )
    shown = await sb.slash(world.owner, "round show", world.general, round=1)
    fields = {f["name"]: f["value"] for f in shown.messages[0].embeds[0]["fields"]}
    assert fields["Series"] == f"{series} (/schedule show)"
    listing = await sb.slash(world.owner, "round list", world.general)
    assert f"· series {series}" in listing.messages[0].embeds[0]["description"]


async def test_without_catch_up_the_channel_is_told_what_was_skipped(
    world: World, clock: ManualClock
) -> None:
    sb = world.sandbox
    series = await create(world, every="daily", round_length="20h", catch_up="none", loop=True)
    notice = f"The bot was offline when 3 rounds of series {series} fell due; they were skipped"
    await tick(
        world,
        clock,
        datetime(2026, 3, 4, 20, 0, tzinfo=UTC),  # the bot was down for three evenings
        lambda: any(m.content.startswith(notice) for m in sb.messages(world.general)),
    )
    assert round_posts(sb, world.general) == []
    stored = await world.db.fetch_one(
        "SELECT next_at, next_section FROM series WHERE id = ?", (series,)
    )
    assert (stored["next_at"], stored["next_section"]) == ("2026-03-05T18:00:00+00:00", 1)


@pytest.mark.parametrize("stalled", ["the message", "its thread"])
async def test_a_post_discord_made_before_a_long_outage_is_found_not_repeated(
    sandbox: Sandbox, db_path: Path, clock: ManualClock, stalled: str
) -> None:
    """The bot stops right after Discord created the round's message (or its thread) and never
    heard back, and stays down longer than Discord remembers nonces: the channel is checked."""
    sb = sandbox
    async with scheduled_world(sb, db_path, clock) as world:
        await create(world, round_length="6d")
        general = world.general
        path = rf"/channels/{general.id}/messages$"
        if stalled == "its thread":
            path = rf"/channels/{general.id}/messages/\d+/threads$"
        sb.rest.slow_down("POST", path, 30, done_first=True)
        clock.set(datetime(2026, 3, 3, 18, 0, tzinfo=UTC))
        world.bot.services.scheduler.wake()
        made = (lambda: sb.messages(general)) if stalled == "the message" else (
            lambda: sb.messages(general) and sb.thread_of(sb.messages(general)[0])
        )  # fmt: skip
        await sb.eventually(made, timeout=10)
        await asyncio.sleep(0.1)
        guild, owner, member = world.guild, world.owner, world.member
    sb.rest.slow.clear()
    sb.world.nonce_seconds = 0  # the outage outlasted Discord's memory of the nonce
    assert len(sb.messages(general)) == 1
    async with SqliteDatabase.open(db_path) as db:
        assert (await db.fetch_one("SELECT state FROM series_posts"))["state"] == "claimed"
    async with running_bot(sb, db_path, clock=clock) as bot:
        world = World(sb, bot, guild, owner, member, general)
        await tick(world, clock, clock.now(), lambda: len(round_posts(sb, general)) == 1)
        [post] = round_posts(sb, general)
        assert len(sb.messages(general)) == 1  # the message found, not posted again
        thread = sb.thread_of(post)
        assert thread is not None
        assert len([c for c in sb.world.channels.values() if c.parent_id == general.id]) == 1
        row = await database_of(bot).fetch_one("SELECT thread_id FROM rounds")
        assert row["thread_id"] == thread.id


async def test_the_same_pack_in_two_channels_posts_in_both(
    world: World, clock: ManualClock
) -> None:
    """#27: the second channel's series paused at its first occurrence ("round N on section 1
    is still open"): two reading groups of one server may read the same pack."""
    sb = world.sandbox
    other = sb.text_channel(world.guild, "second-group")
    await sb.gateway.drained()
    first = await create(world, round_length="6d")
    second = await create(world, other, round_length="6d")
    await tick(
        world,
        clock,
        datetime(2026, 3, 3, 18, 0, tzinfo=UTC),
        lambda: posted_rounds(sb, world.general) == 1 and posted_rounds(sb, other) == 1,
    )
    rows = await world.db.fetch_all(
        "SELECT series_id, channel_id, section_number, status FROM rounds ORDER BY series_id"
    )
    assert [tuple(r) for r in rows] == [
        (first, world.general.id, 1, "open"),
        (second, other.id, 1, "open"),
    ]
    statuses = await world.db.fetch_all("SELECT status FROM series ORDER BY id")
    assert [r[0] for r in statuses] == ["active", "active"]
