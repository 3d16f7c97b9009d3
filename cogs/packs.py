"""/pack import|list|show|preview|export|remove: the reading packs a guild can run rounds on."""

from __future__ import annotations

import io

import discord
from discord import app_commands

from cogs.support import autocomplete, render
from cogs.support.bot import RoundtableBot
from cogs.support.checks import ModeratorGroupCog
from cogs.support.confirm import Confirm, ask
from cogs.support.render import COLOUR, fit_lines, listing, send_layout
from cogs.support.uploads import read_limited, too_big
from roundtable.errors import UserError
from roundtable.packs.excerpts import layout
from roundtable.packs.library import ImportPreview, describe
from roundtable.packs.readers.detect import max_bytes
from roundtable.text import plural

Interaction = discord.Interaction[RoundtableBot]
PREVIEW_NOTE = "*Preview: only you can see this. A round posts these messages in its channel.*"


def import_embed(preview: ImportPreview) -> discord.Embed:
    pack = preview.pack
    by = ", ".join(f"{n} by {who}" for who, n in preview.written_by.items() if n)
    written = (
        f" {plural(preview.generated_questions, 'question')} were written ({by}) for sections "
        "that had fewer than two."
        if preview.generated_questions
        else ""
    )
    summary = (
        f"Found {plural(len(pack.sections), 'section')} ({preview.found_by}).{written} "
        "Nothing is saved until you press **Save pack**. The attached file is the whole pack: "
        "to change anything, edit it and import it again."
    )
    lines = [
        f"**{s.number}. {s.title}**: {s.chars:,} characters, {plural(s.parts, 'part')}, "
        f"{plural(len(s.questions), 'question')}"
        for s in preview.sections
    ]
    embed = discord.Embed(
        title=f"Import preview: {pack.title}"[:256],
        description=f"{summary}\n\n{fit_lines(lines, 4096 - len(summary) - 2)}",
        colour=COLOUR,
    )
    if preview.split:
        split = [f"• {item}" for item in preview.split]
        embed.add_field(
            name="Split: too long for one round", value=fit_lines(split, 1024), inline=False
        )
    if preview.joined:
        joined = [f"• {item}" for item in preview.joined]
        embed.add_field(
            name="Joined: short sections in one round", value=fit_lines(joined, 1024), inline=False
        )
    if preview.left_out:
        left = [f"• {item}" for item in preview.left_out]
        embed.add_field(name="Left out (check these)", value=fit_lines(left, 1024), inline=False)
    first = pack.sections[0]
    questions = [f"{n}. {q}" for n, q in enumerate(first.questions, start=1)]
    embed.add_field(
        name=f"Questions for “{first.title}”"[:256], value=fit_lines(questions, 1024), inline=False
    )
    return embed


def pack_file(name: str, body: str) -> discord.File:
    return discord.File(io.BytesIO(body.encode("utf-8")), filename=name)


PACK = "The reading pack (start typing to search)"


