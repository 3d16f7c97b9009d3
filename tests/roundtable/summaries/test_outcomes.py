"""Outcomes said in plain sentences (issue #26): what a group put off, settled or took on, with
no `ACTION:` or `#agreed` marker, listed when the others take it up; remarks that settle
nothing never are."""

from __future__ import annotations

import pytest

from roundtable.summaries.chatter import outcome
from roundtable.summaries.model import Contribution, Discussion
from roundtable.summaries.offline import decisions


@pytest.mark.parametrize(
    ("line", "listed"),
    [
        ("let's wait for the audit before we merge the fee change", "Postponed: Let's wait"),
        ("we agreed to defer sharding to the next quarter", "Postponed: We agreed to defer"),
        ("so the test network will ship with just those two changes", "Agreed: So the test"),
        ("let's go with the second design for the export page", "Agreed: Let's go with"),
        ("the decision is to keep the old client until summer", "Agreed: The decision is"),
        ("I'll open a PR for the tutorial's config keys tonight", "Action: I'll open a PR"),
        ("ok, I'll take the release notes this time", "Action: Ok, I'll take"),
        # Settle nothing: hedged, conditional, a question, a turn-taking line.
        ("we will need to revisit, like, the whole fee model at some point", None),
        ("maybe we should think about sharding again in the spring", None),
        ("I'll probably look at the docs build if I find time", None),
        ("let's see how the test network behaves first", None),
        ("I'm happy to fork in March if a decision is made today", None),
        ("so should we ship the test network with both changes?", None),
        ("let's do, Paul, Daniel, and then the client teams", None),
    ],
)
def test_an_outcome_said_in_a_sentence_is_read_as_what_it_settles(
    line: str, listed: str | None
) -> None:
    found = outcome(line)
    assert (found[: len(listed)] if found and listed else found) == listed


def said(*lines: tuple[int, str]) -> Discussion:
    return Discussion(
        "call",
        (),
        tuple(Contribution(100 + n, user, text) for n, (user, text) in enumerate(lines)),
        names={1: "ada", 2: "ben", 3: "cy"},
    )


def test_an_outcome_is_listed_when_the_others_take_it_up_and_none_turns_it_down() -> None:
    taken_up = said(
        (1, "let's wait for the audit before we merge the fee change"),
        (2, "sounds good"),
        (3, "the audit firm starts on Monday anyway"),
    )
    assert [(p.text, p.message_ids) for p in decisions(taken_up)] == [
        ("Postponed: Let's wait for the audit before we merge the fee change", (100,))
    ]
    turned_down = said(
        (1, "let's drop the old client from the release next month"),
        (2, "+1"),
        (3, "no, exchanges still run it, that is far too early"),
    )
    assert decisions(turned_down) == ()
    unanswered = said((1, "let's go with the second design"), (1, "it reads better on phones"))
    assert decisions(unanswered) == ()  # only its author spoke after it


def test_an_action_someone_takes_on_needs_no_answer_only_no_refusal() -> None:
    assert [p.text for p in decisions(said((1, "I'll open a PR for the config keys tonight")))] == [
        "Action: I'll open a PR for the config keys tonight"
    ]
    refused = said((1, "I'll merge the fee change today"), (2, "no, wait for the audit"))
    assert decisions(refused) == ()


def test_a_marked_decision_may_set_a_condition_but_not_hedge() -> None:
    """ "agreed:" marks a decision even with its condition; a hedge in it settles nothing, and a
    bare "we'll … unless …" said in passing is no decision."""
    lines = said(
        (1, "agreed: we ship the export page on Friday if the tests pass"),
        (2, "Agreed: We will need to revisit, like, the whole fee model"),
        (3, "we'll keep the old branch unless the audit finds something"),
    )
    assert [p.text for p in decisions(lines)] == [
        "Agreed: We ship the export page on Friday if the tests pass"
    ]
