"""Scale-out for real: two bot processes (`python bot.py run --shard-count 2 --shards 0-0` and
`--shards 1-1`) on one PostgreSQL, against a sandbox of 200 guilds that routes each guild's
events to its shard. Every guild's scheduled round is posted exactly once, by the process that
owns the guild; members' answers in every guild are stored; exports of every guild are whole."""

from __future__ import annotations

import asyncio
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bench.common import BotProcess
from roundtable.exports.service import ExportService
from roundtable.packs.library import PackLibrary
from sandbox import Channel, Message, Sandbox
from sandbox.gateway import shard_of
from storage.exports import ExportStorage
from storage.packs import PackRepository
from storage.postgres import PostgresDatabase
from storage.series import NewSeries, SeriesRepository
from tests.postgres import PostgresServer

pytestmark = pytest.mark.process
ROOT = Path(__file__).resolve().parents[2]

GUILDS = 200
SHIPPED = "deepseek-r1-chinas-sputnik-moment"
POSTED = re.compile(r"Series (\d+) posted round (\d+) in guild (\d+)")


def _round_post(sb: Sandbox, channel: Channel) -> list[Message]:
    return [m for m in sb.messages(channel) if m.components and m.embeds]


async def _schedule(url: str, guilds: list[tuple[int, int]], due: datetime) -> None:
    """One daily series per guild, its first round due at `due` (as /schedule would save it)."""
    async with PostgresDatabase.connect(url) as db:
        packs = PackLibrary(PackRepository(db))
        await packs.sync_shipped()
        pack, _ = await packs.load(guilds[0][0], SHIPPED)
        repo = SeriesRepository(db)
        for guild_id, channel_id in guilds:
            await repo.create(
                NewSeries(
                    guild_id=guild_id, pack_id=pack.id, channel_id=channel_id, every="daily",
                    rule="FREQ=DAILY", starts_on=due.date(), at=due.time().replace(microsecond=0),
                    timezone="UTC", round_minutes=None, remind_minutes=None, ping_role_id=None,
                    catch_up="latest", loop=False, next_section=1, next_at=due, created_by=1,
                ),
                now=datetime.now(UTC),
            )  # fmt: skip


