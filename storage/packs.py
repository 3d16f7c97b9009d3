"""Reading packs: a guild's own and the shipped ones (guild_id NULL)."""

from __future__ import annotations

from datetime import UTC, datetime

from roundtable.packs.model import DuplicatePack, PackInUse, PackRecord
from storage.connection import Row
from storage.database import Database

# The nouns are the core's (roundtable.packs.model); named here for the repository's callers.
__all__ = ["DuplicatePack", "PackInUse", "PackRecord", "PackRepository"]


def _record(row: Row) -> PackRecord:
    return PackRecord(
        id=row["id"],
        guild_id=row["guild_id"],
        slug=row["slug"],
        title=row["title"],
        body=row["body"],
        sections=row["sections"],
        created_by=row["created_by"],
        created_at=datetime.fromisoformat(row["created_at"]),
    )


class PackRepository:
    def __init__(self, db: Database):
        self._db = db

    async def visible_to(self, guild_id: int) -> list[PackRecord]:
        """The guild's own packs, then the shipped ones, each by title."""
        rows = await self._db.fetch_all(
            "SELECT id, guild_id, slug, title, body, sections, created_by, created_at "
            "FROM packs WHERE guild_id = ? OR guild_id IS NULL "
            "ORDER BY guild_id IS NULL, lower(title)",
            (guild_id,),
        )
        return [_record(r) for r in rows]

    async def get(self, guild_id: int, slug: str) -> PackRecord | None:
        """The guild's pack with this slug, else the shipped one."""
        row = await self._db.fetch_one(
            "SELECT id, guild_id, slug, title, body, sections, created_by, created_at "
            "FROM packs WHERE slug = ? AND (guild_id = ? OR guild_id IS NULL) "
            "ORDER BY guild_id IS NULL LIMIT 1",
            (slug, guild_id),
        )
        return _record(row) if row else None

    async def by_id(self, guild_id: int, pack_id: int) -> PackRecord | None:
        """The pack with this id when the guild can see it (its own, or shipped)."""
        row = await self._db.fetch_one(
            "SELECT id, guild_id, slug, title, body, sections, created_by, created_at "
            "FROM packs WHERE id = ? AND (guild_id = ? OR guild_id IS NULL)",
            (pack_id, guild_id),
        )
        return _record(row) if row else None

    async def add(
        self, guild_id: int, *, slug: str, title: str, body: str, sections: int, by: int
    ) -> PackRecord:
        now = datetime.now(UTC).isoformat()
        async with self._db.transaction() as conn:
            async with conn.execute(
                "SELECT 1 FROM packs WHERE slug = ? AND (guild_id = ? OR guild_id IS NULL)",
                (slug, guild_id),
            ) as cursor:
                if await cursor.fetchone():
                    raise DuplicatePack(slug)
            async with conn.execute(
                "INSERT INTO packs (guild_id, slug, title, body, sections, created_by, "
                "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                "RETURNING id, guild_id, slug, title, body, sections, created_by, created_at",
                (guild_id, slug, title, body, sections, by, now, now),
            ) as cursor:
                row = await cursor.fetchone()
        assert row is not None
        return _record(row)

    async def remove(self, guild_id: int, slug: str) -> bool:
        """Delete the guild's own pack; shipped packs are never deleted here.

        PackInUse when rounds were run on it.
        """
        async with self._db.transaction() as conn:
            async with conn.execute(
                "SELECT count(*) FROM rounds JOIN packs ON packs.id = rounds.pack_id "
                "WHERE packs.guild_id = ? AND packs.slug = ?",
                (guild_id, slug),
            ) as cursor:
                row = await cursor.fetchone()
            if row and row[0]:
                raise PackInUse(row[0])
            async with conn.execute(
                "SELECT count(*) FROM series JOIN packs ON packs.id = series.pack_id "
                "WHERE packs.guild_id = ? AND packs.slug = ?",
                (guild_id, slug),
            ) as cursor:
                row = await cursor.fetchone()
            if row and row[0]:
                raise PackInUse(0, row[0])
            cursor = await conn.execute(
                "DELETE FROM packs WHERE guild_id = ? AND slug = ?", (guild_id, slug)
            )
            return cursor.rowcount > 0

    async def replace_shipped(self, packs: list[tuple[str, str, str, int]]) -> None:
        """Make the shipped packs exactly (slug, title, body, sections) of the files."""
        now = datetime.now(UTC).isoformat()
        async with self._db.transaction() as conn:
            for slug, title, body, sections in packs:
                await conn.execute(
                    "INSERT INTO packs (guild_id, slug, title, body, sections, created_by, "
                    "created_at, updated_at) VALUES (NULL, ?, ?, ?, ?, NULL, ?, ?) "
                    "ON CONFLICT (COALESCE(guild_id, 0), slug) DO UPDATE SET "
                    "title = excluded.title, body = excluded.body, "
                    "sections = excluded.sections, updated_at = excluded.updated_at "
                    "WHERE packs.body != excluded.body",
                    (slug, title, body, sections, now, now),
                )
            keep = [slug for slug, *_ in packs]
            async with conn.execute("SELECT slug FROM packs WHERE guild_id IS NULL") as cursor:
                stale = [r["slug"] for r in await cursor.fetchall() if r["slug"] not in keep]
            for slug in stale:
                await conn.execute("DELETE FROM packs WHERE guild_id IS NULL AND slug = ?", (slug,))
