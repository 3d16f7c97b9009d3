"""What the progress service needs kept: a Protocol that storage implements
(storage/progress.py's ProgressRepository)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol


class ProgressStore(Protocol):
    async def get(self, guild_id: int, user_id: int, pack_id: int) -> int:
        """The highest section the member marked read in the pack (0: none)."""
        ...

    async def set(
        self, guild_id: int, user_id: int, pack_id: int, section: int, *, now: datetime,
        forward_only: bool,
    ) -> int:  # fmt: skip
        """Store `section` (only when higher than what is stored, with `forward_only`); returns
        what is stored afterwards."""
        ...

    async def of_member(self, guild_id: int, user_id: int) -> dict[int, int]:
        """Pack id -> section, for every pack the member marked progress in."""
        ...

    async def counts(self, guild_id: int, pack_id: int) -> dict[int, int]:
        """Section -> how many members have read exactly that far in the pack."""
        ...
