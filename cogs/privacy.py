"""/privacy and /forget: what members allow Roundtable to do with what they write."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from cogs.suggestions.cards import uncredit
from cogs.support.bot import RoundtableBot
from cogs.support.checks import require_guild
from cogs.support.confirm import ask
from cogs.support.in_flight import TrackedView
from cogs.support.render import COLOUR, delete_messages
from roundtable.privacy.model import Privacy
from roundtable.text import plural

Interaction = discord.Interaction[RoundtableBot]


EXPORTS = {
    "named": "Moderators' exports show my name with what I wrote",
    "anonymous": 'Exports show me as "a member"',
    "excluded": "Leave everything I wrote out of exports",
}


def privacy_embed(choice: Privacy) -> discord.Embed:
    embed = discord.Embed(title="Your privacy on this server", colour=COLOUR)
    embed.add_field(
        name="AI processing",
        value="Never send my text to an LLM (my stance still counts as a number)"
        if choice.no_ai
        else "My text may be summarised by the server's LLM, when one is configured",
        inline=False,
    )
    embed.add_field(name="Exports", value=EXPORTS[choice.exports], inline=False)
    embed.add_field(
        name="Thread replies",
        value="My replies in round threads are recorded for summaries and exports"
        if choice.replies
        else "My replies in round threads are not recorded (since I used /forget)",
        inline=False,
    )
    embed.set_footer(text="Changes apply at once, to every round, past and future.")
    return embed


class PrivacyView(TrackedView):
    def __init__(self, bot: RoundtableBot, choice: Privacy) -> None:
        super().__init__(timeout=600)
        self.bot = bot
        self.choice = choice
        option: discord.SelectOption
        for option in self.ai.options:
            option.default = (option.value == "no") == choice.no_ai
        for option in self.exports.options:
            option.default = option.value == choice.exports
        for option in self.replies.options:
            option.default = (option.value == "yes") == choice.replies

    async def _save(
        self,
        interaction: discord.Interaction,
        *,
        no_ai: bool | None = None,
        exports: str | None = None,
        replies: bool | None = None,
    ) -> None:
        old = self.choice
        self.choice = await self.bot.privacy.set(
            old.guild_id,
            old.user_id,
            no_ai=old.no_ai if no_ai is None else no_ai,
            exports=old.exports if exports is None else exports,
            replies=old.replies if replies is None else replies,
        )
        await interaction.response.edit_message(embed=privacy_embed(self.choice), view=self)

    @discord.ui.select(
        placeholder="AI processing",
        options=[
            discord.SelectOption(label="Allow the LLM to read my text", value="yes"),
            discord.SelectOption(label="Never send my text to an LLM", value="no"),
        ],
    )
    async def ai(self, interaction: discord.Interaction, select: discord.ui.Select) -> None:
        await self._save(interaction, no_ai=select.values[0] == "no")

    @discord.ui.select(
        placeholder="Exports",
        options=[
            discord.SelectOption(label="Show my name in exports", value="named"),
            discord.SelectOption(label='Show me as "a member" in exports', value="anonymous"),
            discord.SelectOption(label="Leave me out of exports", value="excluded"),
        ],
    )
    async def exports(self, interaction: discord.Interaction, select: discord.ui.Select) -> None:
        await self._save(interaction, exports=select.values[0])

    @discord.ui.select(
        placeholder="Thread replies",
        options=[
            discord.SelectOption(label="Record my replies in round threads", value="yes"),
            discord.SelectOption(label="Do not record my replies in round threads", value="no"),
        ],
    )
    async def replies(self, interaction: discord.Interaction, select: discord.ui.Select) -> None:
        await self._save(interaction, replies=select.values[0] == "yes")


class PrivacyCog(commands.Cog):
    def __init__(self, bot: RoundtableBot):
        self.bot = bot

    @app_commands.command(
        name="privacy", description="Choose what Roundtable may do with your text"
    )
    @app_commands.guild_only()
    async def privacy(self, interaction: Interaction) -> None:
        guild = require_guild(interaction)
        choice = await self.bot.privacy.get(guild.id, interaction.user.id)
        await interaction.response.send_message(
            embed=privacy_embed(choice), view=PrivacyView(self.bot, choice), ephemeral=True
        )

    @app_commands.command(
        name="forget", description="Delete all your answers, replies and stances on this server"
    )
    @app_commands.guild_only()
    async def forget(self, interaction: Interaction) -> None:
        guild = require_guild(interaction)

        async def erase(click: discord.Interaction) -> None:
            gone = await self.bot.privacy.forget(guild.id, click.user.id)
            await click.response.edit_message(
                content=(
                    f"Deleted {plural(gone.answers, 'answer')}, "
                    f"{plural(gone.replies, 'reply', 'replies')}, "
                    f"{plural(gone.stances, 'stance')} and "
                    f"{plural(gone.suggestions, 'suggested question')} (with your votes). "
                    "Your replies in round threads are no "
                    "longer recorded (turn that back on in /privacy); your messages in "
                    "threads stay yours to delete."
                ),
                view=None,
            )
            # The summaries posted in closed rounds' threads drop the member's points too.
            self.bot.dispatch("member_forgotten", guild.id, click.user.id)
            await delete_messages(self.bot, gone.message_ids + gone.cards)
            await uncredit(self.bot, gone.follow_ups)

        await ask(
            interaction,
            "Delete everything Roundtable stored of yours on this server (answers, recorded "
            "replies, stances, suggested questions, votes, reading progress) and the bot's "
            "posts of your answers and suggestions, and stop recording your thread replies? "
            "This cannot be undone.",
            on_confirm=erase,
            confirm_label="Delete all of it",
            cancelled="Nothing was deleted.",
        )


async def setup(bot: RoundtableBot) -> None:
    await bot.add_cog(PrivacyCog(bot))
