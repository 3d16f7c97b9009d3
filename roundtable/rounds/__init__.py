"""Rounds: a discussion round's nouns (model), its whole life (service), the thread messages it
takes in (capture), and what it needs kept (store)."""

from roundtable.rounds.service import (
    ANSWER_MAX,
    CLOSE_STEPS,
    CLOSED,
    MODAL_QUESTIONS,
    ClosePlan,
    Participation,
    RoundService,
    thread_name,
    title_of,
)

__all__ = [
    "ANSWER_MAX",
    "CLOSED",
    "CLOSE_STEPS",
    "MODAL_QUESTIONS",
    "ClosePlan",
    "Participation",
    "RoundService",
    "thread_name",
    "title_of",
]
