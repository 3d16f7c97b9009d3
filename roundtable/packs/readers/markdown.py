"""Markdown articles: CommonMark (with tables and strikethrough) read by markdown-it-py.

Headings keep their level for the importer to choose from; formatting becomes what Discord
shows: emphasis and code stay Markdown, links are written as "text (url)", images as their
alt text, lists and quotes as Discord lists and quotes, tables as one line a row; HTML comments
and thematic breaks are left out and listed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import lxml.etree
import lxml.html
from markdown_it import MarkdownIt
from markdown_it.token import Token

from roundtable.packs.blocks import Document, LeftOut, Meta, Paragraph, excerpt
from roundtable.packs.readers import front_matter
from roundtable.packs.readers.plain import is_wrapped
from roundtable.text import INVISIBLE

# markdown-it-py takes ~100 µs and ~2 KB a line of a long list: a file with more lines than this
# (a 1 MB list of 140,000 items took 14 s and 300 MB) is read as plain text instead.
MAX_PARSED_LINES = 40_000
_PARSER = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
_INLINE_MARKS = {
    "strong_open": "**",
    "strong_close": "**",
    "em_open": "*",
    "em_close": "*",
    "s_open": "~~",
    "s_close": "~~",
}


def read(text: str) -> Document:
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(INVISIBLE)
    front, body = front_matter.split(text)
    meta = front_matter.meta(front) if front is not None else Meta()
    if body.count("\n") > MAX_PARSED_LINES:
        return Document("text", text=body, meta=meta)
    doc = Document("markdown", paragraphs=[], meta=meta)
    assert doc.paragraphs is not None
    tokens = _PARSER.parse(body)
    index = 0
    while index < len(tokens):
        token = tokens[index]
        end = _block_end(tokens, index)
        line = token.map[0] + 1 if token.map else 1
        if token.type == "heading_open":
            level = int(token.tag[1])
            title = _HEADING_ATTRIBUTES.sub("", _inline(tokens[index + 1]))
            doc.paragraphs.append(Paragraph(title, line, True, level))
        elif token.type == "hr":
            doc.left_out.append(LeftOut("separator line", line, token.markup))
        elif token.type == "html_block":
            kept = _html_text(token.content)
            if kept:
                doc.paragraphs.append(Paragraph(kept, line, "\n" not in kept))
            else:
                doc.left_out.append(LeftOut("HTML comment or markup", line, excerpt(token.content)))
        else:
            rendered = _SHORTCODE.sub("", _block(tokens[index : end + 1])).strip()
            if rendered:
                doc.paragraphs.append(Paragraph(rendered, line, "\n" not in rendered))
            elif _SHORTCODE.search(token.content or _raw(tokens[index : end + 1])):
                doc.left_out.append(
                    LeftOut("site template code", line, excerpt(_raw(tokens[index : end + 1])))
                )
        index = end + 1
    return doc


# A heading's id or class as Hugo, kramdown and Pandoc write them: "## Testing {#testing}".
_HEADING_ATTRIBUTES = re.compile(r"\s*\{[#.][^{}]*\}\s*$")

# Static-site template tags ("{{< figure src=x >}}", "{{% note %}}", "{% include x %}"): the
# site's machinery, not the article's text.
_SHORTCODE = re.compile(r"\{\{[<%].*?[%>]\}\}|\{%.*?%\}", re.DOTALL)


def _raw(tokens: Sequence[Token]) -> str:
    return " ".join(t.content for t in tokens if t.content)


def _block_end(tokens: Sequence[Token], start: int) -> int:
    """Index of the token closing the block that opens at `start`."""
    if tokens[start].nesting != 1:
        return start
    depth = 0
    for index in range(start, len(tokens)):
        depth += tokens[index].nesting
        if depth == 0:
            return index
    return len(tokens) - 1


def _block(tokens: Sequence[Token]) -> str:
    first = tokens[0]
    if first.type == "paragraph_open":
        return _inline(tokens[1])
    if first.type in ("fence", "code_block"):
        return "```\n" + first.content.rstrip("\n") + "\n```"
    if first.type in ("bullet_list_open", "ordered_list_open"):
        return "\n".join(_list_lines(tokens, 0))
    if first.type == "blockquote_open":
        inner = _blocks_within(tokens[1:-1])
        return "\n".join("> " + line if line else ">" for line in "\n".join(inner).split("\n"))
    if first.type == "table_open":
        return "\n".join(_table_rows(tokens))
    return "\n".join(_blocks_within(tokens[1:-1]))


def _blocks_within(tokens: Sequence[Token]) -> list[str]:
    out = []
    index = 0
    while index < len(tokens):
        end = _block_end(tokens, index)
        if tokens[index].nesting == 1 or tokens[index].type in ("fence", "code_block"):
            rendered = _block(tokens[index : end + 1])
            if rendered:
                out.append(rendered)
        index = end + 1
    return out


def _list_lines(tokens: Sequence[Token], depth: int) -> list[str]:
    ordered = tokens[0].type == "ordered_list_open"
    number = int(tokens[0].attrGet("start") or 1) if ordered else 1
    lines: list[str] = []
    index = 1
    while index < len(tokens) - 1:
        end = _block_end(tokens, index)
        if tokens[index].type == "list_item_open":
            marker = f"{number}." if ordered else "-"
            number += 1
            first = True
            inner = tokens[index + 1 : end]
            j = 0
            while j < len(inner):
                k = _block_end(inner, j)
                block = inner[j : k + 1]
                if block[0].type in ("bullet_list_open", "ordered_list_open"):
                    lines += _list_lines(block, depth + 1)
                else:
                    text = _block(block)
                    if text:
                        pad = "  " * depth + (marker + " " if first else "   ")
                        lines.append(pad + text.replace("\n", " "))
                        first = False
                j = k + 1
        index = end + 1
    return lines


def _table_rows(tokens: Sequence[Token]) -> list[str]:
    rows: list[str] = []
    cells: list[str] = []
    header = False
    for token in tokens:
        if token.type == "thead_open":
            header = True
        elif token.type == "thead_close":
            header = False
        elif token.type == "tr_open":
            cells = []
        elif token.type == "inline":
            cells.append(_inline(token))
        elif token.type == "tr_close":
            line = " | ".join(cells)
            rows.append(f"**{line}**" if header and line else line)
    return rows


def _inline(token: Token) -> str:
    out: list[str] = []
    links: list[str] = []
    for child in token.children or []:
        kind = child.type
        if kind == "text":
            out.append(child.content)
        elif kind in _INLINE_MARKS:
            out.append(_INLINE_MARKS[kind])
        elif kind == "code_inline":
            out.append(f"`{child.content}`")
        elif kind == "softbreak":
            out.append("\n")
        elif kind == "hardbreak":
            out.append("\n")
        elif kind == "image":
            alt = child.content.strip()
            out.append(f"(image: {alt})" if alt else "")
        elif kind == "link_open":
            links.append(str(child.attrGet("href") or ""))
            out.append("\x00")  # where the link text starts
        elif kind == "link_close":
            href = links.pop() if links else ""
            start = len(out) - 1 - out[::-1].index("\x00")
            label = "".join(out[start + 1 :])
            # A link within the site ("#section", "/docs/x") means nothing in Discord.
            web = href.startswith(("http://", "https://"))
            out[start:] = [f"{label} ({href})" if web and label.strip() != href else label]
        elif kind == "html_inline":
            continue
    text = "".join(out).strip()
    lines = [line.strip() for line in text.split("\n")]
    return " ".join(lines) if len(lines) > 1 and is_wrapped(lines) else "\n".join(lines)


def _html_text(html: str) -> str:
    """The text of an HTML block (a comment has none)."""
    try:
        element = lxml.html.fragment_fromstring(html, create_parent="div")
    except (lxml.etree.ParserError, ValueError):  # broken markup: no text of its own
        return ""
    return " ".join(element.text_content().split())
