"""The offline summary on labelled synthetic debates and on a small real-looking round."""

from __future__ import annotations

from roundtable.summaries.model import (
    Contribution,
    Discussion,
    Point,
    Section,
    Summary,
    only_real_citations,
)
from roundtable.summaries.offline import summarise
from sandbox.debates import VIEWPOINTS, covered, debate


def lead_ids(summary: Summary) -> list[tuple[int, ...]]:
    return [p.message_ids for s in summary.sections for p in s.points]


def test_every_viewpoint_appears_in_every_section_quoted_once() -> None:
    """Each section shows every viewpoint argued in it; a camp already quoted under an earlier
    question is named again in one line that cites where it was argued again (#26)."""
    labelled = debate(2000, seed=3)
    summary = summarise(labelled.discussion)
    assert [s.title for s in summary.sections] == ["Question 1?", "Question 2?", "In the thread"]
    for section in summary.sections:
        shown = [
            ids
            for p in section.points
            for ids in (
                [p.message_ids] if p.text.startswith("“") else [(i,) for i in p.message_ids]
            )
        ]  # a quote by its first message; a line of camps argued again by each it cites
        assert covered(shown, labelled.viewpoint_of) == set(VIEWPOINTS), section.title
    first, *later = summary.sections
    assert all(p.text.startswith("“") for p in first.points)
    for section in later:
        again = [p for p in section.points if p.text.startswith("Argued again")]
        assert len(again) == 1, section.title
        assert again[0].text.startswith("Argued again, as under question 1: ")
        for p in section.points:
            if p.text.startswith("“"):
                assert all(p.text != q.text for s in summary.sections[:1] for q in s.points), p.text


def test_every_citation_is_a_real_message_of_the_section() -> None:
    labelled = debate(500, seed=1)
    summary = summarise(labelled.discussion)
    by_id = {c.message_id: c for c in labelled.discussion.contributions}
    for section in summary.sections:
        for point in section.points:
            assert 1 <= len(point.message_ids) <= (5 if point.text.startswith("“") else 12)
            for message_id in point.message_ids:
                assert by_id[message_id].question == section.number
            # The quote is the first cited message's text (a camp argued again is named).
            if point.text.startswith("“"):
                assert point.text.strip("“”").rstrip("…")[:40] in by_id[point.message_ids[0]].text


def test_coverage_beats_the_last_messages_baseline() -> None:
    for seed in (1, 2, 3):
        labelled = debate(500, seed=seed)
        summary = summarise(labelled.discussion)
        ours = baseline = 0
        for section in summary.sections:
            group = [c for c in labelled.discussion.contributions if c.question == section.number]
            last = [(c.message_id,) for c in group[-len(section.points) :]]
            ours += len(covered([p.message_ids for p in section.points], labelled.viewpoint_of))
            baseline += len(covered(last, labelled.viewpoint_of))
        assert ours > baseline, (seed, ours, baseline)


def test_it_is_deterministic() -> None:
    labelled = debate(800, seed=5)
    assert summarise(labelled.discussion) == summarise(labelled.discussion)


def small_round() -> Discussion:
    c = Contribution
    return Discussion(
        title="Round 1 · No chips for China",
        questions=("Did the export bans backfire?", "Is the training cost believable?"),
        stances=("Agree", "Disagree", "Unsure"),
        contributions=(
            c(1, 11, "The export bans backfired: engineers squeezed more out of older chips.", 1),
            c(2, 12, "Export bans backfired, they forced clever efficiency with older chips.", 1),
            c(3, 13, "No, the bans still protect national security and military systems.", 1),
            c(4, 11, "The cost figure leaves out the hardware and the salaries.", 2),
            c(5, 12, "+1", None),
            c(6, 13, "Security matters more than chip efficiency, the bans protect us.", None, 1),
            c(7, 11, "But the bans clearly backfired on the chip makers themselves.", None, 6),
        ),
        opening={11: "Agree", 12: "Unsure", 13: "Disagree"},
        closing={11: "Agree", 12: "Agree", 13: "Disagree"},
    )


def test_a_small_round() -> None:
    summary = summarise(small_round())
    assert summary.stances == {"Agree": (1, 2), "Disagree": (1, 1), "Unsure": (1, 0)}
    assert (summary.members, summary.answers, summary.replies) == (3, 4, 3)
    q1 = summary.sections[0]
    assert q1.points[0].members == 2 and q1.points[0].side == "all Agree"
    assert set(q1.points[0].message_ids) == {1, 2}
    assert any(p.message_ids == (3,) and p.side == "Disagree" for p in q1.points)
    clashes = {p.message_ids: p.text for p in summary.disagreements}
    assert set(clashes) == {(1, 6), (6, 7)}  # replies across differing stances
    assert clashes[(6, 7)].startswith("“Security matters more")
    assert "(Disagree) — answered: “But the bans" in clashes[(6, 7)]
    thread = summary.sections[-1]
    assert all(5 not in p.message_ids for p in thread.points)  # "+1" is not a theme


def test_points_without_a_real_citation_are_never_published() -> None:
    d = small_round()
    made_up = Summary(
        title="t",
        engine="llm",
        sections=(Section(1, "q", (Point("real", (1, 999)), Point("invented", (998,)))),),
        stances={},
        members=0,
        answers=0,
        replies=0,
        disagreements=(Point("invented too", (997,)),),
    )
    kept = only_real_citations(made_up, d)
    assert [(p.text, p.message_ids) for p in kept.sections[0].points] == [("real", (1,))]
    assert kept.disagreements == ()


def test_camps_are_named_again_only_across_sections() -> None:
    """Two alike points of one section both stay (they are that section's own); a help
    channel's questions are never taken for camps (#26)."""
    from roundtable.summaries.model import QUESTIONS_ASKED
    from roundtable.summaries.offline import camps_once

    bans = Point("“The export bans backfired on the chip makers.”", (1,), 3, "all Agree", "bans")
    again = Point("“The export bans backfired on the chip makers, really.”", (2,), 2, "all Agree")
    asked = Point(
        "“The export bans backfired on the chip makers.”", (3, 4), 1, "the asker thanked it"
    )
    first, second, questions = camps_once(
        [
            Section(1, "Q1?", (bans, again)),
            Section(2, "Q2?", (again,)),
            Section(None, QUESTIONS_ASKED, (asked,)),
        ]
    )
    assert first.points == (bans, again)
    assert [p.text for p in second.points] == [
        "Argued again, as under question 1: “The export bans backfired on the chip makers, "
        "really” (Agree)."
    ]  # its own words (the words of a point removed later go with it)
    assert second.points[0].message_ids == (2,)
    assert questions.points == (asked,)
