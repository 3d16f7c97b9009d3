"""Thin discord.py adapters, one feature each. EXTENSIONS lists what the Bot loads."""

EXTENSIONS: tuple[str, ...] = (
    "cogs.config",
    "cogs.packs",
    "cogs.rounds",
    "cogs.responses",
    "cogs.deadlines",
    "cogs.privacy",
    "cogs.summaries",
)
