"""`python bot.py export` from the database, as a host runs it, and `python bot.py summarize`
reading its JSON back."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import jsonschema

from storage.database import Database
from tests.fixtures.discussions import GUILD, OTHER_GUILD, fixed_round

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "roundtable/exports/schema/export-2.schema.json").read_text())


def bot(*args: str, cwd: Path, db_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "bot.py"), *args],
        cwd=cwd,
        env={"DATABASE_PATH": str(db_path)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


async def test_export_then_summarize_from_the_command_line(
    db: Database, db_path: Path, tmp_path: Path
) -> None:
    round_id = await fixed_round(db)
    await fixed_round(db, guild=OTHER_GUILD, section=3)
    out = tmp_path / "exports"
    out.mkdir()
    done = bot(
        "export", "--guild", str(GUILD), "--round", str(round_id), "--format", "json",
        "-o", str(out), cwd=tmp_path, db_path=db_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    path = out / f"roundtable-round-{round_id}-everything.json"
    assert done.stdout.strip().startswith(f"Wrote {path}: 1 round, 8 answers and replies, ")
    document = json.loads(path.read_text())
    jsonschema.validate(document, SCHEMA, format_checker=jsonschema.FormatChecker())
    assert document["guild_id"] == str(GUILD)

    summary = bot("summarize", str(path), cwd=tmp_path, db_path=db_path)
    assert summary.returncode == 0, summary.stderr
    assert summary.stdout.startswith(f"# Summary · Round {round_id} · No chips for China\n")
    assert f"https://discord.com/channels/{GUILD}/" in summary.stdout

    csv = bot(
        "export", "--guild", str(GUILD), "--pack", "deepseek-r1-chinas-sputnik-moment",
        "--format", "csv", "--excel", cwd=tmp_path, db_path=db_path,
    )  # fmt: skip
    assert csv.returncode == 0, csv.stderr
    archive = tmp_path / "roundtable-pack-deepseek-r1-chinas-sputnik-moment-everything.zip"
    with zipfile.ZipFile(archive) as zf:
        assert zf.read("responses.csv").startswith(b"\xef\xbb\xbfround_id,")

    only_summaries = bot(
        "export", "--guild", str(GUILD), "--format", "json", "--include", "summaries",
        "-o", str(tmp_path / "s.json"), cwd=tmp_path, db_path=db_path,
    )  # fmt: skip
    assert only_summaries.returncode == 0, only_summaries.stderr
    again = bot("summarize", str(tmp_path / "s.json"), cwd=tmp_path, db_path=db_path)
    assert again.returncode == 1
    assert "This export holds summaries only" in again.stderr


async def test_the_cli_says_what_is_wrong(db: Database, db_path: Path, tmp_path: Path) -> None:
    theirs = await fixed_round(db, guild=OTHER_GUILD)
    wrong_guild = bot(
        "export", "--guild", str(GUILD), "--round", str(theirs), "--format", "md",
        cwd=tmp_path, db_path=db_path,
    )  # fmt: skip
    assert wrong_guild.returncode == 1
    assert wrong_guild.stderr.startswith(f"roundtable: There is no round {theirs} on this server.")
    assert list(tmp_path.glob("roundtable-*")) == []
    missing = bot(
        "export", "--guild", "1", "--format", "md", cwd=tmp_path, db_path=tmp_path / "nope.db"
    )
    assert missing.returncode == 1
    assert "There is no database at" in missing.stderr
    bad_day = bot(
        "export", "--guild", str(GUILD), "--format", "md", "--since", "tuesday",
        cwd=tmp_path, db_path=db_path,
    )  # fmt: skip
    assert bad_day.returncode == 1 and "is not a date" in bad_day.stderr


async def test_the_server_id_may_be_left_out_when_the_database_holds_one_server(
    db: Database, db_path: Path, tmp_path: Path
) -> None:
    round_id = await fixed_round(db)
    done = bot("export", "--format", "md", "-o", "all.md", cwd=tmp_path, db_path=db_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Wrote all.md: 1 round, ")
    assert f"Round {round_id}" in (tmp_path / "all.md").read_text()
    await fixed_round(db, guild=OTHER_GUILD, section=3)
    two = bot("export", "--format", "md", cwd=tmp_path, db_path=db_path)
    assert (two.returncode, two.stderr) == (
        1,
        "roundtable: This database holds the rounds of 2 servers: choose one with --guild "
        f"({min(GUILD, OTHER_GUILD)}, {max(GUILD, OTHER_GUILD)}).\n",
    )


async def test_backup_copies_the_database_while_the_bot_has_it_open(
    db: Database, db_path: Path, tmp_path: Path
) -> None:
    import sqlite3

    round_id = await fixed_round(db)  # `db` stays open, as the running bot's would
    done = bot("backup", "backups/", cwd=tmp_path, db_path=db_path)
    assert done.returncode == 0, done.stderr
    copy = tmp_path / "backups" / db_path.name
    assert done.stdout.startswith(f"Wrote backups/{db_path.name}: a copy of {db_path}, ")
    with sqlite3.connect(copy) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("SELECT id FROM rounds").fetchall() == [(round_id,)]
        answers = conn.execute("SELECT count(*) FROM responses").fetchone()[0]
    assert answers == len(await db.fetch_all("SELECT id FROM responses"))
    # The copy is a database the bot and the exporter read.
    exported = bot("export", "--format", "md", "-o", "r.md", cwd=tmp_path, db_path=copy)
    assert exported.returncode == 0, exported.stderr
    again = bot("backup", str(copy), cwd=tmp_path, db_path=db_path)
    assert (again.returncode, again.stderr) == (
        1,
        f"roundtable: {copy} exists already: name a new file.\n",
    )
