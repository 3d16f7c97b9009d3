"""`make demo` end to end: the sandbox here, the bot as its own process, every step checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from sandbox.demo import run_demo

pytestmark = pytest.mark.process


async def test_the_demo_passes_and_writes_a_readable_transcript(tmp_path: Path) -> None:
    assert await run_demo(tmp_path) == 0
    text = (tmp_path / "transcript.md").read_text("utf-8")
    assert text.startswith("# Roundtable demo, ")
    assert "✗" not in text
    assert "got the response they expect." in text
    # Mentions are shown as names, not raw ids.
    assert "the role @Moderators" in text
    assert "<@" not in text and "<#" not in text
    # The packs flow: an import found the sections and a section was previewed.
    assert "Found 4 sections (short heading lines between paragraphs)" in text
    assert "│ **Pointed questions**" in text
