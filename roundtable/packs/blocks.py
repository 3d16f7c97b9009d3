"""What every reader (plain text, Markdown, reStructuredText, web page, PDF, EPUB) hands the
importer."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# A list item's marker at the start of a line ("* ", "- ", "1. ", "2) ", "(3) "): the one
# definition the readers and the sentence reader share.
LIST_MARKER = r"(?:[-*•+]|\d+[.)]|\(\d+\))\s+"
LIST_ITEM = re.compile(r"^\s*" + LIST_MARKER)


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str
    line: int  # 1-based line (or page, for a PDF) of its first line in the file
    single_line: bool
    heading_level: int | None = None  # a marked heading (Markdown, HTML, EPUB chapter title)
    wrapped: bool = False  # a heading-like line that wrapped onto a second (joined in `text`)


@dataclass(frozen=True, slots=True)
class LeftOut:
    reason: str
    line: int
    excerpt: str
    unit: str = "line"  # "page" for a PDF

    def __str__(self) -> str:
        return f"{self.unit} {self.line}, {self.reason}: {self.excerpt}"


@dataclass(slots=True)
class Meta:
    """What a file says about itself (front matter, HTML meta tags, EPUB metadata)."""

    title: str = ""
    author: str = ""
    date: str = ""
    source: str = ""


@dataclass(slots=True)
class Document:
    """A file read by one of the readers, before sections are found.

    Plain-text formats (text, PDF) give `text`; structured ones (Markdown, HTML, EPUB) give
    `paragraphs` with their headings marked.
    """

    kind: str  # text | markdown | rest | html | pdf | epub
    text: str | None = None
    paragraphs: list[Paragraph] | None = None
    meta: Meta = field(default_factory=Meta)
    left_out: list[LeftOut] = field(default_factory=list)
    unit: str = "line"  # "page": `pages` gives the page of each line of `text`
    pages: list[int] | None = None
    # A PDF's lines set as headings (larger or bold): line of `text` -> level (1 the largest)
    headings: dict[int, int] = field(default_factory=dict)

    def place(self, line: int) -> int:
        """Where a line of the text is, in the unit a moderator looks things up by."""
        if self.pages is None or not self.pages:
            return line
        return self.pages[min(max(line, 1), len(self.pages)) - 1]


def excerpt(text: str, limit: int = 100) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rsplit(" ", 1)[0] + "…"
