"""The sandbox holds the bot to Discord's rules: real discord.py sees Discord's errors."""

from __future__ import annotations

import asyncio
import io

import aiohttp
import discord
import pytest

from sandbox import Perm, Sandbox
from sandbox.limits import DiscordError, check_modal
from tests.harness import World


def channel(world: World, channel_id: int) -> discord.TextChannel:
    found = world.bot.get_channel(channel_id)
    assert isinstance(found, discord.TextChannel)
    return found


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"content": "x" * 2001}, "In content: Must be 2000 or fewer in length."),
        (
            {"embed": discord.Embed(description="d" * 4097)},
            "In embeds.0.description: Must be 4096 or fewer in length.",
        ),
        (
            {"embed": discord.Embed(title="t" * 257)},
            "In embeds.0.title: Must be 256 or fewer in length.",
        ),
        (
            {"embeds": [discord.Embed(description="d" * 4000) for _ in range(2)]},
            "In embeds: Embed size exceeds maximum size of 6000",
        ),
        (
            {"embed": discord.Embed().add_field(name="n", value="v" * 1025)},
            "In embeds.0.fields.0.value: Must be 1024 or fewer in length.",
        ),
        (
            {"embed": discord.Embed().set_footer(text="f" * 2049)},
            "In embeds.0.footer.text: Must be 2048 or fewer in length.",
        ),
    ],
)
async def test_message_limits(world: World, kwargs: dict, expected: str) -> None:
    with pytest.raises(discord.HTTPException) as caught:
        await channel(world, world.general.id).send(**kwargs)
    assert caught.value.status == 400
    assert caught.value.code == 50035
    assert expected in caught.value.text
    assert world.sandbox.messages(world.general) == []


async def test_too_many_embeds_fields_buttons_rows_and_options(world: World) -> None:
    # discord.py refuses some of these itself, so send the raw payloads Discord would reject.
    def button(custom_id: str) -> dict:
        return {"type": 2, "style": 1, "label": "b", "custom_id": custom_id}

    cases = [
        ({"embeds": [{"title": str(i)} for i in range(11)]}, "In embeds: Must be 10 or fewer"),
        (
            {"embeds": [{"fields": [{"name": "n", "value": "v"}] * 26}]},
            "In embeds.0.fields: Must be 25 or fewer",
        ),
        (
            {
                "content": "x",
                "components": [{"type": 1, "components": [button(str(i)) for i in range(6)]}],
            },
            "In components.0.components: Must be 5 or fewer",
        ),
        (
            {
                "content": "x",
                "components": [{"type": 1, "components": [button(str(r))]} for r in range(6)],
            },
            "In components: Must be 5 or fewer",
        ),
        (
            {
                "content": "x",
                "components": [
                    {
                        "type": 1,
                        "components": [
                            {
                                "type": 3,
                                "custom_id": "s",
                                "options": [{"label": str(i), "value": str(i)} for i in range(26)],
                            }
                        ],
                    }
                ],
            },
            "In components.0.components.0.options: Must be 25 or fewer",
        ),
        (
            {
                "content": "x",
                "components": [{"type": 1, "components": [button("same"), button("same")]}],
            },
            "Component custom id cannot be duplicated",
        ),
    ]
    for payload, expected in cases:
        with pytest.raises(discord.HTTPException) as caught:
            await world.bot.http.send_message(world.general.id, params=_raw(payload))
        assert caught.value.code == 50035
        assert expected in caught.value.text, payload
    long_id = discord.ui.View()
    long_id.add_item(discord.ui.Button(label="x", custom_id="c" * 101))
    with pytest.raises(discord.HTTPException, match=r"custom_id: Must be 100 or fewer"):
        await channel(world, world.general.id).send("hi", view=long_id)
    assert world.sandbox.messages(world.general) == []


def _raw(payload: dict) -> discord.http.MultipartParameters:
    return discord.http.MultipartParameters(payload=payload, multipart=None, files=None)


async def test_empty_message_is_refused(world: World) -> None:
    with pytest.raises(discord.HTTPException) as caught:
        await world.bot.http.send_message(world.general.id, params=_raw({"content": ""}))
    assert caught.value.code == 50006


