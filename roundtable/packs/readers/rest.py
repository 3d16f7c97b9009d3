"""reStructuredText (a PEP, a DEP, a Sphinx page saved as `.rst`) read by docutils.

Sections keep their depth as heading levels; what a reader of the rendered page sees is kept
and the markup is not: a link written `Black_` or `` `the keynote`_ `` is its text and address,
"text (url)", as the Markdown reader writes links; `:pep:`8`` is "PEP 8"; a role docutils does
not know (Sphinx's `:class:`Foo``) is its text as code; literal blocks stay code, lists and
quotes are Discord's. Link targets and substitution definitions hold no text; comments, the
table of contents and directives docutils does not know or may not run are listed as left
out. A PEP's header ("PEP: 318" / "Title: …" / "Author: …") and a document's field list
(":Author: …") give the title and author. A file too long or too deeply indented for docutils
to read in good time, or one it fails on, is read as plain text.

docutils is run with file inclusion and raw output turned off and its configuration files
ignored: a moderator's file cannot make it read another file.
"""

from __future__ import annotations

import re

from docutils import nodes
from docutils.core import publish_doctree

from roundtable.packs.blocks import Document, LeftOut, Meta, Paragraph, excerpt
from roundtable.text import INVISIBLE

# docutils took 8.3 s and 85 MB on a list of 39,000 one-word items (3.2 s on 15,000), and ran
# out of stack after 13 s and 318 MB on lines indented one column deeper each: a file with more
# lines than this, or indented deeper, is read as plain text instead (bench/imports.py measures
# lists nested 32 deep just under the limit, and over it).
MAX_PARSED_LINES = 10_000
MAX_INDENT = 64

_SETTINGS = {
    "report_level": 5,  # no warnings printed: a moderator's markup mistakes stay text
    "halt_level": 5,
    "file_insertion_enabled": False,  # `.. include::` and `:file:` options read nothing
    "raw_enabled": False,
    "_disable_config": True,
    "warning_stream": False,
    "doctitle_xform": True,  # a lone top-level title is the document's
    "docinfo_xform": True,  # ":Author: …" at the top is the document's details
    "sectsubtitle_xform": False,
    "line_length_limit": 100_000,
    "input_encoding": "unicode",
}

# A PEP's own header: "PEP: 318", "Title: …", "Author: …" lines (RFC 2822), then a blank line.
_HEADER_LINE = re.compile(r"^([A-Z][\w-]*): ?(.*)$")
_HEADER_NAMES = {"pep", "title", "author", "status", "type", "created", "dep", "post-history"}

# A role docutils does not know, left as written: ":class:`Foo`", ":ref:`text <label>`".
_UNKNOWN_ROLE = re.compile(r"^:[\w.:+-]+:`(?P<text>.*?)(?:\s*<[^<>]*>)?`$", re.DOTALL)
_PEP_OR_RFC = re.compile(r"^(PEP|RFC) \d+$")


def looks_like_rest(text: str) -> bool:
    """A text written in reStructuredText though not named so: a PEP's header, or a title
    over and under a line of `=`."""
    head = text.lstrip("\ufeff\n")[:2000]
    return bool(_PEP_HEADER.match(head) or _OVERLINED.match(head))


_PEP_HEADER = re.compile(r"^PEP: \d+\s*\nTitle: ")
_OVERLINED = re.compile(r"^(=+)\n[^\n]+\n\1\n")


def read(text: str) -> Document:
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(INVISIBLE).lstrip("\ufeff")
    meta = Meta()
    header_lines = _header(text)
    fields: dict[str, str] = {}
    name = ""
    for line in text.split("\n")[:header_lines]:
        found = _HEADER_LINE.match(line)
        if found:
            name = found.group(1).lower()
            fields[name] = found.group(2).strip()
        elif name:  # a field running on to an indented line
            fields[name] += " " + line.strip()
    meta.title = fields.get("title", "")
    meta.author = _names(fields.get("author", ""))
    doc = Document("rest", paragraphs=[], meta=meta)
    if header_lines:
        details = " / ".join(line.strip() for line in text.split("\n")[:header_lines] if line)
        doc.left_out.append(LeftOut("document details", 1, excerpt(details)))
    # The header's lines stay as blank lines, so that line numbers point into the file.
    body = "\n" * header_lines + "\n".join(text.split("\n")[header_lines:])
    deepest = max((len(line) - len(line.lstrip()) for line in body.split("\n")), default=0)
    if body.count("\n") > MAX_PARSED_LINES or deepest > MAX_INDENT:
        return Document("text", text=body, meta=meta, left_out=doc.left_out)
    header = list(doc.left_out)
    try:
        tree = publish_doctree(body, settings_overrides=_SETTINGS)
        _Reader(doc).document(tree)
    except Exception:  # docutils failing on a moderator's markup: the text is still there
        return Document("text", text=body, meta=meta, left_out=header)
    return doc


