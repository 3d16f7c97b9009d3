"""The summary posted in a closed round's thread follows what members remove (#27, defect 4):
a reply deleted after the close, or a member's /forget, edits the posted summary to leave the
points quoting it out, as /summary show and the exports already do. The thread is archived and
locked after the close, and Discord edits nothing in an archived thread: the bot unarchives it
for the edit and leaves it as it was."""

from __future__ import annotations

import json

from sandbox import Message
from tests.cogs.rounds.test_rounds import start
from tests.harness import World, until

REPLIES = [
    "Export bans pushed the labs to build their own chips much faster than anyone expected.",
    "The bans bought two years at most, and the labs used those years to train engineers.",
    "Cheap open models matter more than the chips: anyone can now run a strong model at home.",
    "Open models at home change who can compete, far more than any export rule ever could.",
]


def summary_text(messages: list[Message]) -> str:
    """Everything the summary messages in the thread show."""
    return "\n".join(
        e.get("description", "")
        for m in messages
        if m.embeds and m.embeds[0].get("title", "").startswith("Summary")
        for e in m.embeds
    )


async def closed_round_with_replies(world: World) -> tuple[Message, list[Message], dict]:
    sb = world.sandbox
    buttons, row = await start(world)
    thread = sb.thread_of(buttons)
    readers = [world.member, *(sb.member(world.guild, f"Reader {n}") for n in range(3))]
    said = []
    for n, (reader, text) in enumerate(zip(readers, REPLIES, strict=True)):
        await sb.click(reader, buttons, sb.button(buttons, "Agree"))
        shown = await sb.click(reader, buttons, sb.button(buttons, "Respond"))
        await sb.submit_modal(reader, shown, {"q1": f"Answer {n}: the bans were a mistake."})
        said.append(await sb.say(reader, thread, text))
    await sb.eventually(lambda: len(sb.messages(thread)) == 8)  # 4 cards, 4 replies

    async def recorded() -> bool:
        return len(await world.db.fetch_all("SELECT id FROM responses")) == 8

    await until(recorded, what="the four replies stored")
    closed = await sb.slash(world.owner, "round close", world.general, round=row["id"])
    assert closed.messages[-1].content.startswith("Closed **"), closed.messages[-1].content
    assert thread.archived and thread.locked
    return thread, said, row


def quoted(text: str, said: list[Message]) -> list[Message]:
    """The replies whose words the summary shows (its points quote them, shortened)."""
    return [m for m in said if m.content[:40] in text]


async def test_a_reply_deleted_after_the_close_is_edited_out_of_the_posted_summary(
    content_world: World,
) -> None:
    world = content_world
    sb = world.sandbox
    thread, said, row = await closed_round_with_replies(world)
    before = summary_text(sb.messages(thread))
    shown = quoted(before, said)
    assert shown, before
    gone = shown[0]
    await sb.delete(gone)  # its author deletes it in Discord, after the close
    await sb.eventually(
        lambda: gone.content[:40] not in summary_text(sb.messages(thread)),
        timeout=10,
        what="the posted summary edited",
    )
    after = summary_text(sb.messages(thread))
    assert after.startswith(before.split("\n")[0])  # the same summary, less that point
    assert any(m.content[:40] in after for m in said if m is not gone) or len(shown) == 1
    [summary] = [
        m
        for m in sb.messages(thread)
        if m.embeds and m.embeds[0].get("title", "").startswith("Summary")
    ]
    assert summary.edited_timestamp is not None
    assert [a.filename for a in summary.attachments] == ["summary.png"]  # the chart kept
    # Left as the close left it (archived again once the edit is done).
    await sb.eventually(lambda: thread.archived and thread.locked, what="archived again")

    # The post is recorded once Discord has answered the edit (a moment after it shows).
    async def recorded() -> bool:
        row = await world.db.fetch_one("SELECT shown FROM summary_posts")
        return row is not None and gone.id not in json.loads(row["shown"])

    await until(recorded, what="the edited post recorded")
    stored = await world.db.fetch_one("SELECT message_ids FROM summary_posts")
    assert json.loads(stored["message_ids"]) == [summary.id]
    # The summary as shown, exported and posted now agree.
    show = await sb.slash(world.owner, "summary show", world.general, round=row["id"])
    assert gone.content[:40] not in summary_text(show.messages)


async def test_forget_edits_the_members_points_out_of_the_posted_summary(
    content_world: World,
) -> None:
    world = content_world
    sb = world.sandbox
    thread, said, _ = await closed_round_with_replies(world)
    mine = quoted(summary_text(sb.messages(thread)), said)[0]
    rows = await world.db.fetch_all(
        "SELECT message_id FROM responses WHERE user_id = ? AND kind = 'answer'",
        (mine.author.id,),
    )
    cards = [r["message_id"] for r in rows]
    assert cards and not any(sb.world.messages[i].deleted for i in cards)
    ask = (await sb.slash(mine.author, "forget", world.general)).messages[0]
    await sb.click(mine.author, ask, sb.button(ask, "Delete all of it"))
    await sb.eventually(
        lambda: mine.content[:40] not in summary_text(sb.messages(thread)),
        timeout=10,
        what="the posted summary edited",
    )
    assert not mine.deleted  # the member's own message stays theirs to delete
    # The card showing their answer is deleted too, in the archived thread (Discord deletes
    # nothing there until it is unarchived).
    await sb.eventually(lambda: all(sb.world.messages[i].deleted for i in cards), what="cards")
    others = [m for m in said if m.author.id != mine.author.id]
    assert quoted(summary_text(sb.messages(thread)), others)  # theirs stay
    await sb.eventually(lambda: thread.archived and thread.locked, what="archived again")
