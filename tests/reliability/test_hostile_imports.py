"""Hostile imports (issue #14, defect 5): the bot reads files in a worker process, bounded in
time; an overrun is stopped with a clear message and the next import works; errors come back
whole."""

from __future__ import annotations

import asyncio
import io
import multiprocessing
import os
import pickle
import re
import signal
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

from roundtable.errors import UserError
from roundtable.packs import library
from roundtable.packs.format import PackError
from roundtable.packs.worker import ProcessRunner, for_server, in_thread
from roundtable.packs.writers import TemplateWriter
from tests.fixtures import documents
from tests.fixtures.documents import crafted_epub

T = TypeVar("T")


async def test_an_overrun_is_stopped_and_the_worker_replaced() -> None:
    run = ProcessRunner(seconds=1.0)
    try:
        with pytest.raises(UserError, match="took longer than 1 s, so it was stopped"):
            await run(time.sleep, 30)
        assert await run(len, "still working") == 13  # a fresh process
    finally:
        run.close()


async def test_an_import_in_the_worker_process_gives_the_same_pack_and_errors() -> None:
    run = ProcessRunner()
    try:
        text = ("A title\n\n" + "A sentence about export bans and chips. " * 40 + "\n\n") * 3
        here = await library.prepare_import(
            text.encode(), filename="a.txt", title=None, writer=TemplateWriter()
        )
        there = await library.prepare_import(
            text.encode(), filename="a.txt", title=None, writer=TemplateWriter(run), run=run
        )
        assert there == here
        broken = b"---\nroundtable: 1\ntitle: Broken\n---\n\nno section heading here\n"
        with pytest.raises(PackError) as caught:
            await library.prepare_import(
                broken, filename="b.md", title=None, writer=TemplateWriter(run), run=run
            )
        assert caught.value.problems  # the problems crossed the process boundary
        assert "problem" in str(caught.value)
    finally:
        run.close()


async def test_a_crafted_megabyte_imports_in_linear_time_off_the_loop() -> None:
    """`1. 1. 1. …` once took quadratic time in the question templates; a megabyte of it is now
    read (or refused with a message) by the worker process."""
    run = ProcessRunner()
    try:
        data = ("Title\n\n" + "1. " * 330_000).encode()
        try:
            preview = await library.prepare_import(
                data, filename="x.txt", title=None, writer=TemplateWriter(run), run=run
            )
            assert preview.pack.sections
        except UserError as refused:
            assert str(refused)  # a clear sentence, not a traceback
    finally:
        run.close()


async def test_bidirectional_controls_never_reach_titles() -> None:
    """U+202E makes "\u202eegassem" display as "message" reversed: such controls are dropped."""
    body = "A sentence long enough to be a paragraph of its own in the text. " * 30
    text = f"# \u202eReversed\u202c title\n\n{body}\n\n# \u2067Isolated\u2069 part\n\n{body}\n"
    preview = await library.prepare_import(
        text.encode(), filename="a.md", title=None, writer=TemplateWriter()
    )
    titles = [s.title for s in preview.pack.sections]
    assert titles == ["Reversed title", "Isolated part"]
    pack_file = "\n".join(
        ["---", "roundtable: 1", "title: \u202eA pack", "---", "", "## \u202eOne", "", body, ""]
    )
    found = await library.prepare_import(
        pack_file.encode(), filename="p.md", title=None, writer=TemplateWriter()
    )
    assert (found.pack.title, found.pack.sections[0].title) == ("A pack", "One")


def _pdf_header_only() -> bytes:
    return b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"  # truncated: no pages, no xref


def _damaged_epub() -> bytes:
    """A whole EPUB whose second chapter's deflated bytes were garbled in transit."""
    data = bytearray(documents.epub())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        [info] = [i for i in archive.infolist() if i.filename.endswith("chap_2.xhtml")]
    start = info.header_offset + 30 + len(info.filename) + len(info.extra) + 10
    for k in range(start, start + 40):
        data[k] ^= 0x5A
    return bytes(data)


def _encrypted_epub() -> bytes:
    """A whole EPUB whose chapter files are marked encrypted (as DRM-protected books are)."""
    data = bytearray(documents.epub())
    at = data.find(b"PK\x01\x02")  # the zip's directory: each entry's flags at +8
    while at != -1:
        name_length = int.from_bytes(data[at + 28 : at + 30], "little")
        if data[at + 46 : at + 46 + name_length].endswith(b".xhtml"):
            data[at + 8] |= 0x01
        at = data.find(b"PK\x01\x02", at + 46)
    return bytes(data)


