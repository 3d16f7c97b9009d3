"""Turn a document (plain text, Markdown, reStructuredText, web page, PDF, EPUB) into titled
sections.

A reader turns the file into paragraphs (roundtable/packs/readers/); then: leave out wrappers
(roundtable/packs/wrappers.py) -> find the heading level that divides the text into rounds
(roundtable/packs/headings.py) -> sections -> split any section too long for one round. Text
before the first heading becomes an opening section; a text with no headings is split into parts
of similar length at paragraph boundaries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from roundtable.packs.blocks import Document, LeftOut, Meta, Paragraph, excerpt
from roundtable.packs.format import PackError, Problem
from roundtable.packs.headings import (
    BYLINE,
    DATELINE,
    FIGURE_OR_DATE,
    NOTE_MARK,
    SMALL_WORDS,
    Headings,
    between_heading_and_body,
    body_like,
    epigraph_line,
    find_headings,
    numbered_or_named,
    too_coarse,
    unemphasised,
)
from roundtable.packs.headings import heading_like as _heading_like
from roundtable.packs.model import MAX_SECTION_TITLE, MAX_SECTIONS
from roundtable.packs.readers import plain
from roundtable.packs.readers.detect import read_string
from roundtable.packs.readers.plain import (
    MAX_IMPORT_BYTES,
    decode,
    error,
    normalise,
    too_long,
)
from roundtable.packs.sentences import split_sentences
from roundtable.packs.wrappers import (
    ebook_fields,
    heading_key,
    strip_boilerplate,
    strip_ebook_paragraphs,
    strip_ebook_wrapper,
)

__all__ = ["MAX_IMPORT_BYTES", "ImportedText", "decode", "import_document", "import_text"]

TARGET_PART_CHARS = 3_000  # a text without headings is cut into parts of about this size
# A section longer than this becomes several rounds (a round posts at most 10 parts of 3,800).
ROUND_CHARS = 24_000
# The heading level chosen gives sections of about this size (a round members read in one
# sitting: three or four parts) when the text has such a level, and not below the second.
COMFORTABLE_ROUND = 12_000
SHORTEST_ROUND = 1_500
INTRODUCTION = "Introduction"
OPENING = "Opening"  # text before the first heading, when a heading is "Introduction"
MAX_WORD = 1_000  # characters without a space; a round's parts are cut between words
# A book or part heading whose own text is only a few short lines (a date, a motto) has no
# section of its own; those lines are listed as left out.
TITLE_PAGE_CHARS = 200
SUBTITLE_WORDS = 12
# Text before a book's first chapter without one paragraph this long is its title page.
TITLE_PAGE_PROSE = 400


@dataclass(frozen=True, slots=True)
class FoundSection:
    title: str
    text: str
    line: int  # where its heading (or first paragraph) is
    within: str = ""  # the book or part heading above it, if any


@dataclass(frozen=True, slots=True)
class Split:
    """A section too long for one round, imported as `pieces` consecutive sections."""

    title: str
    chars: int
    pieces: int
    line: int
    unit: str = "line"

    def __str__(self) -> str:
        size = f"{self.chars:,} characters"
        return f"{self.unit} {self.line}, {self.title} ({size}): {self.pieces} rounds"


@dataclass(frozen=True, slots=True)
class Joined:
    """Consecutive short sections read as one round (a text with more sections than a pack
    holds: a hundred short chapters, a collection of poems)."""

    title: str
    sections: int
    line: int
    unit: str = "line"

    def __str__(self) -> str:
        return f"{self.unit} {self.line}, {self.title}: {self.sections} sections in one round"


@dataclass(frozen=True, slots=True)
class ImportedText:
    title: str
    sections: tuple[FoundSection, ...]
    left_out: tuple[LeftOut, ...]
    headings: str  # markdown | numbered | unmarked | none
    split: tuple[Split, ...] = ()
    meta: Meta = field(default_factory=Meta)
    kind: str = "text"  # which reader read it
    joined: tuple[Joined, ...] = ()


# -- sections -------------------------------------------------------------------------------


def _quotation(para: Paragraph) -> Paragraph:
    """An indented block (a quoted letter, speech or poem) as a Markdown block quote: shown as
    one in Discord, and never taken for the author's own words by the questions."""
    return replace(para, text="\n".join(f"> {line}" for line in para.text.split("\n")))


