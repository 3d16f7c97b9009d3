"""Replies while the bot is away (issue #14, defect 7): on start-up every open round's thread is
read; replies posted meanwhile are stored once, edits applied, deleted ones dropped; a second
start-up stores nothing twice."""

from __future__ import annotations

from pathlib import Path

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
