"""Guild configuration: who moderates, where rounds go, the time zone, the summary engine."""

from __future__ import annotations

import functools
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass

from roundtable.errors import UserError
from roundtable.guild_config.model import UNSET, GuildSettings, Unset
from roundtable.guild_config.store import GuildSettingsStore

SUMMARY_MODES = ("offline", "llm")
THREAD_ON_CLOSE = {
    "lock": "lock and archive the thread",
    "archive": "archive the thread (members can reopen it by posting)",
    "keep": "leave the thread open",
}
CLEARABLE = ("moderator_role", "channel", "suggestions_channel")
AUTOCOMPLETE_LIMIT = 25  # Discord shows at most 25 choices.


@functools.cache
def _zones() -> tuple[tuple[str, str], ...]:
    """(lowercase, canonical) IANA names, sorted; read once from tzdata."""
    names = zoneinfo.available_timezones() - {"localtime", "Factory"}
    return tuple(sorted((name.lower(), name) for name in names))


def validate_timezone(name: str) -> str:
    """The canonical IANA name for `name` (any case), or UserError."""
    wanted = name.strip().lower()
    for lower, canonical in _zones():
        if lower == wanted:
            return canonical
    close = suggest_timezones(name, limit=3)
    hint = f" Did you mean {', '.join(close)}?" if close else ""
    raise UserError(
        f"{name.strip() or 'An empty name'} is not an IANA time zone such as Europe/Paris or "
        f"America/New_York.{hint}"
    )


def suggest_timezones(query: str, *, limit: int = AUTOCOMPLETE_LIMIT) -> list[str]:
    """Zones whose name contains every word of `query`; names starting with it first."""
    words = query.strip().lower().replace(" ", "_").split("_")
    words = [w for w in words if w]
    if not words:
        preferred = ["UTC", "Europe/London", "Europe/Paris", "America/New_York", "Asia/Tokyo"]
        return preferred[:limit]
    needle = "_".join(words)
    starts, contains = [], []
    for lower, canonical in _zones():
        city = lower.rsplit("/", 1)[-1]
        if lower.startswith(needle) or city.startswith(needle):
            starts.append(canonical)
        elif all(w in lower for w in words):
            contains.append(canonical)
        if len(starts) >= limit:
            break
    return (starts + contains)[:limit]


def is_moderator(*, manage_guild: bool, role_ids: Iterable[int], settings: GuildSettings) -> bool:
    """Manage Server, or the guild's configured moderator role."""
    if manage_guild:
        return True
    return settings.moderator_role_id is not None and settings.moderator_role_id in set(role_ids)


@dataclass(frozen=True, slots=True)
class ConfigChange:
    """What a moderator asked /config set to change; None means "not given"."""

    moderator_role_id: int | None = None
    discussion_channel_id: int | None = None
    timezone: str | None = None
    summary_mode: str | None = None
    thread_on_close: str | None = None
    suggestions_channel_id: int | None = None

    def is_empty(self) -> bool:
        return all(
            v is None
            for v in (
                self.moderator_role_id,
                self.discussion_channel_id,
                self.timezone,
                self.summary_mode,
                self.thread_on_close,
                self.suggestions_channel_id,
            )
        )


class GuildConfig:
    """The decisions behind /config; storage does the persisting."""

    def __init__(self, repo: GuildSettingsStore, *, llm_configured: bool):
        self._repo = repo
        self._llm_configured = llm_configured
        # Read on every moderator command and every close; changed only through this service
        # (one process owns the database), so kept in memory: a read is a turn of the event
        # loop, which under a burst of replies waits behind the gateway's backlog.
        self._known: dict[int, GuildSettings] = {}

    async def get(self, guild_id: int) -> GuildSettings:
        found = self._known.get(guild_id)
        if found is None:
            found = self._known[guild_id] = await self._repo.get(guild_id)
        return found

    def _keep(self, settings: GuildSettings) -> GuildSettings:
        self._known[settings.guild_id] = settings
        return settings

    async def set(self, guild_id: int, change: ConfigChange, *, by: int) -> GuildSettings:
        if change.is_empty():
            raise UserError(
                "Nothing to change: give at least one option (moderator_role, channel, "
                "timezone, summary_mode, thread_on_close or suggestions_channel)."
            )
        timezone = validate_timezone(change.timezone) if change.timezone is not None else UNSET
        mode: str | Unset = UNSET
        if change.summary_mode is not None:
            mode = change.summary_mode.strip().lower()
            if mode not in SUMMARY_MODES:
                raise UserError(
                    f"Summary mode must be one of {', '.join(SUMMARY_MODES)}, "
                    f"not {change.summary_mode!r}."
                )
            if mode == "llm" and not self._llm_configured:
                raise UserError(
                    "LLM summaries need the bot's host to set OPENAI_MODEL and OPENAI_API_KEY or "
                    "OPENAI_BASE_URL first; summaries stay offline until then."
                )
        on_close: str | Unset = UNSET
        if change.thread_on_close is not None:
            if change.thread_on_close not in THREAD_ON_CLOSE:
                raise UserError(
                    f"thread_on_close must be one of {', '.join(THREAD_ON_CLOSE)}, "
                    f"not {change.thread_on_close!r}."
                )
            on_close = change.thread_on_close
        return self._keep(
            await self._repo.update(
                guild_id,
                by=by,
                thread_on_close=on_close,
                moderator_role_id=(
                    change.moderator_role_id if change.moderator_role_id is not None else UNSET
                ),
                discussion_channel_id=(
                    change.discussion_channel_id
                    if change.discussion_channel_id is not None
                    else UNSET
                ),
                timezone=timezone,
                summary_mode=mode,
                suggestions_channel_id=(
                    change.suggestions_channel_id
                    if change.suggestions_channel_id is not None
                    else UNSET
                ),
            )
        )

    async def clear(self, guild_id: int, setting: str, *, by: int) -> GuildSettings:
        """Unset the moderator role, the default channel or the suggestions channel."""
        if setting == "moderator_role":
            return self._keep(await self._repo.update(guild_id, by=by, moderator_role_id=None))
        if setting == "channel":
            return self._keep(await self._repo.update(guild_id, by=by, discussion_channel_id=None))
        if setting == "suggestions_channel":
            return self._keep(await self._repo.update(guild_id, by=by, suggestions_channel_id=None))
        raise UserError(
            f"Only {', '.join(CLEARABLE[:-1])} or {CLEARABLE[-1]} can be cleared, not {setting!r}."
        )
