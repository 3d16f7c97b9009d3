"""Rounds, the responses and stances members give in them. Every query is scoped to a guild."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import partial

from roundtable.rounds.model import (
    Applied,
    Captured,
    Delete,
    Edit,
    NewRound,
    Reply,
    ResponseRecord,
    RoundAlreadyOpen,
    RoundNotOpen,
    RoundRecord,
    StanceRecord,
)
from storage import round_writes as writes
from storage.connection import Row, iso, when
from storage.database import Database
from storage.shards import Shards, owned
from storage.writer import SessionConnection

# The nouns are the core's (roundtable.rounds.model); named here for the repository's callers.
__all__ = [
    "Applied", "Captured", "Delete", "Edit", "NewRound", "Reply", "ResponseRecord",
    "RoundAlreadyOpen", "RoundNotOpen", "RoundRecord", "RoundRepository", "StanceRecord",
]  # fmt: skip


def _round(row: Row) -> RoundRecord:
    return RoundRecord(
        id=row["id"],
        guild_id=row["guild_id"],
        pack_id=row["pack_id"],
        section_number=row["section_number"],
        section_title=row["section_title"],
        questions=tuple(json.loads(row["questions"])),
        stances=tuple(json.loads(row["stances"])),
        channel_id=row["channel_id"],
        thread_id=row["thread_id"],
        posts=tuple((c, m) for c, m in json.loads(row["posts"])),
        status=row["status"],
        opened_by=row["opened_by"],
        opened_at=datetime.fromisoformat(row["opened_at"]),
        closes_at=when(row["closes_at"]),
        closed_at=when(row["closed_at"]),
        closed_by=row["closed_by"],
        close_steps=tuple(json.loads(row["close_steps"])),
        close_pending=bool(row["close_pending"]),
        series_id=row["series_id"],
        remind_at=when(row["remind_at"]),
        reminded_at=when(row["reminded_at"]),
    )


def _response(row: Row) -> ResponseRecord:
    return ResponseRecord(
        id=row["id"],
        round_id=row["round_id"],
        user_id=row["user_id"],
        kind=row["kind"],
        question=row["question"],
        content=row["content"],
        message_id=row["message_id"],
        reply_to_id=row["reply_to_id"],
        created_at=datetime.fromisoformat(row["created_at"]),
        edited_at=when(row["edited_at"]),
    )


def _stance(row: Row) -> StanceRecord:
    return StanceRecord(
        round_id=row["round_id"],
        user_id=row["user_id"],
        opening=row["opening"],
        current=row["current"],
        closing=row["closing"],
        changes=row["changes"],
    )


_ROUND_SELECT = (
    "SELECT id, guild_id, pack_id, section_number, section_title, questions, stances, "
    "channel_id, thread_id, posts, status, opened_by, opened_at, closes_at, closed_at, "
    "closed_by, close_steps, close_pending, series_id, remind_at, reminded_at FROM rounds "
)
_RESPONSE_SELECT = writes.RESPONSE_SELECT  # one column list for every reader of a response
_STANCE_SELECT = "SELECT " + writes.STANCE_COLUMNS + " FROM stances "  # noqa: S608 (constants)


async def insert_round(conn: SessionConnection, new: NewRound) -> int:
    """Reserve an open round inside the caller's transaction; RoundAlreadyOpen if its section
    already has one in that channel (another channel may read the same section meanwhile)."""
    async with conn.execute(
        "SELECT id FROM rounds WHERE guild_id = ? AND channel_id = ? AND pack_id = ? "
        "AND section_number = ? AND status = 'open'",
        (new.guild_id, new.channel_id, new.pack_id, new.section_number),
    ) as cursor:
        existing = await cursor.fetchone()
    if existing:
        raise RoundAlreadyOpen(existing["id"])
    async with conn.execute(
        "INSERT INTO rounds (guild_id, pack_id, section_number, section_title, questions, "
        "stances, channel_id, status, opened_by, opened_at, closes_at, series_id, remind_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?, ?) RETURNING id",
        (
            new.guild_id,
            new.pack_id,
            new.section_number,
            new.section_title,
            json.dumps(list(new.questions)),
            json.dumps(list(new.stances)),
            new.channel_id,
            new.opened_by,
            iso(new.opened_at),
            iso(new.closes_at),
            new.series_id,
            iso(new.remind_at),
        ),
    ) as cursor:
        row = await cursor.fetchone()
    assert row is not None
    return int(row["id"])


class RoundRepository:
    def __init__(self, db: Database, shards: Shards | None = None):
        self._db = db
        self._shards = shards  # queries across guilds see only these shards' guilds

    def _owned(self) -> tuple[str, tuple[int, ...]]:
        return owned(self._shards)

    # -- rounds -----------------------------------------------------------------------------

    async def create(self, new: NewRound) -> RoundRecord:
        """Reserve the open round the rounds service shaped; RoundAlreadyOpen if its section
        already has one."""
        async with self._db.transaction() as conn:
            round_id = await insert_round(conn, new)
        found = await self.get(new.guild_id, round_id)
        assert found is not None
        return found

    async def attach(
        self, round_id: int, *, thread_id: int, posts: Sequence[tuple[int, int]]
    ) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE rounds SET thread_id = ?, posts = ? WHERE id = ?",
                (thread_id, json.dumps([list(p) for p in posts]), round_id),
            )

    async def discard(self, round_id: int) -> None:
        """Forget a round whose posting failed (nothing of it reached members)."""
        async with self._db.transaction() as conn:
            await conn.execute("DELETE FROM rounds WHERE id = ?", (round_id,))

    async def discard_unposted(self, before: datetime) -> list[int]:
        """Delete rounds reserved before `before` whose post never completed (no thread, no
        message, no series job to finish it, nothing said in them); returns their ids."""
        mine, shards = self._owned()
        async with self._db.transaction() as conn:
            async with conn.execute(
                "DELETE FROM rounds WHERE status = 'open' AND thread_id IS NULL AND posts = '[]' "  # noqa: S608 (the shard filter)
                "AND series_id IS NULL AND opened_at < ? "
                "AND NOT EXISTS (SELECT 1 FROM responses WHERE responses.round_id = rounds.id) "
                "AND NOT EXISTS (SELECT 1 FROM stances WHERE stances.round_id = rounds.id)"
                + mine
                + " RETURNING id",
                (iso(before), *shards),
            ) as cursor:
                return [row["id"] for row in await cursor.fetchall()]

    async def get(self, guild_id: int, round_id: int) -> RoundRecord | None:
        row = await self._db.fetch_one(
            _ROUND_SELECT + "WHERE id = ? AND guild_id = ?", (round_id, guild_id)
        )
        return _round(row) if row else None

    async def page(self, guild_id: int, *, limit: int, offset: int) -> list[RoundRecord]:
        """Open rounds first, then the most recent."""
        rows = await self._db.fetch_all(
            _ROUND_SELECT + "WHERE guild_id = ? ORDER BY status = 'open' DESC, id DESC "
            "LIMIT ? OFFSET ?",
            (guild_id, limit, offset),
        )
        return [_round(r) for r in rows]

    async def count(self, guild_id: int) -> int:
        row = await self._db.fetch_one(
            "SELECT count(*) FROM rounds WHERE guild_id = ?", (guild_id,)
        )
        return int(row[0]) if row else 0

    async def uses_pack(self, pack_id: int) -> int:
        """How many rounds were run on a pack (a pack with rounds cannot be deleted)."""
        row = await self._db.fetch_one("SELECT count(*) FROM rounds WHERE pack_id = ?", (pack_id,))
        return int(row[0]) if row else 0

    async def thread_index(self) -> list[tuple[int, int, int, bool]]:
        """(thread id, guild id, round id, open) of every round that has a thread."""
        mine, shards = self._owned()
        rows = await self._db.fetch_all(
            "SELECT thread_id, guild_id, id, status = 'open' FROM rounds "  # noqa: S608 (the shard filter)
            "WHERE thread_id IS NOT NULL" + mine + " ORDER BY id",
            shards,
        )
        return [(r[0], r[1], r[2], bool(r[3])) for r in rows]

    async def open_with_threads(self) -> list[RoundRecord]:
        """Every guild's open rounds that have a thread (what start-up backfills)."""
        mine, shards = self._owned()
        rows = await self._db.fetch_all(
            _ROUND_SELECT
            + "WHERE status = 'open' AND thread_id IS NOT NULL"
            + mine
            + " ORDER BY id",
            shards,
        )
        return [_round(r) for r in rows]

    async def newest_replies(self) -> dict[int, int]:
        mine, shards = owned(self._shards, "r.guild_id")
        rows = await self._db.fetch_all(
            "SELECT r.id, (SELECT p.message_id FROM responses p WHERE p.round_id = r.id"  # noqa: S608 (the shard filter)
            " AND p.kind = 'reply' ORDER BY p.message_id DESC LIMIT 1) AS newest FROM rounds r"
            " WHERE r.status = 'open' AND r.thread_id IS NOT NULL" + mine,
            shards,
        )
        return {r["id"]: r["newest"] for r in rows if r["newest"] is not None}

    async def due(self, now: datetime, *, limit: int = 100) -> list[RoundRecord]:
        """Posted open rounds whose deadline has passed, in every guild, earliest first."""
        mine, shards = self._owned()
        rows = await self._db.fetch_all(
            _ROUND_SELECT
            + "WHERE status = 'open' AND closes_at <= ? AND thread_id IS NOT NULL"
            + mine
            + " ORDER BY closes_at, id LIMIT ?",
            (iso(now), *shards, limit),
        )
        return [_round(r) for r in rows]

    async def next_reminder(self) -> datetime | None:
        mine, shards = self._owned()
        row = await self._db.fetch_one(
            "SELECT min(remind_at) FROM rounds WHERE status = 'open' AND reminded_at IS NULL "  # noqa: S608 (the shard filter)
            "AND thread_id IS NOT NULL" + mine,
            shards,
        )
        return when(row[0]) if row else None

    async def claim_reminder(self, now: datetime) -> RoundRecord | None:
        """The open round whose reminder is due first, marked as reminded (once, ever)."""
        mine, shards = self._owned()
        while True:
            async with self._db.transaction() as conn:
                async with conn.execute(
                    "SELECT id, guild_id FROM rounds WHERE status = 'open' AND reminded_at IS NULL "  # noqa: S608 (the shard filter)
                    "AND thread_id IS NOT NULL AND remind_at <= ?"
                    + mine
                    + " ORDER BY remind_at, id LIMIT 1",
                    (iso(now), *shards),
                ) as cursor:
                    row = await cursor.fetchone()
                if row is None:
                    return None
                # Another process may have claimed it between the two statements (PostgreSQL
                # lets it read too): only the one whose UPDATE changed the row reminds.
                claimed = await conn.execute(
                    "UPDATE rounds SET reminded_at = ? WHERE id = ? AND reminded_at IS NULL",
                    (iso(now), row["id"]),
                )
            if claimed.rowcount:
                return await self.get(row["guild_id"], row["id"])

    async def remind_again(self, round_id: int, at: datetime) -> bool:
        async with self._db.transaction() as conn:
            changed = await conn.execute(
                "UPDATE rounds SET reminded_at = NULL, remind_at = ? "
                "WHERE id = ? AND status = 'open' AND reminded_at IS NOT NULL",
                (iso(at), round_id),
            )
        return bool(changed.rowcount)

    async def close_pending(self, *, limit: int = 100) -> list[RoundRecord]:
        """Closed or cancelled rounds with close steps still to do, in every guild."""
        mine, shards = self._owned()
        rows = await self._db.fetch_all(
            _ROUND_SELECT + "WHERE close_pending = 1" + mine + " ORDER BY id LIMIT ?",
            (*shards, limit),
        )
        return [_round(r) for r in rows]

    async def close_step_done(self, round_id: int, step: str, *, last: str) -> bool:
        """Record one close step; `last` done ends the close. Returns whether steps remain."""
        async with self._db.transaction() as conn:
            async with conn.execute(
                "SELECT close_steps FROM rounds WHERE id = ? AND close_pending = 1", (round_id,)
            ) as cursor:
                row = await cursor.fetchone()
            if row is None:
                return False
            steps = json.loads(row["close_steps"])
            if step not in steps:
                steps.append(step)
            pending = step != last
            await conn.execute(
                "UPDATE rounds SET close_steps = ?, close_pending = ? WHERE id = ?",
                (json.dumps(steps), int(pending), round_id),
            )
        return pending

    async def next_deadline(self) -> datetime | None:
        mine, shards = self._owned()
        row = await self._db.fetch_one(
            "SELECT min(closes_at) FROM rounds WHERE status = 'open' AND closes_at IS NOT NULL "  # noqa: S608 (the shard filter)
            "AND thread_id IS NOT NULL" + mine,
            shards,
        )
        return when(row[0]) if row else None

    async def finish(
        self, guild_id: int, round_id: int, *, status: str, by: int | None, now: datetime
    ) -> RoundRecord | None:
        """Close or cancel an open round, once: None when it was not open any more.

        Closing stances are frozen in the same transaction, the first close step; the steps on
        Discord are then pending until `close_step_done` records the last.
        """
        assert status in ("closed", "cancelled")
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE rounds SET status = ?, closed_at = ?, closed_by = ?, "
                "close_steps = '[\"stances\"]', close_pending = 1 "
                "WHERE id = ? AND guild_id = ? AND status = 'open'",
                (status, iso(now), by, round_id, guild_id),
            )
            if cursor.rowcount == 0:
                return None
            await conn.execute(
                "UPDATE stances SET closing = current WHERE round_id = ?", (round_id,)
            )
        return await self.get(guild_id, round_id)

    async def reopen(
        self, guild_id: int, round_id: int, *, closes_at: datetime | None
    ) -> RoundRecord | None:
        async with self._db.transaction() as conn:
            async with conn.execute(
                "SELECT r.id FROM rounds r JOIN rounds this ON this.id = ? "
                "WHERE r.guild_id = this.guild_id AND r.channel_id = this.channel_id "
                "AND r.pack_id = this.pack_id AND r.section_number = this.section_number "
                "AND r.status = 'open' "
                "AND r.id != this.id",
                (round_id,),
            ) as cursor:
                other = await cursor.fetchone()
            if other:
                raise RoundAlreadyOpen(other["id"])
            cursor = await conn.execute(
                "UPDATE rounds SET status = 'open', closed_at = NULL, closed_by = NULL, "
                "close_steps = '[]', close_pending = 0, closes_at = ? "
                "WHERE id = ? AND guild_id = ? AND status != 'open'",
                (iso(closes_at), round_id, guild_id),
            )
            if cursor.rowcount == 0:
                return None
            await conn.execute("UPDATE stances SET closing = NULL WHERE round_id = ?", (round_id,))
        return await self.get(guild_id, round_id)

    # -- answers and replies ----------------------------------------------------------------

    async def save_answers(
        self,
        guild_id: int,
        round_id: int,
        user_id: int,
        answers: dict[int, str],
        *,
        name: str | None = None,
    ) -> list[ResponseRecord]:
        """Insert or replace the member's answers (earlier texts kept as history)."""
        rows = await self._db.write(
            partial(
                writes.save_answers,
                guild_id=guild_id,
                round_id=round_id,
                user_id=user_id,
                answers=dict(answers),
                name=name,
            )
        )
        return [_response(r) for r in rows]

    async def answers(self, guild_id: int, round_id: int, user_id: int) -> list[ResponseRecord]:
        rows = await self._db.fetch_all(
            _RESPONSE_SELECT + "WHERE guild_id = ? AND round_id = ? AND user_id = ? "
            "AND kind = 'answer' ORDER BY question",
            (guild_id, round_id, user_id),
        )
        return [_response(r) for r in rows]

    async def set_message(self, response_ids: Iterable[int], message_id: int) -> None:
        await self._db.write(
            partial(writes.set_message, response_ids=list(response_ids), message_id=message_id)
        )

    async def withdraw(self, guild_id: int, round_id: int, user_id: int) -> list[ResponseRecord]:
        """Delete the member's answers in a round; returns what was deleted."""
        rows = await self._db.write(
            partial(writes.withdraw, guild_id=guild_id, round_id=round_id, user_id=user_id)
        )
        return [_response(r) for r in rows]

    async def apply_captured(self, events: Sequence[Captured]) -> Applied:
        """Replies, edits and deletions from round threads, in order, as one bulk write."""
        return await self._db.write(partial(writes.apply_captured, events=list(events)), bulk=True)

    async def edit_reply(self, guild_id: int, message_id: int, content: str) -> bool:
        """An edit to nothing but blanks deletes the reply."""
        return await self._db.write(
            partial(writes.edit_reply, guild_id=guild_id, message_id=message_id, content=content)
        )

    async def delete_reply(self, guild_id: int, message_id: int) -> bool:
        return await self._db.write(
            partial(writes.delete_reply, guild_id=guild_id, message_id=message_id)
        )

    async def responses(self, guild_id: int, round_id: int) -> list[ResponseRecord]:
        rows = await self._db.fetch_all(
            _RESPONSE_SELECT + "WHERE guild_id = ? AND round_id = ? ORDER BY created_at, id",
            (guild_id, round_id),
        )
        return [_response(r) for r in rows]

    async def history(self, response_id: int) -> list[str]:
        rows = await self._db.fetch_all(
            "SELECT content FROM response_edits WHERE response_id = ? ORDER BY rowid",
            (response_id,),
        )
        return [r["content"] for r in rows]

    # -- stances ----------------------------------------------------------------------------

    async def set_stance(
        self, guild_id: int, round_id: int, user_id: int, label: str, *, name: str | None = None
    ) -> StanceRecord:
        row = await self._db.write(
            partial(
                writes.set_stance,
                guild_id=guild_id,
                round_id=round_id,
                user_id=user_id,
                label=label,
                name=name,
            )
        )
        return _stance(row)

    async def stances(self, guild_id: int, round_id: int) -> list[StanceRecord]:
        rows = await self._db.fetch_all(
            _STANCE_SELECT + "WHERE guild_id = ? AND round_id = ? ORDER BY user_id",
            (guild_id, round_id),
        )
        return [_stance(r) for r in rows]

    async def stance_of(self, guild_id: int, round_id: int, user_id: int) -> StanceRecord | None:
        row = await self._db.fetch_one(
            _STANCE_SELECT + "WHERE guild_id = ? AND round_id = ? AND user_id = ?",
            (guild_id, round_id, user_id),
        )
        return _stance(row) if row else None
