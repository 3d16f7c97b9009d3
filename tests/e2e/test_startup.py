"""`python bot.py` as a host runs it: clear one-sentence errors, exit 2, no traceback."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.conftest import FAKE_TOKEN

ROOT = Path(__file__).resolve().parents[2]


def run_bot(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "bot.py"), *args],
        cwd=cwd,
        env=env or {},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_empty_environment_exits_2_with_one_sentence(tmp_path: Path) -> None:
    result = run_bot(cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        "roundtable: DISCORD_TOKEN is not set: put your bot's token in .env (copy .env.example) "
        'as described in the README\'s "Create the Discord application" section.\n'
    )


def test_malformed_value_in_env_file_is_named(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(f"DISCORD_TOKEN={FAKE_TOKEN}\nDEV_GUILD_ID=my-server\n")
    result = run_bot("run", cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("roundtable: DEV_GUILD_ID must be a server ID")


def test_newer_database_stops_start_up_before_connecting(tmp_path: Path) -> None:
    db = tmp_path / "rt.db"
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA user_version = 999")
    result = run_bot(cwd=tmp_path, env={"DISCORD_TOKEN": FAKE_TOKEN, "DATABASE_PATH": str(db)})
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "roundtable: The database was written by a newer Roundtable" in result.stderr


def test_help_lists_the_subcommands(tmp_path: Path) -> None:
    result = run_bot("--help", cwd=tmp_path)
    assert result.returncode == 0
    for subcommand in ("run", "sync", "pack", "summarize", "demo"):
        assert f"    {subcommand} " in result.stdout


def test_shard_flags_are_checked_before_connecting(tmp_path: Path) -> None:
    env = {"DISCORD_TOKEN": FAKE_TOKEN, "DATABASE_PATH": str(tmp_path / "rt.db")}
    cases = {
        ("--shards", "0-1"): "roundtable: --shards needs --shard-count (the total number",
        ("--shard-count", "4", "--shards", "2-5"): "roundtable: --shards 2-5 is not a range "
        "within 0-3 (--shard-count 4).",
        ("--shard-count", "4", "--shards", "x"): "roundtable: --shards must be a range like 0-3",
        ("--shard-count", "0"): "roundtable: --shard-count must be 1 or more, not 0.",
        # Part of the shards on SQLite: the other processes could not share the file.
        ("--shard-count", "2", "--shards", "0-0"): "roundtable: Several processes need one "
        "shared database: set DATABASE_URL to PostgreSQL",
    }
    for flags, message in cases.items():
        result = run_bot("run", *flags, cwd=tmp_path, env=env)
        assert (result.returncode, result.stdout) == (2, ""), flags
        assert result.stderr.startswith(message), result.stderr
        assert "Traceback" not in result.stderr
    assert not (tmp_path / "rt.db").exists()  # nothing was opened
