"""Moderating rounds: permissions, cancel and reopen, paging, guild isolation, long forms."""

from __future__ import annotations

import json

from sandbox import Message, Perm
from tests.cogs.rounds.test_rounds import SHIPPED, start
from tests.harness import World


async def test_every_round_command_is_refused_to_a_plain_member(world: World) -> None:
    sb = world.sandbox
    _, row = await start(world)
    for command, options in [
        ("round start", {"pack": SHIPPED, "section": 1, "channel": world.general}),
        ("round close", {"round": row["id"]}),
        ("round list", {}),
        ("round show", {"round": row["id"]}),
        ("round cancel", {"round": row["id"]}),
        ("round reopen", {"round": row["id"]}),
    ]:
        reply = await sb.slash(world.member, command, world.general, **options)
        assert reply.messages[0].content.startswith("This is for moderators"), command
    stored = await world.db.fetch_all("SELECT status FROM rounds")
    assert [r["status"] for r in stored] == ["open"]


async def test_cancel_asks_first_and_only_the_asker_can_confirm(world: World) -> None:
    sb = world.sandbox
    buttons, row = await start(world)
    ask = (await sb.slash(world.owner, "round cancel", world.general, round=row["id"])).messages[0]
    assert ask.content.startswith(f"Cancel **Round {row['id']} · No chips for China**?")
    refused = await sb.click(world.member, ask, sb.button(ask, "Cancel round"))
    assert refused.messages[0].content == "Only the moderator who asked can answer this."
    await sb.click(world.owner, ask, sb.button(ask, "Cancel round"))
    await sb.eventually(lambda: ask.content.startswith("Cancelled"))
    assert ask.content == f"Cancelled **Round {row['id']} · No chips for China**."
    thread = sb.thread_of(buttons)
    await sb.eventually(lambda: thread.locked, what="the thread locks")
    last = sb.messages(thread)[-1]
    assert last.embeds[0]["title"] == "Round cancelled"
    assert "was cancelled by a moderator" in last.embeds[0]["description"]
    assert (await world.db.fetch_one("SELECT status FROM rounds"))["status"] == "cancelled"


async def test_reopen_unlocks_the_thread_and_the_buttons(world: World) -> None:
    sb = world.sandbox
    buttons, row = await start(world)
    await sb.slash(world.owner, "round close", world.general, round=row["id"])
    thread = sb.thread_of(buttons)
    assert thread.locked
    reply = await sb.slash(
        world.owner, "round reopen", world.general, round=row["id"], closes_in="1d"
    )
    assert reply.messages[0].content == f"Reopened **Round {row['id']} · No chips for China**."
    assert (thread.locked, thread.archived) == (False, False)
    assert sb.messages(thread)[-1].content.startswith(
        f"Round {row['id']} was reopened. It now closes <t:"
    )
    assert not any(c.get("disabled") for r in buttons.components for c in r["components"])
    again = await sb.click(world.member, buttons, sb.button(buttons, "Agree"))
    assert again.messages[0].content.endswith("**Agree**.")
    stored = await world.db.fetch_one("SELECT status, closes_at, closed_at FROM rounds")
    assert stored["status"] == "open" and stored["closes_at"] and stored["closed_at"] is None


async def test_list_is_paged_with_open_rounds_first(world: World) -> None:
    sb = world.sandbox
    for n in range(11):
        _, row = await start(world, section=n % 4 + 1)
        await sb.slash(world.owner, "round close", world.general, round=row["id"])
    _, last = await start(world, section=1)
    listing = (await sb.slash(world.owner, "round list", world.general)).messages[0]
    lines = listing.embeds[0]["description"].split("\n")
    assert len(lines) == 10
    assert lines[0].startswith(f"**{last['id']}. Introduction**") and "· open" in lines[0]
    assert listing.embeds[0]["footer"]["text"] == "Page 1 of 2 · open rounds first"
    await sb.click(world.owner, listing, sb.button(listing, "Next"))
    assert len(listing.embeds[0]["description"].split("\n")) == 2
    assert listing.embeds[0]["footer"]["text"].startswith("Page 2 of 2")
    assert all("closed" in line for line in listing.embeds[0]["description"].split("\n"))


async def test_show_gives_participation_and_stances(world: World) -> None:
    sb = world.sandbox
    buttons, row = await start(world)
    before = (await sb.slash(world.owner, "round show", world.general, round=row["id"])).messages
    fields = {f["name"]: f["value"] for f in before[0].embeds[0]["fields"]}
    assert fields["Stances, opening → now"] == "nobody yet"  # not a table of zeros
    await sb.click(world.member, buttons, sb.button(buttons, "Unsure"))
    shown = (await sb.slash(world.owner, "round show", world.general, round=row["id"])).messages[0]
    fields = {f["name"]: f["value"] for f in shown.embeds[0]["fields"]}
    assert fields["Participation"] == "1 member, 0 answers, 0 replies"
    assert fields["Stances, opening → now"].split("\n") == [
        "Agree: 0 → 0 (0)",
        "Disagree: 0 → 0 (0)",
        "Unsure: 1 → 1 (0)",
    ]
    assert fields["Where"] == f"<#{row['thread_id']}>"


