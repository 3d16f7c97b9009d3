"""Every command-line argument driven with generated values (#27): `python bot.py` as a user
runs it, with huge and negative numbers, unicode, control characters, long strings, odd dates
and paths that are folders, missing, binary or not databases. Each run ends with status 0, 1
or 2 and, when it refuses, says why in a line or two on stderr: never a traceback."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest
from hypothesis import strategies as st

from storage.database import SqliteDatabase
from tests.fixtures.discussions import GUILD, SHIPPED, fixed_round
from tests.reliability.test_fuzzed_commands import examples

ROOT = Path(__file__).resolve().parents[2]
WORDS = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "-1",
            "0",
            "99999999999999999999",
            "9999-12-31",
            "0001-01-01",
            "2026-02-30",
            "round:1",
            "--",
            "-x",
            "\u202e\u200b",
            "x" * 5000,
            "../../etc/passwd",
            "/",
            "/dev/null",
        ]
    ),
    st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=60),
    st.integers(-(2**80), 2**80).map(str),
)


def files(tmp: Path) -> dict[str, Path]:
    """Paths a user might give: missing, a folder, binary, empty, text, half a JSON."""
    made = {
        "binary": tmp / "binary.pdf",
        "empty": tmp / "empty.json",
        "text": tmp / "notes.txt",
        "half": tmp / "half.json",
        "epub": tmp / "book.epub",
    }
    made["binary"].write_bytes(bytes(range(256)) * 40)
    made["empty"].write_bytes(b"")
    made["text"].write_text("Chapter 1\n\nIt was a dark night. " * 20)
    made["half"].write_text('{"messages": [{"id": "1", "author": ')
    made["epub"].write_bytes(b"PK\x03\x04 not really a zip")
    made["folder"] = tmp
    made["missing"] = tmp / "missing" / "file.db"
    return made


def argvs(tmp: Path) -> list[list[str]]:
    paths = [str(p) for p in files(tmp).values()]
    real = [str(GUILD), "1", SHIPPED, "2026-03-01", "server"]  # what the database holds
    where = st.one_of(st.sampled_from(paths), st.sampled_from(real), WORDS)
    option = st.sampled_from(
        ["--guild", "--round", "--pack", "--series", "--since", "--until", "--server-name", "-o"]
    )
    exports = st.tuples(
        st.sampled_from(["md", "json", "csv", "html", "pdf", ""]),
        st.lists(st.tuples(option, where), max_size=3),
        st.booleans(),
    ).map(
        lambda t: (
            ["export", "--format", t[0], *[x for pair in t[1] for x in pair]]
            + (["--anonymise", "--excel"] if t[2] else [])
        )
    )
    summarize = st.tuples(
        where, st.sampled_from(["offline", "llm", "", "x"]), st.sampled_from(["md", "json", "?"])
    ).map(lambda t: ["summarize", t[0], "--engine", t[1], "--format", t[2]])
    check = st.tuples(where, st.booleans()).map(
        lambda t: ["pack", "check", t[0], *(["--json"] if t[1] else [])]
    )
    other = st.one_of(
        where.map(lambda w: ["backup", w]),
        where.map(lambda w: ["migrate-sqlite-to-postgres", w]),
        st.lists(WORDS, min_size=1, max_size=3),
    )
    drawn: list[list[str]] = []
    for strategy in (exports, summarize, check, other):
        drawn += examples(strategy, 15)
    return drawn


async def run(argv: list[str], cwd: Path, db: Path) -> tuple[int, str]:
    env = {"DATABASE_PATH": str(db), "PATH": "/usr/bin:/bin"}
    if argv[0] == "migrate-sqlite-to-postgres":  # a server that is not there
        env["DATABASE_URL"] = "postgresql://nobody@127.0.0.1:9/none"
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(ROOT / "bot.py"),
        *argv,
        env=env,
        cwd=cwd,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode is not None
    return process.returncode, err.decode(errors="replace")


@pytest.mark.timeout(900)
async def test_generated_arguments_never_end_in_a_traceback(tmp_path: Path) -> None:
    db = tmp_path / "data" / "roundtable.db"
    async with SqliteDatabase.open(db) as database:  # a real one: a closed round, a summary
        await fixed_round(database)
    cases = argvs(tmp_path)
    failures = []
    results = []
    for start in range(0, len(cases), 4):  # four at a time: each a Python process of its own
        batch = cases[start : start + 4]
        results += await asyncio.gather(*(run(a, tmp_path, db) for a in batch))
    for argv, (code, err) in zip(cases, results, strict=True):
        lines = [line for line in err.splitlines() if line.strip()]
        said = 0 < len(lines) <= 15
        if "Traceback" in err or code not in (0, 1, 2) or (code and not said):
            failures.append((argv, code, err[-600:]))
    assert not failures, failures
