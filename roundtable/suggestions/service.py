"""Suggested questions, Discord-free: the one owner of their life.

    check -> submit -> vote ... / edit -> approve (section, or follow-up in the open round)
                                       -> reject (with a reason its author sees)

A member makes at most PER_DAY suggestions in a day (any outcome), each 10 to 300 characters,
with links written out and no mentions; one close to a question already there is pointed out
before it is submitted. An approved suggestion joins every later round of its section (the
rounds service asks `approved_for`), and, when it was made in a round still open, becomes that
round's next question.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from roundtable.clock import Clock
from roundtable.errors import UserError
from roundtable.packs.library import PackLibrary
from roundtable.packs.model import MAX_QUESTION_CHARS, MAX_QUESTIONS
from roundtable.rounds.model import RoundRecord
from roundtable.suggestions.model import Approved, NewSuggestion, Similar, Suggestion, Target
from roundtable.suggestions.similar import close
from roundtable.suggestions.store import SuggestionStore
from roundtable.text import INVISIBLE, unmask_links

PER_DAY = 3
DAY = timedelta(days=1)
MIN_CHARS = 10
REASON_MAX = 300
# Markup that would mention someone or something, even with pings off: refused, not echoed.
_MENTIONS = ("@everyone", "@here", "<@", "<#")


def cleaned(text: str) -> str:
    """One line, masked links written out, invisible characters gone."""
    return " ".join(unmask_links(text.translate(INVISIBLE)).split())


def question_text(text: str) -> str:
    """The text as a question it can become, or UserError saying what to change."""
    text = cleaned(text)
    if len(text) < MIN_CHARS:
        raise UserError(f"A question needs at least {MIN_CHARS} characters.")
    if len(text) > MAX_QUESTION_CHARS:
        raise UserError(
            f"A question is at most {MAX_QUESTION_CHARS} characters; this one has {len(text)}."
        )
    if any(m in text.casefold() for m in _MENTIONS):
        raise UserError(
            "A question can't mention members, roles, channels, @everyone or @here: write the "
            "names out."
        )
    return text


def _wait(delta: timedelta) -> str:
    minutes = max(1, round(delta.total_seconds() / 60))
    if minutes < 90:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    return f"{round(minutes / 60)} hours"


class SuggestionService:
    def __init__(self, store: SuggestionStore, packs: PackLibrary, clock: Clock):
        self._repo = store
        self._packs = packs
        self.clock = clock

    # -- what a suggestion is for -------------------------------------------------------------

    async def target(
        self,
        guild_id: int,
        *,
        pack_slug: str | None = None,
        section: int | None = None,
        in_round: RoundRecord | None = None,
    ) -> Target:
        """A pack's section (both named), else the round whose thread the member is in: its
        open round, or its section when the round has closed."""
        if pack_slug:
            if section is None:
                raise UserError("Name the section too (section:), or suggest in a round's thread.")
            record, pack = await self._packs.section(guild_id, pack_slug, section)
            chosen = pack.section(section)
            return Target(record.id, pack.title, section, chosen.title, chosen.questions)
        if in_round is None:
            raise UserError(
                "Suggest in a round's thread, or name a pack and a section (pack:, section:)."
            )
        record, pack = await self._packs.section_of(guild_id, in_round.pack_id)
        if in_round.is_open:
            return Target(
                record.id, pack.title, in_round.section_number, in_round.section_title,
                in_round.questions, in_round.id,
            )  # fmt: skip
        chosen = pack.section(in_round.section_number)
        return Target(
            record.id, pack.title, in_round.section_number, chosen.title, chosen.questions
        )

    # -- suggesting ---------------------------------------------------------------------------

    async def check(
        self, guild_id: int, user_id: int, text: str, target: Target
    ) -> tuple[str, list[Similar]]:
        """The question as it would be stored and the questions it is close to; UserError when
        it can't be suggested (its text, or the member's limit for the day)."""
        text = question_text(text)
        await self._within_limit(guild_id, user_id)
        similar = [
            Similar(q, f"question {n}")
            for n, q in enumerate(target.questions, start=1)
            if close(text, q)
        ]
        for s in await self._repo.for_section(guild_id, target.pack_id, target.section_number):
            if close(text, s.text) and s.text not in target.questions:
                similar.append(Similar(s.text, f"suggestion {s.id} ({s.status})"))
        return text, similar

    async def _within_limit(self, guild_id: int, user_id: int) -> None:
        now = self.clock.now()
        made = await self._repo.made_since(guild_id, user_id, now - DAY)
        if len(made) >= PER_DAY:
            wait = made[0].created_at + DAY - now
            raise UserError(
                f"You have suggested {PER_DAY} questions in the last day, the most for a day: "
                f"you can suggest again in {_wait(wait)}."
            )

    async def submit(
        self, guild_id: int, user_id: int, text: str, target: Target, *, name: str | None
    ) -> Suggestion:
        text = question_text(text)
        now = self.clock.now()
        new = NewSuggestion(
            guild_id, user_id, name, text, target.pack_id, target.section_number,
            target.round_id, now,
        )  # fmt: skip
        stored = await self._repo.add(new, since=now - DAY, most=PER_DAY)
        if stored is None:
            await self._within_limit(guild_id, user_id)  # says when they can again
            raise UserError(f"You have suggested {PER_DAY} questions in the last day.")
        return stored

    # -- members and moderators ---------------------------------------------------------------

    async def get(self, guild_id: int, suggestion_id: int) -> Suggestion:
        found = await self._repo.get(guild_id, suggestion_id)
        if found is None:
            raise UserError(f"There is no suggestion {suggestion_id} on this server.")
        return found

    async def _pending(self, guild_id: int, suggestion_id: int) -> Suggestion:
        found = await self.get(guild_id, suggestion_id)
        if not found.pending:
            raise UserError(f"Suggestion {suggestion_id} was {found.status} already.")
        return found

    async def _decided_meanwhile(self, guild_id: int, suggestion_id: int) -> UserError:
        """The store found it no longer pending: say what became of it."""
        await self._pending(guild_id, suggestion_id)  # raises "was approved already", …
        return UserError(f"Suggestion {suggestion_id} is no longer pending.")

    async def vote(self, guild_id: int, suggestion_id: int, user_id: int) -> Suggestion:
        """The member's up-vote, or taking it back (one vote each)."""
        found = await self._pending(guild_id, suggestion_id)
        if found.user_id == user_id:
            raise UserError("You can't vote for your own suggestion.")
        voted = await self._repo.vote(guild_id, suggestion_id, user_id)
        if voted is None:
            raise await self._decided_meanwhile(guild_id, suggestion_id)
        return voted

    async def edit(self, guild_id: int, suggestion_id: int, text: str) -> Suggestion:
        text = question_text(text)
        await self._pending(guild_id, suggestion_id)
        edited = await self._repo.edit(guild_id, suggestion_id, text)
        if edited is None:
            raise await self._decided_meanwhile(guild_id, suggestion_id)
        return edited

    async def approve(self, guild_id: int, suggestion_id: int, *, by: int) -> Approved:
        await self._pending(guild_id, suggestion_id)
        approved = await self._repo.approve(
            guild_id, suggestion_id, by=by, now=self.clock.now(), most_questions=MAX_QUESTIONS
        )
        if approved is None:
            raise await self._decided_meanwhile(guild_id, suggestion_id)
        return approved

    async def reject(
        self, guild_id: int, suggestion_id: int, *, by: int, reason: str | None
    ) -> Suggestion:
        reason = cleaned(reason or "") or None
        if reason is not None and len(reason) > REASON_MAX:
            raise UserError(f"A reason is at most {REASON_MAX} characters.")
        await self._pending(guild_id, suggestion_id)
        rejected = await self._repo.reject(
            guild_id, suggestion_id, by=by, now=self.clock.now(), reason=reason
        )
        if rejected is None:
            raise await self._decided_meanwhile(guild_id, suggestion_id)
        return rejected

    async def queue(
        self, guild_id: int, *, page: int = 0, size: int = 5
    ) -> tuple[list[Suggestion], int]:
        """A page of the pending suggestions, most votes first, and how many are pending."""
        found = await self._repo.pending(guild_id, limit=size, offset=page * size)
        return found, await self._repo.count_pending(guild_id)

    async def mine(self, guild_id: int, user_id: int, *, limit: int = 10) -> list[Suggestion]:
        return await self._repo.mine(guild_id, user_id, limit=limit)

    async def where(self, s: Suggestion) -> str:
        """What it is for, as members read it: "Pack · 2. Section", with its round if any."""
        try:
            _, pack = await self._packs.section_of(s.guild_id, s.pack_id)
        except UserError:
            return f"section {s.section_number} of a pack removed since"
        title = ""
        if 1 <= s.section_number <= len(pack.sections):
            title = f" {pack.section(s.section_number).title}"
        place = f"{pack.title} · {s.section_number}.{title}"
        return f"round {s.round_id} ({place})" if s.round_id else place

    async def card_posted(self, suggestion: Suggestion, channel_id: int, message_id: int) -> None:
        await self._repo.set_card(suggestion.id, channel_id, message_id)

    async def follow_up_posted(
        self, suggestion: Suggestion, channel_id: int, message_id: int
    ) -> None:
        await self._repo.set_post(suggestion.id, channel_id, message_id)

    async def approved_for(self, guild_id: int, pack_id: int, section: int) -> tuple[str, ...]:
        """The section's approved questions, in the order they were approved (what the rounds
        service adds to a new round of the section)."""
        found = await self._repo.for_section(guild_id, pack_id, section)
        approved = sorted((s for s in found if s.status == "approved"), key=_decided)
        return tuple(s.text for s in approved)


def _decided(s: Suggestion) -> tuple[datetime, int]:
    assert s.decided_at is not None
    return (s.decided_at, s.id)
