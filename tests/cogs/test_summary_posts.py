"""A summary as Discord embeds: jump links, within Discord's limits, member text inert."""

from __future__ import annotations

from cogs.support.summary_posts import embeds, messages, point_line
from roundtable.packs.excerpts import EMBED_DESCRIPTION_MAX, EMBED_TOTAL_MAX, EMBEDS_PER_MESSAGE
from roundtable.summaries.model import Point
from sandbox.rendering import masked_links
from tests.roundtable.summaries.test_summaries_render import big_summary


def test_jump_links_and_point_lines() -> None:
    summary = big_summary(questions=1, points=1, chars=10)
    [first, q1] = embeds(summary, guild_id=1, channel_id=2)[0]
    assert first.title == "Summary · Round 1 · Big"
    assert "Agree: 3 → 5 (+2)" in first.description
    assert q1.description == (
        "• “yyyyyyyyyy” — 3 members, mostly Agree · "
        "[1](https://discord.com/channels/1/2/10) [2](https://discord.com/channels/1/2/2)"
    )
    assert point_line(summary.sections[0].points[0], None, None).endswith("#10 #2")


def test_a_long_summary_is_packed_within_limits() -> None:
    specs, shortened = messages(big_summary(points=20), guild_id=1, channel_id=2)
    assert shortened  # 20 long points do not fit one embed: the file carries the rest
    assert len(specs) > 1
    for message in specs:
        assert len(message.embeds) <= EMBEDS_PER_MESSAGE
        assert message.embed_chars <= EMBED_TOTAL_MAX
        assert all(len(e.description or "") <= EMBED_DESCRIPTION_MAX for e in message.embeds)
        assert all(len(e.title or "") <= 256 for e in message.embeds)


def test_what_members_wrote_is_inert_and_our_links_are_not() -> None:
    quote = "“**read** [this](https://evil.example/x) @everyone, <@123456789012345678>”"
    line = point_line(Point(quote, (10, -4), 2), 1, 2)
    assert masked_links(line) == ["https://discord.com/channels/1/2/10"]  # only ours
    assert "this (https://evil.example/x)" in line
    assert "\\*\\*read\\*\\*" in line and "@\u200beveryone" in line
    assert "-4" not in line  # an answer never shown in the thread is counted, not linked


def test_a_round_where_nobody_took_a_stance_shows_no_table_of_zeros() -> None:
    from dataclasses import replace

    from roundtable.summaries import render

    nobody = replace(
        big_summary(questions=1, points=1, chars=10),
        stances={"Agree": (0, 0), "Disagree": (0, 0), "Unsure": (0, 0)},
    )
    [first, _] = embeds(nobody, guild_id=1, channel_id=2)[0]
    assert "→" not in first.description and "0 → 0" not in first.description
    assert "Stances" not in render.markdown(nobody, guild_id=1, channel_id=2)
    some = replace(nobody, stances={"Agree": (0, 1), "Disagree": (0, 0), "Unsure": (0, 0)})
    [first, _] = embeds(some, guild_id=1, channel_id=2)[0]
    assert "Agree: 0 → 1 (+1)\nDisagree: 0 → 0 (0)" in first.description  # once one did
