"""What the guild settings service needs kept: a Protocol that storage implements
(storage/guild_settings.py's GuildSettingsRepository)."""

from __future__ import annotations

from typing import Protocol

from roundtable.guild_config.model import UNSET, GuildSettings, Unset


class GuildSettingsStore(Protocol):
    async def get(self, guild_id: int) -> GuildSettings:
        """The guild's settings, or the defaults when it never changed any."""
        ...

    async def update(
        self,
        guild_id: int,
        *,
        by: int | None,
        moderator_role_id: int | Unset | None = UNSET,
        discussion_channel_id: int | Unset | None = UNSET,
        timezone: str | Unset = UNSET,
        summary_mode: str | Unset = UNSET,
        thread_on_close: str | Unset = UNSET,
        suggestions_channel_id: int | Unset | None = UNSET,
    ) -> GuildSettings:
        """Change the given fields atomically and return the stored result."""
        ...
