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
    spaced: str = ""  # the line as pypdf's plain extraction spaces it (see `respace`)


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
        words = [_Run(key(t), t, s, b) for _, t, s, b in parts if key(t)]
        if not words:
            continue
        settings[key("".join(w.key for w in words))] = _setting(words)
        # A line of each of two columns, side by side at the same height: each half is a line
        # of the text once the columns are read one after the other (readers/pdf.py).
        for cut in range(1, len(words)):
            for half in (words[:cut], words[cut:]):
                settings.setdefault("".join(w.key for w in half), _setting(half))
    return settings


@dataclass(frozen=True, slots=True)
class _Run:
    key: str
    text: str
    size: float
    bold: bool


def _setting(words: list[_Run]) -> Setting:
    """The size most of a line's characters are set in (a heading in one column beside body
    text in the other is body; a superscript does not make a line larger), and whether most
    of it is bold (one bold word does not make a heading)."""
    by_size: Counter[float] = Counter()
    for run in words:
        by_size[round(run.size, 1)] += len(run.key)
    chars = sum(len(run.key) for run in words)
    bold = sum(len(run.key) for run in words if run.bold) >= 0.6 * chars
    return Setting(by_size.most_common(1)[0][0], bold, "".join(run.text for run in words))


def respace(line: str, setting: Setting | None) -> str:
    """`line` with a space wherever pypdf's plain extraction of the same line has one between
    two word characters and the layout text has none. Layout mode places characters on a grid
    of the body's character width, so a word gap set narrower than that (a typesetter's
    positioned words: "[(The) -120 (memory)] TJ", common in bold headings) vanishes and the
    words come out glued ("Thememory layout"); the plain extraction decides a gap from the
    glyph positions and the font's own space width. Only spaces are added, and only when both
    read the same word characters in the same order; runs are joined as they are, so a word
    split over two runs (a ligature in another font) is not split."""
    if setting is None or len(setting.spaced.split()) <= len(line.split()):
        return line
    breaks = _breaks(setting.spaced)
    if not breaks:
        return line
    chars = [c for c in line if _WORD.match(c)]
    spaced_chars = [c for c in setting.spaced if _WORD.match(c)]
    if chars != spaced_chars:
        return line
    missing = breaks - _breaks(line)
    if not missing:
        return line
    out: list[str] = []
    count = 0
    for c in line:
        if _WORD.match(c):
            if count in missing and out and _WORD.match(out[-1]):
                out.append(" ")
            count += 1
        out.append(c)
    return "".join(out)


def _breaks(text: str) -> set[int]:
    """The indexes of word characters that whitespace parts from the word character before."""
    found: set[int] = set()
    count = 0
    gap = False
    previous_word = False
    for c in text:
        if _WORD.match(c):
            if gap and previous_word:
                found.add(count)
            count += 1
            gap, previous_word = False, True
        elif c.isspace():
            gap = True
        else:
            gap, previous_word = False, False
    return found


_WORD = re.compile(r"\w")


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


def first_page_title(
    lines: list[str], settings: dict[str, Setting], body: float, later: float = 0.0
) -> str:
    """The first page's largest lines, when they are much larger than the body and than
    anything on the later pages (`later`, their largest size: a size the sections' headings
    are set in there makes the first one a heading), and do not start with a section's
    number ("1 The memory layout"): its title."""
    sized = [(line.strip(), settings.get(key(line))) for line in lines if line.strip()]
    sizes = [s.size for _, s in sized if s]
    if not sizes or not body or max(sizes) < body * TITLE or max(sizes) <= later:
        return ""
    top = max(sizes)
    title: list[str] = []
    for line, setting in sized:
        if setting and setting.size == top:
            title.append(line)
        elif title:
            break
    found = _FOOTNOTE_MARK.sub("", " ".join(" ".join(title).split()))
    if _SECTION_NUMBER.match(found):
        return ""
    # A logo's letters ("CM") or a page number set large are no title.
    return found if sum(c.isalpha() for c in found) >= MIN_TITLE_LETTERS else ""


_SECTION_NUMBER = re.compile(r"^(\d{1,2}(\.\d{1,2})*\.?|[IVX]{1,4}\.)\s+[A-Z]")
_FOOTNOTE_MARK = re.compile(r"\s*[*∗†‡§¹²³]+$")
