from __future__ import annotations

from pathlib import Path

import pytest

from roundtable.settings import (
    DEFAULT_DATABASE_PATH,
    DEFAULT_LLM_CONTEXT_TOKENS,
    SettingsError,
    load_settings,
)
from tests.conftest import FAKE_TOKEN


def env(**values: str) -> dict[str, str]:
    return {"DISCORD_TOKEN": FAKE_TOKEN, **values}


def test_defaults_with_only_a_token() -> None:
    s = load_settings(env())
    assert s.discord_token == FAKE_TOKEN
    assert s.database_path == DEFAULT_DATABASE_PATH == Path("data/roundtable.db")
    assert s.dev_guild_id is None
    assert s.log_level == "INFO"
    assert s.message_content_intent is False
    assert s.llm is None
    assert (s.discord_api_base, s.discord_gateway_url) == (None, None)


def test_missing_token_names_the_variable_and_the_readme_section() -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings({})
    assert str(caught.value) == (
        "DISCORD_TOKEN is not set: put your bot's token in .env (copy .env.example) as "
        'described in the README\'s "Create the Discord application" section.'
    )


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("   ", "DISCORD_TOKEN is not set"),
        (f"Bot {FAKE_TOKEN}", 'starts with "Bot "'),
        ("not-a-token", "does not look like a bot token"),
        ("abc.def", "does not look like a bot token"),
    ],
)
def test_malformed_tokens(token: str, message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        load_settings({"DISCORD_TOKEN": token})


def test_token_may_be_absent_for_offline_subcommands() -> None:
    assert load_settings({}, need_token=False).discord_token == ""


def test_database_path() -> None:
    assert load_settings(env(DATABASE_PATH="/tmp/x/rt.db")).database_path == Path("/tmp/x/rt.db")


def test_database_url_picks_postgresql() -> None:
    assert load_settings(env()).database_url is None
    url = "postgresql://roundtable:secret@db.example:5432/roundtable"
    assert load_settings(env(DATABASE_URL=url)).database_url == url
    assert load_settings(env(DATABASE_URL="postgres://u@h/d")).database_url == "postgres://u@h/d"


@pytest.mark.parametrize("value", ["mysql://u:hunter2@h/d", "sqlite:///data/rt.db", "h:5432/db"])
def test_a_database_url_that_is_not_postgresql_is_refused_without_echoing_it(value: str) -> None:
    with pytest.raises(SettingsError, match="DATABASE_URL must be a PostgreSQL URL") as raised:
        load_settings(env(DATABASE_URL=value))
    assert "hunter2" not in str(raised.value)  # a password never reaches a log


def test_dev_guild_id() -> None:
    assert load_settings(env(DEV_GUILD_ID="123456789012345678")).dev_guild_id == (
        123456789012345678
    )
    assert load_settings(env(DEV_GUILD_ID="")).dev_guild_id is None


@pytest.mark.parametrize(
    "value", ["abc", "12", "-123456789012345678", "1234567890123456789012", "\u00b2" * 18]
)
def test_bad_dev_guild_id(value: str) -> None:
    with pytest.raises(SettingsError, match="DEV_GUILD_ID must be a server ID"):
        load_settings(env(DEV_GUILD_ID=value))


@pytest.mark.parametrize("value", ["debug", "WARNING", " error "])
def test_log_level(value: str) -> None:
    assert load_settings(env(LOG_LEVEL=value)).log_level == value.strip().upper()


def test_bad_log_level() -> None:
    with pytest.raises(SettingsError, match="LOG_LEVEL must be one of DEBUG, INFO"):
        load_settings(env(LOG_LEVEL="loud"))


@pytest.mark.parametrize(
    ("value", "expected"),
    [("true", True), ("1", True), ("YES", True), ("on", True), ("false", False), ("0", False)],
)
def test_message_content_intent(value: str, expected: bool) -> None:
    assert load_settings(env(MESSAGE_CONTENT_INTENT=value)).message_content_intent is expected


def test_bad_message_content_intent() -> None:
    with pytest.raises(SettingsError, match="MESSAGE_CONTENT_INTENT must be true or false"):
        load_settings(env(MESSAGE_CONTENT_INTENT="maybe"))


def test_llm_with_openai_key() -> None:
    llm = load_settings(env(OPENAI_API_KEY="k", OPENAI_MODEL="gpt-4o-mini")).llm
    assert llm is not None
    assert (llm.base_url, llm.api_key, llm.model) == (None, "k", "gpt-4o-mini")
    assert llm.context_tokens == DEFAULT_LLM_CONTEXT_TOKENS


def test_llm_with_local_server_needs_no_key() -> None:
    llm = load_settings(
        env(OPENAI_BASE_URL="http://127.0.0.1:11434/v1/", OPENAI_MODEL="llama3.1")
    ).llm
    assert llm is not None
    assert llm.base_url == "http://127.0.0.1:11434/v1"
    assert llm.api_key == "not-needed"


def test_llm_without_model() -> None:
    with pytest.raises(SettingsError, match="OPENAI_MODEL is not set"):
        load_settings(env(OPENAI_API_KEY="k"))


def test_llm_model_without_key_or_url() -> None:
    with pytest.raises(SettingsError, match="OPENAI_API_KEY is not set"):
        load_settings(env(OPENAI_MODEL="m"))


def test_bad_llm_base_url() -> None:
    with pytest.raises(SettingsError, match="OPENAI_BASE_URL must be a full URL"):
        load_settings(env(OPENAI_BASE_URL="localhost:11434", OPENAI_MODEL="m"))


def test_llm_numbers() -> None:
    llm = load_settings(
        env(
            OPENAI_API_KEY="k",
            OPENAI_MODEL="m",
            LLM_CONTEXT_TOKENS="4096",
            LLM_TIMEOUT_SECONDS="2.5",
        )
    ).llm
    assert llm is not None
    assert (llm.context_tokens, llm.timeout_seconds) == (4096, 2.5)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("LLM_CONTEXT_TOKENS", "0"),
        ("LLM_CONTEXT_TOKENS", "lots"),
        ("LLM_CONTEXT_TOKENS", "1.5"),
        ("LLM_TIMEOUT_SECONDS", "-1"),
    ],
)
def test_bad_llm_numbers(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=f"{name} must be"):
        load_settings(env(OPENAI_API_KEY="k", OPENAI_MODEL="m", **{name: value}))


