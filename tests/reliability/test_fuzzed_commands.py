"""Every slash command's options driven with generated values (#27): huge and negative numbers,
empty and long strings, unicode and control characters, crafted RRULEs, durations, dates, time
zones and scopes. Each call must be answered within Discord's 3 s, log no traceback, hold the
event loop up no more than the watchdog's 100 ms, and a refused call must store nothing."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from sandbox import Sandbox
from tests.conftest import small_world
from tests.harness import World

SHIPPED = "deepseek-r1-chinas-sputnik-moment"
CRAFTED = [
    "FREQ=DAILY;INTERVAL=0",
    "FREQ=DAILY;INTERVAL=-1",
    "FREQ=DAILY;INTERVAL=\u00b2",
    "FREQ=DAILY\nFREQ=WEEKLY",
    "RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=31",
    "FREQ=YEARLY;BYYEARDAY=366;BYMONTH=1",
    "FREQ=MONTHLY;BYDAY=9999MO",
    "FREQ=WEEKLY;COUNT=99999999999999999999",
    "9999-12-31",
    "0001-01-01",
    "2026-02-30",
    "99999999999999999999",
    "-1",
    "1e308",
    "999999999w",
    "1d -3h",
    "24:00",
    "12:61pm",
    "Etc/GMT+14",
    "../../etc/passwd",
    "America/",
    "round:99999999999999999999",
    "round:-1",
    "round:\u00b2",
    "#\u0661\u0662",
    "series:0",
    "pack:",
    "server",
    "2026-01-01 12:00 | 1700000000 | yesterday",
    "@everyone",
    "<@&1>",
    "\x00\x1b[2J",
    "\u202e\u200b" * 50,
    "x" * 4000,
    "",
    " ",
]
TEXT = st.one_of(
    st.sampled_from(CRAFTED),
    st.text(max_size=120),
    st.text(st.characters(codec="utf-8"), min_size=1, max_size=40),
    st.integers(-(2**80), 2**80).map(str),
    st.sampled_from([SHIPPED, "daily", "weekly", "mon,thu", "19:00", "7pm", "1h", "2d"]),
)
# Values that pass, for the options a crafted value is not in at the time.
VALID = {"pack": SHIPPED, "every": "weekly", "at": "19:00", "section": 1, "scope": "server"}
# Discord itself refuses integers beyond ±2^53 and values outside an option's min/max.
NUMBER_LIMIT = 2**53
COMMANDS = [
    "config show",
    "config set",
    "config clear",
    "pack import",
    "pack list",
    "pack show",
    "pack preview",
    "pack export",
    "pack remove",
    "round start",
    "round close",
    "round list",
    "round show",
    "round cancel",
    "round reopen",
    "schedule create",
    "schedule list",
    "schedule show",
    "schedule pause",
    "schedule resume",
    "schedule skip",
    "schedule edit",
    "schedule delete",
    "summary show",
    "summary regenerate",
    "summary export",
    "export",
    "privacy",
    "forget",
    "suggest",
    "suggestions list",
    "suggestions review",
    "suggestions mine",
    "progress",
]


@pytest.fixture
async def world(sandbox: Sandbox, db_path: Path) -> AsyncIterator[World]:
    async with small_world(sandbox, db_path) as built:
        built.sandbox.role(built.guild, "Readers")
        yield built


def leaves(commands: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Each runnable command path and its options, as registered with Discord."""
    found: dict[str, list[dict[str, Any]]] = {}

    def walk(prefix: str, options: list[dict[str, Any]]) -> None:
        subs = [o for o in options if o["type"] in (1, 2)]
        if not subs:
            found[prefix] = options
        for sub in subs:
            walk(f"{prefix} {sub['name']}", sub.get("options") or [])

    for command in commands:
        if command.get("type", 1) == 1:
            walk(command["name"], command.get("options") or [])
    return found


def registered(world: World) -> dict[str, list[dict[str, Any]]]:
    sb = world.sandbox
    return leaves(sb.world.guild_commands.get(world.guild.id, []) + sb.world.global_commands)


