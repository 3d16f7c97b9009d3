"""The bot as its own process, started exactly as `make run` starts it, against the sandbox."""

from __future__ import annotations

import asyncio
import re
import signal
import sqlite3
import sys
from pathlib import Path

import pytest

from sandbox import Sandbox

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.process


async def bot_process(*args: str, env: dict[str, str], cwd: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        str(ROOT / "bot.py"),
        *args,
        env=env,
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def test_sync_then_run_then_sigterm(sandbox: Sandbox, tmp_path: Path) -> None:
    guild = sandbox.guild("Reading Group")
    general = sandbox.text_channel(guild)
    owner = sandbox.owner(guild)
    db = tmp_path / "data" / "roundtable.db"
    env = {**sandbox.bot_env(), "DATABASE_PATH": str(db), "DEV_GUILD_ID": str(guild.id)}

    sync = await bot_process("sync", env=env, cwd=tmp_path)
    out, err = await asyncio.wait_for(sync.communicate(), 60)
    assert sync.returncode == 0, err.decode()
    assert (
        out.decode().strip()
        == f"Synced 11 command(s) to guild {guild.id}: /config, /export, /forget, /pack, "
        "/privacy, /progress, /round, /schedule, /suggest, /suggestions, /summary"
    )
    assert [c["name"] for c in sandbox.world.guild_commands[guild.id]] == [
        "config",
        "pack",
        "round",
        "schedule",
        "privacy",
        "forget",
        "summary",
        "export",
        "suggestions",
        "suggest",
        "progress",
    ]
    assert sandbox.world.global_commands == []

    run = await bot_process("run", env=env, cwd=tmp_path)
    try:
        await sandbox.connected(timeout=30)
        reply = await sandbox.slash(owner, "config set", general, thread_on_close="keep")
        assert reply.messages[0].embeds[0]["title"] == "Saved"
    finally:
        run.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(run.communicate(), 30)
    log = err.decode()
    assert run.returncode == 0, log
    assert "Traceback" not in log
    # Closed cleanly: the WAL was folded back and the row is in the file.
    assert not Path(f"{db}-wal").exists() or Path(f"{db}-wal").stat().st_size == 0
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT thread_on_close FROM guild_settings").fetchall() == [("keep",)]


async def test_a_token_the_server_refuses_stops_start_up(sandbox: Sandbox, tmp_path: Path) -> None:
    env = {
        **sandbox.bot_env(),
        "DISCORD_TOKEN": "refused-token-for-tests.not-a-secret.yyyyyyyyyyyyyyyyyyyyyyyy",
        "DATABASE_PATH": str(tmp_path / "rt.db"),
    }
    run = await bot_process("run", env=env, cwd=tmp_path)
    _, err = await asyncio.wait_for(run.communicate(), 60)
    assert run.returncode == 2
    assert "roundtable: Discord refused DISCORD_TOKEN" in err.decode()
    assert "Traceback" not in err.decode()


async def test_discord_out_of_reach_at_start_up_is_one_sentence(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    """No network, a name that does not resolve, Discord answering 5xx: one sentence, exit 2."""
    base = {"DATABASE_PATH": str(tmp_path / "rt.db"), **sandbox.bot_env()}
    sandbox.rest.fail("GET", "/users/@me", 503, times=100)
    cases = {
        "connection refused": (
            {"DISCORD_API_BASE": "http://127.0.0.1:9/api/v10"},
            "roundtable: Cannot reach http://127.0.0.1:9/api/v10 (Cannot connect to host "
            "127.0.0.1:9",
        ),
        "no such host": (
            {"DISCORD_API_BASE": "http://roundtable-test.invalid/api/v10"},
            "roundtable: Cannot reach http://roundtable-test.invalid/api/v10 (",
        ),
        "Discord down": ({}, "roundtable: Discord answered 503 (Service Unavailable) at log-in"),
    }
    for name, (env, sentence) in cases.items():
        run = await bot_process("run", env={**base, **env}, cwd=tmp_path)
        out, err = await asyncio.wait_for(run.communicate(), 60)
        log = err.decode()
        assert (run.returncode, out) == (2, b""), (name, log)
        assert "Traceback" not in log, name
        [last] = [line for line in log.splitlines() if line.startswith("roundtable:")]
        assert last.startswith(sentence), (name, last)
        assert last.endswith(("then start the bot again.", "in a few minutes.")), last
        assert "voice will NOT be supported" not in log  # the bot never uses voice


async def test_a_second_bot_on_the_same_database_refuses_to_start(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    """`make run` typed while the service already runs: both processes received every command
    and ran the timed work (#27). The second now stops with one sentence naming the first;
    `sync` beside it still works; once the first stops, the second starts."""
    guild = sandbox.guild("Reading Group")
    env = {
        **sandbox.bot_env(),
        "DATABASE_PATH": str(tmp_path / "roundtable.db"),
        "DEV_GUILD_ID": str(guild.id),
    }
    first = await bot_process("run", env=env, cwd=tmp_path)
    try:
        await sandbox.connected(timeout=30)
        second = await bot_process("run", env=env, cwd=tmp_path)
        out, err = await asyncio.wait_for(second.communicate(), 60)
        log = err.decode()
        assert (second.returncode, out) == (2, b""), log
        assert "Traceback" not in log
        [said] = [line for line in log.splitlines() if line.startswith("roundtable:")]
        assert re.fullmatch(
            rf"roundtable: \S+:{first.pid} runs the whole bot \(started without --shards\) on "
            r"this database: stop it before starting another \(if it has stopped, its lease "
            r"lapses in \d+ s\)\.",
            said,
        ), said
        sync = await bot_process("sync", env=env, cwd=tmp_path)
        _, err = await asyncio.wait_for(sync.communicate(), 60)
        assert sync.returncode == 0, err.decode()
        assert first.returncode is None
    finally:
        first.send_signal(signal.SIGTERM)
        await asyncio.wait_for(first.communicate(), 30)
    sandbox.gateway.identified.clear()
    again = await bot_process("run", env=env, cwd=tmp_path)
    try:
        await sandbox.connected(timeout=30)
    finally:
        again.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(again.communicate(), 30)
    assert again.returncode == 0, err.decode()
