"""/round start|close|list|show|cancel|reopen: moderators run discussion rounds."""

from __future__ import annotations

import logging
from collections.abc import Callable

import discord
from discord import app_commands

from cogs.rounds.buttons import DYNAMIC_ITEMS, round_view
from cogs.rounds.closing import Closer, reopen_on_discord
from cogs.rounds.posts import (
    NO_CONTENT_NOTE,
    details_embed,
    excerpt,
    missing_permissions,
    post_round,
    status_text,
    where,
)
from cogs.rounds.reading import ThreadReading
from cogs.rounds.timed import RoundTimedWork
from cogs.support import autocomplete, render
from cogs.support.bot import RoundtableBot
from cogs.support.checks import ModeratorGroupCog
from cogs.support.confirm import ask
from cogs.support.in_flight import TrackedView
from cogs.support.render import COLOUR, fit_lines, timestamp
from roundtable.errors import UserError
from roundtable.rounds import ClosePlan, title_of
from roundtable.rounds import thread_name as make_thread_name

log = logging.getLogger(__name__)
Interaction = discord.Interaction[RoundtableBot]
PAGE = 10


def _problems(problems: list[str]) -> str:
    return "".join(f"\n{p}." for p in problems)


class RoundPages(TrackedView):
    """Previous / Next through /round list, for the moderator who asked."""

    def __init__(self, bot: RoundtableBot, guild_id: int, owner_id: int, total: int) -> None:
        super().__init__(timeout=600)
        self.bot, self.guild_id, self.owner_id, self.total = bot, guild_id, owner_id, total
        self.page = 0
        self._sync_buttons()

    def _sync_buttons(self) -> None:
        self.previous.disabled = self.page == 0
        self.next.disabled = (self.page + 1) * PAGE >= self.total

    async def embed(self) -> discord.Embed:
        records = await self.bot.rounds.page(self.guild_id, page=self.page, size=PAGE)
        lines = [
            f"**{r.id}. {r.section_title}** · {where(r)} · {status_text(r)}"
            + (f" · series {r.series_id}" if r.series_id is not None else "")
            for r in records
        ]
        pages = max(1, -(-self.total // PAGE))
        embed = discord.Embed(
            title="Rounds",
            description=fit_lines(lines, 4096) or "No rounds yet: /round start runs one.",
            colour=COLOUR,
        )
        embed.set_footer(text=f"Page {self.page + 1} of {pages} · open rounds first")
        return embed

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        return interaction.user.id == self.owner_id and await super().interaction_check(interaction)

    async def _turn(self, interaction: discord.Interaction, step: int) -> None:
        self.page += step
        self._sync_buttons()
        await interaction.response.edit_message(embed=await self.embed(), view=self)

    @discord.ui.button(label="Previous", style=discord.ButtonStyle.secondary)
    async def previous(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        await self._turn(interaction, -1)

    @discord.ui.button(label="Next", style=discord.ButtonStyle.secondary)
    async def next(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        await self._turn(interaction, 1)


ROUND = "The round's number (start typing to search)"


class RoundsCog(ModeratorGroupCog, group_name="round", group_description="Discussion rounds"):
    def __init__(self, bot: RoundtableBot):
        super().__init__(bot)
        self.closer = Closer(bot)
        self.reading = ThreadReading(bot)  # what threads got while the bot was away
        self.timed = RoundTimedWork(bot, self.closer, self.reading)
        self._unhook: Callable[[], None] | None = None

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(*DYNAMIC_ITEMS)  # round buttons work across restarts
        self.timed.register()  # closes, deadlines and reminders, in the bot's one timer
        self._unhook = self.bot.rounds.before_close(self.reading.before_close)

    async def cog_unload(self) -> None:
        self.timed.unregister()
        if self._unhook is not None:
            self._unhook()
        await self.reading.stop()
        self.bot.remove_dynamic_items(*DYNAMIC_ITEMS)

    @app_commands.command(name="start", description="Post a section with its questions")
    @app_commands.describe(
        pack="The reading pack",
        section="Which section to discuss",
        channel="Where to post (default: the server's channel from /config)",
        closes_in="When the round closes, e.g. 2h, 1d 12h, 1w (default: when you close it)",
        thread_name="The discussion thread's name (default: Round N · section title)",
    )
    async def start(
        self,
        interaction: Interaction,
        pack: str,
        section: app_commands.Range[int, 1, 100],
        channel: discord.TextChannel | discord.ForumChannel | None = None,
        closes_in: str | None = None,
        thread_name: app_commands.Range[str, 1, 100] | None = None,
    ) -> None:
        assert interaction.guild is not None
        guild = interaction.guild
        settings = await self.bot.guild_config.get(guild.id)
        target = channel or guild.get_channel(settings.discussion_channel_id or 0)
        if not isinstance(target, discord.TextChannel | discord.ForumChannel):
            raise UserError(
                "Say where to post: give the channel option, or set a default channel with "
                "/config set channel."
            )
        lacking = missing_permissions(target, guild.me, settings.thread_on_close == "lock")
        if lacking:
            raise UserError(
                f"I can't run a round in {target.mention}: I need {', '.join(lacking)} there."
            )
        rounds = self.bot.rounds
        record, loaded = await rounds.reserve(
            guild.id,
            pack_slug=pack,
            section=section,
            channel_id=target.id,
            closes_in=closes_in,
            by=interaction.user.id,
        )
        await interaction.response.defer(ephemeral=True, thinking=True)
        content_intent = self.bot.settings.message_content_intent
        layout = excerpt(record, loaded, content_intent=content_intent)
        name = make_thread_name(record, thread_name)
        try:
            thread, posts = await post_round(target, layout, round_view(record), name)
        except discord.HTTPException as exc:
            await rounds.discard(record)
            raise UserError(
                f"Discord refused the round's messages in {target.mention} "
                f"({exc.text or exc.status}); nothing was started."
            ) from exc
        record = await rounds.posted(record, thread_id=thread.id, posts=posts)
        closes = f" It closes {timestamp(record.closes_at)}." if record.closes_at else ""
        note = ""
        if not content_intent and await rounds.is_first(guild.id):
            note = f"\n-# {NO_CONTENT_NOTE}"
        await interaction.followup.send(
            f"Started **{title_of(record)}** in {thread.mention}.{closes}{note}", ephemeral=True
        )

    @app_commands.command(name="close", description="Close a round now")
    @app_commands.describe(round=ROUND)
    async def close(self, interaction: Interaction, round: int) -> None:
        assert interaction.guild_id is not None
        self.timed.release(round)  # held after failed closes: this try is the moderator's
        with self.closer.claim(round):
            # Acknowledged first: the close waits for the replies sent before it to be stored.
            await interaction.response.defer(ephemeral=True, thinking=True)
            plan = await self.bot.rounds.close(interaction.guild_id, round, by=interaction.user.id)
            self.bot.in_flight.if_cut_short(
                interaction,
                f"Closed **{title_of(plan.record)}**; Roundtable had to restart before the rest "
                "of the closing (its summary, buttons and thread) was done, and finishes it as "
                "soon as it is back.",
            )
            problems = await self.closer.carry_out(plan)
        done = "Finished closing" if plan.resumed else "Closed"
        await interaction.followup.send(
            f"{done} **{title_of(plan.record)}**.{_problems(problems)}", ephemeral=True
        )

    @app_commands.command(name="list", description="Open and recent rounds")
    async def list_(self, interaction: Interaction) -> None:
        assert interaction.guild_id is not None
        # Acknowledged first: the two reads below would each wait for a turn of the event
        # loop, which during a burst of replies comes after the gateway's backlog.
        await interaction.response.defer(ephemeral=True, thinking=True)
        total = await self.bot.rounds.count(interaction.guild_id)
        pages = RoundPages(self.bot, interaction.guild_id, interaction.user.id, total)
        await interaction.followup.send(embed=await pages.embed(), view=pages, ephemeral=True)

    @app_commands.command(name="show", description="A round's details and participation")
    @app_commands.describe(round=ROUND)
    async def show(self, interaction: Interaction, round: int) -> None:
        assert interaction.guild_id is not None
        record = await self.bot.rounds.get(interaction.guild_id, round)
        participation = await self.bot.rounds.participation(record)
        embed = details_embed(record, participation)
        spread = await self.bot.progress.of_pack(interaction.guild_id, record.pack_id)
        if spread is not None:
            embed.add_field(
                name="Reading progress",
                value=render.spread_line(spread, record.section_number),
                inline=False,
            )
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @app_commands.command(name="cancel", description="Cancel an open round (after confirming)")
    @app_commands.describe(round=ROUND)
    async def cancel(self, interaction: Interaction, round: int) -> None:
        assert interaction.guild_id is not None
        guild_id = interaction.guild_id
        record = await self.bot.rounds.open_round(guild_id, round)

        async def do_cancel(click: discord.Interaction) -> None:
            with self.closer.claim(round):
                await click.response.defer()  # the cancel waits for replies being stored
                plan: ClosePlan = await self.bot.rounds.cancel(guild_id, round, by=click.user.id)
                problems = await self.closer.carry_out(plan)
            await click.edit_original_response(
                content=f"Cancelled **{title_of(plan.record)}**.{_problems(problems)}", view=None
            )

        await ask(
            interaction,
            f"Cancel **{title_of(record)}**? Its thread is closed and it gets no summary; "
            "what members wrote is kept.",
            on_confirm=do_cancel,
            confirm_label="Cancel round",
            cancelled="Kept open; nothing changed.",
            moderator=True,
        )

    @app_commands.command(name="reopen", description="Reopen a closed or cancelled round")
    @app_commands.describe(
        round=ROUND, closes_in="When it closes again, e.g. 1d (default: when you close it)"
    )
    async def reopen(
        self, interaction: Interaction, round: int, closes_in: str | None = None
    ) -> None:
        assert interaction.guild_id is not None
        record = await self.bot.rounds.reopen(interaction.guild_id, round, closes_in=closes_in)
        await interaction.response.defer(ephemeral=True, thinking=True)
        problems = await reopen_on_discord(self.bot, record)
        await interaction.followup.send(
            f"Reopened **{title_of(record)}**.{_problems(problems)}", ephemeral=True
        )

    start.autocomplete("pack")(autocomplete.packs)
    start.autocomplete("section")(autocomplete.sections)
    start.autocomplete("closes_in")(autocomplete.durations)
    reopen.autocomplete("closes_in")(autocomplete.durations)
    close.autocomplete("round")(autocomplete.rounds)
    show.autocomplete("round")(autocomplete.rounds)
    cancel.autocomplete("round")(autocomplete.rounds)
    reopen.autocomplete("round")(autocomplete.rounds)
