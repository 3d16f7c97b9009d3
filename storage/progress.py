"""Members' reading progress per pack (migration 017)."""

from __future__ import annotations

from datetime import datetime

from storage.database import Database

__all__ = ["ProgressRepository"]


class ProgressRepository:
    def __init__(self, db: Database):
        self._db = db

    async def get(self, guild_id: int, user_id: int, pack_id: int) -> int:
        row = await self._db.fetch_one(
            "SELECT section FROM member_progress WHERE guild_id = ? AND user_id = ? "
            "AND pack_id = ?",
            (guild_id, user_id, pack_id),
        )
        return int(row["section"]) if row else 0

    async def set(
        self, guild_id: int, user_id: int, pack_id: int, section: int, *, now: datetime,
        forward_only: bool,
    ) -> int:  # fmt: skip
        async with self._db.transaction() as conn:
            async with conn.execute(
                "INSERT INTO member_progress (guild_id, user_id, pack_id, section, updated_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (guild_id, user_id, pack_id) DO UPDATE SET "
                "section = CASE WHEN ? = 1 AND member_progress.section >= excluded.section "
                "THEN member_progress.section ELSE excluded.section END, "
                "updated_at = excluded.updated_at RETURNING section",
                (guild_id, user_id, pack_id, section, now.isoformat(), int(forward_only)),
            ) as cursor:
                row = await cursor.fetchone()
        assert row is not None
        return int(row[0])

    async def of_member(self, guild_id: int, user_id: int) -> dict[int, int]:
        rows = await self._db.fetch_all(
            "SELECT pack_id, section FROM member_progress WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
        )
        return {r["pack_id"]: r["section"] for r in rows}

    async def counts(self, guild_id: int, pack_id: int) -> dict[int, int]:
        rows = await self._db.fetch_all(
            "SELECT section, count(*) AS n FROM member_progress WHERE guild_id = ? "
            "AND pack_id = ? GROUP BY section",
            (guild_id, pack_id),
        )
        return {r["section"]: r["n"] for r in rows}
