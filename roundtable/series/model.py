"""A scheduled series' nouns: the series, a new one, a claimed occurrence, and the two ways a
change can be refused. The series service decides with them; storage keeps them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time


class SeriesExists(Exception):
    def __init__(self, series_id: int):
        super().__init__(series_id)
        self.series_id = series_id


class SeriesMoved(Exception):
    """The series changed (edited, paused, claimed by another pass) since it was read."""


@dataclass(frozen=True, slots=True)
class SeriesRecord:
    id: int
    guild_id: int
    pack_id: int
    channel_id: int
    every: str
    rule: str
    starts_on: date
    at: time
    timezone: str
    round_minutes: int | None
    remind_minutes: int | None
    ping_role_id: int | None
    catch_up: str
    loop: bool
    next_section: int
    next_at: datetime | None
    status: str  # active | paused | finished
    paused_reason: str | None
    created_by: int
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Claim:
    series_id: int
    occurrence: datetime
    section_number: int | None
    round_id: int | None
    state: str
    failures: int = 0  # tries Discord refused or never answered
    retry_at: datetime | None = None  # not tried again before this (UTC)


@dataclass(frozen=True, slots=True)
class NewSeries:
    guild_id: int
    pack_id: int
    channel_id: int
    every: str
    rule: str
    starts_on: date
    at: time
    timezone: str
    round_minutes: int | None
    remind_minutes: int | None
    ping_role_id: int | None
    catch_up: str
    loop: bool
    next_section: int
    next_at: datetime
    created_by: int
