"""/schedule create|list|show|pause|resume|skip|edit|delete: rounds posted on a rhythm."""

from __future__ import annotations

from typing import Literal

import discord
from discord import app_commands

from cogs.series.posts import SeriesTimedWork
from cogs.support import autocomplete, render
from cogs.support.bot import RoundtableBot
from cogs.support.checks import ModeratorGroupCog
from cogs.support.confirm import Confirm, ask
from cogs.support.render import COLOUR, channel, fit_lines, listing, role, timestamp
from roundtable.errors import UserError
from roundtable.guild_config import suggest_timezones
from roundtable.series.model import SeriesRecord
from roundtable.series.service import Occurrence
from roundtable.text import clip

Interaction = discord.Interaction[RoundtableBot]
SERIES = "The series' number (start typing to search)"
CATCH_UP_TEXT = {
    "latest": "after downtime, post the latest missed occurrence only",
    "all": "after downtime, post every missed occurrence, in order",
    "none": "after downtime, skip what was missed",
}


def _minutes(minutes: int | None) -> str:
    if minutes is None:
        return "none"
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    parts = [f"{days}d" if days else "", f"{hours}h" if hours else "", f"{mins}m" if mins else ""]
    return " ".join(p for p in parts if p)


def upcoming_lines(upcoming: tuple[Occurrence, ...]) -> list[str]:
    return [
        f"{timestamp(o.at)} ({timestamp(o.at, 'R')}): section {o.section}, {clip(o.title, 60)}"
        for o in upcoming
    ] or ["No occurrence left: the series is finished."]


def series_embed(
    series: SeriesRecord, pack_title: str, upcoming: tuple[Occurrence, ...], *, title: str
) -> discord.Embed:
    when = f"{series.every} at {series.at.strftime('%H:%M')} {series.timezone}"
    status = series.status + (f" ({series.paused_reason})" if series.paused_reason else "")
    embed = discord.Embed(title=clip(title, 256), colour=COLOUR)
    embed.add_field(name="Pack", value=clip(pack_title, 1024), inline=True)
    embed.add_field(name="Channel", value=channel(series.channel_id), inline=True)
    embed.add_field(name="When", value=clip(when, 1024), inline=False)
    embed.add_field(
        name="Each round",
        value=(
            f"open for {_minutes(series.round_minutes)}, reminder "
            f"{_minutes(series.remind_minutes)} before it closes"
            + (f", pinging {role(series.ping_role_id)}" if series.ping_role_id else "")
            + ("; starts again at section 1 after the last" if series.loop else "")
        )
        if series.round_minutes
        else "open until a moderator closes it",
        inline=False,
    )
    embed.add_field(name="Catch-up", value=CATCH_UP_TEXT[series.catch_up], inline=False)
    embed.add_field(name="Status", value=clip(status, 1024), inline=False)
    embed.add_field(name="Next", value=fit_lines(upcoming_lines(upcoming), 1024), inline=False)
    return embed


