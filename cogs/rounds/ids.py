"""Every custom_id a round's components carry, in one place.

New components get the versioned prefix `rt1:`; the unversioned `rt:` ids posted before it keep
working, because every pattern below accepts both. A future format gets `rt2:` and its own
patterns here, next to these.
"""

from __future__ import annotations

import re

PREFIX = "rt1"
_ANY = r"rt1?"  # rt1: today, rt: before versioned ids

RESPOND = rf"{_ANY}:respond:(?P<round>\d+)"
EDIT = rf"{_ANY}:edit:(?P<round>\d+)"
MINE = rf"{_ANY}:mine:(?P<round>\d+)"
WITHDRAW = rf"{_ANY}:withdraw:(?P<round>\d+)"
READ = rf"{_ANY}:read:(?P<round>\d+)"
STANCE = rf"{_ANY}:stance:(?P<round>\d+):(?P<index>\d)"
PICK = rf"{_ANY}:pick:(?P<round>\d+)"
ANSWERS = re.compile(rf"{_ANY}:answers:(?P<round>\d+):(?P<questions>\d+(?:-\d+)*)")


def button(action: str, round_id: int) -> str:
    """respond | edit | mine | withdraw | read."""
    return f"{PREFIX}:{action}:{round_id}"


def stance(round_id: int, index: int) -> str:
    return f"{PREFIX}:stance:{round_id}:{index}"


def pick(round_id: int) -> str:
    return f"{PREFIX}:pick:{round_id}"


def answers(round_id: int, numbers: list[int]) -> str:
    """The answer form: which round, and which questions it asks."""
    return f"{PREFIX}:answers:{round_id}:{'-'.join(map(str, numbers))}"