def test_stop_grace() -> None:
    assert load_settings(env()).stop_grace_seconds == 8.0
    assert load_settings(env(STOP_GRACE_SECONDS="30")).stop_grace_seconds == 30.0
    for bad, said in [("0", "above zero"), ("soon", "above zero"), ("1e9", "at most 600")]:
        with pytest.raises(SettingsError, match=f"STOP_GRACE_SECONDS must be .*{said}"):
            load_settings(env(STOP_GRACE_SECONDS=bad))
    with pytest.raises(SettingsError, match="at most 600, not 'nan'"):
        load_settings(env(STOP_GRACE_SECONDS="nan"))


def test_sandbox_urls_come_in_pairs() -> None:
    s = load_settings(
        env(
            DISCORD_API_BASE="http://127.0.0.1:5000/api/v10",
            DISCORD_GATEWAY_URL="ws://127.0.0.1:5000/gateway",
        )
    )
    assert s.discord_api_base == "http://127.0.0.1:5000/api/v10"
    assert s.discord_gateway_url == "ws://127.0.0.1:5000/gateway"
    with pytest.raises(SettingsError, match="DISCORD_GATEWAY_URL is not set"):
        load_settings(env(DISCORD_API_BASE="http://127.0.0.1:5000/api/v10"))
    with pytest.raises(
        SettingsError, match="DISCORD_GATEWAY_URL must be a full URL starting with ws"
    ):
        load_settings(
            env(DISCORD_API_BASE="http://127.0.0.1:1/api", DISCORD_GATEWAY_URL="http://127.0.0.1:1")
        )


def test_the_demo_clock_works_only_with_the_sandbox() -> None:
    sandbox = {
        "DISCORD_API_BASE": "http://127.0.0.1:5000/api/v10",
        "DISCORD_GATEWAY_URL": "ws://127.0.0.1:5000/gateway",
    }
    s = load_settings(env(DEMO_CLOCK="2026-03-02T18:00:00+00:00 x3600", **sandbox))
    assert s.demo_clock is not None
    assert s.demo_clock[0].isoformat() == "2026-03-02T18:00:00+00:00"
    assert s.demo_clock[1:] == (3600.0, None)
    anchored = load_settings(
        env(DEMO_CLOCK="2026-03-02T18:00:00+00:00 x3600 from 1700000000.5", **sandbox)
    )
    assert anchored.demo_clock is not None and anchored.demo_clock[2] == 1700000000.5
    with pytest.raises(SettingsError, match="works only with DISCORD_API_BASE"):
        load_settings(env(DEMO_CLOCK="2026-03-02T18:00:00+00:00 x3600"))
    for bad in (
        "tomorrow x10",
        "2026-03-02T18:00:00 x10",
        "2026-03-02T18:00:00+00:00",
        "2026-03-02T18:00:00+00:00 x10 from now",
    ):
        with pytest.raises(SettingsError, match="DEMO_CLOCK is"):
            load_settings(env(DEMO_CLOCK=bad, **sandbox))
    assert load_settings(env(**sandbox)).demo_clock is None
