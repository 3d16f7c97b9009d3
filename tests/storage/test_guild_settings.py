from __future__ import annotations

from pathlib import Path

from storage.database import Database, SqliteDatabase
from storage.guild_settings import GuildSettings, GuildSettingsRepository


async def test_a_guild_without_a_row_has_the_defaults(db: Database) -> None:
    assert await GuildSettingsRepository(db).get(42) == GuildSettings(guild_id=42)


async def test_update_changes_only_the_given_fields(db: Database) -> None:
    repo = GuildSettingsRepository(db)
    await repo.update(42, by=1, moderator_role_id=500, timezone="Europe/Paris")
    stored = await repo.update(42, by=2, summary_mode="llm")
    assert (stored.moderator_role_id, stored.timezone, stored.summary_mode) == (
        500,
        "Europe/Paris",
        "llm",
    )
    assert stored.updated_by == 2
    assert await repo.get(42) == stored


async def test_none_clears_a_field(db: Database) -> None:
    repo = GuildSettingsRepository(db)
    await repo.update(42, by=1, moderator_role_id=500, discussion_channel_id=600)
    stored = await repo.update(42, by=1, moderator_role_id=None)
    assert (stored.moderator_role_id, stored.discussion_channel_id) == (None, 600)


async def test_guilds_are_separate(db: Database) -> None:
    repo = GuildSettingsRepository(db)
    await repo.update(1, by=1, timezone="Asia/Tokyo")
    assert (await repo.get(2)).timezone == "UTC"


async def test_settings_survive_reopening(db_path: Path) -> None:
    async with SqliteDatabase.open(db_path) as db:
        await GuildSettingsRepository(db).update(9, by=3, discussion_channel_id=77)
    async with SqliteDatabase.open(db_path) as db:
        assert (await GuildSettingsRepository(db).get(9)).discussion_channel_id == 77
