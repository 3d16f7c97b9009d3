"""Summaries as a Markdown document; the chart renders. (The Discord embeds: tests/cogs.)"""

from __future__ import annotations

import struct
from dataclasses import replace

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
    assert (width, height) == (1000, 320)
    assert render_png(summary, labelled.discussion) == png  # deterministic


# Discord's message backgrounds: the dark theme and the light one.
THEMES = {"dark": (0x31, 0x33, 0x38), "light": (0xFF, 0xFF, 0xFF)}


def _luminance(rgb: tuple[int, ...]) -> float:
    """WCAG 2's relative luminance."""
    linear = [c / 255 / 12.92 if c <= 10 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _drawn_colours(png: bytes) -> dict[tuple[int, int, int], int]:
    """The colours the chart paints fully (not edges blended by anti-aliasing), with counts."""
    import io

    from PIL import Image

    data = Image.open(io.BytesIO(png)).convert("RGBA").tobytes()
    counts: dict[tuple[int, int, int], int] = {}
    for i in range(0, len(data), 4):
        if data[i + 3] == 255:
            colour = (data[i], data[i + 1], data[i + 2])
            counts[colour] = counts.get(colour, 0) + 1
    return counts


def test_the_chart_reads_on_discords_dark_and_light_themes() -> None:
    import io

    from PIL import Image

    from roundtable.summaries.chart import CLOSING

    d = debate(300, seed=2).discussion
    questions = (
        "The author says the export bans backfired by pushing Chinese engineers to work more "
        "efficiently. What evidence would change your mind?",
        "Do you agree that open-sourcing R1 is a point in its favour?",
    )
    d = replace(d, questions=questions)
    summary = summarise(d)
    png = render_png(summary, d)
    image = Image.open(io.BytesIO(png)).convert("RGBA")
    assert image.getpixel((0, 0))[3] == 0  # a transparent background: the theme shows through
    painted = {c: n for c, n in _drawn_colours(png).items() if n >= 40}
    assert len(painted) >= 4  # text, opening, closing, contributions
    for theme, background in THEMES.items():
        for colour in painted:
            ratio = _contrast(colour, background)
            assert ratio >= 3.0, f"{colour} on the {theme} theme: {ratio:.2f}:1"
    # Questions are named by their own words, not "Q1".
    from roundtable.summaries.chart import participation

    labels, _ = participation(d)
    assert labels == [
        "1. The author says the export bans…",
        "2. Do you agree that open-sourcing R1…",
        "Thread replies",
    ]
    # With no stances the panel says so instead of an empty axis: no closing bars at all.
    closing = tuple(int(CLOSING[i : i + 2], 16) for i in (1, 3, 5))
    assert painted.get(closing, 0) > 0
    nobody = replace(summary, stances={label: (0, 0) for label in summary.stances})
    assert _drawn_colours(render_png(nobody, d)).get(closing, 0) == 0


def test_the_header_counts_a_plain_discussions_messages_and_a_rounds_answers() -> None:
    """Issue #26: a channel's discussion has no answers ("151 messages from 22 people", not "22
    members, 0 answers, 151 replies"); a round keeps its answers, even when nobody answered."""
    chat = Summary("#general", "offline", (Section(None, "In the thread", ()),), {}, 22, 0, 1_151)
    assert render.header(chat).startswith("1,151 messages from 22 people. Extractive summary;")
    one = replace(chat, members=1, replies=1)
    assert render.header(one).startswith("1 message from 1 person.")
    quiet_round = replace(chat, sections=(Section(1, "Why?", ()), *chat.sections))
    assert render.header(quiet_round).startswith("22 members, 0 answers, 1151 replies.")
    assert render.header(big_summary()).startswith("9 members, 40 answers, 12 replies.")
