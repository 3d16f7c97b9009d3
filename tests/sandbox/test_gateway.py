"""The gateway as discord.py sees it: READY, guilds, intents, resume after a disconnect."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import discord
import pytest

from cogs.support.bot import point_at_discord_compatible_server
from roundtable.settings import load_settings
from sandbox import Sandbox


@asynccontextmanager
async def bare_client(sb: Sandbox, intents: discord.Intents) -> AsyncIterator[discord.Client]:
    point_at_discord_compatible_server(load_settings(sb.bot_env()))
    client = discord.Client(intents=intents, guild_ready_timeout=0.05)
    async with client:
        runner = asyncio.create_task(client.start(sb.token))
        ready = asyncio.create_task(client.wait_until_ready())
        done, _ = await asyncio.wait({runner, ready}, timeout=10, return_when="FIRST_COMPLETED")
        if ready not in done:
            ready.cancel()
            await client.close()
            runner.result()
        try:
            yield client
        finally:
            await client.close()
            await runner


def message_intents(content: bool) -> discord.Intents:
    intents = discord.Intents.none()
    intents.guilds = intents.guild_messages = True
    intents.message_content = content
    return intents


async def test_ready_delivers_guilds_channels_and_roles() -> None:
    async with Sandbox() as sb:
        guild = sb.guild("Book Club")
        general = sb.text_channel(guild, "general")
        forum = sb.forum(guild, "debates", tags=["open"])
        mods = sb.role(guild, "Mods")
        async with bare_client(sb, message_intents(False)) as client:
            [seen] = client.guilds
            assert (seen.id, seen.name) == (guild.id, "Book Club")
            assert seen.default_role.id == guild.id  # @everyone's id is the guild's
            assert isinstance(seen.get_channel(general.id), discord.TextChannel)
            seen_forum = seen.get_channel(forum.id)
            assert isinstance(seen_forum, discord.ForumChannel)
            assert [t.name for t in seen_forum.available_tags] == ["open"]
            assert seen.get_role(mods.id).name == "Mods"
            assert client.user.id == sb.bot_user.id
            assert client.application_id == sb.application_id


async def test_resume_after_a_forced_disconnect_delivers_missed_events_once() -> None:
    async with Sandbox() as sb:
        guild = sb.guild()
        general = sb.text_channel(guild)
        ada = sb.member(guild, "Ada")
        seen: list[str] = []
        resumed = asyncio.Event()
        async with bare_client(sb, message_intents(True)) as client:
            client.event(_record(seen))

            @client.event
            async def on_resumed() -> None:
                resumed.set()

            for i in range(3):
                await sb.say(ada, general, f"before {i}")
            await sb.gateway.force_disconnect()
            for i in range(3):  # dispatched while the client is away
                sb.world.create_message(general, ada, {"content": f"during {i}"})
            await asyncio.wait_for(resumed.wait(), 10)
            for i in range(3):
                await sb.say(ada, general, f"after {i}")
            await sb.gateway.drained()
            await asyncio.sleep(0.05)
        assert seen == [f"{when} {i}" for when in ("before", "during", "after") for i in range(3)]
        ops = [p["op"] for p in sb.gateway.received if p["op"] in (2, 6)]
        assert ops == [2, 6]  # one IDENTIFY, then a RESUME (not a second IDENTIFY)


def _record(seen: list[str]):
    async def on_message(message: discord.Message) -> None:
        seen.append(message.content)

    return on_message


async def test_message_content_is_blank_without_the_intent() -> None:
    async with Sandbox() as sb:
        guild = sb.guild()
        general = sb.text_channel(guild)
        ada = sb.member(guild, "Ada")
        seen: list[str] = []
        async with bare_client(sb, message_intents(False)) as client:
            client.event(_record(seen))
            await sb.say(ada, general, "a private thought")
            await sb.say(ada, general, f"hey <@{sb.bot_user.id}>, look")
            await asyncio.sleep(0.05)
        assert seen == ["", f"hey <@{sb.bot_user.id}>, look"]


async def test_a_privileged_intent_not_enabled_is_refused() -> None:
    async with Sandbox(message_content_allowed=False) as sb:
        sb.guild()
        with pytest.raises(discord.PrivilegedIntentsRequired):
            async with bare_client(sb, message_intents(True)):
                pass


async def test_member_pings_are_computed_and_bots_allowed_mentions_recorded() -> None:
    async with Sandbox() as sb:
        guild = sb.guild()
        general = sb.text_channel(guild)
        ada = sb.member(guild, "Ada")
        quiet = sb.role(guild, "Quiet")
        loud = sb.role(guild, "Loud", mentionable=True)
        said = await sb.say(
            ada, general, f"@everyone <@{sb.bot_user.id}> <@&{quiet.id}> <@&{loud.id}>"
        )
        # Members have no Mention Everyone here; only the mentionable role and the user ping.
        assert said.pings.users == [sb.bot_user.id]
        assert said.pings.roles == [loud.id]
        assert said.pings.everyone is False
        async with bare_client(sb, message_intents(False)) as client:
            target = client.get_channel(general.id)
            await target.send(
                f"@everyone <@{ada.id}>", allowed_mentions=discord.AllowedMentions.none()
            )
        posted = sb.bot_posts[-1]
        assert posted.allowed_mentions == {"parse": []}
        assert not posted.pings.anyone
