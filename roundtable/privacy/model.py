"""What a member allows Roundtable to do with what they write, and what /forget deleted."""

from __future__ import annotations

from dataclasses import dataclass

# Exports: show my name, show me as "a member", or leave me out.
EXPORT_CHOICES = ("named", "anonymous", "excluded")


@dataclass(frozen=True, slots=True)
class Privacy:
    guild_id: int
    user_id: int
    no_ai: bool = False
    exports: str = "named"  # named | anonymous ("a member") | excluded
    replies: bool = True  # thread replies recorded; /forget turns it off until turned on again


@dataclass(frozen=True, slots=True)
class Forgotten:
    answers: int
    replies: int
    stances: int
    message_ids: tuple[tuple[int, int], ...]  # (thread id, message id) the bot posted answers in
    suggestions: int = 0  # suggested questions (their votes for others' are taken back too)
    # (channel id, message id) of their suggestions' cards in the suggestions channel
    cards: tuple[tuple[int, int], ...] = ()
    # (thread id, message id, question number, text) of follow-up questions that credited them
    follow_ups: tuple[tuple[int, int, int, str], ...] = ()

    @property
    def total(self) -> int:
        return self.answers + self.replies + self.stances + self.suggestions
