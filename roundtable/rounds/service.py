"""A discussion round's whole life, Discord-free: one service, read top to bottom.

    reserve -> posted -> answer / stance / reply ... -> close (or cancel) -> reopen
                                                     -> close_next_due (the deadline)

Each method makes the decision and the storage change in one place and returns what the Discord
side must do. Closing is a sequence of recorded steps (CLOSE_STEPS): the status change freezes
the stances in the same transaction; the Discord adapter then does each remaining step and
records it with `step_done`, so a close that a crash or SIGTERM interrupted is completed by
`unfinished()` at start-up or by the timer. The service wakes the scheduler itself whenever a
deadline, a reminder or a pending close changes; callers never do.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from roundtable.clock import Clock
from roundtable.durations import parse_duration
from roundtable.errors import UserError
from roundtable.guild_config import GuildConfig
from roundtable.packs.library import PackLibrary
from roundtable.packs.model import MAX_QUESTIONS, Pack
from roundtable.rounds.model import (
    Applied,
    Captured,
    NewRound,
    Reply,
    ResponseRecord,
    RoundAlreadyOpen,
    RoundNotOpen,
    RoundRecord,
    StanceRecord,
)
from roundtable.rounds.store import RoundStore
from roundtable.scheduler import Scheduler

ANSWER_MAX = 4000  # Discord's text input limit
MODAL_QUESTIONS = 5  # Discord's limit of inputs in a modal
THREAD_NAME_MAX = 100
CLOSED = "This round is closed."

# After the status change (which freezes the stances), in this order. A cancelled round gets
# no summary. Each step is recorded when done, so an interrupted close resumes where it stopped.
CLOSE_STEPS = ("cards", "message", "summary", "buttons", "thread")

# (guild id, pack id, section number) -> questions added to the section since it was written.
AddedQuestions = Callable[[int, int, int], Awaitable[tuple[str, ...]]]


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

    def shifts(self, labels: Sequence[str]) -> list[tuple[str, int, int]]:
        """(label, opening, closing) for each of the round's stances."""
        return [(label, self.opening.get(label, 0), self.closing.get(label, 0)) for label in labels]


@dataclass(frozen=True, slots=True)
class Answered:
    record: RoundRecord
    saved: list[ResponseRecord]  # the answers this submission gave
    card: list[ResponseRecord]  # all the member's answers: what their card in the thread shows


@dataclass(frozen=True, slots=True)
class ClosePlan:
    """What the Discord side must still do to finish closing (or cancelling) a round."""

    record: RoundRecord
    todo: tuple[str, ...]  # steps of CLOSE_STEPS not yet recorded as done, in order
    participation: Participation
    thread_on_close: str  # lock | archive | keep (from /config)
    resumed: bool = False  # an earlier close was interrupted; this completes it


class RoundThreads:
    """Which channels are round threads, in memory: with the Message Content intent a bot sees
    every message of every channel, and one outside a round must cost a dict lookup, not a
    query. The service keeps it current as rounds are posted, closed and reopened."""

    def __init__(self) -> None:
        self.open: dict[int, tuple[int, int]] = {}  # thread id -> (guild id, round id)
        self.known: set[int] = set()  # every round's thread: edits and deletions still apply

    def opened(self, record: RoundRecord) -> None:
        if record.thread_id is not None:
            self.add(record.thread_id, record.guild_id, record.id, is_open=record.is_open)

    def add(self, thread_id: int, guild_id: int, round_id: int, *, is_open: bool) -> None:
        self.known.add(thread_id)
        if is_open:
            self.open[thread_id] = (guild_id, round_id)

    def closed(self, record: RoundRecord) -> None:
        if record.thread_id is not None:
            self.open.pop(record.thread_id, None)

    def round_of(self, guild_id: int, thread_id: int) -> int | None:
        found = self.open.get(thread_id)
        return found[1] if found is not None and found[0] == guild_id else None


