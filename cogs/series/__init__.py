"""Scheduled series on Discord (/schedule), one feature package like cogs/rounds/: the commands
(cog). The decisions are the core's: roundtable/series/. (The series' posts and reminders are
made by the one timer, in cogs/rounds/scheduled.py, until the core scheduler takes it over.)"""

from __future__ import annotations

from cogs.series.cog import SeriesCog
from cogs.support.bot import RoundtableBot


async def setup(bot: RoundtableBot) -> None:
    await bot.add_cog(SeriesCog(bot))
