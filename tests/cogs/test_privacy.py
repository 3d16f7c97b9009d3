"""/privacy and /forget through the sandbox."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from tests.cogs.rounds.test_rounds import start
from tests.harness import World, until


async def test_privacy_choices_are_shown_and_stored(world: World) -> None:
    sb = world.sandbox
    panel = (await sb.slash(world.member, "privacy", world.general)).messages[0]
    assert panel.ephemeral
    fields = {f["name"]: f["value"] for f in panel.embeds[0]["fields"]}
    assert list(fields) == ["AI processing", "Exports", "Thread replies"]
    assert fields["AI processing"].startswith("My text may be summarised")
    assert fields["Exports"] == "Moderators' exports show my name with what I wrote"
    assert fields["Thread replies"].startswith("My replies in round threads are recorded")
    ai, exports, _ = (row["components"][0]["custom_id"] for row in panel.components)
    await sb.select(world.member, panel, ai, ["no"])
    fields = {f["name"]: f["value"] for f in panel.embeds[0]["fields"]}
    assert fields["AI processing"].startswith("Never send my text to an LLM")
    row = await world.db.fetch_one(
        "SELECT no_ai, exports FROM member_privacy WHERE user_id = ?", (world.member.id,)
    )
    assert tuple(row) == (1, "named")
    assert await world.bot.privacy.opted_out_of_ai(world.guild.id) == {world.member.id}
    await sb.select(world.member, panel, exports, ["excluded"])
    fields = {f["name"]: f["value"] for f in panel.embeds[0]["fields"]}
    assert fields["Exports"] == "Leave everything I wrote out of exports"
    row = await world.db.fetch_one(
        "SELECT no_ai, exports FROM member_privacy WHERE user_id = ?", (world.member.id,)
    )
    assert tuple(row) == (1, "excluded")


async def test_forget_deletes_answers_replies_and_stances_after_confirming(
    content_world: World,
) -> None:
    world = content_world
    sb = world.sandbox
    buttons, _ = await start(world)
    thread = sb.thread_of(buttons)
    grace = sb.member(world.guild, "Grace")
    shown = await sb.click(world.member, buttons, sb.button(buttons, "Respond"))
    await sb.submit_modal(world.member, shown, {"q1": "Mine.", "q2": "Also mine."})
    await sb.click(world.member, buttons, sb.button(buttons, "Agree"))
    await sb.say(world.member, thread, "A reply of mine.")
    await sb.click(grace, buttons, sb.button(buttons, "Disagree"))
    await sb.say(grace, thread, "Grace keeps hers.")
    await sb.eventually(lambda: len(sb.messages(thread)) == 3)
    await sb.gateway.drained()
    await world.bot.capture.drained()  # the replies are stored (a batch lingers for more)

    ask = (await sb.slash(world.member, "forget", world.general)).messages[0]
    assert ask.content.startswith("Delete everything Roundtable stored of yours on this server")
    assert (
        await world.db.fetch_one(
            "SELECT count(*) FROM responses WHERE user_id = ?", (world.member.id,)
        )
    )[0] == 3
    await sb.click(world.member, ask, sb.button(ask, "Delete all of it"))
    assert ask.content == (
        "Deleted 2 answers, 1 reply, 1 stance and 0 suggested questions (with your votes). Your "
        "replies in round threads are no longer recorded (turn that back on in /privacy); your "
        "messages in threads stay yours to delete."
    )
    await sb.eventually(
        lambda: not any(m.author.id == sb.bot_user.id and m.embeds for m in sb.messages(thread))
    )
    for table in ("responses", "stances"):
        rows = await world.db.fetch_all(f"SELECT user_id FROM {table}")  # noqa: S608
        assert {r["user_id"] for r in rows} == {grace.id}


async def test_forget_can_be_cancelled(world: World) -> None:
    sb = world.sandbox
    buttons, _ = await start(world)
    await sb.click(world.member, buttons, sb.button(buttons, "Agree"))
    ask = (await sb.slash(world.member, "forget", world.general)).messages[0]
    await sb.click(world.member, ask, sb.button(ask, "Cancel"))
    assert ask.content == "Nothing was deleted."
    assert len(await world.db.fetch_all("SELECT * FROM stances")) == 1


async def test_privacy_commands_are_refused_in_direct_messages(world: World) -> None:
    sb = world.sandbox
    for command in ("privacy", "forget"):
        reply = await sb.slash(world.member, command, sb.dm(world.member))
        assert (
            reply.messages[0].content
            == "This command works only in a server, not in direct messages."
        )


async def test_after_forget_replies_are_not_recorded_until_turned_back_on(
    content_world: World,
) -> None:
    """#27: /forget leaves a tombstone (no content) that capture honours; /privacy lifts it."""
    world = content_world
    sb = world.sandbox
    buttons, _ = await start(world)
    thread = sb.thread_of(buttons)
    assert thread is not None
    await sb.say(world.member, thread, "Said before forgetting.")

    async def stored() -> list[str]:
        rows = await world.db.fetch_all("SELECT content FROM responses ORDER BY id")
        return [r["content"] for r in rows]

    await until(lambda: _has(stored, "Said before forgetting."), what="the first reply stored")
    ask = (await sb.slash(world.member, "forget", world.general)).messages[0]
    await sb.click(world.member, ask, sb.button(ask, "Delete all of it"))
    tombstone = await world.db.fetch_one(
        "SELECT * FROM member_privacy WHERE user_id = ?", (world.member.id,)
    )
    assert (tombstone["replies"], tombstone["no_ai"], tombstone["exports"]) == (0, 0, "named")
    await sb.say(world.member, thread, "Said after forgetting.")
    grace = sb.member(world.guild, "Grace")
    await sb.say(grace, thread, "Grace is recorded as ever.")
    await until(lambda: _has(stored, "Grace is recorded as ever."), what="Grace stored")
    assert await stored() == ["Grace is recorded as ever."]
    panel = (await sb.slash(world.member, "privacy", world.general)).messages[0]
    fields = {f["name"]: f["value"] for f in panel.embeds[0]["fields"]}
    assert fields["Thread replies"] == (
        "My replies in round threads are not recorded (since I used /forget)"
    )
    replies = panel.components[2]["components"][0]["custom_id"]
    await sb.select(world.member, panel, replies, ["yes"])
    await sb.say(world.member, thread, "Recorded again, by choice.")
    await until(lambda: _has(stored, "Recorded again, by choice."), what="recorded again")
    assert await stored() == ["Grace is recorded as ever.", "Recorded again, by choice."]


async def _has(stored: Callable[[], Awaitable[list[str]]], text: str) -> bool:
    return text in await stored()
