"""PDF: the text layer, page by page (pypdf, layout mode, which keeps the gaps between
paragraphs), without running headers and footers (a line at a page's edge on most pages, or on
consecutive pages with its page number changing: "Chapter 2: Parsing 7") and page numbers,
with words hyphenated across a line break joined again and paragraphs continued across pages.
Each line's font size and weight (readers/pdf_layout.py) mark the lines set as headings, keep a
heading that opens a page from being taken for a running header, and give the title of a PDF
whose metadata has none.

Line numbers of what is left out are pages: a moderator finds things in a PDF by page.
"""

from __future__ import annotations

import re
from collections import Counter
from io import BytesIO

from pypdf import PageObject, PdfReader
from pypdf.errors import PdfReadError, PyPdfError

from roundtable.packs.blocks import Document, LeftOut, Meta, excerpt
from roundtable.packs.readers import pdf_layout as layout
from roundtable.packs.readers.plain import error, normalise

MAX_PAGES = 600  # text and layout take ~40 ms a page: at most half a minute
_PAGE_NUMBER = re.compile(
    r"^[-–—\s]*(page\s+)?(\d{1,4}|[ivxlc]{1,7})(\s+(of|/)\s+\d{1,4})?[-–—\s]*$", re.IGNORECASE
)
_HYPHENATED = re.compile(r"(\w)-\n(\s*)([a-z]+)")
EDGE = 3  # lines at the top and bottom of a page where headers and footers live


def read(data: bytes) -> Document:
    pages, settings, meta = _pages(data)
    if sum(len(page.strip()) for page in pages) < 20:
        raise error(
            "this PDF has no text layer, only images of pages (a scan?): run it through text "
            "recognition (OCR) or import a text version"
        )
    if _wordlike_share(pages) < READABLE:
        raise error(
            "this PDF's text cannot be read: its fonts do not say which letters they draw, so "
            "the text comes out as symbols, not words (old TeX output does this): make the PDF "
            "again with a newer tool, or import a text version"
        )
    split = [normalise(_columns(page)).split("\n") for page in pages]
    body = layout.body_size(split, settings)
    sizes = layout.heading_sizes(settings, body)
    levels = [
        [layout.heading_level(line, found.get(layout.key(line)), body, sizes) for line in lines]
        for lines, found in zip(split, settings, strict=True)
    ]
    split = _respaced(split, levels, settings)
    if not meta.title and split:
        later = max((s.size for found in settings[1:] for s in found.values()), default=0.0)
        meta.title = layout.first_page_title(split[0], settings[0], body, later)
    kept, left = _without_furniture(split, levels)
    authors = _author_block(*kept[0], meta.title) if kept and meta.title else None
    if authors:
        first, end, names = authors
        lines, level_of = kept[0]
        block = [line.strip() for line in lines[first:end] if line.strip()]
        left.append(LeftOut("authors", 1, excerpt(" / ".join(block)), "page"))
        kept[0] = (lines[:first] + lines[end:], level_of[:first] + level_of[end:])
        # A metadata author the first page does not name is the PDF tool's user ("Bryan").
        if not any(word in names for word in meta.author.split()):
            meta.author = names
    text_lines: list[str] = []
    page_of_line: list[int] = []
    headings: dict[int, int] = {}
    for number, (lines, level_of) in enumerate(kept, start=1):
        while lines and not lines[0]:
            lines, level_of = lines[1:], level_of[1:]
        while lines and not lines[-1]:
            lines, level_of = lines[:-1], level_of[:-1]
        if not lines:
            continue
        # A sentence running on from the page before (no full stop there, a lower-case word
        # here) continues its paragraph; otherwise a new paragraph starts.
        runs_on = text_lines and text_lines[-1].rstrip("\"'”’)")[-1:] not in ".!?:"
        if text_lines and not (runs_on and lines[0][:1].islower()):
            text_lines.append("")
            page_of_line.append(number)
        for line, level in zip(*_apart(lines, level_of, len(sizes)), strict=True):
            text_lines.append(line)
            page_of_line.append(number)
            if level:
                headings[len(text_lines)] = level
    text = _join_hyphenated("\n".join(text_lines))
    return Document(
        "pdf", text=text, meta=meta, left_out=left, unit="page", pages=page_of_line,
        headings=headings,
    )  # fmt: skip


def _pages(data: bytes) -> tuple[list[str], list[dict[str, layout.Setting]], Meta]:
    try:
        reader = PdfReader(BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise error("this PDF is protected by a password: save an unprotected copy")
        if len(reader.pages) > MAX_PAGES:
            raise error(f"this PDF has {len(reader.pages):,} pages; the limit is {MAX_PAGES:,}")
        info = reader.metadata
        meta = Meta(
            title=meta_title(str(info.title or "")) if info else "",
            author=" ".join(str(info.author or "").split()) if info else "",
        )
        pages = list(reader.pages)
        return [_page_text(p) for p in pages], [layout.page_settings(p) for p in pages], meta
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError) as exc:
        raise error(
            "this PDF could not be read (damaged, incomplete or not really a PDF): save it "
            "again or import a text version"
        ) from exc


