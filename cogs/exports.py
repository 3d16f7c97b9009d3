"""/export: rounds, a pack's or a series' rounds, or the whole server, as a file (moderators)."""

from __future__ import annotations

import asyncio

import discord
from discord import app_commands
from discord.ext import commands

from cogs.support.bot import RoundtableBot
from cogs.support.checks import can_view, check_moderator, require_guild
from cogs.support.exports import deliver
from roundtable.text import clip

Interaction = discord.Interaction[RoundtableBot]

FORMATS = [
    app_commands.Choice(name="Markdown (.md), for a wiki", value="md"),
    app_commands.Choice(name="HTML, to share or print", value="html"),
    app_commands.Choice(name="CSV, for a spreadsheet", value="csv"),
    app_commands.Choice(name="JSON, for a data set", value="json"),
]
INCLUDES = [
    app_commands.Choice(name="everything (excerpt, answers, replies, stances, edits, summary)",
                        value="everything"),
    app_commands.Choice(name="answers (questions, answers and replies)", value="answers"),
    app_commands.Choice(name="summaries (each round's summary)", value="summaries"),
]  # fmt: skip


async def scopes(interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
    """The whole server, series, packs with rounds and rounds, matching what was typed."""
    if interaction.guild_id is None:
        return []
    bot, guild, typed = interaction.client, interaction.guild_id, str(current).strip().lower()
    choices = [app_commands.Choice(name="The whole server (all rounds)", value="server")]
    for series in await bot.series.of_guild(guild):
        choices.append(
            app_commands.Choice(
                name=f"Series {series.id} ({series.every})", value=f"series:{series.id}"
            )
        )
    for label, slug in await bot.packs.suggest_packs(guild, typed):
        choices.append(app_commands.Choice(name=clip(f"Pack: {label}", 100), value=f"pack:{slug}"))
    for r in await bot.rounds.suggest(guild, typed):
        if not can_view(interaction, r.channel_id):
            continue
        choices.append(
            app_commands.Choice(
                name=clip(f"Round {r.id} · {r.section_title} ({r.status})", 100),
                value=f"round:{r.id}",
            )
        )
    if typed:
        choices = [c for c in choices if typed in c.name.lower() or typed in c.value] or choices
    return choices[:25]


def _warm_up_html() -> None:
    """The writers' modules loaded and the HTML template compiled (in a worker thread)."""
    import roundtable.exports.writers.csv_writer
    import roundtable.exports.writers.json_writer
    import roundtable.exports.writers.markdown  # noqa: F401
    from roundtable.exports.writers.html import warm_up

    warm_up()


class ExportsCog(commands.Cog):
    def __init__(self, bot: RoundtableBot):
        self.bot = bot

    async def cog_load(self) -> None:
        # Compiling the HTML template holds the GIL for a tenth of a second: do it at start-up,
        # not in the middle of the first export while members are clicking; and import it in
        # the thread too (jinja2 and a first-run compile held the loop 0.2 s: the watchdog).
        await asyncio.to_thread(_warm_up_html)

    @app_commands.command(name="export", description="Export rounds and their summaries as a file")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.describe(
        scope="A round, a pack's rounds, a series, or the whole server (start typing)",
        format="Markdown, HTML, CSV or JSON",
        include="What to put in (default: everything)",
        anonymise="Replace every member's name with a pseudonym (default: no)",
        since="Only rounds opened on or after this day, YYYY-MM-DD (server time zone)",
        until="Only rounds opened on or before this day, YYYY-MM-DD",
        excel="CSV for Excel: byte-order mark, formulas and ids kept as text (default: yes; "
        "no gives plain RFC 4180 CSV)",
    )
    @app_commands.choices(format=FORMATS, include=INCLUDES)
    @app_commands.autocomplete(scope=scopes)
    async def export(
        self,
        interaction: Interaction,
        scope: str,
        format: str,
        include: str = "everything",
        anonymise: bool = False,
        since: str | None = None,
        until: str | None = None,
        excel: bool = True,
    ) -> None:
        await check_moderator(interaction)
        guild = require_guild(interaction)
        request = await self.bot.exports.request(
            guild.id,
            scope=scope,
            format=format,
            include=include,
            anonymise=anonymise,
            bom=excel,
            since=since,
            until=until,
            server_name=guild.name,
        )
        await interaction.response.defer(ephemeral=True, thinking=True)
        await deliver(interaction, request)


async def setup(bot: RoundtableBot) -> None:
    await bot.add_cog(ExportsCog(bot))
