"""What the suggestions service needs kept: a Protocol that storage implements
(storage/suggestions.py's SuggestionRepository)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from roundtable.suggestions.model import Approved, NewSuggestion, Suggestion


class SuggestionStore(Protocol):
    async def add(self, new: NewSuggestion, *, since: datetime, most: int) -> Suggestion | None:
        """Store it unless its author made `most` suggestions since `since` (then None), in one
        transaction (two at once cannot both pass the limit)."""
        ...

    async def get(self, guild_id: int, suggestion_id: int) -> Suggestion | None: ...

    async def made_since(self, guild_id: int, user_id: int, since: datetime) -> list[Suggestion]:
        """The member's suggestions made since `since`, oldest first."""
        ...

    async def pending(self, guild_id: int, *, limit: int, offset: int = 0) -> list[Suggestion]:
        """Most votes first, then oldest first."""
        ...

    async def count_pending(self, guild_id: int) -> int: ...

    async def for_section(
        self, guild_id: int, pack_id: int, section_number: int
    ) -> list[Suggestion]:
        """The section's pending and approved suggestions in the guild, oldest first."""
        ...

    async def mine(self, guild_id: int, user_id: int, *, limit: int) -> list[Suggestion]:
        """Newest first."""
        ...

    async def vote(self, guild_id: int, suggestion_id: int, user_id: int) -> Suggestion | None:
        """Add the member's vote, or take it back when they had voted; None when it is no longer
        pending."""
        ...

    async def edit(self, guild_id: int, suggestion_id: int, text: str) -> Suggestion | None:
        """New text for a pending suggestion; None when it is no longer pending."""
        ...

    async def approve(
        self, guild_id: int, suggestion_id: int, *, by: int, now: datetime, most_questions: int
    ) -> Approved | None:
        """Mark it approved and, when its round is still open and has fewer than
        `most_questions` questions, add it to the round's questions, in one transaction; None
        when it is no longer pending."""
        ...

    async def reject(
        self, guild_id: int, suggestion_id: int, *, by: int, now: datetime, reason: str | None
    ) -> Suggestion | None: ...

    async def set_card(self, suggestion_id: int, channel_id: int, message_id: int) -> None: ...

    async def set_post(self, suggestion_id: int, channel_id: int, message_id: int) -> None:
        """Where its follow-up question was posted (/forget takes the author's name off it)."""
        ...