def _join(paras: list[Paragraph]) -> str:
    """Paragraphs as section text; a deeper heading stays a (Discord) heading."""
    return "\n\n".join(f"### {p.text}" if p.heading_level else p.text for p in paras)


def _split_evenly(paras: list[Paragraph]) -> list[FoundSection]:
    total = sum(len(p.text) for p in paras)
    parts = max(1, round(total / TARGET_PART_CHARS))
    sections: list[FoundSection] = []
    current: list[Paragraph] = []
    size = done = 0
    for para in paras:
        current.append(para)
        size += len(para.text)
        # What is left shared among the parts left: a long paragraph that overran one part
        # makes the next ones longer, not a part of one line ("We think not.").
        left = parts - len(sections)
        if left > 1 and size >= (total - done) / left - len(para.text) / 2:
            sections.append(
                FoundSection(f"Part {len(sections) + 1}", _join(current), current[0].line)
            )
            current, done, size = [], done + size, 0
    if current:
        sections.append(FoundSection(f"Part {len(sections) + 1}", _join(current), current[0].line))
    if len(sections) == 1:
        return [FoundSection("The text", sections[0].text, sections[0].line)]
    return sections


def import_text(text: str, *, fallback_title: str) -> ImportedText:
    """Find the sections of a plain text (or Markdown) string; see import_document."""
    return import_document(read_string(text), fallback_title=fallback_title)