def _header(text: str) -> int:
    """How many lines a PEP's header takes (0 without one)."""
    lines = text.split("\n")
    if not lines or not _HEADER_LINE.match(lines[0]):
        return 0
    if lines[0].split(":")[0].lower() not in _HEADER_NAMES:
        return 0
    count = 0
    for line in lines:
        if not line.strip():
            break
        if not (_HEADER_LINE.match(line) or line[:1].isspace()):
            return 0
        count += 1
    return count


def _names(value: str) -> str:
    """ "Guido van Rossum <guido at python.org>, Jane Doe" → "Guido van Rossum, Jane Doe"."""
    names = (re.sub(r"\s*<[^<>]*>", "", person).strip() for person in value.split(","))
    return ", ".join(name for name in names if name)


_NOTES = (nodes.footnote, nodes.citation)


def _silent(node: nodes.Node) -> bool:
    """Markup with no text a reader sees."""
    return isinstance(
        node,
        nodes.target
        | nodes.substitution_definition
        | nodes.system_message
        | nodes.pending
        | nodes.raw,
    ) or (isinstance(node, nodes.comment) and not node.astext().strip())


def _at(para: Paragraph, line: int) -> Paragraph:
    return Paragraph(para.text, line, para.single_line, para.heading_level, para.wrapped)


