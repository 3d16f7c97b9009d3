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
