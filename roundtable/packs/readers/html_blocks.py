"""HTML elements as paragraphs: headings keep their level, lists and tables become lines,
emphasis and code stay Markdown, links are written "text (url)", images as their alt text;
scripts, styles, forms and page navigation inside an element are no text."""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from roundtable.packs.blocks import Paragraph
from roundtable.packs.readers.plain import normalise

HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
SKIPPED = {
    "script", "style", "noscript", "template", "nav", "form", "button", "select", "svg",
    "iframe", "head", "title", "meta", "link", "input", "textarea", "dialog",
}  # fmt: skip
TEXT_BLOCKS = {"p", "pre", "blockquote", "dt", "dd", "figcaption", "caption", "address", "li"}
BLOCKS = {
    *HEADINGS, *TEXT_BLOCKS, "div", "section", "article", "main", "header", "footer", "aside",
    "ul", "ol", "dl", "table", "figure", "body", "hr", "details", "summary", "center",
}  # fmt: skip
_INLINE_MARK = {"em": "*", "i": "*", "strong": "**", "b": "**", "code": "`", "s": "~~"}


def paragraphs(root: HtmlElement, *, line: int = 0) -> list[Paragraph]:
    """The paragraphs under `root`; `line` stands in for elements without a source line."""
    out: list[Paragraph] = []
    _walk(root, out, line)
    return out


def _tag(element: HtmlElement) -> str:
    return element.tag.lower() if isinstance(element.tag, str) else ""


def _add(
    out: list[Paragraph], text: str, element: HtmlElement, line: int, level: int | None
) -> None:
    text = "\n".join(normalise(text).split("\n")).strip()
    text = re.sub(r"\n{2,}", "\n", text)
    if text:
        where = getattr(element, "sourceline", None) or line
        out.append(Paragraph(text, where, "\n" not in text, level))


def _page_number(element: HtmlElement) -> bool:
    """A printed book's page number kept in the margin ("[Pg 12]", Project Gutenberg's
    `<span class="pagenum">`): not the text."""
    return bool(_PAGE_NUMBER_CLASS.search(element.get("class") or ""))


_PAGE_NUMBER_CLASS = re.compile(r"\bpage-?(num|no|number)\w*\b", re.IGNORECASE)


def _walk(element: HtmlElement, out: list[Paragraph], line: int) -> None:
    tag = _tag(element)
    if tag in SKIPPED or not tag or _page_number(element):
        return
    if tag in HEADINGS:
        # Without the permalink sign documentation sites put after a heading ("Menus¶").
        title = inline(element).replace("\n", " ").strip().rstrip("¶§🔗#").strip()
        _add(out, title, element, line, HEADINGS[tag])
    elif tag in ("ul", "ol"):
        items = [inline(c).replace("\n", " ").strip() for c in element if _tag(c) == "li"]
        lines = [
            f"{n}. {item}" if tag == "ol" else f"- {item}"
            for n, item in enumerate(items, start=1)
            if item
        ]
        _add(out, "\n".join(lines), element, line, None)
    elif tag == "dl":
        # A definition list: one line a term, "**term**: its definition".
        terms: list[str] = []
        for child in element:
            text = inline(child).replace("\n", " ").strip()
            if _tag(child) == "dt" and text:
                terms.append(f"**{text}**")
            elif _tag(child) == "dd" and text:
                if terms and terms[-1].startswith("**") and terms[-1].endswith("**"):
                    terms[-1] += f": {text}"
                else:
                    terms.append(text)
        _add(out, "\n".join(terms), element, line, None)
    elif tag == "table":
        rows = []
        for row in element.iter("tr"):
            cells = [inline(c).replace("\n", " ") for c in row if _tag(c) in ("td", "th")]
            if any(cells):
                rows.append(" | ".join(cells))
        _add(out, "\n".join(rows), element, line, None)
    elif tag == "blockquote":
        # Its paragraphs, or its lines when it has none (`<b>CONTENTS</b><br/>INTRODUCTION…`).
        inner: list[Paragraph] = []
        if _has_blocks(element):
            _walk_mixed(element, inner, line)
        text = "\n".join(p.text for p in inner) or inline(element)
        _add(out, "\n".join("> " + t for t in text.split("\n")), element, line, None)
    elif tag == "pre":
        _add(out, "```\n" + element.text_content().strip("\n") + "\n```", element, line, None)
    elif tag in TEXT_BLOCKS and not _has_blocks(element):
        _add(out, inline(element), element, line, None)
    else:
        _walk_mixed(element, out, line)


def _walk_mixed(element: HtmlElement, out: list[Paragraph], line: int) -> None:
    """A block holding blocks: text and inline elements between them are one paragraph
    ("text <a>link</a> text"), read as Markdown when they hold a Markdown heading (ReSpec's
    Markdown sections)."""
    run: list[str] = [element.text or ""]
    for child in element:
        if not _tag(child):
            pass  # a comment or processing instruction: no text, but its tail is
        elif _tag(child) in BLOCKS or _tag(child) in SKIPPED:
            _add_loose(out, "".join(run), element, line)
            run = []
            _walk(child, out, line)
        else:
            run.append(_piece(child))
        run.append(child.tail or "")
    _add_loose(out, "".join(run), element, line)


_MARKDOWN_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*(\{#[\w-]+\})?\s*$", re.MULTILINE)


def _add_loose(out: list[Paragraph], text: str, element: HtmlElement, line: int) -> None:
    """Loose text in a block element: one paragraph; or, when it holds Markdown headings
    ("## Introduction {#intro}"), its headings and the paragraphs between its blank lines."""
    if not text.strip():
        return
    if not _MARKDOWN_HEADING.search(text):
        _add(out, _spaces(text), element, line, None)
        return
    for chunk in re.split(r"\n\s*\n", text):
        heading = _MARKDOWN_HEADING.match(chunk.strip())
        if heading:
            _add(out, heading.group(2), element, line, len(heading.group(1)))
        elif chunk.strip():
            _add(out, _spaces(chunk), element, line, None)


def _has_blocks(element: HtmlElement) -> bool:
    return any(_tag(d) in BLOCKS for d in element.iterdescendants())


def inline(element: HtmlElement) -> str:
    """An element's text with its inline formatting as Discord shows it."""
    parts: list[str] = [_spaces(element.text)]
    for child in element:
        parts.append(_piece(child))
        parts.append(_spaces(child.tail))
    return re.sub(r" *\n *", "\n", "".join(parts))


def _piece(child: HtmlElement) -> str:
    """One inline element as it reads in its paragraph (without its tail)."""
    tag = _tag(child)
    if tag in SKIPPED or not tag or _page_number(child):
        return ""
    if tag == "br":
        return "\n"
    if tag == "img":
        alt = (child.get("alt") or "").strip()
        return f"(image: {alt})" if alt else ""
    if tag == "a":
        label = inline(child)
        href = (child.get("href") or "").strip()
        web = href.startswith(("http://", "https://"))
        return f"{label} ({href})" if web and label.strip() != href else label
    if tag in _INLINE_MARK and inline(child).strip():
        mark = _INLINE_MARK[tag]
        return f"{mark}{inline(child).strip()}{mark}"
    return inline(child)


def _spaces(text: str | None) -> str:
    """Whitespace in HTML source is one space (a line break is <br>)."""
    return re.sub(r"\s+", " ", text or "")
