"""Where an import's CPU work runs, bounded in time.

Reading a book, a PDF or a hostile text is CPU work in Python and in C code that holds the GIL:
in a thread it still slows the event loop that answers every server's clicks. The bot runs it
in a worker process (`ProcessRunner`): nothing is shared with the event loop, and a file that
takes longer than IMPORT_SECONDS is stopped (the process is killed and started again) with a
clear message. Tests and the command line use `in_thread`, bounded the same way but unable to
stop the thread, which finishes on its own.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import multiprocessing.pool
from collections.abc import Awaitable, Callable
from typing import Any, Protocol, TypeVar

from roundtable.errors import UserError

IMPORT_SECONDS = 120.0
T = TypeVar("T")


class Runner(Protocol):
    def __call__(self, fn: Callable[..., T], /, *args: Any) -> Awaitable[T]: ...


def too_slow(seconds: float) -> UserError:
    return UserError(
        f"Reading this file took longer than {seconds:.0f} s, so it was stopped: split it into "
        "smaller files, or send it as plain text."
    )


async def in_thread(fn: Callable[..., T], /, *args: Any) -> T:
    try:
        return await asyncio.wait_for(asyncio.to_thread(fn, *args), IMPORT_SECONDS)
    except TimeoutError:
        raise too_slow(IMPORT_SECONDS) from None


class ProcessRunner:
    """One worker process, started on first use (spawned: nothing of the bot's state is
    copied into it), killed and replaced when a task overruns."""

    def __init__(self, seconds: float = IMPORT_SECONDS):
        self.seconds = seconds
        self._pool: multiprocessing.pool.Pool | None = None

    def _ensure(self) -> multiprocessing.pool.Pool:
        if self._pool is None:
            self._pool = multiprocessing.get_context("spawn").Pool(processes=1)
        return self._pool

    async def __call__(self, fn: Callable[..., T], /, *args: Any) -> T:
        result = self._ensure().apply_async(fn, args)
        try:
            # Waiting on the result blocks, so it waits in a thread; the work is in the process.
            value: T = await asyncio.to_thread(result.get, self.seconds)
        except multiprocessing.TimeoutError:
            self.close()  # the only way to stop it: the next import starts a fresh process
            raise too_slow(self.seconds) from None
        return value

    def close(self) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None