def import_document(doc: Document, *, fallback_title: str) -> ImportedText:
    """Find the sections of a document; raises PackError for one that cannot make a pack.

    The title is the document's own (front matter, a single top-level heading at the start, a
    headline line above the text), else `fallback_title` (the file name).
    """
    chars = len(doc.text or "") + sum(len(p.text) for p in doc.paragraphs or [])
    if chars > MAX_IMPORT_BYTES:
        raise error(too_long(chars))
    left_out = list(doc.left_out)
    quoted: set[int] = set()
    if doc.paragraphs is not None:
        paras, wrapper = strip_ebook_paragraphs(list(doc.paragraphs), doc.meta)
        left_out += wrapper
    else:
        literal: list[plain.Literal] = []
        if doc.kind == "text":
            literal = plain.literal_blocks(doc.text or "")
            code_lines = {n for block in literal for n in range(block.opener, block.last + 1)}
            quoted = plain.indented_lines(doc.text or "") - code_lines
        text = normalise(doc.text or "")
        fields = ebook_fields(text)
        doc.meta.title = doc.meta.title or fields.get("title", "")
        doc.meta.author = doc.meta.author or fields.get("author", "")
        text, wrapper = strip_ebook_wrapper(text)
        left_out += wrapper
        paras = plain.paragraphs(text, marked=doc.kind != "pdf", literal=literal)
    paras, boilerplate = strip_boilerplate(paras)
    left_out += boilerplate
    if not any(len(p.text) >= 20 for p in paras):
        raise error("no usable text was found (only headings, boilerplate or a few words)")
    for para in paras:
        run = max(para.text.split(), key=len, default="")
        if len(run) > MAX_WORD:
            raise error(
                f"it has {len(run):,} characters without a space: this is not prose (a data "
                "file or an encoded picture?)",
                doc.place(para.line),
            )
    _from_details(paras, doc.meta)
    title, paras = _title(doc, paras, fallback_title)
    half_title = _half_title(paras, title)
    if half_title:
        # The title page, and the book's title again above its text (a web page's
        # "COMMON SENSE;" / "addressed to the" / … / "Common Sense" / "By Thomas Paine").
        page = paras[:half_title]
        left_out.append(
            LeftOut("title page", page[0].line, excerpt(" / ".join(p.text for p in page)))
        )
        paras = paras[half_title + 1 :]
    doc.meta.author = doc.meta.author or _byline(paras[:3])
    # Titled by the document itself (its metadata, a heading or a headline), even when that
    # is also the file's name ("utilitarianism.txt" titled "Utilitarianism").
    titled = bool(doc.meta.title) or title != _short_title(
        fallback_title.strip() or "Imported text"
    )
    found = find_headings(paras, round_chars=COMFORTABLE_ROUND, min_chars=SHORTEST_ROUND)
    guessed = found.kind in ("none", "unmarked") or too_coarse(paras, found, COMFORTABLE_ROUND)
    if doc.headings and guessed:
        # A PDF whose headings read as body text (a report's "Background and aims" in bold
        # 14 pt): the lines set as headings divide it, rather than short lines guessed at.
        marked = [
            replace(p, heading_level=doc.headings[p.line])
            if p.single_line
            and p.line in doc.headings
            and not p.heading_level
            and p.text.casefold() != title.casefold()  # the first page's title is the pack's
            else p
            for p in paras
        ]
        by_layout = find_headings(marked, round_chars=COMFORTABLE_ROUND, min_chars=SHORTEST_ROUND)
        if len(by_layout.starts) >= len(found.starts) and by_layout.starts:
            paras, found = marked, by_layout
    paras = [
        replace(p, heading_level=3) if i in found.sub and p.heading_level is None else p
        for i, p in enumerate(paras)
    ]
    headings = set(found.starts) | set(found.hidden) | {h.index for h in found.outer}
    paras = [
        _quotation(p) if p.line in quoted and i not in headings and not p.heading_level else p
        for i, p in enumerate(paras)
    ]
    sections = _sections(paras, found, left_out) if found.starts else _split_evenly(paras)
    front = paras[: min(found.starts)] if found.starts else []
    if not titled and front and (_title_page(front) or _set_in_short_lines(front)):
        # The title page's first line ("PLAIN TALK;").
        title = _short_title(paras[0].text.split("\n")[0].rstrip(";:,"))
    if not sections:
        raise error("no usable text was found (only headings, boilerplate or a few words)")
    sections = _without_references(_without_scraps(sections, left_out), left_out)
    sections = [replace(s, text=_canonical(s.text)) for s in _unique_titles(sections)]
    sections, split = split_long(sections)
    sections, joined = join_short(sections)
    sections = _numbered_repeats(sections)
    _check(sections)
    # The reader's own (a PDF's headers by page) are placed already; the rest are text lines.
    placed = [
        *doc.left_out,
        *(replace(o, line=doc.place(o.line), unit=doc.unit) for o in left_out[len(doc.left_out) :]),
    ]
    placed.sort(key=lambda item: item.line)
    split = [replace(s, line=doc.place(s.line), unit=doc.unit) for s in split]
    joined = [replace(j, line=doc.place(j.line), unit=doc.unit) for j in joined]
    return ImportedText(
        title,
        tuple(sections),
        tuple(placed),
        found.kind,
        tuple(split),
        doc.meta,
        doc.kind,
        tuple(joined),
    )


def _title(doc: Document, paras: list[Paragraph], fallback: str) -> tuple[str, list[Paragraph]]:
    """The document's title, and its paragraphs without the line that gave it."""
    first = paras[0]
    levels = [p.heading_level for p in paras if p.heading_level is not None]
    if first.heading_level is not None and levels.count(min(levels)) == 1 and len(levels) > 1:
        # A single top-level heading at the start is the title; in an e-book, whose title is
        # in its metadata, it is the first chapter's ("Preface").
        epub_chapter = doc.kind == "epub" and doc.meta.title.casefold() != first.text.casefold()
        if first.heading_level == min(levels) and not epub_chapter:
            return _short_title(doc.meta.title or first.text), paras[1:]
    if doc.meta.title:
        # The title line itself, at the start of the text (a PDF's first page), is not text.
        same = " ".join(first.text.split()).casefold() == doc.meta.title.casefold()
        return _short_title(doc.meta.title), paras[1:] if same and len(paras) > 1 else paras
    if (
        len(paras) > 1
        and first.heading_level is None
        and first.single_line
        and _heading_like(first.text)
        and len(first.text.split()) >= 3
        and (body_like(paras[1]) or _front_line(paras[1]))
        and not numbered_or_named(first.text)
        and not any(p.heading_level is not None and p.heading_level <= 2 for p in paras[1:])
    ):
        # A title line above the text (a press release's or article's headline), or above
        # its byline, dateline or epigraph.
        return _short_title(first.text), paras[1:]
    return _short_title(fallback.strip() or "Imported text"), paras


