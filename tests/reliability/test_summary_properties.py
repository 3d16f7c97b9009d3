"""Property tests of the offline summariser (issue #14, suite 4): whatever members write (any
Unicode, empty-looking text, mentions, links, commands, one word or a thousand), in whatever
shape (questions answered or not, replies to anything), the summary is made, cites only real
messages of the right section, never quotes chatter, and stays short."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roundtable.summaries.model import QUESTIONS_ASKED, Contribution, Discussion
from roundtable.summaries.offline import MAX_EXCHANGES, MAX_POINTS_LONG, summarise
from tests.reliability import SCALE

WORDS = st.sampled_from(
    "chips export bans talent energy open weights cost security +1 lgtm ok lol nick: "
    "<@123456789012345678> https://example.org/x !vote #topic [a](https://e.x) 🎉 ✓ é ß 漢字"
    .split()
)  # fmt: skip
TEXT = st.one_of(
    st.lists(WORDS, min_size=1, max_size=40).map(" ".join),
    st.text(min_size=1, max_size=300),
)


@st.composite
def discussions(draw: st.DrawFn) -> Discussion:
    questions = draw(st.integers(min_value=0, max_value=4))
    count = draw(st.integers(min_value=0, max_value=120))
    contributions = []
    for n in range(count):
        text = draw(TEXT)
        if not text.strip():
            text = "x"
        question = draw(st.one_of(st.none(), st.integers(1, questions))) if questions else None
        reply_to = draw(st.one_of(st.none(), st.integers(1000, 1000 + count + 5)))
        user = draw(st.integers(1, 12))
        contributions.append(Contribution(1000 + n, user, text, question, reply_to))
    stances = ("Agree", "Disagree", "Unsure")
    closing = {u: draw(st.sampled_from(stances)) for u in range(1, 13) if draw(st.booleans())}
    return Discussion(
        title="Round",
        questions=tuple(f"Question {q}?" for q in range(1, questions + 1)),
        contributions=tuple(contributions),
        stances=stances,
        opening=dict(closing),
        closing=closing,
    )


@settings(max_examples=80 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(discussions())
def test_any_discussion_gets_a_summary_citing_only_its_messages(d: Discussion) -> None:
    summary = summarise(d)
    by_id = {c.message_id: c for c in d.contributions}
    for section in summary.sections:
        if section.title == QUESTIONS_ASKED:  # a help channel's: each question, its answer
            assert len(section.points) <= MAX_EXCHANGES
        else:  # both sides at most per theme, and a line naming the camps argued again
            assert len(section.points) <= MAX_POINTS_LONG * 2 + 1
        for point in section.points:
            assert point.message_ids and all(i in by_id for i in point.message_ids)
            assert all(by_id[i].question == section.number for i in point.message_ids)
            if section.title == QUESTIONS_ASKED:
                assert point.label, point
                assert point.text.startswith("“") or point.text == "No answer in the thread."
            else:
                assert point.text.startswith(("“", "Argued again, as under question "))
    assert isinstance(summary.lead, str)
    for point in (*summary.disagreements, *summary.decisions):
        assert all(i in by_id for i in point.message_ids)
    assert summary.answers + summary.replies == len(d.contributions)
