"""Where an import's CPU work runs, bounded in time.

Reading a book, a PDF or a hostile text is CPU work in Python and in C code that holds the GIL:
in a thread it still slows the event loop that answers every server's clicks. The bot runs it
in a worker process (`ProcessRunner`): nothing is shared with the event loop, and a file that
takes longer than IMPORT_SECONDS is stopped (the process is killed and started again) with a
clear message. WORKERS files are read at once, so one slow file does not hold up every other
server's import, and a server's imports take turns (`for_server`): one server sending several
slow files holds one slot, never all of them. A worker's memory is bounded too (WORKER_MEMORY,
its address space): the readers check sizes as they parse, and this is the backstop for what
they did not foresee. Tests and the command line use `in_thread`, bounded the same way in time
but unable to stop the thread, which finishes on its own.
"""

from __future__ import annotations

import asyncio
import functools
import multiprocessing
import resource
from collections.abc import Awaitable, Callable, Hashable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Protocol, TypeVar

from roundtable.errors import UserError

IMPORT_SECONDS = 120.0
WORKERS = 2  # files read at once, each in its own process
# A worker's address space. Reading the largest real files measured (a 300-page PDF, a whole
# EPUB novel) peaks under 75 MB; a crafted file that would need more is stopped, not the host.
WORKER_MEMORY = 1 << 30
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

    def __init__(
        self,
        seconds: float = IMPORT_SECONDS,
        *,
        workers: int = WORKERS,
        memory: int = WORKER_MEMORY,
    ):
        self.seconds = seconds
        self.memory = memory
        self._free: asyncio.Queue[int] | None = None
        self._slots: dict[int, ProcessPoolExecutor | None] = dict.fromkeys(range(workers))
        self._turns: dict[Hashable, tuple[asyncio.Lock, int]] = {}

    def _slot(self, n: int) -> ProcessPoolExecutor:
        pool = self._slots[n]
        if pool is not None and (_broken(pool) or not all(p.is_alive() for p in _processes(pool))):
            self._stop(n)  # died while idle: the next file is not to blame for it
            pool = None
        if pool is None:
            pool = ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_limit_memory,
                initargs=(self.memory,),
            )
            self._slots[n] = pool
        return pool

    async def __call__(self, fn: Callable[..., T], /, *args: Any) -> T:
        return await self._in_slot(fn, *args)

    async def in_turn(self, key: Hashable, fn: Callable[..., T], /, *args: Any) -> T:
        """`fn` in a slot once the tasks sent before it under the same key (a server's) are
        done: a key holds at most one slot, so other keys' tasks are never queued behind all
        of its work."""
        lock, users = self._turns.get(key) or (asyncio.Lock(), 0)
        self._turns[key] = (lock, users + 1)
        try:
            async with lock:
                return await self._in_slot(fn, *args)
        finally:
            lock, users = self._turns[key]
            if users == 1:
                del self._turns[key]
            else:
                self._turns[key] = (lock, users - 1)

    async def _in_slot(self, fn: Callable[..., T], /, *args: Any) -> T:
        if self._free is None:
            self._free = asyncio.Queue()
            for n in self._slots:
                self._free.put_nowait(n)
        n = await self._free.get()
        try:
            loop = asyncio.get_running_loop()
            try:
                future = loop.run_in_executor(self._slot(n), fn, *args)
            except BrokenProcessPool:
                # The worker died while idle and its pool found out between the look and the
                # hand-over: a fresh one reads the file, which had no part in it.
                self._stop(n)
                future = loop.run_in_executor(self._slot(n), fn, *args)
            try:
                return await asyncio.wait_for(future, self.seconds)
            except TimeoutError:
                self._stop(n)  # the only way to stop it: the next task starts a fresh process
                raise too_slow(self.seconds) from None
            except MemoryError:
                self._stop(n)  # a fresh process, its memory given back
                raise UserError(
                    f"Reading this file needed more than {self.memory >> 20:,} MB of memory, the "
                    "most an import may use: split it into smaller files, or send it as plain "
                    "text."
                ) from None
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


def for_server(run: Runner, guild_id: int | None) -> Runner:
    """`run`, with one server's tasks taking turns when `run` is the bot's ProcessRunner."""
    if isinstance(run, ProcessRunner) and guild_id is not None:
        return functools.partial(run.in_turn, guild_id)
    return run


def _limit_memory(most: int) -> None:
    """In the worker, before any task: allocations past `most` raise MemoryError there."""
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard == resource.RLIM_INFINITY or hard > most:
        resource.setrlimit(resource.RLIMIT_AS, (most, hard))


def _broken(pool: ProcessPoolExecutor) -> bool:
    # Set by the pool's own thread once a worker has died; the dead worker may already be gone
    # from its process table by then, so its absence from the table proves nothing.
    return bool(getattr(pool, "_broken", False))


def _processes(pool: ProcessPoolExecutor) -> list[multiprocessing.process.BaseProcess]:
    # ProcessPoolExecutor neither kills a running task nor says whether its worker lives
    # (terminate_workers() is Python 3.14's): its process table is read here, and only here.
    return list((getattr(pool, "_processes", None) or {}).values())
