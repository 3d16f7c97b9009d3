"""Scenario 8: scale-out. Reply capture and interaction latency with the database on PostgreSQL
against SQLite, and with two bot processes (one shard each) against one, side by side in one run.

Each configuration gets a fresh sandbox of GUILDS guilds, half on each of its two shards, and a
fresh database in which every guild has a daily series due a few seconds after the bots start
(so every guild has a round with a thread, posted by the process that owns it). Then:
- capture: replies spread evenly over every guild's thread, as fast as the sandbox dispatches;
  committed per second (first dispatch to the last commit, commits seen by a poller every 5 ms)
  and dispatch -> commit p99 (n-th commit against n-th dispatch);
- clicks: "Agree" on the round of each guild in turn, one at a time, idle; what a member waits
  for (the sandbox's creation of the interaction to the bot's first response), p50 and p99;
- clicks during a burst elsewhere: BURST replies poured into one guild's thread while members
  of the guilds on the other shard click "Agree" every 20 ms (with two processes, another
  process serves them), p50 and p99.
Configurations: SQLite, one process | PostgreSQL, one process | PostgreSQL, two processes
(`--shard-count 2 --shards 0-0` and `--shards 1-1`). PostgreSQL is a local server started by the
benchmark with its default durability (fsync on), like SQLite's WAL with synchronous=NORMAL.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.capture import TEXTS, _settle
from bench.common import ROOT, BotProcess, Poller, Row, median, percentile
from bench.interactions import waited
from roundtable.packs.library import PackLibrary
from sandbox import Channel, Message, Sandbox, User
from sandbox.gateway import shard_of
from storage.database import open_database
from storage.packs import PackRepository
from storage.series import NewSeries, SeriesRepository
from tests.postgres import PostgresServer

SHIPPED = "deepseek-r1-chinas-sputnik-moment"
LEAD = 12.0  # seconds from scheduling to the rounds' posting: the bots connect meanwhile
DISCORD_EPOCH_MS = 1420070400000


@dataclass
class Config:
    name: str
    postgres: bool
    processes: int


CONFIGS = (
    Config("SQLite, one process", False, 1),
    Config("PostgreSQL, one process", True, 1),
    Config("PostgreSQL, two processes", True, 2),
)


@dataclass
class Guild:
    id: int
    channel: Channel
    member: User
    post: Message | None = None
    thread: Channel | None = None


async def _schedule(path: Path, url: str | None, guilds: list[Guild], due: datetime) -> None:
    async with open_database(path, url) as db:
        packs = PackLibrary(PackRepository(db))
        await packs.sync_shipped()
        pack, _ = await packs.load(guilds[0].id, SHIPPED)
        repo = SeriesRepository(db)
        for g in guilds:
            await repo.create(
                NewSeries(
                    guild_id=g.id, pack_id=pack.id, channel_id=g.channel.id, every="daily",
                    rule="FREQ=DAILY", starts_on=due.date(), at=due.time().replace(microsecond=0),
                    timezone="UTC", round_minutes=None, remind_minutes=None, ping_role_id=None,
                    catch_up="latest", loop=False, next_section=1, next_at=due, created_by=1,
                ),
                now=datetime.now(UTC),
            )  # fmt: skip


async def one_run(
    config: Config,
    server: PostgresServer | None,
    guilds_n: int,
    replies: int,
    clicks: int,
    burst: int,
) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        async with Sandbox(shard_count=2) as sb:
            sb.response_timeout = 60
            start_ms = int(time.time() * 1000) - DISCORD_EPOCH_MS - 10**6
            guilds = []
            for i in range(guilds_n):
                guild = sb.guild(f"Group {i}", guild_id=((start_ms + i) << 22) | 1)
                guilds.append(
                    Guild(guild.id, sb.text_channel(guild, "general"), sb.member(guild, "Reader"))
                )
            path = folder / "data" / "roundtable.db"
            url = server.create_database() if server else None
            due = datetime.now(UTC) + timedelta(seconds=LEAD)
            await _schedule(path, url, guilds, due)
            env = {
                **sb.bot_env(),
                "DATABASE_PATH": str(path),
                "MESSAGE_CONTENT_INTENT": "true",
                "LOG_LEVEL": "WARNING",
                **({"DATABASE_URL": url} if url else {}),
            }
            bots = []
            for n in range(config.processes):
                script = [str(ROOT / "bot.py"), "run"]
                if config.processes > 1:
                    script += ["--shard-count", "2", "--shards", f"{n}-{n}"]
                (folder / f"p{n}").mkdir()
                bots.append(BotProcess(env, folder / f"p{n}", script=script))
            try:
                for bot in bots:
                    await bot.start()
                await sb.eventually(
                    lambda: all(_post(sb, g) for g in guilds), timeout=LEAD + 120, what="rounds"
                )
                for g in guilds:
                    g.post = _post(sb, g)
                    g.thread = sb.thread_of(g.post)
                measured = await _measure(sb, guilds, url or path, replies, clicks)
                return measured | await _during_burst(sb, guilds, burst)
            finally:
                for bot in bots:
                    await bot.stop()


def _post(sb: Sandbox, g: Guild) -> Message | None:
    """The round's message with its buttons, once its thread is open."""
    posts = [m for m in sb.messages(g.channel) if m.components and m.embeds and m.thread_id]
    return posts[0] if posts else None


