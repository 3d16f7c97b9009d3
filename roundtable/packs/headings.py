"""Where sections start: marked (Markdown, HTML, EPUB) headings, numbered and named headings,
and unmarked ones (a short line standing alone between paragraphs)."""

from __future__ import annotations

import bisect
import itertools
import re
import statistics
import string
from dataclasses import dataclass, field

from roundtable.packs.blocks import Paragraph

_TERMINAL = ".,;:!?…"
_CLOSERS = "\"'”’»)]"

_WORD_NUMBER = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth"
)
_NAMED = re.compile(
    rf"^(volume|book|part|epoch|chapter|section|article|act|scene|lesson|unit|canto|letter)\s+"
    rf"(the\s+)?(\d+|[ivxlcdm]+|{_WORD_NUMBER})\b\.?\s*[:.\-–—]?\s*(.*)$",
    re.IGNORECASE,
)
_NUMBERED = re.compile(r"^(\d{1,3}(?:\.\d{1,3})*)[.)]?\s+(\S.*)$")
_ROMAN = re.compile(r"^([IVXLC]{1,7})[.)]\s+(\S.*)$")
_PARAGRAPH_SIGN = re.compile(r"^(§{1,2})\s*(\d{1,3}[a-z]?)\.?\s*[:.\-–—]?\s*(.*)$")
# Front and back matter: sections of their own beside the numbered ones.
_MATTER = re.compile(
    r"^(preamble|introduction|foreword|preface|prologue|prelude|epilogue|afterword|conclusion"
    r"|postscript|author'?s note|a note on the text)\s*[.:]?$"
    r"|^appendix(\s+[a-z0-9]{1,4})?([.:]?\s+[A-Z][\w ,'-]{0,60})?$",
    re.IGNORECASE,
)
_BARE_NUMBER = re.compile(r"^(\d{1,3}|[IVXLC]{1,7})\.?$")
_BYLINE = re.compile(r"^by\s+[A-Z][\w.'-]+(\s+[A-Z][\w.'-]+)+$")
_DATE = re.compile(r"\b(19|20)\d{2}\b.*\d|^\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}$")
_MONTHS = (
    r"jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sep(t(ember)?)?"
    r"|oct(ober)?|nov(ember)?|dec(ember)?"
)
# A figure or a date alone on a line ("$4.2 million", "March 3, 2026", "12 %"): never a heading.
FIGURE_OR_DATE = re.compile(
    rf"^[\$€£¥]?\s*\d[\d,.\s]*\s*(%|per ?cent|million|billion|thousand|bn|m|k)?$"
    rf"|^({_MONTHS})\.?\s+\d{{1,2}}(st|nd|rd|th)?,?\s+\d{{4}}$"
    rf"|^\d{{1,2}}(st|nd|rd|th)?\s+({_MONTHS})\.?,?\s+\d{{4}}$"
    rf"|^\d{{4}}-\d{{2}}-\d{{2}}$",
    re.IGNORECASE,
)


def _ends_open(line: str) -> bool:
    """No closing punctuation (a sentence ends with . ! ? or a quote after one)."""
    stripped = line.rstrip(_CLOSERS)
    return not stripped or stripped[-1] not in _TERMINAL


def heading_like(line: str) -> bool:
    words = line.split()
    return (
        2 <= len(line) <= 70
        and len(words) <= 10
        and _ends_open(line)
        and (line[0].isupper() or line[0].isdigit())
        and not _BYLINE.match(line)
        and not _DATE.search(line)
        and not FIGURE_OR_DATE.match(line)
    )


def _numbered(line: str) -> tuple[str, str] | None:
    """(title, style) for a numbered or named heading line, or None. Headings of one style are
    one level of the text ("chapter", "roman", "arabic 2" for "1.2 ...")."""
    if len(line) > 80:
        return None
    named = _NAMED.match(line)
    if named:
        word, the, number, rest = named.groups()
        if _is_roman(number):
            number = number.upper()
        elif not number.isdigit():
            number = ("the " if the else "") + number.capitalize()
        label = f"{word.capitalize()} {number}"
        title = f"{label}: {rest.strip()}" if rest.strip() else label
        return (title, word.lower()) if _ends_open(rest) or not rest.strip() else None
    sign = _PARAGRAPH_SIGN.match(line)
    if sign:
        return line, "§"
    roman = _ROMAN.match(line)
    if roman and _ends_open(roman.group(2)) and len(roman.group(2).split()) <= 12:
        return line, "roman"
    arabic = _NUMBERED.match(line)
    if arabic and _ends_open(arabic.group(2)) and len(arabic.group(2).split()) <= 12:
        return line, f"arabic {arabic.group(1).count('.') + 1}"
    bare = _BARE_NUMBER.match(line)
    if bare:
        return line.rstrip("."), "roman" if _is_roman(bare.group(1)) else "arabic 1"
    return None


