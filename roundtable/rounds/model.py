"""A round's nouns: what a round, an answer, a stance and a thread message are, and the two
ways a round can refuse a change. The rounds service decides with them; storage keeps them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


class RoundAlreadyOpen(Exception):
    def __init__(self, round_id: int):
        super().__init__(round_id)
        self.round_id = round_id


@dataclass(frozen=True, slots=True)
class RoundRecord:
    id: int
    guild_id: int
    pack_id: int
    section_number: int
    section_title: str
    questions: tuple[str, ...]
    stances: tuple[str, ...]
    channel_id: int
    thread_id: int | None
    posts: tuple[tuple[int, int], ...]  # (channel id, message id); the last has the buttons
    status: str
    opened_by: int
    opened_at: datetime
    closes_at: datetime | None
    closed_at: datetime | None
    closed_by: int | None
    close_steps: tuple[str, ...] = ()  # the close steps done (roundtable.rounds.CLOSE_STEPS)
    close_pending: bool = False  # closed or cancelled, with steps still to do on Discord
    series_id: int | None = None  # the scheduled series that posted it
    remind_at: datetime | None = None
    reminded_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.status == "open"


@dataclass(frozen=True, slots=True)
class ResponseRecord:
    id: int
    round_id: int
    user_id: int
    kind: str
    question: int | None
    content: str
    message_id: int | None
    reply_to_id: int | None
    created_at: datetime
    edited_at: datetime | None


@dataclass(frozen=True, slots=True)
class StanceRecord:
    round_id: int
    user_id: int
    opening: str
    current: str
    closing: str | None
    changes: int


@dataclass(frozen=True, slots=True)
class NewRound:
    guild_id: int
    pack_id: int
    section_number: int
    section_title: str
    questions: tuple[str, ...]
    stances: tuple[str, ...]
    channel_id: int
    opened_by: int
    closes_at: datetime | None
    opened_at: datetime  # the service's clock, not the machine's (tests and the demo run theirs)
    series_id: int | None = None
    remind_at: datetime | None = None


class RoundNotOpen(Exception):
    """The round is closed or cancelled (or not this guild's)."""


@dataclass(frozen=True, slots=True)
class Reply:
    """A member's message in a round's thread."""

    guild_id: int
    round_id: int
    user_id: int
    content: str
    message_id: int
    reply_to_id: int | None
    created_at: datetime
    name: str | None = None


@dataclass(frozen=True, slots=True)
class Edit:
    guild_id: int
    message_id: int
    content: str  # blank: the reply is deleted


@dataclass(frozen=True, slots=True)
class Delete:
    guild_id: int
    message_id: int


Captured = Reply | Edit | Delete


@dataclass(slots=True)
class Applied:
    added: int = 0
    edited: int = 0
    deleted: int = 0