MALFORMED_FILES: dict[str, tuple[str, bytes]] = {
    "empty text": ("a.txt", b""),
    "only blanks": ("a.txt", b"   \n\n\t\n"),
    "binary as text": ("a.txt", bytes(range(256)) * 20),
    "NUL bytes": ("a.txt", b"Title\n\n" + b"\x00" * 5000),
    "invalid UTF-8": ("a.txt", b"Title\n\n" + b"\xff\xfe\xfa" * 3000),
    "UTF-16 with a mark": ("a.txt", ("Title\n\n" + "Words in a sentence. " * 200).encode("utf-16")),
    "a megabyte on one line": ("a.txt", b"x" * 999_000),
    "only headings": ("a.md", b"# One\n\n# Two\n\n# Three\n"),
    "a marked pack with no sections": ("p.md", b"---\nroundtable: 1\ntitle: Empty\n---\n"),
    "a marked pack with bad front matter": ("p.md", b"---\nroundtable: 1\ntitle: [unclosed\n---\n"),
    "a marked pack repeating a title": (
        "p.md",
        b"---\nroundtable: 1\ntitle: T\n---\n\n## A\n\nText here.\n\n## A\n\nMore text.\n",
    ),
    "an HTML page without text": (
        "a.html",
        b"<html><head><script>x()</script></head><body></body>",
    ),
    "HTML that is not": ("a.html", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100),
    "a PDF cut short": ("a.pdf", _pdf_header_only()),
    "a PDF that is text": ("a.pdf", b"This is not a PDF at all, only words."),
    "an EPUB that is not a zip": ("a.epub", b"PK\x03\x04 not really a zip"),
    "an EPUB zip without a book": ("a.epub", b"PK\x05\x06" + b"\x00" * 18),
    "an EPUB with a damaged chapter": ("a.epub", _damaged_epub()),
    "an EPUB with encrypted chapters": ("a.epub", _encrypted_epub()),
    "YAML bombs in front matter": (
        "a.md",
        b"---\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n"
        b"c: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c]\n---\n\n"
        b"# Title\n\nSome words in a paragraph.\n",
    ),
    "deeply nested HTML": ("a.html", b"<div>" * 50_000 + b"text" + b"</div>" * 50_000),
    "deeply nested Markdown quotes": ("a.md", b">" * 50_000 + b" text\n"),
}


@pytest.mark.parametrize("name", sorted(MALFORMED_FILES))
async def test_malformed_files_get_a_sentence_or_a_pack(name: str) -> None:
    """Each hostile file either imports or is refused with a sentence: never a traceback."""
    filename, data = MALFORMED_FILES[name]
    try:
        preview = await library.prepare_import(
            data, filename=filename, title=None, writer=TemplateWriter()
        )
    except UserError as refused:
        assert len(str(refused)) > 15, name
    else:
        assert preview.pack.sections and all(s.text.strip() for s in preview.pack.sections)


@pytest.mark.timeout(60)  # the limit is 120 s: the death must be reported long before it
async def test_a_killed_worker_is_reported_at_once_and_replaced() -> None:
    """#27: a killed worker left the moderator waiting 120 s, then blamed the file."""
    others = {p.pid for p in multiprocessing.active_children()}

    def workers() -> list[multiprocessing.process.BaseProcess]:
        return [
            p for p in multiprocessing.active_children() if p.is_alive() and p.pid not in others
        ]

    run = ProcessRunner(workers=1)
    try:
        assert await run(len, "warm") == 4  # the worker is up
        [worker] = workers()
        slow = asyncio.create_task(run(time.sleep, 30))
        await asyncio.sleep(0.5)
        assert worker.pid is not None
        os.kill(worker.pid, signal.SIGKILL)  # as the kernel's OOM killer would
        with pytest.raises(UserError, match="The worker reading this file stopped before it"):
            await slow
        assert await run(len, "replaced") == 8
        # A worker that died while idle is replaced before the next file, not blamed on it.
        [idle] = workers()
        assert idle.pid is not None
        os.kill(idle.pid, signal.SIGKILL)
        idle.join(5)
        assert await run(len, "next") == 4
    finally:
        run.close()


