"""The command tree with Roundtable's one error path."""

from __future__ import annotations

import logging

import discord
from discord import app_commands

from cogs.support.in_flight import admitted
from cogs.support.replies import interaction_context, reply_ephemeral
from roundtable.errors import UserError

log = logging.getLogger(__name__)

CONTENT_MAX = 2000
UNEXPECTED = (
    "Something went wrong on our side and nothing was changed. It has been logged for the "
    "bot's host; try again in a moment."
)


def describe_error(error: BaseException) -> str | None:
    """The message a member should see for a known error; None for an unexpected one."""
    if isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    if isinstance(error, UserError):
        return str(error)
    if isinstance(error, app_commands.NoPrivateMessage):
        return "This command works only in a server, not in direct messages."
    if isinstance(error, app_commands.BotMissingPermissions):
        missing = ", ".join(p.replace("_", " ").title() for p in error.missing_permissions)
        return f"I am missing the permission(s) I need here: {missing}."
    if isinstance(error, app_commands.MissingPermissions):
        missing = ", ".join(p.replace("_", " ").title() for p in error.missing_permissions)
        return f"You need the permission(s): {missing}."
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Slow down: try again in {error.retry_after:.0f} s."
    if isinstance(error, app_commands.TransformerError):
        return f"I could not understand {error.value!r} for that option."
    if isinstance(error, app_commands.CheckFailure) and error.args:
        return str(error.args[0])
    return None


async def report_error(interaction: discord.Interaction, error: BaseException) -> None:
    """Tell the member what went wrong (ephemeral), and log what we did not expect."""
    message = describe_error(error)
    if message is None:
        original = getattr(error, "original", error)
        log.error(
            "Unexpected error (%s)",
            interaction_context(interaction),
            exc_info=(type(original), original, original.__traceback__),
        )
        message = UNEXPECTED
    else:
        # Refused: nothing was changed (the fuzz suite holds every command to it).
        log.info("Refused (%s): %s", interaction_context(interaction), message[:200])
    if len(message) > CONTENT_MAX:
        message = message[: CONTENT_MAX - 1] + "…"
    try:
        await reply_ephemeral(interaction, message)
    except discord.HTTPException:
        log.warning(
            "Could not tell the member about an error (%s)", interaction_context(interaction)
        )


class RoundtableTree(app_commands.CommandTree):
    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        return await admitted(interaction)  # tracked, for a clean stop

    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError, /
    ) -> None:
        await report_error(interaction, error)
