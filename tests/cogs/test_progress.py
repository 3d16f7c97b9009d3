"""Reading progress through the sandbox: the round's "I've read this" button, /progress, and
the spread moderators see in /round show."""

from __future__ import annotations

from tests.cogs.rounds.test_rounds import SHIPPED, start
from tests.harness import World

PACK = "DeepSeek-R1: China's Sputnik moment?"


async def test_members_mark_reading_on_the_round_and_with_progress(world: World) -> None:
    sb = world.sandbox
    buttons, row = await start(world)
    read = sb.button(buttons, "I've read this")
    [noted] = (await sb.click(world.member, buttons, read)).messages
    assert noted.ephemeral
    assert noted.content == (
        f"Noted: you have read *{PACK}* up to section 2 (No chips for China). /progress shows "
        "or changes it."
    )
    stored = await world.db.fetch_one(
        "SELECT user_id, section FROM member_progress WHERE guild_id = ?", (world.guild.id,)
    )
    assert tuple(stored) == (world.member.id, 2)

    shown = (await sb.slash(world.member, "progress", world.general)).messages[0]
    assert shown.content == f"**{PACK}**: read up to section 2 of 4 (No chips for China)"
    saved = await sb.slash(world.member, "progress", world.general, pack=SHIPPED, section=4)
    assert saved.messages[0].content == (
        f"Saved. **{PACK}**: read up to section 4 of 4 (AI arms race)."
    )
    again = (await sb.click(world.member, buttons, read)).messages[-1]
    assert again.content == (
        f"You have read *{PACK}* up to section 4 already. /progress changes it."
    )
    refused = await sb.slash(world.member, "progress", world.general, section=2)
    assert refused.messages[0].content.startswith("Name the pack too")
    nothing = await sb.slash(world.owner, "progress", world.general)
    assert nothing.messages[0].content.startswith("You have not marked any reading yet")

    details = await sb.slash(world.owner, "round show", world.general, round=row["id"])
    fields = {f["name"]: f["value"] for f in details.messages[0].embeds[0]["fields"]}
    assert fields["Reading progress"] == (
        "1 member (of 1 tracking this pack) read this section or further."
    )

    await sb.slash(world.owner, "round close", world.general, round=row["id"])
    await sb.eventually(lambda: buttons.components[0]["components"][0].get("disabled") is True)
    labels = {b["label"]: b.get("disabled", False) for b in buttons.components[0]["components"]}
    assert labels == {"Respond": True, "My answers": True, "I've read this": False}
    later = (await sb.click(world.owner, buttons, read)).messages[-1]
    assert later.content.startswith(f"Noted: you have read *{PACK}* up to section 2")
