"""Scheduled series on Discord (/schedule), one feature package like cogs/rounds/: the commands
(cog) and what the bot's one timer does for a series: post each occurrence's round (posts).
The decisions are the core's: roundtable/series/."""

from __future__ import annotations

from cogs.series.cog import SeriesCog
from cogs.support.bot import RoundtableBot


async def setup(bot: RoundtableBot) -> None:
    await bot.add_cog(SeriesCog(bot))
