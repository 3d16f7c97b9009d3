"""Scenario 1 (and 7): reply capture, the bot as its own process against a bare discord.py client.

Members post into a round's thread through the sandbox as fast as it dispatches. Measured:
replies committed per second (first dispatch to the last commit), dispatch -> commit p50/p99
(commits seen by a poller every 5 ms), replies lost; then messages in a channel that is not a
round's, followed by one marker reply (the rate is up to the marker's commit). Baseline: a bare
discord.Client that counts MESSAGE_CREATE (dispatch -> on_message), same producer, same run.
Both: CPU time per reply of each process (/proc), to the last commit or on_message. Then the
same at sustained rates (1,000 and 5,000 a second, posted every 20 ms) spread over 100 servers
with a round open in each: CPU per reply against the bare client's (issue #28).
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from bench.common import (
    ROOT,
    BotProcess,
    Poller,
    Row,
    cpu_seconds,
    median,
    percentile,
    quiet,
    sync_commands,
    wait_for,
)
from sandbox import Sandbox

TEXTS = (
    "I think the export controls slowed them down only for a while; the talent was there.",
    "Fair, but the chips matter: you cannot train a frontier model on goodwill.",
    "The article skips how much of the gain came from distillation of other models.",
    "Open weights change the game more than the price does, in my view.",
)
INTENT = {"MESSAGE_CONTENT_INTENT": "true", "LOG_LEVEL": "INFO"}  # INFO: the backlog's depth
RESULTS_LOGS = Path(tempfile.gettempdir()) / "roundtable-bench"


# -- the baseline: a bare discord.py client (child process) ---------------------------------


async def bare_client(api: str, gateway: str, token: str, count: int, out: str) -> None:
    import discord
    import yarl

    discord.http.Route.BASE = api
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway)
    intents = discord.Intents.none()
    intents.guilds = intents.guild_messages = intents.message_content = True
    client = discord.Client(intents=intents)
    seen: list[float] = []

    @client.event
    async def on_ready() -> None:
        print("ready", flush=True)

    @client.event
    async def on_message(message: discord.Message) -> None:
        seen.append(time.monotonic())
        if len(seen) == count:  # its CPU time so far: the parent read it before the burst
            _save(out, {"seen": seen, "cpu": time.process_time()})
            await client.close()

    await client.start(token)


def _save(out: str, data: dict) -> None:
    Path(out).write_text(json.dumps(data))


# -- the sandbox side ------------------------------------------------------------------------


async def produce(
    sb: Sandbox, channel: object, members: list, n: int, tag: str, *, chunk: int = 200
) -> list[float]:
    """Post n member messages as fast as the sandbox dispatches (yielding every `chunk`);
    returns each one's time."""
    times = []
    for i in range(n):
        times.append(time.monotonic())
        sb.world.create_message(
            channel,  # type: ignore[arg-type]
            members[i % len(members)],
            {"content": f"{tag}{i}: {TEXTS[i % len(TEXTS)]}"},
        )
        if i % chunk == chunk - 1:
            await asyncio.sleep(0)  # the gateway's writer runs, as on a live server
    return times


class World:
    def __init__(self, sb: Sandbox, folder: Path, members: int = 50):
        self.sb = sb
        self.folder = folder
        self.guild = sb.guild("Readers")
        self.general = sb.text_channel(self.guild, "general")
        self.owner = sb.owner(self.guild)
        self.members = [sb.member(self.guild, f"Reader {n}") for n in range(members)]
        self.db = folder / "data" / "roundtable.db"
        self.env = {
            **sb.bot_env(),
            **INTENT,
            "DATABASE_PATH": str(self.db),
            "DEV_GUILD_ID": str(self.guild.id),
        }

    async def round_thread(self) -> object:
        reply = await self.sb.slash(
            self.owner, "round start", self.general, pack="deepseek-r1-chinas-sputnik-moment",
            section=2, channel=self.general,
        )  # fmt: skip
        assert reply.messages[0].content.startswith("Started"), reply.messages[0].content
        buttons = [m for m in self.sb.bot_posts if m.components][-1]
        thread = self.sb.thread_of(buttons)
        assert thread is not None
        return thread


