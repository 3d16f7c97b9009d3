from __future__ import annotations

import pytest

from roundtable.errors import UserError
from roundtable.guild_config import (
    ConfigChange,
    GuildConfig,
    is_moderator,
    suggest_timezones,
    validate_timezone,
)
from storage.database import Database
from storage.guild_settings import GuildSettings, GuildSettingsRepository


@pytest.fixture
def config(db: Database) -> GuildConfig:
    return GuildConfig(GuildSettingsRepository(db), llm_configured=False)


def test_timezones_are_validated_and_canonical() -> None:
    assert validate_timezone("europe/paris") == "Europe/Paris"
    assert validate_timezone(" UTC ") == "UTC"


def test_an_unknown_timezone_gets_suggestions() -> None:
    with pytest.raises(UserError) as caught:
        validate_timezone("Paris")
    assert str(caught.value) == (
        "Paris is not an IANA time zone such as Europe/Paris or America/New_York. "
        "Did you mean Europe/Paris?"
    )
    with pytest.raises(UserError, match="^Mars/Olympus is not an IANA time zone"):
        validate_timezone("Mars/Olympus")


def test_timezone_suggestions() -> None:
    assert suggest_timezones("new york") == ["America/New_York"]
    assert suggest_timezones("Europe/Ber")[0] == "Europe/Berlin"
    assert "Asia/Tokyo" in suggest_timezones("tok")
    assert len(suggest_timezones("a")) == 25
    assert suggest_timezones("")[0] == "UTC"


def test_moderators() -> None:
    plain = GuildSettings(guild_id=1)
    with_role = GuildSettings(guild_id=1, moderator_role_id=55)
    assert is_moderator(manage_guild=True, role_ids=[], settings=plain)
    assert not is_moderator(manage_guild=False, role_ids=[55], settings=plain)
    assert is_moderator(manage_guild=False, role_ids=[3, 55], settings=with_role)
    assert not is_moderator(manage_guild=False, role_ids=[3], settings=with_role)


async def test_set_stores_each_given_option(config: GuildConfig) -> None:
    stored = await config.set(
        10,
        ConfigChange(moderator_role_id=5, discussion_channel_id=6, timezone="asia/tokyo"),
        by=99,
    )
    assert (stored.moderator_role_id, stored.discussion_channel_id, stored.timezone) == (
        5,
        6,
        "Asia/Tokyo",
    )
    assert (stored.summary_mode, stored.updated_by) == ("offline", 99)
    assert await config.get(10) == stored


async def test_set_with_nothing_is_refused(config: GuildConfig) -> None:
    with pytest.raises(UserError, match="Nothing to change"):
        await config.set(10, ConfigChange(), by=1)


async def test_bad_timezone_stores_nothing(config: GuildConfig, db: Database) -> None:
    with pytest.raises(UserError):
        await config.set(10, ConfigChange(moderator_role_id=5, timezone="Nowhere"), by=1)
    assert await db.fetch_all("SELECT * FROM guild_settings") == []


async def test_llm_mode_needs_an_llm(db: Database) -> None:
    without = GuildConfig(GuildSettingsRepository(db), llm_configured=False)
    with pytest.raises(UserError, match="LLM summaries need the bot's host"):
        await without.set(10, ConfigChange(summary_mode="llm"), by=1)
    with_llm = GuildConfig(GuildSettingsRepository(db), llm_configured=True)
    assert (await with_llm.set(10, ConfigChange(summary_mode="llm"), by=1)).summary_mode == "llm"


async def test_unknown_summary_mode(config: GuildConfig) -> None:
    with pytest.raises(UserError, match="Summary mode must be one of offline, llm"):
        await config.set(10, ConfigChange(summary_mode="magic"), by=1)


async def test_clear(config: GuildConfig) -> None:
    await config.set(10, ConfigChange(moderator_role_id=5, discussion_channel_id=6), by=1)
    assert (await config.clear(10, "moderator_role", by=1)).moderator_role_id is None
    cleared = await config.clear(10, "channel", by=1)
    assert cleared.discussion_channel_id is None
    await config.set(10, ConfigChange(suggestions_channel_id=7), by=1)
    assert (await config.get(10)).suggestions_channel_id == 7
    assert (await config.clear(10, "suggestions_channel", by=1)).suggestions_channel_id is None
    with pytest.raises(
        UserError, match="Only moderator_role, channel or suggestions_channel can be cleared"
    ):
        await config.clear(10, "timezone", by=1)
