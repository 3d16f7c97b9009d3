"""Template questions: grammatical, of different kinds, naming the section's own claims."""

from __future__ import annotations

import pytest

from roundtable.packs.claims import read
from roundtable.packs.importer import decode, import_text
from roundtable.packs.model import MAX_QUESTION_CHARS
from roundtable.packs.questions import (
    GENERIC_OPENERS,
    claims,
    quotable,
    sentences,
    template_questions,
)
from tests.seed import OP_ED

KIND_OPENERS = (
    "The text says",
    "The text reports",
    "The text argues",
    "The text predicts",
    "The text gives a cause",
    "The text concludes",
    "The text makes a comparison",
    "The text judges",
    "The text holds",
    "The text proposes",
    "The text asks",
    "The text lists",
    "The text sees a problem",
    "The text grants a drawback",
    "The text weighs an alternative",
    "The text says of the change's effect",
    "The text looks ahead",
    "This section keeps returning to",
    "What does the section claim about",
    "What is the main claim of",
    "What evidence would change your mind about the argument",
)


def op_ed_sections():
    return import_text(decode(OP_ED.read_bytes()), fallback_title="x").sections


@pytest.mark.parametrize("index", range(4))
def test_every_op_ed_section_gets_questions_that_quote_whole_sentences(index: int) -> None:
    section = op_ed_sections()[index]
    questions = template_questions(section.title, section.text)
    assert len(questions) >= 2
    openers = [next(o for o in KIND_OPENERS if q.startswith(o)) for q in questions]
    assert len(set(openers)) == len(questions)  # each of a different kind
    whole = {s for s, _, _ in sentences(section.text)}
    quoting = [q for q in questions if "“" in q and not q.startswith(GENERIC_OPENERS)]
    quoted = [quoted_sentence(q) for q in quoting]
    assert len(set(quoted)) == len(quoted)  # each about a different claim
    for sentence in quoted:
        assert sentence in whole, sentence  # a whole sentence of the section, never a fragment
    for q in questions:
        assert q.endswith("?") and len(q) <= MAX_QUESTION_CHARS
    # Questions that quote nothing come last, and only when claims ran out.
    assert questions[: len(quoting)] == quoting
    if len(quoting) < len(questions):
        assert len(quoting) < 2


def quoted_sentence(question: str) -> str:
    """The sentence a question quotes, as it stands in the text."""
    inner = question.split("“", 1)[1].rsplit("”", 1)[0]
    return inner.replace("‘", "“").replace("’", "”").replace("n”t", "n’t").replace("”s", "’s")


def test_a_reported_figure_is_weighed_not_agreed_with() -> None:
    text = (
        "DeepSeek-R1 was reportedly trained for just under $6 million. "
        "The bans must stay in place for years to come, whatever the cost to trade."
    )
    questions = template_questions("Costs", text)
    assert questions[0] == (
        "The text says: “The bans must stay in place for years to come, whatever the cost to "
        "trade.” Do you agree? Why or why not?"
    )
    assert questions[1] == (
        "The text reports: “DeepSeek-R1 was reportedly trained for just under $6 million.” "
        "What does this figure show, and what would you want to know before relying on it?"
    )


@pytest.mark.parametrize(
    "fact",
    [
        "Over the past two years, its stock price has exploded by more than 800%.",
        "The library opened in 1854 with 16,000 volumes on its shelves.",
        "The promise was simple, and for more than a century it held.",
        "The committee met on Tuesday in the town hall to hear the report.",
    ],
)
def test_a_bare_fact_is_never_asked_to_be_agreed_with(fact: str) -> None:
    opinion = "Critics argue that the ban was a costly mistake for everyone involved."
    for question in template_questions("Facts", f"{fact} {opinion}"):
        if question.startswith("The text says:"):
            assert fact.rstrip(".") not in question


def test_other_peoples_words_are_never_asked_to_be_agreed_with() -> None:
    text = (
        "The founder said: “We are done following the others in this field forever.” "
        "The author thinks the export bans were far more costly than anyone admits. "
        "I think the export bans were far more costly than anyone admits."
    )
    kinds = {s.text: s.kind for s in read(text)}
    assert kinds == {
        "The founder said: “We are done following the others in this field forever.”": "quote",
        "The author thinks the export bans were far more costly than anyone admits.": "set-up",
        "I think the export bans were far more costly than anyone admits.": "arguable",
    }
    assert [c.sentence for c in claims(text)] == [
        "I think the export bans were far more costly than anyone admits."
    ]


def test_fragments_lists_code_and_long_sentences_are_never_quoted() -> None:
    text = (
        "- a list item that must be asked about, surely, because it matters.\n\n"
        "Call `rustdoc --crate-name docs` and it will be better than `cargo doc` here.\n\n"
        + "This sentence will go on and on, "
        * 8
        + "and it should never be quoted whole.\n\n"
        "and a lowercase fragment that should have been part of the sentence before it."
    )
    assert claims(text) == []


def test_a_section_without_claims_gets_generic_questions_naming_it() -> None:
    assert template_questions("Preface", "Short.") == [
        "What is the main claim of “Preface”, and do you agree with it? Why or why not?",
        "What evidence would change your mind about the argument in “Preface”?",
    ]


