"""Members' consent choices and /forget: the one owner of a member's privacy. Cogs call this,
never the store; the summaries ask it who opted out of AI processing."""

from __future__ import annotations

import builtins

from roundtable.errors import UserError
from roundtable.privacy.model import EXPORT_CHOICES, Forgotten, Privacy
from roundtable.privacy.store import PrivacyStore


class PrivacyService:
    def __init__(self, store: PrivacyStore):
        self._repo = store

    async def get(self, guild_id: int, user_id: int) -> Privacy:
        return await self._repo.get(guild_id, user_id)

    async def set(
        self, guild_id: int, user_id: int, *, no_ai: bool, exports: str, replies: bool = True
    ) -> Privacy:
        if exports not in EXPORT_CHOICES:
            raise UserError(f"Exports are one of {', '.join(EXPORT_CHOICES)}; not {exports!r}.")
        return await self._repo.set(
            guild_id, user_id, no_ai=no_ai, exports=exports, replies=replies
        )

    async def opted_out_of_ai(self, guild_id: int) -> builtins.set[int]:
        """Members whose text is never sent to an LLM (their stances still count)."""
        return await self._repo.opted_out_of_ai(guild_id)

    async def forget(self, guild_id: int, user_id: int) -> Forgotten:
        """Delete all the member's answers, replies and stances in the guild, in one go, and
        stop recording their thread replies (live or read back at start-up) until they turn
        it on again with `set(replies=True)`."""
        return await self._repo.forget(guild_id, user_id)
