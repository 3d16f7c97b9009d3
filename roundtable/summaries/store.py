"""What the summary service needs kept: a Protocol that storage implements (storage/summaries.py's
SummaryRepository)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from roundtable.summaries.model import SummaryPost, SummaryRecord


class SummaryStore(Protocol):
    async def add(
        self,
        guild_id: int,
        round_id: int,
        *,
        engine: str,
        content_hash: str,
        body: dict,
        prompt_tokens: int,
        completion_tokens: int,
        by: int | None,
    ) -> SummaryRecord: ...

    async def latest(self, guild_id: int, round_id: int) -> SummaryRecord | None: ...

    async def same(
        self, guild_id: int, round_id: int, engine: str, content_hash: str
    ) -> SummaryRecord | None: ...

    async def last_made(self, guild_id: int) -> datetime | None: ...

    async def record_post(self, post: SummaryPost) -> None: ...

    async def posts_in(self, channel_id: int) -> list[SummaryPost]: ...

    async def posts_of(self, guild_id: int) -> list[SummaryPost]: ...
