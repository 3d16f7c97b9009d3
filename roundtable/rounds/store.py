"""What the rounds service needs kept: a Protocol that storage implements (storage/rounds.py's
RoundRepository, on SQLite or PostgreSQL). The service imports this, never storage."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Protocol

from roundtable.rounds.model import (
    Applied,
    Captured,
    NewRound,
    ResponseRecord,
    RoundRecord,
    StanceRecord,
)


class RoundStore(Protocol):
    async def create(self, new: NewRound) -> RoundRecord:
        """Reserve the open round the service shaped; RoundAlreadyOpen if its section already
        has one."""
        ...

    async def attach(
        self, round_id: int, *, thread_id: int, posts: Sequence[tuple[int, int]]
    ) -> None: ...

    async def discard(self, round_id: int) -> None:
        """Forget a round whose posting failed (nothing of it reached members)."""
        ...

    async def discard_unposted(self, before: datetime) -> list[int]:
        """Delete rounds reserved before `before` whose post never completed (no thread, no
        message, no series job to finish it, nothing said in them); returns their ids."""
        ...

    async def get(self, guild_id: int, round_id: int) -> RoundRecord | None: ...

    async def page(self, guild_id: int, *, limit: int, offset: int) -> list[RoundRecord]:
        """Open rounds first, then the most recent."""
        ...

    async def count(self, guild_id: int) -> int: ...

    async def thread_index(self) -> list[tuple[int, int, int, bool]]:
        """(thread id, guild id, round id, open) of every round that has a thread."""
        ...

    async def open_with_threads(self) -> list[RoundRecord]:
        """Every guild's open rounds that have a thread (what start-up backfills)."""
        ...

    async def newest_replies(self) -> dict[int, int]:
        """Open round id -> the message id of its newest stored reply (rounds with none are
        left out): where start-up reads each thread from."""
        ...

    async def due(self, now: datetime, *, limit: int = 100) -> list[RoundRecord]:
        """Posted open rounds whose deadline has passed, in every guild, earliest first."""
        ...

    async def next_reminder(self) -> datetime | None: ...

    async def claim_reminder(self, now: datetime) -> RoundRecord | None:
        """The open round whose reminder is due first, marked as reminded (once, ever)."""
        ...

    async def remind_again(self, round_id: int, at: datetime) -> bool:
        """A claimed reminder that could not be posted is due again `at` (if still open)."""
        ...

    async def close_pending(self, *, limit: int = 100) -> list[RoundRecord]:
        """Closed or cancelled rounds with close steps still to do, in every guild."""
        ...

    async def close_step_done(self, round_id: int, step: str, *, last: str) -> bool:
        """Record one close step; `last` done ends the close. Returns whether steps remain."""
        ...

    async def next_deadline(self) -> datetime | None: ...

    async def finish(
        self, guild_id: int, round_id: int, *, status: str, by: int | None, now: datetime
    ) -> RoundRecord | None:
        """Close or cancel an open round, once: None when it was not open any more.

        Closing stances are frozen in the same transaction, the first close step; the steps on
        Discord are then pending until `close_step_done` records the last."""
        ...

    async def reopen(
        self, guild_id: int, round_id: int, *, closes_at: datetime | None
    ) -> RoundRecord | None: ...

    async def save_answers(
        self,
        guild_id: int,
        round_id: int,
        user_id: int,
        answers: dict[int, str],
        *,
        name: str | None = None,
    ) -> list[ResponseRecord]:
        """Insert or replace the member's answers (earlier texts kept as history)."""
        ...

    async def answers(self, guild_id: int, round_id: int, user_id: int) -> list[ResponseRecord]: ...

    async def set_message(self, response_ids: Iterable[int], message_id: int) -> None: ...

    async def withdraw(self, guild_id: int, round_id: int, user_id: int) -> list[ResponseRecord]:
        """Delete the member's answers in a round; returns what was deleted."""
        ...

    async def apply_captured(self, events: Sequence[Captured]) -> Applied:
        """Replies, edits and deletions from round threads, in order, as one bulk write."""
        ...

    async def edit_reply(self, guild_id: int, message_id: int, content: str) -> bool:
        """An edit to nothing but blanks deletes the reply."""
        ...

    async def delete_reply(self, guild_id: int, message_id: int) -> bool: ...

    async def responses(self, guild_id: int, round_id: int) -> list[ResponseRecord]: ...

    async def set_stance(
        self, guild_id: int, round_id: int, user_id: int, label: str, *, name: str | None = None
    ) -> StanceRecord: ...

    async def stances(self, guild_id: int, round_id: int) -> list[StanceRecord]: ...

    async def stance_of(
        self, guild_id: int, round_id: int, user_id: int
    ) -> StanceRecord | None: ...