def numbered_or_named(line: str) -> bool:
    """A chapter, article or numbered heading, or front or back matter ("Preface")."""
    return _numbered(line) is not None or bool(_MATTER.match(line))


def _is_roman(token: str) -> bool:
    return bool(re.fullmatch(r"[ivxlcdm]+", token, re.IGNORECASE))


def body_like(para: Paragraph) -> bool:
    return len(para.text) >= 80 or not _ends_open(para.text)


@dataclass(frozen=True, slots=True)
class Heading:
    index: int  # of its paragraph
    title: str
    style: str | None  # None: front or back matter, a section at whatever level is chosen
    absorbs_next: bool = False  # "CHAPTER IV" above a title line


@dataclass(frozen=True, slots=True)
class Headings:
    """How a text divides: `starts` maps the paragraph index of each section's heading to its
    title; `hidden` are heading paragraphs that are not text (a chapter's title line, a book
    heading above its first chapter); `sub` are deeper headings kept in the text."""

    kind: str  # markdown | numbered | unmarked | none
    starts: dict[int, str] = field(default_factory=dict)
    hidden: frozenset[int] = frozenset()
    sub: frozenset[int] = frozenset()
    outer: tuple[Heading, ...] = ()  # shallower headings (a book above its chapters)


def _marked(paras: list[Paragraph]) -> list[Heading]:
    return [
        Heading(i, p.text, f"h{p.heading_level}")
        for i, p in enumerate(paras)
        if p.heading_level is not None
    ]


def _numbered_candidates(paras: list[Paragraph]) -> list[Heading]:
    found: dict[int, Heading] = {}
    # From the end, so that a heading may stand directly above a deeper one ("BOOK I" above
    # "CHAPTER I"), but a run of headings with nothing between (a table of contents) is no
    # heading at all.
    for i in range(len(paras) - 1, -1, -1):
        para = paras[i]
        if not para.single_line:
            continue
        if _MATTER.match(para.text):
            nxt = paras[i + 1] if i + 1 < len(paras) else None
            after = paras[i + 2] if i + 2 < len(paras) else None
            title = para.text.rstrip(".:").strip()
            if not any(c.islower() for c in title):
                title = string.capwords(title)
            if nxt is not None and body_like(nxt) and not _heading_at(paras, i + 1):
                found[i] = Heading(i, title, None)
            elif nxt is not None and nxt.single_line and after is not None and body_like(after):
                found[i] = Heading(i, title, None)  # "Appendix A" above "A.1 Licence"
            continue
        numbered = _numbered(para.text)
        if numbered is None:
            continue
        title, style = numbered
        nxt = paras[i + 1] if i + 1 < len(paras) else None
        if nxt is None:
            continue
        # "CHAPTER IV" then a short title line: one heading "Chapter IV: Title".
        if _title_line(nxt) and ":" not in title and not _heading_at(paras, i + 1):
            after = paras[i + 2] if i + 2 < len(paras) else None
            deeper = found.get(i + 2)
            if after is not None and (
                (body_like(after) and deeper is None)
                or (deeper is not None and deeper.style not in (None, style))
            ):
                label = f"{title}: {nxt.text.rstrip('.').strip()}"
                found[i] = Heading(i, label, style, absorbs_next=True)
                continue
        below = found.get(i + 1)
        if below is not None and below.style is not None and below.style != style:
            found[i] = Heading(i, title, style)  # a book heading directly above its chapter
        elif body_like(nxt) and _numbered(nxt.text) is None:
            found[i] = Heading(i, title, style)
        elif _first_subsection(para.text, nxt):
            found[i] = Heading(i, title, style)  # "4 Function reference" above "4.1 Parsing"
    return _in_sequence([found[i] for i in sorted(found)], paras)


_WORD_VALUES = {
    w: n
    for n, words in enumerate(
        zip(_WORD_NUMBER.split("|")[:12], [*_WORD_NUMBER.split("|")[12:], "", ""], strict=True),
        start=1,
    )
    for w in words
    if w
}


def _ordinal(line: str) -> int | None:
    """The number a numbered heading line carries (the last part of "1.2"), if it has one."""
    named = _NAMED.match(line)
    token = named.group(3) if named else line.split()[0].rstrip(".):") if line.split() else ""
    token = token.split(".")[-1] if "." in token and token.replace(".", "").isdigit() else token
    if token.isdigit():
        return int(token)
    if _is_roman(token):
        return _roman_value(token.upper())
    return _WORD_VALUES.get(token.lower())


def _roman_value(token: str) -> int:
    values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
    total = 0
    for char, nxt in itertools.zip_longest(token, token[1:], fillvalue=""):
        value = values[char]
        total += -value if nxt and values[nxt] > value else value
    return total