async def test_a_slow_import_does_not_hold_up_the_next_one() -> None:
    """#27: one worker served all servers: a 100-byte import waited 63.5 s behind a slow one."""
    run = ProcessRunner(seconds=20.0)
    try:
        slow = asyncio.create_task(run(time.sleep, 10))
        await asyncio.sleep(0.2)
        quick = asyncio.create_task(run(len, "a small file"))
        done, _ = await asyncio.wait({slow, quick}, return_when=asyncio.FIRST_COMPLETED)
        assert done == {quick} and quick.result() == 12
        slow.cancel()
    finally:
        run.close()


def _peak_mb(pid: int) -> float:
    """The most memory the process has held (its high-water mark), in MB."""
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"^VmHWM:\s+(\d+) kB", status, re.M).group(1)) / 1024  # type: ignore[union-attr]


_CHAPTER_BOMB = b"<p>a</p>" * 7_375_000  # 59 MB of markup: about 116 KB once zipped
_SENTENCES = b"<p>" + b"The vote was close and the room argued about it. " * 2_100 + b"</p>"


@pytest.mark.parametrize(
    ("chapters", "refusal"),
    [
        ([_CHAPTER_BOMB], r"file OEBPS/c0\.xhtml is 59,000,0\d\d bytes; the limit is 5,000,000"),
        ([b"<p>a</p>"] * 2_500, "holds 2,503 files; the limit is 2,000"),
        ([b"<p>a</p>" * 12_500] * 10, "hold more than 200,000 tags"),
        ([_SENTENCES] * 12, r"its text is more than 1,0\d\d,\d\d\d characters"),
    ],
    ids=["a 59 MB chapter file", "2,500 files", "250,000 tags", "1.26 M characters"],
)
async def test_a_crafted_epub_is_refused_as_it_is_read_within_bounded_memory(
    chapters: list[bytes], refusal: str
) -> None:
    """#27: a 139 KB EPUB drove the import worker to 2.3 GB and the bot to 1.2 GB (the whole
    parsed text crossed back before its size was checked)."""
    others = {p.pid for p in multiprocessing.active_children()}
    data = crafted_epub(chapters)
    assert len(data) < 600_000  # a small upload
    run = ProcessRunner(workers=1)
    try:
        with pytest.raises(PackError, match=refusal):
            await library.prepare_import(
                data, filename="book.epub", title=None, writer=TemplateWriter(run), run=run
            )
        [worker] = [p for p in multiprocessing.active_children() if p.pid not in others]
        assert worker.pid is not None
        assert _peak_mb(worker.pid) < 250
    finally:
        run.close()


async def test_what_crosses_back_from_the_worker_is_the_pack_not_the_parsed_book() -> None:
    """The bot's own memory: 32,000 short paragraphs are the pack's text once, not a parsed
    document per paragraph sent back to be read a second time."""
    crossed: list[int] = []

    async def recording(fn: Callable[..., T], /, *args: object) -> T:
        result = await in_thread(fn, *args)
        crossed.append(len(pickle.dumps(result)))  # what a worker process would send back
        return result

    data = crafted_epub([b"<p>We argued about the vote.</p>" * 1_600] * 20)
    preview = await library.prepare_import(
        data, filename="book.epub", title=None, writer=TemplateWriter(), run=recording
    )
    assert preview.pack.sections
    assert max(crossed) < 1.2 * len(preview.body.encode())  # was 1.58 times


async def test_a_worker_past_its_memory_limit_is_stopped_with_a_sentence() -> None:
    """The backstop for a shape the readers' own checks did not foresee: the host keeps its
    memory, the moderator gets a sentence, the next import a fresh worker."""
    run = ProcessRunner(memory=512 << 20)
    try:
        with pytest.raises(UserError, match="needed more than 512 MB of memory"):
            await run(bytearray, 1 << 30)
        assert await run(len, "next") == 4
    finally:
        run.close()


async def test_one_servers_slow_imports_hold_one_slot_and_another_server_is_served() -> None:
    """#27: per-server fairness: a server sending two slow files held both worker slots, and
    every other server's import waited behind them."""
    run = ProcessRunner(seconds=30.0)
    first, second = for_server(run, 1), for_server(run, 2)
    try:
        slow = {asyncio.create_task(first(time.sleep, 10)) for _ in range(2)}
        await asyncio.sleep(0.2)
        quick = asyncio.create_task(second(len, "another server's file"))
        done, _ = await asyncio.wait({*slow, quick}, return_when=asyncio.FIRST_COMPLETED)
        assert done == {quick} and quick.result() == 21
        for task in slow:
            task.cancel()
    finally:
        run.close()
