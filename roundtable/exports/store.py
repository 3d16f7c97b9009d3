"""What the export service needs kept: one snapshot of the database to read an export's rows
from (ExportSource), and the records a request is checked against (ExportStore); storage
implements both (storage/exports.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import Any, Protocol

from roundtable.exports.model import (
    Author,
    EditRow,
    ResponseRow,
    RoundRow,
    RoundTotals,
    StanceRow,
    SuggestionRow,
)
from roundtable.guild_config.model import GuildSettings
from roundtable.packs.model import PackRecord
from roundtable.series.model import SeriesRecord


class ExportSource(Protocol):
    async def guilds(self) -> list[int]:
        """Every server that has rounds (the CLI's --guild may be left out when there is one)."""
        ...

    async def rounds(
        self,
        guild_id: int,
        *,
        round_id: int | None = None,
        pack_id: int | None = None,
        series_id: int | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[RoundRow]:
        """The guild's rounds (never cancelled ones) in the scope, oldest first."""
        ...

    async def pack_body(self, guild_id: int, pack_id: int) -> str | None:
        """The pack file of one of the guild's rounds (its own pack or a shipped one)."""
        ...

    async def totals(self, guild_id: int, round_id: int) -> RoundTotals:
        """Participation and stance counts of the members an export may show."""
        ...

    async def count_responses(self, guild_id: int, round_ids: Iterable[int]) -> int: ...

    def responses(
        self, guild_id: int, round_id: int, *, kind: str, question: int | None = None
    ) -> AsyncIterator[list[ResponseRow]]:
        """One question's answers (`kind="answer"`, `question=n`) or the replies
        (`kind="reply"`) of a round, in batches, in the order they were stored (the index on
        round, kind, question and id serves both the search and the order)."""
        ...

    def stances(self, guild_id: int, round_id: int) -> AsyncIterator[list[StanceRow]]: ...

    def edits(self, guild_id: int, round_id: int) -> AsyncIterator[list[EditRow]]:
        """Earlier versions of the round's edited responses (of members an export may show)."""
        ...

    async def suggestions(self, guild_id: int, round_id: int) -> list[SuggestionRow]:
        """Questions suggested in the round, oldest first (of members an export may show)."""
        ...

    async def authors(self, guild_id: int, user_ids: Iterable[int]) -> dict[int, Author]:
        """Names and export choices of members mentioned in what others wrote."""
        ...

    async def known_members(self, guild_id: int) -> dict[int, Author]:
        """Every member of the server whose display name is kept, with their export choice."""
        ...

    async def excluded_messages(self, guild_id: int, round_id: int) -> set[int]:
        """The ids a summary cites for what members now left out of exports said (a posted
        message's id, or the negative stored id of an answer whose card was never posted)."""
        ...

    async def present_messages(self, guild_id: int, round_id: int) -> set[int]:
        """The ids a summary may cite for what the round still has (deleted replies and
        withdrawn answers are gone from it)."""
        ...

    async def summary(self, guild_id: int, round_id: int) -> dict[str, Any] | None:
        """The round's latest stored summary (Summary JSON), if any."""
        ...


class ExportStore(Protocol):
    def snapshot(self) -> AbstractAsyncContextManager[ExportSource]:
        """One consistent view of the database for a whole export."""
        ...

    async def settings(self, guild_id: int) -> GuildSettings: ...

    async def pack(self, guild_id: int, slug: str) -> PackRecord | None: ...

    async def series(self, guild_id: int, series_id: int) -> SeriesRecord | None: ...