def _in_sequence(found: list[Heading], paras: list[Paragraph]) -> list[Heading]:
    """Numbered headings count up, one by one, each style on its own (starting again at 1 is
    allowed): a number out of sequence is a figure or a table row standing alone ("100",
    "4 Card32 offset"), not a heading."""
    last: dict[str, int] = {}
    kept = []
    for heading in found:
        number = _ordinal(paras[heading.index].text) if heading.style is not None else None
        if number is not None and heading.style is not None:
            before = last.get(heading.style)
            if before is not None and number not in (before + 1, 1):
                continue
            last[heading.style] = number
        kept.append(heading)
    return kept


def _first_subsection(line: str, nxt: Paragraph) -> bool:
    number = _NUMBERED.match(line)
    below = _NUMBERED.match(nxt.text) if nxt.single_line else None
    return bool(number and below and below.group(1) == f"{number.group(1).rstrip('.')}.1")


def _title_line(para: Paragraph) -> bool:
    """A chapter's title on the line below its number ("The Widow and her Child.")."""
    return para.single_line and heading_like(para.text.rstrip(".").strip())


def _heading_at(paras: list[Paragraph], index: int) -> bool:
    para = paras[index]
    return para.single_line and (_numbered(para.text) is not None or bool(_MATTER.match(para.text)))


def _unmarked_candidates(paras: list[Paragraph]) -> list[Heading]:
    found: list[Heading] = []
    for i, para in enumerate(paras):
        if not (para.single_line and heading_like(para.text)):
            continue
        prev = paras[i - 1] if i > 0 else None
        # The body may start after a figure or date standing alone ("Funding" / "$4.2 million").
        j = i + 1
        while j < len(paras) and FIGURE_OR_DATE.match(paras[j].text.strip()):
            j += 1
        nxt = paras[j] if j < len(paras) else None
        if nxt is None:
            continue
        # The first line is a heading too when the text's title came from elsewhere (a title
        # line above it is taken as the title before headings are looked for).
        if (prev is None or body_like(prev)) and body_like(nxt):
            found.append(Heading(i, para.text, "unmarked"))
    # Short lines everywhere (dialogue, verse, lists) are not headings.
    return found if found and len(found) <= max(1, len(paras) // 3) else []


def _choose_level(
    paras: list[Paragraph],
    candidates: list[Heading],
    kind: str,
    round_chars: int,
    min_chars: int,
) -> Headings:
    """The shallowest level of headings whose sections are a comfortable round (median at
    most `round_chars`), going no deeper than sections of `min_chars`; a level needs at least
    two headings (one, for marked headings)."""
    styles: list[str] = []
    for heading in candidates:
        if heading.style is not None and heading.style not in styles:
            styles.append(heading.style)  # the order they first appear in: outermost first
    if kind == "markdown":
        styles.sort()  # h1 < h2 < ...
    sizes = [len(p.text) for p in paras]
    best: tuple[int, list[Heading]] | None = None
    for depth in range(1, len(styles) + 1):
        level = set(styles[:depth])
        chosen = [h for h in candidates if h.style is None or h.style in level]
        own = [h for h in chosen if h.style is None or h.style == styles[depth - 1]]
        if len(own) < (1 if kind == "markdown" else 2):
            continue
        median = statistics.median(_lengths(sizes, [h.index for h in chosen]))
        if best is not None and (median < min_chars or not _divides(best[1], own)):
            break  # the deeper level cuts too fine, or only here and there: keep the one above
        best = (depth, chosen)
        if median <= round_chars:
            break
    if best is None:
        return Headings("none")
    depth, chosen = best
    deepest = styles[depth - 1]
    starts = {h.index: h.title for h in chosen if h.style is None or h.style == deepest}
    outer = tuple(h for h in chosen if h.index not in starts)
    hidden = {h.index + 1 for h in chosen if h.absorbs_next}
    kept = {h.index for h in chosen}
    deeper = [h for h in candidates if h.index not in kept]
    sub = {h.index for h in deeper} | {h.index + 1 for h in deeper if h.absorbs_next}
    return Headings(kind, starts, frozenset(hidden), frozenset(sub - hidden), outer)


def _divides(above: list[Heading], below: list[Heading]) -> bool:
    """Headings of the deeper level stand in at least half of the sections above them (a
    book's chapters), not in one or two (a numbered song inside a chapter)."""
    starts = sorted(h.index for h in above)
    holding = {bisect.bisect_left(starts, h.index) for h in below}  # the section each is in
    return len(holding) >= max(1, len(starts) / 2)


def _lengths(sizes: list[int], cuts: list[int]) -> list[int]:
    bounds = [*cuts, len(sizes)]
    return [sum(sizes[a:b]) for a, b in itertools.pairwise(bounds)]


def find_headings(paras: list[Paragraph], *, round_chars: int, min_chars: int) -> Headings:
    for kind, finder in (
        ("markdown", _marked),
        ("numbered", _numbered_candidates),
        ("unmarked", _unmarked_candidates),
    ):
        candidates = finder(paras)
        if candidates:
            found = _choose_level(paras, candidates, kind, round_chars, min_chars)
            if found.starts:
                return found
    return Headings("none")