_EBOOK_PREFIX = re.compile(r"^the project gutenberg e-?book,?\s*(#\d+)?\s*(:|,|of)?\s*", re.I)
# What a word processor or a typesetter writes when the author set no title.
_NO_TITLE = re.compile(
    r"^(microsoft (word|powerpoint|excel)\s*-|untitled\b|document\s*\d*$|slide\s*\d*$"
    r"|arxiv:\S+\d)"  # arXiv's stamp: "arXiv:quant-ph/9508027v2 25 Jan 1996"
    r"|\.(docx?|odt|rtf|tex|dvi|ps|pdf|pptx?|indd)$",
    re.IGNORECASE,
)


def meta_title(raw: str) -> str:
    """The metadata's title as a reader would write it: without an e-book's "The Project
    Gutenberg eBook #41568:" or a closing full stop; nothing when it is a file name or a word
    processor's placeholder (the title then comes from the first page)."""
    title = " ".join(raw.split())
    if _NO_TITLE.search(title):
        return ""
    title = _EBOOK_PREFIX.sub("", title)
    return title[:-1] if title.endswith(".") and not title.endswith("..") else title


def _page_text(page: PageObject) -> str:
    try:
        return page.extract_text(extraction_mode="layout") or ""
    except (PdfReadError, ValueError, KeyError, ZeroDivisionError):
        return page.extract_text() or ""


READABLE = 0.4  # at least this share of the words must look like words
_WORDLIKE = re.compile(r"[(\"'“‘\[]?[^\W\d_]+([-'’][^\W\d_]+)*[)\"'”’.,;:!?\]]*")


def _wordlike_share(pages: list[str], sample: int = 5000) -> float:
    """The share of the first `sample` words that are letters with punctuation round them:
    above 0.85 on real papers, code listings and formulas included; 0.10 on a paper whose
    font has no character map ("Z\\[*tGb\\~ `e~ ]?lhtab")."""
    words: list[str] = []
    for page in pages:
        words += page.split()
        if len(words) >= sample:
            break
    words = words[:sample]
    return sum(1 for word in words if _WORDLIKE.fullmatch(word)) / len(words) if words else 1.0


RESPACED_BODY = 0.02  # at most this share of body lines spaced otherwise by the plain text


AUTHOR_LINES = 12  # an author block on a paper's first page is at most this many lines
_BLOCK_END = re.compile(
    r"^\s*((\d{1,2}|[IVX]{1,4})\.?\s+[A-Z]|(abstract|summary|keywords|introduction|contents)\b)",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"[(<]?\S+@\S+[)>]?")
_NAME_SPLIT = re.compile(r"\s{3,}|,\s*|\s+and\s+|\s*&\s*|;\s*")
_NAME_TOKEN = re.compile(r"(?:[A-Z][^\s,;()]*|van|von|de|der|da|di|du|le|la)$")
_HONORIFIC = re.compile(r"^(by|prof\.?|professor|dr\.?)\s+", re.IGNORECASE)
_NOT_A_NAME = re.compile(
    r"\b(universit\w*|college|institut\w*|laborator\w*|lab|department|dept|school|cent(er|re)"
    r"|research|inc|ltd|llc|gmbh|corporation|corp|company|foundation|technical|report"
    r"|science|sciences|engineering|computer|computing|faculty|group|press|journal"
    r"|conference|symposium|proceedings|society|usa|uk|street|road|avenue|ave)\b",
    re.IGNORECASE,
)


def _author_block(lines: list[str], levels: list[int], title: str) -> tuple[int, int, str] | None:
    """On a paper's first page, the lines between its title and its text (the authors, their
    addresses and e-mails, a date, a report number): (first line, end, the authors' names).
    None when the title is not at the top of the page, or the lines below it name nobody."""
    end = _title_end(lines, title)
    if end is None:
        return None
    block: list[int] = []
    for index in range(end, len(lines)):
        line = lines[index].strip()
        if not line:
            continue
        # Authors and addresses are often set larger than the body, all in one size: a line
        # set in another size than the block's first is a heading.
        other_size = levels[index] and block and levels[index] != levels[block[0]]
        if other_size or _BLOCK_END.match(line) or _prose(line):
            break
        block.append(index)
        if len(block) > AUTHOR_LINES:
            return None
    names: list[str] = []
    for index in block:
        rest = _EMAIL.sub(" ", lines[index]).strip()
        if layout.key(rest) == layout.key(title) or not rest:
            continue  # the title again, or an e-mail address alone
        found = [name for name in map(_name, _NAME_SPLIT.split(rest)) if name]
        if not found:
            break  # the names come first; an address's "Palo Alto" is no author
        names += [name for name in found if name not in names]
    if not block or not names:
        return None
    return block[0], block[-1] + 1, ", ".join(names[:8])


