"""Summaries as a Markdown document; the chart renders. (The Discord embeds: tests/cogs.)"""

from __future__ import annotations

import struct

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


def test_the_markdown_document_has_every_point_and_writes_member_links_out() -> None:
    text = render.markdown(big_summary(points=20), guild_id=1, channel_id=2)
    assert text.count("\n- “") == 12 * 20  # every point is in the file
    assert text.startswith("# Summary · Round 1 · Big\n")
    assert "— 3 members, mostly Agree · [1](https://discord.com/channels/1/20/" not in text
    assert "- “yyy" in text and "[1](https://discord.com/channels/1/2/10)" in text
    sneaky = Summary(
        "R",
        "offline",
        (Section(None, "Discussion", (Point("“see [the data](https://evil.example)”", (5,), 1),)),),
        {},
        1,
        0,
        1,
    )
    line = render.markdown(sneaky, guild_id=1, channel_id=2).splitlines()[-1]
    assert line == (
        "- “see the data (https://evil.example)” — 1 member · [1](https://discord.com/channels/1/2/5)"
    )


def test_an_answer_never_shown_in_the_thread_is_cited_without_a_link() -> None:
    unposted = Summary(
        "R", "offline", (Section(1, "Q", (Point("“kept”", (-7, 42), 2),)),), {}, 2, 2, 0
    )
    text = render.markdown(unposted, guild_id=1, channel_id=2)
    assert "- “kept” — 2 members · [2](https://discord.com/channels/1/2/42)" in text
    assert "-7" not in text


def test_the_chart_renders_a_png() -> None:
    labelled = debate(300, seed=2)
    summary = summarise(labelled.discussion)
    png = render_png(summary, labelled.discussion)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == (900, 360)
    assert render_png(summary, labelled.discussion) == png  # deterministic