@pytest.mark.timeout(300)
async def test_two_processes_with_disjoint_shards_share_one_postgres(
    postgres: PostgresServer, tmp_path: Path
) -> None:
    url = postgres.create_database()
    async with Sandbox(shard_count=2) as sb:
        start_ms = int(datetime(2026, 1, 1, tzinfo=UTC).timestamp() * 1000) - 1420070400000
        worlds = []
        for i in range(GUILDS):
            # Ids one millisecond apart: the shards alternate, as real ids spread over both.
            guild = sb.guild(f"Group {i}", guild_id=((start_ms + i) << 22) | 1)
            worlds.append((guild, sb.text_channel(guild, "general"), sb.member(guild, f"M{i}")))
        by_shard = [sum(shard_of(g.id, 2) == s for g, _, _ in worlds) for s in (0, 1)]
        assert by_shard == [GUILDS // 2, GUILDS // 2]

        due = datetime.now(UTC) + timedelta(seconds=20)
        await _schedule(url, [(g.id, c.id) for g, c, _ in worlds], due)

        env = {**sb.bot_env(), "DATABASE_URL": url, "LOG_LEVEL": "INFO"}
        bots = []
        for shard in (0, 1):
            folder = tmp_path / f"shard{shard}"
            folder.mkdir()
            script = [
                str(ROOT / "bot.py"),
                "run",
                "--shard-count",
                "2",
                "--shards",
                f"{shard}-{shard}",
            ]
            bots.append(BotProcess(env, folder, script=script))
        try:
            for bot in bots:
                await bot.start()
            await sb.eventually(
                lambda: {s.shard for s in sb.gateway.sessions.values()} == {(0, 2), (1, 2)},
                timeout=60,
                what="both shards identified",
            )
            # Each session was sent only its own guilds.
            for session in sb.gateway.sessions.values():
                created = [
                    json.loads(text)["d"]["id"]
                    for _, name, text in session.events
                    if name == "GUILD_CREATE"
                ]
                assert len(created) == GUILDS // 2
                assert {shard_of(int(g), 2) for g in created} == {session.shard[0]}

            await sb.eventually(
                lambda: all(_round_post(sb, c) for _, c, _ in worlds),
                timeout=120,
                what="every guild's scheduled round posted",
            )
            await asyncio.sleep(2)  # a second post would have come by now
            assert all(len(_round_post(sb, c)) == 1 for _, c, _ in worlds)

            # A member answers in every guild, through the process that owns it.
            for guild, channel, member in worlds:
                post = _round_post(sb, channel)[0]
                shown = await sb.click(member, post, sb.button(post, "Respond"))
                done = await sb.submit_modal(member, shown, {"q1": f"Answer from {guild.name}."})
                assert done.messages or done.original is not None
        finally:
            for bot in bots:
                await bot.stop()

    logs = [bot.log.read_text("utf-8") for bot in bots]
    for shard, log in enumerate(logs):
        assert "Traceback" not in log, log[-3000:]
        posted = {int(m.group(3)) for m in POSTED.finditer(log)}
        # Each process posted its own guilds' rounds, all of them, and no other's.
        assert len(posted) == GUILDS // 2
        assert {shard_of(g, 2) for g in posted} == {shard}
        assert "paused" not in log

    async with PostgresDatabase.connect(url) as db:
        rows = await db.fetch_all(
            "SELECT guild_id, count(*) AS n FROM series_posts p JOIN series s ON s.id = p.series_id "
            "WHERE p.state = 'posted' GROUP BY guild_id"
        )
        assert {r["guild_id"]: r["n"] for r in rows} == {g.id: 1 for g, _, _ in worlds}
        rows = await db.fetch_all(
            "SELECT guild_id, content FROM responses WHERE kind = 'answer' ORDER BY guild_id"
        )
        assert {r["guild_id"]: r["content"] for r in rows} == {
            g.id: f"Answer from {g.name}." for g, _, _ in worlds
        }
        assert len(rows) == GUILDS

        # Every guild's export has its round and its answer.
        service = ExportService(ExportStorage(db))
        for guild, _, _ in worlds:
            folder = tmp_path / "exports" / str(guild.id)
            folder.mkdir(parents=True)
            request = await service.request(guild.id, scope="server", format="json")
            files, rounds, responses = await service.write(request, folder)
            assert (rounds, responses) == (1, 1)
            exported = json.loads(files[0].read_text("utf-8"))
            [answer] = exported["rounds"][0]["responses"]
            assert (answer["kind"], answer["text"]) == ("answer", f"Answer from {guild.name}.")


@pytest.mark.timeout(180)
async def test_a_process_whose_shards_overlap_a_running_one_refuses_to_start(
    postgres: PostgresServer, tmp_path: Path
) -> None:
    """#27: overlapping --shards ranges were not refused: both processes ran the same servers'
    deadlines and posts. The second now stops at start-up naming the first; after the first
    stops, the same range starts."""
    url = postgres.create_database()
    async with Sandbox(shard_count=2) as sb:
        env = {**sb.bot_env(), "DATABASE_URL": url, "LOG_LEVEL": "INFO"}

        def process(shards: str, name: str) -> BotProcess:
            folder = tmp_path / name
            folder.mkdir()
            script = [str(ROOT / "bot.py"), "run", "--shard-count", "2", "--shards", shards]
            return BotProcess(env, folder, script=script)

        first, second, third = process("0-1", "a"), process("1-1", "b"), process("1-1", "c")
        try:
            await first.start()
            await sb.eventually(
                lambda: {s.shard for s in sb.gateway.sessions.values()} == {(0, 2), (1, 2)},
                timeout=60,
                what="the first process's shards identified",
            )
            refused = await second.start()
            assert await asyncio.wait_for(refused.wait(), 60) == 2
            said = second.log.read_text("utf-8")
            last = said.rstrip().splitlines()[-1]
            assert re.fullmatch(
                r"roundtable: Shard 1 \(\S+:\d+\) of --shards 1-1 is run by another process: give "
                r"each process its own range \(if it has stopped, its lease lapses in \d+ s\)\.",
                last,
            ), said
            assert "Traceback" not in said
            assert first.process is not None and first.process.returncode is None
            await first.stop()  # its leases go with it
            before = set(sb.gateway.sessions)
            await third.start()
            await sb.eventually(
                lambda: any(
                    s.shard == (1, 2) for i, s in sb.gateway.sessions.items() if i not in before
                ),
                timeout=60,
                what="the range started again once free",
            )
        finally:
            for bot in (first, second, third):
                await bot.stop()
