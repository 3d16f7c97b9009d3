"""PostgreSQL's own parts: its migrations (the same schema as SQLite's), applied once by
processes starting together, refused when newer; and the statements' translation."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path

import pytest

from storage.database import DatabaseError, Migration, SqliteDatabase, discover_migrations
from storage.dialect import to_postgres
from storage.postgres import PG_MIGRATIONS_DIR, PostgresDatabase, pg_migrations
from tests.postgres import PostgresServer, run_sql


async def _columns(url: str) -> dict[str, dict[str, str]]:
    rows = await asyncio.to_thread(
        run_sql,
        url,
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'public' AND table_name != 'roundtable_schema'",
    )
    tables: dict[str, dict[str, str]] = {}
    for table, column, kind in rows:
        tables.setdefault(str(table), {})[str(column)] = str(kind)
    return tables


JSON_COLUMNS = {
    "rounds": ("questions", "stances", "posts", "close_steps"),
    "summaries": ("body",),
    "summary_posts": ("message_ids", "shown"),
}


def _sqlite_columns(path: Path) -> dict[str, dict[str, str]]:
    with sqlite3.connect(path) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {
            name: {c[1]: c[2] for c in conn.execute("SELECT * FROM pragma_table_info(?)", (name,))}
            for name in names
        }


async def test_both_backends_have_the_same_tables_columns_and_types(
    postgres: PostgresServer, db_path: Path
) -> None:
    url = postgres.create_database()
    async with PostgresDatabase.connect(url) as pg:
        assert pg.applied_migrations == len(discover_migrations())
        assert await pg.user_version() == len(discover_migrations())
    async with SqliteDatabase.open(db_path):
        pass
    pg_tables = await _columns(url)
    sqlite_tables = _sqlite_columns(db_path)
    # SQLite's implicit rowid is a column in PostgreSQL (earlier versions are read in order).
    assert pg_tables["response_edits"].pop("rowid") == "bigint"
    assert pg_tables.keys() == sqlite_tables.keys()
    for table, columns in sqlite_tables.items():
        assert pg_tables[table].keys() == columns.keys(), table
        for column, kind in columns.items():
            # Discord's ids are 64-bit: every INTEGER must be a bigint in PostgreSQL; times and
            # JSON have their own types there (migration 009), SQLite keeps them as TEXT.
            expected = {"INTEGER": "bigint", "TEXT": "text"}[kind]
            if kind == "TEXT" and column in JSON_COLUMNS.get(table, ()):
                expected = "jsonb"
            elif kind == "TEXT" and (column.endswith("_at") or column == "occurrence"):
                expected = "timestamp with time zone"
            assert pg_tables[table][column] == expected, (table, column)


def test_migration_numbers_and_names_match() -> None:
    assert [m.name for m in pg_migrations()] == [m.name for m in discover_migrations()]
    # Where the SQL is the same, the shared file is used; PostgreSQL's own only where it differs.
    shared = {m.name for m in pg_migrations()} & {m.name for m in discover_migrations()}
    same = {
        m.name
        for m, s in zip(pg_migrations(), discover_migrations(), strict=True)
        if m.sql == s.sql
    }
    assert "008_round_indexes" in same and "009_typed_times_and_json" not in same
    assert same == shared - {p.stem for p in PG_MIGRATIONS_DIR.glob("*.sql")}


async def test_reopening_applies_nothing_and_keeps_rows(postgres: PostgresServer) -> None:
    url = postgres.create_database()
    async with PostgresDatabase.connect(url) as pg:
        async with pg.transaction() as conn:
            await conn.execute(
                "INSERT INTO guild_settings (guild_id, updated_at) VALUES (?, ?)",
                (2**62 + 7, "2026-01-01"),
            )
    async with PostgresDatabase.connect(url) as pg:
        assert pg.applied_migrations == 0
        rows = await pg.fetch_all("SELECT guild_id FROM guild_settings")
    assert [r["guild_id"] for r in rows] == [2**62 + 7]  # a 64-bit snowflake survives


async def test_processes_starting_together_migrate_once(postgres: PostgresServer) -> None:
    url = postgres.create_database()

    async def start() -> int:
        async with PostgresDatabase.connect(url) as pg:
            return pg.applied_migrations

    applied = await asyncio.gather(start(), start(), start())
    assert sorted(applied) == [0, 0, len(discover_migrations())]


async def test_database_newer_than_the_code_is_refused(postgres: PostgresServer) -> None:
    url = postgres.create_database()
    async with PostgresDatabase.connect(url):
        pass
    run_sql(url, "INSERT INTO roundtable_schema (version, name) VALUES (999, 'future')")
    with pytest.raises(DatabaseError, match=r"newer Roundtable \(schema version 999"):
        async with PostgresDatabase.connect(url):
            pass


async def test_failing_migration_leaves_nothing_half_applied(postgres: PostgresServer) -> None:
    url = postgres.create_database()
    good = Migration(1, "001_a", "CREATE TABLE a (x BIGINT);")
    bad = Migration(2, "002_b", "CREATE TABLE b (x BIGINT); INSERT INTO nowhere VALUES (1);")
    with pytest.raises(DatabaseError, match='Migration 002_b failed: relation "nowhere"'):
        async with PostgresDatabase.connect(url, migrations=[good, bad]):
            pass
    tables = await _columns(url)
    assert set(tables) == {"a"}


async def test_an_unreachable_server_is_one_clear_error(postgres: PostgresServer) -> None:
    with pytest.raises(DatabaseError, match=r"Cannot connect to PostgreSQL \(DATABASE_URL\)"):
        async with PostgresDatabase.connect("postgresql://roundtable@127.0.0.1:1/none"):
            pass


def test_placeholders_become_psycopgs_outside_quotes_and_comments() -> None:
    sql = to_postgres("SELECT '?', \"a?\" FROM t WHERE a = ? -- what?\n AND b = ?")
    assert sql == "SELECT '?', \"a?\" FROM t WHERE a = %s -- what?\n AND b = %s"
    sql = to_postgres("UPDATE t SET a = :a, b = CASE WHEN :set THEN :a END, c = 'x:y'")
    assert sql == "UPDATE t SET a = %(a)s, b = CASE WHEN %(set)s THEN %(a)s END, c = 'x:y'"
    assert to_postgres("SELECT CAST(x AS TEXT)::text") == "SELECT CAST(x AS TEXT)::text"
    # A literal % is doubled, in quotes too (psycopg reads placeholders everywhere).
    assert to_postgres("SELECT 7 % 2 WHERE n LIKE 'a%'") == "SELECT 7 %% 2 WHERE n LIKE 'a%%'"
    with pytest.raises(ValueError, match="mixes"):
        to_postgres("SELECT ? WHERE a = :a")


def test_a_json_array_of_ids_becomes_a_table_of_bigints() -> None:
    sql = to_postgres("SELECT u.value FROM json_each(?) AS u WHERE u.value > ?")
    assert sql == (
        "SELECT u.value FROM (SELECT CAST(value AS BIGINT) AS value FROM "
        "json_array_elements_text(CAST(%s AS json))) AS u WHERE u.value > %s"
    )


async def test_times_and_json_come_back_as_sqlite_keeps_them_and_compare_as_instants(
    postgres: PostgresServer,
) -> None:
    """timestamptz and jsonb in the server, the same text as SQLite's in the rows: one row
    mapper for both backends. An instant written with another offset still compares right,
    and a server whose defaults are another time zone and date style changes nothing."""
    url = postgres.create_database()
    name = url.rsplit("/", 1)[1]
    run_sql(url, f"ALTER DATABASE {name} SET TimeZone = 'America/New_York'")
    run_sql(url, f"ALTER DATABASE {name} SET DateStyle = 'SQL, DMY'")
    async with PostgresDatabase.connect(url) as pg:
        await pg.write(
            lambda c: c.execute(
                "INSERT INTO guild_settings (guild_id, updated_at) VALUES (?, ?), (?, ?)",
                (1, "2026-03-02T09:00:00+00:00", 2, "2026-03-02T10:30:00.250000+01:00"),
            )
        )
        rows = await pg.fetch_all(
            "SELECT guild_id, updated_at FROM guild_settings WHERE updated_at < ? ORDER BY 1",
            ("2026-03-02T09:45:00+00:00",),
        )
        # 10:30+01:00 is 09:30 UTC: before 09:45 UTC (as text, "10:30" would sort after it).
        assert [(r["guild_id"], r["updated_at"]) for r in rows] == [
            (1, "2026-03-02T09:00:00+00:00"),
            (2, "2026-03-02T09:30:00.250000+00:00"),
        ]
        kinds = run_sql(
            pg.url,
            "SELECT pg_typeof(questions)::text, pg_typeof(closes_at)::text FROM rounds "
            "RIGHT JOIN (SELECT 1) one ON true",
        )
        assert kinds == [("jsonb", "timestamp with time zone")]


async def test_after_the_server_restarts_reads_and_writes_work_again(
    postgres: PostgresServer,
) -> None:
    """A restart cuts every connection: the writer connects again before its next batch (so no
    write is lost or refused), the read pool replaces its connections."""
    # Its own server (the shared one stays up for the rest), durable: a commit survives the cut.
    server = PostgresServer(durable=True).start()
    try:
        async with PostgresDatabase.connect(server.create_database()) as pg:
            await pg.write(
                lambda c: c.execute(
                    "INSERT INTO guild_settings (guild_id, updated_at) VALUES (1, now())"
                )
            )
            await asyncio.to_thread(server.restart)
            for guild in (2, 3, 4):
                await pg.write(
                    lambda c, g=guild: c.execute(
                        "INSERT INTO guild_settings (guild_id, updated_at) VALUES (?, now())", (g,)
                    )
                )
            rows = await pg.fetch_all("SELECT guild_id FROM guild_settings ORDER BY 1")
            assert [r[0] for r in rows] == [1, 2, 3, 4]
    finally:
        server.stop()


async def test_a_database_of_text_times_and_json_is_converted_in_place(
    postgres: PostgresServer,
) -> None:
    """Migration 009 on a database that a bot used before it: the rows written as text (any
    offset) come back as the same instants and the same JSON, now typed."""
    url = postgres.create_database()
    before = pg_migrations()[:8]
    async with PostgresDatabase.connect(url, migrations=before) as old:
        assert await old.user_version() == 8
        await old.write(
            lambda c: c.execute(
                "INSERT INTO packs (id, guild_id, slug, title, body, sections, created_at, "
                "updated_at) VALUES (1, 5, 'p', 'P', '{}', 1, ?, ?)",
                ("2026-03-02T09:00:00+00:00", "2026-03-02T11:00:00+02:00"),
            )
        )
        await old.write(
            lambda c: c.execute(
                "INSERT INTO rounds (id, guild_id, pack_id, section_number, section_title, "
                "questions, stances, channel_id, posts, status, opened_by, opened_at, "
                "closes_at, close_steps) VALUES (1, 5, 1, 1, 'S', ?, ?, 7, ?, 'open', 9, ?, ?, "
                "'[]')",
                (
                    '["Why?", "How?"]',
                    '["Agree", "Disagree"]',
                    "[[7, 8]]",
                    "2026-03-02T09:00:00+00:00",
                    "2026-03-09T09:00:00.500000+00:00",
                ),
            )
        )
    async with PostgresDatabase.connect(url) as pg:
        assert pg.applied_migrations == len(pg_migrations()) - 8  # 009 and any later
        row = await pg.fetch_one(
            "SELECT questions, posts, opened_at, closes_at FROM rounds WHERE id = 1"
        )
        assert row is not None
        assert json.loads(row["questions"]) == ["Why?", "How?"]
        assert json.loads(row["posts"]) == [[7, 8]]
        assert (row["opened_at"], row["closes_at"]) == (
            "2026-03-02T09:00:00+00:00",
            "2026-03-09T09:00:00.500000+00:00",
        )
        pack = await pg.fetch_one("SELECT updated_at FROM packs WHERE id = 1")
        assert pack is not None and pack["updated_at"] == "2026-03-02T09:00:00+00:00"
        due = await pg.fetch_all(
            "SELECT id FROM rounds WHERE closes_at <= ?", ("2026-03-09T08:30:00-01:00",)
        )
        assert [r["id"] for r in due] == [1]  # 09:30 UTC, written another way (as text: "08:30")
    kinds = dict(
        run_sql(
            url,
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_name = 'rounds' AND column_name IN ('posts', 'closes_at')",
        )
    )
    assert kinds == {"posts": "jsonb", "closes_at": "timestamp with time zone"}


def test_many_rows_of_a_plain_insert_go_through_copy_as_written() -> None:
    """storage/postgres.py `_copy_plan`: the literal, the ON CONFLICT tail (a `%` in it kept as
    written: translated once, by the cursor) and the order of the rows; DO UPDATE stays out."""
    from storage.postgres import _copy_plan

    plan = _copy_plan(
        "INSERT INTO responses (round_id, kind, content) VALUES (?, 'reply', ?) "
        "ON CONFLICT (message_id) WHERE content LIKE '%x' DO NOTHING"
    )
    assert plan is not None
    assert plan.copy == f"COPY {plan.temp} (round_id, content, copy_n) FROM STDIN"
    assert plan.insert == (
        f"INSERT INTO responses (round_id, kind, content) SELECT round_id, 'reply', content "  # noqa: S608 (a test's expected text)
        f"FROM {plan.temp} ORDER BY copy_n ON CONFLICT (message_id) WHERE content LIKE '%x' "
        "DO NOTHING"
    )
    assert _copy_plan("INSERT INTO t (a) VALUES (?) ON CONFLICT (a) DO UPDATE SET a = 1") is None
    assert _copy_plan("UPDATE t SET a = ? WHERE b = ?") is None
