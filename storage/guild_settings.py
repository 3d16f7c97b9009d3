"""Per-guild settings (the /config command's data)."""

from __future__ import annotations

from datetime import UTC, datetime

from roundtable.guild_config.model import UNSET, GuildSettings, Unset
from storage.connection import Row
from storage.database import Database

# The nouns are the core's (roundtable.guild_config.model); named here for the repository's
# callers.
__all__ = ["UNSET", "GuildSettings", "GuildSettingsRepository", "Unset"]


def _from_row(row: Row) -> GuildSettings:
    return GuildSettings(
        guild_id=row["guild_id"],
        moderator_role_id=row["moderator_role_id"],
        discussion_channel_id=row["discussion_channel_id"],
        timezone=row["timezone"],
        summary_mode=row["summary_mode"],
        thread_on_close=row["thread_on_close"],
        suggestions_channel_id=row["suggestions_channel_id"],
        updated_at=datetime.fromisoformat(row["updated_at"]),
        updated_by=row["updated_by"],
    )


_SELECT = (
    "SELECT guild_id, moderator_role_id, discussion_channel_id, timezone, summary_mode, "
    "thread_on_close, suggestions_channel_id, updated_at, updated_by FROM guild_settings "
    "WHERE guild_id = ?"
)

# One statement changes any subset of fields: each column has a "change it?" flag and a value.
_UPDATE = """
UPDATE guild_settings SET
    moderator_role_id     = CASE WHEN :set_role     THEN :role     ELSE moderator_role_id END,
    discussion_channel_id = CASE WHEN :set_channel  THEN :channel  ELSE discussion_channel_id END,
    timezone              = CASE WHEN :set_timezone THEN :timezone ELSE timezone END,
    summary_mode          = CASE WHEN :set_mode     THEN :mode     ELSE summary_mode END,
    thread_on_close       = CASE WHEN :set_close    THEN :close    ELSE thread_on_close END,
    suggestions_channel_id = CASE WHEN :set_suggestions THEN :suggestions
                                  ELSE suggestions_channel_id END,
    updated_at            = :now,
    updated_by            = :by
WHERE guild_id = :guild_id
RETURNING guild_id, moderator_role_id, discussion_channel_id, timezone, summary_mode,
          thread_on_close, suggestions_channel_id, updated_at, updated_by
"""


class GuildSettingsRepository:
    def __init__(self, db: Database):
        self._db = db

    async def get(self, guild_id: int) -> GuildSettings:
        """The guild's settings, or the defaults when it never changed any."""
        row = await self._db.fetch_one(_SELECT, (guild_id,))
        return _from_row(row) if row else GuildSettings(guild_id=guild_id)

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

        def pair(value: object) -> tuple[bool, object]:
            return (value is not UNSET, None if value is UNSET else value)

        set_role, role = pair(moderator_role_id)
        set_channel, channel = pair(discussion_channel_id)
        set_timezone, tz = pair(timezone)
        set_mode, mode = pair(summary_mode)
        set_close, close = pair(thread_on_close)
        set_suggestions, suggestions = pair(suggestions_channel_id)
        now = datetime.now(UTC).isoformat()
        async with self._db.transaction() as conn:
            await conn.execute(
                "INSERT INTO guild_settings (guild_id, updated_at) VALUES (?, ?) "
                "ON CONFLICT (guild_id) DO NOTHING",
                (guild_id, now),
            )
            async with conn.execute(
                _UPDATE,
                {
                    "guild_id": guild_id,
                    "set_role": set_role,
                    "role": role,
                    "set_channel": set_channel,
                    "channel": channel,
                    "set_timezone": set_timezone,
                    "timezone": tz,
                    "set_mode": set_mode,
                    "mode": mode,
                    "set_close": set_close,
                    "close": close,
                    "set_suggestions": set_suggestions,
                    "suggestions": suggestions,
                    "now": now,
                    "by": by,
                },
            ) as cursor:
                row = await cursor.fetchone()
        assert row is not None
        return _from_row(row)
