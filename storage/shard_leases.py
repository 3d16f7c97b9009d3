"""A lease per shard in the database: two processes never run the same shard.

A process started with `--shard-count N --shards A-B` holds one row per shard it runs, renewed
every RENEW seconds while it runs and deleted when it stops; one started without them runs the
whole bot and holds the row WHOLE (every shard: a second such process, or any sharded one, on
the same database is refused, as is a sharded one while it runs). A lease not renewed for TTL (its
process killed) lapses; so does one held on this host by a process that no longer exists (a
supervisor restarting the bot at once is not kept waiting). A process whose range overlaps a
live lease of another, or started with another --shard-count than the live leases, refuses to
start with one sentence naming the other process. The database's primary key on the shard is
the last word when two processes start at the same moment.
"""

from __future__ import annotations

import os
import socket
from datetime import datetime, timedelta

from storage.connection import Row, iso, when
from storage.database import Database
from storage.shards import Shards

TTL = timedelta(seconds=45)
RENEW = 15.0  # seconds
WHOLE = -1  # the shard of a process that runs the whole bot (no --shards), its count 0


class ShardsTaken(Exception):
    """Another live process runs some of these shards; the message says which and what to do."""


def this_process() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _gone(holder: str) -> bool:
    """A holder on this host whose process no longer exists."""
    host, _, pid = holder.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # it exists, as another user
        return False
    return False


def _expires(row: Row) -> datetime:
    moment = when(row["expires_at"])
    assert moment is not None  # NOT NULL
    return moment


def _lapses(live: list[Row], now: datetime) -> int:
    """Seconds until the last of these leases lapses, if not renewed."""
    return max(int((_expires(r) - now).total_seconds()) + 1 for r in live)


class ShardLeases:
    def __init__(self, db: Database, shards: Shards | None, holder: str | None = None):
        """`shards` None: this process runs the whole bot."""
        self._db = db
        self.shards = shards
        self.holder = holder or this_process()
        self._ids = shards.ids if shards else [WHOLE]
        self._count = shards.count if shards else 0

    async def acquire(self, now: datetime) -> None:
        """Hold every shard of the range, or ShardsTaken and nothing held."""
        async with self._db.transaction() as conn:
            async with conn.execute(
                "SELECT shard, shard_count, holder, started_at, expires_at FROM shard_leases "
                "WHERE holder != ?",
                (self.holder,),
            ) as cursor:
                others = await cursor.fetchall()
            live = []
            for row in others:
                if _expires(row) <= now or _gone(row["holder"]):
                    await conn.execute(
                        "DELETE FROM shard_leases WHERE shard = ? AND holder = ?",
                        (row["shard"], row["holder"]),
                    )
                else:
                    live.append(row)
            self._refuse(live, now)
            for shard in self._ids:
                cursor = await conn.execute(
                    "INSERT INTO shard_leases (shard, shard_count, holder, started_at, "
                    "expires_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (shard) DO UPDATE SET "
                    "shard_count = excluded.shard_count, expires_at = excluded.expires_at "
                    "WHERE shard_leases.holder = excluded.holder",
                    (shard, self._count, self.holder, iso(now), iso(now + TTL)),
                )
                if cursor.rowcount != 1:  # another process took it this very moment
                    raise ShardsTaken(
                        "Another process started on this database at this very moment: "
                        + (
                            "give each process its own --shards range."
                            if self.shards
                            else "stop it before starting this one."
                        )
                    )

    def _refuse(self, live: list[Row], now: datetime) -> None:
        if not live:
            return
        lapsing = f"if it has stopped, its lease lapses in {_lapses(live, now)} s"
        whole = [r["holder"] for r in live if r["shard"] == WHOLE]
        if whole:
            raise ShardsTaken(
                f"{whole[0]} runs the whole bot (started without --shards) on this database: "
                + (
                    "stop it before starting another"
                    if self.shards is None
                    else "stop it, or start every process with --shard-count and its own --shards"
                )
                + f" ({lapsing})."
            )
        if self.shards is None:
            ranges = sorted({(r["holder"], r["shard_count"]) for r in live})
            holder, count = ranges[0]
            mine = sorted(r["shard"] for r in live if r["holder"] == holder)
            raise ShardsTaken(
                f"{holder} runs shards {mine[0]}-{mine[-1]} of {count} on this database, and a "
                "process started without --shards would run them all: start this one with "
                f"--shard-count {count} and a --shards range of its own ({lapsing})."
            )
        for row in live:
            lapses = int((_expires(row) - now).total_seconds()) + 1
            if row["shard_count"] != self.shards.count:
                raise ShardsTaken(
                    f"{row['holder']} runs the bot with --shard-count {row['shard_count']}, not "
                    f"{self.shards.count}: every process must use the same --shard-count (if "
                    f"it has stopped, its lease lapses in {lapses} s)."
                )
        taken = sorted((r["shard"], r["holder"]) for r in live if r["shard"] in self.shards.ids)
        if taken:
            shown = ", ".join(f"{shard} ({holder})" for shard, holder in taken)
            lapses = _lapses(live, now)
            several = len(taken) > 1
            raise ShardsTaken(
                f"Shard{'s' if several else ''} {shown} of --shards {self.shards.first}-"
                f"{self.shards.last} {'are' if several else 'is'} run by another process: give "
                f"each process its own range (if it has stopped, its lease lapses in {lapses} s)."
            )

    async def renew(self, now: datetime) -> bool:
        """Extend the leases; False when one was lost (another process took it over)."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE shard_leases SET expires_at = ? WHERE holder = ?",
                (iso(now + TTL), self.holder),
            )
            return cursor.rowcount == len(self._ids)

    async def release(self) -> None:
        async with self._db.transaction() as conn:
            await conn.execute("DELETE FROM shard_leases WHERE holder = ?", (self.holder,))
