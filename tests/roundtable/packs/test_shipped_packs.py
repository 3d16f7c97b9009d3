"""Every pack shipped in prompts/packs/ loads, validates, posts within limits, round-trips.

That the seed pack is a digest of the op-ed, not a copy, is checked against the op-ed itself by
`make seed-check` (tests/seed_check.py), which .ci/run runs when ../shared/ is there."""

from __future__ import annotations

from pathlib import Path

import pytest

from roundtable.packs.excerpts import EMBED_TOTAL_MAX, layout
from roundtable.packs.format import parse_pack, render_pack
from roundtable.packs.library import SHIPPED_DIR, load_pack_files
from roundtable.packs.questions import MIN_QUESTIONS

SHIPPED = sorted(SHIPPED_DIR.glob("*.md"))


def test_there_is_a_shipped_pack() -> None:
    assert [p.name for p in SHIPPED] == ["deepseek-sputnik-moment.md"]
    assert len(load_pack_files(SHIPPED_DIR)) == len(SHIPPED)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_pack_is_valid_canonical_and_postable(path: Path) -> None:
    text = path.read_text("utf-8")
    pack = parse_pack(text)
    assert render_pack(pack) == text  # stored exactly as shipped
    assert pack.source and pack.licence  # it names its source and terms
    for number, section in enumerate(pack.sections, start=1):
        assert len(section.questions) >= MIN_QUESTIONS
        excerpt = layout(pack, number)
        assert all(m.embed_chars <= EMBED_TOTAL_MAX for m in excerpt.messages)


def test_the_seed_pack_follows_the_op_eds_structure() -> None:
    pack = parse_pack((SHIPPED_DIR / "deepseek-sputnik-moment.md").read_text("utf-8"))
    assert [s.title for s in pack.sections] == [
        "Introduction",
        "No chips for China",
        "Closing the gap",
        "AI arms race",
    ]
    text = " ".join(s.text for s in pack.sections)
    for fact in ("6 million", "a fifth of its value", "trillion dollars", "90%", "open source"):
        assert fact in text
    assert "donat" not in text.lower()
