"""Scenario 3 (and 7): the write path in one process, against raw sqlite3 on the same schema.
In a full run, also the growth of the cost per reply from 10,000 to 1,000,000 rows, against
raw sqlite3's own growth on the same schema.

- replies as the capture stores them (batches of 500 through the group-commit writer);
- answers as members send them (one job each, many in flight: the writer groups them);
- raw sqlite3 on a copy of the same migrated schema: `executemany` in one transaction, and one
  INSERT + COMMIT per row (same PRAGMAs: WAL, synchronous NORMAL).
"""

from __future__ import annotations

import asyncio
import sqlite3
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.common import Row, median

GUILD = 1


async def _ours(folder: Path, n: int, *, answers: bool = True) -> tuple[float, float]:
    from roundtable.rounds.capture import BATCH
    from storage.database import SqliteDatabase
    from storage.rounds import Reply, RoundRepository

    async with SqliteDatabase.open(folder / "ours.db") as db:
        round_id = await db.write(_round)
        repo = RoundRepository(db)
        now = datetime.now(UTC)
        replies = [
            Reply(GUILD, round_id, i % 50, f"reply {i}: the talent mattered more.", i + 1, None,
                  now, f"Reader {i % 50}")
            for i in range(n)
        ]  # fmt: skip
        began = time.perf_counter()
        for start in range(0, n, BATCH):
            await repo.apply_captured(replies[start : start + BATCH])
        replies_s = time.perf_counter() - began
        if not answers:
            return n / replies_s, 0.0

        began = time.perf_counter()
        window = 500  # answers in flight at once (members submitting forms)
        for start in range(0, n, window):
            await asyncio.gather(
                *(
                    repo.save_answers(GUILD, round_id, 10_000 + i, {1: f"answer {i}"})
                    for i in range(start, min(n, start + window))
                )
            )
        answers_s = time.perf_counter() - began
        count = await db.fetch_one("SELECT count(*) FROM responses")
        assert count is not None and count[0] == 2 * n, count
    return n / replies_s, n / answers_s


def _round(conn: sqlite3.Connection) -> int:
    now = datetime.now(UTC).isoformat()
    conn.execute(
        "INSERT INTO packs (guild_id, slug, title, body, sections, created_at, updated_at) "
        "VALUES (NULL, 'p', 'P', 'b', 1, ?, ?)",
        (now, now),
    )
    return int(
        conn.execute(
            "INSERT INTO rounds (guild_id, pack_id, section_number, section_title, questions, "
            "stances, channel_id, status, opened_by, opened_at) VALUES (?, 1, 1, 't', '[\"q\"]', "
            "'[]', 1, 'open', 1, ?) RETURNING id",
            (GUILD, now),
        ).fetchone()[0]
    )


async def _raw(folder: Path, n: int, *, each: bool = True) -> tuple[float, float]:
    from storage.database import SqliteDatabase

    path = folder / "raw.db"
    async with SqliteDatabase.open(path) as db:
        round_id = await db.write(_round)
    sql = (
        "INSERT INTO responses (round_id, guild_id, user_id, kind, content, message_id, "
        "created_at) VALUES (?, ?, ?, 'reply', ?, ?, ?)"
    )
    now = datetime.now(UTC).isoformat()
    rows = [(round_id, GUILD, i % 50, f"reply {i}", i + 1, now) for i in range(n)]
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous = NORMAL")
    began = time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany(sql, rows)
    conn.execute("COMMIT")
    many = n / (time.perf_counter() - began)
    if not each:
        conn.close()
        return many, 0.0
    conn.execute("DELETE FROM responses")
    began = time.perf_counter()
    for row in rows:
        conn.execute("BEGIN")
        conn.execute(sql, row)
        conn.execute("COMMIT")
    each = n / (time.perf_counter() - began)
    conn.close()
    return many, each


async def measure(n: int, runs: int) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {"replies": [], "answers": [], "many": [], "each": []}
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            replies, answers = await _ours(Path(tmp), n)
            many, each = await _raw(Path(tmp), n)
        out["replies"].append(replies)
        out["answers"].append(answers)
        out["many"].append(many)
        out["each"].append(each)
    return out


async def scenario(quick: bool) -> list[Row]:
    rows: list[Row] = []
    for n in (1_000,) if quick else (10_000, 100_000):
        m = await measure(n, 1 if quick else 3)
        many, each = median(m["many"]), median(m["each"])
        label = f"{n:,} rows"
        rows += [
            Row("3 write path", f"{label}: replies committed per second (capture batches)",
                median(m["replies"]), "/s", "raw sqlite3 executemany", many,
                runs=tuple(m["replies"])),
            Row("3 write path", f"{label}: replies committed per second (capture batches)",
                median(m["replies"]), "/s", "raw sqlite3, one INSERT + COMMIT per row", each,
                runs=tuple(m["replies"])),
            Row("3 write path", f"{label}: answers committed per second (a job each, grouped)",
                median(m["answers"]), "/s", "raw sqlite3, one INSERT + COMMIT per row", each,
                runs=tuple(m["answers"])),
        ]  # fmt: skip
    if not quick:
        rows.append(await growth_to(1_000_000))
    return rows


async def growth_to(large: int, small: int = 10_000) -> Row:
    """Cost per reply stored at `large` rows against `small` (one table, one round), the
    capture's batches and raw sqlite3's executemany on the same schema: how much of the growth
    is SQLite's own (its B-trees deepen with the rows)."""
    rates: dict[int, tuple[float, float]] = {}
    for n in (small, large):
        with tempfile.TemporaryDirectory() as tmp:
            ours, _ = await _ours(Path(tmp), n, answers=False)
            raw, _ = await _raw(Path(tmp), n, each=False)
        rates[n] = (ours, raw)
    return Row("3 write path",
               f"replies (capture batches): cost per row growth, {large:,} rows ÷ {small:,}",
               rates[small][0] / rates[large][0], "×", "raw sqlite3 executemany, same schema",
               rates[small][1] / rates[large][1], "≤ 1.1×",
               rates[small][0] / rates[large][0] <= 1.1)  # fmt: skip


if __name__ == "__main__":
    import sys

    for row in asyncio.run(scenario("--quick" in sys.argv)):
        print(row)
