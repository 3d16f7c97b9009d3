"""Suggested questions through the sandbox: /suggest in a round's thread and for a section,
votes on the card, approval into the open round (a follow-up question Respond can answer),
private review and rejection with a reason, credit and /forget."""

from __future__ import annotations

from tests.cogs.rounds.test_rounds import SHIPPED, start
from tests.harness import World


def fields(message) -> dict[str, str]:
    return {f["name"]: f["value"] for f in message.embeds[0]["fields"]}


async def count(world: World, table: str) -> int:
    row = await world.db.fetch_one(f"SELECT count(*) FROM {table}")  # noqa: S608 - our names
    return row[0]


async def test_a_suggestion_in_a_thread_is_voted_on_approved_and_answered_as_a_follow_up(
    world: World,
) -> None:
    sb = world.sandbox
    ideas = sb.text_channel(world.guild, "ideas")
    await sb.slash(world.owner, "config set", world.general, suggestions_channel=ideas)
    buttons, row = await start(world)
    thread = sb.thread_of(buttons)
    grace = sb.member(world.guild, "Grace")

    [thanks] = (
        await sb.slash(
            world.member, "suggest", thread,
            question="Did the [bans](https://evil.example/x) buy the *US* any time?",
        )
    ).messages  # fmt: skip
    assert thanks.ephemeral
    assert thanks.content.startswith(
        f"Thanks: suggestion 1 for round {row['id']} (DeepSeek-R1: China's Sputnik moment? · "
        "2. No chips for China) is waiting for a moderator.\n"
        "> Did the bans (https://evil.example/x) buy the \\*US\\* any time?\n"
        f"It is in <#{ideas.id}> for votes and review."
    ), thanks.content
    [card] = sb.messages(ideas)
    assert card.allowed_mentions == {"parse": []}
    assert card.embeds[0]["title"] == "Suggested question 1"
    assert card.embeds[0]["description"] == (
        "Did the bans (https://evil.example/x) buy the \\*US\\* any time?"
    )
    assert fields(card) == {
        "For": f"round {row['id']} (DeepSeek-R1: China's Sputnik moment? · 2. No chips for China)",
        "Suggested by": "Ada",
        "Votes": "0",
        "Status": "Waiting for a moderator",
    }
    vote = sb.button(card, "0")
    await sb.click(grace, card, vote)
    assert fields(card)["Votes"] == "1"
    own = await sb.click(world.member, card, sb.button(card, "1"))
    assert own.messages[-1].content == "You can't vote for your own suggestion."
    refused = await sb.click(grace, card, sb.button(card, "Approve 1"))
    assert refused.messages[-1].content.startswith("This is for moderators")
    assert fields(card)["Status"] == "Waiting for a moderator"

    await sb.click(world.owner, card, sb.button(card, "Approve 1"))
    assert fields(card)["Status"] == f"Approved: question 5 of round {row['id']}"
    assert card.components == []

    def follow_ups() -> list:
        return [m for m in sb.messages(thread) if m.content.startswith("**Follow-up")]

    await sb.eventually(lambda: bool(follow_ups()))  # posted after the click's answer
    [follow] = follow_ups()
    assert follow.content == (
        "**Follow-up question 5**, suggested by Ada:\n"
        "> Did the bans (https://evil.example/x) buy the \\*US\\* any time?\n"
        "Answer it with **Respond**."
    )
    assert follow.allowed_mentions == {"parse": []}
    form = await sb.click(grace, follow, sb.button(follow, "Respond"))
    assert form.modal is not None
    labels = [c["description"] for c in form.modal["components"]]
    assert labels[-1] == "Did the bans (https://evil.example/x) buy the *US* any time?"
    await sb.submit_modal(grace, form, {"q5": "About two years, I'd say."})
    answer = await world.db.fetch_one(
        "SELECT question, content FROM responses WHERE user_id = ?", (grace.id,)
    )
    assert tuple(answer) == (5, "About two years, I'd say.")
    await sb.eventually(lambda: bool(sb.messages(sb.world.dm_channel(world.member))))
    [told] = sb.messages(sb.world.dm_channel(world.member))
    assert told.content == (
        "Your suggested question for round 1 (DeepSeek-R1: China's Sputnik moment? · 2. No chips "
        "for China) was approved (it is now question 5 of round 1): “Did the bans "
        "(https://evil.example/x) buy the \\*US\\* any time?”"
    )

    # /forget: the question stays the round's, without Ada's name; her card is deleted.
    ask = (await sb.slash(world.member, "forget", world.general)).messages[0]
    await sb.click(world.member, ask, sb.button(ask, "Delete all of it"))
    await sb.eventually(lambda: "suggested by a member" in follow.content)
    assert follow.content == (
        "**Follow-up question 5**, suggested by a member:\n"
        "> Did the bans (https://evil.example/x) buy the \\*US\\* any time?\n"
        "Answer it with **Respond**."
    )
    await sb.eventually(lambda: sb.messages(ideas) == [])
    assert await count(world, "suggestions") == 0


