"""`make demo` end to end: the sandbox here, the bot as its own process, every step checked."""

from __future__ import annotations

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
    assert "✓ the offline summary: every point links real messages of the round" in text
    assert "✓ the LLM summary (Linus's text left out, as he chose)" in text
    assert "✓ buttons keep working after the bot restarts" in text
    assert "✓ two replies recorded (the deleted one is gone), with the edit" in text
    assert "✓ closed once, on start-up, with its participation" in text
    # A series on the demo's fast clock, across a restart with a missed occurrence.
    assert "✓ one reminder, with how many have taken part; it pings nobody" in text
    assert "✓ Thursday's section is posted on start-up, with a note saying so" in text
    assert "✓ four rounds across the restart, each posted exactly once" in text
    assert text.count("✓ the bot shut down cleanly on SIGTERM (exit status 0)") == 5
    # Exports in the four formats, saved beside the transcript.
    assert "✓ a Markdown digest: contents, how stances moved, then each round" in text
    assert "✓ anyone who can see the round gets its summary as a file" in text
    saved = sorted(p.name for p in (tmp_path / "exports").iterdir())
    assert saved == [
        "roundtable-server-everything.html",
        "roundtable-server-everything.json",
        "roundtable-server-everything.md",
        "roundtable-server-everything.zip",
    ]
