"""Durations a moderator types: "90m", "2h", "1d 12h", "1 week", "3 days"."""

from __future__ import annotations

import re
from datetime import timedelta

from roundtable.errors import UserError

MAX_DURATION = timedelta(days=30)
MIN_DURATION = timedelta(minutes=5)
_UNITS = {
    "m": "minutes", "min": "minutes", "mins": "minutes", "minute": "minutes", "minutes": "minutes",
    "h": "hours", "hr": "hours", "hrs": "hours", "hour": "hours", "hours": "hours",
    "d": "days", "day": "days", "days": "days",
    "w": "weeks", "wk": "weeks", "week": "weeks", "weeks": "weeks",
}  # fmt: skip
_PART = re.compile(r"(\d+)\s*([a-z]+)")
SUGGESTIONS = ("1h", "6h", "1d", "2d", "3d", "1w", "2w")


def parse_duration(text: str) -> timedelta:
    """A duration between 5 minutes and 30 days, or UserError saying what is accepted."""
    cleaned = text.strip().lower().replace(",", " ").replace(" and ", " ")
    parts = _PART.findall(cleaned)
    leftover = _PART.sub("", cleaned).strip()
    if not parts or leftover or any(unit not in _UNITS for _, unit in parts):
        raise UserError(
            f"{text.strip() or 'An empty value'} is not a duration: write it like 90m, 2h, "
            "1d 12h or 1w."
        )
    total = timedelta()
    for amount, unit in parts:
        if len(amount) > 6:  # a million minutes is already two years; more overflows
            total = MAX_DURATION * 2
            break
        total += timedelta(**{_UNITS[unit]: int(amount)})
    if not MIN_DURATION <= total <= MAX_DURATION:
        raise UserError("A round stays open between 5 minutes and 30 days.")
    return total


def describe(delta: timedelta) -> str:
    """2 days 3 hours, for messages."""
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    parts = [(days, "day"), (hours, "hour"), (mins, "minute")]
    words = [f"{n} {unit}{'s' if n != 1 else ''}" for n, unit in parts if n]
    return " ".join(words) or "0 minutes"
