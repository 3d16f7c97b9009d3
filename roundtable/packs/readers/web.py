"""Saved web pages: the article's text only, as readability (readability-lxml) finds it within
the page's own marked main text (<main>, role=main, <article>) when it has one, or that marked
text itself when readability drops a headed section of it (documentation pages).

Title, author, date and address come from the page's meta tags (else its <h1>, else the
article's part of the window title). Every block of the page outside the article (navigation,
cookie banners, related links, footers) is listed as left out with its line in the saved file,
a run of one kind as one entry.
"""

from __future__ import annotations

import re

import lxml.etree
import lxml.html
from lxml.html import HtmlElement
from readability import Document as Readable

from roundtable.packs.blocks import Document, LeftOut, Meta, Paragraph
from roundtable.packs.readers import html_blocks
from roundtable.packs.readers.plain import error
from roundtable.packs.wrappers import left_out_runs

LOST_SECTION_CHARS = 300
KEPT_SHARE = 0.8  # of the marked main text that readability must keep for its choice to stand
_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([\w-]+)""", re.IGNORECASE)
_COOKIES = re.compile(r"\bcookies?\b", re.IGNORECASE)
_FURNITURE = {
    "nav": "navigation",
    "header": "page header",
    "footer": "page footer",
    "aside": "aside",
}


def decode_html(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    declared = _CHARSET.search(data[:4096])
    for encoding in (declared.group(1).decode("ascii") if declared else "utf-8", "utf-8"):
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("cp1252", errors="replace")


# An XHTML page's XML declaration ('<?xml version="1.0" encoding="us-ascii"?>', as Project
# Gutenberg's pages start): lxml refuses it in text already decoded.
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def read(data: bytes) -> Document:
    html = _XML_DECLARATION.sub("", decode_html(data), count=1)
    try:
        page = lxml.html.document_fromstring(html)
        marked = _marked_main(page)
        # Where the page marks its main text (<main>, role=main, <article>), readability looks
        # only inside it; otherwise it looks at the whole page.
        scope = lxml.html.tostring(marked, encoding="unicode") if marked is not None else html
        readable = Readable(scope)
        article_html = readable.summary(html_partial=True)
        article = lxml.html.fragment_fromstring(article_html, create_parent="div")
    except (lxml.etree.ParserError, ValueError) as exc:
        raise error("this web page could not be read: save it again, or as plain text") from exc
    _restore_headings(article, page)
    found = html_blocks.paragraphs(article)
    if marked is not None:
        # readability keeps the blocks it scores highest: on a documentation page it drops
        # whole sections of short definitions. The marked text itself, when it kept too little.
        own = html_blocks.paragraphs(marked)
        if _lost_a_section(found, own) or _chars(found) < KEPT_SHARE * _chars(own):
            found = own
    scope_element = marked if marked is not None else page.find("body")
    if scope_element is not None:
        found = _restore_dropped(found, html_blocks.paragraphs(scope_element), page)
    lines = _source_lines(page)
    paras = [
        Paragraph(p.text, lines.get(_key(p.text), p.line), p.single_line, p.heading_level)
        for p in found
    ]
    _fill_lines(paras)
    meta = _meta(page)
    if not _content(page, "og:title", "twitter:title"):
        # The article's own <h1> (the importer takes it), else its part of the window title.
        has_h1 = any(p.heading_level == 1 for p in paras)
        meta.title = "" if has_h1 else _window_title(page, paras) or meta.title
    kept = {_key(p.text) for p in paras}
    left = _outside(page, kept)
    return Document("html", paragraphs=paras, meta=meta, left_out=left)


def _short_window_title(page: HtmlElement) -> str:
    """The window title without the site's name after a separator ("Title | Site")."""
    window = " ".join((page.findtext(".//title") or "").split())
    return re.split(r"\s+[|–—·]\s+|\s+-\s+", window)[0]


def _window_title(page: HtmlElement, paras: list[Paragraph]) -> str:
    """The article's part of the window title ("Data Types - The Rust Book" -> "Data Types"):
    the part that is also the article's first heading, or ""."""
    window = " ".join((page.findtext(".//title") or "").split())
    first = next((p.text for p in paras if p.heading_level is not None), "")
    for part in re.split(r"\s+[-|–—·:]\s+", window):
        if part and part.casefold() == first.casefold():
            return part
    return ""


def _lost_a_section(found: list[Paragraph], own: list[Paragraph]) -> bool:
    """A heading of the marked text with a section of text under it that readability left
    out altogether."""
    kept = {_key(p.text) for p in found}
    for index, para in enumerate(own):
        if para.heading_level is None or para.heading_level > 3 or _key(para.text) in kept:
            continue
        under = 0
        for below in own[index + 1 :]:
            if below.heading_level is not None and below.heading_level <= para.heading_level:
                break
            under += len(below.text)
        if under >= LOST_SECTION_CHARS:
            return True
    return False


