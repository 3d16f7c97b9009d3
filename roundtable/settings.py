"""Typed settings, read once from the environment and validated.

`load_settings()` turns a mapping of environment variables into a `Settings` object or raises
`SettingsError` whose message is one sentence naming the variable and the fix. bot.py prints that
sentence and exits with status 2.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

README_APP_SECTION = 'the README\'s "Create the Discord application" section'

DEFAULT_DATABASE_PATH = Path("data/roundtable.db")
DEFAULT_LOG_LEVEL = "INFO"
DEFAULT_LLM_CONTEXT_TOKENS = 8192
DEFAULT_LLM_TIMEOUT_SECONDS = 60.0
# A stop (SIGTERM) waits this long for members' requests under way: under the 10 s a container
# runtime waits before it kills.
DEFAULT_STOP_GRACE_SECONDS = 8.0
MAX_STOP_GRACE_SECONDS = 600.0

# Every variable load_settings() reads; .env.example and the README document each one.
ENV_VARIABLES = (
    "DISCORD_TOKEN",
    "DATABASE_PATH",
    "DATABASE_URL",
    "DEV_GUILD_ID",
    "LOG_LEVEL",
    "MESSAGE_CONTENT_INTENT",
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "OPENAI_MODEL",
    "LLM_CONTEXT_TOKENS",
    "LLM_TIMEOUT_SECONDS",
    "STOP_GRACE_SECONDS",
    "DISCORD_API_BASE",
    "DISCORD_GATEWAY_URL",
    "DEMO_CLOCK",
)
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off", ""})
# A bot token is three base64url segments joined by dots.
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{20,}$")


class SettingsError(Exception):
    """A missing or malformed setting; the message is one sentence for the host."""


@dataclass(frozen=True, slots=True)
class LLMSettings:
    base_url: str | None
    api_key: str
    model: str
    context_tokens: int
    timeout_seconds: float


@dataclass(frozen=True, slots=True)
class Settings:
    discord_token: str
    database_path: Path
    dev_guild_id: int | None
    log_level: str
    message_content_intent: bool
    llm: LLMSettings | None
    # Point the bot at a Discord-compatible server other than Discord (our sandbox). Never set in
    # production; both or neither.
    discord_api_base: str | None = None
    discord_gateway_url: str | None = None
    # The demo's fast clock: (start, speed). Only with the sandbox, never against Discord.
    demo_clock: tuple[datetime, float, float | None] | None = None
    # PostgreSQL (postgresql://...) instead of the SQLite file at database_path.
    database_url: str | None = None
    # How long a stop waits for members' requests under way (cogs/support/in_flight.py).
    stop_grace_seconds: float = DEFAULT_STOP_GRACE_SECONDS

    @property
    def log_level_number(self) -> int:
        return logging.getLevelNamesMapping()[self.log_level]


def _text(env: Mapping[str, str], name: str) -> str:
    return env.get(name, "").strip()


def _token(env: Mapping[str, str]) -> str:
    token = _text(env, "DISCORD_TOKEN")
    if not token:
        raise SettingsError(
            "DISCORD_TOKEN is not set: put your bot's token in .env "
            f"(copy .env.example) as described in {README_APP_SECTION}."
        )
    if token.lower().startswith("bot "):
        raise SettingsError(
            'DISCORD_TOKEN starts with "Bot ": set it to the token alone, without the prefix.'
        )
    if not _TOKEN_SHAPE.match(token):
        raise SettingsError(
            "DISCORD_TOKEN does not look like a bot token (three parts joined by dots): copy it "
            f'again from the Developer Portal\'s "Bot" page, see {README_APP_SECTION}.'
        )
    return token


def _snowflake(env: Mapping[str, str], name: str, what: str) -> int | None:
    raw = _text(env, name)
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()) or not 15 <= len(raw) <= 20:
        raise SettingsError(
            f"{name} must be {what} (a number of 15 to 20 digits, from Discord's "
            f'"Copy Server ID" with Developer Mode on), not {raw!r}; leave it empty to unset it.'
        )
    return int(raw)


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = _text(env, name).lower()
    if name not in env:
        return default
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise SettingsError(f"{name} must be true or false (or 1/0, yes/no, on/off), not {raw!r}.")


def _log_level(env: Mapping[str, str]) -> str:
    raw = _text(env, "LOG_LEVEL").upper() or DEFAULT_LOG_LEVEL
    if raw not in _LOG_LEVELS:
        raise SettingsError(f"LOG_LEVEL must be one of {', '.join(_LOG_LEVELS)}, not {raw!r}.")
    return raw


def _http_url(env: Mapping[str, str], name: str, schemes: tuple[str, ...]) -> str | None:
    raw = _text(env, name)
    if not raw:
        return None
    parts = urlsplit(raw)
    if parts.scheme not in schemes or not parts.netloc:
        raise SettingsError(
            f"{name} must be a full URL starting with {' or '.join(s + '://' for s in schemes)}, "
            f"not {raw!r}."
        )
    return raw.rstrip("/")


def _positive_number(env: Mapping[str, str], name: str, default: float, kind: type) -> float:
    raw = _text(env, name)
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError:
        value = 0
    if value <= 0:
        noun = "a whole number" if kind is int else "a number"
        raise SettingsError(f"{name} must be {noun} above zero, not {raw!r}.")
    return value


def _llm(env: Mapping[str, str]) -> LLMSettings | None:
    base_url = _http_url(env, "OPENAI_BASE_URL", ("http", "https"))
    api_key = _text(env, "OPENAI_API_KEY")
    model = _text(env, "OPENAI_MODEL")
    if not (base_url or api_key or model):
        return None
    if not model:
        raise SettingsError(
            "OPENAI_MODEL is not set: name the model to use for summaries (for example "
            "gpt-4o-mini, or llama3.1 on Ollama), or unset OPENAI_API_KEY and OPENAI_BASE_URL "
            "to keep summaries offline."
        )
    if not api_key and not base_url:
        raise SettingsError(
            "OPENAI_API_KEY is not set: give your OpenAI key, or set OPENAI_BASE_URL to a "
            "local OpenAI-compatible server (which needs no key)."
        )
    return LLMSettings(
        base_url=base_url,
        # Local servers accept any key; the openai client insists on a non-empty one.
        api_key=api_key or "not-needed",
        model=model,
        context_tokens=int(
            _positive_number(env, "LLM_CONTEXT_TOKENS", DEFAULT_LLM_CONTEXT_TOKENS, int)
        ),
        timeout_seconds=_positive_number(
            env, "LLM_TIMEOUT_SECONDS", DEFAULT_LLM_TIMEOUT_SECONDS, float
        ),
    )


def _sandbox(env: Mapping[str, str]) -> tuple[str | None, str | None]:
    api = _http_url(env, "DISCORD_API_BASE", ("http", "https"))
    gateway = _http_url(env, "DISCORD_GATEWAY_URL", ("ws", "wss"))
    if bool(api) != bool(gateway):
        missing = "DISCORD_GATEWAY_URL" if api else "DISCORD_API_BASE"
        raise SettingsError(
            f"{missing} is not set: DISCORD_API_BASE and DISCORD_GATEWAY_URL point the bot at a "
            "Discord-compatible test server together; set both, or neither for Discord itself."
        )
    return api, gateway


_DEMO_CLOCK = re.compile(r"^(\S+)\s+x(\d+(?:\.\d+)?)(?:\s+from\s+(\d+(?:\.\d+)?))?$")


def _demo_clock(
    env: Mapping[str, str], sandbox: bool
) -> tuple[datetime, float, float | None] | None:
    raw = _text(env, "DEMO_CLOCK")
    if not raw:
        return None
    if not sandbox:
        raise SettingsError(
            "DEMO_CLOCK runs the bot on a fast clock for the demo and works only with "
            "DISCORD_API_BASE (the sandbox): unset it."
        )
    match = _DEMO_CLOCK.match(raw)
    try:
        start = datetime.fromisoformat(match.group(1)) if match else None
    except ValueError:
        start = None
    if match is None or start is None or start.tzinfo is None or float(match.group(2)) < 1:
        raise SettingsError(
            f"DEMO_CLOCK is {raw!r}: write a UTC start and a speed, like "
            "2026-03-02T18:00:00+00:00 x3600 (and optionally `from UNIX_TIME`, the real moment "
            "the clock reads its start)."
        )
    anchor = float(match.group(3)) if match.group(3) else None
    return start.astimezone(UTC), float(match.group(2)), anchor


def load_settings(env: Mapping[str, str], *, need_token: bool = True) -> Settings:
    """Validate `env` (usually os.environ after .env was loaded) into Settings.

    `need_token=False` is for subcommands that never connect (pack check, summarize).
    """
    token = _token(env) if need_token else _text(env, "DISCORD_TOKEN")
    database = _text(env, "DATABASE_PATH")
    api_base, gateway_url = _sandbox(env)
    return Settings(
        discord_token=token,
        database_path=Path(database) if database else DEFAULT_DATABASE_PATH,
        dev_guild_id=_snowflake(env, "DEV_GUILD_ID", "a server ID"),
        log_level=_log_level(env),
        message_content_intent=_flag(env, "MESSAGE_CONTENT_INTENT", default=False),
        llm=_llm(env),
        discord_api_base=api_base,
        discord_gateway_url=gateway_url,
        demo_clock=_demo_clock(env, sandbox=api_base is not None),
        database_url=database_url(env),
        stop_grace_seconds=_stop_grace(env),
    )


def _stop_grace(env: Mapping[str, str]) -> float:
    grace = _positive_number(env, "STOP_GRACE_SECONDS", DEFAULT_STOP_GRACE_SECONDS, float)
    if not math.isfinite(grace) or grace > MAX_STOP_GRACE_SECONDS:
        raise SettingsError(
            f"STOP_GRACE_SECONDS must be at most {MAX_STOP_GRACE_SECONDS:.0f}, not "
            f"{_text(env, 'STOP_GRACE_SECONDS')!r}."
        )
    return grace


def database_url(env: Mapping[str, str]) -> str | None:
    """DATABASE_URL: PostgreSQL's connection URL, or None for SQLite (DATABASE_PATH)."""
    raw = _text(env, "DATABASE_URL")
    if not raw:
        return None
    parts = urlsplit(raw)
    if parts.scheme not in ("postgresql", "postgres") or (not parts.hostname and not parts.path):
        raise SettingsError(
            "DATABASE_URL must be a PostgreSQL URL such as "
            "postgresql://roundtable:PASSWORD@localhost:5432/roundtable (or leave it empty for "
            f"SQLite at DATABASE_PATH), not one starting {raw.split(':', 1)[0]!r}."
        )
    return raw
