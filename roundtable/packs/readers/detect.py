"""Which reader reads a file: by its first bytes, then its name, then its text."""

from __future__ import annotations

import re
import zipfile
from io import BytesIO
from pathlib import PurePosixPath

from roundtable.packs.blocks import Document
from roundtable.packs.readers import markdown, rest
from roundtable.packs.readers.plain import MAX_IMPORT_BYTES, decode, error

# PDFs and EPUBs carry fonts and pictures: a whole book is a few megabytes. Their text, once
# read, has the same limit as a text file.
MAX_DOCUMENT_BYTES = 25_000_000
DOCUMENT_SUFFIXES = {".pdf", ".epub"}
MARKDOWN_SUFFIXES = {".md", ".markdown", ".mdown", ".mkd", ".mdx"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
REST_SUFFIXES = {".rst", ".rest"}
_ATX_HEADING = re.compile(r"^#{1,6}[ \t]+\S", re.MULTILINE)
_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body)\b", re.I | re.S)
_REFUSED = {
    ".docx": "Word",
    ".doc": "Word",
    ".odt": "OpenDocument",
    ".rtf": "RTF",
    ".mobi": "Kindle",
    ".azw3": "Kindle",
}


def max_bytes(filename: str) -> int:
    """The largest file of this name that can be imported (checked before downloading it)."""
    suffix = PurePosixPath(filename.lower()).suffix
    return MAX_DOCUMENT_BYTES if suffix in DOCUMENT_SUFFIXES else MAX_IMPORT_BYTES


def too_large(size: int, limit: int) -> str:
    return f"the file is {size:,} bytes; the limit is {limit:,}"


def kind_of(data: bytes, filename: str) -> str:
    """pdf | epub | html | markdown | rest | text, or a PackError for a kind we cannot read."""
    suffix = PurePosixPath(filename.lower()).suffix
    if data.startswith((b"%PDF-", b"PK\x03\x04")) and len(data) > MAX_DOCUMENT_BYTES:
        raise error(too_large(len(data), MAX_DOCUMENT_BYTES))
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        if _is_epub(data):
            return "epub"
        what = f"a {_REFUSED[suffix]}" if suffix in _REFUSED else "a zip"
        raise error(
            f"this is {what} file, which Roundtable cannot read: save it as PDF, EPUB, HTML or "
            "plain text"
        )
    if suffix in _REFUSED:
        raise error(
            f"this is a {_REFUSED[suffix]} file, which Roundtable cannot read: save it as PDF, "
            "EPUB, HTML or plain text"
        )
    if len(data) > MAX_IMPORT_BYTES:
        decode(data)  # raises the size message for a text
    if suffix in HTML_SUFFIXES or _HTML_START.match(data[:4096]):
        return "html"
    if suffix in MARKDOWN_SUFFIXES:
        return "markdown"
    if suffix in REST_SUFFIXES:
        return "rest"
    return "text"


def _is_epub(data: bytes) -> bool:
    """The zip says so; or its first entry, stored as an EPUB's must be, is the EPUB mimetype
    (a file cut short, without the zip's directory at its end, is still an EPUB, a broken one)."""
    if data[30:38] == b"mimetype" and data[38:58] == b"application/epub+zip":
        return True
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            return archive.read("mimetype").strip() == b"application/epub+zip"
    except (zipfile.BadZipFile, KeyError):
        return False


def read_string(text: str, *, markdown_file: bool = False, rest_file: bool = False) -> Document:
    """A decoded text: reStructuredText when named so or when it opens like one (a PEP's
    header, an overlined title); Markdown when named so, when it opens with a front matter or
    when it has Markdown headings; plain text otherwise."""
    if rest_file or (not markdown_file and rest.looks_like_rest(text)):
        return rest.read(text)
    if markdown_file or text.lstrip("\ufeff").startswith("---\n") or _ATX_HEADING.search(text):
        return markdown.read(text.lstrip("\ufeff"))
    return Document("text", text=text)


def read_file(data: bytes, filename: str) -> Document:
    return read_kind(kind_of(data, filename), data)


def read_kind(kind: str, data: bytes) -> Document:
    """The file read by the reader for `kind` (as kind_of named it)."""
    if kind == "pdf":
        from roundtable.packs.readers.pdf import read as read_pdf

        return read_pdf(data)
    if kind == "epub":
        from roundtable.packs.readers.epub import read as read_epub

        return read_epub(data)
    if kind == "html":
        from roundtable.packs.readers.web import read as read_web

        return read_web(data)
    return read_string(decode(data), markdown_file=kind == "markdown", rest_file=kind == "rest")
