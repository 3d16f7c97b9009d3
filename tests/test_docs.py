"""The README and .env.example stay true to the code."""

from __future__ import annotations

import re
from pathlib import Path

from cogs.support.bot import REQUIRED_PERMISSIONS
from roundtable.settings import ENV_VARIABLES

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text("utf-8")


def test_env_example_documents_every_variable() -> None:
    example = (ROOT / ".env.example").read_text("utf-8")
    assigned = set(re.findall(r"^([A-Z_]+)=", example, flags=re.MULTILINE))
    assert assigned == set(ENV_VARIABLES)


def test_readme_configuration_table_lists_every_variable() -> None:
    rows = set(re.findall(r"^\| `([A-Z_]+)` \|", README, flags=re.MULTILINE))
    assert rows == set(ENV_VARIABLES)


def test_readme_invite_url_asks_for_the_permissions_the_bot_needs() -> None:
    url = re.search(r"https://discord\.com/oauth2/authorize\S+", README)
    assert url is not None
    assert "scope=bot+applications.commands" in url.group(0)
    assert f"permissions={REQUIRED_PERMISSIONS.value}" in url.group(0)


def test_ci_runs_the_readme_test_command() -> None:
    assert "make test" in README
    assert (ROOT / ".ci" / "run").read_text("utf-8").strip().endswith("make test")
