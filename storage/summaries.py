"""Stored summaries, with the tokens each one cost."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from roundtable.summaries.model import SummaryPost, SummaryRecord
from storage.connection import Row, when
from storage.database import Database

# The noun is the core's (roundtable.summaries.model); named here for the repository's callers.
__all__ = ["SummaryPost", "SummaryRecord", "SummaryRepository"]


def _record(row: Row) -> SummaryRecord:
    return SummaryRecord(
        id=row["id"],
        round_id=row["round_id"],
        engine=row["engine"],
        content_hash=row["content_hash"],
        body=json.loads(row["body"]),
        prompt_tokens=row["prompt_tokens"],
        completion_tokens=row["completion_tokens"],
        created_by=row["created_by"],
        created_at=datetime.fromisoformat(row["created_at"]),
    )


_SELECT = (
    "SELECT id, round_id, engine, content_hash, body, prompt_tokens, completion_tokens, "
    "created_by, created_at FROM summaries "
)


class SummaryRepository:
    def __init__(self, db: Database):
        self._db = db

    async def add(
        self,
        guild_id: int,
        round_id: int,
        *,
        engine: str,
        content_hash: str,
        body: dict,
        prompt_tokens: int,
        completion_tokens: int,
        by: int | None,
    ) -> SummaryRecord:
        async with self._db.transaction() as conn:
            async with conn.execute(
                "INSERT INTO summaries (round_id, guild_id, engine, content_hash, body, "
                "prompt_tokens, completion_tokens, created_by, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (
                    round_id,
                    guild_id,
                    engine,
                    content_hash,
                    json.dumps(body),
                    prompt_tokens,
                    completion_tokens,
                    by,
                    datetime.now(UTC).isoformat(),
                ),
            ) as cursor:
                row = await cursor.fetchone()
        assert row is not None
        found = await self._db.fetch_one(_SELECT + "WHERE id = ?", (row["id"],))
        assert found is not None
        return _record(found)

    async def latest(self, guild_id: int, round_id: int) -> SummaryRecord | None:
        row = await self._db.fetch_one(
            _SELECT + "WHERE guild_id = ? AND round_id = ? ORDER BY id DESC LIMIT 1",
            (guild_id, round_id),
        )
        return _record(row) if row else None

    async def same(
        self, guild_id: int, round_id: int, engine: str, content_hash: str
    ) -> SummaryRecord | None:
        row = await self._db.fetch_one(
            _SELECT + "WHERE guild_id = ? AND round_id = ? AND engine = ? AND content_hash = ? "
            "ORDER BY id DESC LIMIT 1",
            (guild_id, round_id, engine, content_hash),
        )
        return _record(row) if row else None

    async def last_made(self, guild_id: int) -> datetime | None:
        row = await self._db.fetch_one(
            "SELECT max(created_at) FROM summaries WHERE guild_id = ?", (guild_id,)
        )
        return when(row[0]) if row else None

    async def record_post(self, post: SummaryPost) -> None:
        """The round's summary as now posted (one row a round: the latest post replaces it)."""
        async with self._db.transaction() as conn:
            await conn.execute(
                "INSERT INTO summary_posts (round_id, guild_id, channel_id, message_ids, shown) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (round_id) DO UPDATE SET "
                "channel_id = excluded.channel_id, message_ids = excluded.message_ids, "
                "shown = excluded.shown",
                (
                    post.round_id,
                    post.guild_id,
                    post.channel_id,
                    json.dumps(list(post.message_ids)),
                    json.dumps(sorted(post.shown)),
                ),
            )

    async def posts_in(self, channel_id: int) -> list[SummaryPost]:
        rows = await self._db.fetch_all(_POSTS + "WHERE channel_id = ?", (channel_id,))
        return [_post(row) for row in rows]

    async def posts_of(self, guild_id: int) -> list[SummaryPost]:
        rows = await self._db.fetch_all(_POSTS + "WHERE guild_id = ?", (guild_id,))
        return [_post(row) for row in rows]


_POSTS = "SELECT round_id, guild_id, channel_id, message_ids, shown FROM summary_posts "


def _post(row: Row) -> SummaryPost:
    return SummaryPost(
        round_id=row["round_id"],
        guild_id=row["guild_id"],
        channel_id=row["channel_id"],
        message_ids=tuple(json.loads(row["message_ids"])),
        shown=frozenset(json.loads(row["shown"])),
    )
