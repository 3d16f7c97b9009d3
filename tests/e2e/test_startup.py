"""`python bot.py` as a host runs it: clear one-sentence errors, exit 2, no traceback."""

from __future__ import annotations

import os
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


def test_a_reader_that_stops_early_ends_the_cli_quietly(tmp_path: Path) -> None:
    """`bot.py pack check FILE | head -1`: the reader is gone, the CLI stops without a trace."""
    op_ed = ROOT / "tests" / "fixtures" / "op_ed.txt"
    # (argparse itself ignores a failed write of --help and exits 0)
    cases = {("pack", "check", str(op_ed)): 1, ("--help",): 0, ("summarize", "--help"): 0}
    for args, code in cases.items():
        read_end, write_end = os.pipe()
        os.close(read_end)  # the reader has already gone: the first write fails with EPIPE
        try:
            result = subprocess.run(
                [sys.executable, str(ROOT / "bot.py"), *args],
                cwd=tmp_path, stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=60,
            )  # fmt: skip
        finally:
            os.close(write_end)
        assert result.stderr == "", (args, result.stderr)
        assert result.returncode == code, args


def test_a_database_path_that_is_no_database_is_one_sentence(tmp_path: Path) -> None:
    (tmp_path / "folder").mkdir()
    (tmp_path / "notes.txt").write_text("minutes of the last meeting, not a database\n" * 20)
    (tmp_path / "a-file").write_text("x")
    cases = {
        "folder": "roundtable: DATABASE_PATH folder is a folder: point it at a file in it, e.g. "
        "folder/roundtable.db.\n",
        "notes.txt": "roundtable: notes.txt (DATABASE_PATH) is not a SQLite database (file is "
        "not a database): point DATABASE_PATH at Roundtable's database, or at a new file name "
        "to start an empty one.\n",
        "a-file/rt.db": "roundtable: Cannot open the database a-file/rt.db (DATABASE_PATH): "
        "a-file is a file, not a folder.\n",
    }
    for path, sentence in cases.items():
        env = {"DISCORD_TOKEN": FAKE_TOKEN, "DATABASE_PATH": path}
        result = run_bot("run", cwd=tmp_path, env=env)
        assert (result.returncode, result.stdout, result.stderr) == (2, "", sentence), path
        exported = run_bot("export", "--guild", "1", "--format", "md", cwd=tmp_path, env=env)
        assert exported.returncode == 1 and "Traceback" not in exported.stderr, path
        assert len(exported.stderr.strip().splitlines()) == 1, exported.stderr
    assert (tmp_path / "notes.txt").read_text().startswith("minutes")  # left as it was
