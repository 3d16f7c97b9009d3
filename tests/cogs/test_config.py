"""/config end to end: real discord.py, real HTTP and websocket to the sandbox."""

from __future__ import annotations

from sandbox import Message, Perm
from storage.guild_settings import GuildSettingsRepository
from tests.harness import World


def fields(message: Message) -> dict[str, str]:
    return {f["name"]: f["value"] for f in message.embeds[0]["fields"]}


async def test_show_lists_the_defaults_privately(world: World) -> None:
    reply = await world.sandbox.slash(world.owner, "config show", world.general)
    [message] = reply.messages
    assert message.ephemeral
    assert message.embeds[0]["title"] == "Roundtable settings"
    shown = fields(message)
    assert shown["Time zone"] == "UTC"
    assert shown["Summaries"] == "offline"
    assert shown["Moderators"] == "Manage Server, and the role none"
    assert shown["Default channel"] == "not set: /round start needs a channel option"
    assert message.allowed_mentions == {"parse": []}
    assert not message.pings.anyone


async def test_set_stores_and_shows_the_change(world: World) -> None:
    sb = world.sandbox
    mods = sb.role(world.guild, "Moderators", mentionable=True)
    debates = sb.forum(world.guild, "debates")
    reply = await sb.slash(
        world.owner,
        "config set",
        world.general,
        moderator_role=mods,
        channel=debates,
        timezone="europe/paris",
    )
    [message] = reply.messages
    assert message.ephemeral
    assert message.embeds[0]["title"] == "Saved"
    shown = fields(message)
    assert shown["Time zone"] == "Europe/Paris"
    assert shown["Moderators"] == f"Manage Server, and the role <@&{mods.id}>"
    assert shown["Default channel"] == f"<#{debates.id}>"
    assert shown["Last changed"].endswith(f"by <@{world.owner.id}>")
    # The role is mentionable, yet nobody is pinged.
    assert not message.pings.anyone
    stored = await GuildSettingsRepository(world.db).get(world.guild.id)
    assert (stored.moderator_role_id, stored.discussion_channel_id, stored.timezone) == (
        mods.id,
        debates.id,
        "Europe/Paris",
    )
    assert stored.updated_by == world.owner.id


async def test_a_plain_member_is_refused_and_nothing_changes(world: World) -> None:
    sb = world.sandbox
    for command, options in [("config show", {}), ("config set", {"timezone": "Asia/Tokyo"})]:
        reply = await sb.slash(world.member, command, world.general, **options)
        [message] = reply.messages
        assert message.ephemeral
        assert message.content == (
            "This is for moderators: you need the Manage Server permission or the server's "
            "moderator role (see /config)."
        )
        assert message.embeds == []
    assert (await GuildSettingsRepository(world.db).get(world.guild.id)).timezone == "UTC"


async def test_the_moderator_role_grants_access(world: World) -> None:
    sb = world.sandbox
    mods = sb.role(world.guild, "Moderators")
    helper = sb.member(world.guild, "Grace", roles=[mods])
    refused = await sb.slash(helper, "config show", world.general)
    assert refused.messages[0].content.startswith("This is for moderators")
    await sb.slash(world.owner, "config set", world.general, moderator_role=mods)
    allowed = await sb.slash(helper, "config show", world.general)
    assert allowed.messages[0].embeds[0]["title"] == "Roundtable settings"


async def test_manage_server_without_ownership_is_enough(world: World) -> None:
    sb = world.sandbox
    admins = sb.role(world.guild, "Admins", Perm.MANAGE_GUILD)
    admin = sb.member(world.guild, "Linus", roles=[admins])
    reply = await sb.slash(admin, "config show", world.general)
    assert reply.messages[0].embeds[0]["title"] == "Roundtable settings"


async def test_a_direct_message_is_refused(world: World) -> None:
    sb = world.sandbox
    reply = await sb.slash(world.owner, "config show", sb.dm(world.owner))
    [message] = reply.messages
    assert message.ephemeral
    assert message.content == "This command works only in a server, not in direct messages."


async def test_bad_timezone_gets_a_clear_message_and_stores_nothing(world: World) -> None:
    sb = world.sandbox
    reply = await sb.slash(world.owner, "config set", world.general, timezone="Paris")
    [message] = reply.messages
    assert message.ephemeral
    assert message.content == (
        "Paris is not an IANA time zone such as Europe/Paris or America/New_York. "
        "Did you mean Europe/Paris?"
    )
    rows = await world.db.fetch_all("SELECT * FROM guild_settings")
    assert rows == []


async def test_llm_summaries_are_refused_without_an_llm(world: World) -> None:
    reply = await world.sandbox.slash(world.owner, "config set", world.general, summary_mode="llm")
    assert reply.messages[0].content.startswith("LLM summaries need the bot's host")


async def test_set_without_options_says_what_to_give(world: World) -> None:
    reply = await world.sandbox.slash(world.owner, "config set", world.general)
    assert reply.messages[0].content.startswith("Nothing to change: give at least one option")


async def test_clear_unsets_the_role(world: World) -> None:
    sb = world.sandbox
    mods = sb.role(world.guild, "Moderators")
    await sb.slash(world.owner, "config set", world.general, moderator_role=mods)
    reply = await sb.slash(world.owner, "config clear", world.general, setting="moderator_role")
    assert fields(reply.messages[0])["Moderators"] == "Manage Server, and the role none"
    stored = await GuildSettingsRepository(world.db).get(world.guild.id)
    assert stored.moderator_role_id is None


async def test_timezone_autocomplete_offers_matching_zones(world: World) -> None:
    choices = await world.sandbox.autocomplete(
        world.owner, "config set", world.general, focused="timezone", timezone="new york"
    )
    assert choices == [{"name": "America/New_York", "value": "America/New_York"}]
    many = await world.sandbox.autocomplete(
        world.owner, "config set", world.general, focused="timezone", timezone="a"
    )
    assert len(many) == 25


async def test_guilds_do_not_share_settings(world: World) -> None:
    sb = world.sandbox
    other = sb.guild("Other Club")
    other_general = sb.text_channel(other, "general")
    await sb.gateway.drained()
    await sb.slash(world.owner, "config set", world.general, timezone="Asia/Tokyo")
    reply = await sb.slash(sb.owner(other), "config show", other_general)
    assert fields(reply.messages[0])["Time zone"] == "UTC"


async def test_llm_summaries_can_be_chosen_when_an_llm_is_configured(llm_world: World) -> None:
    reply = await llm_world.sandbox.slash(
        llm_world.owner, "config set", llm_world.general, summary_mode="llm"
    )
    assert fields(reply.messages[0])["Summaries"] == "llm"
