"""Roundtable's core: Discord-free logic for packs, rounds, schedules, summaries and exports."""
