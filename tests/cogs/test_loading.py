from __future__ import annotations

import pkgutil
from collections import Counter

import discord
from discord import app_commands

import cogs
from app import build_services
from cogs import EXTENSIONS
from cogs.support.bot import RoundtableBot, build_intents
from roundtable.settings import load_settings
from storage.database import Database
from tests.conftest import FAKE_TOKEN


def _bot(db: Database, **env: str) -> RoundtableBot:
    settings = load_settings({"DISCORD_TOKEN": FAKE_TOKEN, **env})
    return RoundtableBot(settings=settings, services=build_services(settings, db))


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
        assert names == {
            "config", "pack", "round", "schedule", "privacy", "forget", "summary", "export",
            "suggest", "suggestions", "progress",
        }  # fmt: skip
        suggestions = bot.tree.get_command("suggestions")
        assert isinstance(suggestions, app_commands.Group)
        assert {c.name for c in suggestions.commands} == {"list", "review", "mine"}
        assert suggestions.default_permissions is None  # members list and vote; review checks
        export = bot.tree.get_command("export")
        assert isinstance(export, app_commands.Command)
        assert export.default_permissions == discord.Permissions(manage_guild=True)
        rounds = bot.tree.get_command("round")
        assert isinstance(rounds, app_commands.Group)
        assert rounds.default_permissions == discord.Permissions(manage_guild=True)


async def test_every_option_is_described(db: Database) -> None:
    """Discord shows "…" for an option without a description."""
    bot = _bot(db)
    async with bot:
        await bot.setup_hook()
        undescribed = []
        for command in bot.tree.walk_commands():
            if isinstance(command, app_commands.Command):
                for parameter in command.parameters:
                    if parameter.description in ("…", "", None):
                        undescribed.append(f"/{command.qualified_name} {parameter.name}")
        assert undescribed == []


async def test_the_rounds_feature_registers_and_removes_its_buttons(db: Database) -> None:
    bot = _bot(db)
    async with bot:
        await bot.setup_hook()
        registered = {pattern.pattern for pattern in bot._connection._view_store._dynamic_items}
        assert any(":respond:" in p for p in registered)
        await bot.unload_extension("cogs.rounds")
        left = {pattern.pattern for pattern in bot._connection._view_store._dynamic_items}
        assert left and all(p.startswith("rt1:sg:") for p in left)  # the suggestions' own
        assert "round" not in {c.name for c in bot.tree.get_commands()}
        await bot.unload_extension("cogs.suggestions")
        assert not bot._connection._view_store._dynamic_items
        assert "suggest" not in {c.name for c in bot.tree.get_commands()}


def test_start_up_does_not_load_matplotlib(tmp_path) -> None:
    """The chart's library loads when the first chart is drawn, not when the bot starts."""
    import subprocess
    import sys

    code = (
        "import sys, asyncio\n"
        "from tests.cogs.test_loading import _bot\n"
        "from storage.database import SqliteDatabase\n"
        "async def main():\n"
        f"    async with SqliteDatabase.open({str(tmp_path / 'db.sqlite')!r}) as db:\n"
        "        bot = _bot(db)\n"
        "        async with bot:\n"
        "            await bot.setup_hook()\n"
        "asyncio.run(main())\n"
        "print(sorted(m for m in sys.modules if m.startswith('matplotlib')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_the_chart_draws_without_pyplot() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from roundtable.summaries.chart import render_png\n"
        "from roundtable.summaries.offline import summarise\n"
        "from sandbox.debates import debate\n"
        "d = debate(40, seed=1).discussion\n"
        "assert render_png(summarise(d), d).startswith(b'\\x89PNG')\n"
        "print('matplotlib.pyplot' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


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
