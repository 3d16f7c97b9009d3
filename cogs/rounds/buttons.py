"""A round's buttons (the answer form itself is cogs/rounds/forms.py).

Buttons are DynamicItems whose custom_id carries the round id (cogs/rounds/ids.py), so they keep
working after the bot restarts; the rounds cog registers them in cog_load. Answer forms are
matched by custom_id too (cogs/rounds/listeners.py), for the same reason.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Self

import discord

from cogs.rounds import ids
from cogs.rounds.access import check_round
from cogs.rounds.cards import card_texts, cards_in_thread, mine_embed
from cogs.rounds.forms import answer_modal
from cogs.support.in_flight import admitted
from cogs.support.render import delete_messages, inert
from cogs.support.tree import report_error
from roundtable.errors import UserError
from roundtable.rounds import MODAL_QUESTIONS
from roundtable.rounds.model import RoundRecord
from roundtable.text import clip, plural

if TYPE_CHECKING:
    from cogs.support.bot import RoundtableBot

log = logging.getLogger(__name__)

EPHEMERAL_VIEW_SECONDS = 900


def _guild_id(interaction: discord.Interaction[Any]) -> int:
    if interaction.guild_id is None:
        raise UserError("This only works in a server.")
    return interaction.guild_id


class HandledItem(discord.ui.DynamicItem[discord.ui.Item[Any]], template=r"rt:never"):
    """Every click gets an answer: errors go through the one error path."""

    round_id: int
    record: RoundRecord  # as read by the check, for the handler
    # Acknowledge before anything else (the answer follows): each await before the first
    # response costs a turn of the event loop, which under a burst of replies waits for
    # discord.py to read the gateway's backlog. Not for buttons that answer with a form.
    defer_first: ClassVar[bool] = False

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        if not await admitted(interaction):
            return
        try:
            if self.defer_first:
                await interaction.response.defer(ephemeral=True, thinking=True)
            self.record = await check_round(interaction, self.round_id)  # the client is our bot
            await self.handle(interaction)
        except Exception as exc:
            await report_error(interaction, exc)

    async def handle(self, interaction: discord.Interaction[RoundtableBot]) -> None:
        raise UserError("This button does nothing.")


class RoundButton(HandledItem, template=r"rt:never"):
    """A button of one round: custom_id rt1:<action>:<round id>."""

    action: ClassVar[str] = ""
    label: ClassVar[str] = ""
    style: ClassVar[discord.ButtonStyle] = discord.ButtonStyle.secondary

    def __init__(self, round_id: int, *, disabled: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label=self.label,
                style=self.style,
                custom_id=ids.button(self.action, round_id),
                disabled=disabled,
            )
        )
        self.round_id = round_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> Self:
        return cls(int(match["round"]))


class RespondButton(RoundButton, template=ids.RESPOND):
    action, label, style = "respond", "Respond", discord.ButtonStyle.primary

    async def handle(self, interaction: discord.Interaction[RoundtableBot]) -> None:
        await open_answer_form(interaction, self.round_id, known=self.record)


class EditAnswersButton(RoundButton, template=ids.EDIT):
    action, label, style = "edit", "Edit answers", discord.ButtonStyle.primary

    async def handle(self, interaction: discord.Interaction[RoundtableBot]) -> None:
        await open_answer_form(interaction, self.round_id, known=self.record)


class StanceButton(HandledItem, template=ids.STANCE):
    defer_first = True

    def __init__(self, round_id: int, index: int, label: str, *, disabled: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.secondary,
                custom_id=ids.stance(round_id, index),
                disabled=disabled,
            )
        )
        self.round_id = round_id
        self.index = index

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> Self:
        label = item.label if isinstance(item, discord.ui.Button) else None
        return cls(int(match["round"]), int(match["index"]), label or "")

    async def handle(self, interaction: discord.Interaction[RoundtableBot]) -> None:
        record, stance = await interaction.client.rounds.stance(
            _guild_id(interaction),
            self.round_id,
            interaction.user.id,
            self.index,
            name=interaction.user.display_name,
            known=self.record,
        )
        text = f"Your stance in {record.section_title!r}: **{stance.current}**."
        if stance.opening != stance.current:
            text += f" You opened with **{stance.opening}**."
        await interaction.followup.send(text, ephemeral=True)


class ReadButton(RoundButton, template=ids.READ):
    """Marks the round's section read in the member's progress through the pack (forward only;
    /progress sets it either way). Works after the round closes too."""

    action, label = "read", "I've read this"

    async def handle(self, interaction: discord.Interaction[RoundtableBot]) -> None:
        record = self.record
        stored = await interaction.client.progress.read(
            _guild_id(interaction), interaction.user.id, record.pack_id, record.section_number
        )
        pack = inert(stored.pack_title)
        if stored.section > record.section_number:
            text = (
                f"You have read *{pack}* up to section {stored.section} already. /progress "
                "changes it."
            )
        else:
            text = (
                f"Noted: you have read *{pack}* up to section {stored.section} "
                f"({inert(stored.section_title)}). /progress shows or changes it."
            )
        await interaction.response.send_message(text, ephemeral=True)


class MineButton(RoundButton, template=ids.MINE):
    action, label = "mine", "My answers"

    async def handle(self, interaction: discord.Interaction[RoundtableBot]) -> None:
        record, answers, stance = await interaction.client.rounds.mine(
            _guild_id(interaction), self.round_id, interaction.user.id, known=self.record
        )
        # Its buttons are DynamicItems, which keep working after the view expires; the timeout
        # only keeps discord.py's view store from growing with every click.
        view = discord.ui.View(timeout=EPHEMERAL_VIEW_SECONDS)
        if record.is_open:
            view.add_item(EditAnswersButton(record.id))
            if answers:
                view.add_item(WithdrawButton(record.id))
        await interaction.response.send_message(
            embed=mine_embed(record, answers, stance), view=view, ephemeral=True
        )


class WithdrawButton(RoundButton, template=ids.WITHDRAW):
    action, label, style = "withdraw", "Withdraw my answers", discord.ButtonStyle.danger

    async def handle(self, interaction: discord.Interaction[RoundtableBot]) -> None:
        bot = interaction.client
        record, gone = await bot.rounds.withdraw(
            _guild_id(interaction), self.round_id, interaction.user.id, known=self.record
        )
        # Answer within Discord's 3 seconds first; the thread posts are deleted after.
        await interaction.response.edit_message(
            content=f"Withdrawn: {plural(len(gone), 'answer')} deleted, here and in the thread.",
            embed=None,
            view=None,
        )
        if record.thread_id:
            posts = [(record.thread_id, a.message_id) for a in gone if a.message_id]
            if any(a.message_id is None for a in gone):  # a card posted, its id never saved
                posted = await cards_in_thread(bot, record)
                posts += [
                    (record.thread_id, posted[texts])
                    for texts in card_texts(record, gone)
                    if texts in posted
                ]
            await delete_messages(bot, list(dict.fromkeys(posts)))


class QuestionPicker(HandledItem, template=ids.PICK):
    """With more questions than a modal holds, the member first picks which to answer."""

    def __init__(self, round_id: int, questions: Sequence[str] = ()) -> None:
        options = [
            discord.SelectOption(label=clip(f"{n}. {q}", 100), value=str(n))
            for n, q in enumerate(questions, start=1)
        ] or [discord.SelectOption(label="1", value="1")]
        select: discord.ui.Select[Any] = discord.ui.Select(
            custom_id=ids.pick(round_id),
            placeholder="Pick up to 5 questions to answer",
            min_values=1,
            max_values=min(MODAL_QUESTIONS, len(options)),
            options=options[:25],
        )
        super().__init__(select)
        self.round_id = round_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> Self:
        return cls(int(match["round"]))

    async def handle(self, interaction: discord.Interaction[RoundtableBot]) -> None:
        data: dict[str, Any] = dict(interaction.data or {})
        values = [str(v) for v in data.get("values") or []]
        if not values or not all(v.isdigit() and len(v) <= 3 for v in values):
            raise UserError("Pick the questions from the list.")
        numbers = sorted({int(v) for v in values})[:MODAL_QUESTIONS]
        await open_answer_form(interaction, self.round_id, numbers, known=self.record)


DYNAMIC_ITEMS: tuple[type[HandledItem], ...] = (
    RespondButton,
    StanceButton,
    MineButton,
    EditAnswersButton,
    WithdrawButton,
    QuestionPicker,
    ReadButton,
)


def round_view(record: RoundRecord, *, closed: bool = False) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(RespondButton(record.id, disabled=closed))
    view.add_item(MineButton(record.id, disabled=closed))
    view.add_item(ReadButton(record.id))  # a closed round's section can still be read
    for index, label in enumerate(record.stances):
        stance = StanceButton(record.id, index, label, disabled=closed)
        stance.row = 1
        view.add_item(stance)
    return view


async def open_answer_form(
    interaction: discord.Interaction[RoundtableBot],
    round_id: int,
    numbers: Sequence[int] | None = None,
    *,
    known: RoundRecord | None = None,
) -> None:
    bot = interaction.client
    guild_id = _guild_id(interaction)
    record = await bot.rounds.open_round(guild_id, round_id, known=known)
    if numbers is None:
        if len(record.questions) > MODAL_QUESTIONS:
            view = discord.ui.View(timeout=EPHEMERAL_VIEW_SECONDS)
            view.add_item(QuestionPicker(record.id, record.questions))
            await interaction.response.send_message(
                f"This round has {len(record.questions)} questions; a form holds "
                f"{MODAL_QUESTIONS}. Pick the ones to answer now.",
                view=view,
                ephemeral=True,
            )
            return
        numbers = list(range(1, len(record.questions) + 1))
    if not all(1 <= n <= len(record.questions) for n in numbers):
        raise UserError(f"Round {record.id} has questions 1 to {len(record.questions)}.")
    existing = {
        a.question: a.content
        for a in await bot.rounds.answers_of(guild_id, round_id, interaction.user.id)
    }
    await interaction.response.send_modal(answer_modal(record, numbers, existing))
