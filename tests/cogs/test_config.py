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
    # Schedules, the time zone's one use, do not exist yet: it is not offered.
    assert "Time zone" not in shown
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
        thread_on_close="archive",
    )
    [message] = reply.messages
    assert message.ephemeral
    assert message.embeds[0]["title"] == "Saved"
    shown = fields(message)
    assert shown["When a round closes"].startswith("archive the thread")
    assert shown["Moderators"] == f"Manage Server, and the role <@&{mods.id}>"
    assert shown["Default channel"] == f"<#{debates.id}>"
    assert shown["Last changed"].endswith(f"by <@{world.owner.id}>")
    # The role is mentionable, yet nobody is pinged.
    assert not message.pings.anyone
    stored = await GuildSettingsRepository(world.bot.db).get(world.guild.id)
    assert (stored.moderator_role_id, stored.discussion_channel_id, stored.thread_on_close) == (
        mods.id,
        debates.id,
        "archive",
    )
    assert stored.updated_by == world.owner.id


async def test_a_plain_member_is_refused_and_nothing_changes(world: World) -> None:
    sb = world.sandbox
    for command, options in [("config show", {}), ("config set", {"thread_on_close": "keep"})]:
        reply = await sb.slash(world.member, command, world.general, **options)
        [message] = reply.messages
        assert message.ephemeral
        assert message.content == (
            "This is for moderators: you need the Manage Server permission or the server's "
            "moderator role (see /config)."
        )
        assert message.embeds == []
    stored = await GuildSettingsRepository(world.bot.db).get(world.guild.id)
    assert stored.thread_on_close == "lock" and stored.updated_at is None


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


async def test_set_offers_no_option_for_features_that_do_not_exist(world: World) -> None:
    [config] = [c for c in world.sandbox.world.global_commands if c["name"] == "config"]
    [set_] = [o for o in config["options"] if o["name"] == "set"]
    names = [o["name"] for o in set_["options"]]
    assert names == ["moderator_role", "channel", "summary_mode", "thread_on_close"]


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
    stored = await GuildSettingsRepository(world.bot.db).get(world.guild.id)
    assert stored.moderator_role_id is None


async def test_guilds_do_not_share_settings(world: World) -> None:
    sb = world.sandbox
    other = sb.guild("Other Club")
    other_general = sb.text_channel(other, "general")
    await sb.gateway.drained()
    await sb.slash(world.owner, "config set", world.general, thread_on_close="keep")
    reply = await sb.slash(sb.owner(other), "config show", other_general)
    assert fields(reply.messages[0])["When a round closes"] == "lock and archive the thread"


async def test_llm_summaries_can_be_chosen_when_an_llm_is_configured(llm_world: World) -> None:
    reply = await llm_world.sandbox.slash(
        llm_world.owner, "config set", llm_world.general, summary_mode="llm"
    )
    assert fields(reply.messages[0])["Summaries"] == "llm"
