"""Wrappers around the text a group reads: left out, and listed with their lines.

E-book licence headers and footers, tables of contents, transcriber's notes, footnotes,
separator lines, cookie notices and navigation, closing appeals, disclaimers and licence lines.
"""

from __future__ import annotations

import re

from roundtable.packs.blocks import LeftOut, Meta, Paragraph, excerpt

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


_HEADER_FIELD = re.compile(r"^(title|author|release date|posting date)\s*:\s*(.+)$", re.IGNORECASE)
_CREDITS = re.compile(
    r"^(produced|transcribed|prepared|digiti[sz]ed|e-?text prepared|proofread)\b"
    r".{0,80}\b(by|from)\b",
    re.IGNORECASE,
)


def ebook_fields(text: str) -> dict[str, str]:
    """Title, author and release date from an e-book licence header ("Title: ...")."""
    lines = text.split("\n")
    start = next((i for i, line in enumerate(lines) if _GUTENBERG_START.match(line)), None)
    if start is None:
        return {}
    found: dict[str, str] = {}
    for line in lines[:start]:
        match = _HEADER_FIELD.match(line.strip())
        if match:
            found.setdefault(match.group(1).lower(), match.group(2).strip())
    return found


def strip_ebook_wrapper(text: str) -> tuple[str, list[LeftOut]]:
    """Blank out a Project Gutenberg header and licence footer (keeping line numbers)."""
    lines = text.split("\n")
    left: list[LeftOut] = []
    start = next((i for i, line in enumerate(lines) if _GUTENBERG_START.match(line)), None)
    end = next((i for i, line in enumerate(lines) if _GUTENBERG_END.match(line)), None)
    if start is not None:
        left.append(LeftOut("e-book licence header", 1, excerpt(" ".join(lines[: start + 1]))))
        lines[: start + 1] = [""] * (start + 1)
    if end is not None:
        left.append(LeftOut("e-book licence footer", end + 1, excerpt(" ".join(lines[end:]))))
        lines[end:] = [""] * (len(lines) - end)
    return "\n".join(lines), left


def strip_ebook_paragraphs(
    paras: list[Paragraph], meta: Meta
) -> tuple[list[Paragraph], list[LeftOut]]:
    """A Project Gutenberg header and licence footer in a web page's or Markdown file's
    paragraphs (the header often one preformatted block): left out, the header's "Title:"
    and "Author:" kept as the document's when it names none."""
    marks = [line.strip() for p in paras for line in p.text.split("\n")]
    if not any(_GUTENBERG_START.match(m.lstrip("`")) or _GUTENBERG_END.match(m) for m in marks):
        return paras, []
    left: list[LeftOut] = []
    start = next((i for i, p in enumerate(paras) if _marked_by(p, _GUTENBERG_START)), None)
    end = next((i for i, p in enumerate(paras) if _marked_by(p, _GUTENBERG_END)), None)
    if end is not None and (start is None or end > start):
        tail = paras[end:]
        left.append(LeftOut("e-book licence footer", tail[0].line, excerpt(_joined(tail))))
        paras = paras[:end]
    if start is not None:
        head = paras[: start + 1]
        fields = ebook_fields(_joined(head))
        meta.title = meta.title or fields.get("title", "")
        meta.author = meta.author or fields.get("author", "")
        left.insert(0, LeftOut("e-book licence header", head[0].line, excerpt(_joined(head))))
        paras = paras[start + 1 :]
    return paras, left


def _marked_by(para: Paragraph, marker: re.Pattern[str]) -> bool:
    return any(marker.match(line.strip().lstrip("`")) for line in para.text.split("\n"))


def _joined(paras: list[Paragraph]) -> str:
    return "\n".join(p.text for p in paras).replace("```", "")  # a <pre> block's fence


_SEPARATOR = re.compile(r"^\s*(?:([#*_~=\-])\s*)\1(?:\s*\1)+\s*$")


_CONTENTS = re.compile(
    r"^(table of |list of )?contents( and illustrations)?\.?:?$|^inhalt(sverzeichnis)?\.?$",
    re.IGNORECASE,
)
_INDEX = re.compile(r"^(general |subject )?index\.?$", re.IGNORECASE)
# An index's lines: "Accents, 92.", "Bach, J.S., 136, 185-187", "A." (a letter's heading).
_INDEX_LINE = re.compile(r"(\d+(\s*[-–]\s*\d+)?|\b[ivxlc]+)\.?$|^[A-Z]\.?$")
_TRANSCRIBER = re.compile(r"^\[?\s*transcriber[’']?s?[’']? notes?\b", re.IGNORECASE)
_NOTES_TITLE = re.compile(r"^(foot|end)?notes\.?:?$", re.IGNORECASE)
_FOOTNOTE = re.compile(
    r"^\[(\^|footnote\s+)?[0-9a-z*†‡]{1,4}[\]:]|^[*†‡]\s+\S|^\^\d{1,3}\s", re.IGNORECASE
)
_COOKIES = re.compile(r"\bcookies?\b", re.IGNORECASE)
_CONSENT = re.compile(r"\b(accept|consent|privacy|preferences|settings|agree)\b", re.IGNORECASE)
_NAV_WORDS = re.compile(
    r"^(skip to (main )?content|menu|search|home|log ?in|sign ?in|sign up|subscribe|close"
    r"|back to top|next article|previous article|advertisement|read more)$",
    re.IGNORECASE,
)
_NAV_SPLIT = re.compile(r"\s+[|·•»›/]\s+")
_PRESS = re.compile(
    r"^(for immediate release|embargoed (until|till)\b.{0,60}|-\s*(ends|30)\s*-)$", re.IGNORECASE
)


