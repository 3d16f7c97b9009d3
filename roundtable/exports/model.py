"""What an export is asked for, and what its writers are given.

A request names a scope (one round, a pack's rounds, a series, or the whole server within
dates), a format, what to include, and whether to replace names with pseudonyms. The service
(service.py) reads the rows, applies consent and pseudonyms, and hands the writers (writers/)
`RoundView`s and batches of `Item`s; writers never see a user id the export may not show.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from roundtable.errors import UserError
from roundtable.summaries.model import Summary

FORMATS = ("md", "json", "csv", "html")
INCLUDES = ("summaries", "answers", "everything")
SCHEMA_VERSION = 2  # 2: rounds carry the questions members suggested in them
JSON_FORMAT = f"roundtable-export/{SCHEMA_VERSION}"
MEMBER = "a member"  # members who chose to appear anonymously, and anyone left out

ScopeKind = Literal["round", "pack", "series", "server"]


@dataclass(frozen=True, slots=True)
class Scope:
    kind: ScopeKind
    round_id: int | None = None
    pack_slug: str | None = None
    series_id: int | None = None

    @property
    def key(self) -> str:
        """For file names and autocomplete values: round-12, pack-sputnik, series-3, server."""
        if self.kind == "round":
            return f"round-{self.round_id}"
        if self.kind == "pack":
            return f"pack-{self.pack_slug}"
        if self.kind == "series":
            return f"series-{self.series_id}"
        return "server"

    @property
    def value(self) -> str:
        return self.key.replace("-", ":", 1) if self.kind != "server" else "server"


_SCOPE = re.compile(r"^(round|pack|series)\s*[:\- ]\s*(.+)$", re.IGNORECASE)


def parse_scope(text: str) -> Scope:
    """ "round:12" (or "12", "#12"), "pack:SLUG", "series:3", "server"; anything else is read
    as a pack's slug."""
    cleaned = text.strip()
    lowered = cleaned.lower()
    if lowered in ("", "server", "all", "whole server", "everything"):
        return Scope("server")
    if lowered.lstrip("#").isdigit():
        return Scope("round", round_id=_number("round", lowered.lstrip("#")))
    match = _SCOPE.match(cleaned)
    if match:
        kind, rest = match.group(1).lower(), match.group(2).strip()
        if kind == "pack":
            return Scope("pack", pack_slug=rest)
        number = rest.lstrip("#")
        if not (number.isascii() and number.isdigit()):
            raise UserError(f"{cleaned!r}: a {kind} is named by its number, like {kind}:3.")
        if kind == "round":
            return Scope("round", round_id=_number(kind, number))
        return Scope("series", series_id=_number(kind, number))
    return Scope("pack", pack_slug=cleaned)


def _number(kind: str, digits: str) -> int:
    """A round's or series' number as typed; one past SQLite's integers names nothing."""
    if not digits.isascii() or len(digits) > 18:
        raise UserError(f"There is no {kind} {digits[:30]} on this server.")
    return int(digits)


def parse_day(text: str | None, zone: str, *, end: bool = False) -> datetime | None:
    """A YYYY-MM-DD day in the guild's time zone as a UTC instant: its start, or (for `until`,
    which includes the day) the start of the next day."""
    if text is None or not text.strip():
        return None
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise UserError(
            f"{text.strip()!r} is not a date: write it as YYYY-MM-DD, like 2026-11-30."
        ) from None
    if not date(1970, 1, 2) <= day <= date(9998, 12, 30):
        raise UserError(f"{day} is out of range: write a day between 1970 and 9998.")
    if end:
        day += timedelta(days=1)
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(zone)).astimezone(UTC)


@dataclass(frozen=True, slots=True)
class Request:
    guild_id: int
    scope: Scope
    format: str
    include: str = "everything"
    anonymise: bool = False
    bom: bool = False  # CSV: start each file with the byte-order mark Excel wants
    since: datetime | None = None  # rounds opened at or after
    until: datetime | None = None  # rounds opened before
    server_name: str | None = None  # for the title, when the caller knows it

    def __post_init__(self) -> None:
        if self.format not in FORMATS:
            raise UserError(f"Exports are {', '.join(FORMATS)}; not {self.format!r}.")
        if self.include not in INCLUDES:
            raise UserError(f"include is one of {', '.join(INCLUDES)}; not {self.include!r}.")
        if self.since and self.until and self.since >= self.until:
            raise UserError("since must be a day before until.")


@dataclass(frozen=True, slots=True)
class Totals:
    members: int
    answers: int
    replies: int
    stances: dict[str, tuple[int, int]]  # label -> (opening, closing)


@dataclass(frozen=True, slots=True)
class SummaryView:
    summary: Summary
    links: dict[int, str]  # cited message id -> its Discord address (posted messages only)
    note: str | None = None  # when this export made the summary itself, why


@dataclass(frozen=True, slots=True)
class RoundView:
    id: int
    title: str  # "Sputnik moment? · 2. The gap"
    section_number: int
    section_title: str
    pack_slug: str
    pack_title: str
    status: str
    opened_at: datetime
    closed_at: datetime | None
    questions: tuple[str, ...]
    stance_labels: tuple[str, ...]
    excerpt: str  # the section's text ("" when the pack is gone)
    link: str | None  # the round's thread
    totals: Totals
    summary: SummaryView | None
    series_id: int | None = None
    closes_at: datetime | None = None  # an open round's deadline

    @property
    def anchor(self) -> str:
        return f"round-{self.id}"


