"""Where an import's CPU work runs, bounded in time.

Reading a book, a PDF or a hostile text is CPU work in Python and in C code that holds the GIL:
in a thread it still slows the event loop that answers every server's clicks. The bot runs it
in a worker process (`ProcessRunner`): nothing is shared with the event loop, and a file that
takes longer than IMPORT_SECONDS is stopped (the process is killed and started again) with a
clear message. WORKERS files are read at once, so one slow file does not hold up every other
server's import. Tests and the command line use `in_thread`, bounded the same way but unable to
stop the thread, which finishes on its own.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from collections.abc import Awaitable, Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Protocol, TypeVar

from roundtable.errors import UserError

IMPORT_SECONDS = 120.0
WORKERS = 2  # files read at once, each in its own process
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
    """Worker processes for imports: up to `workers` files are read at once, each in a process
    of its own (spawned: nothing of the bot's state is copied into it), so a slow file holds up
    one slot, not every server's imports. A task that overruns is stopped (its process killed
    and replaced); a worker that dies (killed, out of memory) is reported at once as such, not
    after the time limit as if the file were to blame."""

    def __init__(self, seconds: float = IMPORT_SECONDS, *, workers: int = WORKERS):
        self.seconds = seconds
        self._free: asyncio.Queue[int] | None = None
        self._slots: dict[int, ProcessPoolExecutor | None] = dict.fromkeys(range(workers))

    def _slot(self, n: int) -> ProcessPoolExecutor:
        pool = self._slots[n]
        if pool is not None and not all(p.is_alive() for p in _processes(pool)):
            self._stop(n)  # died while idle: the next file is not to blame for it
            pool = None
        if pool is None:
            pool = ProcessPoolExecutor(
                max_workers=1, mp_context=multiprocessing.get_context("spawn")
            )
            self._slots[n] = pool
        return pool

    async def __call__(self, fn: Callable[..., T], /, *args: Any) -> T:
        if self._free is None:
            self._free = asyncio.Queue()
            for n in self._slots:
                self._free.put_nowait(n)
        n = await self._free.get()
        try:
            pool = self._slot(n)
            future = asyncio.get_running_loop().run_in_executor(pool, fn, *args)
            try:
                return await asyncio.wait_for(future, self.seconds)
            except TimeoutError:
                self._stop(n)  # the only way to stop it: the next task starts a fresh process
                raise too_slow(self.seconds) from None
            except BrokenProcessPool:
                self._stop(n)
                raise UserError(
                    "The worker reading this file stopped before it finished (the host may be "
                    "short of memory): try again, or send a smaller file."
                ) from None
        finally:
            self._free.put_nowait(n)

    def _stop(self, n: int) -> None:
        pool, self._slots[n] = self._slots[n], None
        if pool is not None:
            for process in _processes(pool):
                process.kill()
            pool.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        for n in self._slots:
            self._stop(n)


def _processes(pool: ProcessPoolExecutor) -> list[multiprocessing.process.BaseProcess]:
    # ProcessPoolExecutor neither kills a running task nor says whether its worker lives
    # (terminate_workers() is Python 3.14's): its process table is read here, and only here.
    return list((getattr(pool, "_processes", None) or {}).values())
