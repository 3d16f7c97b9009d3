"""How far a member has read in a pack: the highest section they marked read."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PackProgress:
    """A member's progress in one pack, as /progress shows it."""

    pack_id: int
    pack_slug: str
    pack_title: str
    section: int  # read up to and including this section (1-based)
    sections: int  # the pack's sections
    section_title: str


@dataclass(frozen=True, slots=True)
class Spread:
    """How far the members who marked any progress in a pack have read: `counts[n - 1]`
    members are at section n."""

    counts: tuple[int, ...]

    @property
    def members(self) -> int:
        return sum(self.counts)

    def at_least(self, section: int) -> int:
        """Members who have read section `section` (or further)."""
        return sum(self.counts[section - 1 :]) if section >= 1 else self.members
