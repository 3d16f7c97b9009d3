"""`make demo` end to end: the sandbox here, the bot as its own process, every step checked."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sandbox.demo import run_demo

pytestmark = pytest.mark.process


@pytest.mark.timeout(300)  # five bot runs, two of them waiting on the demo's fast clock
async def test_the_demo_passes_and_writes_a_readable_transcript(tmp_path: Path) -> None:
    assert await run_demo(tmp_path) == 0
    # Imports, rounds, summaries, charts and exports never held the bot's event loop up.
    log = (tmp_path / "bot.log").read_text("utf-8")
    assert "Round threads known" in log and "Event loop held up" not in log, log
    text = (tmp_path / "transcript.md").read_text("utf-8")

    def checked(what: str) -> bool:
        return re.search(rf"^- ✓ step \d+: {re.escape(what)}", text, re.MULTILINE) is not None

    assert text.startswith("# Roundtable demo, ")
    assert "✗" not in text
    assert "got the response they expect." in text
    # Mentions are shown as names, not raw ids.
    assert "the role @Moderators" in text
    assert "<@" not in text and "<#" not in text
    # The packs flow: an import found the sections and a section was previewed.
    assert "Found 4 sections (a plain text, by short heading lines between paragraphs)" in text
    assert "│ **Pointed questions**" in text
    # Rounds: with and without the Message Content intent, across two restarts.
    assert "## First run, Message Content intent off" in text
    assert "## The bot restarts with MESSAGE_CONTENT_INTENT=true" in text
    assert checked("the offline summary: every point links real messages of the round")
    assert checked("the LLM summary (Linus's text left out, as he chose)")
    assert checked("buttons keep working after the bot restarts")
    assert checked("two replies recorded (the deleted one is gone), with the edit")
    assert checked("closed once, on start-up, with its participation")
    # A series on the demo's fast clock, across a restart with a missed occurrence.
    assert checked("one reminder, with how many have taken part; it pings nobody")
    assert checked("Thursday's section is posted on start-up, with a note saying so")
    assert checked("four rounds across the restart, each posted exactly once")
    assert text.count(": the bot shut down cleanly on SIGTERM (exit status 0)") == 5
    # Exports in the four formats, saved beside the transcript.
    assert checked("a Markdown digest: contents, how stances moved, then each round")
    assert checked("anyone who can see the round gets its summary as a file")
    saved = sorted(p.name for p in (tmp_path / "exports").iterdir())
    assert saved == [
        "roundtable-server-everything.html",
        "roundtable-server-everything.json",
        "roundtable-server-everything.md",
        "roundtable-server-everything.zip",
    ]
    # A story a newcomer follows: no time in the past that the story has not lived through (the
    # series runs on the bot's fast clock, and the transcript reads times on it), the stand-in
    # LLM said to be one, and no table of zero stances.
    story = text.split("## What was checked")[0]
    assert re.findall(r"[Cc]loses?\b[^\n]*?\d+ \w+ ago", story) == []  # no deadline behind us
    assert all(int(n) <= 7 for n in re.findall(r"(\d+) days? ago", story))  # the story's week
    assert "- ✓" not in story  # the checks are listed at the end, not between the steps
    assert "**stand-in**" in story
    assert "0 → 0 (0)\n> │ Disagree: 0 → 0 (0)" not in story
    assert "Nobody took a stance." in story
