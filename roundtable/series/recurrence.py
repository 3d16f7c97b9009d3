"""When a series' rounds happen: a recurrence rule in the series' own time zone, as UTC instants.

Rules are RFC 5545 RRULEs evaluated by python-dateutil on local wall-clock times; each local time
is turned into a UTC instant with zoneinfo. A local time that does not exist (the clocks jump
forward over it) becomes the first instant after the jump; an ambiguous one (the clocks go back
over it) is its first instance, and the rule yields it once, so it posts once.

What moderators type for `every`: `once`, `daily`, `weekly`, weekdays (`mon,thu`), `every 2
weeks` / `every 3 days`, or an RRULE (`FREQ=MONTHLY;BYDAY=1TU`, with or without `RRULE:`).
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise

from dateutil.rrule import rrule, rrulestr

from roundtable.errors import UserError

_DAYS = {
    "mo": "MO", "mon": "MO", "monday": "MO", "tu": "TU", "tue": "TU", "tues": "TU",
    "tuesday": "TU", "we": "WE", "wed": "WE", "wednesday": "WE", "th": "TH", "thu": "TH",
    "thur": "TH", "thurs": "TH", "thursday": "TH", "fr": "FR", "fri": "FR", "friday": "FR",
    "sa": "SA", "sat": "SA", "saturday": "SA", "su": "SU", "sun": "SU", "sunday": "SU",
}  # fmt: skip
_EVERY_N = re.compile(r"^every\s+(\d+)\s+(day|days|week|weeks|month|months)$")
_UNITS = {"day": "DAILY", "week": "WEEKLY", "month": "MONTHLY"}
_TIME = re.compile(r"^(\d{1,2})[:.h](\d{2})\s*(am|pm)?$|^(\d{1,2})\s*(am|pm)$")
_NOT_ALLOWED = ("BYHOUR", "BYMINUTE", "BYSECOND", "DTSTART", "UNTIL=", "TZID")
HORIZON = timedelta(days=3 * 366)  # a rule with no occurrence this far ahead never occurs
MIN_GAP = timedelta(hours=1)


def parse_every(text: str) -> str:
    """The RRULE (without DTSTART) for what a moderator typed; UserError saying what works."""
    typed = " ".join(text.strip().lower().split())
    if typed == "once":
        return "FREQ=DAILY;COUNT=1"
    if typed in ("daily", "every day"):
        return "FREQ=DAILY"
    if typed in ("weekly", "every week"):
        return "FREQ=WEEKLY"
    if typed in ("monthly", "every month"):
        return "FREQ=MONTHLY"
    match = _EVERY_N.match(typed)
    if match:
        count, unit = int(match.group(1)), match.group(2).rstrip("s")
        if not 1 <= count <= 52:
            raise UserError(f"{text.strip()}: write a number from 1 to 52.")
        return f"FREQ={_UNITS[unit]};INTERVAL={count}"
    days = [d for d in re.split(r"[,\s]+|\band\b", typed) if d]
    if days and all(d in _DAYS for d in days):
        return "FREQ=WEEKLY;BYDAY=" + ",".join(dict.fromkeys(_DAYS[d] for d in days))
    rule = text.strip().removeprefix("RRULE:").removeprefix("rrule:").strip().upper()
    if "FREQ=" in rule:
        if any(part in rule for part in _NOT_ALLOWED):
            raise UserError(
                "Leave the time and the start out of the RRULE: they come from the `at` and "
                "`start` options."
            )
        try:
            rrulestr(rule, dtstart=datetime(2026, 1, 1))
        except (ValueError, TypeError) as exc:
            raise UserError(f"{text.strip()} is not a valid RRULE ({exc}).") from None
        if re.search(r"FREQ=(SECONDLY|MINUTELY|HOURLY)", rule):
            raise UserError("A series can run at most once an hour: use DAILY, WEEKLY or MONTHLY.")
        return rule
    raise UserError(
        f"{text.strip() or 'An empty value'} is not a rhythm I know: write once, daily, weekly, "
        "weekdays like mon,thu, every 2 weeks, or an RRULE such as FREQ=MONTHLY;BYDAY=1TU."
    )


def parse_time(text: str) -> time:
    """ "19:00", "7:30pm", "7pm", "19h30" -> a wall-clock time."""
    typed = text.strip().lower().replace(" ", "")
    match = _TIME.match(typed)
    if match:
        hour = int(match.group(1) or match.group(4))
        minute = int(match.group(2) or 0)
        half = match.group(3) or match.group(5)
        valid = 1 <= hour <= 12 if half else hour < 24
        if half:
            hour = hour % 12 + (12 if half == "pm" else 0)
        if valid and minute < 60:
            return time(hour, minute)
    raise UserError(f"{text.strip() or 'An empty value'} is not a time of day: write 19:00 or 7pm.")


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UserError(
            f"{text.strip() or 'An empty value'} is not a date: write it as 2026-03-31."
        ) from None


def zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise UserError(f"{name} is not an IANA time zone such as Europe/Berlin.") from None


def to_utc(local: datetime, tz: zoneinfo.ZoneInfo) -> datetime:
    """A naive local wall-clock time as a UTC instant (see the module's note on DST)."""
    first = local.replace(tzinfo=tz, fold=0).astimezone(UTC)
    if first.astimezone(tz).replace(tzinfo=None) == local:
        return first  # exists (for an ambiguous time: its first instance)
    # It falls in a gap: the first valid instant after it is the jump itself.
    low = local.replace(tzinfo=tz, fold=1).astimezone(UTC)
    high = first
    low, high = min(low, high), max(low, high)
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(tz).replace(tzinfo=None) >= local:
            high = middle
        else:
            low = middle
    return high.replace(microsecond=0)


@dataclass(frozen=True, slots=True)
class Recurrence:
    rule: str  # RRULE without DTSTART
    starts_on: date  # the first local date it may occur on
    at: time  # local wall-clock time
    timezone: str

    def _rule(self) -> rrule:
        made = rrulestr(self.rule, dtstart=datetime.combine(self.starts_on, self.at))
        assert isinstance(made, rrule)
        return made

    def occurrences(self, after: datetime | None = None) -> Iterator[datetime]:
        """UTC instants, in order, strictly after `after` (from the start when None)."""
        tz = zone(self.timezone)
        rule = self._rule()
        start = None
        if after is not None:
            local = after.astimezone(tz).replace(tzinfo=None) - timedelta(days=1)
            start = rule.after(local, inc=True)
            if start is None:
                return
        for local in rule.xafter(start, inc=True) if start else rule:
            instant = to_utc(local, tz)
            if after is None or instant > after:
                yield instant

    def next_after(self, moment: datetime) -> datetime | None:
        return next(self.occurrences(moment), None)

    def upcoming(self, moment: datetime, count: int) -> list[datetime]:
        found = []
        for instant in self.occurrences(moment):
            found.append(instant)
            if len(found) == count:
                break
        return found

    def check(self, now: datetime) -> datetime:
        """The first occurrence, or UserError if it never occurs or runs more than hourly."""
        first = next(self.occurrences(now - timedelta(seconds=1)), None)
        if first is None or first - now > HORIZON:
            raise UserError("That rhythm never occurs after the start date: check the rule.")
        following = self.upcoming(first, 20)
        for earlier, later in pairwise([first, *following]):
            if later - earlier < MIN_GAP:
                raise UserError("A series can run at most once an hour.")
        return first
