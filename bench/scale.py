"""Scenario 6: one process at scale. Start-up to ready, and resident memory once ready, with
10, 100 and 1,000 guilds of 50 members; the bot as its own process (`bot.py run`, an empty
database) against a bare discord.py client with the same intents, in the same run."""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path

from bench.common import BotProcess, Row, median, rss_mib, wait_for
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


async def scenario(quick: bool) -> list[Row]:
    rows: list[Row] = []
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
