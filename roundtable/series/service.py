"""Scheduled series, Discord-free: a pack posted section by section as rounds on a rhythm.

    preview -> create -> (next_post -> posted | failed) ... -> finished
                         pause / resume / skip / edit / delete

`next_post` claims the next due occurrence in one transaction (the claim, its reserved round and
the series moving on together), applying the series' catch-up policy to occurrences missed while
the bot was down. The Discord side posts the round with nonces and reports `posted`; a claim that
was never reported (a crash mid-post) comes back from `unfinished_posts` at start-up, with the
same round and so the same nonces, and is completed without a second post.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from roundtable.clock import Clock
from roundtable.durations import describe, parse_duration
from roundtable.errors import UserError
from roundtable.guild_config import GuildConfig, validate_timezone
from roundtable.packs.library import PackLibrary
from roundtable.packs.model import Pack
from roundtable.rounds import RoundService
from roundtable.rounds.model import RoundAlreadyOpen, RoundRecord
from roundtable.scheduler import Scheduler
from roundtable.series.model import NewSeries, SeriesExists, SeriesMoved, SeriesRecord
from roundtable.series.recurrence import (
    HORIZON,
    Recurrence,
    parse_date,
    parse_every,
    parse_time,
)
from roundtable.series.recurrence import zone as tz
from roundtable.series.store import SeriesStore

CATCH_UP = ("latest", "all", "none")
GRACE = timedelta(minutes=15)  # an occurrence later than this was missed (the bot was down)
PREVIEW = 5
# A post Discord refuses or never answers is tried again after these waits; after the last it
# pauses its series (about an hour and a half of trying, in five tries).
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=20), timedelta(hours=1))


@dataclass(frozen=True, slots=True)
class Occurrence:
    at: datetime  # UTC
    section: int
    title: str


@dataclass(frozen=True, slots=True)
class Draft:
    """A validated series, not stored yet: what the moderator confirms."""

    new: NewSeries
    pack_title: str
    sections: int
    upcoming: tuple[Occurrence, ...]


@dataclass(frozen=True, slots=True)
class Paused:
    """The scheduler paused a series; the moderators must be told why."""

    series: SeriesRecord
    reason: str


@dataclass(frozen=True, slots=True)
class Skipped:
    """Occurrences missed while the bot was down were skipped (catch_up none): say so."""

    series: SeriesRecord
    count: int


@dataclass(frozen=True, slots=True)
class PostPlan:
    """A claimed occurrence the Discord side must post (or finish posting)."""

    series: SeriesRecord
    occurrence: datetime
    record: RoundRecord
    pack: Pack
    skipped: int  # missed occurrences left out by the catch-up policy
    late: bool  # posted after downtime (caught up)
    resumed: bool = False  # a claim from before a restart, or tried before
    failures: int = 0  # earlier tries of this claim Discord refused


def recurrence_of(series: SeriesRecord | NewSeries) -> Recurrence:
    return Recurrence(series.rule, series.starts_on, series.at, series.timezone)


def _minutes(text: str | None) -> int | None:
    return int(parse_duration(text).total_seconds() // 60) if text else None


class SeriesService:
    def __init__(
        self,
        repo: SeriesStore,
        rounds: RoundService,
        packs: PackLibrary,
        config: GuildConfig,
        clock: Clock,
        *,
        scheduler: Scheduler,
    ):
        self._repo = repo
        self._rounds = rounds
        self._packs = packs
        self._config = config
        self.clock = clock
        self._scheduler = scheduler
        scheduler.watch("series", self.next_wake)

    # -- setting up -------------------------------------------------------------------------

    async def preview(
        self,
        guild_id: int,
        *,
        pack_slug: str,
        channel_id: int,
        every: str,
        at: str,
        timezone: str | None,
        start: str | None,
        round_length: str | None,
        remind_before: str | None,
        from_section: int,
        catch_up: str,
        loop: bool,
        ping_role_id: int | None,
        by: int,
    ) -> Draft:
        """Check everything a moderator gave; nothing is stored until `create`."""
        now = self.clock.now()
        record, pack = await self._packs.load(guild_id, pack_slug)
        if not 1 <= from_section <= len(pack.sections):
            raise UserError(
                f"{pack.title} has sections 1 to {len(pack.sections)}, not {from_section}."
            )
        if catch_up not in CATCH_UP:
            raise UserError(f"catch_up is one of {', '.join(CATCH_UP)}.")
        zone = validate_timezone(timezone) if timezone else await self._guild_zone(guild_id)
        local_today = now.astimezone(tz(zone)).date()
        starts_on = parse_date(start) if start else local_today
        if starts_on < local_today:
            raise UserError(f"The start date {starts_on} is in the past.")
        if starts_on > local_today + HORIZON:
            raise UserError(
                f"The start date {starts_on} is more than three years away: pick one before "
                f"{local_today + HORIZON}."
            )
        round_minutes = _minutes(round_length)
        remind_minutes = _minutes(remind_before)
        if remind_minutes and not round_minutes:
            raise UserError("A reminder needs a round_length: it is sent before the round closes.")
        if remind_minutes and round_minutes and remind_minutes >= round_minutes:
            raise UserError("remind_before must be shorter than round_length.")
        rule = parse_every(every)
        recurrence = Recurrence(rule, starts_on, parse_time(at), zone)
        # A typed RRULE that rarely matches is searched for up to ~0.2 s: not on the event loop.
        first = await asyncio.to_thread(recurrence.check, now)
        new = NewSeries(
            guild_id=guild_id,
            pack_id=record.id,
            channel_id=channel_id,
            every=" ".join(every.split()),
            rule=rule,
            starts_on=starts_on,
            at=recurrence.at,
            timezone=zone,
            round_minutes=round_minutes,
            remind_minutes=remind_minutes,
            ping_role_id=ping_role_id,
            catch_up=catch_up,
            loop=loop,
            next_section=from_section,
            next_at=first,
            created_by=by,
        )
        upcoming = await asyncio.to_thread(self._upcoming, new, pack)
        return Draft(new, pack.title, len(pack.sections), upcoming)

    def _upcoming(self, series: SeriesRecord | NewSeries, pack: Pack) -> tuple[Occurrence, ...]:
        """The next occurrences from next_at, with the section each posts."""
        if series.next_at is None:
            return ()
        found: list[Occurrence] = []
        section = series.next_section
        moment = series.next_at - timedelta(seconds=1)
        for instant in recurrence_of(series).occurrences(moment):
            if section > len(pack.sections):
                if not series.loop:
                    break
                section = 1
            found.append(Occurrence(instant, section, pack.section(section).title))
            section += 1
            if len(found) == PREVIEW:
                break
        return tuple(found)

    async def create(self, draft: Draft) -> SeriesRecord:
        try:
            return await self._repo.create(draft.new, now=self.clock.now())
        except SeriesExists as exc:
            raise UserError(
                f"Series {exc.series_id} already posts this pack in that channel: edit or delete "
                "it first."
            ) from None
        finally:
            self._scheduler.wake()

    async def _guild_zone(self, guild_id: int) -> str:
        return (await self._config.get(guild_id)).timezone

    # -- finding ----------------------------------------------------------------------------

    async def get(self, guild_id: int, series_id: int) -> SeriesRecord:
        found = await self._repo.get(guild_id, series_id)
        if found is None:
            raise UserError(
                f"There is no series {series_id} on this server: /schedule list shows them."
            )
        return found

    async def of_guild(self, guild_id: int) -> list[SeriesRecord]:
        return await self._repo.of_guild(guild_id)

    async def upcoming(self, series: SeriesRecord) -> tuple[str, tuple[Occurrence, ...]]:
        """The pack's title and the next occurrences of a stored series."""
        pack = await self._pack_of(series)
        return pack.title, self._upcoming(series, pack)

    async def _pack_of(self, series: SeriesRecord) -> Pack:
        for record in await self._packs.visible(series.guild_id):
            if record.id == series.pack_id:
                return (await self._packs.load(series.guild_id, record.slug))[1]
        raise UserError("The series' pack is gone.")

    # -- moderators -------------------------------------------------------------------------

    async def pause(self, guild_id: int, series_id: int) -> SeriesRecord:
        series = await self.get(guild_id, series_id)
        if series.status != "active":
            raise UserError(f"Series {series_id} is {series.status}, not running.")
        await self._repo.set_status(guild_id, series_id, status="paused", reason="by a moderator")
        self._scheduler.wake()
        return await self.get(guild_id, series_id)

    async def resume(self, guild_id: int, series_id: int) -> SeriesRecord:
        """Run again from the next occurrence after now: what fell in the pause is not caught up."""
        series = await self.get(guild_id, series_id)
        if series.status != "paused":
            raise UserError(f"Series {series_id} is {series.status}, not paused.")
        following = recurrence_of(series).next_after(self.clock.now())
        if following is None:
            raise UserError(f"Series {series_id} has no occurrence left: delete it.")
        await self._repo.set_status(guild_id, series_id, status="active", next_at=following)
        self._scheduler.wake()
        return await self.get(guild_id, series_id)

    async def skip(self, guild_id: int, series_id: int) -> tuple[SeriesRecord, datetime]:
        """Skip the next occurrence (its section moves to the one after)."""
        series = await self.get(guild_id, series_id)
        if series.status != "active" or series.next_at is None:
            raise UserError(f"Series {series_id} is {series.status}: nothing to skip.")
        following = recurrence_of(series).next_after(series.next_at)
        try:
            await self._repo.claim(
                series,
                occurrence=series.next_at,
                skipped=(),
                new_round=None,
                next_section=series.next_section,
                next_at=following,
                now=self.clock.now(),
            )
        except SeriesMoved:
            raise UserError("The series just changed: look at /schedule show again.") from None
        self._scheduler.wake()
        return await self.get(guild_id, series_id), series.next_at

    async def edit(
        self,
        guild_id: int,
        series_id: int,
        *,
        at: str | None,
        timezone: str | None,
        round_length: str | None,
        remind_before: str | None,
    ) -> SeriesRecord:
        series = await self.get(guild_id, series_id)
        if series.status == "finished":
            raise UserError(f"Series {series_id} is finished.")
        changed = replace(
            series,
            at=parse_time(at) if at else series.at,
            timezone=validate_timezone(timezone) if timezone else series.timezone,
            round_minutes=_minutes(round_length) if round_length else series.round_minutes,
            remind_minutes=_minutes(remind_before) if remind_before else series.remind_minutes,
        )
        if (
            changed.remind_minutes
            and changed.round_minutes
            and changed.remind_minutes >= changed.round_minutes
        ):
            raise UserError("remind_before must be shorter than round_length.")
        # The same next occurrence day at the new time (a skip is kept), never in the past.
        anchor = self.clock.now()
        if series.next_at is not None:
            day = series.next_at.astimezone(tz(changed.timezone)).date()
            start_of_day = datetime.combine(day, datetime.min.time(), tz(changed.timezone))
            anchor = max(anchor, start_of_day - timedelta(seconds=1))
        following = recurrence_of(changed).next_after(anchor)
        await self._repo.update(
            guild_id,
            series_id,
            at=changed.at,
            timezone=changed.timezone,
            round_minutes=changed.round_minutes,
            remind_minutes=changed.remind_minutes,
            next_at=following,
        )
        self._scheduler.wake()
        return await self.get(guild_id, series_id)

    async def delete(self, guild_id: int, series_id: int) -> SeriesRecord:
        series = await self.get(guild_id, series_id)
        await self._repo.delete(guild_id, series_id)
        self._scheduler.wake()
        return series

    # -- the scheduler's side ---------------------------------------------------------------

    async def next_wake(self) -> datetime | None:
        moments = [c.retry_at or self.clock.now() for c in await self._repo.claimed()]
        due = await self._repo.next_due()
        return min([*moments, *([due] if due else [])], default=None)

    async def next_post(self, now: datetime | None = None) -> PostPlan | Paused | Skipped | None:
        """Claim the next due occurrence of any series (one at a time), or None."""
        now = now or self.clock.now()
        while (series := await self._repo.due(now)) is not None:
            try:
                plan = await self._claim(series, now)
            except SeriesMoved:
                continue  # changed under us: read it again
            if plan is not None:
                return plan
        return None

    async def _claim(
        self, series: SeriesRecord, now: datetime
    ) -> PostPlan | Paused | Skipped | None:
        assert series.next_at is not None
        recurrence = recurrence_of(series)
        due = [series.next_at]
        for instant in recurrence.occurrences(series.next_at):
            if instant > now:
                break
            due.append(instant)
        missed = [moment for moment in due if now - moment > GRACE]
        on_time = [moment for moment in due if now - moment <= GRACE]
        skipped: list[datetime] = []
        if series.catch_up == "none":
            skipped, due = missed, on_time
        elif series.catch_up == "latest" and missed:
            skipped, due = missed[:-1], [missed[-1], *on_time]
        if not due:  # everything missed was skipped
            following = recurrence.next_after(now)
            await self._repo.claim(
                series,
                occurrence=skipped[-1],
                skipped=skipped[:-1],
                new_round=None,
                next_section=series.next_section,
                next_at=following,
                now=now,
            )
            return Skipped(series, len(skipped))
        occurrence = due[0]
        pack = await self._pack_of(series)
        section = series.next_section
        if section > len(pack.sections):
            section = 1  # a looping series wraps round (a finished one is never due)
        following_section = section + 1
        following = recurrence.next_after(occurrence)
        if following_section > len(pack.sections) and not series.loop:
            following = None  # that was the last section
        elif following_section > len(pack.sections):
            following_section = 1
        opens = now if occurrence in missed else occurrence  # a late round gets its full length
        closes_at = (
            opens + timedelta(minutes=series.round_minutes) if series.round_minutes else None
        )
        remind_at = (
            closes_at - timedelta(minutes=series.remind_minutes)
            if closes_at and series.remind_minutes
            else None
        )
        new_round = self._rounds.shape(
            guild_id=series.guild_id,
            pack_id=series.pack_id,
            pack=pack,
            section=section,
            channel_id=series.channel_id,
            by=series.created_by,
            closes_at=closes_at,
            now=now,
            series_id=series.id,
            remind_at=remind_at,
            added=await self._rounds.added_questions(series.guild_id, series.pack_id, section),
        )
        try:
            round_id = await self._repo.claim(
                series,
                occurrence=occurrence,
                skipped=skipped,
                new_round=new_round,
                next_section=following_section,
                next_at=following,
                now=now,
            )
        except RoundAlreadyOpen as exc:
            reason = (
                f"round {exc.round_id} on section {section} is still open: close it, then "
                "/schedule resume"
            )
            await self._repo.set_status(series.guild_id, series.id, status="paused", reason=reason)
            return Paused(series, reason)
        assert round_id is not None
        record = await self._rounds.get(series.guild_id, round_id)
        return PostPlan(series, occurrence, record, pack, len(skipped), late=occurrence in missed)

    async def unfinished_posts(self, now: datetime | None = None) -> list[PostPlan]:
        """Claims never marked posted (from before a restart, or a try that failed) whose
        time to try again has come."""
        now = now or self.clock.now()
        plans = []
        for claim in await self._repo.claimed():
            if claim.retry_at is not None and claim.retry_at > now:
                continue
            series = await self._repo.series_of(claim.series_id)
            if series is None or claim.round_id is None:
                continue
            record = await self._rounds.get(series.guild_id, claim.round_id)
            pack = await self._pack_of(series)
            plans.append(
                PostPlan(
                    series,
                    claim.occurrence,
                    record,
                    pack,
                    0,
                    False,
                    resumed=True,
                    failures=claim.failures,
                )
            )
        return plans

    async def posted(
        self, plan: PostPlan, *, thread_id: int, posts: list[tuple[int, int]]
    ) -> RoundRecord:
        record = await self._rounds.posted(plan.record, thread_id=thread_id, posts=posts)
        await self._repo.mark_posted(plan.series.id, plan.occurrence, now=self.clock.now())
        return record

    async def post_failed(self, plan: PostPlan, error: str) -> Paused | None:
        """A try at posting failed for a reason that may pass (Discord answered 400 or 5xx, or
        not at all): try again after a back-off; after the last, pause the series (Paused: the
        moderators must be told). Other series and servers are not held up meanwhile."""
        wait = BACKOFF[min(plan.failures, len(BACKOFF) - 1)]
        failures = await self._repo.retry_later(
            plan.series.id, plan.occurrence, retry_at=self.clock.now() + wait, error=error
        )
        self._scheduler.wake()
        if failures <= len(BACKOFF):
            return None
        reason = (
            f"Discord refused its post {failures} times in a row over "
            f"{describe(sum(BACKOFF, timedelta()))} ({error}); when that is fixed, resume it"
        )
        await self.failed(plan, reason)
        return Paused(plan.series, reason)

    async def failed(self, plan: PostPlan, reason: str) -> None:
        """Discord refused for good (channel gone, permission lost): pause, with the reason."""
        await self._repo.fail(
            plan.series.id, plan.occurrence, round_id=plan.record.id, reason=reason
        )
        self._scheduler.wake()
