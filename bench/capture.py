"""Scenario 1 (and 7): reply capture, the bot as its own process against a bare discord.py client.

Members post into a round's thread through the sandbox as fast as it dispatches. Measured:
replies committed per second (first dispatch to the last commit), dispatch -> commit p50/p99
(commits seen by a poller every 5 ms), replies lost; then messages in a channel that is not a
round's, followed by one marker reply (the rate is up to the marker's commit). Baseline: a bare
discord.Client that counts MESSAGE_CREATE (dispatch -> on_message), same producer, same run.
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
import tempfile
import time
from pathlib import Path

from bench.common import ROOT, BotProcess, Poller, Row, median, percentile, sync_commands, wait_for
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
        if len(seen) == count:
            _save(out, seen)
            await client.close()

    await client.start(token)


def _save(out: str, seen: list[float]) -> None:
    Path(out).write_text(json.dumps(seen))


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
    results: dict[str, list[float]] = {"rate": [], "p50": [], "p99": [], "lost": [], "other": []}
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
                    with Poller(w.db, sql) as poll:
                        sent = await produce(sb, thread, w.members, n, f"t{run}-")
                        await _settle(poll, total + n)
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
    results: dict[str, list[float]] = {"rate": [], "p50": [], "p99": []}
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
                sent = await produce(sb, thread, w.members, n, "b-")
                await wait_for(out.exists, 600, "the bare client")
                await asyncio.wait_for(child.wait(), 60)
                seen = json.loads(out.read_text())
                latencies = [c - s for s, c in zip(sent, seen, strict=True)]
                results["rate"].append(n / (seen[-1] - sent[0]))
                results["p50"].append(percentile(latencies, 50) * 1000)
                results["p99"].append(percentile(latencies, 99) * 1000)
    return results


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
    return rows


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        api, gateway, token, count, out = sys.argv[2:7]
        asyncio.run(bare_client(api, gateway, token, int(count), out))
    else:
        for row in asyncio.run(scenario("--quick" in sys.argv)):
            print(row)
