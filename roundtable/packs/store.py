"""What the pack library needs kept: a Protocol that storage implements (storage/packs.py's
PackRepository). The library imports this, never storage."""

from __future__ import annotations

from typing import Protocol

from roundtable.packs.model import PackRecord


class PackStore(Protocol):
    async def visible_to(self, guild_id: int) -> list[PackRecord]:
        """The guild's own packs, then the shipped ones, each by title."""
        ...

    async def get(self, guild_id: int, slug: str) -> PackRecord | None:
        """The guild's pack with this slug, else the shipped one."""
        ...

    async def by_id(self, guild_id: int, pack_id: int) -> PackRecord | None:
        """The pack with this id when the guild can see it (its own, or shipped)."""
        ...

    async def add(
        self, guild_id: int, *, slug: str, title: str, body: str, sections: int, by: int
    ) -> PackRecord: ...

    async def remove(self, guild_id: int, slug: str) -> bool:
        """Delete the guild's own pack; shipped packs are never deleted here.

        PackInUse when rounds were run on it."""
        ...

    async def replace_shipped(self, packs: list[tuple[str, str, str, int]]) -> None:
        """Make the shipped packs exactly (slug, title, body, sections) of the files."""
        ...
