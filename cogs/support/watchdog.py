"""Notices when the event loop is held up, and says where.

A thread asks the loop to answer (`call_soon_threadsafe`) and waits THRESHOLD: an idle loop
answers at once, a busy one that keeps yielding soon after. When the answer is late, the thread
samples the loop thread's stack: if the loop was waiting in the selector it was merely not
scheduled (the machine is busy, not our code), otherwise something is running on the loop
without yielding (CPU work, a blocking call) and that stack is what to fix. Each hold-up is
logged once, when the loop answers, with how long it lasted. A healthy loop is woken about ten
times a second for this (a task beating every 20 ms cost an idle bot 1 % of a core).
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
INTERVAL = 0.02  # while an answer is late, looked for this often
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
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread: int | None = None
        self._answered = 0.0  # when the loop last answered (time.monotonic())
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._loop_thread = threading.get_ident()
        self._stopping.clear()
        self._thread = threading.Thread(target=self._watch, name="loop-watchdog", daemon=True)
        self._thread.start()

    async def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            await asyncio.to_thread(self._thread.join)
            self._thread = None

    def _answer(self) -> None:
        self._answered = time.monotonic()

    def _watch(self) -> None:
        assert self._loop is not None
        while not self._stopping.is_set():
            asked = time.monotonic()
            try:
                self._loop.call_soon_threadsafe(self._answer)
            except RuntimeError:  # the loop is closed
                return
            if self._stopping.wait(self.threshold) or self._answered >= asked:
                continue
            stack = self._loop_stack()  # late: where is the loop?
            while self._answered < asked and not self._stopping.wait(self.interval / 2):
                if stack is None:
                    stack = self._loop_stack()
            if stack is not None and self._answered >= asked:
                self._held(self._answered - asked, stack)

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
