from __future__ import annotations

import pytest

from roundtable.packs.format import PackError, parse_pack, render_pack
from roundtable.packs.model import DEFAULT_STANCES, Pack, Section, slugify

GOOD = """---
title: A test pack
author: Someone
licence: CC BY 4.0
stances: Yes, No
---

## First

One paragraph.

Two paragraphs
with a line break.

### Questions

1. Why?
2. Why not?

## Second

Text only.
"""


def test_parse_reads_metadata_sections_and_questions() -> None:
    pack = parse_pack(GOOD)
    assert (pack.title, pack.author, pack.licence, pack.stances) == (
        "A test pack",
        "Someone",
        "CC BY 4.0",
        ("Yes", "No"),
    )
    assert [s.title for s in pack.sections] == ["First", "Second"]
    assert pack.sections[0].text == "One paragraph.\n\nTwo paragraphs\nwith a line break."
    assert pack.sections[0].questions == ("Why?", "Why not?")
    assert pack.sections[1].questions == ()


def test_round_trip_is_identical() -> None:
    pack = parse_pack(GOOD)
    text = render_pack(pack)
    assert parse_pack(text) == pack
    assert render_pack(parse_pack(text)) == text


def test_lines_that_look_like_structure_are_escaped() -> None:
    tricky = Pack(
        title="Tricky",
        sections=(Section("One", "## not a heading\n\n### Questions\n\n\\ a backslash", ("Q?",)),),
    )
    text = render_pack(tricky)
    assert "\n\\## not a heading\n" in text
    assert parse_pack(text) == tricky


def test_default_stances_are_not_written() -> None:
    pack = Pack(title="T", sections=(Section("S", "x"),))
    assert pack.stances == DEFAULT_STANCES
    assert "stances" not in render_pack(pack)


def test_every_problem_is_reported_with_its_line() -> None:
    bad = """---
title: Broken
colour: blue
author: A
author: B
stances: Only one
---
stray text
## Same

text

### Questions

## same

text
"""
    with pytest.raises(PackError) as caught:
        parse_pack(bad)
    found = [str(p) for p in caught.value.problems]
    assert found == [
        "line 3: unknown key 'colour'; the keys are title, author, source, date, licence, stances",
        "line 5: author is given twice (first on line 4)",
        "line 8: text before the first section: start each section with ## Title",
        "line 13: ### Questions is followed by no question",
        "line 15: section title 'same' is used twice (also line 9)",
        "line 6: stances lists 2 to 5 labels, comma-separated",
    ]
    assert str(caught.value).startswith("This pack file has 6 problems:\n- line 3: unknown key")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("## A\n\ntext\n", "line 1: a pack file starts with a front matter"),
        ("---\ntitle: T\n", "the front matter is not closed"),
        ("---\nauthor: A\n---\n\n## S\n\nx\n", "line 1: the front matter needs a title"),
        ("---\ntitle: T\n---\n", "the pack has no sections"),
        ("---\ntitle: T\n---\n\n## Empty\n\n## Full\n\nx\n", "line 5: section 'Empty' has no text"),
        (
            "---\ntitle: T\n---\n\n## S\n\nx\n\n### Questions\n\n- " + "q" * 301 + "\n",
            "line 11: a question is over 300 characters",
        ),
        ("---\ntitle: T\n---\n\n## " + "t" * 91 + "\n\nx\n", "section title is over 90"),
    ],
)
def test_single_problems(text: str, message: str) -> None:
    with pytest.raises(PackError) as caught:
        parse_pack(text)
    assert message in str(caught.value)


def test_slugs() -> None:
    assert slugify("DeepSeek-R1: China's Sputnik moment?") == "deepseek-r1-chinas-sputnik-moment"
    assert slugify("Économie & société") == "economie-societe"
    assert slugify("!!!") == "pack"
