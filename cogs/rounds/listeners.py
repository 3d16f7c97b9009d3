"""What members say in rounds: submitted answer forms, and replies in round threads.

Answer forms are matched by custom_id (cogs/rounds/ids.py), not by a modal object in memory, so
a form opened before a restart is still recorded after it. Thread messages, edits and deletions
are not listeners: the bot hands them to `intake` as they are dispatched (no task per message),
which passes round threads' events to the core's capture (roundtable/rounds/capture.py).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import discord
from discord.ext import commands

from cogs.rounds import ids
from cogs.rounds.access import check_round
from cogs.rounds.cards import show_answers
from cogs.rounds.forms import submitted_values
from cogs.rounds.reading import REPLY_TYPES, ThreadReading, said
from cogs.support.bot import RoundtableBot
from cogs.support.tree import report_error
from roundtable.errors import UserError
from roundtable.rounds.model import RoundRecord

log = logging.getLogger(__name__)


class RoundListeners(commands.Cog):
    def __init__(self, bot: RoundtableBot, reading: ThreadReading):
        self.bot = bot
        self.reading = reading
        self.readied = False  # on_ready fires again after an invalid session
        self.catching_up: asyncio.Task[int] | None = None

    async def cog_load(self) -> None:
        self.bot.intake.update(
            message=self.take_message,
            raw_message_edit=self.take_edit,
            raw_message_delete=self.take_delete,
            raw_bulk_message_delete=self.take_bulk_delete,
        )

    async def cog_unload(self) -> None:
        for event in (
            "message",
            "raw_message_edit",
            "raw_message_delete",
            "raw_bulk_message_delete",
        ):
            self.bot.intake.pop(event, None)

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction[RoundtableBot]) -> None:
        if interaction.type is not discord.InteractionType.modal_submit:
            return
        data: dict[str, Any] = dict(interaction.data or {})
        match = ids.ANSWERS.fullmatch(str(data.get("custom_id", "")))
        if match is None or not await self.bot.in_flight.admit(interaction):
            return
        try:
            record = await check_round(interaction, int(match["round"]))
            await self.record_answers(interaction, record, data)
        except Exception as exc:
            await report_error(interaction, exc)

    async def record_answers(
        self,
        interaction: discord.Interaction[RoundtableBot],
        record: RoundRecord,
        data: dict[str, Any],
    ) -> None:
        """`record`: the round as the access check read it, passed on (one read per submit)."""
        round_id = record.id
        if interaction.guild_id is None:
            raise UserError("This only works in a server.")
        values = submitted_values(data)
        answers = {int(key[1:]): value for key, value in values.items() if key[1:].isdigit()}
        answered = await self.bot.rounds.answer(
            interaction.guild_id,
            round_id,
            interaction.user.id,
            answers,
            name=interaction.user.display_name,
            known=record,
        )
        numbers = ", ".join(str(a.question) for a in answered.saved)
        s = "s" if len(answered.saved) > 1 else ""
        # Acknowledged only now that the answers are committed.
        await interaction.response.send_message(
            f"Recorded: your answer{s} to question{s} {numbers}. They are shown in the round's "
            "thread; **My answers** lets you change or withdraw them.",
            ephemeral=True,
        )
        try:
            await show_answers(self.bot, answered.record, interaction.user, answered.card)
        except discord.HTTPException:
            # Stored all the same: the close posts the card, and the summary counts it.
            log.exception("Could not show answers of %s in round %s", interaction.user.id, round_id)

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        """A new gateway session (not a resume): events of the gap were never replayed, so read
        the open rounds' threads again. The first session's reading is the timer's, before it
        closes anything."""
        if not self.readied:
            self.readied = True
            return
        self.catching_up = asyncio.create_task(self.reading.catch_up(), name="catch-up")
        self.catching_up.add_done_callback(_logged)

    # -- thread events: synchronous, called from the bot's dispatch -----------------------

    def take_message(self, message: discord.Message) -> None:
        # Whether the channel is a round's thread is the capture's question (a dict lookup),
        # even when discord.py has no Thread object for it (not cached after a restart).
        if (
            message.guild is None
            or message.author.bot
            or message.webhook_id is not None
            or message.type not in REPLY_TYPES
            or not self.bot.settings.message_content_intent
        ):
            return
        self.bot.capture.offer_message(message.guild.id, message.channel.id, **said(message))

    def take_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        content = payload.data.get("content")
        if payload.guild_id is None or content is None:
            return
        if self.bot.settings.message_content_intent:
            self.bot.capture.offer_edit(
                payload.guild_id, payload.channel_id, payload.message_id, content
            )

    def take_delete(self, payload: discord.RawMessageDeleteEvent) -> None:
        if payload.guild_id is not None:
            self.bot.capture.offer_deletes(
                payload.guild_id, payload.channel_id, (payload.message_id,)
            )

    def take_bulk_delete(self, payload: discord.RawBulkMessageDeleteEvent) -> None:
        if payload.guild_id is not None:
            self.bot.capture.offer_deletes(
                payload.guild_id, payload.channel_id, sorted(payload.message_ids)
            )


def _logged(task: asyncio.Task[int]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("Reading the threads after a new session failed", exc_info=task.exception())
