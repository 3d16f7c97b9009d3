"""A reading pack: a text split into sections, each with debate questions."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

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
