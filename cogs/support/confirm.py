"""A short-lived Confirm / Cancel prompt for the member who asked, and only them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import discord

from cogs.support.checks import check_moderator
from cogs.support.in_flight import TrackedView
from cogs.support.tree import report_error

OnConfirm = Callable[[discord.Interaction], Awaitable[None]]


class Confirm(TrackedView):
    """Buttons under an ephemeral message; `on_confirm` answers the click itself."""

    def __init__(
        self,
        *,
        owner_id: int,
        on_confirm: OnConfirm,
        confirm_label: str,
        cancelled: str,
        origin: discord.Interaction,
        timeout: float = 600,
        moderator: bool = False,
    ) -> None:
        super().__init__(timeout=timeout)
        self.owner_id = owner_id
        self.moderator = moderator
        self.on_confirm = on_confirm
        self.cancelled = cancelled
        self.origin = origin
        self.confirm.label = confirm_label

    async def interaction_check(self, interaction: discord.Interaction[Any], /) -> bool:
        if not await super().interaction_check(interaction):
            return False
        if interaction.user.id != self.owner_id:
            await interaction.response.send_message(
                "Only the moderator who asked can answer this.", ephemeral=True
            )
            return False
        if self.moderator:  # still a moderator? (the role may have been taken away since)
            await check_moderator(interaction)
        return True

    @discord.ui.button(label="Confirm", style=discord.ButtonStyle.success)
    async def confirm(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        self.stop()
        await self.on_confirm(interaction)

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        self.stop()
        await interaction.response.edit_message(
            content=self.cancelled, embeds=[], attachments=[], view=None
        )

    async def on_timeout(self) -> None:
        try:
            await self.origin.edit_original_response(
                content="This expired before it was confirmed; nothing was changed.",
                embeds=[],
                attachments=[],
                view=None,
            )
        except discord.HTTPException:
            pass  # the message is gone or the token expired: nothing to tidy

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item
    ) -> None:
        await report_error(interaction, error)


async def ask(
    interaction: discord.Interaction,
    question: str,
    *,
    on_confirm: OnConfirm,
    confirm_label: str,
    cancelled: str,
    moderator: bool = False,
) -> None:
    """Ask the member who ran a command, privately, to confirm; `on_confirm` does the work.
    With `moderator`, the click is checked again: a moderator demoted meanwhile is refused."""
    await interaction.response.send_message(
        question,
        view=Confirm(
            owner_id=interaction.user.id,
            on_confirm=on_confirm,
            confirm_label=confirm_label,
            cancelled=cancelled,
            origin=interaction,
            moderator=moderator,
        ),
        ephemeral=True,
    )