class RoundService:
    def __init__(
        self,
        rounds: RoundStore,
        packs: PackLibrary,
        config: GuildConfig,
        clock: Clock | None = None,
        *,
        scheduler: Scheduler | None = None,
    ):
        self._repo = rounds
        self._packs = packs
        self._config = config
        self.clock = clock or Clock()
        self._scheduler = scheduler or Scheduler(self.clock)
        self._scheduler.watch("rounds", self.next_wake)
        self.threads = RoundThreads()
        self._before_close: list[Callable[[RoundRecord], Awaitable[None]]] = []
        self._added: AddedQuestions | None = None

    def before_close(self, hook: Callable[[RoundRecord], Awaitable[None]]) -> Callable[[], None]:
        """Run `hook` before any round closes (or is cancelled), in the order registered: the
        reply capture stores what is waiting, the Discord side reads the thread if start-up has
        not yet, so that every reply sent before the close is in its summary. Returns what
        takes the hook out again."""
        self._before_close.append(hook)
        return lambda: self._before_close.remove(hook)

    def questions_added_by(self, source: AddedQuestions) -> None:
        """Where a section's added questions come from (the members' approved suggestions):
        every round shaped later asks it for its section's."""
        self._added = source

    async def added_questions(self, guild_id: int, pack_id: int, section: int) -> tuple[str, ...]:
        """The questions approved for the section since the pack was written."""
        if self._added is None:
            return ()
        return await self._added(guild_id, pack_id, section)

    async def _run_before_close(self, record: RoundRecord) -> None:
        for hook in self._before_close:
            await hook(record)

    async def load_threads(self) -> int:
        """At start-up, before any event: the round threads (open and closed) into memory."""
        for thread_id, guild_id, round_id, is_open in await self._repo.thread_index():
            self.threads.add(thread_id, guild_id, round_id, is_open=is_open)
        return len(self.threads.known)

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
        now = now or self.clock.now()
        record, pack = await self._packs.section(guild_id, pack_slug, section)
        closes_at = None
        if closes_in:
            closes_at = now + parse_duration(closes_in)
        new = self.shape(
            guild_id=guild_id,
            pack_id=record.id,
            pack=pack,
            section=section,
            channel_id=channel_id,
            by=by,
            closes_at=closes_at,
            now=now,
            added=await self.added_questions(guild_id, record.id, section),
        )
        try:
            reserved = await self._repo.create(new)
        except RoundAlreadyOpen as exc:
            raise UserError(
                f"Round {exc.round_id} on this section is already open: close it first."
            ) from None
        return reserved, pack

    def shape(
        self,
        *,
        guild_id: int,
        pack_id: int,
        pack: Pack,
        section: int,
        channel_id: int,
        by: int,
        closes_at: datetime | None,
        now: datetime,
        series_id: int | None = None,
        remind_at: datetime | None = None,
        added: Sequence[str] = (),
    ) -> NewRound:
        """The one place a round is shaped: a section's title and questions (with those `added`
        since, up to MAX_QUESTIONS) and the pack's stances, frozen into the round (a later edit
        of the pack does not change it). A series asks for each occurrence's round here and
        claims it in its own transaction."""
        chosen = pack.section(section)
        questions = list(chosen.questions)
        questions += [q for q in added if q not in questions]
        return NewRound(
            guild_id=guild_id,
            pack_id=pack_id,
            section_number=section,
            section_title=chosen.title,
            questions=tuple(questions[:MAX_QUESTIONS]),
            stances=tuple(pack.stances),
            channel_id=channel_id,
            opened_by=by,
            closes_at=closes_at,
            opened_at=now,
            series_id=series_id,
            remind_at=remind_at,
        )

    async def posted(
        self, record: RoundRecord, *, thread_id: int, posts: Sequence[tuple[int, int]]
    ) -> RoundRecord:
        """The round's messages and thread exist: only now can its deadline close it."""
        await self._repo.attach(record.id, thread_id=thread_id, posts=posts)
        if record.closes_at is not None:
            self._scheduler.wake()
        attached = await self.get(record.guild_id, record.id)
        self.threads.opened(attached)
        return attached

    async def discard(self, record: RoundRecord) -> None:
        """Posting failed: forget the reserved round (nothing of it reached members)."""
        await self._repo.discard(record.id)

    async def discard_unposted(self, before: datetime) -> list[int]:
        """At start-up: rounds reserved by a start the bot was stopped in the middle of (before
        `before`, when this run began), never posted, are forgotten, so that their section can
        be started again."""
        return await self._repo.discard_unposted(before)

    async def is_first(self, guild_id: int) -> bool:
        return await self._repo.count(guild_id) == 1

    # -- finding ----------------------------------------------------------------------------

    async def get(self, guild_id: int, round_id: int) -> RoundRecord:
        record = await self._repo.get(guild_id, round_id)
        if record is None:
            raise UserError(f"There is no round {round_id} on this server: /round list shows them.")
        return record

    async def open_round(
        self, guild_id: int, round_id: int, *, known: RoundRecord | None = None
    ) -> RoundRecord:
        """The round, which must be open; `known`: as the caller just read it (no second read;
        a write that needs the round open checks it again in its transaction)."""
        if known is None or (known.id, known.guild_id) != (round_id, guild_id):
            known = await self.get(guild_id, round_id)
        record = known
        if not record.is_open:
            raise UserError(CLOSED)
        return record

    async def count(self, guild_id: int) -> int:
        return await self._repo.count(guild_id)

    async def page(self, guild_id: int, *, page: int, size: int) -> list[RoundRecord]:
        """Open rounds first, then the most recent."""
        return await self._repo.page(guild_id, limit=size, offset=page * size)

    async def suggest(self, guild_id: int, query: str, *, limit: int = 25) -> list[RoundRecord]:
        """Rounds whose "N. title (status)" label holds every word typed, open ones first."""
        words = query.casefold().split()
        found = []
        for record in await self._repo.page(guild_id, limit=100, offset=0):
            label = f"{record.id}. {record.section_title} ({record.status})".casefold()
            if all(w in label for w in words):
                found.append(record)
        return found[:limit]

    # -- members ----------------------------------------------------------------------------

    async def answer(
        self,
        guild_id: int,
        round_id: int,
        user_id: int,
        answers: dict[int, str],
        *,
        name: str | None = None,
        known: RoundRecord | None = None,
    ) -> Answered:
        """Store the member's answers; blank ones are ignored, all blank is refused. `name`, the
        member's display name, is kept for exports; `known`, the round as the caller's access
        check just read it (no second read)."""
        record = await self.open_round(guild_id, round_id, known=known)
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
            card = await self._repo.save_answers(guild_id, round_id, user_id, given, name=name)
        except RoundNotOpen:
            raise UserError(CLOSED) from None
        return Answered(record, [a for a in card if a.question in given], card)

    async def answers_of(self, guild_id: int, round_id: int, user_id: int) -> list[ResponseRecord]:
        return await self._repo.answers(guild_id, round_id, user_id)

    async def card_posted(self, response_ids: Sequence[int], message_id: int) -> None:
        """These answers are shown by `message_id` in the round's thread."""
        await self._repo.set_message(response_ids, message_id)

    async def uncarded(self, record: RoundRecord) -> dict[int, list[ResponseRecord]]:
        """Members with an answer whose card never reached the thread -> all their answers."""
        responses = await self._repo.responses(record.guild_id, record.id)
        waiting = {r.user_id for r in responses if r.kind == "answer" and r.message_id is None}
        cards: dict[int, list[ResponseRecord]] = {}
        for r in responses:
            if r.kind == "answer" and r.user_id in waiting:
                cards.setdefault(r.user_id, []).append(r)
        return {user: sorted(rs, key=lambda r: r.question or 0) for user, rs in cards.items()}

    async def stance(
        self,
        guild_id: int,
        round_id: int,
        user_id: int,
        index: int,
        *,
        name: str | None = None,
        known: RoundRecord | None = None,
    ) -> tuple[RoundRecord, StanceRecord]:
        record = await self.open_round(guild_id, round_id, known=known)
        if not 0 <= index < len(record.stances):
            raise UserError("That stance is not one of this round's.")
        try:
            stance = await self._repo.set_stance(
                guild_id, round_id, user_id, record.stances[index], name=name
            )
        except RoundNotOpen:
            raise UserError(CLOSED) from None
        return record, stance

    async def mine(
        self, guild_id: int, round_id: int, user_id: int, *, known: RoundRecord | None = None
    ) -> tuple[RoundRecord, list[ResponseRecord], StanceRecord | None]:
        if known is None or (known.id, known.guild_id) != (round_id, guild_id):
            known = await self.get(guild_id, round_id)
        record = known
        answers = await self._repo.answers(guild_id, round_id, user_id)
        return record, answers, await self._repo.stance_of(guild_id, round_id, user_id)

    async def withdraw(
        self, guild_id: int, round_id: int, user_id: int, *, known: RoundRecord | None = None
    ) -> tuple[RoundRecord, list[ResponseRecord]]:
        """Delete the member's answers in an open round; returns what went (to unpost)."""
        record = await self.open_round(guild_id, round_id, known=known)
        return record, await self._repo.withdraw(guild_id, round_id, user_id)

    def reply_of(
        self,
        guild_id: int,
        thread_id: int,
        *,
        user_id: int,
        content: str,
        message_id: int,
        reply_to_id: int | None,
        created_at: datetime,
        name: str | None = None,
    ) -> Reply | None:
        """What a member's thread message is to a round: a reply, or None (no query made)."""
        round_id = self.threads.round_of(guild_id, thread_id)
        if round_id is None or not content.strip():
            return None
        return Reply(
            guild_id=guild_id,
            round_id=round_id,
            user_id=user_id,
            content=content,
            message_id=message_id,
            reply_to_id=reply_to_id,
            created_at=created_at,
            name=name,
        )

    async def apply_captured(self, events: Sequence[Captured]) -> Applied:
        """Replies, edits and deletions of round threads, in order, as one bulk write (the
        round's state is checked in the same transaction: a reply to a round closed meanwhile
        is not stored)."""
        return await self._repo.apply_captured(events)

    async def open_with_threads(self) -> list[RoundRecord]:
        """Open rounds with a thread, in every guild: start-up reads what their threads got
        while the bot was away (`reconcile_replies`)."""
        return await self._repo.open_with_threads()

    async def newest_replies(self) -> dict[int, int]:
        """Open round id -> its newest stored reply's message id: start-up reads each thread
        from there (what came after was missed)."""
        return await self._repo.newest_replies()

    async def reconcile_replies(
        self, record: RoundRecord, present: dict[int, str], *, read_from: int
    ) -> tuple[int, int, int]:
        """The thread's member messages (message id -> text) as read when the message id
        `read_from` was the newest possible, against what is stored: replies posted while the
        bot was away were stored by the caller; here the edited ones are updated and the
        deleted ones removed (only those older than the reading: a newer one came in since).
        Returns (edited, deleted, kept)."""
        stored = [r for r in await self._repo.responses(record.guild_id, record.id)]
        edited = deleted = 0
        for reply in stored:
            if reply.kind != "reply" or reply.message_id is None:
                continue
            text = present.get(reply.message_id)
            if text is None and reply.message_id < read_from:
                await self._repo.delete_reply(record.guild_id, reply.message_id)
                deleted += 1
            elif text is not None and text.strip() and text != reply.content:
                await self._repo.edit_reply(record.guild_id, reply.message_id, text)
                edited += 1
        return edited, deleted, len(stored) - deleted

    # -- closing, cancelling, reopening -----------------------------------------------------

    async def close(self, guild_id: int, round_id: int, *, by: int | None) -> ClosePlan:
        """Close an open round; a close that was interrupted is completed instead."""
        return await self._finish(guild_id, round_id, status="closed", by=by)

    async def cancel(self, guild_id: int, round_id: int, *, by: int) -> ClosePlan:
        return await self._finish(guild_id, round_id, status="cancelled", by=by)

    async def _finish(
        self, guild_id: int, round_id: int, *, status: str, by: int | None
    ) -> ClosePlan:
        record = await self.get(guild_id, round_id)
        if not record.is_open:
            if record.close_pending and record.status == status:
                return await self._plan(record, resumed=True)
            raise UserError(f"Round {round_id} is not open.")
        await self._run_before_close(record)
        finished = await self._repo.finish(
            guild_id, round_id, status=status, by=by, now=self.clock.now()
        )
        if finished is None:
            raise UserError(f"Round {round_id} is not open.")
        self.threads.closed(finished)
        self._scheduler.wake()
        return await self._plan(finished)

    async def close_next_due(self, now: datetime | None = None) -> ClosePlan | None:
        """Close the round whose deadline passed first (each exactly once); None when none did.

        One at a time: the caller finishes this close on Discord before asking for the next.
        """
        moment = now or self.clock.now()
        for record in await self._repo.due(moment, limit=1):
            await self._run_before_close(record)
            finished = await self._repo.finish(
                record.guild_id, record.id, status="closed", by=None, now=moment
            )
            if finished is not None:
                self.threads.closed(finished)
                return await self._plan(finished)
        return None

    async def unfinished(self) -> list[ClosePlan]:
        """Closes a crash or SIGTERM interrupted, in every guild, oldest first."""
        return [await self._plan(r, resumed=True) for r in await self._repo.close_pending()]

    async def step_done(self, record: RoundRecord, step: str) -> None:
        """One close step is done on Discord (or Discord refused it for good)."""
        assert step in CLOSE_STEPS, step
        remaining = await self._repo.close_step_done(record.id, step, last=CLOSE_STEPS[-1])
        if not remaining:
            self._scheduler.wake()

    async def _plan(self, record: RoundRecord, *, resumed: bool = False) -> ClosePlan:
        steps = [s for s in CLOSE_STEPS if s not in record.close_steps]
        if record.status != "closed":
            steps = [s for s in steps if s != "summary"]
        settings = await self._config.get(record.guild_id)
        return ClosePlan(
            record=record,
            todo=tuple(steps),
            participation=await self.participation(record),
            thread_on_close=settings.thread_on_close,
            resumed=resumed,
        )

    async def reopen(
        self, guild_id: int, round_id: int, *, closes_in: str | None, now: datetime | None = None
    ) -> RoundRecord:
        await self.get(guild_id, round_id)
        closes_at = (now or self.clock.now()) + parse_duration(closes_in) if closes_in else None
        try:
            reopened = await self._repo.reopen(guild_id, round_id, closes_at=closes_at)
        except RoundAlreadyOpen as exc:
            raise UserError(
                f"Round {exc.round_id} on the same section is open: close it first."
            ) from None
        if reopened is None:
            raise UserError(f"Round {round_id} is already open.")
        self.threads.opened(reopened)
        self._scheduler.wake()
        return reopened

    async def next_wake(self) -> datetime | None:
        """When the timer has work: now for an unfinished close, else the next deadline or
        reminder."""
        if await self._repo.close_pending(limit=1):
            return self.clock.now()
        times = [await self._repo.next_deadline(), await self._repo.next_reminder()]
        return min((t for t in times if t is not None), default=None)

    async def next_reminder(
        self, now: datetime | None = None
    ) -> tuple[RoundRecord, Participation] | None:
        """Claim the reminder due first (each round is reminded at most once)."""
        record = await self._repo.claim_reminder(now or self.clock.now())
        if record is None:
            return None
        return record, await self.participation(record)

    async def remind_again(
        self, record: RoundRecord, at: datetime
    ) -> Literal["again", "too late", "closed"]:
        """A reminder Discord refused is due again `at`, when that is before the deadline ("too
        late" when not: it is given up); "closed" when the round closed meanwhile."""
        if record.closes_at is not None and at >= record.closes_at:
            return "too late"
        if not await self._repo.remind_again(record.id, at):
            return "closed"
        self._scheduler.wake()
        return "again"

    # -- reporting --------------------------------------------------------------------------

    async def participation(self, record: RoundRecord) -> Participation:
        """Every stored answer counts, whether or not its card reached the thread."""
        responses = await self._repo.responses(record.guild_id, record.id)
        stances = await self._repo.stances(record.guild_id, record.id)
        members = {r.user_id for r in responses} | {s.user_id for s in stances}
        return Participation(
            members=len(members),
            answers=sum(1 for r in responses if r.kind == "answer"),
            replies=sum(1 for r in responses if r.kind == "reply"),
            opening=dict(Counter(s.opening for s in stances)),
            closing=dict(Counter(s.closing or s.current for s in stances)),
        )

    async def responses(self, record: RoundRecord) -> list[ResponseRecord]:
        return await self._repo.responses(record.guild_id, record.id)

    async def stances(self, record: RoundRecord) -> list[StanceRecord]:
        return await self._repo.stances(record.guild_id, record.id)
