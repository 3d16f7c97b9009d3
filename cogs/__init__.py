"""Thin discord.py adapters, one feature each. EXTENSIONS lists what the Bot loads."""

EXTENSIONS: tuple[str, ...] = (
    "cogs.config",
    "cogs.packs",
    "cogs.rounds",
    "cogs.series",
    "cogs.privacy",
    "cogs.summaries",
    "cogs.exports",
    "cogs.suggestions",
    "cogs.progress",
)