def _title_end(lines: list[str], title: str) -> int | None:
    """The index after the title's last line, when the title is set among the first lines."""
    wanted = layout.key(title)
    filled = [i for i, line in enumerate(lines) if line.strip()][:12]
    for start in range(len(filled)):
        joined = ""
        for index in filled[start:]:
            joined += layout.key(lines[index])
            if joined.startswith(wanted) and len(joined) <= len(wanted) + 3:
                return index + 1  # a footnote mark or two after the title ("Design1")
            if not wanted.startswith(joined):
                break
    return None


def _prose(line: str) -> bool:
    """A line of running text: long, or six words or more, most in lower case."""
    words = line.split()
    lower = sum(1 for w in words if w[:1].islower())
    return len(line) > 110 or (len(words) >= 6 and lower * 2 >= len(words))


def _name(part: str) -> str:
    """A person's name as a paper prints it ("Peter W. Shor†", "J.H. Saltzer"), or ""."""
    part = _HONORIFIC.sub("", re.sub(r"[*∗†‡§¹²³⁴\d]+(?=\s|$)", "", part.strip(" :"))).strip()
    tokens = part.split()
    if not 2 <= len(tokens) <= 5 or _NOT_A_NAME.search(part):
        return ""
    if not all(_NAME_TOKEN.match(t) for t in tokens) or not tokens[-1][:1].isupper():
        return ""
    if len(tokens) > 3 and part.isupper():
        return ""  # a heading in capitals
    return part


def _respaced(
    pages: list[list[str]], levels: list[list[int]], settings: list[dict[str, layout.Setting]]
) -> list[list[str]]:
    """Headings with the word gaps the plain extraction finds (layout.respace): a typesetter
    that places words by position can have them glued in layout mode ("Thememory layout").
    Only when the plain extraction agrees with the layout text on nearly all body lines: in a
    PDF that spaces letters one by one (a word processor's justified text), the plain text
    breaks words ("Re views") and the layout text is the one to keep."""
    body = changed = 0
    for lines, level_of, found in zip(pages, levels, settings, strict=True):
        for line, level in zip(lines, level_of, strict=True):
            if not level and len(line) >= 10:
                body += 1
                changed += layout.respace(line, found.get(layout.key(line))) != line
    if changed > RESPACED_BODY * body:
        return pages
    return [
        [
            layout.respace(line, found.get(layout.key(line))) if level else line
            for line, level in zip(lines, level_of, strict=True)
        ]
        for lines, level_of, found in zip(pages, levels, settings, strict=True)
    ]


def _apart(lines: list[str], levels: list[int], larger: int) -> tuple[list[str], list[int]]:
    """A line set larger than the body (level `larger` or above) is a paragraph of its own: a
    blank line before and after it (in two columns, and in tightly set papers, nothing else
    parts it from the text). A bold line at the body's size is not parted: a keyword in a code
    listing is bold too."""
    out: list[str] = []
    out_levels: list[int] = []
    for index, (line, level) in enumerate(zip(lines, levels, strict=True)):
        own = 0 < level <= larger
        # A heading that wraps stays one paragraph: no blank between its lines.
        if own and out and out[-1] and out_levels[-1] != level:
            out.append("")
            out_levels.append(0)
        out.append(line)
        out_levels.append(level)
        following = levels[index + 1] if index + 1 < len(lines) else 0
        if own and index + 1 < len(lines) and lines[index + 1] and following != level:
            out.append("")
            out_levels.append(0)
    return out, out_levels


GUTTER = 3  # blank characters between two columns, at least


def _columns(page: str) -> str:
    """A page set in two columns, one column after the other. pypdf's layout text keeps each
    line's position, so the two columns of a paper come out side by side, a line of each on one
    line of text; where most lines are blank at the same place near the middle and many have
    text on both sides of it, that place is the gutter. Lines across it (a title, a wide
    figure) stay whole where they are, the columns above them read first."""
    lines = page.split("\n")
    filled = [line for line in lines if line.strip()]
    width = max((len(line) for line in filled), default=0)
    if len(filled) < 10 or width < 60:
        return page
    gutter = _gutter(filled, width)
    if gutter is None:
        return page
    result: list[str] = []
    left: list[str] = []
    right: list[str] = []
    for line in lines:
        before, after = line[:gutter], line[gutter:]
        if before.strip() and after.strip() and not _blank(line, gutter):
            result += [*_in_turn(left, right), line] if left else [line]
            left, right = [], []
        else:
            left.append(before.rstrip())
            right.append(after.strip())
    return "\n".join([*result, *_in_turn(left, right)])


