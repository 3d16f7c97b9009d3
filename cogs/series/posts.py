"""A series' rounds on Discord, run by the one timer (cogs/support/timer.py): posting each
occurrence exactly once (also one a crash interrupted), catch-up notes, and telling moderators
when a series had to pause."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import TYPE_CHECKING

import discord

from cogs.rounds.buttons import round_view
from cogs.rounds.posts import already_posted, excerpt, missing_permissions, post_round
from cogs.support import notices, render
from cogs.support.timer import Stage
from roundtable.rounds import thread_name, title_of
from roundtable.rounds.model import RoundRecord
from roundtable.series.model import SeriesRecord
from roundtable.series.service import Paused, PostPlan, Skipped
from roundtable.text import plural

if TYPE_CHECKING:
    from cogs.support.bot import RoundtableBot

log = logging.getLogger(__name__)
ITEM_SECONDS = 60.0  # one occurrence's post, discord.py's own retries included


class SeriesTimedWork:
    def __init__(self, bot: RoundtableBot, *, item_seconds: float = ITEM_SECONDS) -> None:
        self.bot = bot
        self.item_seconds = item_seconds

    def register(self) -> None:
        self.bot.timer.register(Stage.RESUME, self.resume_posts)
        self.bot.timer.register(Stage.POST, self.post_due)

    def unregister(self) -> None:
        self.bot.timer.unregister(self.resume_posts)
        self.bot.timer.unregister(self.post_due)

    async def resume_posts(self, now: datetime) -> None:
        for post in await self.bot.series.unfinished_posts(now):
            log.info("Completing the interrupted post of round %s", post.record.id)
            await self._attempt(post)

    async def post_due(self, now: datetime) -> None:
        while (due := await self.bot.series.next_post(now)) is not None:
            await self._attempt(due)

    async def _attempt(self, plan: PostPlan | Paused | Skipped) -> None:
        """One occurrence in its own guard: whatever goes wrong is recorded against it (tried
        again after a back-off, its series paused after the last try) and the timer goes on
        to the other series, deadlines and reminders, of this server and every other."""
        try:
            async with asyncio.timeout(self.item_seconds):
                await post_scheduled(self.bot, plan)
            return
        except TimeoutError:
            error = f"Discord did not answer within {self.item_seconds:g} s"
        except discord.HTTPException as exc:
            error = f"Discord answered {exc.status}: {exc.text[:200] or exc.response.reason}"
        except Exception:
            log.exception("Posting for series %s failed", plan.series.id)
            error = "an unexpected error, logged for the bot's host"
        if not isinstance(plan, PostPlan):
            log.warning("Series %s: could not post a note: %s", plan.series.id, error)
            return
        log.warning("Series %s: posting round %s failed: %s", plan.series.id, plan.record.id, error)
        paused = await self.bot.series.post_failed(plan, error)
        if paused is not None:
            await tell_moderators(self.bot, paused.series, paused.reason)


async def post_scheduled(bot: RoundtableBot, plan: PostPlan | Paused | Skipped) -> None:
    """Post a claimed occurrence (or finish posting one claimed before a restart)."""
    if isinstance(plan, Paused):
        await tell_moderators(bot, plan.series, plan.reason)
        return
    if isinstance(plan, Skipped):
        await _skipped_note(bot, plan)
        return
    series, record = plan.series, plan.record
    if record.thread_id is not None:  # posted before the restart; only the mark was missing
        await bot.series.posted(plan, thread_id=record.thread_id, posts=list(record.posts))
        return
    guild = bot.get_guild(series.guild_id)
    channel = guild.get_channel(series.channel_id) if guild else None
    if not isinstance(channel, discord.TextChannel | discord.ForumChannel) or guild is None:
        await _pause(bot, plan, "its channel is gone: /schedule delete it, or create it again")
        return
    settings = await bot.guild_config.get(series.guild_id)
    lacking = missing_permissions(channel, guild.me, settings.thread_on_close == "lock")
    if lacking:
        await _pause(bot, plan, f"I need {', '.join(lacking)} in {channel.mention}")
        return
    layout = excerpt(record, plan.pack, content_intent=bot.settings.message_content_intent)
    found: list[discord.Message] = []
    if plan.resumed and isinstance(channel, discord.TextChannel):
        # Discord forgets nonces after a few minutes: look for what the last try posted.
        found = await already_posted(channel, record, len(layout.messages))
    try:
        thread, posts = await post_round(
            channel,
            layout,
            round_view(record),
            thread_name(record, None),
            nonce=f"rt{record.id}",
            already=found,
        )
    except discord.Forbidden as exc:
        await _pause(bot, plan, f"Discord refused the post in {channel.mention} ({exc.text})")
        return
    except discord.NotFound:
        await _pause(bot, plan, "its channel is gone: /schedule delete it, or create it again")
        return
    posted = await bot.series.posted(plan, thread_id=thread.id, posts=posts)
    log.info("Series %s posted round %s in guild %s", series.id, posted.id, series.guild_id)
    if plan.late or plan.skipped:
        await _catch_up_note(bot, thread, posted, plan)


async def _catch_up_note(
    bot: RoundtableBot, thread: discord.Thread, record: RoundRecord, plan: PostPlan
) -> None:
    parts = []
    if plan.late:
        parts.append(
            f"{title_of(record)} was due {render.timestamp(plan.occurrence)}, while the bot "
            "was offline; it is posted now."
        )
    if plan.skipped:
        policy = "only the latest is posted" if plan.series.catch_up == "latest" else "skipped"
        parts.append(
            f"{plural(plan.skipped, 'earlier occurrence')} of this series fell in that time "
            f"({policy})."
        )
    try:
        await thread.send(" ".join(parts))
    except discord.HTTPException as exc:
        log.warning("Round %s: could not post the catch-up note: %s", record.id, exc)


async def _skipped_note(bot: RoundtableBot, skipped: Skipped) -> None:
    series = skipped.series
    channel = bot.get_partial_messageable(series.channel_id, guild_id=series.guild_id)
    try:
        await channel.send(
            f"The bot was offline when {plural(skipped.count, 'round')} of series {series.id} "
            "fell due; they were skipped (this series does not catch up). The next one comes "
            "on time."
        )
    except discord.HTTPException as exc:
        log.warning("Series %s: could not say what was skipped: %s", series.id, exc)


async def _pause(bot: RoundtableBot, plan: PostPlan, reason: str) -> None:
    log.warning("Series %s paused: %s", plan.series.id, reason)
    await bot.series.failed(plan, reason)
    await tell_moderators(bot, plan.series, reason)


async def tell_moderators(bot: RoundtableBot, series: SeriesRecord, reason: str) -> None:
    """In the guild's configured channel, else by DM to the series' creator."""
    text = (
        f"Series {series.id} is paused: {reason}. Nothing more is posted until a moderator runs "
        f"`/schedule resume series:{series.id}`."
    )
    await notices.tell_moderators(
        bot, series.guild_id, text, owner_id=series.created_by, not_in=series.channel_id
    )
