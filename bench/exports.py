"""How long an export of 100,000 answers takes in each format, and how much memory it adds,
against `sqlite3 -csv` dumping the same rows from the same file in the same run.

    .venv/bin/python bench/exports.py [--answers N]      (`make bench-exports`)

The database is generated (seeded): 10 closed rounds of 10,000 answers each (4 questions,
2,500 members with display names, answers of 20-80 words, one in ten edited), with a stored
summary per round, in a real SQLite file made by our migrations. Each format is exported
`everything`, for the whole server (a digest), in a fresh process, so that its peak memory
(VmHWM) is its own; the growth is that peak less the process's memory just before the
export began. Each figure is the best of three runs. Results are printed and appended to
bench/results/exports.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

RESULTS = ROOT / "bench" / "results" / "exports.md"
GUILD = 123456789012345678
ROUNDS = 10
WORDS = (
    "chips export ban engineers efficient model cost training energy open source policy "
    "market nvidia talent compute memory china america research argument evidence claim "
    "reader author figure reported billion dollars cheaper leaner code frontier leading"
).split()


def build(path: Path, answers: int) -> None:
    """The bench database: schema by our migrations, rows by executemany."""
    from storage.database import SqliteDatabase

    async def migrate() -> None:
        async with SqliteDatabase.open(path) as db:
            from roundtable.packs.library import PackLibrary
            from storage.packs import PackRepository

            await PackLibrary(PackRepository(db)).sync_shipped()

    asyncio.run(migrate())
    rng = random.Random(7)
    conn = sqlite3.connect(path)
    pack_id = conn.execute("SELECT id FROM packs ORDER BY id LIMIT 1").fetchone()[0]
    start = datetime(2026, 11, 1, 18, tzinfo=UTC)
    members = 2_500
    conn.executemany(
        "INSERT INTO member_names (guild_id, user_id, name, updated_at) VALUES (?, ?, ?, ?)",
        [(GUILD, 10**17 + m, f"Reader {m}", start.isoformat()) for m in range(members)],
    )
    per_round = answers // ROUNDS
    message = 10**18
    for r in range(ROUNDS):
        opened = start + timedelta(days=r)
        questions = [
            f"Question {q} of round {r + 1}: what does the author claim?" for q in range(4)
        ]
        round_id = conn.execute(
            "INSERT INTO rounds (guild_id, pack_id, section_number, section_title, questions, "
            "stances, channel_id, thread_id, status, opened_by, opened_at, closed_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'closed', 1, ?, ?) RETURNING id",
            (GUILD, pack_id, 1 + r % 5, f"Section {r + 1}", json.dumps(questions),
             json.dumps(["Agree", "Disagree", "Unsure"]), 900, 901 + r, opened.isoformat(),
             (opened + timedelta(hours=3)).isoformat()),
        ).fetchone()[0]  # fmt: skip
        rows = []
        for n in range(per_round):
            message += 1
            user = 10**17 + (n // 4) % members
            text = " ".join(rng.choices(WORDS, k=rng.randint(20, 80))).capitalize() + "."
            at = (opened + timedelta(seconds=n)).isoformat()
            rows.append((round_id, GUILD, user, 1 + n % 4, text, message, at))
        conn.executemany(
            "INSERT OR IGNORE INTO responses (round_id, guild_id, user_id, kind, question, "
            "content, message_id, created_at) VALUES (?, ?, ?, 'answer', ?, ?, ?, ?)",
            rows,
        )
        conn.execute(
            "INSERT INTO response_edits (response_id, content, replaced_at) SELECT id, "
            "'An earlier version.', created_at FROM responses WHERE round_id = ? AND id % 10 = 0",
            (round_id,),
        )
        conn.executemany(
            "INSERT OR IGNORE INTO stances (round_id, guild_id, user_id, opening, current, "
            "closing, changes, updated_at) VALUES (?, ?, ?, ?, ?, ?, 0, ?)",
            [
                (round_id, GUILD, 10**17 + m, rng.choice(["Agree", "Disagree"]),
                 "Agree", "Agree", opened.isoformat())
                for m in range(0, members, 3)
            ],
        )  # fmt: skip
        cited = [rows[i][5] for i in range(0, 12, 3)]
        summary = {
            "title": f"Round {round_id}", "engine": "offline", "members": members,
            "answers": per_round, "replies": 0,
            "sections": [{"number": q + 1, "title": questions[q], "points": [
                {"text": "A representative answer.", "message_ids": [cited[q]], "members": 40,
                 "side": "mostly Agree"}]} for q in range(4)],
            "stances": {"Agree": [400, 834], "Disagree": [434, 0]}, "disagreements": [],
            "notes": [],
        }  # fmt: skip
        conn.execute(
            "INSERT INTO summaries (round_id, guild_id, engine, content_hash, body, created_at) "
            "VALUES (?, ?, 'offline', 'bench', ?, ?)",
            (round_id, GUILD, json.dumps(summary), opened.isoformat()),
        )
    conn.commit()
    conn.close()


def rss_now() -> int:
    """Resident memory now, in bytes."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize()


