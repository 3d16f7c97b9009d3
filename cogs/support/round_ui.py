"""A round on Discord: its persistent buttons, the answer modal, posting, echoes and closing.

Buttons are DynamicItems whose custom_id carries the round id, so they keep working after the
bot restarts. Answer modals are handled by custom_id too (cogs/responses.py), for the same reason.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import discord

from cogs.support.render import to_embed
from cogs.support.summary_posts import post_summary
from cogs.support.tree import report_error
from roundtable.errors import UserError
from roundtable.packs.excerpts import EMBED_TOTAL_MAX, Excerpt, MessageSpec
from roundtable.rounds import ANSWER_MAX, MODAL_QUESTIONS, closing_message
from storage.rounds import ResponseRecord, RoundRecord

if TYPE_CHECKING:
    from cogs.support.bot import RoundtableBot

log = logging.getLogger(__name__)

ANSWERS_ID = re.compile(r"rt:answers:(?P<round>\d+):(?P<questions>\d+(?:-\d+)*)")
ECHO_QUESTION_CHARS = 80


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class HandledItem(discord.ui.DynamicItem[discord.ui.Button], template=r"rt:never"):
    """Every click gets an answer: errors go through the one error path."""

    round_id: int

    async def callback(self, interaction: discord.Interaction) -> None:  # type: ignore[override]
        try:
            await self.handle(interaction)  # type: ignore[arg-type]
        except Exception as exc:
            await report_error(interaction, exc)

    async def handle(self, interaction: discord.Interaction[RoundtableBot]) -> None:
        raise UserError("This button does nothing.")


def _guild_id(interaction: discord.Interaction) -> int:
    if interaction.guild_id is None:
        raise UserError("This only works in a server.")
    return interaction.guild_id


class RespondButton(HandledItem, template=r"rt:respond:(?P<round>\d+)"):
    def __init__(self, round_id: int, *, disabled: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label="Respond",
                style=discord.ButtonStyle.primary,
                custom_id=f"rt:respond:{round_id}",
                disabled=disabled,
            )
        )
        self.round_id = round_id

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[no-untyped-def]
        return cls(int(match["round"]))

    async def handle(self, interaction: discord.Interaction[RoundtableBot]) -> None:
        await open_answer_form(interaction, self.round_id)


class EditAnswersButton(HandledItem, template=r"rt:edit:(?P<round>\d+)"):
    def __init__(self, round_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Edit answers",
                style=discord.ButtonStyle.primary,
                custom_id=f"rt:edit:{round_id}",
            )
        )
        self.round_id = round_id

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[no-untyped-def]
        return cls(int(match["round"]))

    async def handle(self, interaction: discord.Interaction[RoundtableBot]) -> None:
        await open_answer_form(interaction, self.round_id)


class StanceButton(HandledItem, template=r"rt:stance:(?P<round>\d+):(?P<index>\d)"):
    def __init__(self, round_id: int, index: int, label: str, *, disabled: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.secondary,
                custom_id=f"rt:stance:{round_id}:{index}",
                disabled=disabled,
            )
        )
        self.round_id = round_id
        self.index = index

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[no-untyped-def]
        return cls(int(match["round"]), int(match["index"]), item.label or "")

    async def handle(self, interaction: discord.Interaction[RoundtableBot]) -> None:
        bot = interaction.client
        record, stance = await bot.rounds.stance(
            _guild_id(interaction), self.round_id, interaction.user.id, self.index
        )
        text = f"Your stance in {record.section_title!r}: **{stance.current}**."
        if stance.opening != stance.current:
            text += f" You opened with **{stance.opening}**."
        await interaction.response.send_message(text, ephemeral=True)


class MineButton(HandledItem, template=r"rt:mine:(?P<round>\d+)"):
    def __init__(self, round_id: int, *, disabled: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label="My answers",
                style=discord.ButtonStyle.secondary,
                custom_id=f"rt:mine:{round_id}",
                disabled=disabled,
            )
        )
        self.round_id = round_id

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[no-untyped-def]
        return cls(int(match["round"]))

    async def handle(self, interaction: discord.Interaction[RoundtableBot]) -> None:
        bot = interaction.client
        record, answers, stance = await bot.rounds.mine(
            _guild_id(interaction), self.round_id, interaction.user.id
        )
        embed = discord.Embed(title=f"Your answers · {record.section_title}"[:256])
        for answer in answers:
            question = record.questions[answer.question - 1] if answer.question else ""
            embed.add_field(
                name=_clip(f"{answer.question}. {question}", 256),
                value=_clip(answer.content, 1024),
                inline=False,
            )
        if not answers:
            embed.description = "You have not answered yet."
        if stance is None:
            footer = "No stance yet."
        elif stance.opening == stance.current:
            footer = f"Stance: {stance.current}"
        else:
            footer = f"Stance: {stance.current} (opened with {stance.opening})"
        embed.set_footer(text=footer)
        view = discord.ui.View(timeout=None)
        if record.is_open:
            view.add_item(EditAnswersButton(record.id))
            if answers:
                view.add_item(WithdrawButton(record.id))
        await interaction.response.send_message(embed=embed, view=view, ephemeral=True)


class WithdrawButton(HandledItem, template=r"rt:withdraw:(?P<round>\d+)"):
    def __init__(self, round_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Withdraw my answers",
                style=discord.ButtonStyle.danger,
                custom_id=f"rt:withdraw:{round_id}",
            )
        )
        self.round_id = round_id

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[no-untyped-def]
        return cls(int(match["round"]))

    async def handle(self, interaction: discord.Interaction[RoundtableBot]) -> None:
        bot = interaction.client
        guild_id = _guild_id(interaction)
        record = await bot.rounds.get(guild_id, self.round_id)
        gone = await bot.rounds.withdraw(guild_id, self.round_id, interaction.user.id)
        if record.thread_id:
            await delete_messages(
                bot, [(record.thread_id, a.message_id) for a in gone if a.message_id]
            )
        count = len(gone)
        await interaction.response.edit_message(
            content=f"Withdrawn: {count} answer{'s' if count != 1 else ''} deleted, here and in "
            "the thread.",
            embed=None,
            view=None,
        )


class QuestionPicker(HandledItem, template=r"rt:pick:(?P<round>\d+)"):
    """With more questions than a modal holds, the member first picks which to answer."""

    def __init__(self, round_id: int, questions: Sequence[str] = ()) -> None:
        options = [
            discord.SelectOption(label=_clip(f"{n}. {q}", 100), value=str(n))
            for n, q in enumerate(questions, start=1)
        ] or [discord.SelectOption(label="1", value="1")]
        super().__init__(
            discord.ui.Select(  # type: ignore[arg-type]
                custom_id=f"rt:pick:{round_id}",
                placeholder="Pick up to 5 questions to answer",
                min_values=1,
                max_values=min(MODAL_QUESTIONS, len(options)),
                options=options[:25],
            )
        )
        self.round_id = round_id

    @classmethod
    async def from_custom_id(cls, interaction, item, match):  # type: ignore[no-untyped-def]
        return cls(int(match["round"]))

    async def handle(self, interaction: discord.Interaction[RoundtableBot]) -> None:
        values = (interaction.data or {}).get("values") or []
        numbers = sorted(int(v) for v in values)[:MODAL_QUESTIONS]
        await open_answer_form(interaction, self.round_id, numbers)


DYNAMIC_ITEMS = (
    RespondButton,
    StanceButton,
    MineButton,
    EditAnswersButton,
    WithdrawButton,
    QuestionPicker,
)


def round_view(record: RoundRecord, *, closed: bool = False) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(RespondButton(record.id, disabled=closed))
    view.add_item(MineButton(record.id, disabled=closed))
    for index, label in enumerate(record.stances):
        stance = StanceButton(record.id, index, label, disabled=closed)
        stance.row = 1
        view.add_item(stance)
    return view


async def open_answer_form(
    interaction: discord.Interaction[RoundtableBot],
    round_id: int,
    numbers: Sequence[int] | None = None,
) -> None:
    bot = interaction.client
    guild_id = _guild_id(interaction)
    record = await bot.rounds.open_round(guild_id, round_id)
    if numbers is None:
        if len(record.questions) > MODAL_QUESTIONS:
            view = discord.ui.View(timeout=None)
            view.add_item(QuestionPicker(record.id, record.questions))
            await interaction.response.send_message(
                f"This round has {len(record.questions)} questions; a form holds "
                f"{MODAL_QUESTIONS}. Pick the ones to answer now.",
                view=view,
                ephemeral=True,
            )
            return
        numbers = list(range(1, len(record.questions) + 1))
    existing = {
        a.question: a.content
        for a in await bot.rounds.repo.answers(guild_id, round_id, interaction.user.id)
    }
    await interaction.response.send_modal(answer_modal(record, numbers, existing))


def answer_modal(
    record: RoundRecord, numbers: Sequence[int], existing: dict[int | None, str]
) -> discord.ui.Modal:
    modal = discord.ui.Modal(
        title=_clip(f"Round {record.id}: your answers", 45),
        custom_id=f"rt:answers:{record.id}:{'-'.join(map(str, numbers))}",
        timeout=900,
    )
    for number in numbers:
        question = record.questions[number - 1]
        modal.add_item(
            discord.ui.Label(
                text=f"Question {number}",
                description=_clip(question, 100),
                component=discord.ui.TextInput(
                    custom_id=f"q{number}",
                    style=discord.TextStyle.long,
                    required=False,
                    max_length=ANSWER_MAX,
                    default=existing.get(number),
                ),
            )
        )
    return modal


def submitted_values(data: dict[str, Any]) -> dict[str, str]:
    """custom_id -> value from a modal submission (action rows or labels)."""
    values: dict[str, str] = {}

    def walk(items: list[dict[str, Any]]) -> None:
        for item in items:
            if item.get("component"):
                walk([item["component"]])
            if item.get("components"):
                walk(item["components"])
            if item.get("type") == 4 and "custom_id" in item:
                values[item["custom_id"]] = item.get("value") or ""

    walk(data.get("components") or [])
    return values


# -- posting --------------------------------------------------------------------------------


def _send_kwargs(spec: MessageSpec) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"embeds": [to_embed(e) for e in spec.embeds]}
    if spec.content:
        kwargs["content"] = spec.content
    return kwargs


def forum_tag(forum: discord.ForumChannel) -> discord.ForumTag | None:
    """The forum's tag for rounds: one named like a round or discussion, else the first."""
    for tag in forum.available_tags:
        if tag.name.casefold() in ("round", "rounds", "reading", "discussion", "debate", "open"):
            return tag
    return forum.available_tags[0] if forum.available_tags else None