def _in_turn(left: list[str], right: list[str]) -> list[str]:
    """The left column, then the right: a blank line between (a new paragraph), none when a
    sentence runs on from the foot of the one to the head of the other."""
    while left and not left[-1].strip():
        left = left[:-1]
    while right and not right[0].strip():
        right = right[1:]
    last = left[-1].rstrip("\"'”’)") if left else ""
    runs_on = last and last[-1:] not in ".!?:" and right and right[0].strip()[:1].islower()
    return [*left, *([] if runs_on else [""]), *right]


def _blank(line: str, x: int) -> bool:
    return not line[x - GUTTER + 1 : x + 1].strip()


def _gutter(lines: list[str], width: int) -> int | None:
    """The column where at least 85 % of the lines are blank and 40 % have text both sides;
    of several, the one with the most such lines (then the one nearest the middle)."""
    best: tuple[int, int, int] | None = None
    for x in range(int(width * 0.3), int(width * 0.7)):
        clear = sum(1 for line in lines if _blank(line, x))
        if clear < 0.85 * len(lines):
            continue
        both = sum(1 for line in lines if _blank(line, x) and line[:x].strip() and line[x:].strip())
        if both >= 0.4 * len(lines):
            score = (both, -abs(x - width // 2), x)
            best = score if best is None or score > best else best
    return best[2] if best else None


def _shape(line: str) -> str:
    return re.sub(r"\d+", "#", line.casefold()).strip()


def _without_furniture(
    pages: list[list[str]], levels: list[list[int]]
) -> tuple[list[tuple[list[str], list[int]]], list[LeftOut]]:
    """Lines at a page's top or bottom that repeat on most pages (a running header, a footer
    with the page number) and page numbers alone are left out; each page's kept lines come
    with their heading levels. A line set as a heading (larger than the body) is a heading,
    even at the top of a page with its number changing from one to the next ("Section 5."),
    unless the same line is on most pages."""
    edges: Counter[str] = Counter()
    exact: Counter[str] = Counter(line.strip() for lines in pages for line in set(lines) if line)
    runs: Counter[str] = Counter()  # the longest run of consecutive pages a shape is on
    current: dict[str, int] = {}
    variants: dict[str, set[str]] = {}
    for lines in pages:
        body = [line for line in lines if line]
        edge_lines = body[:EDGE] + body[-EDGE:]
        shapes = {_shape(line) for line in edge_lines}
        for line in edge_lines:
            variants.setdefault(_shape(line), set()).add(line)
        edges.update(shapes)
        current = {shape: current.get(shape, 0) + 1 for shape in shapes}
        for shape, run in current.items():
            runs[shape] = max(runs[shape], run)

    def running_head(shape: str) -> bool:
        """On pages running with its number changing ("Chapter 2: Parsing 3", "... 4"), or
        unchanged on three pages running."""
        numbered = "#" in shape and len(variants[shape]) >= 2
        return runs[shape] >= (2 if numbered else 3)

    # On most pages (the document's title), or a chapter's running head.
    repeated = {
        shape
        for shape, n in edges.items()
        if len(pages) >= 2 and (n >= max(2, len(pages) / 2) or running_head(shape))
    }
    kept: list[tuple[list[str], list[int]]] = []
    left: list[LeftOut] = []
    reported: set[str] = set()
    numbers = False
    for number, (lines, level_of) in enumerate(zip(pages, levels, strict=True), start=1):
        filled = [i for i, line in enumerate(lines) if line]
        edge = set(filled[:EDGE] + filled[-EDGE:])
        out: list[str] = []
        out_levels: list[int] = []
        for index, line in enumerate(lines):
            shape = _shape(line)
            heading = level_of[index] > 0 and exact[line.strip()] < max(2, len(pages) / 2)
            if (
                index in edge
                and line
                and not heading
                and (shape in repeated or _PAGE_NUMBER.match(line))
            ):
                numbers = numbers or bool(_PAGE_NUMBER.match(line))
                if shape not in reported and not _PAGE_NUMBER.match(line):
                    left.append(LeftOut("page header or footer", number, excerpt(line), "page"))
                    reported.add(shape)
            else:
                out.append(line)
                out_levels.append(level_of[index])
        kept.append((out, out_levels))
    if numbers:
        left.append(
            LeftOut("page numbers", 1, "numbers alone at the top or bottom of pages", "page")
        )
    return kept, left


def _join_hyphenated(text: str) -> str:
    """ "exam-\\nple" -> "example\\n" (keeping the line count)."""
    return _HYPHENATED.sub(lambda m: f"{m.group(1)}{m.group(3)}\n{m.group(2)}", text)
