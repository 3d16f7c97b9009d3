"""A round on Discord: posting it, showing answers in its thread, closing and reopening it."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Sequence
from typing import TYPE_CHECKING

import discord

from cogs.support.render import send_kwargs
from cogs.support.round_buttons import round_view
from cogs.support.summary_posts import post_summary
from roundtable.packs.excerpts import EMBED_TOTAL_MAX, Excerpt
from roundtable.rounds import closing_message
from storage.rounds import ResponseRecord, RoundRecord

if TYPE_CHECKING:
    from cogs.support.bot import RoundtableBot

log = logging.getLogger(__name__)

ECHO_QUESTION_CHARS = 80


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


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
        first = send_kwargs(specs[0])
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
            extra = send_kwargs(spec)
            if index == len(specs) - 1:
                extra["view"] = view
            sent = await thread.send(**extra)
            posts.append((thread.id, sent.id))
        return thread, posts
    sent_messages = []
    for index, spec in enumerate(specs):
        kwargs = send_kwargs(spec)
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


# -- closing --------------------------------------------------------------------------------


async def _step(problems: list[str], what: str, action: Awaitable[object]) -> None:
    """Run one Discord step; a refusal is noted for the moderator, not fatal to the rest."""
    try:
        await action
    except discord.HTTPException as exc:
        log.warning("Could not %s: %s", what, exc)
        problems.append(f"I could not {what} ({exc.text or exc.status})")


async def finish_on_discord(bot: RoundtableBot, record: RoundRecord) -> list[str]:
    """After a close or cancel: the closing message, the summary, disabled buttons, the thread
    locked or archived per /config. Returns what Discord refused, for the moderator."""
    problems: list[str] = []
    participation = await bot.rounds.participation(record)
    spec = closing_message(record, participation)
    settings = await bot.guild_config.get(record.guild_id)
    if record.thread_id:
        thread = bot.get_partial_messageable(record.thread_id, guild_id=record.guild_id)
        await _step(problems, "post the closing message", thread.send(**send_kwargs(spec)))
        if record.status == "closed":
            made = await bot.summaries.for_close(record)
            await _step(
                problems,
                "post the summary",
                post_summary(bot, record.thread_id, made.summary, made.discussion),
            )
    if record.posts:
        channel_id, message_id = record.posts[-1]
        channel = bot.get_partial_messageable(channel_id, guild_id=record.guild_id)
        message = channel.get_partial_message(message_id)
        await _step(
            problems, "disable the buttons", message.edit(view=round_view(record, closed=True))
        )
    if record.thread_id and settings.thread_on_close != "keep":
        locked = settings.thread_on_close == "lock"
        what = "lock the thread" if locked else "archive the thread"
        edit = bot.http.edit_channel(record.thread_id, archived=True, locked=locked)
        await _step(problems, what, edit)
    return problems


async def reopen_on_discord(bot: RoundtableBot, record: RoundRecord) -> list[str]:
    problems: list[str] = []
    if record.thread_id:
        unlock = bot.http.edit_channel(record.thread_id, archived=False, locked=False)
        await _step(problems, "reopen the thread", unlock)
        thread = bot.get_partial_messageable(record.thread_id, guild_id=record.guild_id)
        closes = (
            f" It now closes {discord.utils.format_dt(record.closes_at, 'F')}."
            if record.closes_at
            else ""
        )
        await _step(
            problems, "post in the thread", thread.send(f"Round {record.id} was reopened.{closes}")
        )
    if record.posts:
        channel_id, message_id = record.posts[-1]
        channel = bot.get_partial_messageable(channel_id, guild_id=record.guild_id)
        message = channel.get_partial_message(message_id)
        await _step(problems, "enable the buttons", message.edit(view=round_view(record)))
    return problems
