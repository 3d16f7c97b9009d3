"""Discussion rounds: start, answer, take stances, reply, close. Discord-free decisions."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from roundtable.durations import parse_duration
from roundtable.errors import UserError
from roundtable.packs.excerpts import EmbedSpec, Excerpt, MessageSpec, layout
from roundtable.packs.library import PackLibrary
from roundtable.packs.model import Pack
from storage.rounds import (
    ResponseRecord,
    RoundAlreadyOpen,
    RoundNotOpen,
    RoundRecord,
    RoundRepository,
    StanceRecord,
)

ANSWER_MAX = 4000  # Discord's text input limit
MODAL_QUESTIONS = 5  # Discord's limit of inputs in a modal
THREAD_NAME_MAX = 100
CLOSED = "This round is closed."
HOW_TO = "Press **Respond** to answer the questions, pick a stance, and discuss in the thread."
NO_CONTENT_NOTE = (
    "Replies in the thread are not recorded on this server (the bot runs without the Message "
    "Content intent): use **Respond** to have your answers counted."
)


def ts(moment: datetime, style: str = "F") -> str:
    """A Discord timestamp: shown in each reader's own time zone."""
    return f"<t:{int(moment.timestamp())}:{style}>"


def title_of(record: RoundRecord) -> str:
    return f"Round {record.id} · {record.section_title}"


def thread_name(record: RoundRecord, wanted: str | None) -> str:
    name = (wanted or title_of(record)).strip()
    return name if len(name) <= THREAD_NAME_MAX else name[: THREAD_NAME_MAX - 1] + "…"


@dataclass(frozen=True, slots=True)
class Participation:
    members: int
    answers: int
    replies: int
    opening: dict[str, int]
    closing: dict[str, int]  # the current stances while the round is open


