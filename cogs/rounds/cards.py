"""Members' answers on Discord: the answer cards in a round's thread and the member's own
"My answers" panel. What members wrote goes through render.inert wherever the bot echoes it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import discord

from cogs.support import render
from roundtable.packs.excerpts import EMBED_TOTAL_MAX
from roundtable.rounds.model import ResponseRecord, RoundRecord, StanceRecord
from roundtable.text import clip

if TYPE_CHECKING:
    from cogs.support.bot import RoundtableBot

ECHO_QUESTION_CHARS = 80


def answer_cards(
    record: RoundRecord, name: str, avatar_url: str | None, answers: Sequence[ResponseRecord]
) -> list[list[tuple[discord.Embed, int]]]:
    """The member's answers as (embed, response id)s packed into messages within limits."""
    messages: list[list[tuple[discord.Embed, int]]] = [[]]
    size = 0
    for answer in answers:
        assert answer.question is not None
        question = clip(record.questions[answer.question - 1], ECHO_QUESTION_CHARS)
        embed = discord.Embed(
            description=f"**{answer.question}. {question}**\n{render.inert(answer.content)}",
            colour=discord.Colour.green(),
        )
        embed.set_author(name=f"{name} answered", icon_url=avatar_url)
        if answer.edited_at:
            embed.set_footer(text="edited")
        chars = len(embed.description or "") + len(embed.author.name or "") + 6
        if messages[-1] and (size + chars > EMBED_TOTAL_MAX or len(messages[-1]) == 10):
            messages.append([])
            size = 0
        messages[-1].append((embed, answer.id))
        size += chars
    return [m for m in messages if m]


async def show_answers(
    bot: RoundtableBot,
    record: RoundRecord,
    member: discord.abc.User | None,
    answers: Sequence[ResponseRecord],
) -> None:
    """Post or update one member's answer card in the round's thread (no pings).

    `member` is None when the bot no longer knows the member (the card then says "A member").
    """
    if record.thread_id is None:
        return
    old = list(dict.fromkeys(a.message_id for a in answers if a.message_id))
    thread = bot.get_partial_messageable(record.thread_id, guild_id=record.guild_id)
    name = member.display_name if member else "A member"
    avatar = member.display_avatar.url if member else None
    cards = answer_cards(record, name, avatar, answers)
    for index, card in enumerate(cards):
        embeds = [embed for embed, _ in card]
        if index < len(old):
            message_id = old[index]
            await thread.get_partial_message(message_id).edit(embeds=embeds)
        else:
            message_id = (await thread.send(embeds=embeds)).id
        await bot.rounds.card_posted([response_id for _, response_id in card], message_id)
    for stale in old[len(cards) :]:
        await thread.get_partial_message(stale).delete()


def _texts(embeds: Sequence[discord.Embed]) -> tuple[str, ...]:
    return tuple(e.description or "" for e in embeds)


async def cards_in_thread(bot: RoundtableBot, record: RoundRecord) -> dict[tuple[str, ...], int]:
    """The bot's answer cards in the round's thread, by their text (one read of the thread)."""
    found: dict[tuple[str, ...], int] = {}
    if record.thread_id is None or bot.user is None:
        return found
    thread = bot.get_channel(record.thread_id) or await bot.fetch_channel(record.thread_id)
    if not isinstance(thread, discord.Thread):
        return found
    async for message in thread.history(limit=None):
        if (
            message.author.id == bot.user.id
            and message.embeds
            and all((e.author.name or "").endswith(" answered") for e in message.embeds)
        ):
            found.setdefault(_texts(message.embeds), message.id)
    return found


def card_texts(record: RoundRecord, answers: Sequence[ResponseRecord]) -> list[tuple[str, ...]]:
    """What the member's card messages say (without name or avatar: those can change)."""
    return [_texts([e for e, _ in card]) for card in answer_cards(record, "", None, answers)]


async def restore_cards(
    bot: RoundtableBot,
    record: RoundRecord,
    member: discord.abc.User | None,
    answers: Sequence[ResponseRecord],
    posted: dict[tuple[str, ...], int],
) -> bool:
    """Answers stored but shown by no known card: a card posted just before a crash (its id
    never saved) is adopted when its text is found in `posted`; otherwise the card is posted.
    Returns whether a card was posted."""
    wanted = card_texts(record, answers)
    ids = [posted.get(texts) for texts in wanted]
    if all(ids):
        cards = answer_cards(record, "", None, answers)
        for card, message_id in zip(cards, ids, strict=True):
            assert message_id is not None
            await bot.rounds.card_posted([response_id for _, response_id in card], message_id)
        return False
    await show_answers(bot, record, member, answers)
    return True


def mine_embed(
    record: RoundRecord, answers: Sequence[ResponseRecord], stance: StanceRecord | None
) -> discord.Embed:
    """The member's own answers and stance, for "My answers" (only they see it)."""
    embed = discord.Embed(title=clip(f"Your answers · {record.section_title}", 256))
    for answer in answers:
        question = record.questions[answer.question - 1] if answer.question else ""
        embed.add_field(
            name=clip(f"{answer.question}. {question}", 256),
            value=clip(render.inert(answer.content), 1024),
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
    return embed
