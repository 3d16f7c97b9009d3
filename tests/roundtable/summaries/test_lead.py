"""The lead: what a member who reads nothing else learns from a summary (#26)."""

from __future__ import annotations

from cogs.support.summary_posts import embeds
from roundtable.summaries import render
from roundtable.summaries.model import (
    Contribution,
    Discussion,
    Point,
    Section,
    Summary,
    without_removed,
)
from roundtable.summaries.offline import summarise
from tests.fixtures.evaluation import evaluation_set

SET = {labelled.name: labelled for labelled in evaluation_set()}


def test_a_rounds_lead_says_how_stances_ended_and_moved_and_the_main_disagreement() -> None:
    summary = summarise(SET["round"].discussion)
    assert summary.lead == (
        "The group ended split: 19 Agree, 19 Disagree. 8 members changed their stance: 4 from "
        "Unsure to Agree, 4 from Unsure to Disagree. The main disagreement: open release "
        "(Agree) against cluster purchase (Disagree)."
    )


def test_a_discussions_lead_names_what_took_most_of_the_talk_and_what_was_decided() -> None:
    assert summarise(SET["meeting"].discussion).lead == (
        "Most of the talk was about Code of conduct revision, Conference travel budget and "
        "Documentation team handover. 6 decisions and actions are listed, among them “Agreed: "
        "The membership board meets monthly until the backlog is cleared”."
    )
    assert summarise(SET["help channel"].discussion).lead.endswith(
        "10 questions asked: 8 answered (8 thanked by the asker), 2 not."
    )


def _round(opening: dict[int, str], closing: dict[int, str]) -> Discussion:
    said = tuple(
        Contribution(100 + u, u, f"I hold {s} because the evidence points that way.", 1)
        for u, s in closing.items()
    )
    return Discussion("R", ("Q?",), said, ("Agree", "Disagree"), opening, closing)


def test_all_most_and_nobody_moved() -> None:
    everyone = {1: "Agree", 2: "Agree", 3: "Agree"}
    assert summarise(_round(everyone, everyone)).lead.startswith(
        "All 3 members who took a stance ended on Agree. Nobody changed their stance."
    )
    most = {1: "Agree", 2: "Agree", 3: "Agree", 4: "Disagree"}
    assert summarise(_round(everyone | {4: "Agree"}, most)).lead.startswith(
        "Most members ended on Agree (3 of 4). 1 member changed their stance: 1 from Agree to "
        "Disagree."
    )


def test_the_lead_is_shown_first_and_inert() -> None:
    hostile = "Most of the talk was about [free nitro](https://evil.example) and @everyone."
    summary = Summary(
        "R", "offline", (Section(None, "In the thread", (Point("“x y z”", (5,), 1),)),),
        {}, 2, 0, 3, lead=hostile,
    )  # fmt: skip
    text = render.markdown(summary, guild_id=1, channel_id=2)
    assert text.split("\n\n")[2] == (
        "Most of the talk was about free nitro (https://evil.example) and @everyone."
    )
    [first, _] = embeds(summary, guild_id=1, channel_id=2)[0]
    assert first.description.splitlines()[2] == (
        "Most of the talk was about free nitro (https://evil.example) and @\u200beveryone."
    )
    assert Summary.from_json(summary.to_json()).lead == hostile


def test_the_lead_goes_when_a_point_it_may_name_goes() -> None:
    summary = summarise(SET["round"].discussion)
    present = {c.message_id for c in SET["round"].discussion.contributions}
    assert without_removed(summary, present).lead == summary.lead
    gone = summary.sections[0].points[0].message_ids[0]
    assert without_removed(summary, present - {gone}).lead == ""
