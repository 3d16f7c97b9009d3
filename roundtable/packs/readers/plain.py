"""Plain text: decoding, normalising, and cutting into paragraphs.

Hard-wrapped prose (e-texts wrap at ~70 columns) is joined into paragraphs; one paragraph a line
(articles copied from the web) is kept a line a paragraph; verse, lists and addresses keep their
lines.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from roundtable.packs.blocks import LIST_ITEM, Paragraph
from roundtable.packs.format import PackError, Problem
from roundtable.packs.headings import heading_like, wrapped_heading
from roundtable.text import INVISIBLE

MAX_IMPORT_BYTES = 1_000_000


def error(message: str, line: int | None = None) -> PackError:
    return PackError([Problem(line, message)], what="This text")


def too_long(chars: int, *, more: bool = False) -> str:
    """A text over the limit; `more` when reading stopped at `chars`, before its end."""
    size = f"more than {chars:,}" if more else f"{chars:,}"
    return (
        f"its text is {size} characters; the limit is {MAX_IMPORT_BYTES:,} (about 250 pages): "
        "import a part of it"
    )


# -- decoding and normalising ---------------------------------------------------------------


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) or UTF-16 with a BOM; anything else is refused."""
    if not data.strip():
        raise error("the file is empty")
    if len(data) > MAX_IMPORT_BYTES:
        raise error(
            f"the file is {len(data):,} bytes; the limit is {MAX_IMPORT_BYTES:,} (about 250 pages)"
        )
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise error("the file starts like UTF-16 but is not valid UTF-16") from exc
    if b"\x00" in data[:8192]:
        raise error(
            "this looks like a binary file: Roundtable reads plain text, Markdown, web pages "
            "(.html), PDF and EPUB"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise error(
            "the file is not UTF-8 (perhaps Windows-1252 or Latin-1): save it as UTF-8 and "
            "import it again",
            line,
        ) from exc
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t")
    if controls > max(8, len(text) // 200):
        raise error("this looks like a binary file, not text: save it as plain text")
    return text


_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")


def normalise(text: str) -> str:
    """Unix newlines, no invisible characters, single spaces, no trailing spaces.

    Keeps the line count so that line numbers still point into the moderator's file.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(INVISIBLE)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return "\n".join(lines)


def indented_lines(text: str) -> set[int]:
    """The line numbers of a plain text's block quotations: paragraphs of two lines or more,
    every line indented at least two spaces deeper than the text's body (the indentation most
    of its lines have). E-texts set quoted letters, speeches and verse so."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").expandtabs(8).split("\n")
    depth = [len(line) - len(line.lstrip(" ")) for line in lines]
    indents = Counter(d for d, line in zip(depth, lines, strict=True) if line.strip())
    if not indents:
        return set()
    body = indents.most_common(1)[0][0]
    found: set[int] = set()
    block: list[int] = []
    item_column = -1  # where the text of the list item above starts ("1) Should …", "- …")
    for number, line in enumerate([*lines, ""], start=1):
        if line.strip():
            block.append(number)
            continue
        if not block:
            continue
        first = lines[block[0] - 1]
        if depth[block[0] - 1] == body:
            item = LIST_ITEM.match(first)
            item_column = item.end() if item else -1
        continued = depth[block[0] - 1] == item_column  # the item's next paragraph
        if len(block) >= 2 and not continued and all(depth[n - 1] >= body + 2 for n in block):
            found.update(block)
        block = []
    return found


@dataclass(frozen=True, slots=True)
class Literal:
    """A reStructuredText literal block: lines `first`..`last`, opened by line `opener` (text
    ending in "::", or a code directive shown as nothing)."""

    opener: int
    first: int
    last: int
    code: str  # indentation within the block kept, the block's own removed
    directive: bool = False


