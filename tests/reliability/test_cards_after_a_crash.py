"""Answer cards after a crash (issue #14, defects 1 and 6): an answer whose card never reached
the thread gets one at start-up; a card posted just before a kill, its id never saved, is
adopted (not posted twice) and is deleted by a later Withdraw."""

from __future__ import annotations

from pathlib import Path

from sandbox import Sandbox
from storage.database import SqliteDatabase
from tests.cogs.rounds.test_rounds import start
from tests.cogs.test_summaries import answer
from tests.conftest import small_world
from tests.harness import database_of, running_bot, until


def cards(sb: Sandbox, thread) -> list:
    return [
        m
        for m in sb.messages(thread)
        if m.embeds and (m.embeds[0].get("author") or {}).get("name", "").endswith(" answered")
    ]


async def forget_card_ids(db_path: Path) -> None:
    """What a kill between posting a card and saving its id leaves behind."""
    async with SqliteDatabase.open(db_path) as db, db.transaction() as conn:
        await conn.execute("UPDATE responses SET message_id = NULL WHERE kind = 'answer'")


async def test_a_card_posted_before_a_kill_is_adopted_then_withdrawn(
    sandbox: Sandbox, db_path: Path
) -> None:
    sb = sandbox
    async with small_world(sb, db_path) as world:
        buttons, _ = await start(world)
        thread = sb.thread_of(buttons)
        await answer(world, buttons, world.member, "An answer whose card id is lost.")
        await sb.eventually(lambda: len(cards(sb, thread)) == 1, what="the card")
        member = world.member
    await forget_card_ids(db_path)
    [card] = cards(sb, thread)
    async with running_bot(sb, db_path) as bot:

        async def adopted() -> bool:
            row = await database_of(bot).fetch_one("SELECT message_id FROM responses")
            return row is not None and row["message_id"] == card.id

        await until(adopted, what="the card adopted at start-up")
        assert len(cards(sb, thread)) == 1  # not posted twice
        await forget_card_ids(db_path)  # and lost again, before the member withdraws
        mine = await sb.click(member, buttons, sb.button(buttons, "My answers"))
        panel = mine.messages[0]
        done = await sb.click(member, panel, sb.button(panel, "Withdraw my answers"))
        assert done.original.content.startswith("Withdrawn: 1 answer deleted")
        await sb.eventually(lambda: cards(sb, thread) == [], what="the card deleted")


async def test_an_answer_whose_card_never_showed_gets_one_at_start_up(
    sandbox: Sandbox, db_path: Path
) -> None:
    sb = sandbox
    async with small_world(sb, db_path) as world:
        buttons, _ = await start(world)
        thread = sb.thread_of(buttons)
        await answer(world, buttons, world.member, "Stored, then the bot went down.")
        await sb.eventually(lambda: len(cards(sb, thread)) == 1, what="the card")
    [card] = cards(sb, thread)
    sb.world.delete_message(card)  # as if it never reached the thread
    await forget_card_ids(db_path)
    async with running_bot(sb, db_path):
        await sb.eventually(lambda: len(cards(sb, thread)) == 1, what="the card posted again")
        [again] = cards(sb, thread)
        assert "Stored, then the bot went down." in again.embeds[0]["description"]