@dataclass(slots=True)  # not frozen: made once per exported row, and frozen costs 3x
class Item:
    """An answer or a reply, as the export may show it."""

    id: int
    kind: str  # answer | reply
    question: int | None
    author: str  # a name, a pseudonym or "a member"
    author_id: str | None  # the Discord id, the pseudonym's key, or None
    text: str  # mentions written as @names
    created_at: str  # ISO 8601 UTC, as utc() writes it
    edited_at: str | None
    message_id: str | None
    link: str | None
    reply_to_message: str | None = None
    reply_to_author: str | None = None


@dataclass(frozen=True, slots=True)
class StanceView:
    author: str
    author_id: str | None
    opening: str
    closing: str
    changes: int


@dataclass(frozen=True, slots=True)
class Earlier:
    """An earlier version of an edited answer or reply."""

    response_id: int
    kind: str
    question: int | None
    author: str
    text: str
    replaced_at: datetime

    @property
    def what(self) -> str:
        """ "Ada's answer to question 2", "Bob's reply"."""
        whose = f"{self.author}'s" if self.author != MEMBER else "A member's"
        if self.kind == "answer":
            return f"{whose} answer to question {self.question}"
        return f"{whose} reply"


@dataclass(frozen=True, slots=True)
class SuggestionView:
    """A suggested question as the export may show it."""

    id: int
    author: str
    author_id: str | None
    text: str
    status: str
    votes: int
    question: int | None  # the round's question it became, if any
    created_at: datetime
    decided_at: datetime | None

    @property
    def outcome(self) -> str:
        if self.status == "approved":
            return f"approved as question {self.question}" if self.question else "approved"
        return "not taken" if self.status == "rejected" else "waiting"


@dataclass(frozen=True, slots=True)
class Meta:
    guild_id: int
    title: str
    scope: str  # the scope's key
    include: str
    anonymised: bool
    made_at: datetime
    since: datetime | None = None
    until: datetime | None = None
    rounds: tuple[RoundView, ...] = field(default=())

    @property
    def digest(self) -> bool:
        return len(self.rounds) > 1


def utc(moment: datetime | str | None) -> str | None:
    """ISO 8601 in UTC, to the second: 2026-11-30T18:00:00Z. A string is a stored time."""
    if moment is None:
        return None
    if isinstance(moment, str):
        # What storage writes (datetime.isoformat() in UTC): cut, not parsed, for speed.
        if len(moment) >= 25 and moment.endswith("+00:00") and moment[10] == "T":
            return moment[:19] + "Z"
        if len(moment) == 20 and moment.endswith("Z"):
            return moment
        moment = datetime.fromisoformat(moment)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def shown_time(moment: datetime | str | None) -> str:
    """For readers: 2026-11-30 18:00 UTC."""
    z = utc(moment)
    return f"{z[:10]} {z[11:16]} UTC" if z else ""


# -- what an export reads, as its store gives it --------------------------------------------------


@dataclass(frozen=True, slots=True)
class RoundRow:
    id: int
    pack_id: int
    pack_slug: str
    pack_title: str
    section_number: int
    section_title: str
    questions: tuple[str, ...]
    stances: tuple[str, ...]
    channel_id: int
    thread_id: int | None
    status: str
    opened_at: datetime
    closed_at: datetime | None
    series_id: int | None
    closes_at: datetime | None = None


@dataclass(slots=True)  # not frozen: made once per exported row, and frozen costs 3x
class Author:
    user_id: int
    name: str | None  # the display name last seen; None when never stored
    choice: str  # named | anonymous ("a member"); excluded rows are never read


@dataclass(slots=True)  # not frozen: made once per exported row, and frozen costs 3x
class ResponseRow:
    id: int
    kind: str  # answer | reply
    question: int | None
    author: Author
    content: str
    message_id: int | None
    created_at: str  # as stored: ISO 8601, UTC
    edited_at: str | None
    reply_to_message: int | None
    reply_to: Author | None  # the recorded author of the message replied to, when known


@dataclass(frozen=True, slots=True)
class StanceRow:
    author: Author
    opening: str
    closing: str  # the closing stance, or the current one while the round is open
    changes: int


@dataclass(frozen=True, slots=True)
class EditRow:
    response_id: int
    kind: str
    question: int | None
    author: Author
    content: str
    replaced_at: datetime


@dataclass(frozen=True, slots=True)
class SuggestionRow:
    """A question a member suggested in the round (storage/exports.py; /suggest)."""

    id: int
    author: Author
    text: str
    status: str  # pending | approved | rejected (a rejection's reason is its author's only)
    votes: int
    added_as: int | None  # the question number it became in the round
    created_at: datetime
    decided_at: datetime | None


@dataclass(frozen=True, slots=True)
class RoundTotals:
    members: int
    answers: int
    replies: int
    stances: dict[str, tuple[int, int]]  # label -> (opening, closing), counted members only