def value_for(option: dict[str, Any], world: World) -> st.SearchStrategy[Any]:
    if option.get("choices"):
        return st.sampled_from([c["value"] for c in option["choices"]])
    kind = option["type"]
    if kind == 3:
        low, high = option.get("min_length", 0), option.get("max_length", 6000)
        return TEXT.filter(lambda s: low <= len(s) <= high)
    if kind in (4, 10):
        low = option.get("min_value", -NUMBER_LIMIT)
        high = option.get("max_value", NUMBER_LIMIT)
        edges = st.sampled_from([low, high, 0, 1, -1, 2**31, 2**63 - 1, 10**15])
        whole = st.one_of(edges.filter(lambda n: low <= n <= high), st.integers(low, high))
        return whole if kind == 4 else whole.map(float)
    if kind == 5:
        return st.booleans()
    if kind == 6:
        return st.sampled_from([world.member, world.owner])
    if kind == 7:
        return st.just(world.general)
    if kind == 8:
        return st.sampled_from(list(world.guild.roles.values()))
    if kind == 11:
        names = st.sampled_from(["a.txt", "b.md", "c.pdf", "d.epub", "e.html", "f", "..\\g.txt"])
        return st.tuples(names, st.binary(max_size=2000))
    raise AssertionError(f"no strategy for option type {kind}")


def test_the_suite_names_every_registered_command() -> None:
    """A new command must join COMMANDS (checked against the live registration below too)."""
    assert len(COMMANDS) == len(set(COMMANDS))


async def test_every_command_is_registered_as_the_suite_expects(world: World) -> None:
    assert sorted(registered(world)) == sorted(COMMANDS)


COUNTED = ("rounds", "responses", "stances", "series", "packs", "summaries", "guild_settings")
COUNTED += ("member_privacy", "member_names", "suggestions", "suggestion_votes", "member_progress")


async def counts(world: World) -> dict[str, int]:
    found = {}
    for table in COUNTED:
        row = await world.db.fetch_one(f"SELECT count(*) FROM {table}")  # noqa: S608 - our names
        assert row is not None
        found[table] = row[0]
    return found


@pytest.mark.timeout(300)
@pytest.mark.parametrize("path", COMMANDS)
async def test_generated_values_are_answered_quickly_and_never_half_stored(
    world: World, path: str, caplog: pytest.LogCaptureFixture
) -> None:
    schema = registered(world)[path]
    sb = world.sandbox
    strategies = {
        o["name"]: value_for(o, world) if o.get("required") else st.none() | value_for(o, world)
        for o in schema
    }
    caplog.set_level(logging.INFO)
    drawn_examples = examples(st.fixed_dictionaries(strategies), 12)
    # Then every crafted value in every text option, the others valid (a crafted `every` must
    # reach the rule's parser, not stop at an unknown pack).
    texts = [o["name"] for o in schema if o["type"] == 3 and not o.get("choices")]
    base = {
        o["name"]: VALID.get(o["name"], drawn_examples[0][o["name"]])
        for o in schema
        if o.get("required")
    }
    crafted = [
        {**base, name: value} for name in texts for value in CRAFTED if o_fits(schema, name, value)
    ]
    for drawn in drawn_examples + crafted:
        given_options = {k: v for k, v in drawn.items() if v is not None}
        before = await counts(world)
        seen = len(caplog.records)
        reply = await sb.slash(world.owner, path, world.general, **given_options)
        assert reply.responded_at is not None
        assert reply.responded_at - reply.created <= 3.0, f"/{path} {given_options!r}"
        records = caplog.records[seen:]
        bad = [r for r in records if r.levelno >= logging.ERROR or held_up_by_us(r)]
        assert not bad, f"/{path} {given_options!r}: {[r.getMessage() for r in bad]}"
        if any(r.getMessage().startswith("Refused") for r in records):
            assert await counts(world) == before, f"/{path} {given_options!r} stored something"


def o_fits(schema: list[dict[str, Any]], name: str, value: str) -> bool:
    """Discord refuses a string outside the option's length limits before the bot sees it."""
    option = next(o for o in schema if o["name"] == name)
    return option.get("min_length", 0) <= len(value) <= option.get("max_length", 6000)


def held_up_by_us(record: logging.LogRecord) -> bool:
    """A watchdog report naming Roundtable code (the sandbox shares this test's event loop, so
    its own socket reads and the collector's pauses are reported as library code only)."""
    return "watchdog" in record.name and "no Roundtable frame" not in record.getMessage()


def examples(strategy: st.SearchStrategy[Any], count: int) -> list[Any]:
    """`count` values drawn by Hypothesis (the same ones each run), to send one by one: the
    bot under test runs on this test's event loop, which Hypothesis cannot drive itself."""
    drawn: list[Any] = []

    @settings(
        max_examples=count,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(value: Any) -> None:
        drawn.append(value)

    collect()
    return drawn
