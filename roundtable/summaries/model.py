"""What a summary is made from, and what it says. Both engines produce `Summary`."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class Contribution:
    """One thing a member said: an answer to a question, or a reply in the discussion."""

    # The Discord message that shows it: what a citation links to. An answer whose card never
    # reached the thread has the negative of its stored id: it is cited, but links nowhere.
    message_id: int
    user_id: int
    text: str
    question: int | None = None  # 1-based, answers only
    reply_to: int | None = None  # the message it replies to
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Discussion:
    """A round (or an exported channel) as the summarisers see it."""

    title: str
    questions: tuple[str, ...]
    contributions: tuple[Contribution, ...]
    stances: tuple[str, ...] = ()
    opening: dict[int, str] = field(default_factory=dict)  # user id -> stance label
    closing: dict[int, str] = field(default_factory=dict)
    guild_id: int | None = None
    channel_id: int | None = None  # where the cited messages are, for jump links
    names: dict[int, str] = field(default_factory=dict)  # user id -> name, when known

    def content_hash(self, extra: object = None) -> str:
        """Changes whenever anything a summary depends on changes (and with `extra`)."""
        data = {
            "extra": extra,
            "questions": self.questions,
            "contributions": [
                (c.message_id, c.user_id, c.text, c.question, c.reply_to)
                for c in self.contributions
            ],
            "opening": sorted(self.opening.items()),
            "closing": sorted(self.closing.items()),
        }
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def linkable(message_id: int) -> bool:
    """Whether a cited id is a real Discord message (not an unposted answer's stand-in)."""
    return message_id > 0


@dataclass(frozen=True, slots=True)
class Point:
    text: str
    message_ids: tuple[int, ...]
    members: int = 0
    side: str | None = None  # "mostly Agree", when the holders lean one way
    label: str | None = None  # what it is about, in a few words taken from the discussion


QUESTIONS_ASKED = "Questions asked"  # a help channel's section: each question, its answer


@dataclass(frozen=True, slots=True)
class Section:
    """The points for one question, or for the free discussion (number None)."""

    number: int | None
    title: str
    points: tuple[Point, ...]


@dataclass(frozen=True, slots=True)
class Summary:
    title: str
    engine: str  # offline | llm
    sections: tuple[Section, ...]
    stances: dict[str, tuple[int, int]]  # label -> (opening, closing)
    members: int
    answers: int
    replies: int
    disagreements: tuple[Point, ...] = ()
    notes: tuple[str, ...] = ()
    decisions: tuple[Point, ...] = ()  # lines that record a decision or an action
    prompt_tokens: int = 0
    completion_tokens: int = 0
    lead: str = ""  # how the group split and moved, what took most of the talk

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Summary:
        def point(p: dict[str, Any]) -> Point:
            return Point(
                p["text"],
                tuple(p["message_ids"]),
                p.get("members", 0),
                p.get("side"),
                p.get("label"),
            )

        return cls(
            title=data["title"],
            engine=data["engine"],
            sections=tuple(
                Section(s["number"], s["title"], tuple(point(p) for p in s["points"]))
                for s in data["sections"]
            ),
            stances={k: (v[0], v[1]) for k, v in data["stances"].items()},
            members=data["members"],
            answers=data["answers"],
            replies=data["replies"],
            disagreements=tuple(point(p) for p in data.get("disagreements", [])),
            notes=tuple(data.get("notes", [])),
            decisions=tuple(point(p) for p in data.get("decisions", [])),
            prompt_tokens=data.get("prompt_tokens", 0),
            completion_tokens=data.get("completion_tokens", 0),
            lead=data.get("lead", ""),
        )

    def cited(self) -> set[int]:
        ids = {i for s in self.sections for p in s.points for i in p.message_ids}
        ids |= {i for p in self.decisions for i in p.message_ids}
        return ids | {i for p in self.disagreements for i in p.message_ids}


@dataclass(frozen=True, slots=True)
class Counts:
    members: int
    answers: int
    replies: int


def counts(d: Discussion) -> Counts:
    """Participation: everyone who wrote or took a stance, answers, replies."""
    return Counts(
        members=len({c.user_id for c in d.contributions} | set(d.opening)),
        answers=sum(1 for c in d.contributions if c.question is not None),
        replies=sum(1 for c in d.contributions if c.question is None),
    )


def stance_counts(d: Discussion) -> dict[str, tuple[int, int]]:
    labels = list(d.stances) or sorted(set(d.opening.values()) | set(d.closing.values()))
    opening = [d.opening.get(u) for u in d.opening]
    closing = [d.closing.get(u, d.opening.get(u)) for u in d.opening]
    return {label: (opening.count(label), closing.count(label)) for label in labels}


def only_real_citations(summary: Summary, d: Discussion) -> Summary:
    """Drop cited ids that are not messages of the discussion, then points left with none."""
    real = {c.message_id for c in d.contributions}

    def keep(points: tuple[Point, ...]) -> tuple[Point, ...]:
        kept = []
        for p in points:
            ids = tuple(dict.fromkeys(i for i in p.message_ids if i in real))
            if ids:
                kept.append(Point(p.text, ids, p.members, p.side, p.label))
        return tuple(kept)

    sections = tuple(Section(s.number, s.title, keep(s.points)) for s in summary.sections)
    return Summary(
        title=summary.title,
        engine=summary.engine,
        sections=sections,
        stances=summary.stances,
        members=summary.members,
        answers=summary.answers,
        replies=summary.replies,
        disagreements=keep(summary.disagreements),
        notes=summary.notes,
        decisions=keep(summary.decisions),
        prompt_tokens=summary.prompt_tokens,
        completion_tokens=summary.completion_tokens,
        lead=summary.lead,
    )


def without_removed(summary: Summary, present: set[int]) -> Summary:
    """The stored summary without the points that cite a message no longer there (a reply
    deleted, an answer withdrawn, a member forgotten after the close): such a point may quote
    it, so it goes whole; the rest stands as it was made. The lead goes too when a point
    went: it may name that point."""

    def keep(points: tuple[Point, ...]) -> tuple[Point, ...]:
        return tuple(p for p in points if all(i in present for i in p.message_ids))

    kept = replace(
        summary,
        sections=tuple(replace(s, points=keep(s.points)) for s in summary.sections),
        disagreements=keep(summary.disagreements),
        decisions=keep(summary.decisions),
    )
    return kept if cited(summary) <= present else replace(kept, lead="")


def cited(summary: Summary) -> set[int]:
    """Every message id the summary's points cite."""
    points = [p for s in summary.sections for p in s.points]
    points += [*summary.disagreements, *summary.decisions]
    return {i for p in points for i in p.message_ids}


# -- a summary as the bot keeps it -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SummaryPost:
    """The summary's messages in the round's thread, and the message ids their points cite."""

    round_id: int
    guild_id: int
    channel_id: int
    message_ids: tuple[int, ...]
    shown: frozenset[int]


@dataclass(frozen=True, slots=True)
class SummaryRecord:
    id: int
    round_id: int
    engine: str
    content_hash: str
    body: dict
    prompt_tokens: int
    completion_tokens: int
    created_by: int | None
    created_at: datetime
