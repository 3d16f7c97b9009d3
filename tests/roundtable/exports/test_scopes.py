"""What moderators type for /export's scope and days (#27): each crafted value is a sentence
to the moderator, never a traceback (a 20-digit round number reached SQLite and overflowed)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from roundtable.errors import UserError
from roundtable.exports.model import Scope, parse_day, parse_scope


@pytest.mark.parametrize(
    ("typed", "scope"),
    [
        ("round:12", Scope("round", round_id=12)),
        ("#7", Scope("round", round_id=7)),
        ("series:3", Scope("series", series_id=3)),
        ("Server", Scope("server")),
        ("pack:on-liberty", Scope("pack", pack_slug="on-liberty")),
    ],
)
def test_scopes_moderators_type(typed: str, scope: Scope) -> None:
    assert parse_scope(typed) == scope


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("99999999999999999999", "There is no round 99999999999999999999 on this server."),
        ("round:99999999999999999999", "There is no round 99999999999999999999"),
        ("series:123456789012345678901", "There is no series 123456789012345678901"),
        ("round:\u00b2", "a round is named by its number"),
        ("#\u0661\u0662", "There is no round \u0661\u0662 on this server."),
    ],
)
def test_numbers_no_round_can_have_are_refused(typed: str, message: str) -> None:
    with pytest.raises(UserError, match=message):
        parse_scope(typed)


@pytest.mark.parametrize("typed", ["9999-12-31", "0001-01-01"])
def test_days_at_the_ends_of_the_calendar_are_refused(typed: str) -> None:
    with pytest.raises(UserError, match="out of range"):
        parse_day(typed, "Pacific/Kiritimati", end=True)
    assert parse_day("2026-12-06", "UTC", end=True) == datetime(2026, 12, 7, tzinfo=UTC)
