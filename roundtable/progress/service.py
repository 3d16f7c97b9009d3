"""Reading progress, Discord-free. A member marks a section read with the button on its round
("I've read this": progress only moves forward) or sets it with /progress (which may also move
it back, after a re-read or a mistake). Moderators see the spread of a pack's readers in
/round show and /schedule show. What is posted publicly never depends on it; it is for what a
member asks for privately (a spoiler-safe catch-up)."""

from __future__ import annotations

from roundtable.clock import Clock
from roundtable.errors import UserError
from roundtable.packs.library import PackLibrary
from roundtable.progress.model import PackProgress, Spread
from roundtable.progress.store import ProgressStore


class ProgressService:
    def __init__(self, store: ProgressStore, packs: PackLibrary, clock: Clock):
        self._repo = store
        self._packs = packs
        self.clock = clock

    async def read(self, guild_id: int, user_id: int, pack_id: int, section: int) -> PackProgress:
        """The member has read `section` of the pack (a round's button): progress moves
        forward only. Returns the progress stored."""
        stored = await self._repo.set(
            guild_id, user_id, pack_id, section, now=self.clock.now(), forward_only=True
        )
        return await self._describe(guild_id, pack_id, stored)

    async def set(self, guild_id: int, user_id: int, pack_slug: str, section: int) -> PackProgress:
        """/progress pack section: read up to `section`, forward or back."""
        record, pack = await self._packs.load(guild_id, pack_slug)
        if not 1 <= section <= len(pack.sections):
            raise UserError(f"{pack.title} has sections 1 to {len(pack.sections)}, not {section}.")
        stored = await self._repo.set(
            guild_id, user_id, record.id, section, now=self.clock.now(), forward_only=False
        )
        return await self._describe(guild_id, record.id, stored)

    async def get(self, guild_id: int, user_id: int, pack_id: int) -> int:
        return await self._repo.get(guild_id, user_id, pack_id)

    async def mine(self, guild_id: int, user_id: int) -> list[PackProgress]:
        found = await self._repo.of_member(guild_id, user_id)
        out = []
        for pack_id, section in found.items():
            try:
                out.append(await self._describe(guild_id, pack_id, section))
            except UserError:
                continue  # the pack was removed since
        return sorted(out, key=lambda p: p.pack_title.casefold())

    async def of_pack(self, guild_id: int, pack_id: int) -> Spread | None:
        """How far the pack's readers in the guild are; None when the pack is gone."""
        try:
            _, pack = await self._packs.section_of(guild_id, pack_id)
        except UserError:
            return None
        counts = await self._repo.counts(guild_id, pack_id)
        return Spread(tuple(counts.get(n, 0) for n in range(1, len(pack.sections) + 1)))

    async def _describe(self, guild_id: int, pack_id: int, section: int) -> PackProgress:
        record, pack = await self._packs.section_of(guild_id, pack_id)
        shown = min(max(section, 1), len(pack.sections))
        return PackProgress(
            pack_id, record.slug, pack.title, section, len(pack.sections),
            pack.section(shown).title,
        )  # fmt: skip
