"""Turn any plain text or Markdown into titled sections.

decode -> normalise -> paragraphs -> leave out publishing boilerplate -> find headings ->
sections. Headings are recognised, in order of trust: Markdown (ATX and setext); numbered and
named ("1.", "1.2", "I.", "CHAPTER IV", "Article 3", "Section 2"); unmarked headings as in web
articles copied as text (a short line without closing punctuation between paragraphs). Text
before the first heading becomes an introduction; a text with no headings is split into parts
of similar length at paragraph boundaries.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass

from roundtable.packs.format import PackError, Problem
from roundtable.packs.model import MAX_SECTION_TITLE, MAX_SECTIONS
from roundtable.packs.sentences import split_sentences

MAX_IMPORT_BYTES = 1_000_000
TARGET_PART_CHARS = 3_000  # a text without headings is cut into parts of about this size
# A section longer than this becomes several rounds (a round posts at most 10 parts of 3,800).
ROUND_CHARS = 24_000
INTRODUCTION = "Introduction"


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str
    line: int  # 1-based line of its first line in the text
    single_line: bool
    heading_level: int | None = None  # Markdown (ATX or setext) heading level


@dataclass(frozen=True, slots=True)
class LeftOut:
    reason: str
    line: int
    excerpt: str

    def __str__(self) -> str:
        return f"line {self.line}, {self.reason}: {self.excerpt}"


@dataclass(frozen=True, slots=True)
class FoundSection:
    title: str
    text: str
    line: int  # where its heading (or first paragraph) is


@dataclass(frozen=True, slots=True)
class Split:
    """A section too long for one round, imported as `pieces` consecutive sections."""

    title: str
    chars: int
    pieces: int
    line: int

    def __str__(self) -> str:
        return f"line {self.line}, {self.title} ({self.chars:,} characters): {self.pieces} rounds"


@dataclass(frozen=True, slots=True)
class ImportedText:
    title: str
    sections: tuple[FoundSection, ...]
    left_out: tuple[LeftOut, ...]
    headings: str  # markdown | numbered | unmarked | none
    split: tuple[Split, ...] = ()


def _error(message: str, line: int | None = None) -> PackError:
    return PackError([Problem(line, message)], what="This text")


# -- decoding and normalising ---------------------------------------------------------------


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) or UTF-16 with a BOM; anything else is refused."""
    if not data.strip():
        raise _error("the file is empty")
    if len(data) > MAX_IMPORT_BYTES:
        raise _error(
            f"the file is {len(data):,} bytes; the limit is {MAX_IMPORT_BYTES:,} (about 250 pages)"
        )
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise _error("the file starts like UTF-16 but is not valid UTF-16") from exc
    if b"\x00" in data[:8192]:
        raise _error(
            "this looks like a binary file (a PDF, Word or e-book file?): save it as plain text"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise _error(
            "the file is not UTF-8 (perhaps Windows-1252 or Latin-1): save it as UTF-8 and "
            "import it again",
            line,
        ) from exc
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t")
    if controls > max(8, len(text) // 200):
        raise _error("this looks like a binary file, not text: save it as plain text")
    return text


_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")


def normalise(text: str) -> str:
    """Unix newlines, no invisible characters, single spaces, no trailing spaces.

    Keeps the line count so that line numbers still point into the moderator's file.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_INVISIBLE)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return "\n".join(lines)


# -- paragraphs -----------------------------------------------------------------------------

_ATX = re.compile(r"^(#{1,6})\s+(.+?)(?:\s+#+)?$")
_SETEXT = re.compile(r"^(=+|-+)$")
_TERMINAL = ".,;:!?…"
_CLOSERS = "\"'”’»)]"


def _is_wrapped(lines: list[str]) -> bool:
    """Hard-wrapped prose (e-texts wrap at ~70 columns) rather than one paragraph a line."""
    if len(lines) < 2 or max(len(line) for line in lines) > 100:
        return False
    body = lines[:-1]
    return sum(len(line) for line in body) / len(body) >= 45


def paragraphs(text: str) -> list[Paragraph]:
    result: list[Paragraph] = []
    block: list[tuple[int, str]] = []

    def flush() -> None:
        if not block:
            return
        lines = [line for _, line in block]
        first = block[0][0]
        if len(lines) == 2 and _SETEXT.match(lines[1]) and not _ATX.match(lines[0]):
            level = 1 if lines[1].startswith("=") else 2
            result.append(Paragraph(lines[0], first, True, level))
        elif max(len(line) for line in lines) > 100:
            # One paragraph a line (articles copied from the web).
            for number, line in block:
                result.extend(_one_line(line, number))
        elif _is_wrapped(lines):
            result.append(Paragraph(" ".join(lines), first, False))
        elif len(lines) > 1 and _heading_like(lines[0]) and _is_wrapped(lines[1:]):
            result.extend(_one_line(lines[0], first))
            result.append(Paragraph(" ".join(lines[1:]), block[1][0], False))
        elif len(lines) == 1:
            result.extend(_one_line(lines[0], first))
        else:
            result.append(Paragraph("\n".join(lines), first, False))  # verse, lists, addresses
        block.clear()

    for number, line in enumerate(text.split("\n"), start=1):
        if line:
            if _ATX.match(line):
                flush()
                block.append((number, line))
                flush()
            else:
                block.append((number, line))
        else:
            flush()
    flush()
    return result


def _one_line(line: str, number: int) -> list[Paragraph]:
    atx = _ATX.match(line)
    if atx:
        return [Paragraph(atx.group(2).strip(), number, True, len(atx.group(1)))]
    return [Paragraph(line, number, True)]


# -- boilerplate ----------------------------------------------------------------------------

_GUTENBERG_START = re.compile(r"^\*{3}\s*START OF (THE|THIS) PROJECT GUTENBERG", re.IGNORECASE)
_GUTENBERG_END = re.compile(r"^\*{3}\s*END OF (THE|THIS) PROJECT GUTENBERG", re.IGNORECASE)
_CLOSING = [
    (
        "donation appeal",
        re.compile(
            r"\b(donat(e|es|ing|ion|ions)|support (our|us|independent) (journalism|work|reporting)"
            r"|reader[- ]supported|become a (monthly )?(member|sustainer|patron|supporter)"
            r"|chip in|make a (one-time |monthly )?(gift|contribution)|subscribe (now|today))\b",
            re.IGNORECASE,
        ),
    ),
    (
        "publisher's disclaimer",
        re.compile(
            r"reflects the views of (its|the) author|views expressed (here|in this)"
            r"|do(es)? not necessarily reflect",
            re.IGNORECASE,
        ),
    ),
    (
        "licence notice",
        re.compile(
            r"licensed under (a |the )?creative commons|all rights reserved|^©|^copyright \d{4}",
            re.IGNORECASE,
        ),
    ),
    (
        "press contact",
        re.compile(r"^(media|press) (contact|enquiries|inquiries)\b", re.IGNORECASE),
    ),
    (
        "sharing links",
        re.compile(
            r"^(share this|like this|related (articles|posts|stories)|sign up for our newsletter"
            r"|follow us on)\b",
            re.IGNORECASE,
        ),
    ),
]


def _excerpt(text: str, limit: int = 100) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rsplit(" ", 1)[0] + "…"


def strip_ebook_wrapper(text: str) -> tuple[str, list[LeftOut]]:
    """Blank out a Project Gutenberg header and licence footer (keeping line numbers)."""
    lines = text.split("\n")
    left: list[LeftOut] = []
    start = next((i for i, line in enumerate(lines) if _GUTENBERG_START.match(line)), None)
    end = next((i for i, line in enumerate(lines) if _GUTENBERG_END.match(line)), None)
    if start is not None:
        left.append(LeftOut("e-book licence header", 1, _excerpt(" ".join(lines[: start + 1]))))
        lines[: start + 1] = [""] * (start + 1)
    if end is not None:
        left.append(LeftOut("e-book licence footer", end + 1, _excerpt(" ".join(lines[end:]))))
        lines[end:] = [""] * (len(lines) - end)
    return "\n".join(lines), left


_SEPARATOR = re.compile(r"^\s*(?:([#*_~=\-])\s*)\1(?:\s*\1)+\s*$")


def strip_boilerplate(paras: list[Paragraph]) -> tuple[list[Paragraph], list[LeftOut]]:
    """Leave out separator lines (`***`, `###`, `* * *`) anywhere, and closing appeals,
    disclaimers and licence lines at the very end (and start)."""
    left: list[LeftOut] = [
        LeftOut("separator line", p.line, p.text.strip()) for p in paras if _SEPARATOR.match(p.text)
    ]
    kept = [p for p in paras if not _SEPARATOR.match(p.text)]
    closing: list[LeftOut] = []
    while kept:
        reason = _boilerplate_reason(kept[-1].text)
        if reason is None:
            break
        para = kept.pop()
        closing.insert(0, LeftOut(reason, para.line, _excerpt(para.text)))
    left += closing
    while kept and _boilerplate_reason(kept[0].text) in ("licence notice", "sharing links"):
        para = kept.pop(0)
        left.append(LeftOut(_boilerplate_reason(para.text) or "", para.line, _excerpt(para.text)))
    return kept, left


def _boilerplate_reason(text: str) -> str | None:
    for reason, pattern in _CLOSING:
        if pattern.search(text):
            return reason
    return None


# -- headings -------------------------------------------------------------------------------

_WORD_NUMBER = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth"
)
_NAMED = re.compile(
    rf"^(chapter|part|book|section|article|act|scene|lesson|unit|canto)\s+"
    rf"(\d+|[ivxlcdm]+|{_WORD_NUMBER})\b\.?\s*[:.\-–—]?\s*(.*)$",
    re.IGNORECASE,
)
_NUMBERED = re.compile(r"^(\d{1,3}(?:\.\d{1,3})*)[.)]?\s+(\S.*)$")
_ROMAN = re.compile(r"^([IVXLC]{1,7})[.)]\s+(\S.*)$")
_BARE_NUMBER = re.compile(r"^(\d{1,3}|[IVXLC]{1,7})\.?$")
_BYLINE = re.compile(r"^by\s+[A-Z][\w.'-]+(\s+[A-Z][\w.'-]+)+$")
_DATE = re.compile(r"\b(19|20)\d{2}\b.*\d|^\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}$")
_MONTHS = (
    r"jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sep(t(ember)?)?"
    r"|oct(ober)?|nov(ember)?|dec(ember)?"
)
# A figure or a date alone on a line ("$4.2 million", "March 3, 2026", "12 %"): never a heading.
_FIGURE_OR_DATE = re.compile(
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


def _heading_like(line: str) -> bool:
    words = line.split()
    return (
        2 <= len(line) <= 70
        and len(words) <= 10
        and _ends_open(line)
        and (line[0].isupper() or line[0].isdigit())
        and not _BYLINE.match(line)
        and not _DATE.search(line)
        and not _FIGURE_OR_DATE.match(line)
    )


def _numbered_title(line: str) -> str | None:
    """The heading for a numbered or named heading line, or None."""
    if len(line) > 80:
        return None
    named = _NAMED.match(line)
    if named:
        word, number, rest = named.groups()
        label = f"{word.capitalize()} {number.upper() if _is_roman(number) else number}"
        return f"{label}: {rest.strip()}" if rest.strip() else label
    for pattern in (_ROMAN, _NUMBERED):
        match = pattern.match(line)
        if match and _ends_open(match.group(2)) and len(match.group(2).split()) <= 12:
            return line
    if _BARE_NUMBER.match(line):
        return line.rstrip(".")
    return None


def _is_roman(token: str) -> bool:
    return bool(re.fullmatch(r"[ivxlcdm]+", token, re.IGNORECASE))


def _body_like(para: Paragraph) -> bool:
    return len(para.text) >= 80 or not _ends_open(para.text)


def _markdown_headings(paras: list[Paragraph]) -> dict[int, str]:
    levels = sorted({p.heading_level for p in paras if p.heading_level})
    if not levels:
        return {}
    section_levels = set(levels[:2])
    top = [i for i, p in enumerate(paras) if p.heading_level == levels[0]]
    # A single top-level heading at the very start is the document's title.
    if len(top) == 1 and top[0] == 0 and len(levels) > 1:
        section_levels = {levels[1]}
    return {i: p.text for i, p in enumerate(paras) if p.heading_level in section_levels}


def _numbered_headings(paras: list[Paragraph]) -> dict[int, str]:
    found: dict[int, str] = {}
    for i, para in enumerate(paras):
        if not para.single_line:
            continue
        title = _numbered_title(para.text)
        if title is None:
            continue
        nxt = paras[i + 1] if i + 1 < len(paras) else None
        # "CHAPTER IV" then a short title line: one heading "Chapter IV: Title".
        if nxt is not None and nxt.single_line and _heading_like(nxt.text) and ":" not in title:
            after = paras[i + 2] if i + 2 < len(paras) else None
            if after is not None and _body_like(after):
                found[i] = f"{title}: {nxt.text}"
                found[i + 1] = ""  # absorbed into the heading above
                continue
        if nxt is not None and _body_like(nxt) and _numbered_title(nxt.text) is None:
            found[i] = title
    return found if len([t for t in found.values() if t]) >= 2 else {}


def _unmarked_headings(paras: list[Paragraph]) -> dict[int, str]:
    found: dict[int, str] = {}
    for i, para in enumerate(paras):
        if not (para.single_line and _heading_like(para.text)):
            continue
        prev = paras[i - 1] if i > 0 else None
        # The body may start after a figure or date standing alone ("Funding" / "$4.2 million").
        j = i + 1
        while j < len(paras) and _FIGURE_OR_DATE.match(paras[j].text.strip()):
            j += 1
        nxt = paras[j] if j < len(paras) else None
        if prev is None or nxt is None:
            continue
        if _body_like(prev) and _body_like(nxt):
            found[i] = para.text
    # Short lines everywhere (dialogue, verse, lists) are not headings.
    return found if found and len(found) <= max(1, len(paras) // 3) else {}


def find_headings(paras: list[Paragraph]) -> tuple[str, dict[int, str]]:
    for kind, finder in (
        ("markdown", _markdown_headings),
        ("numbered", _numbered_headings),
        ("unmarked", _unmarked_headings),
    ):
        found = finder(paras)
        if found:
            return kind, found
    return "none", {}


# -- sections -------------------------------------------------------------------------------


def _join(paras: list[Paragraph]) -> str:
    """Paragraphs as section text; a deeper Markdown heading stays a (Discord) heading."""
    return "\n\n".join(f"### {p.text}" if p.heading_level else p.text for p in paras)


def _split_evenly(paras: list[Paragraph]) -> list[FoundSection]:
    total = sum(len(p.text) for p in paras)
    parts = max(1, round(total / TARGET_PART_CHARS))
    target = total / parts
    sections: list[FoundSection] = []
    current: list[Paragraph] = []
    size = 0
    for para in paras:
        current.append(para)
        size += len(para.text)
        if size >= target * (len(sections) + 1) - len(para.text) / 2 and len(sections) < parts - 1:
            sections.append(
                FoundSection(f"Part {len(sections) + 1}", _join(current), current[0].line)
            )
            current = []
    if current:
        sections.append(FoundSection(f"Part {len(sections) + 1}", _join(current), current[0].line))
    if len(sections) == 1:
        return [FoundSection("The text", sections[0].text, sections[0].line)]
    return sections


def import_text(text: str, *, fallback_title: str) -> ImportedText:
    """Find the sections of `text`; raises PackError for text that cannot make a pack.

    The title is the text's own (a single top-level Markdown heading at the start), else
    `fallback_title` (the file name).
    """
    text, left_out = strip_ebook_wrapper(normalise(text))
    paras = paragraphs(text)
    paras, closing = strip_boilerplate(paras)
    left_out += closing
    if not any(len(p.text) >= 20 for p in paras):
        raise _error("no usable text was found (only headings, boilerplate or a few words)")
    kind, headings = find_headings(paras)
    title = fallback_title.strip() or "Imported text"
    first = paras[0]
    if kind == "markdown":
        levels = sorted({p.heading_level for p in paras if p.heading_level})
        if first.heading_level == levels[0] and 0 not in headings:
            title = first.text
            paras = paras[1:]
            headings = {i - 1: t for i, t in headings.items() if i > 0}
    elif (
        0 not in headings
        and len(paras) > 1
        and first.single_line
        and _heading_like(first.text)
        and len(first.text.split()) >= 3
        and (_body_like(paras[1]) or bool(_FIGURE_OR_DATE.match(paras[1].text.strip())))
    ):
        # A title line above the text (a press release's or article's headline).
        title = _short_title(first.text)
        paras = paras[1:]
        headings = {i - 1: t for i, t in headings.items() if i > 0}
    sections: list[FoundSection] = []
    if not headings:
        sections = _split_evenly(paras)
    else:
        absorbed = {i for i, t in headings.items() if not t}  # "CHAPTER IV" + its title line
        order = sorted(i for i, t in headings.items() if t)
        intro = paras[: order[0]]
        if intro:
            sections.append(FoundSection(INTRODUCTION, _join(intro), intro[0].line))
        for n, start in enumerate(order):
            end = order[n + 1] if n + 1 < len(order) else len(paras)
            body = [p for i, p in enumerate(paras[start + 1 : end], start + 1) if i not in absorbed]
            if body:
                sections.append(
                    FoundSection(_short_title(headings[start]), _join(body), paras[start].line)
                )
            else:
                left_out.append(
                    LeftOut("heading without text of its own", paras[start].line, headings[start])
                )
    if not sections:
        raise _error("no usable text was found (only headings, boilerplate or a few words)")
    sections, split = split_long(sections)
    _check(sections)
    return ImportedText(title, tuple(sections), tuple(left_out), kind, tuple(split))


def split_long(
    sections: list[FoundSection], limit: int = ROUND_CHARS
) -> tuple[list[FoundSection], list[Split]]:
    """Each section longer than `limit` becomes consecutive sections of about equal length, cut
    at paragraph boundaries (at sentences inside a paragraph too long to keep whole), titled
    "Chapter II (1 of 3)"."""
    kept: list[FoundSection] = []
    split: list[Split] = []
    for section in sections:
        chars = len(section.text)
        if chars <= limit:
            kept.append(section)
            continue
        pieces = -(-chars // limit)
        texts = _balanced(section.text, pieces)
        for n, text in enumerate(texts, start=1):
            suffix = f" ({n} of {len(texts)})"
            title = _short_title(section.title)
            if len(title) + len(suffix) > MAX_SECTION_TITLE:
                title = title[: MAX_SECTION_TITLE - len(suffix) - 1].rstrip() + "…"
            kept.append(FoundSection(title + suffix, text, section.line))
        split.append(Split(section.title, chars, len(texts), section.line))
    return kept, split


def _balanced(text: str, pieces: int) -> list[str]:
    """`text` cut into `pieces` runs of about equal length at paragraph or sentence ends."""
    units: list[tuple[str, str]] = []  # (text, what joins it to the one before)
    target = len(text) / pieces
    for paragraph in text.split("\n\n"):
        if len(paragraph) > target / 2:
            sentences = split_sentences(paragraph) or [paragraph]
            units.append((sentences[0], "\n\n"))
            units += [(s, " ") for s in sentences[1:]]
        else:
            units.append((paragraph, "\n\n"))
    out: list[list[tuple[str, str]]] = [[]]
    done = 0
    for unit in units:
        if out[-1] and done >= target * len(out) and len(out) < pieces:
            out.append([])
        out[-1].append(unit)
        done += len(unit[0]) + len(unit[1])
    return [
        "".join(t if i == 0 else joiner + t for i, (t, joiner) in enumerate(group)).strip()
        for group in out
        if group
    ]


def _short_title(title: str) -> str:
    title = title.strip().strip("#").strip()
    if len(title) <= MAX_SECTION_TITLE:
        return title
    return title[: MAX_SECTION_TITLE - 1].rsplit(" ", 1)[0] + "…"


def _check(sections: list[FoundSection]) -> None:
    problems: list[Problem] = []
    if len(sections) > MAX_SECTIONS:
        problems.append(
            Problem(None, f"{len(sections)} sections were found; a pack has at most {MAX_SECTIONS}")
        )
    seen: dict[str, int] = {}
    for section in sections:
        key = section.title.casefold()
        if key in seen:
            problems.append(
                Problem(
                    section.line,
                    f"two sections are called {section.title!r} (also line {seen[key]}): "
                    "rename one",
                )
            )
        seen.setdefault(key, section.line)
    if problems:
        raise PackError(problems, what="This text")
