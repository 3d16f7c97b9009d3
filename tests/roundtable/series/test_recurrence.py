"""Occurrences in a series' own time zone, across DST, from what moderators type."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from itertools import pairwise

import pytest

from roundtable.errors import UserError
from roundtable.series.recurrence import Recurrence, parse_every, parse_time, zone

START = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize("name", ["Europe/Berlin", "America/New_York"])
def test_a_weekly_series_posts_at_the_same_local_time_across_both_dst_changes(name: str) -> None:
    weekly = Recurrence(parse_every("tue"), date(2026, 1, 1), time(19, 0), name)
    found = weekly.upcoming(START, 52)
    local = [moment.astimezone(zone(name)) for moment in found]
    assert {(m.strftime("%a"), m.hour, m.minute) for m in local} == {("Tue", 19, 0)}
    assert len(set(found)) == 52
    offsets = {m.utcoffset() for m in local}
    assert len(offsets) == 2  # both sides of DST were crossed
    assert all(later > earlier for earlier, later in pairwise(found))


def test_a_time_that_does_not_exist_posts_at_the_first_instant_after_it() -> None:
    daily = Recurrence(parse_every("daily"), date(2026, 3, 28), time(2, 30), "Europe/Berlin")
    saturday, sunday, monday = daily.upcoming(datetime(2026, 3, 27, tzinfo=UTC), 3)
    berlin = zone("Europe/Berlin")
    assert saturday.astimezone(berlin).strftime("%H:%M %Z") == "02:30 CET"
    assert sunday == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)  # 03:00 CEST, the jump itself
    assert sunday.astimezone(berlin).strftime("%H:%M %Z") == "03:00 CEST"
    assert monday.astimezone(berlin).strftime("%H:%M %Z") == "02:30 CEST"
    new_york = Recurrence(parse_every("daily"), date(2026, 3, 8), time(2, 15), "America/New_York")
    first = new_york.upcoming(datetime(2026, 3, 7, tzinfo=UTC), 1)[0]
    assert first.astimezone(zone("America/New_York")).strftime("%H:%M %Z") == "03:00 EDT"


def test_an_ambiguous_time_posts_once_at_its_first_instance() -> None:
    daily = Recurrence(parse_every("daily"), date(2026, 10, 24), time(2, 30), "Europe/Berlin")
    found = daily.upcoming(datetime(2026, 10, 23, tzinfo=UTC), 3)
    assert found[1] == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 02:30 CEST, not CET too
    assert len(found) == len(set(found)) == 3
    assert [m.astimezone(zone("Europe/Berlin")).day for m in found] == [24, 25, 26]


@pytest.mark.parametrize(
    ("typed", "rule"),
    [
        ("once", "FREQ=DAILY;COUNT=1"),
        ("Daily", "FREQ=DAILY"),
        ("weekly", "FREQ=WEEKLY"),
        ("mon,thu", "FREQ=WEEKLY;BYDAY=MO,TH"),
        ("Tuesday and Friday", "FREQ=WEEKLY;BYDAY=TU,FR"),
        ("every 2 weeks", "FREQ=WEEKLY;INTERVAL=2"),
        ("every 3 days", "FREQ=DAILY;INTERVAL=3"),
        ("RRULE:FREQ=MONTHLY;BYDAY=1TU", "FREQ=MONTHLY;BYDAY=1TU"),
    ],
)
def test_what_moderators_type_becomes_a_rule(typed: str, rule: str) -> None:
    assert parse_every(typed) == rule


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("sometimes", "is not a rhythm I know"),
        ("FREQ=HOURLY", "at most once an hour"),
        ("FREQ=MINUTELY;INTERVAL=5", "at most once an hour"),
        ("FREQ=WEEKLY;BYHOUR=9", "Leave the time and the start out"),
        ("FREQ=FORTNIGHTLY", "is not a valid RRULE"),
        ("every 0 weeks", "from 1 to 52"),
    ],
)
def test_rules_that_cannot_work_are_refused(typed: str, message: str) -> None:
    with pytest.raises(UserError, match=message):
        parse_every(typed)


def test_a_rule_that_never_occurs_is_refused() -> None:
    never = Recurrence("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", date(2026, 1, 1), time(9), "UTC")
    with pytest.raises(UserError, match="never occurs"):
        never.check(START)
    once = Recurrence(parse_every("once"), date(2026, 5, 1), time(9), "UTC")
    assert once.check(START) == datetime(2026, 5, 1, 9, tzinfo=UTC)
    assert once.upcoming(datetime(2026, 5, 2, tzinfo=UTC), 3) == []


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("19:00", time(19)), ("7pm", time(19)), ("7:30 pm", time(19, 30)), ("12am", time(0))],
)
def test_times_of_day(typed: str, expected: time) -> None:
    assert parse_time(typed) == expected


@pytest.mark.parametrize("typed", ["25:00", "19:75", "13pm", "noonish", ""])
def test_bad_times_are_refused(typed: str) -> None:
    with pytest.raises(UserError, match="is not a time of day"):
        parse_time(typed)