async def bot_runs(n: int, runs: int) -> dict[str, list[float]]:
    results: dict[str, list[float]] = {
        "rate": [], "p50": [], "p99": [], "lost": [], "other": [], "cpu": []
    }  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        async with Sandbox() as sb:
            w = World(sb, Path(tmp))
            await sync_commands(w.env, w.folder)
            bot = BotProcess(w.env, w.folder)
            await bot.start()
            try:
                await sb.connected(timeout=60)
                thread = await w.round_thread()
                sql = "SELECT count(*) FROM responses WHERE kind = 'reply'"
                total = 0
                for run in range(runs):
                    pid = bot.process.pid  # type: ignore[union-attr]
                    with Poller(w.db, sql) as poll:
                        cpu = cpu_seconds(pid)
                        sent = await produce(sb, thread, w.members, n, f"t{run}-")
                        await _settle(poll, total + n)
                        results["cpu"].append((cpu_seconds(pid) - cpu) / n * 1000)
                    committed = [t for t in poll.times_of(total + n)][total:]
                    lost = total + n - poll.count
                    latencies = [c - s for s, c in zip(sent, committed, strict=False)]
                    results["rate"].append(n / (committed[-1] - sent[0]))
                    results["p50"].append(percentile(latencies, 50) * 1000)
                    results["p99"].append(percentile(latencies, 99) * 1000)
                    results["lost"].append(lost)
                    total = poll.count
                    # Messages elsewhere, then one marker reply: ignored at what rate?
                    with Poller(w.db, sql) as poll:
                        start = time.monotonic()
                        await produce(sb, w.general, w.members, n, f"o{run}-")
                        await produce(sb, thread, w.members, 1, f"m{run}-")
                        await _settle(poll, total + 1)
                    marker = poll.times_of(total + 1)[-1]
                    results["other"].append(n / (marker - start))
                    total = poll.count
            finally:
                await bot.stop()
            ours_held, library_held = bot.held_up()
            results["held_up"] = [float(ours_held)]
            results["held_up_library"] = [float(library_held)]
            deepest = re.findall(r"backlog cleared \(deepest (\d+)\)", bot.log.read_text("utf-8"))
            results["deepest"] = [float(max(map(int, deepest), default=0))]
            keep = RESULTS_LOGS / "capture-bot.log"
            keep.parent.mkdir(parents=True, exist_ok=True)
            keep.write_bytes(bot.log.read_bytes())  # the watchdog's reports, to read
    return results


async def _settle(poll: Poller, want: int, stall: float = 60.0) -> None:
    """Until `want` rows are committed, or nothing more came for `stall` seconds."""
    last, since = -1, time.monotonic()
    while poll.count < want:
        if poll.count != last:
            last, since = poll.count, time.monotonic()
        elif time.monotonic() - since > stall:
            return
        await asyncio.sleep(0.02)


async def baseline_runs(n: int, runs: int) -> dict[str, list[float]]:
    results: dict[str, list[float]] = {"rate": [], "p50": [], "p99": [], "cpu": []}
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            async with Sandbox() as sb:
                w = World(sb, Path(tmp))
                out = Path(tmp) / "seen.json"
                child = await asyncio.create_subprocess_exec(
                    sys.executable, "-m", "bench.capture", "--child", sb.api_base,
                    sb.gateway_url, sb.token, str(n), str(out), stdout=asyncio.subprocess.PIPE,
                    cwd=ROOT,
                )  # fmt: skip
                assert child.stdout is not None
                line = await asyncio.wait_for(child.stdout.readline(), 60)
                assert line.strip() == b"ready", line
                await sb.gateway.drained()
                thread = sb.world.start_thread(w.general, w.owner, "talk")
                await sb.gateway.drained()
                cpu = cpu_seconds(child.pid)
                sent = await produce(sb, thread, w.members, n, "b-")
                await wait_for(out.exists, 600, "the bare client")
                await asyncio.wait_for(child.wait(), 60)
                saved = json.loads(out.read_text())
                seen = saved["seen"]
                results["cpu"].append((saved["cpu"] - cpu) / n * 1000)
                latencies = [c - s for s, c in zip(sent, seen, strict=True)]
                results["rate"].append(n / (seen[-1] - sent[0]))
                results["p50"].append(percentile(latencies, 50) * 1000)
                results["p99"].append(percentile(latencies, 99) * 1000)
    return results


