"""Round threads read back from Discord: what was posted, edited and deleted while the bot was
away (gateway events of that time are never replayed).

Start-up first reads only what is new in each open round's thread: the messages after its
newest stored reply (`after=`: one request per thread when fewer than a hundred came), FAST
threads at a time; timed work (closes, posts, reminders) starts once that is done. Edits and
deletions of older messages are then found by reading each thread whole (newest first), in
the background, WHOLE threads at a time. A round that closes before its thread was read whole
is read first (its close waits, at most READ_BEFORE_CLOSE s), so a summary never quotes a
message deleted while the bot was away. Idempotent: a reply already stored is stored once.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING, Any

import discord

from roundtable.rounds.capture import BATCH
from roundtable.rounds.model import Reply, RoundRecord

if TYPE_CHECKING:
    from cogs.support.bot import RoundtableBot

log = logging.getLogger(__name__)

REPLY_TYPES = (discord.MessageType.default, discord.MessageType.reply)
FAST = 8  # threads read at once for what is new (each is its own rate-limit bucket)
WHOLE = 2  # threads read whole at once, in the background
READ_BEFORE_CLOSE = 30.0  # seconds a close waits for its thread to be read whole


def said(message: discord.Message) -> dict[str, Any]:
    """What a round keeps of a member's thread message."""
    return {
        "user_id": message.author.id,
        "content": message.content,
        "message_id": message.id,
        "reply_to_id": message.reference.message_id if message.reference else None,
        "created_at": message.created_at,
        "name": message.author.display_name,
    }


def members_message(message: discord.Message) -> bool:
    """A member's own message (not a bot's, a webhook's or a system message)."""
    return not message.author.bot and message.webhook_id is None and message.type in REPLY_TYPES


class ThreadReading:
    def __init__(self, bot: RoundtableBot) -> None:
        self.bot = bot
        self.unread: dict[int, RoundRecord] = {}  # open rounds not read whole since start-up
        self._locks: dict[int, asyncio.Lock] = {}
        self._whole: asyncio.Task[None] | None = None

    async def catch_up(self) -> int:
        """What is new in every open round's thread, stored; then the whole threads in the
        background. Returns how many replies were added."""
        if not self.bot.settings.message_content_intent:
            return 0
        records = await self.bot.rounds.open_with_threads()
        newest = await self.bot.rounds.newest_replies()
        self.unread.update((r.id, r) for r in records)  # a close meanwhile reads its thread
        gate = asyncio.Semaphore(FAST)

        async def new_in(record: RoundRecord) -> int:
            assert record.thread_id is not None
            async with gate:
                return await self._read(record, after=newest.get(record.id, record.thread_id))

        added = sum(await asyncio.gather(*(new_in(r) for r in records)))
        if added:
            log.info("Stored %d replies posted while the bot was away", added)
        self.read_whole_later()
        return added

    def read_whole_later(self) -> None:
        if self.unread and (self._whole is None or self._whole.done()):
            self._whole = asyncio.create_task(self._read_all_whole(), name="threads read whole")

    async def stop(self) -> None:
        if self._whole is not None:
            self._whole.cancel()
            await asyncio.gather(self._whole, return_exceptions=True)

    async def _read_all_whole(self) -> None:
        gate = asyncio.Semaphore(WHOLE)

        async def one(record: RoundRecord) -> None:
            async with gate:
                await self.read_whole(record)

        began = time.monotonic()
        done = 0
        try:
            while self.unread:  # a new gateway session may add rounds meanwhile
                records = list(self.unread.values())
                await asyncio.gather(*(one(r) for r in records))
                done += len(records)
        except Exception:
            log.exception("Reading the open rounds' threads whole failed")
        else:
            log.info("Read %d open rounds' threads whole in %.1f s", done, time.monotonic() - began)

    async def before_close(self, record: RoundRecord) -> None:
        """A round about to close: its thread read whole first, if start-up has not yet."""
        if record.id not in self.unread:
            return
        try:
            async with asyncio.timeout(READ_BEFORE_CLOSE):
                await self.read_whole(record)
        except TimeoutError:
            log.warning(
                "Round %s closes before its thread could be read whole (edits and deletions "
                "made while the bot was away may be missing)",
                record.id,
            )

    async def read_whole(self, record: RoundRecord) -> None:
        lock = self._locks.setdefault(record.id, asyncio.Lock())
        async with lock:
            if record.id in self.unread:
                await self._read(record, after=None)
                self.unread.pop(record.id, None)
        self._locks.pop(record.id, None)

    async def _read(self, record: RoundRecord, *, after: int | None) -> int:
        """Store the member messages of the round's thread (those after message id `after`,
        else all of them, and then edits and deletions are applied). Returns how many were
        added. A thread Discord will not show is logged and skipped."""
        assert record.thread_id is not None
        cached = self.bot.get_channel(record.thread_id)
        thread: discord.abc.Messageable = (
            cached
            if isinstance(cached, discord.Thread)
            else self.bot.get_partial_messageable(record.thread_id, guild_id=record.guild_id)
        )
        read_from = discord.utils.time_snowflake(discord.utils.utcnow())
        present: dict[int, str] = {}
        replies: list[Reply] = []
        added = 0
        # What is new: oldest first from `after` (after= pages), stored as it comes. Whole:
        # newest first (before= pages, the newest first), stored oldest first once all is read.
        if after is not None:
            messages = thread.history(limit=None, after=discord.Object(after), oldest_first=True)
        else:
            messages = thread.history(limit=None)
        try:
            async for message in messages:
                if not members_message(message) or not message.content.strip():
                    continue
                present[message.id] = message.content
                reply = self.bot.rounds.reply_of(record.guild_id, record.thread_id, **said(message))
                if reply is not None:
                    replies.append(reply)
                if after is not None and len(replies) >= BATCH:
                    added += (await self.bot.rounds.apply_captured(replies)).added
                    replies = []
            replies.sort(key=lambda r: r.message_id)
            for i in range(0, len(replies), BATCH):
                added += (await self.bot.rounds.apply_captured(replies[i : i + BATCH])).added
            if after is None:
                await self.bot.rounds.reconcile_replies(record, present, read_from=read_from)
        except discord.HTTPException as exc:  # a thread gone or unreadable: the others still
            log.warning("Could not read the thread of round %s: %s", record.id, exc)
        return added
