"""Notices when the event loop is held up, and says where.

A task on the loop beats every INTERVAL; a thread checks the beat. When it is more than
THRESHOLD late, the thread samples the loop thread's stack: if the loop was waiting in the
selector it was merely not scheduled (the machine is busy, not our code), otherwise something is
running on the loop without yielding (CPU work, a blocking call) and that stack is what to fix.
Each hold-up is logged once, when the loop beats again, with how long it lasted.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

THRESHOLD = 0.1  # seconds: well under Discord's 3 s for interactions, and any heartbeat
INTERVAL = 0.02
_WAITING = "selectors.py"  # where an idle loop waits for events
_ROOT = str(Path(__file__).resolve().parents[2])
_PACKAGES = ("cogs", "roundtable", "storage")
_GATEWAY = "discord/gateway.py"
_CLIENT = "discord/client.py"


def _ours(filename: str) -> bool:
    return filename.startswith(_ROOT) and "site-packages" not in filename


def _reading_gateway(frame: traceback.FrameSummary) -> bool:
    """discord.py's loop between two gateway events (`Client.connect` calling `poll_event`)."""
    return frame.filename.endswith(_CLIENT) and frame.name == "connect"


def _in_package(filename: str) -> bool:
    """A frame of the bot's packages (not bot.py's start-up frames, always on the stack)."""
    return _ours(filename) and filename[len(_ROOT) :].lstrip("/").split("/")[0] in _PACKAGES


@dataclass(frozen=True, slots=True)
class HeldUp:
    seconds: float
    where: str  # the loop thread's stack while it was held, innermost call last


class Watchdog:
    def __init__(self, *, threshold: float = THRESHOLD, interval: float = INTERVAL):
        self.threshold = threshold
        self.interval = interval
        self.held: list[HeldUp] = []
        self._beat = time.monotonic()
        self._loop_thread: int | None = None
        self._stopping = threading.Event()
        self._task: asyncio.Task[None] | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._loop_thread = threading.get_ident()
        self._beat = time.monotonic()
        self._task = asyncio.create_task(self._beating(), name="watchdog")
        self._thread = threading.Thread(target=self._watch, name="loop-watchdog", daemon=True)
        self._thread.start()

    async def stop(self) -> None:
        self._stopping.set()
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        if self._thread is not None:
            await asyncio.to_thread(self._thread.join)

    async def _beating(self) -> None:
        while True:
            self._beat = time.monotonic()
            await asyncio.sleep(self.interval)

    def _watch(self) -> None:
        reported: float | None = None  # the beat a hold-up was seen after
        where = ""
        while not self._stopping.wait(self.interval / 2):
            beat = self._beat
            if reported is not None and beat != reported:
                self._held(beat - reported, where)
                reported = None
            if reported is None and time.monotonic() - beat > self.threshold + self.interval:
                stack = self._loop_stack()
                if stack is not None:
                    reported, where = beat, stack

    def _loop_stack(self) -> str | None:
        frame = sys._current_frames().get(self._loop_thread or 0)
        if frame is None or frame.f_code.co_filename.endswith(_WAITING):
            return None  # waiting for events: the process was not scheduled, nothing to fix
        # Our own frames (where to fix it) and the innermost three (what it was doing).
        frames = traceback.extract_stack(frame)
        ours = [f for f in frames[:-3] if _ours(f.filename)]
        if (frames and _reading_gateway(frames[-1])) or any(
            f.filename.endswith(_GATEWAY) for f in frames
        ):
            # discord.py parses what the gateway buffered without yielding (our intake of
            # thread events runs inside it and costs its share): a backlog, not one call.
            head = "while discord.py read the gateway's backlog"
        elif any(_in_package(f.filename) for f in frames):
            head = "in Roundtable's code"
        else:
            head = "in library code only (no Roundtable frame)"
        stack = "".join(traceback.format_list([*ours[-8:], *frames[-3:]])).rstrip()
        return f"{head}:\n{stack}"

    def _held(self, seconds: float, where: str) -> None:
        self.held.append(HeldUp(seconds, where))
        log.warning("Event loop held up for %.0f ms %s", seconds * 1000, where)