async def test_rounds_belong_to_their_guild(world: World) -> None:
    sb = world.sandbox
    _, row = await start(world)
    other = sb.guild("Other Club")
    general = sb.text_channel(other)
    await sb.gateway.drained()
    reply = await sb.slash(sb.owner(other), "round show", general, round=row["id"])
    assert reply.messages[0].content == (
        f"There is no round {row['id']} on this server: /round list shows them."
    )
    closed = await sb.slash(sb.owner(other), "round close", general, round=row["id"])
    assert closed.messages[0].content.startswith(f"There is no round {row['id']}")
    assert (await world.db.fetch_one("SELECT status FROM rounds"))["status"] == "open"


async def test_more_questions_than_a_form_holds_are_picked_first(world: World) -> None:
    sb = world.sandbox
    questions = "\n".join(f"{n}. Question number {n}, what do you think?" for n in range(1, 8))
    body = f"---\ntitle: Many\n---\n\n## Only\n\nSome text to discuss at length.\n\n### Questions\n\n{questions}\n"
    preview = (
        await sb.slash(world.owner, "pack import", world.general, file=("many.md", body.encode()))
    ).messages[0]
    await sb.click(world.owner, preview, sb.button(preview, "Save pack"))
    await sb.slash(
        world.owner, "round start", world.general, pack="many", section=1, channel=world.general
    )
    buttons = sb.messages(world.general)[-1]
    picker = (await sb.click(world.member, buttons, sb.button(buttons, "Respond"))).messages[0]
    assert picker.content.startswith("This round has 7 questions; a form holds 5.")
    select = picker.components[0]["components"][0]
    assert (select["max_values"], len(select["options"])) == (5, 7)
    shown = await sb.select(world.member, picker, select["custom_id"], ["7", "2"])
    assert [c["label"] for c in shown.modal["components"]] == ["Question 2", "Question 7"]
    done = await sb.submit_modal(world.member, shown, {"q7": "Seven.", "q2": "Two."})
    assert done.messages[0].content.startswith("Recorded: your answers to questions 2, 7.")


async def test_a_pack_used_by_a_round_cannot_be_removed(world: World) -> None:
    sb = world.sandbox
    body = "---\ntitle: Used\n---\n\n## One\n\nSomething worth discussing here.\n"
    preview = (
        await sb.slash(world.owner, "pack import", world.general, file=("used.md", body.encode()))
    ).messages[0]
    await sb.click(world.owner, preview, sb.button(preview, "Save pack"))
    await sb.slash(
        world.owner, "round start", world.general, pack="used", section=1, channel=world.general
    )
    ask = (await sb.slash(world.owner, "pack remove", world.general, pack="used")).messages[0]
    refused = await sb.click(world.owner, ask, sb.button(ask, "Remove pack"))
    assert refused.messages[0].content == (
        "Used cannot be removed: 1 round was run on it, and their history needs it. Export it if "
        "you want a copy to change."
    )
    assert await world.db.fetch_one("SELECT slug FROM packs WHERE slug = 'used'") is not None


async def test_nothing_the_bot_posts_pings_anyone(world: World) -> None:
    sb = world.sandbox
    mods = sb.role(world.guild, "Mods", mentionable=True)
    evil = sb.member(world.guild, f"@everyone <@&{mods.id}>")
    buttons, row = await start(world)
    shown = await sb.click(evil, buttons, sb.button(buttons, "Respond"))
    await sb.submit_modal(
        evil, shown, {"q1": f"@everyone @here <@&{mods.id}> <@{world.owner.id}> listen"}
    )
    await sb.eventually(lambda: len(sb.messages(sb.thread_of(buttons))) == 1)
    await sb.slash(world.owner, "round close", world.general, round=row["id"])
    card = sb.messages(sb.thread_of(buttons))[0]
    # Echoed, defused: a zero-width space keeps @everyone from being a mention even as text.
    assert "@\u200beveryone @\u200bhere" in card.embeds[0]["description"]
    posts: list[Message] = sb.bot_posts
    assert len(posts) >= 4
    assert [m.id for m in posts if m.pings.anyone] == []
    assert all(m.allowed_mentions == {"parse": []} for m in posts if not m.ephemeral)
    assert json.loads((await world.db.fetch_one("SELECT posts FROM rounds"))["posts"])


async def test_closing_reports_what_discord_refused_and_still_closes(world: World) -> None:
    sb = world.sandbox
    buttons, row = await start(world)
    bot_role = world.guild.roles[world.guild.members[sb.bot_user.id].roles[0]]
    sb.deny(world.general, bot_role, Perm.MANAGE_THREADS)  # taken away after the start
    await sb.gateway.drained()
    reply = await sb.slash(world.owner, "round close", world.general, round=row["id"])
    assert reply.messages[0].content == (
        f"Closed **Round {row['id']} · No chips for China**.\n"
        "I could not lock the thread (Missing Permissions: Manage Threads)."
    )
    thread = sb.thread_of(buttons)
    assert not thread.locked
    assert (await world.db.fetch_one("SELECT status FROM rounds"))["status"] == "closed"
    assert any(
        m.embeds and m.embeds[0].get("title", "").startswith("Summary") for m in sb.messages(thread)
    )