async def post_round(
    channel: discord.TextChannel | discord.ForumChannel,
    record: RoundRecord,
    excerpt: Excerpt,
    thread_name: str,
) -> tuple[discord.Thread, list[tuple[int, int]]]:
    """Post the excerpt and its buttons; returns the thread and the (channel, message) posts."""
    specs = list(excerpt.messages)
    view = round_view(record)
    posts: list[tuple[int, int]] = []
    if isinstance(channel, discord.ForumChannel):
        tag = forum_tag(channel)
        first = _send_kwargs(specs[0])
        if len(specs) == 1:
            first["view"] = view
        created = await channel.create_thread(
            name=thread_name,
            auto_archive_duration=10080,
            applied_tags=[tag] if tag else [],
            **first,
        )
        thread = created.thread
        posts.append((thread.id, created.message.id))
        for index, spec in enumerate(specs[1:], start=1):
            extra = _send_kwargs(spec)
            if index == len(specs) - 1:
                extra["view"] = view
            sent = await thread.send(**extra)
            posts.append((thread.id, sent.id))
        return thread, posts
    sent_messages = []
    for index, spec in enumerate(specs):
        kwargs = _send_kwargs(spec)
        if index == len(specs) - 1:
            kwargs["view"] = view
        sent_messages.append(await channel.send(**kwargs))
        posts.append((channel.id, sent_messages[-1].id))
    thread = await sent_messages[0].create_thread(name=thread_name, auto_archive_duration=10080)
    return thread, posts


