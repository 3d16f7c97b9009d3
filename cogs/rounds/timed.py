"""A round's timed work, run by the one timer (cogs/support/timer.py): at start-up, what threads
got while the bot was away and the cards of answers that never showed; then, each pass, closes
a crash or SIGTERM interrupted, closes at deadlines (also what fell due while the bot was down)
and reminders before them.

A close that fails (Discord not answering, the summary failing) is left recorded half-done and
tried again after a back-off (the series' own: 1, 5, 20, 60 minutes), each try within a time
limit so that it never holds up other rounds for long; after the last the round is held (not
tried again until the bot restarts or a moderator runs /round close) and its moderators are
told. A reminder Discord refuses is due again after the same back-off (its new time stored,
so a restart keeps it) while that is before the deadline; after the last try, or when the next
would come too late, it is given up and the moderators told. The counts are kept in memory: a
restart is a fresh start."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import discord

from cogs.rounds.closing import Closer
from cogs.rounds.reading import ThreadReading
from cogs.support import notices, render
from cogs.support.timer import Stage, each
from roundtable.durations import describe
from roundtable.rounds import ClosePlan, Participation, title_of
from roundtable.rounds.model import RoundRecord
from roundtable.series.service import BACKOFF
from roundtable.text import plural

if TYPE_CHECKING:
    from cogs.support.bot import RoundtableBot

log = logging.getLogger(__name__)

# One close, discord.py's own retries included (an LLM summary's time is added: its timeout,
# for each of the openai client's three tries).
CLOSE_SECONDS = 120.0
REMIND_SECONDS = 60.0  # one reminder, discord.py's own retries included
GIVE_UP = len(BACKOFF) + 1  # failed closes in a row before the round is held, its mods told


class RoundTimedWork:
    def __init__(self, bot: RoundtableBot, closer: Closer, reading: ThreadReading) -> None:
        self.bot = bot
        self.closer = closer
        self.reading = reading
        llm = bot.settings.llm
        self.item_seconds = CLOSE_SECONDS + (3 * llm.timeout_seconds if llm else 0.0)
        self.failures: dict[int, int] = {}  # round id -> failed closes in a row
        self._retry_at: dict[int, datetime] = {}  # round id -> when its close is tried again
        self.reminder_failures: dict[int, int] = {}  # round id -> reminders refused in a row
        self.remind_seconds = REMIND_SECONDS

    def register(self) -> None:
        timer = self.bot.timer
        timer.at_start(self.catch_up)
        timer.register(Stage.RESUME, self.resume_closes)
        timer.register(Stage.CLOSE, self.close_due)
        timer.register(Stage.REMIND, self.remind)
        self.bot.services.scheduler.watch("round closes tried again", self.next_retry)

    async def next_retry(self) -> datetime | None:
        return min(self._retry_at.values(), default=None)

    def unregister(self) -> None:
        for handler in (self.resume_closes, self.close_due, self.remind):
            self.bot.timer.unregister(handler)

    async def catch_up(self) -> None:
        """First what threads got while the bot was away (what is new in each: their edits and
        deletions are read in the background), so a close in the first pass counts it."""
        began = time.monotonic()
        added = await self.reading.catch_up()
        records = await self.bot.rounds.open_with_threads()
        for record in records:  # answers never shown
            await self.closer.restore_cards(record)
        log.info(
            "Caught up: %d open rounds, %d replies posted while away, in %.1f s; timed work starts",
            len(records),
            added,
            time.monotonic() - began,
        )

    # Each round in its own guard (`each`): one that fails is logged and tried again on the
    # timer's next look; the other rounds, of this server and every other, go on.

    async def resume_closes(self, now: datetime) -> None:
        async with each("interrupted close") as guard:
            for plan in await self.bot.rounds.unfinished():
                if self.closer.claimed(plan.record.id):
                    continue  # a command is closing it, and reports to its moderator
                if self.failures.get(plan.record.id, 0) >= GIVE_UP:
                    continue  # held: its moderators were told
                if now < self._retry_at.get(plan.record.id, now):
                    continue  # failed a moment ago: tried again after its back-off
                log.info("Completing the interrupted close of round %s", plan.record.id)
                await guard(self._attempt(plan), plan.record.id)

    async def close_due(self, now: datetime) -> None:
        async with each("close at a deadline") as guard:
            while (due := await self.bot.rounds.close_next_due(now)) is not None:
                log.info("Round %s reached its deadline", due.record.id)
                await guard(self._attempt(due), due.record.id)

    async def remind(self, now: datetime) -> None:
        async with each("reminder") as guard:
            while (reminder := await self.bot.rounds.next_reminder(now)) is not None:
                await guard(self._remind(*reminder), reminder[0].id)

    async def _remind(self, record: RoundRecord, participation: Participation) -> None:
        """One try at a reminder, within remind_seconds. One Discord refuses is due again after
        the back-off while that is before the deadline; after the last try (or when the next
        would come too late) it is given up and the round's moderators told. A thread that is
        gone needs no reminder (its close says so)."""
        try:
            async with asyncio.timeout(self.remind_seconds):
                await post_reminder(self.bot, record, participation)
        except discord.NotFound:
            log.warning("Round %s: no reminder, its thread is gone", record.id)
        except Exception as exc:
            if isinstance(exc, TimeoutError):
                why = f"Discord did not answer within {self.remind_seconds:g} s"
            elif isinstance(exc, discord.HTTPException):
                why = f"Discord answered {exc.status}: {exc.text[:200] or exc.response.reason}"
            else:
                log.exception("Round %s: the reminder failed", record.id)
                why = "an unexpected error, logged for the bot's host"
            failed = self.reminder_failures.get(record.id, 0) + 1
            self.reminder_failures[record.id] = failed
            log.warning("Round %s: the reminder failed (%d): %s", record.id, failed, why)
            outcome = "given up"
            if failed < GIVE_UP:
                again = self.bot.clock.now() + BACKOFF[failed - 1]
                outcome = await self.bot.rounds.remind_again(record, again)
                if outcome == "again":
                    return
            self.reminder_failures.pop(record.id, None)
            if outcome != "closed":
                await self._reminder_given_up(record, failed, why)
        else:
            self.reminder_failures.pop(record.id, None)

    async def _attempt(self, plan: ClosePlan) -> None:
        """One try at the close, within item_seconds; failures counted, the GIVE_UP-th told."""
        record = plan.record
        try:
            await asyncio.wait_for(self._finish(plan), self.item_seconds)
        except Exception as exc:
            failed = self.failures[record.id] = self.failures.get(record.id, 0) + 1
            if failed < GIVE_UP:
                wait: timedelta = BACKOFF[failed - 1]
                self._retry_at[record.id] = self.bot.clock.now() + wait
            else:
                self._retry_at.pop(record.id, None)
                await self._tell(record, exc)
            if isinstance(exc, TimeoutError):
                raise TimeoutError(f"not done within {self.item_seconds:.0f} s") from None
            raise
        self.release(record.id)

    async def _tell(self, record: RoundRecord, exc: Exception) -> None:
        why = (
            f"Discord did not answer within {self.item_seconds:.0f} s"
            if isinstance(exc, TimeoutError)
            else f"{type(exc).__name__}, logged for the bot's host"
        )
        log.warning("Round %s held after %d failed closes: %s", record.id, GIVE_UP, why)
        await notices.tell_moderators(
            self.bot,
            record.guild_id,
            f"{title_of(record)} could not finish closing: {GIVE_UP} tries over "
            f"{describe(sum(BACKOFF, timedelta()))} failed ({why}). "
            "It takes no new answers; its summary, buttons or thread may still be as they "
            f"were. `/round close round:{record.id}` tries the rest again.",
            owner_id=record.opened_by,
            not_in=record.thread_id,
        )

    async def _reminder_given_up(self, record: RoundRecord, failed: int, why: str) -> None:
        log.warning("Round %s: reminder given up after %d tries", record.id, failed)
        closes = f" {render.timestamp(record.closes_at)}" if record.closes_at else ""
        where = render.channel(record.thread_id) if record.thread_id else "its thread"
        await notices.tell_moderators(
            self.bot,
            record.guild_id,
            f"The reminder for {title_of(record)} could not be posted in "
            f"{where} ({plural(failed, 'try', 'tries')}, the last: "
            f"{why}). Members were not reminded; the round still closes{closes}.",
            owner_id=record.opened_by,
            not_in=record.thread_id,
        )

    def release(self, round_id: int) -> None:
        """Closed, or a moderator closes it by hand: its count starts again."""
        self.failures.pop(round_id, None)
        self._retry_at.pop(round_id, None)

    async def _finish(self, plan: ClosePlan) -> None:
        for problem in await self.closer.carry_out(plan):
            log.warning("Round %s: %s", plan.record.id, problem)


async def post_reminder(
    bot: RoundtableBot, record: RoundRecord, participation: Participation
) -> None:
    """One reminder in the round's thread; it pings the series' role only when one is set."""
    if record.thread_id is None or record.closes_at is None:
        return
    role_id = None
    if record.series_id is not None:
        series = await bot.series.get(record.guild_id, record.series_id)
        role_id = series.ping_role_id
    answered = plural(participation.members, "member has", "members have")
    text = (
        f"{title_of(record)} closes {render.timestamp(record.closes_at, 'R')} "
        f"({render.timestamp(record.closes_at)}). So far {answered} taken part: press "
        "**Respond** on the round's post to add your answers."
    )
    mentions = discord.AllowedMentions.none()
    if role_id is not None:
        text = f"{render.role(role_id)} {text}"
        mentions = discord.AllowedMentions(roles=[discord.Object(role_id)])
    thread = bot.get_partial_messageable(record.thread_id, guild_id=record.guild_id)
    await thread.send(text, allowed_mentions=mentions)
