"""Summaries of rounds: built from what was stored, reused while unchanged, always published.

The engine is the guild's summary mode (or the one a moderator asks for). The LLM engine is
only used when one is configured; members who opted out of AI processing are left out of its
requests (their stances still count). Any LLM failure publishes the offline summary instead,
with a short note, so a round never ends without a summary.
"""

from __future__ import annotations

import asyncio
import logging
import math
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from roundtable.errors import UserError
from roundtable.guild_config import GuildConfig
from roundtable.privacy.service import PrivacyService
from roundtable.prompting import LLMError
from roundtable.rounds import RoundService, title_of
from roundtable.rounds.model import RoundRecord
from roundtable.summaries import summarise_offline
from roundtable.summaries.model import (
    Contribution,
    Discussion,
    Summary,
    SummaryPost,
    SummaryRecord,
    cited,
    only_real_citations,
    without_removed,
)
from roundtable.summaries.store import SummaryStore

if TYPE_CHECKING:
    from roundtable.summaries.llm_engine import LLMSummariser

log = logging.getLogger(__name__)

REGENERATE_COOLDOWN = timedelta(minutes=2)
# A member may post one round's summary in a channel (not privately) once in this long.
PUBLIC_POST_COOLDOWN = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class Made:
    summary: Summary
    discussion: Discussion
    record: SummaryRecord
    reused: bool