async def _measure(
    sb: Sandbox, guilds: list[Guild], db: Path | str, replies: int, clicks: int
) -> dict[str, float]:
    sql = "SELECT count(*) FROM responses WHERE kind = 'reply'"
    with Poller(db, sql) as poll:
        sent = []
        for i in range(replies):
            g = guilds[i % len(guilds)]
            sent.append(time.monotonic())
            sb.world.create_message(
                g.thread,  # type: ignore[arg-type]
                g.member,
                {"content": f"r{i}: {TEXTS[i % len(TEXTS)]}"},
            )
            if i % 200 == 199:
                await asyncio.sleep(0)  # the gateway's writers run, as on a live server
        await _settle(poll, replies)
    committed = poll.times_of(replies)
    latencies = [c - s for s, c in zip(sent, committed, strict=False)]
    waits = []
    for k in range(clicks):
        g = guilds[k % len(guilds)]
        assert g.post is not None
        waits.append(waited(await sb.click(g.member, g.post, sb.button(g.post, "Agree"))))
    return {
        "rate": replies / (committed[-1] - sent[0]) if committed else 0.0,
        "p99": percentile(latencies, 99) * 1000,
        "lost": float(replies - poll.count),
        "click_p50": percentile(waits, 50),
        "click_p99": percentile(waits, 99),
    }


async def _during_burst(sb: Sandbox, guilds: list[Guild], burst: int) -> dict[str, float]:
    hot = guilds[0]
    others = [g for g in guilds if shard_of(g.id, 2) != shard_of(hot.id, 2)]

    async def pour() -> None:
        for i in range(burst):
            sb.world.create_message(
                hot.thread,  # type: ignore[arg-type]
                hot.member,
                {"content": f"b{i}: {TEXTS[i % len(TEXTS)]}"},
            )
            if i % 50 == 49:
                await asyncio.sleep(0)

    producer = asyncio.create_task(pour())
    clicking: list[asyncio.Task[Any]] = []
    k = 0
    while not producer.done():
        g = others[k % len(others)]
        assert g.post is not None
        clicking.append(asyncio.create_task(sb.click(g.member, g.post, sb.button(g.post, "Agree"))))
        k += 1
        await asyncio.sleep(0.02)
    await producer
    waits = []
    for task in clicking:
        try:
            waits.append(waited(await task))
        except Exception:  # not answered within the sandbox's timeout
            waits.append(float("inf"))
    return {"busy_p50": percentile(waits, 50), "busy_p99": percentile(waits, 99)}


async def scenario(quick: bool) -> list[Row]:
    runs = 1 if quick else 3
    guilds, replies, clicks, burst = (4, 200, 8, 300) if quick else (20, 6_000, 200, 10_000)
    server = PostgresServer(durable=True).start()
    try:
        results: dict[str, list[dict[str, float]]] = {c.name: [] for c in CONFIGS}
        for _ in range(runs):
            for config in CONFIGS:  # interleaved: each run measures all three on the same load
                results[config.name].append(
                    await one_run(
                        config, server if config.postgres else None, guilds, replies, clicks, burst
                    )
                )
    finally:
        server.stop()

    def med(name: str, key: str) -> tuple[float, tuple[float, ...]]:
        values = tuple(r[key] for r in results[name])
        return median(values), values

    sqlite, pg, two = (c.name for c in CONFIGS)
    label = f"{replies:,} replies over {guilds} guilds"
    rows: list[Row] = []
    for name, base in ((pg, sqlite), (two, pg)):
        rate, rate_runs = med(name, "rate")
        base_rate = med(base, "rate")[0]
        goal = "≥ 0.8×" if name == pg else ""  # issue #28: PostgreSQL capture against SQLite's
        rows += [
            Row("8 scale-out", f"{name}: {label}, committed per second", rate, "/s",
                f"{base}", base_rate, goal, rate >= 0.8 * base_rate if goal else None,
                runs=rate_runs),
            Row("8 scale-out", f"{name}: {label}, dispatch → commit p99", med(name, "p99")[0],
                "ms", f"{base}", med(base, "p99")[0], runs=med(name, "p99")[1]),
            Row("8 scale-out", f"{name}: {label}, lost",
                max(r["lost"] for r in results[name]), "replies", goal="0",
                met=max(r["lost"] for r in results[name]) == 0),
            Row("8 scale-out", f"{name}: Agree clicked, p50", med(name, "click_p50")[0], "ms",
                f"{base}", med(base, "click_p50")[0], runs=med(name, "click_p50")[1]),
            Row("8 scale-out", f"{name}: Agree clicked, p99", med(name, "click_p99")[0], "ms",
                f"{base}", med(base, "click_p99")[0], runs=med(name, "click_p99")[1]),
            Row("8 scale-out", f"{name}: Agree clicked on the other shard during a {burst:,}-reply "
                "burst, p50", med(name, "busy_p50")[0], "ms", f"{base}", med(base, "busy_p50")[0],
                runs=med(name, "busy_p50")[1]),
            Row("8 scale-out", f"{name}: Agree clicked on the other shard during a {burst:,}-reply "
                "burst, p99", med(name, "busy_p99")[0], "ms", f"{base}", med(base, "busy_p99")[0],
                runs=med(name, "busy_p99")[1]),
        ]  # fmt: skip
    return rows


if __name__ == "__main__":
    for row in asyncio.run(scenario("--quick" in sys.argv)):
        print(row)
