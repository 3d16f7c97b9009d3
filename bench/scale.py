"""Scenario 6: one process at scale. Start-up to ready, and resident memory once ready, with
10, 100 and 1,000 guilds of 50 members; the bot as its own process (`bot.py run`, an empty
database) against a bare discord.py client with the same intents, in the same run.

Then a start-up after time away: 500 open rounds (one a guild) with 200 stored replies each and
5 posted in each thread while the bot was down. Measured: process start to timed work starting
(the "Caught up" line) against a start of the same bot in the same guilds with no open rounds,
the history requests to Discord before that, per thread, and after the threads were read whole
in the background; every missed reply stored."""

from __future__ import annotations

import asyncio
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.common import BotProcess, Row, median, rss_mib, sync_commands, wait_for
from sandbox import Sandbox

INTENT = {"MESSAGE_CONTENT_INTENT": "true", "LOG_LEVEL": "INFO"}


async def bare(api: str, gateway: str, token: str) -> None:
    import discord
    import yarl

    discord.http.Route.BASE = api
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway)
    intents = discord.Intents.none()
    intents.guilds = intents.guild_messages = intents.message_content = True
    client = discord.Client(intents=intents)

    @client.event
    async def on_ready() -> None:
        print("Connected as", client.user, flush=True)

    await client.start(token)


def populate(sb: Sandbox, guilds: int, members: int = 50) -> None:
    for g in range(guilds):
        guild = sb.guild(f"Guild {g}")
        sb.text_channel(guild, "general")
        for m in range(members):
            sb.member(guild, f"Member {g}-{m}")


async def one(guilds: int, which: str) -> tuple[float, float]:
    """(seconds from process start to ready, resident MiB once ready)."""
    with tempfile.TemporaryDirectory() as tmp:
        async with Sandbox() as sb:
            populate(sb, guilds)
            folder = Path(tmp)
            env = {**sb.bot_env(), **INTENT, "DATABASE_PATH": str(folder / "rt.db")}
            script = None if which == "roundtable" else ["-m", "bench.scale", "--child"]
            if script:
                script += [sb.api_base, sb.gateway_url, sb.token]
            bot = BotProcess(env, folder, script=script)
            began = time.monotonic()
            process = await bot.start()
            try:
                await wait_for(lambda: "Connected as" in bot.log.read_text("utf-8", "replace"),
                               300, f"{which} ready with {guilds} guilds")  # fmt: skip
                ready = time.monotonic() - began
                await asyncio.sleep(1.0)
                memory = rss_mib(process.pid)
            finally:
                await bot.stop()
    return ready, memory


PACK = "deepseek-r1-chinas-sputnik-moment"
CAUGHT_UP = "Caught up:"
READ_WHOLE = "threads whole in"


def _history(sb: Sandbox, since: int, *, whole: bool) -> int:
    """History requests since the `since`-th request: reading threads whole (newest first,
    before= pages) or only what is new (after= pages)."""
    asked = zip(sb.rest.requests[since:], sb.rest.queries[since:], strict=True)
    return sum(m == "GET" and p.startswith("/api/v10/channels/") and p.endswith("/messages")
               and ("after=" not in q) == whole for (m, p), q in asked)  # fmt: skip


