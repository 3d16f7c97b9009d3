"""Members' suggested questions: /suggest, /suggestions list|review|mine, and the buttons of a
suggestion's card (cards.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.suggestions.cog import SuggestionsCog

if TYPE_CHECKING:
    from cogs.support.bot import RoundtableBot


async def setup(bot: RoundtableBot) -> None:
    await bot.add_cog(SuggestionsCog(bot))