async def test_upload_limit(world: World) -> None:
    big = discord.File(io.BytesIO(b"x" * (10 * 1024 * 1024 + 1)), "big.bin")
    with pytest.raises(discord.HTTPException) as caught:
        await channel(world, world.general.id).send(file=big)
    assert (caught.value.status, caught.value.code) == (413, 40005)
    ok = discord.File(io.BytesIO(b"hello"), "small.txt")
    sent = await channel(world, world.general.id).send("file", file=ok)
    [stored] = world.sandbox.messages(world.general)
    assert stored.id == sent.id
    assert [(a.filename, a.data) for a in stored.attachments] == [("small.txt", b"hello")]


async def test_thread_name_limit(world: World) -> None:
    message = await channel(world, world.general.id).send("starter")
    with pytest.raises(discord.HTTPException, match="In name: Must be 100 or fewer"):
        await message.create_thread(name="n" * 101)
    thread = await message.create_thread(name="Round 1")
    assert world.sandbox.thread_of(world.sandbox.messages(world.general)[0]).name == "Round 1"
    assert thread.id == message.id


async def test_the_bots_channel_permissions_are_enforced(world: World) -> None:
    sb = world.sandbox
    sb.deny(world.general, world.guild.everyone, Perm.SEND_MESSAGES)
    # The bot's own role does not allow it back, so posting fails as on Discord.
    sb.deny(
        world.general, sb.world.guilds[world.guild.id].roles[_bot_role(world)], Perm.SEND_MESSAGES
    )
    with pytest.raises(discord.Forbidden) as caught:
        await channel(world, world.general.id).send("hello")
    assert caught.value.code == 50013
    assert "Send Messages" in caught.value.text


def _bot_role(world: World) -> int:
    member = world.guild.members[world.sandbox.bot_user.id]
    return member.roles[0]


async def test_modal_limits() -> None:
    long_title = {"title": "t" * 46, "custom_id": "m", "components": [_text_input("a")]}
    with pytest.raises(DiscordError) as caught:
        check_modal(long_title)
    assert caught.value.errors == [
        ("data.title", "BASE_TYPE_MAX_LENGTH", "Must be 45 or fewer in length.")
    ]
    too_many = {
        "title": "t",
        "custom_id": "m",
        "components": [_text_input(str(i)) for i in range(6)],
    }
    with pytest.raises(DiscordError, match="Must be between 1 and 5"):
        check_modal(too_many)
    check_modal(
        {"title": "t", "custom_id": "m", "components": [_text_input(str(i)) for i in range(5)]}
    )


def _text_input(custom_id: str) -> dict:
    return {
        "type": 1,
        "components": [{"type": 4, "custom_id": custom_id, "label": "L", "style": 1}],
    }


async def test_a_late_first_response_fails_as_on_discord() -> None:
    async with Sandbox(interaction_deadline=0.2) as sb:
        guild = sb.guild()
        general = sb.text_channel(guild)
        interaction = sb.world.new_interaction(2, sb.owner(guild), general, {"name": "x"})
        url = f"{sb.api_base}/interactions/{interaction.id}/{interaction.token}/callback"
        await asyncio.sleep(0.3)
        async with aiohttp.ClientSession() as http:
            async with http.post(url, json={"type": 4, "data": {"content": "late"}}) as response:
                assert response.status == 404
                assert response.headers["Content-Type"] == "application/json"
                assert (await response.json())["code"] == 10062
        assert sb.messages(general) == []


async def test_a_second_response_is_refused(world: World) -> None:
    sb = world.sandbox
    reply = await sb.slash(world.owner, "config show", world.general)
    url = f"{sb.api_base}/interactions/{reply.id}/{reply.token}/callback"
    async with aiohttp.ClientSession() as http:
        async with http.post(url, json={"type": 4, "data": {"content": "again"}}) as response:
            assert response.status == 400
            assert (await response.json())["code"] == 40060


async def test_unknown_routes_are_named(sandbox: Sandbox) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.get(
            f"{sandbox.api_base}/guilds/1/bans", headers={"Authorization": f"Bot {sandbox.token}"}
        ) as response:
            assert response.status == 404
            assert (await response.json())[
                "message"
            ] == "sandbox: no route for GET /api/v10/guilds/1/bans"


async def test_a_wrong_token_is_unauthorized(sandbox: Sandbox) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.get(
            f"{sandbox.api_base}/users/@me", headers={"Authorization": "Bot nope"}
        ) as response:
            assert response.status == 401
