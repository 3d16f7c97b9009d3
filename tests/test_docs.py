"""The README, docs/ and .env.example stay true to the code."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from cogs.support.bot import REQUIRED_PERMISSIONS
from roundtable.settings import ENV_VARIABLES

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text("utf-8")
DOCS = {p.relative_to(ROOT).as_posix(): p.read_text("utf-8") for p in (ROOT / "docs").glob("*.md")}
PAGES = {"README.md": README, **DOCS}


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
    assert "\nmake test\n" in (ROOT / ".ci" / "run").read_text("utf-8")


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

    section = DOCS["docs/scale-out.md"]
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


def test_readme_is_short_and_the_rest_is_linked() -> None:
    assert len(README.splitlines()) <= 250
    for page in ("docs/hosting.md", "docs/scale-out.md", "docs/development.md", "CHANGELOG.md"):
        assert f"]({page})" in README, page
    assert (ROOT / "LICENSE").read_text("utf-8").startswith("MIT License")


def _fenced(text: str, language: str) -> list[str]:
    return re.findall(rf"^ *```{language}\n(.*?)^ *```$", text, flags=re.MULTILINE | re.DOTALL)


def _shell_commands(block: str) -> list[list[str]]:
    """Each simple command of a shell block: continuations joined, comments dropped, split at
    && and ;, leading VAR=value assignments dropped."""
    joined = re.sub(r"\\\n\s*", " ", block)
    commands = []
    for line in joined.splitlines():
        for part in re.split(r"&&|;", line):
            words = shlex.split(part, comments=True)
            while words and re.fullmatch(r"[A-Z_]+=.*", words[0]):
                words = words[1:]
            if words:
                commands.append(words)
    return commands


def _make_targets() -> set[str]:
    makefile = (ROOT / "Makefile").read_text("utf-8")
    return set(re.findall(r"^([a-z][a-z-]*):", makefile, flags=re.MULTILINE))


def _check_cli(words: list[str], where: str) -> None:
    """`roundtable ARGS` or `python bot.py ARGS`: the real parser accepts ARGS."""
    from bot import build_parser

    if "bot.py" in words:
        args = words[words.index("bot.py") + 1 :]
    else:
        args = words[1:]
    try:
        build_parser().parse_args(args)
    except SystemExit:
        pytest.fail(f"{where}: the CLI refuses {shlex.join(words)}")


@pytest.mark.parametrize("page", sorted(PAGES))
def test_every_shell_command_shown_is_one_the_cli_and_the_makefile_accept(page: str) -> None:
    checked = 0
    for block in _fenced(PAGES[page], "sh"):
        for words in _shell_commands(block):
            if words[0].endswith("bin/roundtable") or "bot.py" in words:
                _check_cli(words, page)
                checked += 1
            elif words[0] == "make":
                assert set(words[1:]) <= _make_targets(), (page, words)
                checked += 1
    for unit in re.findall(r"^ExecStart=\S+python (bot\.py .+)$", PAGES[page], re.MULTILINE):
        _check_cli(unit.replace("%i", "0-1").split(), page)
        checked += 1
    for block in _fenced(PAGES[page], "dockerfile"):
        [cmd] = re.findall(r"^CMD (\[.*\])$", block, flags=re.MULTILINE)
        _check_cli(__import__("json").loads(cmd), page)
        checked += 1
    if page in ("README.md", "docs/hosting.md", "docs/scale-out.md", "docs/exports.md"):
        assert checked >= 1, page  # the pages that show commands still show some


def test_every_relative_link_leads_to_a_file() -> None:
    for page, text in PAGES.items():
        folder = (ROOT / page).parent
        for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", text):
            assert (folder / target).exists(), f"{page} links to {target}, which is not there"


# A measured figure: milliseconds, MiB, a ratio, a rate (a goal or a threshold, "≤ 30 ms",
# "over 100 ms", is not one). Measured figures live in bench/results and are linked, so that no
# page keeps an old figure beside a newer one.
MEASURED = re.compile(
    r"(?<![\d.,])(?<![≤≥] )(?<!over )"
    r"(\d[\d,.]* ?(ms|MiB)\b|\d(\.\d+)?×|\d[\d,]* (replies|messages|rows|answers) a second)"
)


def test_measured_figures_live_in_bench_results_only() -> None:
    for page, text in PAGES.items():
        prose = re.sub(r"^ *```.*?^ *```$", "", text, flags=re.MULTILINE | re.DOTALL)
        found = [m.group(0) for m in MEASURED.finditer(prose)]
        assert found == [], f"{page} states measured figures {found}: link bench/results instead"


def test_readme_summaries_are_what_the_summariser_writes() -> None:
    """The README's two summaries (#26) are lines the offline engine writes for the
    evaluation set's round and meeting today, links shortened to [1]."""
    from roundtable.summaries.offline import summarise
    from roundtable.summaries.render import markdown
    from tests.fixtures.evaluation import meeting, reading_round

    blocks = _fenced(README.split("## What a summary looks like", 1)[1], "markdown")[:2]
    assert len(blocks) == 2
    for block, labelled in zip(blocks, (reading_round(), meeting()), strict=True):
        written = markdown(summarise(labelled.discussion), guild_id=1, channel_id=2)
        lines = set(re.sub(r"\[(\d)\]\(https://[^)]+\)", r"[\1]", written).splitlines())
        for line in block.splitlines():
            assert line in lines, line
