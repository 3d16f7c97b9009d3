"""Replies while the bot is away (issue #14, defect 7): on start-up every open round's thread is
read; replies posted meanwhile are stored once, edits applied, deleted ones dropped; a second
start-up stores nothing twice."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from sandbox import Sandbox
from storage.database import SqliteDatabase
from tests.cogs.rounds.test_rounds import start
from tests.conftest import small_world
from tests.harness import database_of, running_bot, until

CONTENT = {"MESSAGE_CONTENT_INTENT": "true"}


async def stored_replies(db_path: Path) -> dict[int, str]:
    async with SqliteDatabase.open(db_path) as db:
        rows = await db.fetch_all("SELECT message_id, content FROM responses WHERE kind = 'reply'")
    return {r["message_id"]: r["content"] for r in rows}


async def test_replies_posted_while_the_bot_was_away_are_stored_on_start_up(
    sandbox: Sandbox, db_path: Path
) -> None:
    sb = sandbox
    async with small_world(sb, db_path, **CONTENT) as world:
        buttons, row = await start(world)
        thread = sb.thread_of(buttons)
        assert thread is not None
        kept = await sb.say(world.member, thread, "Said while the bot listened.")
        edited = await sb.say(world.member, thread, "First version, edited while away.")
        gone = await sb.say(world.member, thread, "Deleted while the bot was away.")

        async def three() -> bool:
            return len(await stored_replies(db_path)) == 3

        await until(three, what="three replies stored")
        member, general = world.member, world.general
    # The bot is down: the thread goes on without it.
    grace = sb.member(world.guild, "Grace")
    away = [
        await sb.say(grace, thread, f"Posted while the bot was away, number {n}.") for n in range(5)
    ]
    sb.world.edit_message(edited, {"content": "Second version, edited while away."}, [])
    sb.world.delete_message(gone)
    async with running_bot(sb, db_path, **CONTENT):

        async def caught_up() -> bool:
            return len(await stored_replies(db_path)) == 7

        await until(caught_up, what="the replies posted while away stored")
    replies = await stored_replies(db_path)
    assert replies[kept.id] == "Said while the bot listened."
    assert replies[edited.id] == "Second version, edited while away."
    assert gone.id not in replies
    assert {m.id for m in away} <= set(replies)
    # Again: nothing stored twice, nothing lost.
    async with running_bot(sb, db_path, **CONTENT) as bot:
        closed = await sb.slash(world.owner, "round close", general, round=row["id"])
        assert closed.messages[0].content.startswith("Closed")
        assert member  # the same server
        rows = await database_of(bot).fetch_all(
            "SELECT message_id FROM responses WHERE kind = 'reply'"
        )
        assert sorted(r["message_id"] for r in rows) == sorted(replies)


async def test_a_forgotten_member_stays_forgotten_across_a_restart(
    sandbox: Sandbox, db_path: Path
) -> None:
    """#27: /forget was undone by the next start-up, whose backfill read the member's thread
    messages back in; they reappeared in exports and summaries."""
    sb = sandbox
    said = ["Forget me, please: first.", "Forget me, please: second."]
    async with small_world(sb, db_path, **CONTENT) as world:
        buttons, row = await start(world)
        thread = sb.thread_of(buttons)
        assert thread is not None
        for text in said:
            await sb.say(world.member, thread, text)
        await sb.say(sb.member(world.guild, "Grace"), thread, "Grace stays.")

        async def three() -> bool:
            return len(await stored_replies(db_path)) == 3

        await until(three, what="three replies stored")
        ask = (await sb.slash(world.member, "forget", world.general)).messages[0]
        await sb.click(world.member, ask, sb.button(ask, "Delete all of it"))
        owner, general = world.owner, world.general
    away = await sb.say(sb.member(world.guild, "Hal"), thread, "Said while the bot was away.")
    # Restarted: the backfill reads the thread, where the member's messages still are (in the
    # same pass as Hal's, which shows it has run).
    async with running_bot(sb, db_path, **CONTENT):

        async def caught_up() -> bool:
            return away.id in await stored_replies(db_path)

        await until(caught_up, what="the start-up backfill")
        closed = await sb.slash(owner, "round close", general, round=row["id"])
        assert closed.messages[0].content.startswith("Closed")
        exported = await sb.slash(owner, "export", general, scope=f"round:{row['id']}", format="md")
        await exported.until(lambda i: any(m.attachments for m in i.messages))
        [file] = [a for m in exported.messages for a in m.attachments]
    assert sorted((await stored_replies(db_path)).values()) == [
        "Grace stays.",
        "Said while the bot was away.",
    ]
    text = file.data.decode()
    assert "Grace stays." in text
    assert not any(s in text for s in said)
    summary = "\n".join(str(m.embeds) for m in sb.messages(thread) + sb.messages(general))
    assert not any(s in summary for s in said)


def history_reads(sb: Sandbox, thread_id: int) -> int:
    return sb.rest.requests.count(("GET", f"/api/v10/channels/{thread_id}/messages"))


async def test_start_up_reads_what_is_new_first_and_the_whole_thread_behind_timed_work(
    sandbox: Sandbox, db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """#28: start-up read every open thread whole (a request per hundred messages) before any
    timed work. Now only what came after the newest stored reply (one request), then timed
    work starts; edits and deletions of older messages are read behind it, and a close that
    comes first waits for its thread's reading."""
    sb = sandbox
    async with small_world(sb, db_path, **CONTENT) as world:
        buttons, row = await start(world)
        thread = sb.thread_of(buttons)
        assert thread is not None
        grace = sb.member(world.guild, "Grace")
        said = [
            await sb.say(grace, thread, f"Reply {n} while the bot listened.") for n in range(130)
        ]

        async def all_stored() -> bool:
            return len(await stored_replies(db_path)) == 130

        await until(all_stored, what="130 replies stored")
        owner, general = world.owner, world.general
    away = [await sb.say(world.member, thread, f"Said while away, {n}.") for n in range(3)]
    sb.world.edit_message(said[5], {"content": "Reply 5, edited while away."}, [])
    sb.world.delete_message(said[7])
    # Reading the thread whole (newest first: no after=) answers slowly.
    sb.rest.slow_down("GET", rf"/channels/{thread.id}/messages$", 1.5, query=r"^(?!.*after=)")
    reads = history_reads(sb, thread.id)
    with caplog.at_level(logging.INFO, logger="cogs.rounds.timed"):
        async with running_bot(sb, db_path, **CONTENT):

            async def caught_up() -> bool:
                return "Caught up: 1 open rounds, 3 replies" in caplog.text

            await until(caught_up, what="timed work started")
            replies = await stored_replies(db_path)
            assert {m.id for m in away} <= set(replies)  # what is new: stored
            assert history_reads(sb, thread.id) - reads <= 2  # one for what is new, one begun whole
            assert replies[said[5].id] == "Reply 5 while the bot listened."  # not read whole yet
            assert said[7].id in replies
            # A close now waits for its thread to be read whole: the summary never quotes
            # a message deleted while the bot was away.
            closed = await sb.slash(owner, "round close", general, round=row["id"])
            assert closed.messages[0].content.startswith("Closed")
            replies = await stored_replies(db_path)
            assert replies[said[5].id] == "Reply 5, edited while away."
            assert said[7].id not in replies and len(replies) == 132
            posted = [m for m in sb.messages(thread) if m.author.id == sb.bot_user.id and m.embeds]
            closing = next(m for m in posted if m.embeds[0].get("title") == "Round closed")
            assert "2 members, 0 answers, 132 replies" in closing.embeds[0]["description"]
    sb.rest.slow.clear()
    # Whole: 133 messages read in two pages; what is new: one page, not two.
    assert history_reads(sb, thread.id) - reads == 3