# -- echoes of answers in the thread ---------------------------------------------------------


def answer_cards(
    record: RoundRecord, member: discord.abc.User, answers: Sequence[ResponseRecord]
) -> list[list[tuple[discord.Embed, list[int]]]]:
    """The member's answers as embeds packed into messages within Discord's limits."""
    messages: list[list[tuple[discord.Embed, list[int]]]] = [[]]
    size = 0
    for answer in answers:
        assert answer.question is not None
        question = _clip(record.questions[answer.question - 1], ECHO_QUESTION_CHARS)
        embed = discord.Embed(
            description=f"**{answer.question}. {question}**\n{answer.content}",
            colour=discord.Colour.green(),
        )
        embed.set_author(name=f"{member.display_name} answered", icon_url=member.display_avatar.url)
        if answer.edited_at:
            embed.set_footer(text="edited")
        chars = len(embed.description or "") + len(embed.author.name or "") + 6
        if messages[-1] and (size + chars > EMBED_TOTAL_MAX or len(messages[-1]) == 10):
            messages.append([])
            size = 0
        messages[-1].append((embed, [answer.id]))
        size += chars
    return [m for m in messages if m]


async def show_answers(bot: RoundtableBot, record: RoundRecord, member: discord.abc.User) -> None:
    """Post or update the member's answer card in the round's thread (no pings)."""
    if record.thread_id is None:
        return
    answers = await bot.rounds.repo.answers(record.guild_id, record.id, member.id)
    old = list(dict.fromkeys(a.message_id for a in answers if a.message_id))
    thread = bot.get_partial_messageable(record.thread_id, guild_id=record.guild_id)
    cards = answer_cards(record, member, answers)
    for index, card in enumerate(cards):
        embeds = [embed for embed, _ in card]
        if index < len(old):
            message_id = old[index]
            await thread.get_partial_message(message_id).edit(embeds=embeds)
        else:
            message_id = (await thread.send(embeds=embeds)).id
        await bot.rounds.repo.set_message([i for _, ids in card for i in ids], message_id)
    for stale in old[len(cards) :]:
        await thread.get_partial_message(stale).delete()