def heading_key(text: str) -> str:
    """A heading or contents entry without its page number and punctuation, for comparing."""
    words = re.sub(r"[^\w\s]", " ", text.casefold()).split()
    while words and words[-1].isdigit():
        words.pop()
    return " ".join(words)


MAX_CONTENTS_ENTRIES = 500  # a longer run of short lines after "Contents" is not a contents page
_DOT_LEADER = re.compile(r"(\.\s?){4,}\s*\w{1,6}$")


def _contents(paras: list[Paragraph]) -> set[int]:
    """A table of contents: a "Contents" line and the entries after it, up to the first
    paragraph of prose, a marked heading, or an entry seen again (the text's own headings)."""
    out: set[int] = {
        i
        for i, para in enumerate(paras)
        if sum(1 for line in para.text.split("\n") if _DOT_LEADER.search(line))
        > len(para.text.split("\n")) / 2
    }  # entries with dot leaders to a page number, wherever they stand
    out.update(i for i, para in enumerate(paras) if _contents_block(para.text))
    for start, para in enumerate(paras):
        if not (para.single_line and _CONTENTS.match(para.text)):
            continue
        # Entries seen so far: those before the first part, and those of the part listed now
        # (a book in parts may number its chapters from I again in each).
        front: list[str] = []
        entries = front
        count = 0
        index = start + 1
        while index < len(paras) and count < MAX_CONTENTS_ENTRIES:
            entry = paras[index]
            lines = entry.text.split("\n")
            if entry.heading_level is not None:
                break
            topics = _topics(entry.text)  # a chapter's topics: long lines, never a heading
            long_lines = max(len(line) for line in lines) > 90 or (
                entry.single_line and len(entry.text) > 80
            )
            # A web page's contents run together on one line: "CHAPTER I. … CHAPTER II. …".
            listing = len(_ENTRY_LABELS.findall(entry.text)) >= 3
            if long_lines and not topics and not listing:
                break
            key = heading_key(lines[0])
            if key and not topics and any(_same_entry(key, e) for e in {*front, *entries} if e):
                break
            if _PART_ENTRY.match(key):
                entries = []
            if not topics:
                entries += [heading_key(line) for line in lines]
            count += len(lines)
            index += 1
        if index > start + 1:
            out.update(range(start, index))
    return out


def _contents_block(text: str) -> bool:
    """A contents page set as one block, its title the first line (a web page's
    `<blockquote><b>CONTENTS</b><br>INTRODUCTION<br>…`)."""
    lines = [_MARKUP.sub("", line).strip() for line in text.split("\n")]
    return (
        len(lines) >= 4
        and bool(_CONTENTS.match(lines[0]))
        and all(len(line) <= MAX_ENTRY_CHARS for line in lines[1:])
    )


MAX_ENTRY_CHARS = 200  # a chapter title in full, not a paragraph of prose
_MARKUP = re.compile(r"^(>\s?)+|[*_]{2}")

_ENTRY_LABELS = re.compile(r"\b(chapter|part|book|section|lecture|letter)\s+([ivxlc]+|\d+)\b", re.I)


def _topics(text: str) -> bool:
    """A chapter's topics listed under its entry: "Organic Apparatus of the Voice--The Voice in
    Relation to Compass--Practical Conclusions" (three or more, capitalised, no sentence)."""
    flat = " ".join(text.split())
    topics = [t.strip() for t in re.split(r"--|—|–", flat)]
    words = re.findall(r"[^\W\d_]{4,}", flat)
    return (
        len(topics) >= 3
        and not any(_PAGE_AT_END.search(line) for line in text.split("\n"))  # entries
        and all(t[:1].isupper() for t in topics)
        and not _SENTENCE_INSIDE.search(flat)
        and sum(w[0].isupper() for w in words) >= 0.6 * len(words)
    )


_PAGE_AT_END = re.compile(r"\s(\d+|[ivxlc]+)\.?$", re.IGNORECASE)
_SENTENCE_INSIDE = re.compile(r"[a-z][.!?]\s+[A-Z]")
_PART_ENTRY = re.compile(r"^(part|book|volume)\b")


def _same_entry(key: str, entry: str) -> bool:
    """One is the other, or its first words ("chapter i" and "chapter i introductory"; not
    "chapter i" and "chapter ii")."""
    short, long = sorted((key, entry), key=len)
    return short == long or long.startswith(short + " ")


