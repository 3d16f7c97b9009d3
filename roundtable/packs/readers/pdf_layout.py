"""How a PDF's lines are set: font size and weight, from pypdf's text visitor (the same library
that extracts the text, so no second PDF parser is installed).

The text itself comes from pypdf's layout mode (readers/pdf.py); this module only tells, for a
line of that text, how large and how heavy it was set, so that the reader can tell a heading
from the body, a running header from a section heading that happens to open a page, and the
title on the first page.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from pypdf import PageObject
from pypdf.errors import PdfReadError

LARGER = 1.15  # set this much larger than the body: a heading
TITLE = 1.3  # the first page's largest line, this much larger than the body: the title
HEADING_CHARS = 90
MIN_TITLE_LETTERS = 5
_NOT_WORD = re.compile(r"\W+")


@dataclass(frozen=True, slots=True)
class Setting:
    size: float  # points, after the text and transformation matrices
    bold: bool


def key(line: str) -> str:
    """A line as both extractions agree on it: letters and digits only, lower case (layout mode
    pads with spaces where the visitor gives none, and the other way round)."""
    return _NOT_WORD.sub("", line).casefold()


def page_settings(page: PageObject) -> dict[str, Setting]:
    """Each line of a page (by `key`) with the largest size and whether any of it is bold."""
    runs: dict[float, list[tuple[float, str, float, bool]]] = {}

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if not text.strip():
            return
        scale = math.sqrt(abs(tm[0] * tm[3] - tm[1] * tm[2])) or 1.0
        outer = math.sqrt(abs(cm[0] * cm[3] - cm[1] * cm[2])) or 1.0
        y = round(tm[5] * outer + cm[5], 0)
        x = tm[4] * outer + cm[4]
        name = str(font.get("/BaseFont", "")) if isinstance(font, dict) else ""
        bold = bool(re.search(r"bold|black|heavy|semibold|-bd\b|\+\w*bx", name, re.IGNORECASE))
        runs.setdefault(y, []).append((x, text, size * scale * outer, bold))

    try:
        page.extract_text(visitor_text=visit)
    except (PdfReadError, ValueError, KeyError, ZeroDivisionError, TypeError):
        return {}
    settings: dict[str, Setting] = {}
    for parts in runs.values():
        parts.sort(key=lambda part: part[0])
        words = [(key(t), s, b) for _, t, s, b in parts if key(t)]
        if not words:
            continue
        settings[key("".join(k for k, _, _ in words))] = _setting(words)
        # A line of each of two columns, side by side at the same height: each half is a line
        # of the text once the columns are read one after the other (readers/pdf.py).
        for cut in range(1, len(words)):
            for half in (words[:cut], words[cut:]):
                settings.setdefault("".join(k for k, _, _ in half), _setting(half))
    return settings


def _setting(words: list[tuple[str, float, bool]]) -> Setting:
    """The size most of a line's characters are set in (a heading in one column beside body
    text in the other is body; a superscript does not make a line larger), and whether most
    of it is bold (one bold word does not make a heading)."""
    by_size: Counter[float] = Counter()
    for text, size, _ in words:
        by_size[round(size, 1)] += len(text)
    chars = sum(len(text) for text, _, _ in words)
    bold = sum(len(text) for text, _, b in words if b) >= 0.6 * chars
    return Setting(by_size.most_common(1)[0][0], bold)


def body_size(pages: list[list[str]], settings: list[dict[str, Setting]]) -> float:
    """The size most of the text is set in (weighted by characters)."""
    sizes: Counter[float] = Counter()
    for lines, found in zip(pages, settings, strict=True):
        for line in lines:
            setting = found.get(key(line))
            if setting:
                sizes[setting.size] += len(line)
    return sizes.most_common(1)[0][0] if sizes else 0.0


def heading_level(line: str, setting: Setting | None, body: float, levels: list[float]) -> int:
    """1, 2, … for a line set larger than the body (the largest size 1), the deepest level for
    a short bold line at the body's size; 0 for body text."""
    if (
        setting is None
        or not body
        or len(line) > HEADING_CHARS
        or not any(c.isalpha() for c in line)
    ):
        return 0
    if setting.size >= body * LARGER:
        return 1 + levels.index(setting.size) if setting.size in levels else 0
    if setting.bold and setting.size >= body and len(line) <= HEADING_CHARS * 2 // 3:
        return len(levels) + 1
    return 0


def heading_sizes(settings: list[dict[str, Setting]], body: float) -> list[float]:
    """The sizes larger than the body that lines are set in, largest first."""
    found = {s.size for page in settings for s in page.values() if body and s.size >= body * LARGER}
    return sorted(found, reverse=True)


def first_page_title(lines: list[str], settings: dict[str, Setting], body: float) -> str:
    """The first page's largest lines, when they are much larger than the body: its title."""
    sized = [(line.strip(), settings.get(key(line))) for line in lines if line.strip()]
    sizes = [s.size for _, s in sized if s]
    if not sizes or not body or max(sizes) < body * TITLE:
        return ""
    top = max(sizes)
    title: list[str] = []
    for line, setting in sized:
        if setting and setting.size == top:
            title.append(line)
        elif title:
            break
    found = _FOOTNOTE_MARK.sub("", " ".join(" ".join(title).split()))
    # A logo's letters ("CM") or a page number set large are no title.
    return found if sum(c.isalpha() for c in found) >= MIN_TITLE_LETTERS else ""


_FOOTNOTE_MARK = re.compile(r"\s*[*∗†‡§¹²³]+$")