class _Reader:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.paras = doc.paragraphs if doc.paragraphs is not None else []
        self.line = 1  # the last line known: docutils gives no line to some nodes

    def at(self, node: nodes.Node) -> int:
        line = getattr(node, "line", None)
        if isinstance(line, int) and line > 0:
            self.line = line
        return self.line

    def add(self, text: str, node: nodes.Node, level: int | None = None) -> None:
        text = text.strip()
        if text:
            self.paras.append(Paragraph(text, self.at(node), "\n" not in text, level))

    def heading_line(self, title: nodes.title) -> int:
        """docutils gives a title the line of its underline: the title is the line above."""
        return max(self.at(title) - 1, 1)

    def leave_out(self, reason: str, node: nodes.Node) -> None:
        self.doc.left_out.append(LeftOut(reason, self.at(node), excerpt(node.astext())))

    def document(self, tree: nodes.document) -> None:
        meta = self.doc.meta
        if not meta.title and tree.get("title"):
            meta.title = str(tree["title"])
        for child in tree.children:
            if isinstance(child, nodes.title):
                self.at(child)
            elif isinstance(child, nodes.docinfo):
                self.docinfo(child)
            else:
                self.block(child, 1)

    def docinfo(self, info: nodes.docinfo) -> None:
        meta = self.doc.meta
        for field in info.children:
            if isinstance(field, nodes.author | nodes.authors) and not meta.author:
                people = field.children if isinstance(field, nodes.authors) else [field]
                meta.author = _names(", ".join(person.astext() for person in people))
            elif isinstance(field, nodes.date) and not meta.date:
                meta.date = field.astext()
        self.doc.left_out.append(
            LeftOut(
                "document details",
                self.at(info),
                excerpt(" / ".join(" ".join(f.astext().split()) for f in info.children)),
            )
        )

    def block(self, node: nodes.Node, depth: int) -> None:
        if isinstance(node, nodes.section):
            title = next((c for c in node.children if isinstance(c, nodes.title)), None)
            body = [c for c in node.children if c is not title and not _silent(c)]
            if title is not None and body and all(isinstance(c, _NOTES) for c in body):
                # A "References" section of footnotes only: one entry, as a plain text's.
                notes = " ".join(self.render(c) for c in body)
                self.doc.left_out.append(
                    LeftOut(
                        "references",
                        self.heading_line(title),
                        excerpt(f"{title.astext()}: {notes}"),
                    )
                )
                return
            if title is not None:
                self.add(self.inline(title), title, min(depth, 6))
                self.paras[-1:] = [_at(self.paras[-1], self.heading_line(title))]
            for child in node.children:
                if child is not title:
                    self.block(child, depth + 1)
        elif isinstance(node, nodes.topic) and "contents" in node.get("classes", []):
            self.leave_out("table of contents", node)
        elif isinstance(node, nodes.comment):
            if node.astext().strip():
                self.leave_out("comment", node)
        elif isinstance(node, nodes.transition):
            self.doc.left_out.append(LeftOut("separator line", self.at(node), "----"))
        elif isinstance(node, nodes.system_message):
            # What docutils could not read (an unknown directive, an include it may not
            # follow) is listed with the markup as written; its remarks on style are not.
            written = [c.astext() for c in node.children if isinstance(c, nodes.literal_block)]
            if written:
                line = node.get("line")
                self.doc.left_out.append(
                    LeftOut(
                        "markup Roundtable does not read",
                        line if isinstance(line, int) else self.line,
                        excerpt(written[0]),
                    )
                )
        elif _silent(node):
            return
        else:
            self.add(self.render(node), node)

    def render(self, node: nodes.Node) -> str:
        """A body element as Discord shows it."""
        if isinstance(node, nodes.paragraph | nodes.title | nodes.rubric | nodes.attribution):
            return self.inline(node)
        if isinstance(node, nodes.literal_block | nodes.doctest_block):
            return "```\n" + node.astext().rstrip("\n") + "\n```"
        if isinstance(node, nodes.bullet_list | nodes.enumerated_list):
            return "\n".join(self.list_lines(node, 0))
        if isinstance(node, nodes.block_quote):
            inner = "\n\n".join(filter(None, (self.render(c) for c in node.children)))
            return "\n".join("> " + line if line else ">" for line in inner.split("\n"))
        if isinstance(node, nodes.footnote | nodes.citation):
            label = next((c.astext() for c in node.children if isinstance(c, nodes.label)), "")
            body = " ".join(self.render(c) for c in node.children if not isinstance(c, nodes.label))
            return f"[{label}] {body}".strip()
        if isinstance(node, nodes.definition_list):
            return "\n".join(self.definition(item) for item in node.children)
        if isinstance(node, nodes.field_list):
            return "\n".join(self.field(f) for f in node.children)
        if isinstance(node, nodes.line_block):
            return "\n".join(self.inline(line) for line in node.findall(nodes.line))
        if isinstance(node, nodes.table):
            rows = node.findall(nodes.row)
            return "\n".join(" | ".join(self.render(cell) for cell in row.children) for row in rows)
        if isinstance(node, nodes.image):
            alt = node.get("alt", "")
            return f"(image: {alt})" if alt else ""
        if isinstance(node, nodes.Admonition):  # note, warning, a titled admonition, …
            own = [self.inline(c) for c in node.children if isinstance(c, nodes.title)]
            title = own[0] if own else type(node).__name__.capitalize()
            inner = " ".join(
                self.render(c) for c in node.children if not isinstance(c, nodes.title)
            )
            return f"**{title}:** {inner}".strip()
        if _silent(node) or isinstance(node, nodes.comment):
            return ""
        if isinstance(node, nodes.Element):
            return "\n\n".join(filter(None, (self.render(c) for c in node.children)))
        return " ".join(node.astext().split())

    def list_lines(self, node: nodes.Element, depth: int) -> list[str]:
        lines: list[str] = []
        number = int(node.get("start", 1))
        for item in node.children:
            marker = f"{number}." if isinstance(node, nodes.enumerated_list) else "-"
            number += 1
            first = True
            for child in item.children:
                if isinstance(child, nodes.bullet_list | nodes.enumerated_list):
                    lines += self.list_lines(child, depth + 1)
                    continue
                text = self.render(child)
                if text:
                    pad = "  " * depth + (marker + " " if first else "   ")
                    lines.append(pad + " ".join(text.split()))
                    first = False
        return lines

    def definition(self, item: nodes.Node) -> str:
        term = " ".join(self.inline(c) for c in item.children if isinstance(c, nodes.term))
        body = " ".join(
            " ".join(self.render(c).split())
            for d in item.children
            if isinstance(d, nodes.definition)
            for c in d.children
        )
        return f"{term}: {body}" if term and body else term or body

    def field(self, field: nodes.Node) -> str:
        name = next((c.astext() for c in field.children if isinstance(c, nodes.field_name)), "")
        body = " ".join(
            " ".join(self.render(c).split())
            for b in field.children
            if isinstance(b, nodes.field_body)
            for c in b.children
        )
        return f"{name}: {body}" if name else body

    def inline(self, node: nodes.Node) -> str:
        """Inline text as Discord shows it; a paragraph's lines joined."""
        return " ".join(self._inline(node).split(" \n")).replace("\n", " ").strip()

    def _inline(self, node: nodes.Node) -> str:
        if isinstance(node, nodes.Text):
            return re.sub(r"\s+", " ", str(node))
        if isinstance(node, nodes.literal | nodes.math):
            code = node.astext()
            return f"`` {code} ``" if "`" in code else f"`{code}`"
        if isinstance(node, nodes.problematic):
            written = _UNKNOWN_ROLE.match(node.astext())
            return f"`{written.group('text')}`" if written else node.astext()
        inner = "".join(self._inline(c) for c in node.children)
        if isinstance(node, nodes.emphasis | nodes.title_reference):
            return f"*{inner}*" if inner.strip() else inner
        if isinstance(node, nodes.strong):
            return f"**{inner}**" if inner.strip() else inner
        if isinstance(node, nodes.reference):
            uri = str(node.get("refuri", ""))
            web = uri.startswith(("http://", "https://"))
            if not web or inner.strip() == uri or _PEP_OR_RFC.match(inner.strip()):
                return inner
            return f"{inner} ({uri})"
        if isinstance(node, nodes.footnote_reference | nodes.citation_reference):
            return f"[{inner}]"
        if isinstance(node, nodes.system_message | nodes.target) and not node.children:
            return ""
        if isinstance(node, nodes.system_message):
            return ""
        return inner