def _index(paras: list[Paragraph]) -> set[int]:
    """A book's index at its end: an "Index" line in the last third, and after it lines that
    mostly end in page numbers, to the end of the text."""
    for start in range(len(paras) - 2, len(paras) * 2 // 3 - 1, -1):
        if not (paras[start].single_line and _INDEX.match(paras[start].text)):
            continue
        lines = [line for p in paras[start + 1 :] for line in p.text.split("\n")]
        if lines and sum(1 for line in lines if _INDEX_LINE.search(line)) >= 0.6 * len(lines):
            return set(range(start, len(paras)))
    return set()


def _notes(paras: list[Paragraph]) -> dict[int, str]:
    """Transcriber's notes and footnote blocks (with a "Notes" or "Footnotes" line above)."""
    out: dict[int, str] = {}
    for index, para in enumerate(paras):
        if _TRANSCRIBER.match(para.text):
            out[index] = "transcriber's note"
            if len(para.text) < 40:  # a title line: the note is the paragraphs below it
                for below in range(index + 1, min(index + 10, len(paras))):
                    nxt = paras[below]
                    if nxt.heading_level is not None or (nxt.single_line and len(nxt.text) < 60):
                        break
                    out[below] = "transcriber's note"
        elif _FOOTNOTE.match(para.text) and not _bulleted(paras, index):
            out[index] = "footnote"
            if index > 0 and _NOTES_TITLE.match(paras[index - 1].text):
                out[index - 1] = "footnote"
    return out


def _bulleted(paras: list[Paragraph], index: int) -> bool:
    """An item of a list marked "* " (a plain-text proposal's), not a footnote marked "*":
    two items in the paragraph, or another item next to it or one paragraph away (an item
    followed by a paragraph of its own); a page's footnotes are marked *, †, ‡."""
    if len(_BULLET.findall(paras[index].text)) >= 2:
        return True
    around = paras[max(index - 2, 0) : index] + paras[index + 1 : index + 3]
    return any(p.text.startswith("* ") for p in around)


_BULLET = re.compile(r"(?:^|\s)\*\s+\S")


def _page_furniture(text: str) -> str | None:
    if len(text) < 600 and _COOKIES.search(text) and _CONSENT.search(text):
        return "cookie notice"
    if _NAV_WORDS.match(text.strip()):
        return "navigation"
    if _PRESS.match(text.strip()):
        return "press release marker"
    items = _NAV_SPLIT.split(text.strip())
    if "\n" not in text and len(items) >= 3 and all(len(i.split()) <= 4 for i in items):
        return "navigation"
    return None


def left_out_runs(paras: list[Paragraph], reasons: dict[int, str]) -> list[LeftOut]:
    """One entry for each run of paragraphs left out for the same reason (a contents page of
    twenty lines is one entry, with how many paragraphs it had)."""
    left: list[LeftOut] = []
    order = sorted(reasons)
    start = 0
    while start < len(order):
        end = start
        while (
            end + 1 < len(order)
            and order[end + 1] == order[end] + 1
            and reasons[order[end + 1]] == reasons[order[start]]
        ):
            end += 1
        first = paras[order[start]]
        count = end - start + 1
        text = excerpt(first.text.strip(), 80 if count > 1 else 100)
        more = f" (and {count - 1} more paragraph{'s' if count > 2 else ''})" if count > 1 else ""
        left.append(LeftOut(reasons[order[start]], first.line, text + more))
        start = end + 1
    return left


def strip_boilerplate(paras: list[Paragraph]) -> tuple[list[Paragraph], list[LeftOut]]:
    """Leave out separator lines (`***`, `###`, `* * *`), tables of contents, a book's index,
    transcriber's notes, footnotes, cookie notices, navigation and press release markers
    anywhere, and closing appeals, disclaimers and licence lines at the very end (and start)."""
    reasons: dict[int, str] = dict.fromkeys(_contents(paras), "table of contents")
    reasons.update(_notes(paras))
    reasons.update(dict.fromkeys(_index(paras), "index"))
    for index, para in enumerate(paras[:10]):
        if _CREDITS.match(para.text):
            reasons[index] = "e-book credits"
    for index, para in enumerate(paras):
        if _SEPARATOR.match(para.text):
            reasons[index] = "separator line"
        elif index not in reasons:
            furniture = _page_furniture(para.text)
            if furniture:
                reasons[index] = furniture
    left = left_out_runs(paras, reasons)
    kept = [p for i, p in enumerate(paras) if i not in reasons]
    closing: list[LeftOut] = []
    while kept:
        reason = _boilerplate_reason(kept[-1].text)
        if reason is None:
            break
        para = kept.pop()
        closing.insert(0, LeftOut(reason, para.line, excerpt(para.text)))
    left += closing
    while kept and _boilerplate_reason(kept[0].text) in ("licence notice", "sharing links"):
        para = kept.pop(0)
        left.append(LeftOut(_boilerplate_reason(para.text) or "", para.line, excerpt(para.text)))
    return kept, left


def _boilerplate_reason(text: str) -> str | None:
    for reason, pattern in _CLOSING:
        if pattern.search(text):
            return reason
    return None
