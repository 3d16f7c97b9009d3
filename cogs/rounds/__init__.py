"""Discussion rounds on Discord, one feature package: the /round commands (cog), the buttons
(buttons, ids), the answer form (forms), what a round posts (posts), closing it step by step
(closing), the replies and form submissions (listeners), threads read back after a restart
(reading), and what the bot's one timer does for
rounds: closes at deadlines, reminders, closes a crash interrupted (timed).
The decisions are the core's: roundtable/rounds/."""

from __future__ import annotations

from cogs.rounds.cog import RoundsCog
from cogs.rounds.listeners import RoundListeners
from cogs.support.bot import RoundtableBot


async def setup(bot: RoundtableBot) -> None:
    rounds = RoundsCog(bot)
    await bot.add_cog(rounds)
    await bot.add_cog(RoundListeners(bot, rounds.reading))
