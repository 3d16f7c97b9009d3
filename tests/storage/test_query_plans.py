"""Every statement the hot paths run is served by an index: it costs what the round costs, not
what the guild (or the whole database) ever stored. Checked with SQLite's own EXPLAIN QUERY PLAN
on the statements actually run (traced, with their values) against a database with many
guilds, rounds and responses. (PostgreSQL gets the same indexes from the same migrations.)"""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime

from roundtable.exports.service import ExportService
from storage.database import Database
from storage.exports import ExportStorage
from storage.rounds import Delete, Edit, Reply
from tests.fixtures.discussions import ADA, BOB, GUILD, THREAD, fixed_round, services

BIG_TABLES = ("responses", "stances", "response_edits", "rounds", "summaries", "member_names")
FULL_SCAN = re.compile(rf"^SCAN ({'|'.join(BIG_TABLES)})\b(?: USING (?:COVERING )?INDEX (\w+))?")
# Orderings SQLite sorts in a temporary B-tree, allowed where the rows sorted are few by
# nature: a guild's rounds for /round list (open ones first), a guild's few packs.
SORT_ALLOWED = ("ORDER BY status = 'open' DESC", "FROM packs ")
SKIP = re.compile(r"^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|PRAGMA|INSERT INTO \w+ \()", re.I)


async def _crowd(db: Database) -> None:
    """Other guilds' rounds and a lot of responses, so that a query walking the guild or the
    table would show in its plan."""

    def fill(conn: sqlite3.Connection) -> None:
        now = datetime.now(UTC).isoformat()
        pack = conn.execute("SELECT id FROM packs LIMIT 1").fetchone()[0]
        for guild in range(1, 31):
            for section in range(1, 8):
                round_id = conn.execute(
                    "INSERT INTO rounds (guild_id, pack_id, section_number, section_title, "
                    "questions, stances, channel_id, thread_id, status, opened_by, opened_at) "
                    "VALUES (?, ?, ?, 't', '[]', '[]', 1, ?, 'closed', 1, ?) RETURNING id",
                    (guild, pack, section, guild * 1000 + section, now),
                ).fetchone()[0]
                conn.executemany(
                    "INSERT INTO responses (round_id, guild_id, user_id, kind, content, "
                    "message_id, created_at) VALUES (?, ?, ?, 'reply', 'text', ?, ?)",
                    [(round_id, guild, n % 40, round_id * 10_000 + n, now) for n in range(200)],
                )

    await db.write(fill)


async def test_hot_statements_use_indexes(sqlite_db: Database) -> None:
    # SQLite's planner only: PostgreSQL's picks a sequential scan on small tables by design
    # (cost-based), so the same check there would say nothing about large ones.
    db = sqlite_db
    round_id = await fixed_round(db)
    await _crowd(db)
    s = await services(db)
    statements: list[str] = []
    await db.trace(statements.append)

    # A member answers, changes stance, replies, edits, deletes, withdraws; an open round.
    record, _ = await s.rounds.reserve(
        GUILD,
        pack_slug="deepseek-r1-chinas-sputnik-moment",
        section=4,
        channel_id=1,
        closes_in="1h",
        by=9,
    )
    record = await s.rounds.posted(record, thread_id=THREAD + 4, posts=[(1, 2)])
    await s.rounds.answer(GUILD, record.id, ADA, {1: "an answer"}, name="Ada")
    await s.rounds.answer(GUILD, record.id, ADA, {1: "a changed answer"}, name="Ada")
    await s.rounds.stance(GUILD, record.id, BOB, 0, name="Bob")
    now = datetime.now(UTC)
    await s.rounds.apply_captured(
        [
            Reply(GUILD, record.id, BOB, "a reply", 9001, None, now, "Bob"),
            Reply(GUILD, record.id, ADA, "another", 9002, 9001, now, "Ada"),
            Edit(GUILD, 9001, "an edited reply"),
            Delete(GUILD, 9002),
        ]
    )
    await s.rounds.mine(GUILD, record.id, ADA)
    await s.rounds.withdraw(GUILD, record.id, ADA)
    # /round list, the timer, /summary show, a close, an export of the closed round.
    await s.rounds.page(GUILD, page=1, size=10)
    await s.rounds.count(GUILD)
    await s.rounds.next_wake()
    await s.rounds.close_next_due(now)
    await s.summaries.latest(GUILD, round_id)
    plan = await s.rounds.close(GUILD, record.id, by=9)
    await s.summaries.make(plan.record, engine="offline")
    service = ExportService(ExportStorage(db))
    (db.path.parent / "export").mkdir()
    request = await service.request(GUILD, scope=f"round:{round_id}", format="json")
    await service.write(request, db.path.parent / "export")
    await db.trace(None)

    # As planned right after the migrations, and with the statistics `PRAGMA optimize` keeps.
    checked, problems = _plans(db, statements)
    await db.write(lambda conn: conn.execute("ANALYZE"))
    problems += _plans(db, statements)[1]
    assert checked > 25  # the paths above really ran their statements
    assert problems == []


def _plans(db: Database, statements: list[str]) -> tuple[int, list[str]]:
    checked = 0
    problems = []
    with sqlite3.connect(db.path) as conn:
        # Scanning a partial index (the open rounds with a deadline, the pending closes) reads
        # only the rows it holds: that is what it is for.
        partial = {
            name
            for name, sql in conn.execute("SELECT name, sql FROM sqlite_master WHERE type='index'")
            if sql and " WHERE " in sql
        }
        for sql in dict.fromkeys(statements):
            if SKIP.match(sql):
                continue
            details = [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql)]
            checked += 1
            for detail in details:
                sorting = "TEMP B-TREE" in detail and not any(a in sql for a in SORT_ALLOWED)
                scan = FULL_SCAN.match(detail)
                if (scan and scan.group(2) not in partial) or sorting:
                    problems.append(f"{detail}  <-  {sql[:160]}")
    return checked, problems


async def test_no_index_of_a_big_table_is_the_start_of_another(sqlite_db: Database) -> None:
    """#28: every index is updated on every insert (a captured reply pays for each): one whose
    columns begin another's, over the same rows, serves no query the longer one does not."""
    redundant = []
    for table in BIG_TABLES:
        indexes = {}
        for index in await sqlite_db.fetch_all(f"PRAGMA index_list({table})"):
            if index["origin"] != "c" or index["unique"]:
                continue  # a key or a constraint, not a choice
            sql = await sqlite_db.fetch_one(
                "SELECT sql FROM sqlite_master WHERE name = ?", (index["name"],)
            )
            where = sql["sql"].partition(" WHERE ")[2] if sql and sql["sql"] else ""
            columns = [c["name"] for c in await sqlite_db.fetch_all(
                f"PRAGMA index_info({index['name']})"
            )]  # fmt: skip
            indexes[index["name"]] = (tuple(columns), where)
        for name, (columns, where) in indexes.items():
            for other, (longer, other_where) in indexes.items():
                if other != name and where == other_where and longer[: len(columns)] == columns:
                    redundant.append(f"{table}.{name} begins {other}")
    assert redundant == []
