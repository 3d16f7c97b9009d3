"""Carrying out a close on Discord, one recorded step at a time.

The core decides (roundtable.rounds.ClosePlan); this does each step still to do and records it
with the service, so an interrupted close is completed later and a finished step is not redone.
A step Discord refuses (a missing permission, a deleted thread) is recorded as done and reported
to the moderator: retrying it would fail the same way. Any other failure leaves the step
pending, for the timer to try again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import discord

from cogs.rounds.buttons import round_view
from cogs.rounds.cards import cards_in_thread, restore_cards
from cogs.rounds.posts import closing_embed, reopened_text
from cogs.support.summary_posts import post_summary
from roundtable.rounds import ClosePlan
from roundtable.rounds.model import RoundRecord

if TYPE_CHECKING:
    from cogs.support.bot import RoundtableBot

log = logging.getLogger(__name__)

FAILED = {
    "cards": "post the answer cards that were missing",
    "message": "post the closing message",
    "summary": "post the summary",
    "buttons": "disable the buttons",
    "thread": "lock the thread",
}


class Closer:
    """Finishes closes, one round at a time each: a command and the timer never race."""

    def __init__(self, bot: RoundtableBot) -> None:
        self.bot = bot
        # round id -> its lock and how many callers hold or wait for it: a lock lives only as
        # long as a close of that round is under way (one per round ever closed leaked before).
        self._locks: dict[int, tuple[asyncio.Lock, int]] = {}
        self._claimed: set[int] = set()

    @property
    def in_progress(self) -> set[int]:
        """The rounds whose close is being carried out or waited for."""
        return set(self._locks)

    @contextmanager
    def claim(self, round_id: int) -> Iterator[None]:
        """A command closing or cancelling this round carries out its steps itself (and
        reports what Discord refused): the timer leaves its pending close alone meanwhile."""
        self._claimed.add(round_id)
        try:
            yield
        finally:
            self._claimed.discard(round_id)

    def claimed(self, round_id: int) -> bool:
        return round_id in self._claimed

    async def carry_out(self, plan: ClosePlan) -> list[str]:
        """Do every step still to do; returns what Discord refused, for the moderator."""
        record = plan.record
        lock, users = self._locks.get(record.id, (asyncio.Lock(), 0))
        self._locks[record.id] = (lock, users + 1)
        try:
            return await self._carry_out(plan, lock)
        finally:
            lock, users = self._locks[record.id]
            if users == 1:
                del self._locks[record.id]
            else:
                self._locks[record.id] = (lock, users - 1)

    async def _carry_out(self, plan: ClosePlan, lock: asyncio.Lock) -> list[str]:
        record = plan.record
        async with lock:
            done = set((await self.bot.rounds.get(record.guild_id, record.id)).close_steps)
            problems: list[str] = []
            for step in plan.todo:
                if step in done:
                    continue  # another caller finished it while this one waited
                action = {
                    "cards": self._cards,
                    "message": self._message,
                    "summary": self._summary,
                    "buttons": self._buttons,
                    "thread": self._lock,
                }[step]
                try:
                    await action(plan)
                except discord.HTTPException as exc:
                    log.warning("Round %s: could not %s: %s", record.id, FAILED[step], exc)
                    what = FAILED[step]
                    if step == "thread" and plan.thread_on_close == "archive":
                        what = "archive the thread"
                    problems.append(f"I could not {what} ({exc.text or exc.status})")
                await self.bot.rounds.step_done(record, step)
        return problems

    async def _cards(self, plan: ClosePlan) -> None:
        """Answers stored but never shown (the bot was stopped, or could not post) are shown
        before the summary cites them."""
        await self.restore_cards(plan.record)

    async def restore_cards(self, record: RoundRecord) -> None:
        """Show every stored answer that no known card shows: at a close, and at start-up for
        open rounds (a card posted just before a crash is adopted, not posted twice)."""
        waiting = await self.bot.rounds.uncarded(record)
        if not waiting:
            return
        posted = await cards_in_thread(self.bot, record)
        for user_id, answers in waiting.items():
            member = await self._member(record.guild_id, user_id)
            await restore_cards(self.bot, record, member, answers, posted)

    async def _member(self, guild_id: int, user_id: int) -> discord.abc.User | None:
        """The member, for the card's name and avatar (None: the card says "A member")."""
        guild = self.bot.get_guild(guild_id)
        if guild is None:
            return None
        try:
            return guild.get_member(user_id) or await guild.fetch_member(user_id)
        except discord.HTTPException:
            return None  # left the server, or Discord would not say

    async def _message(self, plan: ClosePlan) -> None:
        record = plan.record
        if record.thread_id:
            thread = self.bot.get_partial_messageable(record.thread_id, guild_id=record.guild_id)
            await thread.send(embed=closing_embed(record, plan.participation))

    async def _summary(self, plan: ClosePlan) -> None:
        record = plan.record
        if record.thread_id:
            made = await self.bot.summaries.for_close(record)
            await post_summary(self.bot, record, made.summary, made.discussion)

    async def _buttons(self, plan: ClosePlan) -> None:
        record = plan.record
        if record.posts:
            channel_id, message_id = record.posts[-1]
            channel = self.bot.get_partial_messageable(channel_id, guild_id=record.guild_id)
            await channel.get_partial_message(message_id).edit(view=round_view(record, closed=True))

    async def _lock(self, plan: ClosePlan) -> None:
        record = plan.record
        if record.thread_id and plan.thread_on_close != "keep":
            locked = plan.thread_on_close == "lock"
            await self.bot.http.edit_channel(record.thread_id, archived=True, locked=locked)


async def reopen_on_discord(bot: RoundtableBot, record: RoundRecord) -> list[str]:
    """Unlock the thread, say so in it, enable the buttons; returns what Discord refused."""
    problems: list[str] = []

    async def step(what: str, action: Awaitable[object]) -> None:
        try:
            await action
        except discord.HTTPException as exc:
            log.warning("Round %s: could not %s: %s", record.id, what, exc)
            problems.append(f"I could not {what} ({exc.text or exc.status})")

    if record.thread_id:
        await step(
            "reopen the thread",
            bot.http.edit_channel(record.thread_id, archived=False, locked=False),
        )
        thread = bot.get_partial_messageable(record.thread_id, guild_id=record.guild_id)
        await step("post in the thread", thread.send(reopened_text(record)))
    if record.posts:
        channel_id, message_id = record.posts[-1]
        channel = bot.get_partial_messageable(channel_id, guild_id=record.guild_id)
        message = channel.get_partial_message(message_id)
        await step("enable the buttons", message.edit(view=round_view(record)))
    return problems