HALF_TITLE_WITHIN = 40  # paragraphs: a title page is a few dozen lines at most
TITLE_PAGE_LINES = 3  # fewer short paragraphs before the title again are an article's lead


def _half_title(paras: list[Paragraph], title: str) -> int:
    """Where the book's title stands again as a heading after its title page (a few short
    lines, no paragraph of prose); 0 if it does not."""
    wanted = heading_key(title)
    for index, para in enumerate(paras[:HALF_TITLE_WITHIN]):
        if len(para.text) >= TITLE_PAGE_PROSE:
            return 0
        if index and para.heading_level is not None and heading_key(para.text) == wanted:
            return index if index >= TITLE_PAGE_LINES else 0  # (the first: the title itself)
    return 0


def _front_line(para: Paragraph) -> bool:
    """What stands between a title and the text: a byline, a date or dateline, an epigraph,
    a press release's marker."""
    text = para.text.split("\n")[0].strip()
    return bool(between_heading_and_body(para) or BYLINE.match(text) or epigraph_line(text)) or (
        para.single_line and text.isupper() and len(text.split()) <= 4
    )


def _byline(paras: list[Paragraph]) -> str:
    """The author a byline near the start names ("BY A. EXAMPLE": "A. Example")."""
    for para in paras:
        match = BYLINE.match(para.text.strip())
        if match:
            name = match.group(2)
            return " ".join(w[:1] + w[1:].lower() for w in name.split()) if name.isupper() else name
    return ""


# "- Feature Name: x", "Status: draft", "Start Date: 2019-09-20": a document's details.
_DETAIL = re.compile(r"^\s*([-*•]\s+)?[A-Z][\w ./-]{0,30}:\s+\S")


def _details(para: Paragraph) -> dict[str, str]:
    """A document's details ("PEP: 238", "Title: …", "Author: A, <a@x>,"), key by key (lower
    case), when every line of the paragraph is one or continues the one before (a line after
    a comma, or set in); {} otherwise."""
    found: dict[str, str] = {}
    last = ""
    for line in para.text.split("\n"):
        match = _DETAIL.match(line)
        if match:
            name, _, value = line.partition(":")
            last = name.strip(" -*•").casefold()
            found[last] = value.strip()
        elif last and (line[:1].isspace() or found[last].endswith(",")):
            found[last] += " " + line.strip()
        else:
            return {}
    return found


def _from_details(paras: list[Paragraph], meta: Meta) -> None:
    """A title and authors named in the details at a document's head (a PEP's or an RFC's
    header) when nothing else gave them; e-mail addresses dropped."""
    for para in paras[:2]:
        details = _details(para)
        if len(details) < 2:
            continue
        meta.title = meta.title or details.get("title", "")
        author = details.get("author") or details.get("authors") or ""
        author = re.sub(r"\s*<[^>]*>", "", author).strip(" ,")
        meta.author = meta.author or re.sub(r"\s*,\s*", ", ", author)


def _front_reason(para: Paragraph) -> str | None:
    text = para.text.strip()
    lines = text.split("\n")
    if _details(para) and (len(lines) >= 2 or len(text) <= 80):
        return "document details"  # a proposal's or a paper's header, not its text
    if BYLINE.match(text):
        return "byline"
    if DATELINE.match(text) or FIGURE_OR_DATE.match(text):
        return "dateline"
    if epigraph_line(text):
        return "epigraph"
    if para.single_line and text.isupper() and len(text.split()) <= 6:
        return "title page"  # "LEGEND LAND", "VOLUME ONE" above a book's first heading
    if para.single_line and _heading_like(text) and len(text.split()) <= SUBTITLE_WORDS:
        return "subtitle"  # "A survey of forty circles, spring 2026" under a report's title
    return None


def _front_matter(intro: list[Paragraph]) -> bool:
    """Only a byline, a dateline, an epigraph or the document's details before the first
    heading: no section of their own (each is listed as left out, saying which it is)."""
    reasons = [_front_reason(p) for p in intro]
    short = sum(len(p.text) for p, r in zip(intro, reasons, strict=True) if r != "document details")
    return short < TITLE_PAGE_CHARS and None not in reasons


