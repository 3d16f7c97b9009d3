"""How long `pack check` takes, and how much memory it peaks at, on files at the import limits,
against a baseline measured in the same run: only reading the file (decoding and cutting a
text into paragraphs; for a PDF, pypdf extracting the pages' text).

    .venv/bin/python bench/imports.py      (`make bench-imports`; needs the dev install: the
                                            inputs are written by tests/fixtures/)

Inputs are generated (seeded): a 1,000,000-byte novel of twelve chapters, the same as Markdown
and as reStructuredText (against reading it as plain text), a PDF of some 120 pages, and
hostile shapes (a Markdown list of 140,000 items, reStructuredText lists nested 32 deep
(against docutils alone, just under its line limit, and over it), 5,000 chapters,
1 MB without a full stop, a page of 12,000 links around a short article, whose baseline is lxml
parsing the page). Each figure is the best of three runs; memory is the Python heap peak
(tracemalloc: what lxml allocates in C is not counted). Results are printed and appended to
bench/results/imports.md.
"""

from __future__ import annotations

import asyncio
import io
import platform
import sys
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import lxml.html

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from roundtable.packs import report  # noqa: E402
from roundtable.packs.readers import plain  # noqa: E402
from tests.fixtures import documents  # noqa: E402
from tests.fixtures.books import book  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "imports.md"


def novel() -> bytes:
    chapters = [83_000] * 12
    data = book(chapters, seed=3).encode()
    while len(data) > 1_000_000:
        chapters = [c - 1_000 for c in chapters]
        data = book(chapters, seed=3).encode()
    return data


def markdown() -> bytes:
    return novel().decode().replace("CHAPTER ", "## Chapter ").encode()


def restructuredtext() -> bytes:
    """The novel with its chapter lines underlined, as reStructuredText titles are."""
    lines = novel().decode().split("\n")
    out: list[str] = []
    for line in lines:
        out.append(line)
        if line.startswith("CHAPTER "):
            out.append("=" * len(line))
    return "\n".join(out).encode()


def nested_lists(lines: int) -> bytes:
    """Lists nested 32 deep, over and over: the slowest reStructuredText docutils is given."""
    nest = "".join(
        " " * depth + "- an item of a list within a list\n\n" for depth in range(0, 64, 2)
    )
    return (nest * (lines // nest.count("\n"))).encode()  # at most `lines` lines


def long_pdf() -> bytes:
    from fpdf import FPDF

    doc = FPDF()
    doc.set_auto_page_break(True, margin=20)
    doc.add_page()
    for n, text in enumerate(documents.prose(5, 1_100)):
        if n % 90 == 0:
            doc.set_font("Helvetica", "B", 16)
            doc.multi_cell(0, 10, f"Chapter {n // 90 + 1}", new_x="LMARGIN", new_y="NEXT")
            doc.set_font("Helvetica", size=11)
        doc.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
        doc.ln(3)
    return bytes(doc.output())


def junk_page() -> bytes:
    article = "".join(f"<p>{p}</p>" for p in documents.prose(5, 40))
    link = '<div class="x"><p>Link number {} to elsewhere</p></div>'
    links = "".join(link.format(i) for i in range(12_000))
    return f"<html><body>{links}<article><h1>T</h1>{article}</article></body></html>".encode()


def read_html(data: bytes) -> object:
    return lxml.html.document_fromstring(data)


def read_text(data: bytes) -> object:
    return plain.paragraphs(plain.normalise(plain.decode(data)))


def read_markdown(data: bytes) -> object:
    from roundtable.packs.readers import markdown as reader

    return reader.read(plain.decode(data))


def read_rest(data: bytes) -> object:
    from roundtable.packs.readers import rest

    return rest.read(plain.decode(data))


def read_pdf(data: bytes) -> object:
    from pypdf import PdfReader

    return [p.extract_text(extraction_mode="layout") for p in PdfReader(io.BytesIO(data)).pages]


def measure(run: Callable[[], object]) -> tuple[float, float]:
    """(best seconds of three, peak MB)."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    tracemalloc.start()
    run()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return best, peak / 1e6


def main() -> None:
    pdf = long_pdf()
    cases = [
        ("novel.txt", novel(), read_text),
        ("novel.md", markdown(), read_markdown),
        ("novel.rst", restructuredtext(), read_text),
        (f"report.pdf ({len(read_pdf(pdf))} pages)", pdf, read_pdf),
        # Hostile shapes at the limit: the worst cases found so far.
        # Over markdown.MAX_PARSED_LINES: read as plain text (markdown-it took 14 s and 300 MB).
        ("list.md (140,000 list items)", ("- item\n" * 142_857).encode()[:999_999], read_text),
        ("list.md (39,000 list items)", ("- a list item\n" * 39_000).encode(), read_markdown),
        # Just under rest.MAX_PARSED_LINES, against docutils alone; over it, plain text.
        ("nested.rst (lists 32 deep, 9,900 lines)", nested_lists(9_900), read_rest),
        ("nested.rst (lists 32 deep, 30,000 lines)", nested_lists(30_000)[:999_999], read_text),
        (
            "chapters.txt (5,000 chapters)",
            "".join(f"Chapter {i}\n\n{documents.ARGUMENT}\n\n" for i in range(5_000)).encode()[
                :999_999
            ],
            read_text,
        ),
        ("words.txt (no sentence ends)", ("word " * 200_000).encode()[:999_999], read_text),
        ("page.html (12,000 links around an article)", junk_page(), read_html),
    ]
    rows = []
    for name, data, baseline in cases:
        filename = name.split(" ")[0]
        check = asyncio.run(report.check_bytes(data, filename))
        base_s, base_mb = measure(lambda d=data, b=baseline: b(d))
        full_s, full_mb = measure(lambda d=data, n=filename: asyncio.run(report.check_bytes(d, n)))
        rows.append((name, len(data), len(check.pack.sections), base_s, full_s, base_mb, full_mb))
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"## {stamp}, Python {platform.python_version()}, {platform.machine()}",
        "",
        "| file | bytes | sections | reading only (s) | pack check (s) | ratio | reading only"
        " peak (MB) | pack check peak (MB) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, size, sections, base_s, full_s, base_mb, full_mb in rows:
        lines.append(
            f"| {name} | {size:,} | {sections} | {base_s:.2f} | {full_s:.2f} | "
            f"{full_s / base_s:.1f}× | {base_mb:.0f} | {full_mb:.0f} |"
        )
    text = "\n".join(lines) + "\n"
    print(text)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    header = "" if RESULTS.exists() else "# pack check at the import limits vs reading only\n"
    with RESULTS.open("a", encoding="utf-8") as out:
        out.write(f"{header}\n{text}")


if __name__ == "__main__":
    main()
