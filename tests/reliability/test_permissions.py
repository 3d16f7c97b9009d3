"""Permissions (issue #14, suite 5): every moderator command, as Discord registered it, run by a
plain member with every required option filled in, is refused with the same sentence and
changes nothing; and two servers' rounds never meet."""

from __future__ import annotations

from typing import Any

from sandbox import Sandbox
from tests.harness import World

REFUSED = "This is for moderators"
# Moderator commands inside groups everyone can use (checked at run time only).
IN_OPEN_GROUPS = {"summary regenerate"}


def leaves(command: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    """(path, options) of every runnable command under a registered one."""
    subs = [o for o in command.get("options") or [] if o["type"] in (1, 2)]
    if not subs:
        return [(command["name"], command.get("options") or [])]
    found = []
    for sub in subs:
        for path, options in leaves(sub):
            found.append((f"{command['name']} {path}", options))
    return found


def filled(sb: Sandbox, world: World, options: list[dict[str, Any]]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for option in options:
        if not option.get("required"):
            continue
        kind, name = option["type"], option["name"]
        if option.get("choices"):
            values[name] = option["choices"][0]["value"]
        elif kind == 3:
            values[name] = "1"
        elif kind in (4, 10):
            values[name] = 1
        elif kind == 5:
            values[name] = False
        elif kind == 7:
            values[name] = world.general
        elif kind == 8:
            values[name] = sb.role(world.guild, f"role-{name}")
        elif kind == 11:
            values[name] = ("a.txt", b"Some text long enough to be a text.")
    return values


async def test_every_moderator_command_refuses_a_plain_member(world: World) -> None:
    sb = world.sandbox
    registered = sb.world.guild_commands.get(world.guild.id) or sb.world.global_commands
    runnable = [
        (path, options, c.get("default_member_permissions") not in (None, "0"))
        for c in registered
        for path, options in leaves(c)
    ]
    tried = []
    for path, options, hinted in runnable:
        if hinted or path in IN_OPEN_GROUPS:
            reply = await sb.slash(world.member, path, world.general, **filled(sb, world, options))
            [message] = reply.messages
            assert message.ephemeral and message.content.startswith(REFUSED), (path, message)
            tried.append(path)
    assert len(tried) == 25 and "summary regenerate" in tried and "export" in tried, tried
    for table in ("rounds", "series", "summaries", "guild_settings"):
        rows = await world.db.fetch_all(f"SELECT * FROM {table}")  # noqa: S608
        assert rows == [], table
    packs = await world.db.fetch_all("SELECT * FROM packs WHERE guild_id IS NOT NULL")
    assert packs == []


async def test_two_servers_rounds_never_meet(world: World) -> None:
    """Round numbers are global: another server's number is "not found" everywhere."""
    from tests.cogs.rounds.test_rounds import start

    sb = world.sandbox
    _, ours = await start(world)
    await sb.slash(world.owner, "round close", world.general, round=ours["id"])
    other = sb.guild("Other Club")
    channel = sb.text_channel(other, "general")
    owner = sb.owner(other)
    missing = f"There is no round {ours['id']} on this server"
    for command, options in (
        ("summary show", {"round": ours["id"]}),
        ("summary export", {"round": ours["id"], "format": "md"}),
        ("round show", {"round": ours["id"]}),
        ("round close", {"round": ours["id"]}),
        ("export", {"scope": f"round:{ours['id']}", "format": "json"}),
    ):
        reply = await sb.slash(owner, command, channel, **options)
        [message] = reply.messages
        assert message.content.startswith(missing), (command, message.content)
        assert message.attachments == [] and message.embeds == []
    offered = await sb.autocomplete(owner, "summary show", channel, focused="round", round="")
    assert offered == []
    exported = await sb.slash(owner, "export", channel, scope="server", format="md")
    assert exported.messages[0].content == "There are no rounds on this server to export yet."