# -- sustained rates over many guilds: CPU per reply (issue #28) ---------------------------


async def paced(sb: Sandbox, threads: list, members: list[list], rate: int, seconds: float) -> int:
    """Replies at `rate` a second for `seconds`, spread over the threads (one round each, in
    as many guilds), posted every 20 ms; returns how many."""
    tick = 0.02
    per_tick = max(1, round(rate * tick))
    start = time.monotonic()
    sent = 0
    for step in range(round(seconds / tick)):
        for _ in range(per_tick):
            g = sent % len(threads)
            sb.world.create_message(
                threads[g], members[g][sent % len(members[g])],
                {"content": f"s{sent}: {TEXTS[sent % len(TEXTS)]}"},
            )  # fmt: skip
            sent += 1
        await asyncio.sleep(max(0.0, start + (step + 1) * tick - time.monotonic()))
    return sent


def _guilds(sb: Sandbox, count: int, members: int = 20) -> list[tuple]:
    out = []
    for g in range(count):
        guild = sb.guild(f"Readers {g}")
        general = sb.text_channel(guild, "general")
        owner = sb.owner(guild)
        out.append((guild, general, owner, [sb.member(guild, f"R{g}-{m}") for m in range(members)]))
    return out


async def sustained_bot(rates: Sequence[int], seconds: float, guilds: int, runs: int) -> dict:
    """The bot with a round open in each of `guilds` guilds: CPU ms per reply at each rate."""
    cpu: dict[int, list[float]] = {rate: [] for rate in rates}
    lost = 0
    with tempfile.TemporaryDirectory() as tmp:
        async with Sandbox() as sb:
            made = _guilds(sb, guilds)
            db = Path(tmp) / "data" / "roundtable.db"
            env = {**sb.bot_env(), **INTENT, "DATABASE_PATH": str(db)}
            await sync_commands(env, Path(tmp))
            bot = BotProcess(env, Path(tmp))
            await bot.start()
            try:
                await sb.connected(timeout=120)
                # Ready (all guilds in) before the rounds start: the start-up reading of open
                # rounds' threads is then over, and not measured with the replies.
                await wait_for(lambda: "Connected as" in bot.log.read_text("utf-8"), 120, "ready")
                threads = []
                for _, general, owner, _ in made:
                    reply = await sb.slash(
                        owner, "round start", general,
                        pack="deepseek-r1-chinas-sputnik-moment", section=2, channel=general,
                    )  # fmt: skip
                    assert reply.messages[0].content.startswith("Started"), reply.messages[0]
                    posts = [m for m in sb.bot_posts if m.components and m.channel_id == general.id]
                    threads.append(sb.thread_of(posts[-1]))
                sql = "SELECT count(*) FROM responses WHERE kind = 'reply'"
                pid = bot.process.pid  # type: ignore[union-attr]
                await quiet(pid)  # the start-up reading of the threads (backfill) is over
                total = 0
                for _ in range(runs):
                    for rate in rates:
                        with Poller(db, sql, every=0.05) as poll:
                            before = cpu_seconds(pid)
                            n = await paced(sb, threads, [m for *_, m in made], rate, seconds)
                            await _settle(poll, total + n)
                            cpu[rate].append((cpu_seconds(pid) - before) / n * 1000)
                        lost += total + n - poll.count
                        total = poll.count
            finally:
                await bot.stop()
    return {"cpu": cpu, "lost": lost}


