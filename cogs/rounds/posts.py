"""What a round shows on Discord: its post and thread, the closing message, its details.
(Members' answer cards and their own panel: cogs/rounds/cards.py.)"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import discord

from cogs.support import render
from roundtable.packs.excerpts import Excerpt, layout
from roundtable.packs.model import Pack
from roundtable.rounds import Participation, title_of
from roundtable.rounds.model import RoundRecord
from roundtable.text import clip, plural

if TYPE_CHECKING:
    pass

ECHO_QUESTION_CHARS = 80
HOW_TO = "Press **Respond** to answer the questions, pick a stance, and discuss in the thread."
NO_CONTENT_NOTE = (
    "Replies in the thread are not recorded on this server (the bot runs without the Message "
    "Content intent): use **Respond** to have your answers counted."
)
THREAD_EXISTS = 160004  # "A thread has already been created for this message"
ROUND_TAGS = ("round", "rounds", "reading", "discussion", "debate", "open")


def where(record: RoundRecord) -> str:
    return render.channel(record.thread_id or record.channel_id)


def status_text(record: RoundRecord) -> str:
    if record.is_open:
        if record.closes_at:
            return f"open, closes {render.timestamp(record.closes_at, 'R')}"
        return "open"
    if record.closed_at:
        return f"{record.status} {render.timestamp(record.closed_at, 'R')}"
    return record.status


def participation_text(p: Participation) -> str:
    return (
        f"{plural(p.members, 'member')}, {plural(p.answers, 'answer')}, "
        f"{plural(p.replies, 'reply', 'replies')}"
    )


def stance_lines(record: RoundRecord, p: Participation) -> list[str]:
    """ "Agree: 3 → 5 (+2)" for each of the round's stances; nothing when nobody took one."""
    shifts = p.shifts(record.stances)
    if not any(before or after for _, before, after in shifts):
        return []
    return [
        f"{label}: {before} → {after} ({'+' if after > before else ''}{after - before})"
        for label, before, after in shifts
    ]


# -- the round's post -------------------------------------------------------------------------


def excerpt(record: RoundRecord, pack: Pack, *, content_intent: bool) -> Excerpt:
    notes = [
        f"Closes {render.timestamp(record.closes_at)} ({render.timestamp(record.closes_at, 'R')})."
        if record.closes_at
        else "Open until a moderator closes it.",
        HOW_TO,
    ]
    if not content_intent:
        notes.append(f"-# {NO_CONTENT_NOTE}")
    return layout(pack, record.section_number, heading=title_of(record), notes=tuple(notes))


def missing_permissions(
    channel: discord.TextChannel | discord.ForumChannel, me: discord.Member, lock: bool
) -> list[str]:
    perms = channel.permissions_for(me)
    needed = {
        "View Channel": perms.view_channel,
        "Send Messages" if isinstance(channel, discord.TextChannel) else "Create Posts": (
            perms.send_messages
        ),
        "Embed Links": perms.embed_links,
        "Send Messages in Threads": perms.send_messages_in_threads,
    }
    if isinstance(channel, discord.TextChannel):
        needed["Create Public Threads"] = perms.create_public_threads
    if lock:
        needed["Manage Threads"] = perms.manage_threads
    return [name for name, ok in needed.items() if not ok]


def forum_tag(forum: discord.ForumChannel) -> discord.ForumTag | None:
    """The forum's tag for rounds: one named like a round or discussion, else the first."""
    for tag in forum.available_tags:
        if tag.name.casefold() in ROUND_TAGS:
            return tag
    return forum.available_tags[0] if forum.available_tags else None