class RoundService:
    def __init__(self, rounds: RoundRepository, packs: PackLibrary):
        self.repo = rounds
        self.packs = packs

    # -- starting ---------------------------------------------------------------------------

    async def reserve(
        self,
        guild_id: int,
        *,
        pack_slug: str,
        section: int,
        channel_id: int,
        closes_in: str | None,
        by: int,
        now: datetime | None = None,
    ) -> tuple[RoundRecord, Pack]:
        """Check everything, then reserve the round (one per section at a time)."""
        record, pack = await self.packs.section(guild_id, pack_slug, section)
        closes_at = None
        if closes_in:
            closes_at = (now or datetime.now(UTC)) + parse_duration(closes_in)
        chosen = pack.section(section)
        try:
            reserved = await self.repo.create(
                guild_id=guild_id,
                pack_id=record.id,
                section_number=section,
                section_title=chosen.title,
                questions=chosen.questions,
                stances=pack.stances,
                channel_id=channel_id,
                opened_by=by,
                closes_at=closes_at,
            )
        except RoundAlreadyOpen as exc:
            existing = await self.repo.get(guild_id, exc.round_id)
            where = f" in <#{existing.thread_id or existing.channel_id}>" if existing else ""
            raise UserError(
                f"Round {exc.round_id} on this section is already open{where}: close it first."
            ) from None
        return reserved, pack

    def excerpt(self, record: RoundRecord, pack: Pack, *, content_intent: bool) -> Excerpt:
        notes = [
            f"Closes {ts(record.closes_at)} ({ts(record.closes_at, 'R')})."
            if record.closes_at
            else "Open until a moderator closes it.",
            HOW_TO,
        ]
        if not content_intent:
            notes.append(f"-# {NO_CONTENT_NOTE}")
        return layout(pack, record.section_number, heading=title_of(record), notes=tuple(notes))

    async def posted(
        self, record: RoundRecord, *, thread_id: int, posts: Sequence[tuple[int, int]]
    ) -> RoundRecord:
        await self.repo.attach(record.id, thread_id=thread_id, posts=posts)
        return await self.get(record.guild_id, record.id)

    async def discard(self, record: RoundRecord) -> None:
        await self.repo.discard(record.id)

    # -- finding ----------------------------------------------------------------------------

    async def get(self, guild_id: int, round_id: int) -> RoundRecord:
        record = await self.repo.get(guild_id, round_id)
        if record is None:
            raise UserError(f"There is no round {round_id} on this server: /round list shows them.")
        return record

    async def open_round(self, guild_id: int, round_id: int) -> RoundRecord:
        record = await self.get(guild_id, round_id)
        if not record.is_open:
            raise UserError(CLOSED)
        return record

    # -- members ----------------------------------------------------------------------------

    async def answer(
        self, guild_id: int, round_id: int, user_id: int, answers: dict[int, str]
    ) -> list[ResponseRecord]:
        """Store the member's answers; blank ones are ignored, all blank is refused."""
        record = await self.open_round(guild_id, round_id)
        given = {}
        for question, text in answers.items():
            if not 1 <= question <= len(record.questions):
                raise UserError(f"This round has no question {question}.")
            cleaned = text.strip()
            if len(cleaned) > ANSWER_MAX:
                raise UserError(f"An answer can be at most {ANSWER_MAX:,} characters.")
            if cleaned:
                given[question] = cleaned
        if not given:
            raise UserError("Your answer was empty: write something before sending.")
        try:
            await self.repo.save_answers(guild_id, round_id, user_id, given)
        except RoundNotOpen:
            raise UserError(CLOSED) from None
        answers_now = await self.repo.answers(guild_id, round_id, user_id)
        return [a for a in answers_now if a.question in given]

    async def stance(
        self, guild_id: int, round_id: int, user_id: int, index: int
    ) -> tuple[RoundRecord, StanceRecord]:
        record = await self.open_round(guild_id, round_id)
        if not 0 <= index < len(record.stances):
            raise UserError("That stance is not one of this round's.")
        try:
            stance = await self.repo.set_stance(guild_id, round_id, user_id, record.stances[index])
        except RoundNotOpen:
            raise UserError(CLOSED) from None
        return record, stance

    async def mine(
        self, guild_id: int, round_id: int, user_id: int
    ) -> tuple[RoundRecord, list[ResponseRecord], StanceRecord | None]:
        record = await self.get(guild_id, round_id)
        answers = await self.repo.answers(guild_id, round_id, user_id)
        return record, answers, await self.repo.stance_of(guild_id, round_id, user_id)

    async def withdraw(self, guild_id: int, round_id: int, user_id: int) -> list[ResponseRecord]:
        await self.open_round(guild_id, round_id)
        return await self.repo.withdraw(guild_id, round_id, user_id)

    async def capture_reply(
        self,
        guild_id: int,
        thread_id: int,
        *,
        user_id: int,
        content: str,
        message_id: int,
        reply_to_id: int | None,
        created_at: datetime,
    ) -> ResponseRecord | None:
        """A member's message in an open round's thread; None when it is not one."""
        if not content.strip():
            return None
        record = await self.repo.by_thread(guild_id, thread_id)
        if record is None or not record.is_open:
            return None
        return await self.repo.add_reply(
            guild_id,
            record.id,
            user_id=user_id,
            content=content,
            message_id=message_id,
            reply_to_id=reply_to_id,
            created_at=created_at,
        )

    # -- moderators -------------------------------------------------------------------------

    async def close(self, guild_id: int, round_id: int, *, by: int | None) -> RoundRecord:
        await self.get(guild_id, round_id)
        closed = await self.repo.finish(guild_id, round_id, status="closed", by=by)
        if closed is None:
            raise UserError(f"Round {round_id} is not open.")
        return closed

    async def cancel(self, guild_id: int, round_id: int, *, by: int) -> RoundRecord:
        await self.get(guild_id, round_id)
        cancelled = await self.repo.finish(guild_id, round_id, status="cancelled", by=by)
        if cancelled is None:
            raise UserError(f"Round {round_id} is not open.")
        return cancelled

    async def reopen(
        self, guild_id: int, round_id: int, *, closes_in: str | None, now: datetime | None = None
    ) -> RoundRecord:
        await self.get(guild_id, round_id)
        closes_at = (now or datetime.now(UTC)) + parse_duration(closes_in) if closes_in else None
        try:
            reopened = await self.repo.reopen(guild_id, round_id, closes_at=closes_at)
        except RoundAlreadyOpen as exc:
            raise UserError(
                f"Round {exc.round_id} on the same section is open: close it first."
            ) from None
        if reopened is None:
            raise UserError(f"Round {round_id} is already open.")
        return reopened

    async def close_due(self, now: datetime) -> list[RoundRecord]:
        """Close every round whose deadline has passed (each exactly once)."""
        closed = []
        for record in await self.repo.due(now):
            done = await self.repo.finish(record.guild_id, record.id, status="closed", by=None)
            if done is not None:
                closed.append(done)
        return closed

    # -- reporting --------------------------------------------------------------------------

    async def participation(self, record: RoundRecord) -> Participation:
        responses = await self.repo.responses(record.guild_id, record.id)
        stances = await self.repo.stances(record.guild_id, record.id)
        members = {r.user_id for r in responses} | {s.user_id for s in stances}
        return Participation(
            members=len(members),
            answers=sum(1 for r in responses if r.kind == "answer"),
            replies=sum(1 for r in responses if r.kind == "reply"),
            opening=dict(Counter(s.opening for s in stances)),
            closing=dict(Counter(s.closing or s.current for s in stances)),
        )


def plural(n: int, noun: str, many: str | None = None) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {many or noun + 's'}"


def participation_text(p: Participation) -> str:
    return (
        f"{plural(p.members, 'member')}, {plural(p.answers, 'answer')}, "
        f"{plural(p.replies, 'reply', 'replies')}"
    )


def stance_lines(record: RoundRecord, p: Participation) -> list[str]:
    """ "Agree: 3 → 5 (+2)" for each of the round's stances."""
    lines = []
    for label in record.stances:
        before, after = p.opening.get(label, 0), p.closing.get(label, 0)
        shift = after - before
        lines.append(f"{label}: {before} → {after} ({'+' if shift > 0 else ''}{shift})")
    return lines


def closing_message(record: RoundRecord, p: Participation) -> MessageSpec:
    """What the thread shows when a round closes (or is cancelled)."""
    if record.status == "cancelled":
        how = "cancelled by a moderator"
    else:
        how = "closed by a moderator" if record.closed_by else "closed at its deadline"
    lines = [
        f"{title_of(record)} was {how}.",
        "",
        f"**Participation:** {participation_text(p)}.",
    ]
    if p.opening:
        lines += ["", "**Stances, opening → closing:**", *stance_lines(record, p)]
    else:
        lines += ["", "Nobody took a stance."]
    title = "Round closed" if record.status == "closed" else "Round cancelled"
    return MessageSpec(embeds=(EmbedSpec(title=title, description="\n".join(lines)),))
