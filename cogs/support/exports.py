"""Delivering an export in Discord: progress on the deferred reply, then the file (zipped, or
in numbered parts, when it is over the interaction's upload limit)."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

import discord

from roundtable.exports.model import Request
from roundtable.exports.packaging import MAX_FILES
from roundtable.exports.service import Exported
from roundtable.text import plural

if TYPE_CHECKING:
    from cogs.support.bot import RoundtableBot

PROGRESS_EVERY = 2.0  # seconds between edits of the deferred reply


def size(n: int) -> str:
    if n < 1024 * 1024:
        return f"{max(1, round(n / 1024))} KB"
    return f"{n / 1024 / 1024:.1f} MB"


def describe(exported: Exported) -> str:
    text = (
        f"Exported {plural(exported.rounds, 'round')}, "
        f"{plural(exported.responses, 'answer and reply', 'answers and replies')} "
        f"({size(exported.size)})."
    )
    if exported.packed == "zipped":
        text += " It was over this server's upload limit, so it is zipped."
    elif exported.packed == "parts":
        text += (
            f" Even zipped it is over this server's upload limit, so it comes in "
            f"{len(exported.files)} numbered parts: download them all and join them "
            "(`cat NAME.zip.0* > NAME.zip`, or `copy /b` on Windows), then unzip."
        )
    return text


async def deliver(
    interaction: discord.Interaction[RoundtableBot], request: Request, *, ephemeral: bool = True
) -> Exported:
    """Export into a temporary folder and send it; the interaction must be deferred."""
    last = time.monotonic()

    async def progress(done: int, total: int) -> None:
        nonlocal last
        if total and time.monotonic() - last >= PROGRESS_EVERY:
            last = time.monotonic()
            await interaction.edit_original_response(
                content=f"Exporting… {done:,} of {total:,} answers and replies."
            )

    limit = interaction.filesize_limit
    with tempfile.TemporaryDirectory(prefix="roundtable-export-") as folder:
        exported = await interaction.client.exports.export(
            request, Path(folder), limit=limit, progress=progress
        )
        text = describe(exported)
        files = exported.files
        if exported.packed != "parts" and len(files) <= MAX_FILES:
            await interaction.edit_original_response(
                content=text, attachments=[discord.File(f, filename=f.name) for f in files]
            )
            return exported
        await interaction.edit_original_response(content=text)
        for part in files:  # each part alone fills one message's upload limit
            await interaction.followup.send(
                file=discord.File(part, filename=part.name), ephemeral=ephemeral
            )
    return exported
