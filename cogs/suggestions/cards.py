"""How a suggestion looks on Discord: its card (the suggestions channel, one message each), the
private lists of /suggestions list and review, and their buttons. Buttons are DynamicItems
whose custom_id carries the suggestion id (rt1:sg:<action>:<id>), so cards keep working after
a restart; every click is checked again (the suggestion must be this server's, moderator
actions need a moderator)."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Self

import discord

from cogs.rounds.buttons import RespondButton
from cogs.support.checks import check_moderator
from cogs.support.in_flight import admitted
from cogs.support.render import inert, timestamp
from cogs.support.threads import unarchived
from cogs.support.tree import report_error
from roundtable.errors import UserError
from roundtable.packs.model import MAX_QUESTION_CHARS
from roundtable.suggestions.model import Approved, Suggestion
from roundtable.suggestions.service import MIN_CHARS, REASON_MAX
from roundtable.text import clip, plural

if TYPE_CHECKING:
    from cogs.support.bot import RoundtableBot

log = logging.getLogger(__name__)

PAGE = 5  # suggestions per private list: an embed and a row of buttons each
# Buttons are DynamicItems, which work after their view expires; the timeout only keeps
# discord.py's view store from keeping every card and list for ever.
VIEW_SECONDS = 900
MAX_ID = 2**53  # larger ids are forged


def custom_id(action: str, suggestion_id: int) -> str:
    return f"rt1:sg:{action}:{suggestion_id}"


async def credit(bot: RoundtableBot, s: Suggestion) -> str:
    """Who suggested it, as members may see: their name, unless their privacy choice keeps
    them out of exports or anonymous there ("a member")."""
    choice = await bot.privacy.get(s.guild_id, s.user_id)
    return s.name if choice.exports == "named" and s.name else "a member"


def _status(s: Suggestion) -> str:
    if s.status == "approved":
        if s.added_as:
            return f"Approved: question {s.added_as} of round {s.round_id}"
        return "Approved: it joins the section's next rounds"
    if s.status == "rejected":
        return "Not taken"
    return "Waiting for a moderator"


async def card_embed(
    bot: RoundtableBot, s: Suggestion, *, where: str, for_moderators: bool = False
) -> discord.Embed:
    colour = {"approved": discord.Colour.green(), "rejected": discord.Colour.light_grey()}
    embed = discord.Embed(
        title=f"Suggested question {s.id}",
        description=inert(s.text),
        colour=colour.get(s.status, discord.Colour.blurple()),
    )
    embed.add_field(name="For", value=inert(where), inline=False)
    who = (
        f"<@{s.user_id}> ({inert(s.name or 'no name')})"
        if for_moderators
        else inert(await credit(bot, s))
    )
    embed.add_field(name="Suggested by", value=who, inline=True)
    embed.add_field(name="Votes", value=str(s.votes), inline=True)
    embed.add_field(name="Status", value=_status(s), inline=False)
    embed.timestamp = s.created_at
    return embed


def card_view(s: Suggestion) -> discord.ui.View | None:
    """Up-vote for members, Approve / Edit / Reject for moderators; none once decided."""
    if not s.pending:
        return None
    view = discord.ui.View(timeout=VIEW_SECONDS)
    view.add_item(VoteButton(s.id, s.votes))
    view.add_item(ApproveButton(s.id))
    view.add_item(EditButton(s.id))
    view.add_item(RejectButton(s.id))
    return view


async def list_message(bot: RoundtableBot, guild_id: int, *, review: bool) -> dict[str, Any]:
    """The private list: the pending suggestions with the most votes, with their buttons
    (review: the moderator's; else up-votes)."""
    found, pending = await bot.suggestions.queue(guild_id, size=PAGE)
    if not found:
        return {
            "content": "No suggested questions are waiting."
            + ("" if review else " Suggest one with /suggest."),
            "embeds": [],
            "view": None,
        }
    embeds = [
        await card_embed(bot, s, where=await bot.suggestions.where(s), for_moderators=review)
        for s in found
    ]
    view = discord.ui.View(timeout=VIEW_SECONDS)
    for row, s in enumerate(found):
        if review:
            for item in (ApproveButton(s.id), EditButton(s.id), RejectButton(s.id)):
                item.row = row
                view.add_item(item)
        else:
            view.add_item(VoteButton(s.id, s.votes, numbered=True))
    more = pending - len(found)
    head = f"{plural(pending, 'suggested question')} waiting, most votes first"
    head += f" ({more} more after these)." if more > 0 else "."
    if not review:
        head += " 👍 votes for one (again takes it back)."
    return {"content": head, "embeds": embeds, "view": view}


async def refresh_card(bot: RoundtableBot, s: Suggestion) -> None:
    """Show the suggestion's new state on its card in the suggestions channel, if it has one."""
    if s.card is None:
        return
    channel_id, message_id = s.card
    message = bot.get_partial_messageable(channel_id).get_partial_message(message_id)
    try:
        await message.edit(
            embed=await card_embed(bot, s, where=await bot.suggestions.where(s)),
            view=card_view(s),
        )
    except discord.HTTPException as exc:  # deleted, or the channel is out of the bot's reach
        log.warning("Could not update the card of suggestion %s: %s", s.id, exc)


async def tell_author(bot: RoundtableBot, s: Suggestion, text: str) -> None:
    """A direct message to the member who suggested it; a member whose DMs are closed reads
    the outcome in /suggestions mine."""
    try:
        user = bot.get_user(s.user_id) or await bot.fetch_user(s.user_id)
        await user.send(text)
    except discord.HTTPException as exc:
        log.info("Could not tell member %s about suggestion %s: %s", s.user_id, s.id, exc)


async def _after(
    interaction: discord.Interaction[RoundtableBot], s: Suggestion, *, review: bool
) -> None:
    """Answer the click or form by showing the new state where it was made: the card in the
    suggestions channel, or the private list; the card is brought up to date either way."""
    bot = interaction.client
    message = interaction.message
    on_card = message is not None and s.card is not None and message.id == s.card[1]
    if on_card:
        await interaction.response.edit_message(
            embed=await card_embed(bot, s, where=await bot.suggestions.where(s)),
            view=card_view(s),
        )
        return
    assert interaction.guild_id is not None
    await interaction.response.edit_message(
        **await list_message(bot, interaction.guild_id, review=review)
    )
    await refresh_card(bot, s)


# -- buttons ------------------------------------------------------------------------------------


class SuggestionButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"rt1:sg:never"):
    action: ClassVar[str] = ""
    moderators: ClassVar[bool] = True

    def __init__(self, suggestion_id: int, button: discord.ui.Button[Any] | None = None) -> None:
        super().__init__(
            button or discord.ui.Button(custom_id=custom_id(self.action, suggestion_id))
        )
        self.suggestion_id = suggestion_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> Self:
        return cls(int(match["id"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        if not await admitted(interaction):
            return
        try:
            if interaction.guild_id is None or not 0 < self.suggestion_id <= MAX_ID:
                raise UserError("This is not a button of a suggestion on this server.")
            if self.moderators:
                await check_moderator(interaction)
            await self.handle(interaction, interaction.guild_id)
        except Exception as exc:
            await report_error(interaction, exc)

    async def handle(self, interaction: discord.Interaction[RoundtableBot], guild_id: int) -> None:
        raise UserError("This button does nothing.")


class VoteButton(SuggestionButton, template=r"rt1:sg:vote:(?P<id>\d+)"):
    action, moderators = "vote", False

    def __init__(self, suggestion_id: int, votes: int = 0, *, numbered: bool = False) -> None:
        label = f"{suggestion_id}: {votes}" if numbered else str(votes)
        super().__init__(
            suggestion_id,
            discord.ui.Button(
                label=label, emoji="👍", style=discord.ButtonStyle.secondary,
                custom_id=custom_id("vote", suggestion_id),
            ),
        )  # fmt: skip

    async def handle(self, interaction: discord.Interaction[RoundtableBot], guild_id: int) -> None:
        voted = await interaction.client.suggestions.vote(
            guild_id, self.suggestion_id, interaction.user.id
        )
        await _after(interaction, voted, review=False)


class ApproveButton(SuggestionButton, template=r"rt1:sg:approve:(?P<id>\d+)"):
    action = "approve"

    def __init__(self, suggestion_id: int) -> None:
        super().__init__(
            suggestion_id,
            discord.ui.Button(
                label=f"Approve {suggestion_id}", style=discord.ButtonStyle.success,
                custom_id=custom_id("approve", suggestion_id),
            ),
        )  # fmt: skip

    async def handle(self, interaction: discord.Interaction[RoundtableBot], guild_id: int) -> None:
        bot = interaction.client
        approved = await bot.suggestions.approve(
            guild_id, self.suggestion_id, by=interaction.user.id
        )
        await _after(interaction, approved.suggestion, review=True)
        await announce(bot, approved)


class EditButton(SuggestionButton, template=r"rt1:sg:edit:(?P<id>\d+)"):
    action = "edit"

    def __init__(self, suggestion_id: int) -> None:
        super().__init__(
            suggestion_id,
            discord.ui.Button(
                label="Edit", style=discord.ButtonStyle.secondary,
                custom_id=custom_id("edit", suggestion_id),
            ),
        )  # fmt: skip

    async def handle(self, interaction: discord.Interaction[RoundtableBot], guild_id: int) -> None:
        found = await interaction.client.suggestions.get(guild_id, self.suggestion_id)
        if not found.pending:
            raise UserError(f"Suggestion {found.id} was {found.status} already.")
        await interaction.response.send_modal(EditForm(found))


class RejectButton(SuggestionButton, template=r"rt1:sg:reject:(?P<id>\d+)"):
    action = "reject"

    def __init__(self, suggestion_id: int) -> None:
        super().__init__(
            suggestion_id,
            discord.ui.Button(
                label="Reject", style=discord.ButtonStyle.danger,
                custom_id=custom_id("reject", suggestion_id),
            ),
        )  # fmt: skip

    async def handle(self, interaction: discord.Interaction[RoundtableBot], guild_id: int) -> None:
        found = await interaction.client.suggestions.get(guild_id, self.suggestion_id)
        if not found.pending:
            raise UserError(f"Suggestion {found.id} was {found.status} already.")
        await interaction.response.send_modal(RejectForm(found))


DYNAMIC_ITEMS: Sequence[type[discord.ui.DynamicItem[Any]]] = (
    VoteButton, ApproveButton, EditButton, RejectButton,
)  # fmt: skip


# -- forms --------------------------------------------------------------------------------------


class _Form(discord.ui.Modal):
    async def interaction_check(self, interaction: discord.Interaction[Any], /) -> bool:
        if not await admitted(interaction):
            return False
        await check_moderator(interaction)  # still a moderator when submitting
        return True

    async def on_error(  # type: ignore[override]  # a Modal's has no item
        self, interaction: discord.Interaction[Any], error: Exception, /
    ) -> None:
        await report_error(interaction, error)


class EditForm(_Form):
    def __init__(self, s: Suggestion) -> None:
        super().__init__(title=clip(f"Edit suggested question {s.id}", 45), timeout=900)
        self.suggestion_id = s.id
        self.text: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="Question", custom_id="text", style=discord.TextStyle.long, default=s.text,
            min_length=MIN_CHARS, max_length=MAX_QUESTION_CHARS,
        )  # fmt: skip
        self.add_item(self.text)

    async def on_submit(self, interaction: discord.Interaction[Any], /) -> None:
        assert interaction.guild_id is not None
        edited = await interaction.client.suggestions.edit(
            interaction.guild_id, self.suggestion_id, self.text.value
        )
        await _after(interaction, edited, review=True)


class RejectForm(_Form):
    def __init__(self, s: Suggestion) -> None:
        super().__init__(title=clip(f"Reject suggested question {s.id}", 45), timeout=900)
        self.suggestion_id = s.id
        self.reason: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="Reason (only its author sees it)", custom_id="reason",
            style=discord.TextStyle.long,
            required=False, max_length=REASON_MAX,
        )  # fmt: skip
        self.add_item(self.reason)

    async def on_submit(self, interaction: discord.Interaction[Any], /) -> None:
        assert interaction.guild_id is not None
        bot: RoundtableBot = interaction.client
        rejected = await bot.suggestions.reject(
            interaction.guild_id, self.suggestion_id, by=interaction.user.id,
            reason=self.reason.value,
        )  # fmt: skip
        await _after(interaction, rejected, review=True)
        why = f" The moderator's reason: {inert(rejected.reason)}" if rejected.reason else ""
        await tell_author(
            bot,
            rejected,
            f"Your suggested question was not taken: “{inert(clip(rejected.text, 200))}”.{why}",
        )


# -- an approved question reaches members --------------------------------------------------------


def follow_up_text(number: int, by: str, text: str) -> str:
    return (
        f"**Follow-up question {number}**, suggested by {inert(by)}:\n> {inert(text)}\n"
        "Answer it with **Respond**."
    )


async def uncredit(bot: RoundtableBot, follow_ups: Sequence[tuple[int, int, int, str]]) -> None:
    """After /forget: the follow-up questions a member suggested stay the round's questions,
    without their name (a closed round's thread is unarchived for the edit, then archived)."""
    for thread_id, message_id, number, text in follow_ups:
        message = bot.get_partial_messageable(thread_id).get_partial_message(message_id)
        try:
            async with unarchived(bot, thread_id):
                await message.edit(content=follow_up_text(number, "a member", text))
        except discord.HTTPException as exc:
            log.warning("Could not take the name off follow-up %s: %s", message_id, exc)


async def announce(bot: RoundtableBot, approved: Approved) -> None:
    """A follow-up question in its round's thread (with Respond), and a word to its author."""
    s = approved.suggestion
    where = await bot.suggestions.where(s)
    if approved.number is not None and approved.thread_id is not None:
        view = discord.ui.View(timeout=VIEW_SECONDS)
        view.add_item(RespondButton(s.round_id or 0))  # the round's own, by its custom_id
        thread = bot.get_partial_messageable(approved.thread_id)
        try:
            posted = await thread.send(
                follow_up_text(approved.number, await credit(bot, s), s.text), view=view
            )
            await bot.suggestions.follow_up_posted(s, approved.thread_id, posted.id)
        except discord.HTTPException as exc:
            log.warning("Could not post suggestion %s in round %s: %s", s.id, s.round_id, exc)
        told = f"it is now question {approved.number} of round {s.round_id}"
    elif approved.full:
        told = (
            "its round already had the most questions a round can have, so it joins the "
            "next rounds of the section"
        )
    else:
        told = "it joins the next rounds of the section"
    text = inert(clip(s.text, 200))
    await tell_author(
        bot, s, f"Your suggested question for {inert(where)} was approved ({told}): “{text}”"
    )


def mine_embed(found: Sequence[tuple[Suggestion, str]]) -> discord.Embed:
    embed = discord.Embed(title="Your suggested questions", colour=discord.Colour.blurple())
    if not found:
        embed.description = "You have not suggested any question here yet: /suggest does."
        return embed
    for s, where in found:
        lines = [inert(clip(s.text, 300)), f"For {inert(where)} · {timestamp(s.created_at, 'R')}"]
        lines.append(f"{_status(s)} · {plural(s.votes, 'vote')}")
        if s.status == "rejected" and s.reason:
            lines.append(f"Reason: {inert(s.reason)}")
        embed.add_field(name=f"Suggestion {s.id}", value=clip("\n".join(lines), 1024), inline=False)
    return embed
