"""Occurrences in a series' own time zone, across DST, from what moderators type."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise

import pytest

from roundtable.errors import UserError
from roundtable.series.recurrence import WINDOW, Recurrence, parse_every, parse_time, zone

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


# -- crafted rules (#27): each is refused with a sentence, none runs unbounded --------------


@pytest.mark.timeout(20)  # INTERVAL=0 made dateutil loop for good
@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("FREQ=DAILY;INTERVAL=0", "INTERVAL in an RRULE is a whole number from 1 to 1096"),
        ("FREQ=DAILY;INTERVAL=-1", "INTERVAL in an RRULE is a whole number from 1 to 1096"),
        ("FREQ=YEARLY;INTERVAL=99999999999999999999", "whole number from 1 to 3"),
        ("FREQ=WEEKLY;COUNT=0", "COUNT in an RRULE is a whole number from 1 to 1000"),
        ("FREQ=DAILY;INTERVAL=\u00b2", "INTERVAL in an RRULE is a whole number"),  # was a traceback
        ("FREQ=DAILY;COUNT=\u0661\u0662", "COUNT in an RRULE is a whole number"),
        ("FREQ=MONTHLY;BYMONTHDAY=\u0661\u0662", "is not a value BYMONTHDAY takes"),
        ("FREQ=DAILY\nFREQ=WEEKLY", "on one line"),
        ("FREQ=DAILY\r\nEXDATE:20270101T000000", "on one line"),
        ("FREQ=DAILY;FREQ=WEEKLY", "FREQ appears twice"),
        ("FREQ=DAILY;BYEASTER=0", "BYEASTER is not a part of an RRULE I take"),
        ("FREQ=DAILY;UNTIL=20270101", "Leave the time and the start out"),
        ("FREQ=DAILY;COUNT", "COUNT has no value"),
        ("FREQ=", "FREQ= has no value"),
        ("FREQ=FORTNIGHTLY;COUNT=2", "FREQ is DAILY, WEEKLY, MONTHLY or YEARLY"),
        ("FREQ=DAILY;BYMONTHDAY=99999999999999999999", "is not a value BYMONTHDAY takes"),
        ("FREQ=MONTHLY;BYMONTH=13", "13 is not a value BYMONTH takes"),
        ("FREQ=MONTHLY;BYDAY=9999MO", "9999MO is not a value BYDAY takes"),
        ("FREQ=MONTHLY;BYDAY=1", "1 is not a value BYDAY takes"),
        ("FREQ=MONTHLY;BYMONTHDAY=MO", "MO is not a value BYMONTHDAY takes"),
        ("FREQ=WEEKLY;WKST=XX", "is not a valid RRULE"),
    ],
)
def test_crafted_rules_are_refused_with_a_sentence(typed: str, message: str) -> None:
    with pytest.raises(UserError, match=message):
        parse_every(typed)


def test_a_typed_rule_is_kept_in_a_normal_form() -> None:
    assert parse_every(" rrule:freq=monthly; byday=-1fr ;") == "FREQ=MONTHLY;BYDAY=-1FR"


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=31",  # dateutil searched every day up to 9999 (3 s)
        "FREQ=WEEKLY;BYMONTH=4;BYMONTHDAY=31",
        "FREQ=YEARLY;BYYEARDAY=366;BYMONTH=1",
        "FREQ=MONTHLY;BYDAY=MO;BYSETPOS=6",
    ],
)
def test_rules_that_never_match_are_refused(rule: str) -> None:
    with pytest.raises(UserError, match="never occurs"):
        Recurrence(parse_every(rule), date(2026, 1, 1), time(9), "America/Los_Angeles").check(START)


# Rules evaluated 400·k years later (the calendar repeats) must give dateutil's own dates.
SAMPLES = [
    "FREQ=WEEKLY;BYDAY=MO,TH",
    "FREQ=MONTHLY;BYDAY=-1FR",
    "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
    "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29",
    "FREQ=DAILY;INTERVAL=3",
    "FREQ=WEEKLY;INTERVAL=2;COUNT=7",
    "FREQ=YEARLY;INTERVAL=3;BYWEEKNO=53;BYDAY=MO",
    "FREQ=MONTHLY;BYMONTHDAY=13;BYDAY=FR",
]


@pytest.mark.parametrize("rule", SAMPLES)
@pytest.mark.parametrize("start", [date(2026, 12, 6), date(2099, 11, 30), date(2399, 6, 1)])
def test_occurrences_are_dateutils_own(rule: str, start: date) -> None:
    from dateutil.rrule import rrulestr

    dates = rrulestr(rule, dtstart=datetime.combine(start, time(9)))
    every = [d.replace(tzinfo=UTC) for _, d in zip(range(60), dates, strict=False)]

    def expected(after: datetime) -> list[datetime]:  # later than WINDOW: the series has ended
        return [d for d in every if after < d <= after + WINDOW]

    found = Recurrence(rule, start, time(9), "UTC")
    begin = datetime.combine(start, time(9), UTC)
    assert list(found.occurrences())[:30] == expected(begin - timedelta(seconds=1))[:30]
    middle = every[5]
    assert found.upcoming(middle, 3) == expected(middle)[:3]


def test_a_series_ends_when_its_next_occurrence_is_beyond_the_window() -> None:
    leap = Recurrence("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", date(2027, 1, 1), time(9), "UTC")
    assert leap.check(START) == datetime(2028, 2, 29, 9, tzinfo=UTC)
    assert leap.next_after(datetime(2028, 3, 1, tzinfo=UTC)) == datetime(2032, 2, 29, 9, tzinfo=UTC)
    assert (
        next(leap.occurrences(datetime(2028, 3, 1, tzinfo=UTC), within=timedelta(days=365)), None)
        is None
    )
    late = Recurrence("FREQ=DAILY", date(9998, 12, 30), time(23), "America/Los_Angeles")
    assert list(late.occurrences()) == [datetime(9998, 12, 31, 7, tzinfo=UTC)]
