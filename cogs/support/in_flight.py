"""What members are waiting for when the bot is told to stop (SIGTERM, Ctrl+C).

Every interaction handler (slash command, button, menu, form) is admitted here and runs as its
own task. A stop lets those under way finish for STOP_GRACE_SECONDS (8 s), refuses new ones
with a sentence, then cancels what is left and tells each member it was cut short, all before
the connection to Discord closes: nobody is left with "thinking…", and nothing runs on after
its HTTP session is gone (before #27, a SIGTERM during a close logged tracebacks and the
moderator's /round close never got an answer). What a cut-short handler already stored stays
stored: a close records each step, and the next start finishes it.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import discord

from cogs.support.replies import interaction_context, reply_ephemeral

log = logging.getLogger(__name__)

TELL_SECONDS = 3.0  # for each cut-short member's message
STOPPING = "Roundtable is restarting and took nothing new: try again in a minute."
CUT_SHORT = (
    "Roundtable had to restart before this finished. What was saved before then is kept; "
    "check, and try again in a minute if something is missing."
)


class InFlight:
    def __init__(self) -> None:
        self._tasks: dict[asyncio.Task[Any], tuple[discord.Interaction[Any], str]] = {}
        self.stopping = False

    async def admit(
        self, interaction: discord.Interaction[Any], cut_short: str = CUT_SHORT
    ) -> bool:
        """Track the current handler task; False (the member told) once the bot is stopping."""
        if self.stopping:
            try:
                await reply_ephemeral(interaction, STOPPING)
            except discord.HTTPException:
                pass
            return False
        task = asyncio.current_task()
        if task is not None:
            if task not in self._tasks:
                task.add_done_callback(self._finished)
            self._tasks[task] = (interaction, cut_short)
        return True

    def if_cut_short(self, interaction: discord.Interaction[Any], message: str) -> None:
        """What to tell the member, instead of CUT_SHORT, if a stop cuts this handler short."""
        task = asyncio.current_task()
        if task is not None and task in self._tasks:
            self._tasks[task] = (interaction, message)

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._tasks.pop(task, None)

    def __len__(self) -> int:
        return len(self._tasks)

    async def drain(self, grace: float) -> None:
        """Refuse new handlers; wait up to `grace` s for those under way; cancel the rest and
        tell their members."""
        self.stopping = True
        running = set(self._tasks)
        if running:
            await asyncio.wait(running, timeout=grace)
        left = {task: self._tasks[task] for task in running if not task.done()}
        for task in left:
            task.cancel()
        if left:
            await asyncio.wait(left, timeout=TELL_SECONDS)
        for interaction, message in left.values():
            try:
                await asyncio.wait_for(reply_ephemeral(interaction, message), TELL_SECONDS)
            except (discord.HTTPException, TimeoutError):
                log.warning("Could not tell a member their request was cut short (%s)",
                            interaction_context(interaction))  # fmt: skip
        if running:
            log.info(
                "Stopping: %d request(s) finished, %d cut short (members told)",
                len(running) - len(left),
                len(left),
            )


async def admitted(interaction: discord.Interaction[Any]) -> bool:
    """`InFlight.admit` on the bot's tracker (every client here is a RoundtableBot)."""
    in_flight: InFlight | None = getattr(interaction.client, "in_flight", None)
    return in_flight is None or await in_flight.admit(interaction)


class TrackedView(discord.ui.View):
    """A view whose clicks are tracked for a clean stop, as commands and round buttons are."""

    async def interaction_check(self, interaction: discord.Interaction[Any], /) -> bool:
        return await admitted(interaction)
