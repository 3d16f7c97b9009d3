"""A quote leaves out what says nothing (#26): "Yeah.", "So,", "…, see the pad"."""

from __future__ import annotations

import pytest

from roundtable.summaries.chatter import trim
from roundtable.summaries.offline import summarise
from tests.fixtures.evaluation import meeting


@pytest.mark.parametrize(
    ("said", "quoted"),
    [
        (
            "the travel budget covers twelve contributors for the autumn conference, see the pad",
            "the travel budget covers twelve contributors for the autumn conference",
        ),
        (
            "Yeah. The export bans backfired and pushed engineers to innovate. lol",
            "The export bans backfired and pushed engineers to innovate.",
        ),
        (
            "Well, remote work saves two hours a day. Good point. Mentoring matters more in "
            "the office, fwiw",
            "Remote work saves two hours a day. … Mentoring matters more in the office",
        ),
        (
            "The modal times out after fifteen minutes :)",
            "The modal times out after fifteen minutes",
        ),
        # Too little would be left, or nothing is filler: as written.
        ("yeah sure lol", "yeah sure lol"),
        ("So, the bans backfired imo", "So, the bans backfired imo"),
        ("I think remote work saves two hours.", "I think remote work saves two hours."),
    ],
)
def test_filler_is_left_out_and_the_rest_is_as_written(said: str, quoted: str) -> None:
    assert trim(said) == quoted


def test_the_meetings_quotes_no_longer_point_at_the_pad() -> None:
    summary = summarise(meeting().discussion)
    quotes = [p.text for s in summary.sections for p in s.points]
    assert quotes and not any("see the pad" in q for q in quotes)
    assert "“the travel budget covers twelve contributors for the autumn conference”" in quotes
