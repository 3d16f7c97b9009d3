"""A server's settings as /config shows them, and the marker for "leave this as it is"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Final


class Unset(Enum):
    UNSET = "UNSET"


UNSET: Final = Unset.UNSET
"""Leave a field as it is (None means: clear it)."""


@dataclass(frozen=True, slots=True)
class GuildSettings:
    guild_id: int
    moderator_role_id: int | None = None
    discussion_channel_id: int | None = None
    timezone: str = "UTC"
    summary_mode: str = "offline"
    thread_on_close: str = "lock"  # lock | archive | keep
    suggestions_channel_id: int | None = None  # members' suggested questions go there for review
    updated_at: datetime | None = None
    updated_by: int | None = None