async def test_moderators_review_privately_and_a_rejection_reason_reaches_only_its_author(
    world: World,
) -> None:
    sb = world.sandbox
    close = (
        await sb.slash(
            world.member, "suggest", world.general, pack=SHIPPED, section=2,
            question="What evidence would change your mind on whether the bans helped or hurt?",
        )
    ).messages[0]  # fmt: skip
    assert close.content.startswith(
        "Your question is close to what DeepSeek-R1: China's Sputnik moment? · 2. No chips for "
        "China already has:\n• The author says the export bans backfired"
    ), close.content
    assert "(question 1)\nSuggest it anyway?" in close.content
    assert await count(world, "suggestions") == 0  # not yet
    await sb.click(world.member, close, sb.button(close, "Suggest anyway"))
    assert close.content.startswith("Thanks: suggestion 1 for DeepSeek-R1")
    assert close.content.endswith("Moderators see it in /suggestions review. /suggestions mine "
                                  "shows what becomes of it.")  # fmt: skip

    mention = await sb.slash(
        world.member, "suggest", world.general, pack=SHIPPED, section=2,
        question="Should @everyone read the second half first?",
    )  # fmt: skip
    assert mention.messages[0].content.startswith("A question can't mention members, roles")
    assert await count(world, "suggestions") == 1

    listed = (await sb.slash(world.member, "suggestions list", world.general)).messages[0]
    assert listed.ephemeral
    assert listed.content.startswith("1 suggested question waiting, most votes first.")
    assert [b["label"] for r in listed.components for b in r["components"]] == ["1: 0"]
    refused = await sb.slash(world.member, "suggestions review", world.general)
    assert refused.messages[0].content.startswith("This is for moderators")

    review = (await sb.slash(world.owner, "suggestions review", world.general)).messages[0]
    assert fields(review)["Suggested by"] == f"<@{world.member.id}> (Ada)"
    assert [b["label"] for b in review.components[0]["components"]] == [
        "Approve 1", "Edit", "Reject",
    ]  # fmt: skip
    edit = await sb.click(world.owner, review, sb.button(review, "Edit"))
    await sb.submit_modal(world.owner, edit, {"text": "What evidence would show the bans worked?"})
    assert review.embeds[0]["description"] == "What evidence would show the bans worked?"
    reject = await sb.click(world.owner, review, sb.button(review, "Reject"))
    await sb.submit_modal(world.owner, reject, {"reason": "We argued this one last week."})
    assert review.content == "No suggested questions are waiting."
    assert review.embeds == [] and review.components == []
    await sb.eventually(lambda: bool(sb.messages(sb.world.dm_channel(world.member))))
    [told] = sb.messages(sb.world.dm_channel(world.member))
    assert told.content == (
        "Your suggested question was not taken: “What evidence would show the bans worked?”. "
        "The moderator's reason: We argued this one last week."
    )
    mine = (await sb.slash(world.member, "suggestions mine", world.general)).messages[0]
    assert mine.ephemeral
    assert fields(mine)["Suggestion 1"].endswith(
        "Not taken · 0 votes\nReason: We argued this one last week."
    )
    others = (await sb.slash(world.owner, "suggestions mine", world.general)).messages[0]
    assert others.embeds[0]["description"].startswith("You have not suggested any question")


async def test_credit_follows_privacy_and_forget_removes_suggestions_cards_and_votes(
    world: World,
) -> None:
    sb = world.sandbox
    ideas = sb.text_channel(world.guild, "ideas")
    await sb.slash(world.owner, "config set", world.general, suggestions_channel=ideas)
    grace = sb.member(world.guild, "Grace")
    await world.bot.privacy.set(world.guild.id, world.member.id, no_ai=False, exports="anonymous")
    for who, text in ((world.member, "Would the author welcome US chip subsidies?"),
                      (grace, "Did the bans buy the US any time at all?")):  # fmt: skip
        await sb.slash(who, "suggest", world.general, pack=SHIPPED, section=2, question=text)
    ada_card, grace_card = sb.messages(ideas)
    assert fields(ada_card)["Suggested by"] == "a member"
    assert fields(grace_card)["Suggested by"] == "Grace"
    await sb.click(world.member, grace_card, sb.button(grace_card, "0"))
    assert fields(grace_card)["Votes"] == "1"

    ask = (await sb.slash(world.member, "forget", world.general)).messages[0]
    await sb.click(world.member, ask, sb.button(ask, "Delete all of it"))
    assert "1 suggested question (with your votes)" in ask.content
    await sb.eventually(lambda: sb.messages(ideas) == [grace_card])
    rows = await world.db.fetch_all("SELECT user_id, votes FROM suggestions")
    assert [tuple(r) for r in rows] == [(grace.id, 0)]
    assert await count(world, "suggestion_votes") == 0
