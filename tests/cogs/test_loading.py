from __future__ import annotations

import pkgutil
from collections import Counter

import discord
from discord import app_commands

import cogs
from cogs import EXTENSIONS
from cogs.support.bot import RoundtableBot, build_intents
from roundtable.settings import load_settings
from storage.database import Database
from tests.conftest import FAKE_TOKEN


def _bot(db: Database, **env: str) -> RoundtableBot:
    return RoundtableBot(settings=load_settings({"DISCORD_TOKEN": FAKE_TOKEN, **env}), db=db)


def test_every_cog_module_is_an_extension() -> None:
    modules = {f"cogs.{m.name}" for m in pkgutil.iter_modules(cogs.__path__) if m.name != "support"}
    assert modules == set(EXTENSIONS)


async def test_every_cog_loads_into_an_unstarted_bot(db: Database) -> None:
    bot = _bot(db)
    async with bot:
        await bot.setup_hook()
        assert set(bot.extensions) == set(EXTENSIONS)
        commands = bot.tree.get_commands()
        names = [c.name for c in commands]
        assert "config" in names
        duplicates = [n for n, count in Counter(names).items() if count > 1]
        assert duplicates == []
        for command in commands:
            if isinstance(command, app_commands.Group):
                subs = [c.name for c in command.commands]
                assert len(subs) == len(set(subs)), command.name
                assert command.guild_only, command.name
        config = bot.tree.get_command("config")
        assert isinstance(config, app_commands.Group)
        assert {c.name for c in config.commands} == {"show", "set", "clear"}
        assert config.default_permissions == discord.Permissions(manage_guild=True)
        pack = bot.tree.get_command("pack")
        assert isinstance(pack, app_commands.Group)
        assert {c.name for c in pack.commands} == {
            "import",
            "list",
            "show",
            "preview",
            "export",
            "remove",
        }
        assert pack.default_permissions == discord.Permissions(manage_guild=True)
        names = {c.name for c in commands}
        assert names == {"config", "pack", "round", "privacy", "forget", "summary"}


async def test_the_bot_pings_nobody_by_default(db: Database) -> None:
    bot = _bot(db)
    assert bot.allowed_mentions is not None
    assert bot.allowed_mentions.to_dict() == {"parse": []}


def test_intents_follow_the_setting() -> None:
    off = build_intents(load_settings({"DISCORD_TOKEN": FAKE_TOKEN}))
    on = build_intents(load_settings({"DISCORD_TOKEN": FAKE_TOKEN, "MESSAGE_CONTENT_INTENT": "1"}))
    assert (off.guilds, off.guild_messages, off.message_content, off.members) == (
        True,
        True,
        False,
        False,
    )
    assert on.message_content is True
