"""Summaries as Discord messages and Markdown, within limits; the chart renders."""

from __future__ import annotations

import struct

from roundtable.packs.excerpts import EMBED_DESCRIPTION_MAX, EMBED_TOTAL_MAX, EMBEDS_PER_MESSAGE
from roundtable.summaries import render
from roundtable.summaries.chart import render_png
from roundtable.summaries.model import Point, Section, Summary
from roundtable.summaries.offline import summarise
from sandbox.debates import debate


def big_summary(questions: int = 12, points: int = 5, chars: int = 300) -> Summary:
    sections = tuple(
        Section(
            n,
            f"Question {n} " + "x" * 200,
            tuple(
                Point("“" + "y" * chars + "”", (n * 10 + i, 2), 3, "mostly Agree")
                for i in range(points)
            ),
        )
        for n in range(1, questions + 1)
    )
    return Summary("Round 1 · Big", "offline", sections, {"Agree": (3, 5)}, 9, 40, 12)


def test_jump_links_and_point_lines() -> None:
    summary = big_summary(questions=1, points=1, chars=10)
    [first, q1] = render.embeds(summary, guild_id=1, channel_id=2)[0]
    assert first.title == "Summary · Round 1 · Big"
    assert "Agree: 3 → 5 (+2)" in first.description
    assert q1.description == (
        "• “yyyyyyyyyy” — 3 members, mostly Agree · "
        "[1](https://discord.com/channels/1/2/10) [2](https://discord.com/channels/1/2/2)"
    )
    assert render.point_line(summary.sections[0].points[0], None, None).endswith("#10 #2")


def test_a_long_summary_is_packed_within_limits_with_the_full_text_attached() -> None:
    messages, shortened = render.messages(big_summary(points=20), guild_id=1, channel_id=2)
    assert shortened  # 20 long points do not fit one embed
    assert len(messages) > 1
    for message in messages:
        assert len(message.embeds) <= EMBEDS_PER_MESSAGE
        assert message.embed_chars <= EMBED_TOTAL_MAX
        assert all(len(e.description or "") <= EMBED_DESCRIPTION_MAX for e in message.embeds)
        assert all(len(e.title or "") <= 256 for e in message.embeds)
    text = render.markdown(big_summary(points=20), guild_id=1, channel_id=2)
    assert text.count("\n- “") == 12 * 20  # every point is in the file
    assert text.startswith("# Summary · Round 1 · Big\n")


def test_the_chart_renders_a_png() -> None:
    labelled = debate(300, seed=2)
    summary = summarise(labelled.discussion)
    png = render_png(summary, labelled.discussion)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == (900, 360)
    assert render_png(summary, labelled.discussion) == png  # deterministic
