"""`python bot.py migrate-sqlite-to-postgres SQLITE_FILE`: a real SQLite database with rounds,
answers, replies, edits, stances, consent and a summary, copied into a real PostgreSQL; the
bot then reads the same things from it (an export is byte for byte the same), and running the
copy again doubles nothing."""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from roundtable.exports.service import ExportService
from storage.database import Database, DatabaseError, SqliteDatabase
from storage.exports import ExportStorage
from storage.migrate import TABLES, copy_sqlite_to_postgres
from storage.postgres import PostgresDatabase
from tests.fixtures.discussions import GUILD, OTHER_GUILD, fixed_round, services
from tests.postgres import PostgresServer, run_sql

ROOT = Path(__file__).resolve().parents[2]
MADE_AT = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


async def _export(db: Database, folder: Path, round_id: int) -> bytes:
    folder.mkdir()
    service = ExportService(ExportStorage(db))
    request = await service.request(GUILD, scope=f"round:{round_id}", format="json")
    files, _, _ = await service.write(request, folder, now=MADE_AT)
    (made,) = files
    return made.read_bytes()


def _counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as conn:
        return {t: conn.execute("SELECT count(*) FROM " + t).fetchone()[0] for t, _, _ in TABLES}  # noqa: S608


async def _pg_counts(url: str) -> dict[str, int]:
    return {t: run_sql(url, "SELECT count(*) FROM " + t)[0][0] for t, _, _ in TABLES}  # type: ignore[misc]  # noqa: S608


async def test_a_copied_database_reads_the_same_and_a_second_copy_doubles_nothing(
    postgres: PostgresServer, db_path: Path, tmp_path: Path
) -> None:
    async with SqliteDatabase.open(db_path) as db:
        round_id = await fixed_round(db)
        await fixed_round(db, guild=OTHER_GUILD, section=3)
        s = await services(db)
        await s.packs.sync_shipped()
        before = await _export(db, tmp_path / "sqlite", round_id)
    counts = _counts(db_path)
    assert counts["responses"] > 10 and counts["response_edits"] > 0 and counts["summaries"] == 2

    url = postgres.create_database()
    copied = await copy_sqlite_to_postgres(db_path, url)
    assert {c.table: c.rows for c in copied} == counts
    assert await _pg_counts(url) == counts

    # Again, after the SQLite file changed: the change is brought over, nothing doubled.
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE member_names SET name = 'Ada L.' WHERE name = 'Ada Lovelace'")
    again = await copy_sqlite_to_postgres(db_path, url)
    assert {c.table: c.rows for c in again} == counts
    assert await _pg_counts(url) == counts
    names = {r[0] for r in run_sql(url, "SELECT name FROM member_names")}
    assert "Ada L." in names and "Ada Lovelace" not in names

    async with PostgresDatabase.connect(url) as pg:
        assert await _export(pg, tmp_path / "postgres", round_id) == before.replace(
            b"Ada Lovelace", b"Ada L."
        )
        # New rows get new ids after the copied ones (the sequences were moved on).
        s = await services(pg)
        record, _ = await s.rounds.reserve(
            GUILD, pack_slug="deepseek-r1-chinas-sputnik-moment", section=4, channel_id=100,
            closes_in=None, by=9,
        )  # fmt: skip
        assert record.id > max(round_id, 2)
    # Once a bot wrote there, copying again (over its rows) is refused.
    with pytest.raises(DatabaseError, match=r"already has 1 row\(s\) in rounds that the SQLite"):
        await copy_sqlite_to_postgres(db_path, url)


async def test_a_postgres_database_with_other_rows_is_refused_and_left_as_it_was(
    postgres: PostgresServer, db_path: Path
) -> None:
    async with SqliteDatabase.open(db_path) as db:
        await fixed_round(db)
    url = postgres.create_database()
    async with PostgresDatabase.connect(url) as pg:  # a bot already ran on it
        s = await services(pg)
        await s.rounds.reserve(
            OTHER_GUILD, pack_slug="deepseek-r1-chinas-sputnik-moment", section=3,
            channel_id=100, closes_in=None, by=9,
        )  # fmt: skip
    before = await _pg_counts(url)
    with pytest.raises(DatabaseError, match=r"already has rows in packs and no copy"):
        await copy_sqlite_to_postgres(db_path, url)
    assert await _pg_counts(url) == before


async def test_a_missing_file_is_one_clear_error(postgres: PostgresServer, tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="There is no SQLite database at"):
        await copy_sqlite_to_postgres(tmp_path / "nope.db", postgres.create_database())
    assert not (tmp_path / "nope.db").exists()


def _bot(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "bot.py", "--env-file", "/nonexistent", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def test_the_command_copies_and_the_export_command_reads_the_copy(
    postgres: PostgresServer, db_path: Path, tmp_path: Path
) -> None:
    async def make() -> int:
        async with SqliteDatabase.open(db_path) as db:
            return await fixed_round(db)

    round_id = asyncio.run(make())
    sqlite_env = {**os.environ, "DATABASE_PATH": str(db_path)}
    pg_env = {**sqlite_env, "DATABASE_URL": postgres.create_database()}
    done = _bot("migrate-sqlite-to-postgres", str(db_path), env=pg_env)
    assert done.returncode == 0, done.stderr
    assert "responses: " in done.stdout
    assert "every table's row count matches" in done.stdout
    done = _bot("migrate-sqlite-to-postgres", str(db_path), env=pg_env)
    assert done.returncode == 0, done.stderr  # safe to run again

    # `bot.py export` from each database: the same file but for the time it was made.
    exported = []
    for name, env in (("sqlite", sqlite_env), ("postgres", pg_env)):
        out = tmp_path / f"{name}.json"
        done = _bot(
            "export", "--guild", str(GUILD), "--round", str(round_id), "--format", "json",
            "-o", str(out), env=env,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        data = json.loads(out.read_text("utf-8"))
        data.pop("exported_at")
        exported.append(data)
    assert exported[0] == exported[1]
    assert len(exported[1]["rounds"][0]["responses"]) > 5

    done = _bot("migrate-sqlite-to-postgres", str(db_path), env=sqlite_env)
    assert done.returncode == 1
    assert done.stderr.startswith("roundtable: DATABASE_URL is not set")