async def sustained_bare(rates: Sequence[int], seconds: float, guilds: int, runs: int) -> dict:
    cpu: dict[int, list[float]] = {rate: [] for rate in rates}
    for _ in range(runs):
        for rate in rates:
            with tempfile.TemporaryDirectory() as tmp:
                async with Sandbox() as sb:
                    made = _guilds(sb, guilds)
                    n = round(seconds / 0.02) * max(1, round(rate * 0.02))
                    out = Path(tmp) / "seen.json"
                    child = await asyncio.create_subprocess_exec(
                        sys.executable, "-m", "bench.capture", "--child", sb.api_base,
                        sb.gateway_url, sb.token, str(n), str(out),
                        stdout=asyncio.subprocess.PIPE, cwd=ROOT,
                    )  # fmt: skip
                    assert child.stdout is not None
                    line = await asyncio.wait_for(child.stdout.readline(), 120)
                    assert line.strip() == b"ready", line
                    threads = [sb.world.start_thread(g, o, "talk") for _, g, o, _ in made]
                    await sb.gateway.drained()
                    before = cpu_seconds(child.pid)
                    await paced(sb, threads, [m for *_, m in made], rate, seconds)
                    await wait_for(out.exists, 600, "the bare client")
                    await asyncio.wait_for(child.wait(), 60)
                    cpu[rate].append((json.loads(out.read_text())["cpu"] - before) / n * 1000)
    return {"cpu": cpu}


async def scenario(quick: bool) -> list[Row]:
    runs = 1 if quick else 3
    sizes = (300,) if quick else (2_000, 20_000)
    rows: list[Row] = []
    for n in sizes:
        base = await baseline_runs(n, runs)
        ours = await bot_runs(n, runs)
        label = f"{n:,} replies"
        rate = median(ours["rate"])
        rows += [
            Row("1 reply capture", f"{label}: committed per second", rate, "/s",
                "bare discord.py, dispatched per second", median(base["rate"]), "≥ 0.8×",
                rate >= 0.8 * median(base["rate"]), tuple(ours["rate"])),
            Row("1 reply capture", f"{label}: dispatch → commit p50", median(ours["p50"]), "ms",
                "bare discord.py, dispatch → on_message p50", median(base["p50"]),
                runs=tuple(ours["p50"])),
            Row("1 reply capture", f"{label}: dispatch → commit p99", median(ours["p99"]), "ms",
                "bare discord.py, dispatch → on_message p99", median(base["p99"]),
                runs=tuple(ours["p99"])),
            Row("1 reply capture", f"{label}: CPU per reply (the bot's process, to its commit)",
                median(ours["cpu"]), "ms", "bare discord.py, to on_message", median(base["cpu"]),
                "≤ 1.5×", median(ours["cpu"]) <= 1.5 * median(base["cpu"]), tuple(ours["cpu"])),
            Row("1 reply capture", f"{label}: lost", max(ours["lost"]), "replies", goal="0",
                met=max(ours["lost"]) == 0),
            Row("1 reply capture", f"{n:,} messages outside round threads: handled per second",
                median(ours["other"]), "/s", "bare discord.py, dispatched per second",
                median(base["rate"]), runs=tuple(ours["other"])),
            Row("1 reply capture", f"{label}: deepest capture backlog (events waiting)",
                ours["deepest"][0], "events"),
            Row("1 reply capture", f"{label}: event loop held up > 100 ms in Roundtable's code",
                ours["held_up"][0], "times", goal="0", met=ours["held_up"][0] == 0),
            Row("1 reply capture", f"{label}: loop held up > 100 ms: discord.py on a backlog",
                ours["held_up_library"][0], "times"),
        ]  # fmt: skip
    # Sustained rates over many servers, a round open in each (#28): CPU per reply.
    guilds, rates, seconds = (10, (500,), 1.0) if quick else (100, (1_000, 5_000), 5.0)
    base = await sustained_bare(rates, seconds, guilds, runs)
    ours = await sustained_bot(rates, seconds, guilds, runs)
    for rate in rates:
        mine, bare = median(ours["cpu"][rate]), median(base["cpu"][rate])
        rows.append(
            Row("1 reply capture", f"{rate:,} replies a second for {seconds:.0f} s over {guilds} "
                "servers: CPU per reply", mine, "ms", "bare discord.py", bare, "≤ 1.5×",
                mine <= 1.5 * bare, tuple(ours["cpu"][rate]))
        )  # fmt: skip
    rows.append(
        Row("1 reply capture", f"sustained over {guilds} servers: lost", ours["lost"], "replies",
            goal="0", met=ours["lost"] == 0)
    )  # fmt: skip
    return rows


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        api, gateway, token, count, out = sys.argv[2:7]
        asyncio.run(bare_client(api, gateway, token, int(count), out))
    else:
        for row in asyncio.run(scenario("--quick" in sys.argv)):
            print(row)
