"""A suggested question and what can happen to it: suggested, voted for, edited, then approved
(for a section's later rounds, or as a follow-up question in the open round it was made for)
or rejected with a reason only its author sees."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

STATUSES = ("pending", "approved", "rejected")


@dataclass(frozen=True, slots=True)
class Suggestion:
    id: int
    guild_id: int
    user_id: int
    name: str | None  # the member's display name when they suggested it
    text: str
    pack_id: int
    section_number: int
    round_id: int | None  # the open round it was suggested in, if any
    status: str  # pending | approved | rejected
    votes: int
    created_at: datetime
    decided_by: int | None = None
    decided_at: datetime | None = None
    reason: str | None = None  # a rejection's, for its author only
    added_as: int | None = None  # the question number it became in its round
    card: tuple[int, int] | None = None  # (channel id, message id) in the suggestions channel

    @property
    def pending(self) -> bool:
        return self.status == "pending"


@dataclass(frozen=True, slots=True)
class NewSuggestion:
    guild_id: int
    user_id: int
    name: str | None
    text: str
    pack_id: int
    section_number: int
    round_id: int | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Target:
    """What a suggestion is for: a pack's section, and the open round on it when made there."""

    pack_id: int
    pack_title: str
    section_number: int
    section_title: str
    questions: tuple[str, ...]  # the section's (or the open round's) questions now
    round_id: int | None = None

    @property
    def where(self) -> str:
        place = f"{self.pack_title} · {self.section_number}. {self.section_title}"
        return f"round {self.round_id} ({place})" if self.round_id else place


@dataclass(frozen=True, slots=True)
class Similar:
    """An existing question a new suggestion is close to."""

    text: str
    what: str  # "question 2", "suggestion 7 (pending)"


@dataclass(frozen=True, slots=True)
class Approved:
    suggestion: Suggestion
    # The question number it got in its open round (a follow-up to post in the thread); None
    # when it joins the section's later rounds only (no round, closed since, or full).
    number: int | None
    thread_id: int | None = None
    full: bool = False  # its round already had the most questions a round may have


class SuggestionGone(Exception):
    """Decided by another moderator meanwhile, or deleted (its author used /forget)."""
