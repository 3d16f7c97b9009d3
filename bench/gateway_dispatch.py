"""How fast the sandbox's gateway dispatches events, against how fast discord.py consumes them.

    .venv/bin/python bench/gateway_dispatch.py [--events 50000]

The sandbox runs in this process; each consumer runs as its own process (the machine has two
cores), connected over 127.0.0.1:
- raw: an aiohttp websocket client that identifies and counts frames (the sandbox's own ceiling);
- discord.py: a bare discord.Client counting on_message (the baseline the target is set against).
Two ways of producing events are timed: `dispatch` (a prepared MESSAGE_CREATE payload through
the gateway: serialise, sequence, buffer, send) and `say` (a member message through the whole
World path: validation, pings, storage, intent filtering, dispatch).
Results are printed and appended to bench/results/gateway_dispatch.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sandbox import Sandbox  # noqa: E402
from sandbox.gateway import Intent  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "gateway_dispatch.md"
INTENTS = Intent.GUILDS | Intent.GUILD_MESSAGES | Intent.MESSAGE_CONTENT


# -- consumers (run as child processes) ------------------------------------------------------


async def raw_consumer(url: str, token: str, count: int) -> None:
    import aiohttp

    async with aiohttp.ClientSession() as http, http.ws_connect(url, max_msg_size=0) as ws:
        await ws.receive_json()  # HELLO
        await ws.send_json({"op": 2, "d": {"token": token, "intents": INTENTS, "properties": {}}})
        seen = 0
        first = 0.0
        async for msg in ws:
            event = json.loads(msg.data)
            if event.get("t") == "GUILD_CREATE":
                print("ready", flush=True)
            elif event.get("t") == "MESSAGE_CREATE":
                if seen == 0:
                    first = time.perf_counter()
                seen += 1
                if seen == count:
                    break
        print(f"done {seen} {time.perf_counter() - first:.6f}", flush=True)


async def discordpy_consumer(api: str, gateway: str, token: str, count: int) -> None:
    import discord
    import yarl

    discord.http.Route.BASE = api
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway)
    intents = discord.Intents.none()
    intents.guilds = intents.guild_messages = intents.message_content = True
    client = discord.Client(intents=intents, guild_ready_timeout=0.05, max_messages=None)
    state = {"seen": 0, "first": 0.0}

    @client.event
    async def on_ready() -> None:
        print("ready", flush=True)

    @client.event
    async def on_message(message: discord.Message) -> None:
        if state["seen"] == 0:
            state["first"] = time.perf_counter()
        state["seen"] += 1
        if state["seen"] == count:
            print(f"done {count} {time.perf_counter() - state['first']:.6f}", flush=True)
            await client.close()

    await client.start(token)


# -- the sandbox side --------------------------------------------------------------------------


async def run_case(consumer: str, producer: str, events: int) -> dict[str, float]:
    async with Sandbox() as sb:
        guild = sb.guild()
        channel = sb.text_channel(guild)
        ada = sb.member(guild, "Ada")
        args = ["--consumer", consumer, "--token", sb.token, "--count", str(events)]
        args += ["--api", sb.api_base, "--gateway", sb.gateway_url]
        child = await asyncio.create_subprocess_exec(
            sys.executable, __file__, *args, stdout=asyncio.subprocess.PIPE
        )
        assert child.stdout is not None
        line = await asyncio.wait_for(child.stdout.readline(), 30)
        assert line.strip() == b"ready", line
        await sb.gateway.drained()
        sample = sb.world.create_message(channel, ada, {"content": "warm-up"})
        payload = sample.to_dict(sb.base_url)
        payload["member"] = guild.members[ada.id].to_dict(with_user=False)
        # The warm-up counts as one event for the consumer.
        start = time.perf_counter()
        for i in range(events - 1):
            if producer == "dispatch":
                sb.gateway.dispatch("MESSAGE_CREATE", payload)
            else:
                sb.world.create_message(channel, ada, {"content": f"message {i}"})
            if i % 1000 == 999:
                await asyncio.sleep(0)  # let the writer run, as a live server would
        produced = time.perf_counter() - start
        await sb.gateway.drained(timeout=600)
        sent = time.perf_counter() - start
        out = await asyncio.wait_for(child.stdout.readline(), 600)
        await asyncio.wait_for(child.wait(), 30)
        _, seen, consumed = out.decode().split()
        assert int(seen) == events
        return {
            "produce_per_s": (events - 1) / produced,
            "sent_per_s": events / sent,
            "consumed_per_s": events / float(consumed),
        }


def record(lines: list[str]) -> None:
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    header = "" if RESULTS.exists() else "# Sandbox gateway dispatch benchmark\n"
    with RESULTS.open("a", encoding="utf-8") as out:
        out.write(header + "\n" + "\n".join(lines) + "\n")


async def main(events: int) -> None:
    rows = []
    for consumer in ("raw", "discord.py"):
        for producer in ("dispatch", "say"):
            r = await run_case(consumer, producer, events)
            rows.append((consumer, producer, r))
    baseline_row = next(r for c, p, r in rows if c == "discord.py" and p == "dispatch")
    baseline = baseline_row["consumed_per_s"]
    lines = [
        f"## {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {events} MESSAGE_CREATE events, "
        f"Python {platform.python_version()}, {platform.machine()}",
        "",
        "| consumer | producer | produced/s | sent by sandbox/s | consumed/s |"
        " sandbox sent ÷ discord.py consumed |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for consumer, producer, r in rows:
        lines.append(
            f"| {consumer} | {producer} | {r['produce_per_s']:,.0f} | {r['sent_per_s']:,.0f} | "
            f"{r['consumed_per_s']:,.0f} | {r['sent_per_s'] / baseline:.2f}× |"
        )
    print("\n".join(lines))
    record(lines)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--consumer")
    parser.add_argument("--token")
    parser.add_argument("--count", type=int)
    parser.add_argument("--api")
    parser.add_argument("--gateway")
    ns = parser.parse_args()
    if ns.consumer == "raw":
        asyncio.run(raw_consumer(ns.gateway, ns.token, ns.count))
    elif ns.consumer == "discord.py":
        asyncio.run(discordpy_consumer(ns.api, ns.gateway, ns.token, ns.count))
    else:
        asyncio.run(main(ns.events))
