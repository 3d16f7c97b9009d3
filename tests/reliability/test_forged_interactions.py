"""Forged interactions (issue #14, defect 11): answer forms a modified client can submit
(question 0, huge numbers, oversized answers, another channel's round, a round id past SQLite's
integers) each get a clear sentence, never a traceback, and store nothing. (A component's
custom_id must be on the message clicked, which discord.py checks before anything of ours runs;
a modal's is matched by our listener, so it is where forging reaches us.)"""

from __future__ import annotations

import pytest

from sandbox import Perm
from tests.cogs.rounds.test_rounds import start
from tests.harness import World


def modal(custom_id: str, fields: dict[str, str]) -> dict:
    rows = [
        {"type": 18, "component": {"type": 4, "custom_id": key, "value": value}}
        for key, value in fields.items()
    ]
    return {"custom_id": custom_id, "components": rows}


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"q0": "An answer to no question."}, "This round has no question 0."),
        ({"q99999999999999999999": "x"}, "This round has no question 99999999999999999999."),
        ({"q1": "x" * 5000}, "An answer can be at most 4,000 characters."),
    ],
    ids=["question 0", "a huge question", "too long"],
)
async def test_forged_answer_forms_get_a_clear_sentence(
    world: World, fields: dict[str, str], expected: str
) -> None:
    sb = world.sandbox
    buttons, row = await start(world)
    reply = await sb.forged(
        world.member, buttons, modal(f"rt1:answers:{row['id']}:1", fields), kind=5
    )
    assert reply.messages[0].content == expected
    assert (await world.db.fetch_one("SELECT count(*) FROM responses"))[0] == 0


async def test_a_round_in_a_hidden_channel_cannot_be_reached_by_a_forged_form(
    world: World,
) -> None:
    sb = world.sandbox
    buttons, _ = await start(world)
    staff = sb.text_channel(world.guild, "staff")
    sb.deny(staff, world.member, Perm.VIEW_CHANNEL)
    _, hidden = await start(world, section=3, channel=staff)
    answered = await sb.forged(
        world.member, buttons, modal(f"rt1:answers:{hidden['id']}:1", {"q1": "Sneaky."}), kind=5
    )
    assert answered.messages[0].content == f"Round {hidden['id']} is in a channel you cannot see."
    assert (await world.db.fetch_one("SELECT count(*) FROM responses"))[0] == 0
    huge = await sb.forged(
        world.member, buttons, modal("rt1:answers:99999999999999999999999:1", {"q1": "x"}), kind=5
    )
    assert huge.messages[0].content == "This is not a button of a round on this server."
