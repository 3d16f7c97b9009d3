"""`make demo`: the sandbox here, the bot as its own process, a scripted session, a transcript.

The bot is started as `make run` starts it (`python bot.py run`), pointed at the sandbox through
DISCORD_API_BASE / DISCORD_GATEWAY_URL. Exit status 0 only when every step got the response it
expects. The transcript is printed and written to data/demo/transcript.md.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from roundtable.clock import FastClock
from sandbox.demo_flows import (
    SERIES_CLOCK_AFTER_DOWNTIME,
    SERIES_CLOCK_FIRST,
    SERIES_SPEED,
    STATE,
    Cast,
    build_world,
    config_flow,
    export_flow,
    pack_flow,
    round_flow_deadline,
    round_flow_with_content,
    round_flow_without_content,
    schedule_flow,
    schedule_flow_after_downtime,
)
from sandbox.fake_openai import FakeOpenAI
from sandbox.server import Sandbox
from sandbox.transcript import Transcript, humanizer, real_now

ROOT = Path(__file__).resolve().parents[1]
OUT_DIR = Path("data/demo")

Script = Callable[[Sandbox, Transcript, Cast], Awaitable[None]]


@dataclass(frozen=True)
class Phase:
    """One run of the bot process: its settings, the flows played, what happened before it."""

    title: str
    env: dict[str, str]
    flows: tuple[Script, ...]
    llm: bool = False  # point the bot at the fake OpenAI-compatible server
    clock: datetime | None = None  # the bot's fast clock starts here (DEMO_CLOCK)
    later: timedelta | None = None  # ... or this long after the real now


PHASES = (
    Phase(
        "First run, Message Content intent off",
        {"MESSAGE_CONTENT_INTENT": "false"},
        (config_flow, pack_flow, round_flow_without_content),
    ),
    Phase(
        "The bot restarts with MESSAGE_CONTENT_INTENT=true and an OpenAI-compatible server",
        {"MESSAGE_CONTENT_INTENT": "true"},
        (round_flow_with_content,),
        llm=True,
    ),
    Phase(
        "The bot is stopped for three days, past the forum round's deadline, and starts again",
        {"MESSAGE_CONTENT_INTENT": "true"},
        (round_flow_deadline,),
        llm=True,
        later=timedelta(days=3, hours=1),  # the forum round closes three days after it opened
    ),
    Phase(
        "The bot restarts on the demo's fast clock",
        {"MESSAGE_CONTENT_INTENT": "true"},
        (schedule_flow,),
        clock=SERIES_CLOCK_FIRST,
    ),
    Phase(
        "The bot is stopped for a day and starts again, its clock two days on",
        {"MESSAGE_CONTENT_INTENT": "true"},
        (schedule_flow_after_downtime, export_flow),
        clock=SERIES_CLOCK_AFTER_DOWNTIME,
    ),
)


def _passed_on(variable: str) -> bool:
    """What the bot process inherits from the demo's environment: the shell's basics and what
    sets this machine's clock (TZ; libfaketime's when the suite runs on a shifted clock), so
    that the bot and the demo's story read the same time. Not the host's Roundtable settings."""
    return variable in ("PATH", "HOME", "LANG", "TZ", "LD_PRELOAD") or variable.startswith(
        "FAKETIME"
    )


async def _bot(args: list[str], env: dict[str, str], log: Path) -> asyncio.subprocess.Process:
    handle = log.open("ab")
    try:
        return await asyncio.create_subprocess_exec(
            sys.executable,
            str(ROOT / "bot.py"),
            *args,
            env=env,
            cwd=ROOT,
            stdout=handle,
            stderr=handle,
        )
    finally:
        handle.close()


async def run_demo(out_dir: Path) -> int:
    """Play every flow; returns the exit status. `out_dir` must exist."""
    log = out_dir / "bot.log"
    transcript = Transcript(f"Roundtable demo, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    STATE.out_dir = out_dir
    async with Sandbox() as sb, FakeOpenAI() as llm:
        transcript.human = humanizer(sb.world, lambda: transcript.now())
        cast = build_world(sb)
        with_llm = {"OPENAI_BASE_URL": llm.base_url, "OPENAI_MODEL": "demo-model"}
        # Kept after the demo, so that `roundtable export` can be tried on it; a new demo
        # starts from an empty database.
        db_path = (out_dir / "roundtable.db").resolve()
        for old in (db_path, Path(f"{db_path}-wal"), Path(f"{db_path}-shm")):
            old.unlink(missing_ok=True)
        env = {
            **{k: v for k, v in os.environ.items() if _passed_on(k)},
            **sb.bot_env(),
            "DATABASE_PATH": str(db_path),
            "LOG_LEVEL": "INFO",
        }
        transcript.note(
            f"A sandbox Discord server runs at {sb.base_url}; Roundtable runs as its own "
            "process (`python bot.py run`) pointed at it. Server *Reading Group*: Olivia "
            "(owner), Grace (Moderators role), Ada and Linus (members)."
        )
        sync = await _bot(["sync"], env, log)
        if await sync.wait() != 0:
            print(f"demo: `bot.py sync` failed, see {log}", file=sys.stderr)
            return 1
        for phase in PHASES:
            extra = with_llm if phase.llm else {}
            await _play(sb, transcript, cast, {**env, **phase.env, **extra}, log, phase)
    text = transcript.markdown()
    (out_dir / "transcript.md").write_text(text, "utf-8")
    print(text)
    print(f"Transcript written to {out_dir / 'transcript.md'}; the bot's log is {log}.")
    return 1 if transcript.failures else 0


async def _play(
    sb: Sandbox, t: Transcript, cast: Cast, env: dict[str, str], log: Path, phase: Phase
) -> None:
    t.section(phase.title)
    sb.gateway.identified.clear()
    t.now = real_now
    start = phase.clock or (real_now() + phase.later if phase.later else None)
    if start is not None:
        # The bot's clock and the story's read the same time: both count from this real moment.
        anchor = time.time()
        env = {**env, "DEMO_CLOCK": f"{start.isoformat()} x{SERIES_SPEED} from {anchor}"}
        t.now = FastClock(start, SERIES_SPEED, anchor).now
    bot = await _bot(["run"], env, log)
    try:
        await sb.connected(timeout=30)
        for flow in phase.flows:
            try:
                await flow(sb, t, cast)
            except Exception as exc:  # a broken step is a failed step, not a crash
                t.expect(False, f"{flow.__name__} raised {exc!r}")
    finally:
        bot.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(bot.wait(), 30)
    t.expect(code == 0, "the bot shut down cleanly on SIGTERM (exit status 0)")


def main(out_dir: Path = OUT_DIR) -> int:
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "bot.log").write_text("")
    return asyncio.run(run_demo(out_dir))


if __name__ == "__main__":
    sys.exit(main())
