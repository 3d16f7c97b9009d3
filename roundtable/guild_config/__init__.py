"""A server's settings (/config): their nouns (model), the rules and cache (service), and what
they need kept (store)."""

from roundtable.guild_config.service import (
    AUTOCOMPLETE_LIMIT,
    CLEARABLE,
    SUMMARY_MODES,
    THREAD_ON_CLOSE,
    ConfigChange,
    GuildConfig,
    is_moderator,
    suggest_timezones,
    validate_timezone,
)

__all__ = [
    "AUTOCOMPLETE_LIMIT",
    "CLEARABLE",
    "SUMMARY_MODES",
    "THREAD_ON_CLOSE",
    "ConfigChange",
    "GuildConfig",
    "is_moderator",
    "suggest_timezones",
    "validate_timezone",
]