async def delete_messages(bot: RoundtableBot, posts: Iterable[tuple[int, int]]) -> None:
    """Delete (channel or thread id, message id) posts that showed withdrawn answers."""
    for channel_id, message_id in dict.fromkeys(posts):
        channel = bot.get_partial_messageable(channel_id)
        try:
            await channel.get_partial_message(message_id).delete()
        except discord.NotFound:
            pass  # already gone


# -- closing --------------------------------------------------------------------------------


async def finish_on_discord(bot: RoundtableBot, record: RoundRecord) -> None:
    """After a close or cancel: the closing message, disabled buttons, the thread per settings."""
    participation = await bot.rounds.participation(record)
    spec = closing_message(record, participation)
    settings = await bot.guild_config.get(record.guild_id)
    if record.thread_id:
        thread = bot.get_partial_messageable(record.thread_id, guild_id=record.guild_id)
        await thread.send(**_send_kwargs(spec))
        if record.status == "closed":
            made = await bot.summaries.for_close(record)
            await post_summary(bot, record.thread_id, made.summary, made.discussion)
    if record.posts:
        channel_id, message_id = record.posts[-1]
        channel = bot.get_partial_messageable(channel_id, guild_id=record.guild_id)
        await channel.get_partial_message(message_id).edit(view=round_view(record, closed=True))
    if record.thread_id and settings.thread_on_close != "keep":
        locked = settings.thread_on_close == "lock"
        await bot.http.edit_channel(record.thread_id, archived=True, locked=locked)


async def reopen_on_discord(bot: RoundtableBot, record: RoundRecord) -> None:
    if record.thread_id:
        await bot.http.edit_channel(record.thread_id, archived=False, locked=False)
        thread = bot.get_partial_messageable(record.thread_id, guild_id=record.guild_id)
        closes = (
            f" It now closes {discord.utils.format_dt(record.closes_at, 'F')}."
            if record.closes_at
            else ""
        )
        await thread.send(f"Round {record.id} was reopened.{closes}")
    if record.posts:
        channel_id, message_id = record.posts[-1]
        channel = bot.get_partial_messageable(channel_id, guild_id=record.guild_id)
        await channel.get_partial_message(message_id).edit(view=round_view(record))
