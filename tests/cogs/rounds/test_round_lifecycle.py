"""A round's life across interruptions: a close stopped half-way is completed at start-up, an
answer whose card never reached the thread still counts and is shown, ids posted before
versioned ids keep working, and what members write is echoed inert."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sandbox import Message, Perm, Sandbox
from storage.database import SqliteDatabase
from tests.cogs.rounds.test_rounds import start
from tests.conftest import small_world
from tests.harness import World, database_of, running_bot, until


def titled(messages: list[Message], title: str) -> list[Message]:
    return [m for m in messages if m.embeds and m.embeds[0].get("title", "").startswith(title)]


async def test_a_close_stopped_half_way_is_completed_at_start_up(
    sandbox: Sandbox, db_path: Path
) -> None:
    sb = sandbox
    async with small_world(sb, db_path) as world:
        buttons, row = await start(world)
        await sb.click(world.member, buttons, sb.button(buttons, "Agree"))
        shown = await sb.click(world.member, buttons, sb.button(buttons, "Respond"))
        await sb.submit_modal(world.member, shown, {"q1": "Export bans backfired on the US."})
        thread = sb.thread_of(buttons)
        # Discord hangs on disabling the buttons; the bot is stopped meanwhile (a deploy).
        sb.rest.slow_down("PATCH", rf"/messages/{buttons.id}$", 60)
        asked = await sb.slash(
            world.owner, "round close", world.general, round=row["id"], wait=False
        )
        await sb.eventually(lambda: titled(sb.messages(thread), "Summary"), timeout=10)

        async def summary_recorded() -> bool:  # recorded once Discord has answered
            row_now = await world.db.fetch_one("SELECT close_steps FROM rounds")
            return row_now is not None and "summary" in row_now["close_steps"]

        await until(summary_recorded, what="the summary step recorded")
        owner = world.owner
    sb.rest.slow.clear()
    async with SqliteDatabase.open(db_path) as db:
        stored = await db.fetch_one("SELECT status, close_steps, close_pending FROM rounds")
    assert stored["status"] == "closed" and stored["close_pending"] == 1
    assert stored["close_steps"] == '["stances", "cards", "message", "summary"]'
    assert not thread.locked
    assert not any(c.get("disabled") for r in buttons.components for c in r["components"])
    # Cut short by the stop, the moderator was told so before that bot went (#27).
    [told] = asked.messages
    assert told.content.endswith("and finishes it as soon as it is back."), told.content

    async with running_bot(sb, db_path) as bot:
        await sb.eventually(lambda: thread.locked, timeout=10, what="the close completed")
        assert all(
            c.get("disabled") or c["label"] == "I've read this"  # stays on after the close
            for r in buttons.components
            for c in r["components"]
        )
        assert thread.archived
        assert len(titled(sb.messages(thread), "Round closed")) == 1  # not posted again
        assert len(titled(sb.messages(thread), "Summary")) == 1

        async def finished() -> bool:  # the step is recorded once Discord has answered
            done = await database_of(bot).fetch_one("SELECT close_pending FROM rounds")
            return done is not None and done["close_pending"] == 0

        await until(finished, what="the close recorded as finished")
        again = await sb.slash(owner, "round close", world.general, round=row["id"])
        assert again.messages[0].content == f"Round {row['id']} is not open."


async def test_close_completes_an_interrupted_close_when_a_moderator_asks(
    sandbox: Sandbox, db_path: Path
) -> None:
    """Before the timer gets to it, /round close finishes the job instead of "not open"."""
    sb = sandbox
    async with small_world(sb, db_path) as world:
        buttons, row = await start(world)
        thread = sb.thread_of(buttons)
        sb.rest.slow_down("POST", rf"/channels/{thread.id}/messages$", 60)
        await sb.slash(world.owner, "round close", world.general, round=row["id"], wait=False)
        await sb.eventually(
            lambda: any(
                method == "POST" and path.endswith(f"/channels/{thread.id}/messages")
                for method, path in sb.rest.requests
            ),
            timeout=10,
        )
        sb.rest.slow.clear()
        owner = world.owner
    async with SqliteDatabase.open(db_path) as db:
        stored = await db.fetch_one("SELECT status, close_pending FROM rounds")
    assert tuple(stored) == ("closed", 1)
    # On start-up the timer takes up the close; Discord is slow, and a moderator asks meanwhile.
    sb.rest.slow_down("POST", rf"/channels/{thread.id}/messages$", 1.0)
    async with running_bot(sb, db_path):
        reply = await sb.slash(owner, "round close", world.general, round=row["id"])
        assert reply.messages[0].content == (
            f"Finished closing **Round {row['id']} · No chips for China**."
        )
        assert thread.locked
        assert len(titled(sb.messages(thread), "Round closed")) == 1  # one close, not two
        assert len(titled(sb.messages(thread), "Summary")) == 1


async def test_an_answer_whose_card_never_reached_the_thread_counts_and_is_shown(
    world: World,
) -> None:
    sb = world.sandbox
    buttons, row = await start(world)
    thread = sb.thread_of(buttons)
    bot_role = world.guild.roles[world.guild.members[sb.bot_user.id].roles[0]]
    sb.deny(world.general, bot_role, Perm.SEND_MESSAGES_IN_THREADS)
    await sb.gateway.drained()
    shown = await sb.click(world.member, buttons, sb.button(buttons, "Respond"))
    done = await sb.submit_modal(world.member, shown, {"q2": "Compute is not destiny at all."})
    assert done.messages[0].content.startswith("Recorded: your answer to question 2.")
    await asyncio.sleep(0.1)
    assert sb.messages(thread) == []  # Discord refused the card
    stored = await world.db.fetch_one("SELECT message_id FROM responses")
    assert stored["message_id"] is None
    sb.undeny(world.general, bot_role)
    await sb.gateway.drained()

    closed = await sb.slash(world.owner, "round close", world.general, round=row["id"])
    assert closed.messages[0].content == f"Closed **Round {row['id']} · No chips for China**."
    posted = sb.messages(thread)
    card = next(m for m in posted if m.embeds[0].get("author", {}).get("name") == "Ada answered")
    closing = titled(posted, "Round closed")[0]
    assert posted.index(card) < posted.index(closing)  # shown before the summary cites it
    assert "1 member, 1 answer, 0 replies" in closing.embeds[0]["description"]
    [summary] = titled(posted, "Summary")
    q2 = next(e for e in summary.embeds if e.get("title", "").startswith("2. "))
    link = f"https://discord.com/channels/{world.guild.id}/{thread.id}/{card.id}"
    assert q2["description"] == f"• “Compute is not destiny at all.” — 1 member · [1]({link})"


async def test_buttons_and_forms_posted_before_versioned_ids_keep_working(world: World) -> None:
    sb = world.sandbox
    buttons, row = await start(world)
    round_id = row["id"]
    for component_row in buttons.components:  # as the previous version posted them
        for item in component_row["components"]:
            item["custom_id"] = item["custom_id"].replace("rt1:", "rt:")
    assert sb.button(buttons, "Respond") == f"rt:respond:{round_id}"
    shown = await sb.click(world.member, buttons, f"rt:respond:{round_id}")
    assert shown.modal["custom_id"] == f"rt1:answers:{round_id}:1-2-3-4"
    shown.modal["custom_id"] = f"rt:answers:{round_id}:1-2-3-4"  # a form opened before
    done = await sb.submit_modal(world.member, shown, {"q1": "Old form, still counted."})
    assert done.messages[0].content.startswith("Recorded")
    stance = await sb.click(world.member, buttons, f"rt:stance:{round_id}:1")
    assert stance.messages[0].content.endswith("**Disagree**.")
    mine = await sb.click(world.member, buttons, f"rt:mine:{round_id}")
    assert mine.messages[0].embeds[0]["fields"][0]["value"] == "Old form, still counted."


async def test_what_members_write_never_shows_as_a_masked_link(world: World) -> None:
    sb = world.sandbox
    buttons, row = await start(world)
    thread = sb.thread_of(buttons)
    sneaky = "Read [the official report](https://evil.example/phish) before you **vote**."
    shown = await sb.click(world.member, buttons, sb.button(buttons, "Respond"))
    await sb.submit_modal(world.member, shown, {"q1": sneaky})
    await sb.eventually(lambda: len(sb.messages(thread)) == 1)
    [card] = sb.messages(thread)
    assert card.masked_links == []
    assert "the official report (https://evil.example/phish)" in card.embeds[0]["description"]
    mine = (await sb.click(world.member, buttons, sb.button(buttons, "My answers"))).messages[0]
    assert mine.masked_links == []
    await sb.slash(world.owner, "round close", world.general, round=row["id"])
    [summary] = titled(sb.messages(thread), "Summary")
    assert summary.masked_links  # the summary's own jump links
    assert all(url.startswith("https://discord.com/channels/") for url in summary.masked_links)
    assert all(m.masked_links == [] for m in sb.bot_posts if m is not summary)


async def test_closing_rounds_leaves_no_lock_behind(world: World) -> None:
    """A round's close lock lives while its close is under way, then goes: a bot closing
    rounds for months does not keep one per round it ever closed."""
    sb = world.sandbox
    cog = world.bot.get_cog("RoundsCog")
    assert cog is not None
    for section in (1, 2, 3):
        _, row = await start(world, section=section)
        reply = await sb.slash(world.owner, "round close", world.general, round=row["id"])
        assert reply.messages[0].embeds or reply.messages[0].content
    closed = await world.db.fetch_all("SELECT id FROM rounds WHERE status = 'closed'")
    assert len(closed) == 3
    # The timer may still be finishing a close it began for the last round (a no-op on a
    # closed round, holding the lock a moment): every lock goes once no close is under way.
    await sb.eventually(
        lambda: cog.closer.in_progress == set(),  # type: ignore[attr-defined]
        what="no close lock left",
    )