def _sections(
    paras: list[Paragraph], found: Headings, left_out: list[LeftOut]
) -> list[FoundSection]:
    outer = {h.index: h.title for h in found.outer}
    order = sorted(set(found.starts) | set(outer))
    sections: list[FoundSection] = []
    intro = paras[: order[0]]
    book_page = found.kind in ("numbered", "markdown") and _title_page(intro)
    if intro and (book_page or _set_in_short_lines(intro)):
        # A book's title page, printing history and motto before its first chapter.
        left_out.append(
            LeftOut("title page", intro[0].line, excerpt(" / ".join(p.text for p in intro)))
        )
    elif intro and _front_matter(intro):
        left_out += [LeftOut(_front_reason(p) or "", p.line, excerpt(p.text)) for p in intro]
    elif intro:
        sections.append(_opening(intro, found))
    within = ""
    for n, start in enumerate(order):
        end = order[n + 1] if n + 1 < len(order) else len(paras)
        body = [p for i, p in enumerate(paras[start + 1 : end], start + 1) if i not in found.hidden]
        heading = paras[start]
        if start in outer:
            within = _short_title(outer[start])
            if (
                body
                and sum(len(p.text) for p in body) < TITLE_PAGE_CHARS
                and not any(body_like(p) and len(p.text) >= 80 for p in body)
            ):
                left_out += [LeftOut(f"under {within}", p.line, p.text) for p in body]
                continue
            if body:
                sections.append(FoundSection(within, _join(body), heading.line))
            continue
        title = _short_title(found.starts[start])
        if body:
            sections.append(FoundSection(title, _join(body), heading.line, within))
        else:
            left_out.append(LeftOut("heading without text of its own", heading.line, title))
    return sections


_ABSTRACT = re.compile(r"^(abstract|summary)[.:]?$", re.IGNORECASE)
_NUMBER_FIRST = re.compile(r"^([\dIVX]+(\.\d+)*\.?)\s+")


def _opening(intro: list[Paragraph], found: Headings) -> FoundSection:
    """The text before the first heading: its own "Abstract" when it says so (a paper's);
    "Opening" when a heading of the text is its introduction ("1. Introduction"), so that
    two sections are not both "Introduction"; otherwise "Introduction"."""
    if len(intro) > 1 and intro[0].single_line and _ABSTRACT.match(intro[0].text.strip()):
        title = intro[0].text.strip().rstrip(".:").capitalize()
        return FoundSection(title, _join(intro[1:]), intro[0].line)
    named = any(
        _NUMBER_FIRST.sub("", _short_title(t)).casefold() == INTRODUCTION.casefold()
        for t in found.starts.values()
    )
    return FoundSection(OPENING if named else INTRODUCTION, _join(intro), intro[0].line)


_TITLE_PAGE_LINE = re.compile(
    r"^(by\b|vol(ume)?\b|(first |second |\w+ )?(edition|impression)\b|printed\b|published\b"
    r"|all rights reserved|copyright|\(?c\)|©|(1[5-9]|20)\d\d\.?$"
    r"|with an? (introduction|preface|foreword|memoir)\b|translated\b|edited\b"
    r"|.*\b(publishing|publishers|co\., ltd)\b)",
    re.IGNORECASE,
)
# A book's dedication, on the title page's side of the first chapter: "To the beloved memory
# of…", "…I dedicate this volume."
_DEDICATION = re.compile(
    r"^[_*]?(to (the|my|her|his|our)\b|dedicated\b|inscribed\b)|\bI (dedicate|inscribe)\b",
    re.IGNORECASE,
)


def _title_page(intro: list[Paragraph]) -> bool:
    """A book's title page, printing history, motto and dedication: no long paragraph but the
    dedication, and at least two lines such as "BY ...", "1908", "Tenth impression", "All
    rights reserved", "The Walter Scott Publishing Co., Ltd."."""
    if any(len(p.text) >= TITLE_PAGE_PROSE and not _DEDICATION.search(p.text) for p in intro):
        return False
    lines = [line.strip("_*[] ") for p in intro for line in p.text.split("\n")]
    return sum(1 for line in lines if _TITLE_PAGE_LINE.match(line)) >= 2


