"""When a series' rounds happen: a recurrence rule in the series' own time zone, as UTC instants.

Rules are RFC 5545 RRULEs evaluated by python-dateutil on local wall-clock times; each local time
is turned into a UTC instant with zoneinfo. A local time that does not exist (the clocks jump
forward over it) becomes the first instant after the jump; an ambiguous one (the clocks go back
over it) is its first instance, and the rule yields it once, so it posts once.

What moderators type for `every`: `once`, `daily`, `weekly`, weekdays (`mon,thu`), `every 2
weeks` / `every 3 days`, or an RRULE (`FREQ=MONTHLY;BYDAY=1TU`, with or without `RRULE:`).

Nothing a moderator types can make the expansion run unbounded (dateutil searches up to the year
9999 for a rule that never matches, and loops for good on INTERVAL=0): a typed RRULE is one line
of known parts, INTERVAL and COUNT within limits, and every expansion is given an end. The next
occurrence is looked for at most WINDOW ahead of the moment asked about (a rule whose next
occurrence is further away has ended), the first at most HORIZON after the start.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import islice, pairwise

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
_NOT_ALLOWED = ("BYHOUR", "BYMINUTE", "BYSECOND", "DTSTART", "UNTIL", "TZID")
_PARTS = "FREQ INTERVAL COUNT BYDAY BYMONTHDAY BYMONTH BYSETPOS BYWEEKNO BYYEARDAY WKST".split()
# The largest number each list part takes (negative counts from the end; BYDAY: 2MO, -1FR).
_LISTS = {"BYDAY": 53, "BYMONTHDAY": 31, "BYMONTH": 12, "BYSETPOS": 366, "BYWEEKNO": 53}
_LISTS |= {"BYYEARDAY": 366}
_ITEM = re.compile(r"([+-])?([0-9]{1,3})?(MO|TU|WE|TH|FR|SA|SU)?")
# The longest INTERVAL per FREQ: a series runs at least once every three years.
MAX_INTERVAL = {"DAILY": 1096, "WEEKLY": 156, "MONTHLY": 36, "YEARLY": 3}
MAX_COUNT = 1000
HORIZON = timedelta(days=3 * 366)  # a rule with no occurrence this far ahead never occurs
WINDOW = timedelta(days=10 * 366)  # how far ahead the next occurrence is looked for
LAST_LOCAL = datetime(9998, 12, 31)  # no expansion runs past it (datetime ends in 9999)
CYCLE = 400  # years after which the Gregorian calendar repeats, weekdays included
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
    if "FREQ=" in text.upper():
        return _parse_rrule(text)
    raise UserError(
        f"{text.strip() or 'An empty value'} is not a rhythm I know: write once, daily, weekly, "
        "weekdays like mon,thu, every 2 weeks, or an RRULE such as FREQ=MONTHLY;BYDAY=1TU."
    )


def _parse_rrule(text: str) -> str:
    """A typed RRULE, checked part by part and written back in a normal form."""
    typed = text.strip()
    if not typed.isprintable():
        raise UserError("Write the RRULE on one line, without control characters.")
    rule = typed.upper().removeprefix("RRULE:").strip()
    parts: dict[str, str] = {}
    for piece in filter(None, rule.split(";")):
        key, equals, value = (p.strip() for p in piece.partition("="))
        if key in _NOT_ALLOWED:
            raise UserError(
                "Leave the time and the start out of the RRULE: they come from the `at` and "
                "`start` options."
            )
        if not equals or not value:
            raise UserError(f"Each part of an RRULE is NAME=value: {piece[:40]} has no value.")
        if key not in _PARTS:
            raise UserError(
                f"{key[:40]} is not a part of an RRULE I take: use " + ", ".join(_PARTS) + "."
            )
        if key in parts:
            raise UserError(f"{key} appears twice in the RRULE.")
        parts[key] = value
    freq = parts.get("FREQ", "")
    if freq in ("SECONDLY", "MINUTELY", "HOURLY"):
        raise UserError("A series can run at most once an hour: use DAILY, WEEKLY or MONTHLY.")
    if freq not in MAX_INTERVAL:
        raise UserError(
            f"{typed[:200]} is not a valid RRULE: FREQ is DAILY, WEEKLY, MONTHLY or YEARLY."
        )
    _whole(parts, "INTERVAL", MAX_INTERVAL[freq])
    _whole(parts, "COUNT", MAX_COUNT)
    for key, largest in _LISTS.items():
        for item in filter(None, parts.get(key, "").split(",")):
            match = _ITEM.fullmatch(item.strip())
            day = match.group(3) if match else None
            number = match.group(2) if match else None
            if (
                match is None
                or (key == "BYDAY") != (day is not None)
                or (key != "BYDAY" and not number)
                or (number is not None and not 1 <= int(number) <= largest)
            ):
                raise UserError(f"{item[:40]} is not a value {key} takes in an RRULE.")
    normal = ";".join(f"{key}={value}" for key, value in parts.items())
    try:
        made = rrulestr(normal, dtstart=datetime(2026, 1, 1))
    except (ValueError, TypeError, OverflowError) as exc:
        raise UserError(f"{typed[:200]} is not a valid RRULE ({str(exc)[:200]}).") from None
    if not isinstance(made, rrule):
        raise UserError("Write one RRULE, on one line.")
    return normal


def _whole(parts: dict[str, str], key: str, largest: int) -> None:
    value = parts.get(key)
    whole = value is not None and value.isascii() and value.isdigit()
    if value is not None and not (whole and 1 <= int(value[:8]) <= largest):
        raise UserError(f"{key} in an RRULE is a whole number from 1 to {largest}.")


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


def _later(moment: datetime, years: int) -> datetime:
    return moment.replace(year=moment.year + years)  # 29 February stays a leap day (CYCLE)


@dataclass(frozen=True, slots=True)
class Recurrence:
    rule: str  # RRULE without DTSTART
    starts_on: date  # the first local date it may occur on
    at: time  # local wall-clock time
    timezone: str

    def _local(self, since: datetime, within: timedelta) -> Iterator[datetime]:
        """Local occurrences from the start, in order, none later than `since + within`.

        dateutil looks for a rule's next match until the year 9999 (8,000 years of days for a
        rule that never matches again). The Gregorian calendar, weekdays included, repeats
        every 400 years, so the rule is evaluated 400·k years later, k as large as leaves room
        for the window: a search that finds nothing ends at 9999, at most some 400 years on."""
        parts = dict(piece.partition("=")[::2] for piece in self.rule.split(";") if piece)
        count = parts.pop("COUNT", None)
        limit = since + min(within, LAST_LOCAL - since)
        years = max(0, (LAST_LOCAL.year - limit.year) // CYCLE) * CYCLE
        start = datetime.combine(self.starts_on, self.at)
        plain = ";".join(f"{key}={value}" for key, value in parts.items())
        made = rrulestr(plain, dtstart=_later(start, years))
        assert isinstance(made, rrule)
        for local in islice(made, int(count)) if count else made:
            local = _later(local, -years)
            if local > limit:
                return
            yield local

    def occurrences(
        self, after: datetime | None = None, *, within: timedelta = WINDOW
    ) -> Iterator[datetime]:
        """UTC instants, in order, strictly after `after` (from the start when None), up to
        `within` beyond it: the series has ended when the next one is further away."""
        tz = zone(self.timezone)
        start = datetime.combine(self.starts_on, self.at)
        since = start if after is None else max(start, after.astimezone(tz).replace(tzinfo=None))
        if since >= LAST_LOCAL:
            return
        for local in self._local(since, within):
            if local < since - timedelta(days=1):
                continue  # long before (a zone's offset is under a day)
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
        first = next(self.occurrences(now - timedelta(seconds=1), within=HORIZON), None)
        if first is None:
            raise UserError("That rhythm never occurs after the start date: check the rule.")
        following = self.upcoming(first, 20)
        for earlier, later in pairwise([first, *following]):
            if later - earlier < MIN_GAP:
                raise UserError("A series can run at most once an hour.")
        return first