def peak_rss() -> int:
    """This process's peak resident memory, in bytes. VmHWM, not ru_maxrss: Linux carries
    ru_maxrss across exec, so a child of a big process (bench/run.py) would report its parent's."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def one(db_path: Path, fmt: str, out: Path) -> None:
    """Run in a child process: export once, print JSON {seconds, growth, size}."""
    from roundtable.exports.model import Request, Scope
    from roundtable.exports.service import ExportService
    from roundtable.exports.writers.html import warm_up
    from storage.database import SqliteDatabase
    from storage.exports import ExportStorage

    warm_up()  # as the bot does when it loads the exports cog
    stalls = [0.0]

    async def ticker() -> None:
        """The longest the event loop was kept from running a 5 ms timer (the bot's other
        work would wait as long)."""
        while True:
            began = time.perf_counter()
            await asyncio.sleep(0.005)
            stalls[0] = max(stalls[0], time.perf_counter() - began - 0.005)

    async def run() -> tuple[float, int]:
        async with SqliteDatabase.open(db_path) as db:
            service = ExportService(ExportStorage(db))
            before = rss_now()
            tick = asyncio.create_task(ticker())
            began = time.perf_counter()
            files, _, done = await service.write(Request(GUILD, Scope("server"), fmt), out)
            seconds = time.perf_counter() - began
            tick.cancel()
        assert done > 0
        peak = peak_rss()
        print(json.dumps({"seconds": seconds, "growth": peak - before, "stall": stalls[0],
                          "size": sum(f.stat().st_size for f in files), "rows": done}))  # fmt: skip
        return seconds, peak - before

    asyncio.run(run())


def child(db_path: Path, fmt: str) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as out:
        done = subprocess.run(
            [sys.executable, __file__, "--one", fmt, "--db", str(db_path), "--out", out],
            capture_output=True, text=True, check=True, timeout=600,
        )  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


def sqlite_dump(db_path: Path) -> tuple[float, int]:
    if shutil.which("sqlite3") is None:
        return python_dump(db_path)
    with tempfile.TemporaryFile() as sink:
        began = time.perf_counter()
        subprocess.run(
            ["sqlite3", "-csv", "-header", str(db_path),
             "SELECT r.id, r.round_id, r.kind, r.question, n.name, r.user_id, r.content, "  # noqa: S608
             "r.created_at, r.edited_at, r.message_id FROM responses r LEFT JOIN member_names n "
             "ON n.guild_id = r.guild_id AND n.user_id = r.user_id WHERE r.guild_id = "
             f"{GUILD} ORDER BY r.round_id, r.kind, r.question, r.id"],
            stdout=sink, check=True, timeout=600,
        )  # fmt: skip
        seconds = time.perf_counter() - began
        size = sink.tell()
    return seconds, size


DUMP_SQL = (
    "SELECT r.id, r.round_id, r.kind, r.question, n.name, r.user_id, r.content, r.created_at, "
    "r.edited_at, r.message_id FROM responses r LEFT JOIN member_names n ON n.guild_id = "
    "r.guild_id AND n.user_id = r.user_id WHERE r.guild_id = ? "
    "ORDER BY r.round_id, r.kind, r.question, r.id"
)


def python_dump(db_path: Path) -> tuple[float, int]:
    """The baseline where the sqlite3 command is not installed: sqlite3 + csv, no formatting."""
    import csv

    with tempfile.TemporaryFile("w+", newline="") as sink, sqlite3.connect(db_path) as conn:
        began = time.perf_counter()
        csv.writer(sink).writerows(conn.execute(DUMP_SQL, (GUILD,)))
        seconds = time.perf_counter() - began
        size = sink.tell()
    return seconds, size


async def scenario(quick: bool) -> list:
    """For bench/run.py: each format vs the plain dump, at 10,000 and 100,000 answers."""
    from bench.common import Row, median

    rows = []
    baseline = "sqlite3 -csv" if shutil.which("sqlite3") else "Python sqlite3 + csv (no CLI)"
    for answers in (2_000,) if quick else (10_000, 100_000):
        runs = 1 if quick else 3
        with tempfile.TemporaryDirectory() as folder:
            db_path = Path(folder) / "bench.db"
            await asyncio.to_thread(build, db_path, answers)
            base = median([sqlite_dump(db_path)[0] for _ in range(runs)])
            for fmt in ("csv", "json", "md", "html"):
                got = [await asyncio.to_thread(child, db_path, fmt) for _ in range(runs)]
                seconds = median([g["seconds"] for g in got])
                rows.append(
                    Row("5 exports", f"{answers:,} answers, {fmt}", seconds, "s", baseline,
                        base, "≤ 3× the dump" if answers == 100_000 else "",
                        seconds <= 3 * base if answers == 100_000 else None,
                        tuple(g["seconds"] for g in got))
                )  # fmt: skip
                rows.append(
                    Row("5 exports", f"{answers:,} answers, {fmt}: memory growth",
                        median([g["growth"] for g in got]) / 2**20, "MiB",
                        goal="≤ 50 MB", met=median([g["growth"] for g in got]) <= 50e6)
                )  # fmt: skip
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--answers", type=int, default=100_000)
    parser.add_argument("--one")
    parser.add_argument("--db", type=Path)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    if args.one:
        one(args.db, args.one, args.out)
        return
    with tempfile.TemporaryDirectory() as folder:
        db_path = Path(folder) / "bench.db"
        began = time.perf_counter()
        build(db_path, args.answers)
        print(f"built {args.answers:,} answers in {time.perf_counter() - began:.1f} s")
        base = min((sqlite_dump(db_path) for _ in range(3)), key=lambda x: x[0])
        print(f"sqlite3 -csv: {base[0]:.2f} s, {base[1] / 1e6:.1f} MB")
        rows = []
        for fmt in ("csv", "json", "md", "html"):
            best = min((child(db_path, fmt) for _ in range(3)), key=lambda x: x["seconds"])
            ratio = best["seconds"] / base[0]
            line = (
                f"| {fmt} | {best['seconds']:.2f} s | {ratio:.1f}× | "
                f"{best['growth'] / 1e6:.0f} MB | {best['stall'] * 1000:.0f} ms | "
                f"{best['size'] / 1e6:.1f} MB |"
            )
            print(line)
            rows.append(line)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    report = [
        f"## {stamp} · {args.answers:,} answers · {platform.python_version()} · "
        f"{platform.machine()}",
        "",
        f"Baseline `sqlite3 -csv` of the same rows: {base[0]:.2f} s, {base[1] / 1e6:.1f} MB.",
        "",
        "| format | time | × sqlite3 | memory growth | longest event-loop stall | file |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
        *rows,
        "",
    ]
    with RESULTS.open("a", encoding="utf-8") as f:
        f.write("\n".join(report) + "\n")


if __name__ == "__main__":
    main()