def _set_in_short_lines(intro: list[Paragraph]) -> bool:
    """A title page set as a pamphlet's was, a few words to a line ("COMMON SENSE;" /
    "addressed to the" / "INHABITANTS" / "of" / "AMERICA,"): most of its paragraphs are five
    words or fewer, none is a long paragraph, and it is short."""
    short = sum(1 for p in intro if p.single_line and len(p.text.split()) <= 5)
    return (
        len(intro) >= 4
        and short >= 0.6 * len(intro)
        and sum(len(p.text) for p in intro) <= SHORT_LINES_PAGE_CHARS
        and not any(len(p.text) >= TITLE_PAGE_PROSE for p in intro)
    )


SHORT_LINES_PAGE_CHARS = 1_200


def _without_scraps(sections: list[FoundSection], left_out: list[LeftOut]) -> list[FoundSection]:
    """Scraps before the first real section or after the last are no rounds of their own: a
    one-line abstract or an "Unresolved questions" of two lines joins its neighbour (under
    its own heading), while one with no sentence of prose (a picture's caption before the
    title page, an author's block, a contents entry taken for a heading, "Copyright") is
    listed as left out. A short section between real ones (a letter of two lines, a song's
    verse in a book about songs) stays as it is."""
    real = [i for i, s in enumerate(sections) if len(s.text) >= SHORTEST_ROUND]
    if not real:
        return sections
    first, last = real[0], real[-1]
    kept: list[FoundSection] = []
    waiting: list[FoundSection] = []  # scraps before the first kept section, to join it
    for index, section in enumerate(sections):
        scrap = not first <= index <= last and len(section.text.strip()) < TITLE_PAGE_CHARS
        if not scrap:
            for early in waiting:
                section = replace(section, text=f"{_under_heading(early)}\n\n{section.text}")
            kept.append(section)
            waiting = []
        elif _prose_sentence(section.text) and not _LICENCE_HEADING.match(section.title):
            if index < first:
                waiting.append(section)
            else:
                kept[-1] = replace(kept[-1], text=f"{kept[-1].text}\n\n{_under_heading(section)}")
        else:
            text = f"{section.title}: {section.text}" if section.text.strip() else section.title
            left_out.append(LeftOut("too short for a round", section.line, excerpt(text)))
    return kept


def _without_references(
    sections: list[FoundSection], left_out: list[LeftOut]
) -> list[FoundSection]:
    """A list of references (a paper's "References", a PEP's links) and the author's thanks
    are no rounds: listed as left out when the title says so (and the references cite: web
    addresses, years, numbered notes), or when a section is web addresses and no sentence."""
    kept: list[FoundSection] = []
    for index, section in enumerate(sections):
        # References close a text: a chapter called "Sources" in its first half is its text.
        cites = (
            index >= len(sections) / 2
            and len(_REFERENCE_MARK.findall(section.text)) >= MIN_REFERENCES
        )
        # A list of links and nothing to read ("Discussions of this PEP": threads, pull
        # requests) is one whatever its title or place.
        links = len(_WEB_ADDRESS.findall(section.text)) >= MIN_REFERENCES and not _prose_sentence(
            _WEB_ADDRESS.sub("", section.text)
        )
        reason = (
            "references"
            if (_REFERENCES_TITLE.match(section.title) and cites) or links
            else "acknowledgements"
            if _THANKS_TITLE.match(section.title)
            else None
        )
        if reason and kept:
            left_out.append(
                LeftOut(reason, section.line, excerpt(f"{section.title}: {section.text}"))
            )
        else:
            kept.append(section)
    return kept


MIN_REFERENCES = 3
_REFERENCES_TITLE = re.compile(
    r"^([\dIVX]+(\.\d+)*\.?\s+)?(references|bibliography|works cited|literature cited"
    r"|citations|sources|further reading|notes and references|links)\.?$",
    re.IGNORECASE,
)
_THANKS_TITLE = re.compile(r"^([\dIVX]+(\.\d+)*\.?\s+)?acknowledge?ments?\.?$", re.IGNORECASE)
_WEB_ADDRESS = re.compile(r"https?://\S+")
_REFERENCE_MARK = re.compile(r"https?://|\b(?:1[5-9]|20)\d\d\b|^\s*(?:\.\.\s*)?\[\d+\]", re.M)