def _restore_dropped(
    found: list[Paragraph], source: list[Paragraph], page: HtmlElement
) -> list[Paragraph]:
    """Put back what readability dropped from between two blocks it kept when it starts with
    a heading: a heading whose text is all link (ReSpec's), or a whole section of notes and
    lists it scored low. Without them a section's text runs into the one before. Page
    furniture (<nav>, <header>, <footer>, <aside>) stays out."""
    position: dict[str, int] = {}
    for index, para in enumerate(found):
        position.setdefault(_key(para.text), index)
    furniture = _furniture_by_line(page)
    before: dict[int, list[Paragraph]] = {}  # position in `found` -> blocks to put before it
    run: list[Paragraph] = []
    seen_kept = False
    for para in source:
        key = _key(para.text)
        if key in position:
            if run and seen_kept:
                before.setdefault(position[key], []).extend(run)
            run, seen_kept = [], True
        elif key and seen_kept and (run or para.heading_level is not None):
            if furniture.get(para.line, "outside the article") != "outside the article":
                run = []  # a menu or a footer: never the article's
            else:
                run.append(para)
    if not before:
        return found
    out: list[Paragraph] = []
    for index, para in enumerate(found):
        out += before.get(index, [])
        out.append(para)
    return out


def _chars(paras: list[Paragraph]) -> int:
    return sum(len(p.text) for p in paras)


def _marked_main(page: HtmlElement) -> HtmlElement | None:
    """The page's own main text: its one <main>, role=main or <article> element (the one with
    the most text when there are several), without asides inside it."""
    found = page.xpath("//main | //*[@role='main'] | //article")
    if not found:
        return None
    best = max(found, key=lambda e: len(e.text_content()))
    copy = lxml.html.fromstring(lxml.html.tostring(best))
    for aside in copy.xpath(".//aside | .//*[contains(@class, 'headerlink')]"):
        aside.drop_tree()
    return copy


def _restore_headings(article: HtmlElement, page: HtmlElement) -> None:
    """readability drops a link inside a heading (`<h2 id=x><a href=#x>Title</a></h2>`, as
    documentation sites write them), leaving the heading empty: its text comes from the page."""
    for heading in article.iter(*html_blocks.HEADINGS):
        anchor = heading.get("id")
        if heading.text_content().strip() or not anchor:
            continue
        found = page.xpath("//*[@id=$id]", id=anchor)
        if found:
            heading.text = " ".join(found[0].text_content().split())


def _key(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())[:200]


def _source_lines(page: HtmlElement) -> dict[str, int]:
    lines: dict[str, int] = {}
    for para in html_blocks.paragraphs(page):
        lines.setdefault(_key(para.text), para.line)
    return lines


def _fill_lines(paras: list[Paragraph]) -> None:
    """A paragraph readability rewrote gets the line of the one before it."""
    last = 1
    for index, para in enumerate(paras):
        if para.line:
            last = para.line
        else:
            paras[index] = Paragraph(para.text, last, para.single_line, para.heading_level)


def _outside(page: HtmlElement, kept: set[str]) -> list[LeftOut]:
    """Every block of the page outside the article, a run of blocks of one kind (a menu, a
    footer) as one entry."""
    body = page.find("body")
    if body is None:
        return []
    furniture = _furniture_by_line(page)
    blocks = html_blocks.paragraphs(body)
    reasons: dict[int, str] = {}
    for index, para in enumerate(blocks):
        key = _key(para.text)
        if key and key not in kept:
            reasons[index] = (
                "cookie notice"
                if _COOKIES.search(para.text)
                else furniture.get(para.line, "outside the article")
            )
    return left_out_runs(blocks, reasons)


def _furniture_by_line(page: HtmlElement) -> dict[int, str]:
    """Source line -> what page furniture (<nav>, <header>, <footer>, <aside>) the first
    element on it sits in; one pass over the page."""
    found: dict[int, str] = {}
    for element in page.iter():
        line = getattr(element, "sourceline", None)
        if not isinstance(element.tag, str) or line is None or line in found:
            continue
        for ancestor in (element, *element.iterancestors()):
            tag = ancestor.tag if isinstance(ancestor.tag, str) else ""
            if tag in _FURNITURE:
                found[line] = _FURNITURE[tag]
                break
        else:
            found[line] = "outside the article"
    return found


def _content(page: HtmlElement, *names: str) -> str:
    """The first of these <meta> tags the page has."""
    for name in names:
        for attr in ("property", "name", "itemprop"):
            found = page.xpath(f"//meta[@{attr}=$n]/@content", n=name)
            if found and str(found[0]).strip():
                return " ".join(str(found[0]).split())
    return ""


def _meta(page: HtmlElement) -> Meta:
    def content(*names: str) -> str:
        return _content(page, *names)

    canonical = page.xpath("//link[@rel='canonical']/@href")
    return Meta(
        title=content("og:title", "twitter:title") or _short_window_title(page),
        author=content("author", "article:author", "byl", "dc.creator"),
        date=content("article:published_time", "date", "dc.date", "datePublished")[:10],
        source=(str(canonical[0]) if canonical else "") or content("og:url"),
    )
