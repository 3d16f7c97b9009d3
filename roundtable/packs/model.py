"""A reading pack: a text split into sections, each with debate questions."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime

MAX_SECTIONS = 100
MAX_SECTION_TITLE = 90  # leaves room in thread names (100) for "Round 3 · "
MAX_PACK_TITLE = 200
MAX_QUESTIONS = 10
MAX_QUESTION_CHARS = 300
MIN_STANCES, MAX_STANCES = 2, 5
MAX_STANCE_LABEL = 40
DEFAULT_STANCES = ("Agree", "Disagree", "Unsure")


@dataclass(frozen=True, slots=True)
class Section:
    title: str
    text: str  # paragraphs separated by one blank line
    questions: tuple[str, ...] = ()

    @property
    def chars(self) -> int:
        return len(self.text)


@dataclass(frozen=True, slots=True)
class Pack:
    title: str
    sections: tuple[Section, ...]
    author: str = ""
    source: str = ""
    date: str = ""
    licence: str = ""
    stances: tuple[str, ...] = field(default=DEFAULT_STANCES)

    @property
    def slug(self) -> str:
        return slugify(self.title)

    def section(self, number: int) -> Section:
        """Sections are numbered from 1, as moderators see them."""
        return self.sections[number - 1]


def slugify(title: str) -> str:
    """A short ASCII key for a title: "Sputnik moment?" -> "sputnik-moment"."""
    plain = title.replace("'", "").replace("’", "")
    ascii_title = unicodedata.normalize("NFKD", plain).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    return slug[:50].rstrip("-") or "pack"


# -- a pack as the bot keeps it ------------------------------------------------------------------


class PackInUse(Exception):
    """Rounds were run on this pack, or a series posts it; it is kept."""

    def __init__(self, rounds: int, series: int = 0):
        super().__init__(rounds, series)
        self.rounds = rounds
        self.series = series


class DuplicatePack(Exception):
    """A pack with this slug already exists for the guild (or is shipped)."""


@dataclass(frozen=True, slots=True)
class PackRecord:
    id: int
    guild_id: int | None
    slug: str
    title: str
    body: str
    sections: int
    created_by: int | None
    created_at: datetime

    @property
    def shipped(self) -> bool:
        return self.guild_id is None