def _under_heading(section: FoundSection) -> str:
    return f"### {section.title}\n\n{section.text.strip()}"


_LICENCE_HEADING = re.compile(r"^(copyright|licen[cs]e|legal|acknowledg(e)?ments?)\b", re.I)


def _prose_sentence(text: str) -> bool:
    """A sentence of six words or more, most of them in lower case, closed by . ? or !."""
    for sentence in re.split(r"(?<=[.?!])\s+", " ".join(text.split())):
        words = sentence.split()
        lower = sum(1 for w in words if w[:1].islower())
        if (
            len(words) >= 6
            and lower * 2 > len(words)
            and sentence.rstrip("*_)\"'”’").endswith((".", "?", "!"))
        ):
            return True
    return False


def _canonical(text: str) -> str:
    """Section text as a pack file stores it: no spaces at line ends, paragraphs one blank line
    apart (so what is previewed is exactly what is saved and read back)."""
    lines = "\n".join(line.rstrip() for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", lines).strip()


def _unique_titles(sections: list[FoundSection]) -> list[FoundSection]:
    """Chapter numbers that start again in each book: "Book II, Chapter I"."""
    labels = [s.title.split(": ")[0].casefold() for s in sections]
    if len(set(labels)) == len(labels):
        return sections
    return [
        replace(s, title=_short_title(f"{s.within}, {s.title}")) if s.within else s
        for s in sections
    ]


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
        if len(texts) == 1:
            kept.append(section)
            continue
        for n, text in enumerate(texts, start=1):
            suffix = f" ({n} of {len(texts)})"
            title = _short_title(section.title)
            if len(title) + len(suffix) > MAX_SECTION_TITLE:
                title = title[: MAX_SECTION_TITLE - len(suffix) - 1].rstrip() + "…"
            kept.append(FoundSection(title + suffix, text, section.line))
        split.append(Split(section.title, chars, len(texts), section.line))
    return kept, split


def join_short(
    sections: list[FoundSection], most: int = MAX_SECTIONS
) -> tuple[list[FoundSection], list[Joined]]:
    """When there are more sections than a pack holds, consecutive short ones become one
    round each of up to about the size that brings them within `most`, titled
    "Chapter 1 – Chapter 4"."""
    if len(sections) <= most:
        return sections, []
    total = sum(len(s.text) for s in sections)
    size = max(COMFORTABLE_ROUND, -(-total // int(most * 0.9)))
    groups: list[list[FoundSection]] = [[]]
    length = 0
    for section in sections:
        if groups[-1] and length + len(section.text) > size:
            groups.append([])
            length = 0
        groups[-1].append(section)
        length += len(section.text)
    kept: list[FoundSection] = []
    joined: list[Joined] = []
    for group in groups:
        if len(group) == 1:
            kept.append(group[0])
            continue
        title = _short_title(f"{group[0].title} – {group[-1].title}")
        text = "\n\n".join(f"### {s.title}\n\n{s.text}" for s in group)
        kept.append(FoundSection(title, text, group[0].line, group[0].within))
        joined.append(Joined(title, len(group), group[0].line))
    return kept, joined


def _at_words(text: str, size: int) -> list[str]:
    """`text` in runs of at most about `size` characters, cut between words."""
    if len(text) <= size:
        return [text]
    runs: list[str] = []
    current: list[str] = []
    length = 0
    for word in text.split(" "):
        if current and length + len(word) > size:
            runs.append(" ".join(current))
            current, length = [], 0
        current.append(word)
        length += len(word) + 1
    runs.append(" ".join(current))
    return runs


def _balanced(text: str, pieces: int) -> list[str]:
    """`text` cut into `pieces` runs of about equal length at paragraph or sentence ends."""
    units: list[tuple[str, str]] = []  # (text, what joins it to the one before)
    target = len(text) / pieces
    for paragraph in text.split("\n\n"):
        if len(paragraph) > target / 2:
            # A long paragraph at its sentences; a sentence too long at its words.
            pieces_of = [
                (chunk, " ") for s in split_sentences(paragraph) or [paragraph] for chunk in
                _at_words(s, int(target / 4))
            ]  # fmt: skip
            units.append((pieces_of[0][0], "\n\n"))
            units += pieces_of[1:]
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


def _readable_case(title: str) -> str:
    """ALL-CAPS headings ("CHAPTER IV: THE OLD MINT") in title case ("... The Old Mint"),
    Roman numerals kept; a typed dash ("RULES--THE BEGINNING") becomes a dash. A word of four
    letters or fewer in capitals alone is likely an acronym ("IDLE", "NATO") and is kept."""
    title = re.sub(r",?\s*--\s*", "—", title)
    parts = re.split(r"(: |—)", title)
    whole = _shouting(title)
    return "".join(
        part if n % 2 or not (whole or _shouting(part)) else _title_case(part)
        for n, part in enumerate(parts)
    )


def _shouting(text: str) -> bool:
    """In capitals, with two words or more ("OPERA (Continued)" and "SONG vs. SPEECH" too:
    a word or two in small letters among them), or one word of five letters or more
    ("VARIABLES"; a shorter one alone is likely an acronym: "NATO"). Roman numerals do not
    count."""
    bare = re.sub(r"\([^()]*\)", " ", text)  # "(Continued)" does not count, nor "XIV:"
    words = [
        w
        for w in bare.split()
        if sum(c.isalpha() for c in w) >= 2 and not re.fullmatch(r"[IVXLCDM]+[.:,]?", w)
    ]
    capitals = [w for w in words if not any(c.islower() for c in w)]
    if len(words) == 1 and capitals:
        return sum(c.isalpha() for c in words[0]) >= 5
    return len(capitals) >= 2 and len(capitals) >= 0.75 * len(words)


_NAME_PREFIX = re.compile(r"^([DLO]['’]|Mc)(\w)")  # D'Arezzo, L'Estrange, O'Brien, McDermott


def _title_case(text: str) -> str:
    words: list[str] = []
    for n, word in enumerate(text.split(" ")):
        lower = word.lower()
        if re.fullmatch(r"[IVXLCDM]+[.:,]?", word):
            words.append(word)
        elif n > 0 and lower in SMALL_WORDS and not words[-1].endswith((".", ":")):
            words.append(lower)
        elif any(c.islower() for c in word):
            words.append(word)  # written in small letters: kept ("vs.", "(Continued)")
        else:
            first = next((i for i, c in enumerate(lower) if c.isalpha()), 0)
            word = lower[:first] + lower[first : first + 1].upper() + lower[first + 1 :]
            words.append(_NAME_PREFIX.sub(lambda m: f"{m[1]}{m[2].upper()}", word))
    return " ".join(words)


def _short_title(title: str) -> str:
    marked = NOTE_MARK.sub("", title).strip()
    if marked != title.strip() and marked.endswith(".") and not marked.endswith(".."):
        marked = marked[:-1]  # "To the Philharmonic Society in Laibach.[1]"
    title = marked
    title = _readable_case(unemphasised(title.strip("#").strip()))
    if len(title) <= MAX_SECTION_TITLE:
        return title
    return title[: MAX_SECTION_TITLE - 1].rsplit(" ", 1)[0] + "…"


def _numbered_repeats(sections: list[FoundSection]) -> list[FoundSection]:
    """Titles still repeated ("Notes" twice) numbered: "Notes", "Notes (2)"."""
    seen: dict[str, int] = {}
    out = []
    for section in sections:
        key = section.title.casefold()
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:
            suffix = f" ({seen[key]})"
            section = replace(
                section, title=section.title[: MAX_SECTION_TITLE - len(suffix)] + suffix
            )
        out.append(section)
    return out


def _check(sections: list[FoundSection]) -> None:
    if len(sections) > MAX_SECTIONS:
        raise PackError(
            [
                Problem(
                    None, f"{len(sections)} sections were found; a pack has at most {MAX_SECTIONS}"
                )
            ],
            what="This text",
        )
