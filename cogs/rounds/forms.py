"""A round's answer form: the modal a member fills in, and reading back what they submitted.
Forms are matched by custom_id (cogs/rounds/ids.py, cogs/rounds/listeners.py), so a form opened
before a restart is still recorded after it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import discord

from cogs.rounds import ids
from roundtable.rounds import ANSWER_MAX
from roundtable.rounds.model import RoundRecord
from roundtable.text import clip


def answer_modal(
    record: RoundRecord, numbers: Sequence[int], existing: dict[int | None, str]
) -> discord.ui.Modal:
    modal = discord.ui.Modal(
        title=clip(f"Round {record.id}: your answers", 45),
        custom_id=ids.answers(record.id, list(numbers)),
        timeout=900,
    )
    for number in numbers:
        question = record.questions[number - 1]
        modal.add_item(
            discord.ui.Label(
                text=f"Question {number}",
                description=clip(question, 100),
                component=discord.ui.TextInput(
                    custom_id=f"q{number}",
                    style=discord.TextStyle.long,
                    required=False,
                    max_length=ANSWER_MAX,
                    default=existing.get(number),
                ),
            )
        )
    return modal


def submitted_values(data: dict[str, Any]) -> dict[str, str]:
    """custom_id -> value from a modal submission (action rows or labels)."""
    values: dict[str, str] = {}

    def walk(items: list[dict[str, Any]]) -> None:
        for item in items:
            if item.get("component"):
                walk([item["component"]])
            if item.get("components"):
                walk(item["components"])
            if item.get("type") == 4 and "custom_id" in item:
                values[item["custom_id"]] = item.get("value") or ""

    walk(data.get("components") or [])
    return values