def literal_blocks(text: str) -> list[Literal]:
    """reStructuredText's literal blocks (a PEP's code samples): the lines indented deeper
    than a line ending in "::", after a blank line; or under a `.. code-block:: python`
    directive, after its options (`:class: good`)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").expandtabs(8).split("\n")
    depth = [len(line) - len(line.lstrip(" ")) for line in lines]
    found: list[Literal] = []
    number = 0
    while number < len(lines):
        line = lines[number]
        number += 1
        directive = bool(_CODE_DIRECTIVE.match(line))
        if not (directive or line.rstrip().endswith("::")):
            continue
        start = number
        while start < len(lines) and directive and _OPTION.match(lines[start]):
            start += 1
        blank = start
        while start < len(lines) and not lines[start].strip():
            start += 1
        if start == blank or start >= len(lines) or depth[start] <= depth[number - 1]:
            continue  # RST wants a blank line, then text indented deeper
        end = start
        while end < len(lines) and (not lines[end].strip() or depth[end] > depth[number - 1]):
            end += 1
        while not lines[end - 1].strip():
            end -= 1
        block = lines[start:end]
        cut = min(depth[i] for i in range(start, end) if lines[i].strip())
        code = "\n".join(line[cut:].rstrip() for line in block)
        found.append(Literal(number, start + 1, end, code, directive))
        number = end
    return found


_CODE_DIRECTIVE = re.compile(r"^\s*\.\. (code-block|code|sourcecode)::")
_OPTION = re.compile(r"^\s+:[\w-]+:")


def _literal_marker(line: str) -> str:
    """The line that opens a literal block as a reader sees it: "the new type::" ends with
    one colon, "is::" after a space with none, and "::" alone is no text at all."""
    body = line[:-2]
    return body.rstrip() if body.endswith(" ") or not body else body + ":"


# -- paragraphs -----------------------------------------------------------------------------

_ATX = re.compile(r"^(#{1,6})\s+(.+?)(?:\s+#+)?$")
_SETEXT = re.compile(r"^(=+|-+)$")


def is_wrapped(lines: list[str]) -> bool:
    """Hard-wrapped prose (e-texts wrap at ~70 columns) rather than one paragraph a line."""
    if len(lines) < 2 or max(len(line) for line in lines) > 100:
        return False
    body = lines[:-1]
    return sum(len(line) for line in body) / len(body) >= 45


def paragraphs(
    text: str, *, marked: bool = True, literal: list[Literal] | None = None
) -> list[Paragraph]:
    """`marked`: lines marked as Markdown headings ("# Title", "Title" over "=====") are
    headings; not in text taken from a PDF, where "#" starts a comment in a code sample.
    `literal`: reStructuredText's code blocks (literal_blocks), each kept whole as code."""
    result: list[Paragraph] = []
    block: list[tuple[int, str]] = []
    starts = {found.first: found for found in literal or []}
    starts.update({found.opener: found for found in literal or [] if found.directive})
    openers = {found.opener for found in literal or [] if not found.directive}
    skip_to = 0

    def flush() -> None:
        if not block:
            return
        lines = [line for _, line in block]
        first = block[0][0]
        if marked and len(lines) == 2 and _SETEXT.match(lines[1]) and not _ATX.match(lines[0]):
            level = 1 if lines[1].startswith("=") else 2
            result.append(Paragraph(lines[0], first, True, level))
        elif len(lines) == 2 and wrapped_heading(lines[0], lines[1]):
            result.append(Paragraph(" ".join(lines), first, True, wrapped=True))
        elif max(len(line) for line in lines) > 100:
            # One paragraph a line (articles copied from the web).
            for number, line in block:
                result.extend(_one_line(line, number, marked))
        elif _heading_above(lines):
            # A heading directly above its text, no blank line between (a PDF's "VARIABLES"
            # over its chapter's first line).
            result.extend(_one_line(lines[0], first, marked))
            result.append(Paragraph(" ".join(lines[1:]), block[1][0], False))
        elif is_wrapped(lines) and sum(1 for line in lines if LIST_ITEM.match(line)) < 2:
            result.append(Paragraph(" ".join(lines), first, False))
        elif len(lines) == 1:
            result.extend(_one_line(lines[0], first, marked))
        else:
            result.append(Paragraph("\n".join(lines), first, False))  # verse, lists, addresses
        block.clear()

    for number, line in enumerate(text.split("\n"), start=1):
        if number <= skip_to:
            continue
        if number in starts:
            flush()
            skip_to = starts[number].last
            result.append(Paragraph("```\n" + starts[number].code + "\n```", number, False))
            continue
        if number in openers:
            line = _literal_marker(line)
        if line:
            if marked and _ATX.match(line):
                flush()
                block.append((number, line))
                flush()
            else:
                block.append((number, line))
        else:
            flush()
    flush()
    return result


_LEADER = re.compile(r"(\.\s?){4,}")


def _heading_above(lines: list[str]) -> bool:
    """A short heading-like first line over hard-wrapped prose: shorter than half the lines
    below it, or in capitals and shorter than most of them (a wrapped paragraph's first line
    is as long as the rest)."""
    if len(lines) < 3 or not heading_like(lines[0]) or not is_wrapped(lines[1:]):
        return False
    if any(_LEADER.search(line) for line in lines[1:]):
        return False  # a contents page's entries under its title
    below = sorted(len(line) for line in lines[1:-1])
    typical = below[len(below) // 2]
    return len(lines[0]) < typical / 2 or (lines[0].isupper() and len(lines[0]) < typical * 0.8)


def _one_line(line: str, number: int, marked: bool) -> list[Paragraph]:
    atx = _ATX.match(line) if marked else None
    if atx:
        return [Paragraph(atx.group(2).strip(), number, True, len(atx.group(1)))]
    return [Paragraph(line, number, True)]
