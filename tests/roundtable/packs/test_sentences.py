"""Sentence boundaries that template questions and excerpt splitting rely on."""

from __future__ import annotations

from roundtable.packs.questions import claims, template_questions
from roundtable.packs.sentences import split_sentences


def test_abbreviations_and_initials_do_not_end_a_sentence() -> None:
    text = (
        "Mr. Smith told the U.S. Senate on Jan. 3 that Dr. J. R. Oppenheimer had been right. "
        "The vote was at 5 p.m. and it passed. Was it wise? Nobody knew!"
    )
    assert split_sentences(text) == [
        "Mr. Smith told the U.S. Senate on Jan. 3 that Dr. J. R. Oppenheimer had been right.",
        "The vote was at 5 p.m. and it passed.",
        "Was it wise?",
        "Nobody knew!",
    ]


def test_a_common_word_before_a_full_stop_ends_a_sentence() -> None:
    # Punkt took "so." for an abbreviation and ran the two sentences together.
    text = "Once I did not know the town, but that is no longer so. And I think I know it now."
    assert split_sentences(text) == [
        "Once I did not know the town, but that is no longer so.",
        "And I think I know it now.",
    ]
    # An abbreviation of the same shape is left to Punkt ("cf. Smith" goes on).
    assert split_sentences("On the sonata cf. Smith and Jones, who disagree.") == [
        "On the sonata cf. Smith and Jones, who disagree."
    ]


def test_closing_quotes_and_brackets_stay_with_their_sentence() -> None:
    text = "He said, “We lost the race.” Then he left (for good.) It was 1978… Deng visited."
    assert split_sentences(text) == [
        "He said, “We lost the race.”",
        "Then he left (for good.)",
        "It was 1978…",
        "Deng visited.",
    ]


def test_template_questions_quote_whole_sentences_not_fragments() -> None:
    text = (
        "The controls that the U.S. Senate passed on Jan. 3 will slow China's progress on "
        "advanced chips for a decade or more. We believe the opposite will happen, and that "
        "engineers in Hangzhou will learn to do more with less compute than before."
    )
    found = {c.sentence for c in claims(text)}
    assert found == {
        "The controls that the U.S. Senate passed on Jan. 3 will slow China's progress on "
        "advanced chips for a decade or more.",
        "We believe the opposite will happen, and that engineers in Hangzhou will learn to do "
        "more with less compute than before.",
    }
    questions = template_questions("Controls", text)
    assert all("“S. Senate" not in q and "“3 will slow" not in q for q in questions)
