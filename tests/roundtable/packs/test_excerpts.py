"""Sections as Discord messages: numbered parts within limits, questions always shown."""

from __future__ import annotations

import re

from roundtable.packs.excerpts import (
    EMBED_DESCRIPTION_MAX,
    EMBED_TOTAL_MAX,
    PART_CHARS,
    layout,
    split_text,
)
from roundtable.packs.model import Pack, Section

SENTENCE = "The export bans pushed engineers to find cheaper methods of training models. "


def pack_with(text: str, questions: tuple[str, ...] = ("Do you agree?", "Why?")) -> Pack:
    return Pack(title="T", author="A", sections=(Section("Long one", text, questions),))


def test_a_short_section_is_one_message_with_its_questions() -> None:
    excerpt = layout(pack_with("Short text."), 1)
    assert excerpt.parts == 1
    [message] = excerpt.messages
    assert [e.title for e in message.embeds] == ["Long one", "Questions"]
    assert message.embeds[1].description == "**1.** Do you agree?\n**2.** Why?"
    assert message.embeds[0].footer == "T · A · section 1 of 1"


def test_long_sections_split_at_paragraphs_into_numbered_parts() -> None:
    paragraphs = [SENTENCE * 12 for _ in range(10)]  # ~9,000 characters
    excerpt = layout(pack_with("\n\n".join(paragraphs)), 1)
    assert excerpt.parts == 3
    titles = [e.title for m in excerpt.messages for e in m.embeds]
    assert titles[:3] == ["Long one (part 1/3)", "Long one (part 2/3)", "Long one (part 3/3)"]
    assert titles[-1] == "Questions"
    for message in excerpt.messages:
        assert message.embed_chars <= EMBED_TOTAL_MAX
        assert all(len(e.description or "") <= EMBED_DESCRIPTION_MAX for e in message.embeds)
    # Nothing lost, nothing duplicated; paragraphs are not cut.
    text = "\n\n".join(
        e.description for m in excerpt.messages for e in m.embeds if e.title != "Questions"
    )
    assert text == "\n\n".join(paragraphs)


def test_a_giant_paragraph_splits_at_sentences_then_words_never_mid_word() -> None:
    quoted = "One engineer said “we had to make the old chips do more work than ever.” "
    giant = (SENTENCE + quoted) * 75  # one paragraph, ~11,000 characters
    chunks = split_text(giant.strip())
    assert len(chunks) == 3
    assert all(len(c) <= PART_CHARS for c in chunks)
    assert all(c.endswith(("models.", "ever.”")) for c in chunks)
    assert " ".join(chunks) == giant.strip()  # closing quotes stay with their sentence
    no_sentences = "word " * 2000
    chunks = split_text(no_sentences.strip())
    assert all(re.fullmatch(r"(word )*word", c) for c in chunks)


def test_questions_move_to_their_own_message_when_they_do_not_fit() -> None:
    questions = tuple(f"{'Why ' * 70}{n}?" for n in range(10))  # ~2,900 characters
    excerpt = layout(pack_with(SENTENCE * 48, questions), 1)
    assert len(excerpt.messages) == 2
    assert excerpt.messages[-1].has_questions
    assert [e.title for e in excerpt.messages[-1].embeds] == ["Questions"]
    assert all(m.embed_chars <= EMBED_TOTAL_MAX for m in excerpt.messages)


def test_heading_and_notes() -> None:
    excerpt = layout(pack_with("x"), 1, heading="Round 2 · Long one", notes=("Closes soon",))
    embeds = excerpt.messages[0].embeds
    assert embeds[0].title == "Round 2 · Long one"
    assert embeds[1].description.endswith("\n\nCloses soon")
