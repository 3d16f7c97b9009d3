"""Gateway faults (issue #14, suite 2): a burst of replies with the gateway restarting in the
middle (the bot resumes and gets the missed events replayed), and with Discord answering 429
and 5xx to the bot's own posts: every reply stored exactly once, every card shown once."""

from __future__ import annotations

import asyncio

from tests.cogs.rounds.test_rounds import start
from tests.cogs.test_summaries import answer
from tests.harness import World, until
from tests.reliability import SCALE


async def test_a_burst_of_replies_across_a_gateway_restart_is_stored_once(
    content_world: World,
) -> None:
    world = content_world
    sb = world.sandbox
    buttons, _ = await start(world)
    thread = sb.thread_of(buttons)
    members = [sb.member(world.guild, f"Reader {n}") for n in range(5)]
    sent = []
    for n in range(60 * SCALE):
        if n == 30 * SCALE:
            await sb.gateway.force_disconnect()  # events from here on are replayed on RESUME
        sent.append(await sb.say(members[n % 5], thread, f"Burst reply number {n}, on chips."))

    async def all_stored() -> bool:
        rows = await world.db.fetch_all("SELECT message_id FROM responses")
        return len(rows) >= 60 * SCALE

    await until(all_stored, timeout=20 * SCALE, what="the burst stored")
    await asyncio.sleep(0.2)  # a duplicate would arrive now
    rows = await world.db.fetch_all("SELECT message_id FROM responses")
    assert sorted(r["message_id"] for r in rows) == sorted(m.id for m in sent)
    ops = [p["op"] for p in sb.gateway.received if p["op"] in (2, 6)]
    assert ops == [2, 6]  # resumed, not a fresh session that would have lost the events


async def test_rate_limits_and_server_errors_on_posts_lose_nothing(world: World) -> None:
    sb = world.sandbox
    buttons, _ = await start(world)
    thread = sb.thread_of(buttons)
    sb.rest.fail("POST", rf"/channels/{thread.id}/messages$", 429, times=2, retry_after=0.05)
    sb.rest.fail("POST", rf"/channels/{thread.id}/messages$", 502, times=1)
    for n in range(3):
        await answer(world, buttons, sb.member(world.guild, f"Answerer {n}"), f"Answer {n}.")
    await sb.eventually(lambda: len([m for m in sb.messages(thread) if m.embeds]) == 3, timeout=15)

    async def ids_saved() -> bool:  # each card's id is saved just after Discord answers
        rows = await world.db.fetch_all("SELECT message_id FROM responses")
        return len(rows) == 3 and all(r["message_id"] for r in rows)

    await until(ids_saved, what="every card's id saved")
    stored = await world.db.fetch_all("SELECT message_id FROM responses ORDER BY id")
    assert len({r["message_id"] for r in stored}) == 3  # one card each, none twice


async def test_replies_lost_with_an_invalid_session_are_read_back(content_world: World) -> None:
    """The session expires: the bot must IDENTIFY again and Discord replays nothing; the bot
    reads the threads of open rounds on the new session."""
    world = content_world
    sb = world.sandbox
    buttons, _ = await start(world)
    thread = sb.thread_of(buttons)
    sb.gateway.identified.clear()
    await sb.gateway.invalidate_sessions()
    lost = [await sb.say(world.member, thread, f"Said in the gap, number {n}.") for n in range(5)]
    await asyncio.wait_for(sb.gateway.identified.wait(), 15)  # a second IDENTIFY

    async def read_back() -> bool:
        rows = await world.db.fetch_all("SELECT message_id FROM responses")
        return {r["message_id"] for r in rows} >= {m.id for m in lost}

    await until(read_back, timeout=15, what="the gap's replies read back")
    ops = [p["op"] for p in sb.gateway.received if p["op"] in (2, 6)]
    assert ops.count(2) == 2  # identified again after the invalid session
