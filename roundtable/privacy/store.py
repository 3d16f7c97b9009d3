"""What the privacy service needs kept: a Protocol that storage implements (storage/privacy.py's
PrivacyRepository)."""

from __future__ import annotations

import builtins
from typing import Protocol

from roundtable.privacy.model import Forgotten, Privacy


class PrivacyStore(Protocol):
    async def get(self, guild_id: int, user_id: int) -> Privacy: ...

    async def set(
        self, guild_id: int, user_id: int, *, no_ai: bool, exports: str, replies: bool
    ) -> Privacy: ...

    async def opted_out_of_ai(self, guild_id: int) -> builtins.set[int]: ...

    async def forget(self, guild_id: int, user_id: int) -> Forgotten:
        """Delete all the member's answers, replies and stances in the guild, and leave the
        tombstone (replies not recorded), in one transaction."""
        ...
