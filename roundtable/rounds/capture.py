"""Replies, edits and deletions in round threads: taken in at gateway speed, stored in batches.

The Discord side hands every thread event to `offer_*` synchronously (no task per message). An
event outside a round thread costs a dict lookup and is dropped. The others wait in one FIFO
list; one worker takes up to BATCH of them at a time and stores them as one bulk write (one
commit), so a burst never has more than one batch of statements in flight and an edit or a
delete is never applied before the message it changes. Gateway events cannot be refused, so the
backlog is the only give: its depth is logged as it grows and clears, and `stats` reports it.
Nothing here is acknowledged to anyone: what a kill loses from the backlog, start-up reads back
from the threads (cogs/rounds/reading.py). A round about to close first has every
event offered so far stored (`settle`, which the rounds service calls): a reply sent before the
close counts in its summary, however long its batch would have lingered.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from roundtable.rounds.model import Captured, Delete, Edit, RoundRecord
from roundtable.rounds.service import RoundService

log = logging.getLogger(__name__)

BATCH = 500
# A batch not full waits for more while they keep coming: fewer commits (less CPU per reply)
# at a steady rate, and no wait at the end of a burst or for a lone reply beyond QUIET.
LINGER = 0.2  # at most this long
QUIET = 0.05  # ... and stored as soon as no event came for this long
SETTLE_SECONDS = 10.0  # a close waits at most this long for the replies before it
BACKLOG_LOG = 1000  # a warning when the backlog first passes this, then at each tenfold
BACKLOG_NOTE = 100  # an info line when a backlog this deep has cleared


@dataclass(slots=True)
class CaptureStats:
    offered: int = 0  # thread events that were a round's
    ignored: int = 0  # messages and edits outside round threads (or empty)
    batches: int = 0
    added: int = 0
    edited: int = 0
    deleted: int = 0
    failed: int = 0
    deepest: int = 0  # the longest the backlog got


class ReplyCapture:
    def __init__(
        self,
        rounds: RoundService,
        *,
        batch: int = BATCH,
        linger: float = LINGER,
        quiet: float = QUIET,
    ):
        self._rounds = rounds
        self._batch = batch
        self.linger = linger
        self.quiet = quiet
        self._last = 0.0  # when the newest event was offered (time.monotonic, as the loop's)
        self._clock = time.monotonic
        self._pending: deque[Captured] = deque()
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._task: asyncio.Task[None] | None = None
        self._go = asyncio.Event()  # ends a linger: a batch is full, or someone settles
        self._settling = 0
        self._next_log = BACKLOG_LOG
        self._episode = 0  # the deepest backlog since it was last empty
        self.stats = CaptureStats()
        rounds.before_close(self._before_close)

    @property
    def depth(self) -> int:
        return len(self._pending)

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="reply-capture")

    async def stop(self) -> None:
        """Store what is waiting, then stop the worker."""
        if self._task is None:
            return
        with self._hurrying():
            await self.drained()
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)
        self._task = None

    async def drained(self) -> None:
        """Until every event offered so far is stored."""
        while self._pending or not self._idle.is_set():
            await self._idle.wait()
            await asyncio.sleep(0)

    async def settle(self) -> None:
        """Store every event offered so far now, without lingering for more (a round closing,
        a summary about to be checked). Gives up after SETTLE_SECONDS, logged: a close is not
        held for ever by a stuck database. Nothing to do while the worker is not running."""
        if self._task is None:
            return
        try:
            with self._hurrying():
                async with asyncio.timeout(SETTLE_SECONDS):
                    await self.drained()
        except TimeoutError:
            log.warning(
                "Reply capture: %d thread events still waiting after %g s; going on without them",
                len(self._pending),
                SETTLE_SECONDS,
            )

    async def _before_close(self, _record: RoundRecord) -> None:
        await self.settle()

    @contextlib.contextmanager
    def _hurrying(self) -> Iterator[None]:
        self._settling += 1
        self._go.set()
        try:
            yield
        finally:
            self._settling -= 1

    # -- in: called synchronously from the gateway's dispatch --------------------------------

    def offer_message(
        self,
        guild_id: int,
        thread_id: int,
        *,
        user_id: int,
        content: str,
        message_id: int,
        reply_to_id: int | None,
        created_at: datetime,
        name: str | None,
    ) -> bool:
        reply = self._rounds.reply_of(
            guild_id,
            thread_id,
            user_id=user_id,
            content=content,
            message_id=message_id,
            reply_to_id=reply_to_id,
            created_at=created_at,
            name=name,
        )
        if reply is None:
            self.stats.ignored += 1
            return False
        self._push(reply)
        return True

    def offer_edit(self, guild_id: int, channel_id: int, message_id: int, content: str) -> bool:
        if channel_id not in self._rounds.threads.known:
            self.stats.ignored += 1
            return False
        self._push(Edit(guild_id, message_id, content))
        return True

    def offer_deletes(self, guild_id: int, channel_id: int, message_ids: Iterable[int]) -> bool:
        if channel_id not in self._rounds.threads.known:
            return False
        for message_id in message_ids:
            self._push(Delete(guild_id, message_id))
        return True

    def _push(self, event: Captured) -> None:
        self._pending.append(event)
        self._last = self._clock()
        self.stats.offered += 1
        depth = len(self._pending)
        self._episode = max(self._episode, depth)
        if depth > self.stats.deepest:
            self.stats.deepest = depth
            if depth >= self._next_log:
                log.warning("Reply capture backlog: %d thread events waiting to be stored", depth)
                self._next_log *= 10
        if depth >= self._batch:
            self._go.set()
        self._idle.clear()
        self._wake.set()

    # -- out: one worker, one batch at a time ------------------------------------------------

    async def _run(self) -> None:
        while True:
            if not self._pending:
                if self._episode >= BACKLOG_NOTE:
                    log.info("Reply capture backlog cleared (deepest %d)", self._episode)
                self._episode = 0
                self._next_log = BACKLOG_LOG
                self._idle.set()
                await self._wake.wait()
                self._wake.clear()
                continue
            if len(self._pending) < self._batch and self.linger and not self._settling:
                await self._linger()  # more come in meanwhile: one commit for all
            take = min(self._batch, len(self._pending))
            batch = [self._pending.popleft() for _ in range(take)]
            try:
                await self._store(batch)
            except asyncio.CancelledError:
                raise
            except Exception:  # keep capturing: the next batch is not this one's fault
                log.exception("Could not store %d thread events", len(batch))

    async def _linger(self) -> None:
        """Until the batch is full, someone settles, no event came for `quiet` s, or `linger`
        s have passed: a few wake-ups per batch, none per event."""
        loop = asyncio.get_running_loop()
        until = loop.time() + self.linger
        self._go.clear()
        while len(self._pending) < self._batch and not self._settling:
            wake = min(until, self._last + self.quiet)
            left = wake - loop.time()
            if left <= 0:
                return
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(left):
                    await self._go.wait()

    async def _store(self, batch: list[Captured]) -> None:
        try:
            applied = await self._rounds.apply_captured(batch)
        except Exception:
            # One bad event must not cost the others: store them one by one to find it.
            log.exception("A batch of %d thread events failed; storing them one by one", len(batch))
            failed = 0
            for event in batch:
                try:
                    one = await self._rounds.apply_captured([event])
                except Exception:
                    failed += 1
                    if failed == 1:  # one traceback: hundreds would hold the event loop up
                        log.exception("Could not store %r", event)
                else:
                    self._count(one.added, one.edited, one.deleted)
            if failed:
                self.stats.failed += failed
                log.error("Could not store %d of the batch's %d thread events", failed, len(batch))
            return
        self.stats.batches += 1
        self._count(applied.added, applied.edited, applied.deleted)

    def _count(self, added: int, edited: int, deleted: int) -> None:
        self.stats.added += added
        self.stats.edited += edited
        self.stats.deleted += deleted
