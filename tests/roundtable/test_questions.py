"""Template questions: grammatical, of different kinds, naming the section's own claims."""

from __future__ import annotations

import pytest

from roundtable.packs.importer import decode, import_text
from roundtable.packs.model import MAX_QUESTION_CHARS
from roundtable.packs.questions import claims, snippet, template_questions
from tests.seed import OP_ED

KIND_OPENERS = (
    "The text says",
    "The text cites a figure",
    "The text argues",
    "The text makes a comparison",
    "The text quotes",
    "What evidence",
)


def op_ed_sections():
    return import_text(decode(OP_ED.read_bytes()), fallback_title="x").sections


@pytest.mark.parametrize("index", range(4))
def test_every_op_ed_section_gets_questions_that_quote_it(index: int) -> None:
    section = op_ed_sections()[index]
    questions = template_questions(section.title, section.text)
    assert len(questions) >= 2
    openers = {next(o for o in KIND_OPENERS if q.startswith(o)) for q in questions}
    assert len(openers) == len(questions)  # each of a different kind
    flat = " ".join(section.text.split())
    for q in questions:
        assert q.endswith("?")
        assert len(q) <= MAX_QUESTION_CHARS
        quoted = q.split("“", 1)[1].split("”", 1)[0].rstrip(".").rstrip("…")
        assert quoted.replace("‘", "“").replace("’", "”")[:40] in flat.replace("’", "”").replace(
            "‘", "“"
        )


def test_a_figure_claim_gets_an_evidence_question() -> None:
    text = (
        "DeepSeek-R1 was reportedly trained for just under $6 million. "
        "Critics say the bans must stay in place for years to come."
    )
    questions = template_questions("Costs", text)
    assert questions[0] == (
        "The text says: “DeepSeek-R1 was reportedly trained for just under $6 million.” "
        "Do you agree? Why or why not?"
    )
    assert questions[1] == (
        "The text argues: “Critics say the bans must stay in place for years to come.” "
        "If this is right, who gains and who loses?"
    )


def test_quoted_sentences_are_attributed_as_quotes() -> None:
    text = (
        "The founder said: “We are done following the others in this field. "
        "It is time for our engineers to lead and to build.” "
        "The author thinks the export bans were far more costly than anyone admits."
    )
    kinds = {c.sentence: c.kind for c in claims(text)}
    assert kinds["It is time for our engineers to lead and to build.”"] == "quote"
    assert kinds["The founder said: “We are done following the others in this field."] == "quote"
    assert kinds["The author thinks the export bans were far more costly than anyone admits."] == (
        "comparison"
    )


def test_a_section_without_claims_gets_generic_questions_naming_it() -> None:
    assert template_questions("Preface", "Short.") == [
        "What is the main claim of “Preface”, and do you agree with it? Why or why not?",
        "What evidence would change your mind about the argument in “Preface”?",
    ]


def test_snippets_are_cut_at_words() -> None:
    long = "word " * 100
    cut = snippet(long)
    assert cut.endswith("word…")
    assert len(cut) <= 170