@pytest.mark.parametrize(
    ("sentence", "whole"),
    [
        ("'If I could but see a day of it,' he said to himself; 'if I could but see it!'", True),
        ("The workers' union said it will strike because the pay is too low this year.", True),
        ("Gone too are the days when China’s science could be considered ‘too meager.’", True),
        # The end of a quotation that began in an earlier sentence, and the start of one that
        # runs on into the next: fragments of dialogue.
        ("Besides, perhaps he will be the better able to answer questions after all.'", False),
        ("'O,' he said, 'don't trouble about that, because it will give me a chance.", False),
    ],
)
def test_dialogue_is_quoted_only_with_its_whole_quotation(sentence: str, whole: bool) -> None:
    assert quotable(sentence) is whole


def test_points_listed_after_a_lead_that_names_them_are_weighed() -> None:
    """A section whose substance is a list ("The downsides to the proposal are:" then its
    points) is asked which point weighs most, before questions about its key phrases; a list
    too long to quote is asked about by its lead."""
    text = (
        "Note that the parentheses around the whole form are not optional.\n\n"
        "The downsides to the proposal are:\n\n"
        "* the required parentheses\n* confusability with statement syntax\n"
        "* additional semantic loading of colons"
    )
    assert template_questions("Proposal", text)[0] == (
        "The text lists: “The downsides to the proposal are: the required parentheses; "
        "confusability with statement syntax; additional semantic loading of colons.” Which of "
        "these weighs most, and what would you add?"
    )
    long = "It was removed for the following reasons:\n\n" + "\n".join(
        f"- reason {n} runs on and on about the keyword and the sugar it would need"
        for n in range(6)
    )
    assert template_questions("History", long)[0] == (
        "The text lists: “It was removed for the following reasons:” Which of these weighs most, "
        "and what would you add?"
    )
    # A lead naming nothing to weigh ("The expression is evaluated like this:") is no question.
    steps = "The expression is evaluated like this:\n\n- first the test\n- then one branch"
    assert not any(q.startswith("The text lists") for q in template_questions("Steps", steps))


def test_a_proposals_plain_statements_are_asked_as_what_their_section_makes_them() -> None:
    """In a section of drawbacks, motivation, effects or future work, a plain statement is a
    drawback, a problem, an effect or a step to come (not a bare fact, not a key phrase); the
    author's stated view and the author steering are not asked so."""
    drawbacks = (
        "Increases the number of rules a new moderator has to learn.\n\n"
        "Members who join late see a shorter list of rounds than the others.\n\n"
        "For details of the list, see the section on rounds below."
    )
    assert sorted(template_questions("Drawbacks", drawbacks)) == [
        "The text grants a drawback: “Increases the number of rules a new moderator has to "
        "learn.” How much does it weigh against the proposal?",
        "The text grants a drawback: “Members who join late see a shorter list of rounds than the "
        "others.” How much does it weigh against the proposal?",
    ]
    motivation = (
        "Every reading group keeps its own list of rounds in a shared document.\n\n"
        "I also believe the document is read by fewer members each month."
    )
    assert template_questions("Motivation", motivation) == [
        "The text says: “I also believe the document is read by fewer members each month.” Do "
        "you agree? Why or why not?",  # the author's view, a claim of its own
        "The text sees a problem: “Every reading group keeps its own list of rounds in a shared "
        "document.” How serious is it, and is it worth the change proposed?",
    ]
    effect = "Existing rounds keep the questions they were posted with."
    assert template_questions("Backwards compatibility", effect)[0] == (
        "The text says of the change's effect: “Existing rounds keep the questions they were "
        "posted with.” Is that right, and who would be affected most?"
    )
    future = "Rounds could later be posted in several channels at once."
    assert template_questions("Future possibilities", future)[0].startswith(
        "The text looks ahead: “Rounds could later be posted in several channels at once.”"
    )
    # Outside such a section the same statement is no question of its own.
    assert not any("Increases the number" in q for q in template_questions("Rounds", drawbacks))


def test_an_alternative_under_its_own_heading_is_weighed_not_agreed_with() -> None:
    """A forecast right under an alternative's heading describes the alternative ("### Keep
    the current behaviour" / "Rounds will continue to close by hand."), not the proposal; the
    author's verdict on it is the author's."""
    text = (
        "Two alternatives were considered.\n\n### Keep the current behaviour\n\n"
        "Moderators will continue to close every round by hand at the end of the meeting.\n\n"
        "This approach is clearly worse for groups that meet across several time zones."
    )
    verdict = (
        "The text says: “This approach is clearly worse for groups that meet across several time "
        "zones.” Do you agree? Why or why not?"
    )
    assert template_questions("Alternatives considered", text) == [
        verdict,
        "The text weighs an alternative: “Moderators will continue to close every round by hand "
        "at the end of the meeting.” Would it have been better than what is proposed? Why or "
        "why not?",
    ]
    # The same forecast in the proposal's own section is the author's.
    assert template_questions("Proposal", text) == [
        verdict,
        "The text predicts: “Moderators will continue to close every round by hand at the end of "
        "the meeting.” What would have to happen for this to turn out wrong?",
    ]