def _replies(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM responses WHERE kind = 'reply'").fetchone()[0]


def _says(bot: BotProcess, line: str) -> Callable[[], bool]:
    return lambda: line in bot.log.read_text("utf-8", "replace")


async def _start(env: dict[str, str], folder: Path) -> tuple[BotProcess, float]:
    """The bot started in `folder` (a new one: its own log); seconds until timed work started."""
    folder.mkdir()  # noqa: ASYNC240 - an empty folder, before the bot exists
    bot = BotProcess(env, folder)
    began = time.monotonic()
    await bot.start()
    await wait_for(_says(bot, CAUGHT_UP), 600, "caught up")
    return bot, time.monotonic() - began


async def after_time_away(rounds: int, replies: int, missed: int, runs: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        async with Sandbox() as sb:
            made = []
            for g in range(rounds):
                guild = sb.guild(f"Guild {g}")
                made.append((sb.text_channel(guild, "general"), sb.owner(guild),
                             [sb.member(guild, f"Member {g}-{m}") for m in range(5)]))  # fmt: skip
            db = folder / "rt.db"
            env = {**sb.bot_env(), **INTENT, "DATABASE_PATH": str(db)}
            await sync_commands(env, folder)
            empty: list[float] = []
            for run in range(runs):  # the same guilds, no open rounds: a fresh database
                fresh = {**env, "DATABASE_PATH": str(folder / f"empty{run}.db")}
                bot, ready = await _start(fresh, folder / f"empty{run}")
                empty.append(ready)
                await bot.stop()
            bot, _ = await _start(env, folder / "setup")
            threads = []
            for general, owner, _ in made:
                reply = await sb.slash(owner, "round start", general, channel=general,
                                       pack=PACK, section=2)  # fmt: skip
                assert reply.messages[0].content.startswith("Started"), reply.messages[0]
                posts = [m for m in sb.bot_posts if m.components and m.channel_id == general.id]
                threads.append(sb.thread_of(posts[-1]))
            for n in range(replies):
                for thread, (_, _, members) in zip(threads, made, strict=True):
                    said = {"content": f"Reply {n}: a view on the reading."}
                    sb.world.create_message(thread, members[n % len(members)], said)
                if n % 10 == 9:
                    await asyncio.sleep(0)
            await wait_for(lambda: _replies(db) == rounds * replies, 600, "replies stored")
            await bot.stop()
            ready: list[float] = []
            fast: list[float] = []
            whole: list[float] = []
            stored = rounds * replies
            for run in range(runs):
                for thread, (_, _, members) in zip(threads, made, strict=True):
                    for n in range(missed):
                        said = {"content": f"Said while away, {run}.{n}."}
                        sb.world.create_message(thread, members[n % len(members)], said)
                stored += rounds * missed
                before = len(sb.rest.requests)
                bot, seconds = await _start(env, folder / f"run{run}")
                ready.append(seconds)
                await wait_for(_says(bot, READ_WHOLE), 600, "threads read whole")
                fast.append(_history(sb, before, whole=False) / rounds)
                whole.append(_history(sb, before, whole=True) / rounds)
                await bot.stop()
            lost = stored - _replies(db)
    return {"ready": ready, "empty": empty, "fast": fast, "whole": whole, "lost": lost}


async def scenario(quick: bool) -> list[Row]:
    rows: list[Row] = []
    rounds, replies, missed = (10, 20, 2) if quick else (500, 200, 5)
    away = await after_time_away(rounds, replies, missed, 1 if quick else 3)
    what = f"{rounds:,} open rounds of {replies:,} replies, {missed} missed each"
    rows += [
        Row("6 one process at scale", f"{what}: start-up to timed work", median(away["ready"]),
            "s", "the same start with no open rounds", median(away["empty"]), "≤ 2×",
            median(away["ready"]) <= 2 * median(away["empty"]), tuple(away["ready"])),
        Row("6 one process at scale", f"{what}: history requests per thread for what is new",
            median(away["fast"]), "", goal="≈ 1", met=median(away["fast"]) <= 1.1,
            runs=tuple(away["fast"])),
        Row("6 one process at scale", f"{what}: history requests per thread, read whole behind",
            median(away["whole"]), "", runs=tuple(away["whole"])),
        Row("6 one process at scale", f"{what}: missed replies lost", away["lost"], "replies",
            goal="0", met=away["lost"] == 0),
    ]  # fmt: skip
    for guilds in (10,) if quick else (10, 100, 1_000):
        runs = 1 if quick else 3
        ours = [await one(guilds, "roundtable") for _ in range(runs)]
        base = [await one(guilds, "bare") for _ in range(runs)]
        memory = median([m for _, m in ours])
        rows += [
            Row("6 one process at scale", f"{guilds:,} guilds of 50 members: start-up to ready",
                median([r for r, _ in ours]), "s", "bare discord.py client",
                median([r for r, _ in base]), runs=tuple(r for r, _ in ours)),
            Row("6 one process at scale", f"{guilds:,} guilds of 50 members: resident memory",
                memory, "MiB", "bare discord.py client", median([m for _, m in base]),
                "≤ 200 MB at 1,000 guilds" if guilds == 1_000 else "",
                memory * 1.048576 <= 200 if guilds == 1_000 else None,
                tuple(m for _, m in ours)),
        ]  # fmt: skip
    return rows


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        asyncio.run(bare(*sys.argv[2:5]))
    else:
        for row in asyncio.run(scenario("--quick" in sys.argv)):
            print(row)
