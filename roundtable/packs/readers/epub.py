"""EPUB books (ebooklib): the book's own chapters, in reading order, titled from its table of
contents (or the chapter's first heading). The contents page, cover, title and copyright pages
are listed as left out; their "line" is the chapter file's place in the book.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from io import BytesIO
from pathlib import PurePosixPath

import lxml.etree
import lxml.html
from ebooklib import ITEM_DOCUMENT, epub

from roundtable.packs.blocks import Document, LeftOut, Meta, Paragraph, excerpt
from roundtable.packs.readers import html_blocks
from roundtable.packs.readers.plain import MAX_IMPORT_BYTES, error, too_long

# Sizes checked before anything is parsed (a crafted 116 KB EPUB unpacked to a 59 MB chapter
# file of empty paragraphs, and parsing it took the worker past 2 GB). Moby-Dick, whole: 34
# files, the largest 77 KB, 10,190 tags; calibre splits books into files of at most 260 KB.
MAX_UNPACKED = 60_000_000  # bytes, pictures and fonts included: more is a zip bomb
MAX_FILES = 2_000
MAX_MARKUP_FILE = 5_000_000  # bytes of one chapter, contents or package file
MAX_TAGS = 200_000  # in all its markup files: the parsed tree costs ~1 KB a tag
_MARKUP = (".xhtml", ".html", ".htm", ".xml", ".opf", ".ncx", ".svg")
_FRONT_MATTER = re.compile(r"\b(cover|title ?page|copyright|colophon|imprint|dedication)\b", re.I)
SHORT_PAGE = 400  # characters: a page shorter than this with a front-matter name is left out
UNIT = "chapter file"
# Publishing matter, by the book's own EPUB 3 structure (epub:type) or the file's name: never a
# section. Preface, foreword, prologue, epilogue and the like are kept.
_PUBLISHING = re.compile(
    r"\b(cover|title-?page|halftitle-?page|copyright(-page)?|uncopyright|colophon|imprint"
    r"|endnotes|footnotes|rearnotes|index|loi|lot|toc|landmarks|page-list|also-by"
    r"|about-the-(author|publisher))\b",
    re.I,
)
_MATTER_NAMES = {
    "titlepage": "title page",
    "halftitlepage": "half-title page",
    "copyright": "copyright page",
    "copyrightpage": "copyright page",
    "uncopyright": "copyright page",
    "toc": "table of contents",
    "loi": "list of illustrations",
    "lot": "list of tables",
    "alsoby": "list of other books",
    "abouttheauthor": "about the author",
    "aboutthepublisher": "about the publisher",
}
_EPUB_TYPE = re.compile(rb"""epub:type=["']([^"']+)["']""")


def read(data: bytes) -> Document:
    _check_size(data)
    try:
        book = epub.read_epub(BytesIO(data), {"ignore_ncx": False})
    except (
        epub.EpubException,
        KeyError,
        lxml.etree.LxmlError,
        zipfile.BadZipFile,
        zlib.error,
    ) as exc:
        raise error("this EPUB could not be read (damaged or DRM-protected?)") from exc
    titles = _toc_titles(book.toc)
    doc = Document("epub", paragraphs=[], meta=_meta(book), unit=UNIT)
    assert doc.paragraphs is not None
    chars = 0
    for place, (idref, _linear) in enumerate(book.spine, start=1):
        item = book.get_item_with_id(idref)
        if item is None or item.get_type() != ITEM_DOCUMENT:
            continue
        name = item.get_name()
        try:
            root = lxml.html.document_fromstring(item.get_content())
        except (lxml.etree.ParserError, ValueError):
            doc.left_out.append(LeftOut("unreadable chapter file", place, name, UNIT))
            continue
        body = root.find("body")
        paras = html_blocks.paragraphs(body if body is not None else root, line=place)
        paras = [Paragraph(p.text, place, p.single_line, p.heading_level) for p in paras]
        text = " ".join(p.text for p in paras)
        title, depth = titles.get(name.split("#")[0], ("", 0))
        title = title or next((p.text for p in paras if p.heading_level is not None), "")
        if isinstance(item, epub.EpubNav) or re.search(r"\b(toc|nav)\b", name, re.I):
            doc.left_out.append(LeftOut("table of contents", place, excerpt(_all_text(root)), UNIT))
            continue
        if not text.strip():
            continue
        matter = _publishing(item.get_content(), name)
        if matter:
            doc.left_out.append(LeftOut(matter, place, excerpt(text), UNIT))
            continue
        if len(text) < SHORT_PAGE and _FRONT_MATTER.search(f"{name} {title}"):
            doc.left_out.append(LeftOut("front matter", place, excerpt(text), UNIT))
            continue
        doc.paragraphs += _chapter(title, min(depth + 1, 5), paras, place)
        chars += sum(len(p.text) for p in paras)
        if chars > MAX_IMPORT_BYTES:  # said now, not after reading the rest of the book
            raise error(too_long(chars, more=True))
    if not doc.paragraphs:
        raise error("this EPUB has no chapters with text")
    return doc


def _publishing(content: bytes, name: str) -> str | None:
    """ "imprint", "endnotes", … when the chapter file is publishing matter, else None."""
    head = content[content.find(b"<body") :][:3000] if b"<body" in content else b""
    types = " ".join(t.decode("ascii", "replace") for t in _EPUB_TYPE.findall(head))
    if re.search(r"\b(bodymatter|chapter|part)\b", types):
        return None
    found = _PUBLISHING.search(types) or _PUBLISHING.search(PurePosixPath(name).stem)
    if not found:
        return None
    word = found.group(0).lower().replace("-", "")
    return _MATTER_NAMES.get(word, word)


def _all_text(root: lxml.html.HtmlElement) -> str:
    return " ".join(root.text_content().split())


def _check_size(data: bytes) -> None:
    """Refuse, before parsing anything, a book whose files are too many or too large, or whose
    markup holds more tags than a book within the text limit could."""
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_FILES:
                raise error(f"this EPUB holds {len(infos):,} files; the limit is {MAX_FILES:,}")
            unpacked = sum(info.file_size for info in infos)
            if unpacked > MAX_UNPACKED:
                raise error(
                    f"this EPUB unpacks to {unpacked:,} bytes; the limit is {MAX_UNPACKED:,}"
                )
            tags = 0
            for info in infos:
                if not info.filename.lower().endswith(_MARKUP):
                    continue
                if info.file_size > MAX_MARKUP_FILE:
                    raise error(
                        f"this EPUB's file {info.filename[:80]} is {info.file_size:,} bytes; "
                        f"the limit is {MAX_MARKUP_FILE:,}"
                    )
                tags += archive.read(info).count(b"<")  # zipfile stops at the declared size
                if tags > MAX_TAGS:
                    raise error(
                        f"this EPUB's pages hold more than {MAX_TAGS:,} tags, more than a book "
                        "within the text limit has: import a part of it"
                    )
    except zlib.error as exc:  # a file inside it garbled in transit
        raise error(
            "this EPUB is damaged (a file inside it cannot be unpacked): download it again"
        ) from exc
    except RuntimeError as exc:  # zipfile's "File ... is encrypted, password required"
        raise error("this EPUB's files are encrypted (DRM?): import a DRM-free copy") from exc
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError) as exc:
        raise error("this EPUB is not a complete zip file: download it again") from exc


def _chapter(title: str, level: int, paras: list[Paragraph], place: int) -> list[Paragraph]:
    """A chapter as a heading of `level` (its depth in the book's contents) and its text; its
    own headings below that."""
    # The chapter's own heading repeats its title, whole or in parts ("I" over "The Meeting").
    rest = title.casefold()
    while paras and rest and (paras[0].heading_level is not None or len(paras[0].text) < 80):
        said = paras[0].text.casefold().strip()
        if not said or not rest.startswith(said):
            break
        rest = rest[len(said) :].lstrip(":.—- ")
        paras = paras[1:]
    heading = [Paragraph(title, place, True, level)] if title else []
    return heading + [
        Paragraph(p.text, p.line, p.single_line, min(6, p.heading_level + level))
        if p.heading_level is not None
        else p
        for p in paras
    ]


def _toc_titles(toc: object) -> dict[str, tuple[str, int]]:
    """File name -> (title, depth) from the book's table of contents: a book or part is at
    depth 0 and its chapters at depth 1 (the first entry for a file wins)."""
    found: dict[str, tuple[str, int]] = {}

    def visit(entries: object, depth: int) -> None:
        if not isinstance(entries, list | tuple):
            return
        for entry in entries:
            if isinstance(entry, tuple) and len(entry) == 2:
                visit([entry[0]], depth)
                visit(entry[1], depth + 1)
            elif isinstance(entry, epub.Link | epub.Section):
                href = (getattr(entry, "href", "") or "").split("#")[0]
                if href and entry.title:
                    found.setdefault(href, (" ".join(entry.title.split()), depth))

    visit(toc, 0)
    return found


def _meta(book: epub.EpubBook) -> Meta:
    def first(name: str) -> str:
        values = book.get_metadata("DC", name)
        return " ".join(str(values[0][0]).split()) if values else ""

    return Meta(title=first("title"), author=first("creator"), date=first("date")[:10], source="")
