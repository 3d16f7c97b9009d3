"""The README and .env.example stay true to the code."""

from __future__ import annotations

import re
from pathlib import Path

from cogs.support.bot import REQUIRED_PERMISSIONS
from roundtable.settings import ENV_VARIABLES

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text("utf-8")


def test_env_example_documents_every_variable() -> None:
    example = (ROOT / ".env.example").read_text("utf-8")
    assigned = set(re.findall(r"^([A-Z_]+)=", example, flags=re.MULTILINE))
    assert assigned == set(ENV_VARIABLES)


def test_readme_configuration_table_lists_every_variable() -> None:
    rows = set(re.findall(r"^\| `([A-Z_]+)` \|", README, flags=re.MULTILINE))
    assert rows == set(ENV_VARIABLES)


def test_readme_invite_url_asks_for_the_permissions_the_bot_needs() -> None:
    url = re.search(r"https://discord\.com/oauth2/authorize\S+", README)
    assert url is not None
    assert "scope=bot+applications.commands" in url.group(0)
    assert f"permissions={REQUIRED_PERMISSIONS.value}" in url.group(0)


def test_ci_runs_the_readme_test_command() -> None:
    assert "make test" in README
    assert (ROOT / ".ci" / "run").read_text("utf-8").strip().endswith("make test")


def _commands_table() -> list[str]:
    """The rows of the README's Commands table, as Markdown renders them: one block of lines."""
    section = README.split("\n## Commands\n", 1)[1].split("\n## ", 1)[0]
    lines = section.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| command |"))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break  # a blank line ends the table: rows after it render as text
        rows.append(line)
    return rows


async def test_readme_commands_table_lists_every_command_with_its_options(db) -> None:
    from discord import app_commands

    from tests.cogs.test_loading import _bot

    documented = {row.split("|")[1].strip().strip("`") for row in _commands_table()}
    bot = _bot(db)
    async with bot:
        await bot.setup_hook()
        actual = set()
        for command in bot.tree.walk_commands():
            if isinstance(command, app_commands.Command):
                options = [p.name if p.required else f"[{p.name}]" for p in command.parameters]
                actual.add(" ".join([f"/{command.qualified_name}", *options]))
    assert documented == actual


def test_readme_scale_out_examples_run_every_shard_once() -> None:
    """The systemd unit and the compose file of "Running at scale" are commands `bot.py`
    accepts, and the compose file's processes cover every shard exactly once."""
    from bot import build_parser
    from storage.shards import Shards

    section = README.split("\n## Running at scale\n", 1)[1].split("\n## ", 1)[0]
    unit = re.search(r"^ExecStart=\S+python (bot\.py .+)$", section, flags=re.MULTILINE)
    assert unit is not None
    args = build_parser().parse_args(unit.group(1).replace("%i", "0-1").split()[1:])
    assert (args.command, args.shard_count, args.shards) == ("run", 4, "0-1")

    commands = re.findall(r"&& python (bot\.py run [^\"]+)\"", section)
    assert len(commands) == 2
    covered: list[int] = []
    for command in commands:
        args = build_parser().parse_args(command.split()[1:])
        covered += Shards.parse(args.shard_count, args.shards).ids
    assert sorted(covered) == list(range(4))
