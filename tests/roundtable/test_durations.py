from __future__ import annotations

from datetime import timedelta

import pytest

from roundtable.durations import describe, parse_duration
from roundtable.errors import UserError


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("90m", timedelta(minutes=90)),
        ("2h", timedelta(hours=2)),
        ("1d 12h", timedelta(days=1, hours=12)),
        ("1 week", timedelta(weeks=1)),
        ("3 days, 4 hours and 5 minutes", timedelta(days=3, hours=4, minutes=5)),
        (" 2H ", timedelta(hours=2)),
    ],
)
def test_durations(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("soon", "soon is not a duration"),
        ("2 fortnights", "is not a duration"),
        ("2h tomorrow", "is not a duration"),
        ("", "An empty value is not a duration"),
        ("1m", "between 5 minutes and 30 days"),
        ("31d", "between 5 minutes and 30 days"),
        ("999999999w", "between 5 minutes and 30 days"),  # overflowed timedelta (#27)
        ("9999999999999999999999m", "between 5 minutes and 30 days"),
    ],
)
def test_bad_durations(text: str, message: str) -> None:
    with pytest.raises(UserError, match=message):
        parse_duration(text)


def test_describe() -> None:
    assert describe(timedelta(days=2, hours=3)) == "2 days 3 hours"
    assert describe(timedelta(minutes=1)) == "1 minute"
