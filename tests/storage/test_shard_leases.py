"""Shard leases (#27): processes with overlapping --shards ranges were not refused, and both ran
the same servers' timed work. On both backends: a live lease refuses an overlapping range or
another --shard-count with a sentence naming its holder; a lapsed one, or one whose process on
this host is gone, is taken over; renewing keeps it, releasing frees it."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from datetime import UTC, datetime, timedelta

import pytest

from storage.database import Database
from storage.shard_leases import TTL, ShardLeases, ShardsTaken
from storage.shards import Shards

NOW = datetime(2026, 12, 6, 20, 0, tzinfo=UTC)
HOST = socket.gethostname()


def lease(db: Database, shards: str, holder: str, count: int = 4) -> ShardLeases:
    return ShardLeases(db, Shards.parse(count, shards), holder=holder)


async def test_overlapping_ranges_are_refused_until_the_lease_lapses(backend_db: Database) -> None:
    first = lease(backend_db, "0-1", "hostA:100")
    await first.acquire(NOW)
    await lease(backend_db, "2-3", "hostB:200").acquire(NOW)  # disjoint: fine
    with pytest.raises(ShardsTaken) as refused:
        await lease(backend_db, "1-2", "hostC:300").acquire(NOW)
    assert str(refused.value) == (
        "Shards 1 (hostA:100), 2 (hostB:200) of --shards 1-2 are run by another process: give "
        "each process its own range (if it has stopped, its lease lapses in 46 s)."
    )
    with pytest.raises(ShardsTaken, match="runs the bot with --shard-count 4, not 8"):
        await lease(backend_db, "4-7", "hostC:300", count=8).acquire(NOW)
    rows = await backend_db.fetch_all("SELECT shard, holder FROM shard_leases ORDER BY shard")
    assert [tuple(r) for r in rows] == [
        (0, "hostA:100"),
        (1, "hostA:100"),
        (2, "hostB:200"),
        (3, "hostB:200"),
    ]  # the refused ones hold nothing
    # Renewed, it stays; not renewed for TTL, it lapses and another process may take it.
    later = NOW + TTL - timedelta(seconds=1)
    assert await first.renew(later)
    with pytest.raises(ShardsTaken):
        await lease(backend_db, "0-0", "hostC:300").acquire(later + timedelta(seconds=2))
    await lease(backend_db, "0-1", "hostC:300").acquire(later + TTL + timedelta(seconds=1))
    assert not await first.renew(later + TTL + timedelta(seconds=2))  # lost: it was taken over
    await lease(backend_db, "0-1", "hostC:300").release()
    await lease(backend_db, "0-1", "hostD:400").acquire(later + TTL + timedelta(seconds=3))


async def test_a_holder_on_this_host_whose_process_is_gone_is_taken_over_at_once(
    backend_db: Database,
) -> None:
    ended = await asyncio.create_subprocess_exec(sys.executable, "-c", "pass")
    await ended.wait()
    gone = f"{HOST}:{ended.pid}"  # a process of this host that has ended
    await lease(backend_db, "0-3", gone).acquire(NOW)
    await lease(backend_db, "0-3", f"{HOST}:{os.getpid()}").acquire(NOW + timedelta(seconds=1))
    with pytest.raises(ShardsTaken, match=f"Shard 3 \\({HOST}:{os.getpid()}\\)"):
        await lease(backend_db, "3-3", f"{HOST}:1").acquire(NOW)  # pid 1 is alive


async def test_a_process_without_shards_holds_the_whole_bot(backend_db: Database) -> None:
    """Two processes started without --shards on one database both ran every server's timed
    work and both received every command; now the second is refused, as is a sharded process
    beside it, or it beside a sharded one."""
    whole = ShardLeases(backend_db, None, holder="hostA:100")
    await whole.acquire(NOW)
    with pytest.raises(ShardsTaken) as refused:
        await ShardLeases(backend_db, None, holder="hostB:200").acquire(NOW)
    assert str(refused.value) == (
        "hostA:100 runs the whole bot (started without --shards) on this database: stop it "
        "before starting another (if it has stopped, its lease lapses in 46 s)."
    )
    with pytest.raises(ShardsTaken) as refused:
        await lease(backend_db, "2-3", "hostB:200").acquire(NOW)
    assert str(refused.value) == (
        "hostA:100 runs the whole bot (started without --shards) on this database: stop it, or "
        "start every process with --shard-count and its own --shards (if it has stopped, its "
        "lease lapses in 46 s)."
    )
    assert await whole.renew(NOW + timedelta(seconds=15))
    await whole.release()
    await lease(backend_db, "2-3", "hostB:200").acquire(NOW)
    with pytest.raises(ShardsTaken) as refused:
        await ShardLeases(backend_db, None, holder="hostC:300").acquire(NOW)
    assert str(refused.value) == (
        "hostB:200 runs shards 2-3 of 4 on this database, and a process started without "
        "--shards would run them all: start this one with --shard-count 4 and a --shards range "
        "of its own (if it has stopped, its lease lapses in 46 s)."
    )
    rows = await backend_db.fetch_all("SELECT shard, holder FROM shard_leases ORDER BY shard")
    assert [tuple(r) for r in rows] == [(2, "hostB:200"), (3, "hostB:200")]
    # Lapsed, the whole bot may start; the same process starting again keeps its own lease.
    await ShardLeases(backend_db, None, holder="hostC:300").acquire(NOW + TTL)
    await ShardLeases(backend_db, None, holder="hostC:300").acquire(NOW + TTL)
    rows = await backend_db.fetch_all("SELECT shard, shard_count, holder FROM shard_leases")
    assert [tuple(r) for r in rows] == [(-1, 0, "hostC:300")]