class PacksCog(ModeratorGroupCog, group_name="pack", group_description="Reading packs"):
    @app_commands.command(name="import", description="Import a text or pack file as a pack")
    @app_commands.describe(
        file="A text, Markdown, reStructuredText, web page (.html), PDF, EPUB or pack file",
        title="The pack's title (default: from the text or the file name)",
    )
    async def import_(
        self,
        interaction: Interaction,
        file: discord.Attachment,
        title: app_commands.Range[str, 1, 200] | None = None,
    ) -> None:
        limit = max_bytes(file.filename)
        if file.size > limit:
            raise too_big(file.filename, file.size, limit)
        await interaction.response.defer(ephemeral=True, thinking=True)
        data = await read_limited(file, limit)
        preview = await self.bot.packs.preview_import(
            data, filename=file.filename, title=title, guild_id=interaction.guild_id
        )

        async def save(click: discord.Interaction) -> None:
            assert interaction.guild_id is not None
            record = await self.bot.packs.save(interaction.guild_id, preview, by=click.user.id)
            await click.response.edit_message(
                content=(
                    f"Saved **{record.title}** (`{record.slug}`), "
                    f"{plural(record.sections, 'section')}. Try `/pack preview`."
                ),
                embeds=[],
                attachments=[],
                view=None,
            )

        view = Confirm(
            owner_id=interaction.user.id,
            on_confirm=save,
            confirm_label="Save pack",
            cancelled="Import cancelled; nothing was saved.",
            origin=interaction,
        )
        await interaction.followup.send(
            embed=import_embed(preview),
            file=pack_file(f"{preview.pack.slug}.md", preview.body),
            view=view,
            ephemeral=True,
        )

    @app_commands.command(name="list", description="The packs this server can use")
    async def list_(self, interaction: Interaction) -> None:
        assert interaction.guild_id is not None
        records = await self.bot.packs.visible(interaction.guild_id)
        lines = [
            f"**{r.title}** (`{r.slug}`): {plural(r.sections, 'section')}, "
            + ("ships with Roundtable" if r.shipped else f"added by <@{r.created_by}>")
            for r in records
        ]
        embed = listing("Reading packs", lines, "No packs yet: /pack import adds one.")
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @app_commands.command(name="show", description="A pack's details and sections")
    @app_commands.describe(pack=PACK)
    async def show(self, interaction: Interaction, pack: str) -> None:
        assert interaction.guild_id is not None
        record, loaded = await self.bot.packs.load(interaction.guild_id, pack)
        lines = [
            f"**{s.number}. {s.title}**: {s.chars:,} characters, {plural(s.parts, 'part')}, "
            f"{plural(len(s.questions), 'question')}"
            for s in describe(loaded)
        ]
        embed = discord.Embed(
            title=loaded.title[:256], description=fit_lines(lines, 4096), colour=COLOUR
        )
        for name, value in (
            ("Author", loaded.author),
            ("Source", loaded.source),
            ("Date", loaded.date),
            ("Licence", loaded.licence),
            ("Stances", ", ".join(loaded.stances)),
        ):
            if value:
                embed.add_field(name=name, value=value[:1024], inline=False)
        if record.shipped:
            embed.set_footer(text=f"key {record.slug} · ships with Roundtable")
        else:
            added_by = render.user(record.created_by) if record.created_by else "unknown"
            embed.add_field(name="Added by", value=added_by, inline=False)
            embed.set_footer(text=f"key {record.slug} · added {record.created_at:%Y-%m-%d}")
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @app_commands.command(name="preview", description="See a section exactly as a round posts it")
    @app_commands.describe(pack=PACK, section="Which section to show")
    async def preview(
        self, interaction: Interaction, pack: str, section: app_commands.Range[int, 1, 100]
    ) -> None:
        assert interaction.guild_id is not None
        _, loaded = await self.bot.packs.section(interaction.guild_id, pack, section)
        excerpt = layout(loaded, section, notes=(PREVIEW_NOTE,))
        await send_layout(interaction, excerpt.messages, ephemeral=True)

    @app_commands.command(name="export", description="Download a pack as an editable file")
    @app_commands.describe(pack=PACK)
    async def export(self, interaction: Interaction, pack: str) -> None:
        assert interaction.guild_id is not None
        name, body = await self.bot.packs.export(interaction.guild_id, pack)
        await interaction.response.send_message(
            f"Here is `{name}`. Edit it and `/pack import` it to make a changed copy.",
            file=pack_file(name, body),
            ephemeral=True,
        )

    @app_commands.command(name="remove", description="Delete one of this server's packs")
    @app_commands.describe(pack=PACK)
    async def remove(self, interaction: Interaction, pack: str) -> None:
        assert interaction.guild_id is not None
        record, _ = await self.bot.packs.load(interaction.guild_id, pack)
        if record.shipped:
            raise UserError(f"{record.title} ships with Roundtable and cannot be removed.")

        async def delete(click: discord.Interaction) -> None:
            assert interaction.guild_id is not None
            removed = await self.bot.packs.remove(interaction.guild_id, record.slug)
            await click.response.edit_message(
                content=f"Removed **{removed.title}**.", embeds=[], view=None
            )

        await ask(
            interaction,
            f"Remove **{record.title}** (`{record.slug}`)? This cannot be undone; "
            "`/pack export` keeps a copy.",
            on_confirm=delete,
            confirm_label="Remove pack",
            cancelled="Kept; nothing was removed.",
            moderator=True,
        )

    show.autocomplete("pack")(autocomplete.packs)
    preview.autocomplete("pack")(autocomplete.packs)
    export.autocomplete("pack")(autocomplete.packs)
    remove.autocomplete("pack")(autocomplete.packs)
    preview.autocomplete("section")(autocomplete.sections)


async def setup(bot: RoundtableBot) -> None:
    await bot.add_cog(PacksCog(bot))