async def post_round(
    channel: discord.TextChannel | discord.ForumChannel,
    excerpt: Excerpt,
    view: discord.ui.View,
    thread_name: str,
    *,
    nonce: str | None = None,
    already: Sequence[discord.Message] = (),
) -> tuple[discord.Thread, list[tuple[int, int]]]:
    """Post the excerpt, its buttons on the last message; the thread and (channel, message)s.

    With `nonce` (a scheduled round), each message carries `{nonce}.{n}` with enforce_nonce, so
    posting again after a crash returns the messages already sent instead of new ones, and a
    thread that already exists is found instead of made twice. `already` are the round's
    messages found in the channel (see `already_posted`): they are not sent again.
    """
    specs = list(excerpt.messages)
    posts: list[tuple[int, int]] = []

    def extra(index: int) -> dict[str, Any]:
        kwargs = render.send_kwargs(specs[index])
        if index == len(specs) - 1:
            kwargs["view"] = view
        if nonce is not None:
            kwargs["nonce"] = f"{nonce}.{index}"
        return kwargs

    if isinstance(channel, discord.ForumChannel):
        existing = (
            next(
                (
                    t
                    for t in channel.threads
                    if t.name == thread_name and t.owner_id == channel.guild.me.id
                ),
                None,
            )
            if nonce is not None
            else None
        )
        if existing is not None:
            thread = existing
            starter = await thread.fetch_message(thread.id)
            posts.append((thread.id, starter.id))
        else:
            first = render.send_kwargs(specs[0])
            if len(specs) == 1:
                first["view"] = view
            tag = forum_tag(channel)
            created = await channel.create_thread(
                name=thread_name,
                auto_archive_duration=10080,
                applied_tags=[tag] if tag else [],
                **first,
            )
            thread = created.thread
            posts.append((thread.id, created.message.id))
        for index in range(1, len(specs)):
            sent = await thread.send(**extra(index))
            posts.append((thread.id, sent.id))
        return thread, posts
    sent_messages = list(already[: len(specs)])
    for message in sent_messages:
        posts.append((channel.id, message.id))
    for index in range(len(sent_messages), len(specs)):
        sent_messages.append(await channel.send(**extra(index)))
        posts.append((channel.id, sent_messages[-1].id))
    try:
        thread = await sent_messages[0].create_thread(name=thread_name, auto_archive_duration=10080)
    except discord.HTTPException as exc:
        if exc.code != THREAD_EXISTS:
            raise
        # A thread started from a message has the message's id.
        found = channel.guild.get_thread(sent_messages[0].id)
        fetched = found or await channel.guild.fetch_channel(sent_messages[0].id)
        if not isinstance(fetched, discord.Thread):
            raise
        thread = fetched
    return thread, posts


async def already_posted(
    channel: discord.TextChannel, record: RoundRecord, count: int
) -> list[discord.Message]:
    """The round's messages in the channel, oldest first, when an earlier try posted some: the
    first is the bot's with the round's title; the bot's next ones follow it."""
    me = channel.guild.me
    prefix = f"Round {record.id} ·"
    first = None
    async for message in channel.history(limit=50):
        title = message.embeds[0].title if message.embeds else None
        if message.author.id == me.id and title and title.startswith(prefix):
            first = message  # history runs newest first: keep the oldest match
    if first is None:
        return []
    found = [first]
    async for message in channel.history(after=first, limit=count, oldest_first=True):
        if message.author.id == me.id and len(found) < count:
            found.append(message)
    return found


# -- closing and reopening --------------------------------------------------------------------


def closing_embed(record: RoundRecord, p: Participation) -> discord.Embed:
    """What the thread shows when a round closes (or is cancelled)."""
    if record.status == "cancelled":
        how = "cancelled by a moderator"
    else:
        how = "closed by a moderator" if record.closed_by else "closed at its deadline"
    lines = [f"{title_of(record)} was {how}.", "", f"**Participation:** {participation_text(p)}."]
    if p.opening:
        lines += ["", "**Stances, opening → closing:**", *stance_lines(record, p)]
    else:
        lines += ["", "Nobody took a stance."]
    title = "Round closed" if record.status == "closed" else "Round cancelled"
    return discord.Embed(title=title, description="\n".join(lines), colour=render.COLOUR)


def reopened_text(record: RoundRecord) -> str:
    closes = f" It now closes {render.timestamp(record.closes_at)}." if record.closes_at else ""
    return f"Round {record.id} was reopened.{closes}"


def details_embed(record: RoundRecord, p: Participation) -> discord.Embed:
    """/round show."""
    embed = discord.Embed(title=clip(title_of(record), 256), colour=render.COLOUR)
    embed.add_field(name="Where", value=where(record), inline=True)
    embed.add_field(name="Status", value=status_text(record), inline=True)
    if record.series_id is not None:
        embed.add_field(name="Series", value=f"{record.series_id} (/schedule show)", inline=True)
    embed.add_field(
        name="Started",
        value=f"{render.timestamp(record.opened_at)} by {render.user(record.opened_by)}",
        inline=False,
    )
    embed.add_field(name="Participation", value=participation_text(p), inline=False)
    label = "Stances, opening → now" if record.is_open else "Stances, opening → closing"
    nobody = "nobody yet" if record.is_open else "nobody took a stance"
    embed.add_field(name=label, value="\n".join(stance_lines(record, p)) or nobody, inline=False)
    return embed