class SeriesCog(
    ModeratorGroupCog, group_name="schedule", group_description="Rounds posted on a rhythm"
):
    def __init__(self, bot: RoundtableBot) -> None:
        super().__init__(bot)
        self.timed = SeriesTimedWork(bot)

    async def cog_load(self) -> None:
        self.timed.register()  # each occurrence's round, posted by the bot's one timer

    async def cog_unload(self) -> None:
        self.timed.unregister()

    @app_commands.command(name="create", description="Post a pack's sections as rounds on a rhythm")
    @app_commands.describe(
        pack="The reading pack; each occurrence posts its next section",
        channel="Where the rounds are posted (text or forum)",
        every="once, daily, weekly, mon,thu, every 2 weeks, or an RRULE",
        at="Local time of day, e.g. 19:00 or 7pm",
        timezone="IANA time zone, e.g. Europe/Berlin (default: the server's, from /config)",
        start="First date, e.g. 2026-03-31 (default: today)",
        round_length="How long each round stays open, e.g. 6d (default: until closed)",
        remind_before="Post a reminder this long before each round closes, e.g. 24h",
        from_section="The section the first occurrence posts (default: 1)",
        catch_up="After downtime: latest missed occurrence (default), all, or none",
        loop="Start again at section 1 after the last (default: the series ends)",
        ping_role="The one role a reminder may ping (default: nobody is pinged)",
    )
    async def create(
        self,
        interaction: Interaction,
        pack: str,
        channel: discord.TextChannel | discord.ForumChannel,
        every: app_commands.Range[str, 1, 200],
        at: app_commands.Range[str, 1, 20],
        timezone: str | None = None,
        start: str | None = None,
        round_length: str | None = None,
        remind_before: str | None = None,
        from_section: app_commands.Range[int, 1, 100] = 1,
        catch_up: Literal["latest", "all", "none"] = "latest",
        loop: bool = False,
        ping_role: discord.Role | None = None,
    ) -> None:
        assert interaction.guild_id is not None
        series = self.bot.series
        draft = await series.preview(
            interaction.guild_id,
            pack_slug=pack,
            channel_id=channel.id,
            every=every,
            at=at,
            timezone=timezone,
            start=start,
            round_length=round_length,
            remind_before=remind_before,
            from_section=from_section,
            catch_up=catch_up,
            loop=loop,
            ping_role_id=ping_role.id if ping_role else None,
            by=interaction.user.id,
        )
        new = draft.new
        preview = discord.Embed(
            title=clip(f"New series: {draft.pack_title}", 256),
            description=(
                f"In {channel.mention}, {new.every} at {new.at.strftime('%H:%M')} "
                f"{new.timezone}. The next occurrences:\n"
                + fit_lines(upcoming_lines(draft.upcoming), 3000)
            ),
            colour=COLOUR,
        )

        async def save(click: discord.Interaction) -> None:
            created = await series.create(draft)
            await click.response.edit_message(
                content=f"Created series {created.id}: the first round posts "
                f"{timestamp(draft.upcoming[0].at)}.",
                embed=None,
                view=None,
            )

        await interaction.response.send_message(
            embed=preview,
            view=Confirm(
                owner_id=interaction.user.id,
                on_confirm=save,
                confirm_label="Create series",
                cancelled="Nothing was scheduled.",
                origin=interaction,
            ),
            ephemeral=True,
        )

    @app_commands.command(name="list", description="This server's series")
    async def list_(self, interaction: Interaction) -> None:
        assert interaction.guild_id is not None
        found = await self.bot.series.of_guild(interaction.guild_id)
        lines = [
            f"**{s.id}.** {channel(s.channel_id)} · {s.every} at {s.at.strftime('%H:%M')} "
            f"{s.timezone} · {s.status}"
            + (f", next {timestamp(s.next_at, 'R')}" if s.next_at and s.status == "active" else "")
            for s in found
        ]
        embed = listing("Series", lines, "No series yet: /schedule create sets one up.")
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @app_commands.command(name="show", description="A series' settings and next occurrences")
    @app_commands.describe(series=SERIES)
    async def show(self, interaction: Interaction, series: int) -> None:
        await self._show(interaction, series, "Series {id}")

    async def _show(self, interaction: Interaction, series_id: int, title: str) -> None:
        assert interaction.guild_id is not None
        found = await self.bot.series.get(interaction.guild_id, series_id)
        pack_title, upcoming = await self.bot.series.upcoming(found)
        embed = series_embed(found, pack_title, upcoming, title=title.format(id=found.id))
        spread = await self.bot.progress.of_pack(interaction.guild_id, found.pack_id)
        if spread is not None:
            embed.add_field(
                name="Reading progress", value=render.spread_by_section(spread), inline=False
            )
        if interaction.response.is_done():
            await interaction.followup.send(embed=embed, ephemeral=True)
        else:
            await interaction.response.send_message(embed=embed, ephemeral=True)

    @app_commands.command(name="pause", description="Stop posting a series' rounds for now")
    @app_commands.describe(series=SERIES)
    async def pause(self, interaction: Interaction, series: int) -> None:
        assert interaction.guild_id is not None
        await self.bot.series.pause(interaction.guild_id, series)
        await self._show(interaction, series, "Paused series {id}")

    @app_commands.command(name="resume", description="Post a paused series' rounds again")
    @app_commands.describe(series=SERIES)
    async def resume(self, interaction: Interaction, series: int) -> None:
        assert interaction.guild_id is not None
        await self.bot.series.resume(interaction.guild_id, series)
        await self._show(interaction, series, "Resumed series {id}")

    @app_commands.command(name="skip", description="Skip a series' next occurrence")
    @app_commands.describe(series=SERIES)
    async def skip(self, interaction: Interaction, series: int) -> None:
        assert interaction.guild_id is not None
        _, skipped = await self.bot.series.skip(interaction.guild_id, series)
        await self._show(
            interaction, series, f"Series {{id}}: skipped {skipped:%Y-%m-%d %H:%M} UTC"
        )

    @app_commands.command(name="edit", description="Change a series' time, zone, length, reminder")
    @app_commands.describe(
        series=SERIES,
        at="New local time of day, e.g. 19:30",
        timezone="New IANA time zone",
        round_length="New length of each round, e.g. 6d",
        remind_before="New reminder before each round closes, e.g. 12h",
    )
    async def edit(
        self,
        interaction: Interaction,
        series: int,
        at: str | None = None,
        timezone: str | None = None,
        round_length: str | None = None,
        remind_before: str | None = None,
    ) -> None:
        assert interaction.guild_id is not None
        if not any((at, timezone, round_length, remind_before)):
            raise UserError("Nothing to change: give at, timezone, round_length or remind_before.")
        await self.bot.series.edit(
            interaction.guild_id,
            series,
            at=at,
            timezone=timezone,
            round_length=round_length,
            remind_before=remind_before,
        )
        await self._show(interaction, series, "Changed series {id}")

    @app_commands.command(name="delete", description="Delete a series (its posted rounds stay)")
    @app_commands.describe(series=SERIES)
    async def delete(self, interaction: Interaction, series: int) -> None:
        assert interaction.guild_id is not None
        guild_id = interaction.guild_id
        found = await self.bot.series.get(guild_id, series)

        async def remove(click: discord.Interaction) -> None:
            await self.bot.series.delete(guild_id, series)
            await click.response.edit_message(
                content=f"Deleted series {found.id}; its rounds stay.", view=None
            )

        await ask(
            interaction,
            f"Delete series {found.id} ({found.every} in {channel(found.channel_id)})? No more "
            "rounds are posted; the rounds already posted stay.",
            on_confirm=remove,
            confirm_label="Delete series",
            cancelled="Kept; nothing changed.",
            moderator=True,
        )

    async def _series_choices(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[int]]:
        if interaction.guild_id is None:
            return []
        words = str(current).casefold().split()
        choices = []
        for s in await self.bot.series.of_guild(interaction.guild_id):
            label = f"{s.id}. {s.every} at {s.at.strftime('%H:%M')} ({s.status})"
            if all(w in label.casefold() for w in words):
                choices.append(app_commands.Choice(name=clip(label, 100), value=s.id))
        return choices[:25]

    async def _zones(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=z, value=z) for z in suggest_timezones(current)]

    create.autocomplete("pack")(autocomplete.packs)
    create.autocomplete("timezone")(_zones)
    edit.autocomplete("timezone")(_zones)
    show.autocomplete("series")(_series_choices)
    pause.autocomplete("series")(_series_choices)
    resume.autocomplete("series")(_series_choices)
    skip.autocomplete("series")(_series_choices)
    edit.autocomplete("series")(_series_choices)
    delete.autocomplete("series")(_series_choices)
