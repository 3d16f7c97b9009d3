"""Rounds end to end through the sandbox: start, respond, stances, replies, close."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime
from pathlib import Path

import pytest

from cogs.support.timer import Stage
from sandbox import Channel, ChannelType, Message, Perm, Sandbox
from tests.conftest import small_world
from tests.harness import World, database_of, running_bot, until

SHIPPED = "deepseek-r1-chinas-sputnik-moment"


async def start(world: World, section: int = 2, **options: object) -> tuple[Message, dict]:
    """Start a round as the owner; returns the post with the buttons and the stored row."""
    sb = world.sandbox
    options.setdefault("channel", world.general)
    reply = await sb.slash(
        world.owner, "round start", world.general, pack=SHIPPED, section=section, **options
    )
    [ack] = reply.messages
    assert ack.ephemeral, ack.content
    assert ack.content.startswith("Started **Round "), ack.content
    row = await world.db.fetch_one("SELECT * FROM rounds ORDER BY id DESC LIMIT 1")
    posts = json.loads(row["posts"])
    buttons = sb.world.messages[posts[-1][1]]
    return buttons, dict(row)


async def test_start_posts_the_excerpt_questions_buttons_and_a_thread(world: World) -> None:
    sb = world.sandbox
    buttons, row = await start(world, closes_in="2h")
    [post] = sb.messages(world.general)
    assert post is buttons
    titles = [e["title"] for e in post.embeds]
    assert titles == [f"Round {row['id']} · No chips for China", "Questions"]
    questions = post.embeds[1]["description"]
    assert questions.startswith("**1.** The author says the export bans backfired")
    assert "Closes <t:" in questions and ":R>)." in questions
    assert "Press **Respond** to answer" in questions
    labels = [[c["label"] for c in r["components"]] for r in post.components]
    assert labels == [["Respond", "My answers", "I've read this"], ["Agree", "Disagree", "Unsure"]]
    thread = sb.thread_of(post)
    assert thread is not None and thread.name == f"Round {row['id']} · No chips for China"
    assert (row["thread_id"], row["status"], row["channel_id"]) == (
        thread.id,
        "open",
        world.general.id,
    )
    assert row["closes_at"] is not None
    assert json.loads(row["questions"])[0].startswith("The author says the export bans")
    assert not post.pings.anyone and post.allowed_mentions == {"parse": []}


async def test_respond_records_answers_then_shows_them_in_the_thread(world: World) -> None:
    sb = world.sandbox
    buttons, row = await start(world)
    shown = await sb.click(world.member, buttons, sb.button(buttons, "Respond"))
    assert shown.modal is not None
    assert shown.modal["title"] == f"Round {row['id']}: your answers"
    labels = [c["label"] for c in shown.modal["components"]]
    assert labels == ["Question 1", "Question 2", "Question 3", "Question 4"]
    done = await sb.submit_modal(
        world.member, shown, {"q1": "  They helped China innovate. ", "q3": "Open source wins."}
    )
    [ack] = done.messages
    assert ack.ephemeral
    assert ack.content.startswith("Recorded: your answers to questions 1, 3.")
    await sb.eventually(lambda: len(sb.messages(sb.thread_of(buttons))) == 1)
    [card] = sb.messages(sb.thread_of(buttons))
    assert [e["author"]["name"] for e in card.embeds] == ["Ada answered", "Ada answered"]
    assert card.embeds[0]["description"].endswith("\nThey helped China innovate.")
    assert card.embeds[1]["description"].startswith("**3. Do you agree that open-sourcing R1")
    assert not card.pings.anyone
    rows = await world.db.fetch_all(
        "SELECT question, content, message_id FROM responses ORDER BY question"
    )
    assert [tuple(r) for r in rows] == [
        (1, "They helped China innovate.", card.id),
        (3, "Open source wins.", card.id),
    ]


async def test_blank_answers_are_refused_and_nothing_is_stored(world: World) -> None:
    sb = world.sandbox
    buttons, _ = await start(world)
    shown = await sb.click(world.member, buttons, sb.button(buttons, "Respond"))
    done = await sb.submit_modal(world.member, shown, {"q1": "   ", "q2": "\n"})
    assert done.messages[0].content == "Your answer was empty: write something before sending."
    assert await world.db.fetch_all("SELECT * FROM responses") == []


async def test_stances_opening_and_changes(world: World) -> None:
    sb = world.sandbox
    buttons, _ = await start(world)
    first = await sb.click(world.member, buttons, sb.button(buttons, "Agree"))
    assert first.messages[0].content == "Your stance in 'No chips for China': **Agree**."
    second = await sb.click(world.member, buttons, sb.button(buttons, "Disagree"))
    assert second.messages[0].content == (
        "Your stance in 'No chips for China': **Disagree**. You opened with **Agree**."
    )
    stance = await world.db.fetch_one("SELECT opening, current, closing, changes FROM stances")
    assert tuple(stance) == ("Agree", "Disagree", None, 1)


async def test_my_answers_edit_keeps_history_and_withdraw_deletes_everywhere(world: World) -> None:
    sb = world.sandbox
    buttons, _ = await start(world)
    shown = await sb.click(world.member, buttons, sb.button(buttons, "Respond"))
    await sb.submit_modal(world.member, shown, {"q2": "First thought."})
    thread = sb.thread_of(buttons)
    mine = await sb.click(world.member, buttons, sb.button(buttons, "My answers"))
    [panel] = mine.messages
    assert panel.ephemeral
    assert panel.embeds[0]["fields"][0]["value"] == "First thought."
    edit = await sb.click(world.member, panel, sb.button(panel, "Edit answers"))
    prefilled = {
        c["component"]["custom_id"]: c["component"].get("value") for c in edit.modal["components"]
    }
    assert prefilled["q2"] == "First thought."
    await sb.submit_modal(world.member, edit, {"q2": "Second thought."})
    await sb.eventually(
        lambda: sb.messages(thread)[0].embeds[0].get("footer", {}).get("text") == "edited"
    )
    [card] = sb.messages(thread)
    assert card.embeds[0]["description"].endswith("\nSecond thought.")
    history = await world.db.fetch_all("SELECT content FROM response_edits")
    assert [r["content"] for r in history] == ["First thought."]

    gone = await sb.click(world.member, panel, sb.button(panel, "Withdraw my answers"))
    assert gone.original.content == "Withdrawn: 1 answer deleted, here and in the thread."
    await sb.eventually(lambda: sb.messages(thread) == [])
    assert await world.db.fetch_all("SELECT * FROM responses") == []
    assert await world.db.fetch_all("SELECT * FROM response_edits") == []


async def test_replies_are_captured_edited_and_deleted_with_the_intent(
    content_world: World,
) -> None:
    world = content_world
    sb = world.sandbox
    buttons, _ = await start(world)
    thread = sb.thread_of(buttons)
    grace = sb.member(world.guild, "Grace")
    first = await sb.say(world.member, thread, "The bans backfired, clearly.")
    answer = await sb.say(grace, thread, "Not so fast: show me the numbers.", reply_to=first)
    query = "SELECT user_id, content, message_id, reply_to_id FROM responses WHERE kind = 'reply' ORDER BY id"

    async def two() -> bool:
        return len(await world.db.fetch_all(query)) == 2

    await until(two, what="two replies stored")
    rows = await world.db.fetch_all(query)
    assert [tuple(r) for r in rows] == [
        (world.member.id, "The bans backfired, clearly.", first.id, None),
        (grace.id, "Not so fast: show me the numbers.", answer.id, first.id),
    ]
    await sb.edit(first, "The bans backfired, I think.")

    async def was_edited() -> bool:
        return bool(await world.db.fetch_all("SELECT content FROM response_edits"))

    await until(was_edited, what="the edit stored")
    edited = await world.db.fetch_one(
        "SELECT content, edited_at FROM responses WHERE message_id = ?", (first.id,)
    )
    assert edited["content"] == "The bans backfired, I think." and edited["edited_at"]
    history = await world.db.fetch_all("SELECT content FROM response_edits")
    assert [r["content"] for r in history] == ["The bans backfired, clearly."]
    await sb.delete(answer)

    async def one_left() -> bool:
        return len(await world.db.fetch_all("SELECT message_id FROM responses")) == 1

    await until(one_left, what="the deleted reply gone")
    left = await world.db.fetch_all("SELECT message_id FROM responses")
    assert [r["message_id"] for r in left] == [first.id]
    # The bot's own messages in the thread are not member replies.
    assert all(r["message_id"] != buttons.id for r in left)


async def test_replies_sent_just_before_a_close_count_in_it(content_world: World) -> None:
    world = content_world
    sb = world.sandbox
    world.bot.capture.linger = world.bot.capture.quiet = 30  # a batch not full: 30 s for more
    buttons, row = await start(world)
    thread = sb.thread_of(buttons)
    grace = sb.member(world.guild, "Grace")
    await sb.say(world.member, thread, "The bans backfired, clearly.")
    await sb.say(grace, thread, "Not so fast: show me the numbers.")
    await sb.gateway.drained()  # the bot has both; neither is stored yet
    assert await world.db.fetch_all("SELECT * FROM responses") == []
    closed = await sb.slash(world.owner, "round close", world.general, round=row["id"])
    assert closed.messages[0].content == f"Closed **Round {row['id']} · No chips for China**."
    posted = [m for m in sb.messages(thread) if m.author.id == sb.bot_user.id and m.embeds]
    closing = next(m for m in posted if m.embeds[0].get("title") == "Round closed")
    assert "**Participation:** 2 members, 0 answers, 2 replies." in closing.embeds[0]["description"]
    rows = await world.db.fetch_all("SELECT content FROM responses ORDER BY id")
    assert [r["content"] for r in rows] == [
        "The bans backfired, clearly.",
        "Not so fast: show me the numbers.",
    ]


async def test_without_the_intent_replies_are_not_recorded_and_members_are_told(
    world: World,
) -> None:
    sb = world.sandbox
    buttons, _ = await start(world)
    assert (
        "Replies in the thread are not recorded on this server" in buttons.embeds[1]["description"]
    )
    said = await sb.say(world.member, sb.thread_of(buttons), "I have an opinion.")
    await sb.gateway.drained()  # the bot has had the message; it must not store it
    await asyncio.sleep(0.2)
    assert said.content == "I have an opinion."
    assert await world.db.fetch_all("SELECT * FROM responses") == []


async def test_close_posts_participation_and_stance_shift_then_locks(world: World) -> None:
    sb = world.sandbox
    buttons, row = await start(world)
    grace = sb.member(world.guild, "Grace")
    await sb.click(world.member, buttons, sb.button(buttons, "Agree"))
    await sb.click(grace, buttons, sb.button(buttons, "Disagree"))
    await sb.click(grace, buttons, sb.button(buttons, "Agree"))
    shown = await sb.click(world.member, buttons, sb.button(buttons, "Respond"))
    await sb.submit_modal(
        world.member, shown, {"q1": "The bans backfired on their makers.", "q2": "Maybe."}
    )
    mine = await sb.click(world.member, buttons, sb.button(buttons, "My answers"))
    closed = await sb.slash(world.owner, "round close", world.general, round=row["id"])
    assert closed.messages[0].content == f"Closed **Round {row['id']} · No chips for China**."
    thread = sb.thread_of(buttons)
    posted = [m for m in sb.messages(thread) if m.author.id == sb.bot_user.id and m.embeds]
    closing = next(m for m in posted if m.embeds[0].get("title") == "Round closed")
    text = closing.embeds[0]["description"]
    assert "was closed by a moderator" in text
    assert "**Participation:** 2 members, 2 answers, 0 replies." in text
    assert (
        "Agree: 1 → 2 (+1)" in text
        and "Disagree: 1 → 0 (-1)" in text
        and "Unsure: 0 → 0 (0)" in text
    )
    # The summary follows: every point links the message it comes from, with the chart.
    summary = posted[-1]
    assert summary.embeds[0]["title"] == f"Summary · Round {row['id']} · No chips for China"
    assert summary.embeds[0]["image"]["url"] == "attachment://summary.png"
    assert [a.filename for a in summary.attachments] == ["summary.png"]
    assert summary.attachments[0].data.startswith(b"\x89PNG")
    q1 = next(e for e in summary.embeds if e.get("title", "").startswith("1. "))
    card = next(m for m in posted if m.embeds[0].get("author", {}).get("name") == "Ada answered")
    link = f"https://discord.com/channels/{world.guild.id}/{thread.id}/{card.id}"
    assert (
        q1["description"]
        == f"• “The bans backfired on their makers.” — 1 member, Agree · [1]({link})"
    )
    assert not summary.pings.anyone
    assert all(
        c.get("disabled") or c["label"] == "I've read this"  # stays on after the close
        for r in buttons.components
        for c in r["components"]
    )
    assert (thread.locked, thread.archived) == (True, True)
    stored = await world.db.fetch_all("SELECT user_id, closing FROM stances ORDER BY user_id")
    assert {r["closing"] for r in stored} == {"Agree"}
    # An old "My answers" panel cannot change a closed round.
    late = await sb.click(
        world.member, mine.messages[0], sb.button(mine.messages[0], "Edit answers")
    )
    assert late.messages[0].content == "This round is closed."
    again = await sb.slash(world.owner, "round close", world.general, round=row["id"])
    assert again.messages[0].content == f"Round {row['id']} is not open."


async def round_past_its_deadline(world: World) -> Channel:
    """A round whose deadline has passed, and its thread once the timer has closed it."""
    buttons, _ = await start(world, closes_in="5m")
    async with world.db.transaction() as conn:
        await conn.execute("UPDATE rounds SET closes_at = '2000-01-01T00:00:00+00:00'")
    world.bot.services.scheduler.wake()
    thread = world.sandbox.thread_of(buttons)
    assert thread is not None
    await world.sandbox.eventually(lambda: thread.locked, timeout=10, what="the deadline close")
    return thread


async def test_the_deadline_closes_the_round_once(world: World) -> None:
    sb = world.sandbox
    thread = await round_past_its_deadline(world)
    closing = [
        m for m in sb.messages(thread) if m.embeds and m.embeds[0].get("title") == "Round closed"
    ]
    assert len(closing) == 1
    assert "was closed at its deadline" in closing[0].embeds[0]["description"]
    world.bot.services.scheduler.wake()
    await asyncio.sleep(0.1)
    assert (
        len(
            [
                m
                for m in sb.messages(thread)
                if m.embeds and m.embeds[0].get("title") == "Round closed"
            ]
        )
        == 1
    )
    stored = await world.db.fetch_one("SELECT status, closed_by FROM rounds")
    assert tuple(stored) == ("closed", None)


async def test_one_failing_piece_of_timed_work_does_not_stop_the_deadlines(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    """The timer runs what each cog registered; a feature whose work raises is logged and
    the others still run in the same pass (here a close at its deadline)."""
    calls: list[datetime] = []

    async def broken(now: datetime) -> None:
        calls.append(now)
        raise RuntimeError("a feature's timed work failed")

    world.bot.timer.register(Stage.RESUME, broken)  # runs before the closes in every pass
    try:
        await round_past_its_deadline(world)
    finally:
        world.bot.timer.unregister(broken)
    assert calls
    assert "Timed work" in caplog.text and "a feature's timed work failed" in caplog.text
    stored = await world.db.fetch_one("SELECT status, closed_by FROM rounds")
    assert tuple(stored) == ("closed", None)


async def test_buttons_and_deadlines_survive_a_restart(sandbox: Sandbox, db_path: Path) -> None:
    sb = sandbox
    async with small_world(sb, db_path) as world:
        buttons, _ = await start(world, closes_in="1h")
        shown_before = await sb.click(world.member, buttons, sb.button(buttons, "Respond"))
        member = world.member
    # The bot is down: the deadline passes, and a member submits a form opened before.
    async with await _open_db(db_path) as db:
        async with db.transaction() as conn:
            await conn.execute("UPDATE rounds SET closes_at = '2099-01-01T00:00:00+00:00'")
    async with running_bot(sb, db_path) as bot:
        done = await sb.submit_modal(member, shown_before, {"q1": "Still counts."})
        assert done.messages[0].content.startswith("Recorded")
        stance = await sb.click(member, buttons, sb.button(buttons, "Unsure"))
        assert stance.messages[0].content.endswith("**Unsure**.")
        async with database_of(bot).transaction() as conn:
            await conn.execute("UPDATE rounds SET closes_at = '2000-01-01T00:00:00+00:00'")
    async with running_bot(sb, db_path) as bot:
        thread = sb.thread_of(buttons)
        await sb.eventually(lambda: thread.locked, timeout=10, what="the close on start-up")
        closing = [
            m
            for m in sb.messages(thread)
            if m.embeds and m.embeds[0].get("title") == "Round closed"
        ]
        assert len(closing) == 1  # closed once, on start-up
        assert "1 member, 1 answer, 0 replies" in closing[0].embeds[0]["description"]


async def _open_db(path: Path):
    from storage.database import SqliteDatabase

    return SqliteDatabase.open(path)


async def test_two_moderators_starting_the_same_round_get_one(world: World) -> None:
    sb = world.sandbox
    mods = sb.role(world.guild, "Mods", Perm.MANAGE_GUILD)
    other = sb.member(world.guild, "Other Mod", roles=[mods])
    first, second = await asyncio.gather(
        sb.slash(
            world.owner,
            "round start",
            world.general,
            pack=SHIPPED,
            section=1,
            channel=world.general,
        ),
        sb.slash(
            other, "round start", world.general, pack=SHIPPED, section=1, channel=world.general
        ),
    )
    contents = sorted(m.content for r in (first, second) for m in r.messages)
    assert contents[0].startswith("Round ") and "is already open" in contents[0]
    assert contents[1].startswith("Started **Round ")
    rows = await world.db.fetch_all("SELECT id FROM rounds")
    assert len(rows) == 1
    assert len(sb.messages(world.general)) == 1


async def test_a_forum_gets_a_tagged_post_with_the_buttons_inside(world: World) -> None:
    sb = world.sandbox
    forum = sb.forum(world.guild, "debates", tags=["news", "round"])
    await sb.gateway.drained()
    reply = await sb.slash(
        world.owner, "round start", world.general, pack=SHIPPED, section=3, channel=forum
    )
    assert reply.messages[0].content.startswith("Started")
    row = await world.db.fetch_one("SELECT thread_id, posts FROM rounds")
    thread = sb.channel(row["thread_id"])
    assert (thread.type, thread.parent_id) == (ChannelType.PUBLIC_THREAD, forum.id)
    round_tag = next(int(t["id"]) for t in forum.available_tags if t["name"] == "round")
    assert thread.applied_tags == [round_tag]
    [post] = sb.messages(thread)
    assert [c["label"] for c in post.components[0]["components"]] == [
        "Respond",
        "My answers",
        "I've read this",
    ]


async def test_missing_permissions_and_bad_input_are_named(world: World) -> None:
    sb = world.sandbox
    locked = sb.text_channel(world.guild, "announcements")
    bot_role = world.guild.roles[world.guild.members[sb.bot_user.id].roles[0]]
    sb.deny(locked, bot_role, Perm.CREATE_PUBLIC_THREADS)
    await sb.gateway.drained()
    cases = [
        (
            {"pack": SHIPPED, "section": 2, "channel": locked},
            f"I can't run a round in <#{locked.id}>: I need Create Public Threads there.",
        ),
        (
            {"pack": SHIPPED, "section": 9, "channel": world.general},
            "DeepSeek-R1: China's Sputnik moment? has sections 1 to 4, not 9.",
        ),
        ({"pack": "nope", "section": 1, "channel": world.general}, "There is no pack 'nope' here"),
        (
            {"pack": SHIPPED, "section": 1, "closes_in": "soon", "channel": world.general},
            "soon is not a duration",
        ),
        (
            {"pack": SHIPPED, "section": 1, "closes_in": "40d", "channel": world.general},
            "between 5 minutes and 30 days",
        ),
    ]
    for options, expected in cases:
        reply = await sb.slash(world.owner, "round start", world.general, **options)
        assert expected in reply.messages[0].content, reply.messages[0].content
    reply = await sb.slash(
        world.owner, "round start", world.general, pack=SHIPPED, section=1, channel=world.general
    )
    assert reply.messages[0].content.startswith("Started")
    assert len(await world.db.fetch_all("SELECT id FROM rounds")) == 1


async def test_the_default_channel_from_config_is_used(world: World) -> None:
    sb = world.sandbox
    refused = await sb.slash(world.owner, "round start", world.general, pack=SHIPPED, section=1)
    assert refused.messages[0].content.startswith("Say where to post")
    other = sb.text_channel(world.guild, "reading")
    await sb.gateway.drained()
    await sb.slash(world.owner, "config set", world.general, channel=other)
    reply = await sb.slash(world.owner, "round start", world.general, pack=SHIPPED, section=1)
    assert reply.messages[0].content.startswith("Started")
    assert len(sb.messages(other)) == 1


async def test_a_reply_deleted_before_it_was_stored_is_not_kept(content_world: World) -> None:
    world = content_world
    sb = world.sandbox
    buttons, _ = await start(world)
    thread = sb.thread_of(buttons)
    for n in range(5):  # create and delete back to back: the two events race in the bot
        message = sb.world.create_message(thread, world.member, {"content": f"oops {n}"})
        sb.world.delete_message(message)
        edited = sb.world.create_message(thread, world.member, {"content": f"draft {n}"})
        sb.world.edit_message(edited, {"content": f"final {n}"})
    await sb.gateway.drained()
    query = "SELECT content FROM responses ORDER BY id"

    async def settled() -> bool:
        rows = await world.db.fetch_all(query)
        return len(rows) == 5 and all(r["content"].startswith("final") for r in rows)

    await until(settled, what="five final replies")
    rows = await world.db.fetch_all(query)
    assert [r["content"] for r in rows] == [f"final {n}" for n in range(5)]


async def test_withdraw_answers_in_time_even_when_deleting_the_cards_is_slow(world: World) -> None:
    sb = world.sandbox
    buttons, _ = await start(world)
    thread = sb.thread_of(buttons)
    shown = await sb.click(world.member, buttons, sb.button(buttons, "Respond"))
    await sb.submit_modal(world.member, shown, {"q1": "One.", "q2": "Two."})
    await sb.eventually(lambda: len(sb.messages(thread)) == 1)
    mine = (await sb.click(world.member, buttons, sb.button(buttons, "My answers"))).messages[0]
    # Deleting the card takes longer than Discord's 3 seconds to answer an interaction.
    sb.rest.slow_down("DELETE", rf"/channels/{thread.id}/messages/", 3.5)
    gone = await sb.click(world.member, mine, sb.button(mine, "Withdraw my answers"))
    assert gone.original.content == "Withdrawn: 2 answers deleted, here and in the thread."
    await sb.eventually(lambda: sb.messages(thread) == [], timeout=10)
    assert await world.db.fetch_all("SELECT * FROM responses") == []


async def test_other_listeners_and_wait_for_still_hear_messages_capture_takes(
    content_world: World,
) -> None:
    """Capture takes message events on a fast path; a listener a cog adds and a wait_for still
    get them (they silently never fired before)."""
    world = content_world
    sb = world.sandbox
    buttons, _ = await start(world)
    thread = sb.thread_of(buttons)
    heard: list[str] = []

    async def on_message(message: object) -> None:
        heard.append(getattr(message, "content", ""))

    world.bot.add_listener(on_message)
    waiting = asyncio.ensure_future(
        world.bot.wait_for("message", check=lambda m: m.content == "Outside any round.")
    )
    await sb.say(world.member, thread, "Inside the round's thread.")
    outside = await sb.say(world.member, world.general, "Outside any round.")
    got = await asyncio.wait_for(waiting, 10)
    assert got.id == outside.id

    async def both_heard() -> bool:
        return len(heard) == 2

    await until(both_heard, what="the listener heard both")
    assert heard == ["Inside the round's thread.", "Outside any round."]

    async def stored() -> bool:
        rows = await world.db.fetch_all("SELECT content FROM responses WHERE kind = 'reply'")
        return [r["content"] for r in rows] == ["Inside the round's thread."]

    await until(stored, what="the reply stored by capture, once")
    world.bot.remove_listener(on_message)


async def test_a_click_or_a_submit_reads_its_round_once(world: World) -> None:
    """The access check's reading of the round is passed on to the handler: a form submit,
    My answers and Withdraw each read the round once (the reads wait behind the gateway's
    backlog in a burst, so a second one costs a member seconds)."""
    sb = world.sandbox
    buttons, _ = await start(world)
    shown = await sb.click(world.member, buttons, sb.button(buttons, "Respond"))
    statements: list[str] = []
    await world.db.trace(statements.append)

    def round_reads() -> int:
        # The round's record (a write's in-transaction status check is not a read of it).
        reads = [s for s in statements if s.startswith("SELECT id, guild_id, pack_id")]
        statements.clear()
        return len(reads)

    try:
        done = await sb.submit_modal(world.member, shown, {"q1": "Once is enough."})
        assert done.messages[0].content.startswith("Recorded: your answer to question 1.")
        assert round_reads() == 1
        mine = await sb.click(world.member, buttons, sb.button(buttons, "My answers"))
        [panel] = mine.messages
        assert round_reads() == 1
        gone = await sb.click(world.member, panel, sb.button(panel, "Withdraw my answers"))
        assert gone.original is not None and gone.original.content.startswith("Withdrawn: 1")
        assert round_reads() == 1
    finally:
        await world.db.trace(None)