class SummaryService:
    def __init__(
        self,
        repo: SummaryStore,
        rounds: RoundService,
        privacy: PrivacyService,
        config: GuildConfig,
        llm: LLMSummariser | None = None,
    ):
        self.repo = repo
        self.rounds = rounds
        self.privacy = privacy
        self.config = config
        self.llm = llm
        self._public_posts: dict[tuple[int, int, int], datetime] = {}

    async def discussion(self, record: RoundRecord) -> Discussion:
        responses = await self.rounds.responses(record)
        stances = await self.rounds.stances(record)
        return Discussion(
            title=title_of(record),
            questions=record.questions,
            stances=record.stances,
            contributions=tuple(
                Contribution(
                    # An answer whose card never reached the thread still counts: it is cited
                    # by a stand-in id that links nowhere (see model.Contribution).
                    message_id=r.message_id if r.message_id is not None else -r.id,
                    user_id=r.user_id,
                    text=r.content,
                    question=r.question,
                    reply_to=r.reply_to_id,
                    created_at=r.created_at,
                )
                for r in responses
            ),
            opening={s.user_id: s.opening for s in stances},
            closing={s.user_id: s.closing or s.current for s in stances},
            guild_id=record.guild_id,
            channel_id=record.thread_id,
        )

    async def make(
        self,
        record: RoundRecord,
        *,
        engine: str,
        by: int | None = None,
    ) -> Made:
        """Summarise the round with `engine` ("offline" or "llm") and store the result.

        An unchanged round (same contributions, stances and, for the LLM, the same members
        opted out of AI processing) reuses its stored summary at no cost.
        """
        d = await self.discussion(record)
        excluded: set[int] = set()
        if engine == "llm":
            excluded = await self.privacy.opted_out_of_ai(record.guild_id)
        content_hash = d.content_hash(sorted(excluded))
        stored = await self.repo.same(record.guild_id, record.id, engine, content_hash)
        if stored is not None:
            return Made(Summary.from_json(stored.body), d, stored, reused=True)
        summary = await self._summarise(d, engine, excluded)
        summary = only_real_citations(summary, d)
        stored = await self.repo.add(
            record.guild_id,
            record.id,
            engine=summary.engine,
            content_hash=content_hash,
            body=summary.to_json(),
            prompt_tokens=summary.prompt_tokens,
            completion_tokens=summary.completion_tokens,
            by=by,
        )
        return Made(summary, d, stored, reused=False)

    async def _summarise(self, d: Discussion, engine: str, excluded: set[int]) -> Summary:
        if engine == "llm" and self.llm is not None:
            try:
                return await self.llm.summarise(d, excluded=excluded)
            except Exception as exc:  # any failure of the LLM path: the offline summary, always
                if not isinstance(exc, LLMError):
                    log.exception("LLM summary failed unexpectedly")
                log.warning("LLM summary failed, publishing the offline one: %s", exc)
                fallback = await asyncio.to_thread(summarise_offline, d)
                return replace(
                    fallback,
                    notes=(
                        "The LLM could not write this summary "
                        f"({_short(str(exc))}); this is the offline summary.",
                    ),
                )
        summary = await asyncio.to_thread(summarise_offline, d)
        if engine == "llm":
            note = "No LLM is configured on the host; this is the offline summary."
            summary = replace(summary, notes=(note,))
        return summary

    async def for_close(self, record: RoundRecord) -> Made:
        settings_engine = await self._guild_engine(record.guild_id)
        return await self.make(record, engine=settings_engine)

    async def regenerate(
        self, record: RoundRecord, *, engine: str | None, by: int, now: datetime | None = None
    ) -> Made:
        if record.is_open:
            raise UserError("This round is still open: its summary comes when it closes.")
        chosen = engine or await self._guild_engine(record.guild_id)
        if chosen == "llm" and self.llm is None:
            raise UserError("No LLM is configured on the host: use engine offline.")
        last = await self.repo.last_made(record.guild_id)
        moment = now or datetime.now(UTC)
        if last is not None and moment - last < REGENERATE_COOLDOWN:
            wait = int((REGENERATE_COOLDOWN - (moment - last)).total_seconds()) + 1
            raise UserError(f"A summary was just made on this server: try again in {wait} s.")
        return await self.make(record, engine=chosen, by=by)

    async def latest(self, guild_id: int, round_id: int) -> tuple[Summary, Discussion] | None:
        """The stored summary as it may be shown now, with the round's messages: the points
        citing a message deleted or withdrawn since it was made are left out."""
        summary = await self.stored(guild_id, round_id)
        if summary is None:
            return None
        record = await self.rounds.get(guild_id, round_id)
        discussion = await self.discussion(record)
        present = {c.message_id for c in discussion.contributions}
        return without_removed(summary, present), discussion

    async def posted(
        self,
        guild_id: int,
        round_id: int,
        channel_id: int,
        message_ids: list[int],
        summary: Summary,
    ) -> None:
        """`summary` is what the round's thread shows now, as `message_ids`."""
        shown = frozenset(cited(summary))
        await self.repo.record_post(
            SummaryPost(round_id, guild_id, channel_id, tuple(message_ids), shown)
        )

    async def posts(self, guild_id: int, *, channel_id: int | None = None) -> list[SummaryPost]:
        """The summaries posted in round threads: in `channel_id`, else all the server's."""
        if channel_id is None:
            return await self.repo.posts_of(guild_id)
        return [p for p in await self.repo.posts_in(channel_id) if p.guild_id == guild_id]

    async def stale(self, post: SummaryPost) -> tuple[Summary, Discussion] | None:
        """When the post still shows a point citing a message deleted, withdrawn or forgotten
        since: the summary as it may be shown now, to edit the post to; else None."""
        record = await self.rounds.get(post.guild_id, post.round_id)
        discussion = await self.discussion(record)
        present = {c.message_id for c in discussion.contributions}
        if not post.shown - present:
            return None
        summary = await self.stored(post.guild_id, post.round_id)
        if summary is None:
            # /forget withdrew the summaries quoting the member: made again from what remains,
            # offline (a member's request never costs the host an LLM call).
            made = await self.make(record, engine="offline")
            return made.summary, made.discussion
        return without_removed(summary, present), discussion

    def claim_public_post(self, guild_id: int, round_id: int, user_id: int) -> None:
        """A member posting a round's summary for everyone: once per PUBLIC_POST_COOLDOWN per
        member and round (a member could post it twenty times in a tenth of a second);
        UserError saying when, and that showing it privately works meanwhile. Kept in memory:
        a restart forgets, which costs at most one more post."""
        now = self.rounds.clock.now()
        key = (guild_id, round_id, user_id)
        last = self._public_posts.get(key)
        if last is not None and now - last < PUBLIC_POST_COOLDOWN:
            wait = math.ceil((PUBLIC_POST_COOLDOWN - (now - last)).total_seconds())
            raise UserError(
                f"You posted round {round_id}'s summary here a moment ago: post it again in "
                f"{wait} s, or show it only to you now (private: true)."
            )
        self._public_posts = {
            k: t for k, t in self._public_posts.items() if now - t < PUBLIC_POST_COOLDOWN
        }
        self._public_posts[key] = now

    async def stored(self, guild_id: int, round_id: int) -> Summary | None:
        """The round's latest summary alone (one indexed read; `discussion` is the heavy part)."""
        stored = await self.repo.latest(guild_id, round_id)
        return Summary.from_json(stored.body) if stored is not None else None

    async def _guild_engine(self, guild_id: int) -> str:
        return (await self.config.get(guild_id)).summary_mode


def _short(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
