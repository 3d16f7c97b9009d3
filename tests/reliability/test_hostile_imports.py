"""Hostile imports (issue #14, defect 5): the bot reads files in a worker process, bounded in
time; an overrun is stopped with a clear message and the next import works; errors come back
whole."""

from __future__ import annotations

import time

import pytest

from roundtable.errors import UserError
from roundtable.packs import library
from roundtable.packs.format import PackError
from roundtable.packs.worker import ProcessRunner
from roundtable.packs.writers import TemplateWriter


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
