"""Import of any text: decoding, heading styles, boilerplate, bad input."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from roundtable.packs.format import PackError
from roundtable.packs.importer import MAX_IMPORT_BYTES, decode, import_text
from roundtable.packs.library import prepare_import
from roundtable.packs.model import MAX_SECTIONS
from roundtable.packs.writers import TemplateWriter
from tests.seed import OP_ED, OP_ED_SECTIONS

FIXTURES = Path(__file__).parent / "fixtures"


def found(name: str) -> tuple[str, list[str], str, list[str]]:
    result = import_text(decode((FIXTURES / name).read_bytes()), fallback_title="From file")
    return (
        result.title,
        [s.title for s in result.sections],
        result.headings,
        [item.reason for item in result.left_out],
    )


def test_an_op_ed_has_an_introduction_and_three_headed_sections() -> None:
    result = import_text(decode(OP_ED.read_bytes()), fallback_title="Libraries")
    assert [s.title for s in result.sections] == OP_ED_SECTIONS
    assert result.headings == "unmarked"
    assert result.sections[0].text.startswith("In 1895, when the Boston Public Library")
    assert result.sections[1].text.startswith("When a library buys a printed novel")
    # The closing disclaimer and donation appeal are left out, and reported.
    assert [(i.reason, i.line) for i in result.left_out] == [
        ("publisher's disclaimer", 30),
        ("donation appeal", 31),
    ]
    assert "donating" not in result.sections[-1].text
    assert result.sections[-1].text.endswith("It does not have to be different for us.")


@pytest.mark.parametrize(
    ("fixture", "title", "sections", "kind"),
    [
        (
            "markdown_atx.md",
            "Notes on Reading Together",
            ["Introduction", "Why groups argue", "What they should keep"],
            "markdown",
        ),
        (
            "setext.md",
            "From file",
            # The level-2 heading is a sub-heading of the second level-1 section.
            ["Why groups argue", "What they should keep"],
            "markdown",
        ),
        (
            "numbered.txt",
            "From file",
            # "1.2" is a sub-heading inside "1. Scope": the first level already fits rounds.
            ["Introduction", "1. Scope", "2. Obligations of members"],
            "numbered",
        ),
        (
            "roman.txt",
            "From file",
            ["I. The problem", "II. A proposal", "III. Objections"],
            "numbered",
        ),
        # Sections are the level below articles here: "Section 3" stays inside Article 2.
        ("articles.txt", "From file", ["Article 1", "Article 2"], "numbered"),
        (
            "gutenberg.txt",
            "From file",
            ["Chapter I: The Meeting", "Chapter II: The Argument"],
            "numbered",
        ),
        ("plain.txt", "From file", ["Part 1", "Part 2"], "none"),
        (
            "press_release.txt",
            "Department of Public Libraries announces a statewide reading programme",
            [
                "Introduction",
                "Why reading groups",
                "How the programme works",
                "Funding",
                "Who can take part",
                "What happens next",
            ],
            "unmarked",
        ),
    ],
)
def test_heading_styles(fixture: str, title: str, sections: list[str], kind: str) -> None:
    got_title, got_sections, got_kind, _ = found(fixture)
    assert (got_title, got_sections, got_kind) == (title, sections, kind)


def test_a_deeper_markdown_heading_stays_in_the_text() -> None:
    result = import_text(decode((FIXTURES / "markdown_atx.md").read_bytes()), fallback_title="x")
    assert "\n\n### A smaller point\n\n" in result.sections[1].text


def test_ebook_wrapper_is_left_out_and_reported() -> None:
    _, _, _, left = found("gutenberg.txt")
    assert left == ["e-book licence header", "e-book licence footer"]
    result = import_text(decode((FIXTURES / "gutenberg.txt").read_bytes()), fallback_title="x")
    assert all("Gutenberg" not in s.text for s in result.sections)
    # Hard-wrapped lines are joined back into paragraphs.
    assert "the best sessions leave everyone" in result.sections[0].text


def test_text_without_headings_is_split_evenly_at_paragraphs() -> None:
    result = import_text(decode((FIXTURES / "plain.txt").read_bytes()), fallback_title="x")
    sizes = [len(s.text) for s in result.sections]
    assert max(sizes) - min(sizes) < 400
    assert all(s.text.startswith("Paragraph ") for s in result.sections)


def test_short_text_without_headings_is_one_section() -> None:
    result = import_text("One paragraph of reasonable length for a pack.\n", fallback_title="x")
    assert [s.title for s in result.sections] == ["The text"]


@pytest.mark.parametrize(
    "encoded",
    [
        "Café society, naïve readers — “quotes”.".encode(),
        codecs.BOM_UTF8 + "Café society, naïve readers — “quotes”.".encode(),
        "Café society, naïve readers — “quotes”.".encode("utf-16"),  # with BOM
        codecs.BOM_UTF16_BE + "Café society, naïve readers — “quotes”.".encode("utf-16-be"),
    ],
)
def test_utf8_and_utf16_decode_without_mojibake(encoded: bytes) -> None:
    assert decode(encoded) == "Café society, naïve readers — “quotes”."


def test_newlines_and_stray_whitespace_are_normalised() -> None:
    text = "Title line\r\n\r\nA  paragraph\u00a0with\tspaces.   \r\nAnd\u200b more that runs on for a while.\r\n"
    result = import_text(text, fallback_title="x")
    assert (
        result.sections[0].text
        == "Title line\n\nA paragraph with spaces.\nAnd more that runs on for a while."
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file is empty"),
        (b"   \n\n  ", "the file is empty"),
        (b"%PDF-1.7\x00\x01\x02binary", "this PDF could not be read"),
        (b"\x7fELF\x00\x01\x02binary", "this looks like a binary file"),
        (b"PK\x03\x04 not really a zip", "a zip file, which Roundtable cannot read"),
        ("Caf\u00e9 au lait".encode("latin-1"), "line 1: the file is not UTF-8"),
        (b"x" * (MAX_IMPORT_BYTES + 1), "the limit is 1,000,000"),
        (b"Hi.\n\nOk.\n", "no usable text was found"),
    ],
)
async def test_bad_input_gets_one_clear_message(data: bytes, message: str) -> None:
    with pytest.raises(PackError) as caught:
        await prepare_import(data, filename="upload.txt", title=None, writer=TemplateWriter())
    assert message in str(caught.value)
    assert str(caught.value).startswith("This text has 1 problem:")


async def test_more_sections_than_a_pack_holds_are_joined_into_rounds() -> None:
    body = "\n\n".join(
        f"## Part {n}\n\nSome text that is long enough to be a paragraph of its own."
        for n in range(1, 302)
    )
    preview = await prepare_import(
        body.encode(), filename="many.md", title=None, writer=TemplateWriter()
    )
    titles = [s.title for s in preview.pack.sections]
    assert len(titles) <= MAX_SECTIONS
    assert titles[0].startswith("Part 1 – Part ") and titles[-1].endswith("Part 301")
    joined = preview.joined
    assert sum(j.sections for j in joined) + len(titles) - len(joined) == 301
    assert str(joined[0]).startswith("line 1, Part 1 – Part ")
    first = preview.pack.sections[0].text
    assert first.startswith("### Part 1\n\nSome text") and "### Part 2\n\n" in first


async def test_a_pack_file_with_too_many_sections_is_refused() -> None:
    body = "---\nroundtable: 1\ntitle: Many\n---\n\n" + "\n\n".join(
        f"## Part {n}\n\nSome text." for n in range(MAX_SECTIONS + 1)
    )
    with pytest.raises(PackError, match="the pack has 101 sections; at most 100"):
        await prepare_import(body.encode(), filename="many.md", title=None, writer=TemplateWriter())


async def test_repeated_titles_in_a_text_are_numbered() -> None:
    body = "## Notes\n\nFirst text that is long enough.\n\n## Notes\n\nSecond text that is long enough.\n"
    preview = await prepare_import(
        body.encode(), filename="dup.md", title=None, writer=TemplateWriter()
    )
    assert [s.title for s in preview.pack.sections] == ["Notes", "Notes (2)"]


async def test_repeated_titles_in_a_pack_file_name_both_lines() -> None:
    body = "---\nroundtable: 1\ntitle: T\n---\n\n## Notes\n\nFirst.\n\n## Notes\n\nSecond.\n"
    with pytest.raises(PackError) as caught:
        await prepare_import(body.encode(), filename="dup.md", title=None, writer=TemplateWriter())
    assert "line 10: section title 'Notes' is used twice (also line 6)" in str(caught.value)


async def test_a_section_too_long_for_a_round_is_split_into_rounds() -> None:
    sentence = "This sentence is part of an enormous section that goes on and on. "
    body = "## Huge\n\n" + "\n\n".join(sentence * 50 for _ in range(14)) + "\n"
    preview = await prepare_import(
        body.encode(), filename="huge.md", title=None, writer=TemplateWriter()
    )
    assert [s.title for s in preview.sections] == ["Huge (1 of 2)", "Huge (2 of 2)"]
    assert [(s.title, s.pieces) for s in preview.split] == [("Huge", 2)]


async def test_a_pack_files_section_too_long_to_post_is_refused() -> None:
    """A pack file is the moderator's own division: it is not re-cut, it is refused."""
    sentence = "This sentence is part of an enormous section that never ends. "
    text = "\n\n".join(sentence * 50 for _ in range(14))
    body = f"---\ntitle: Big\n---\n\n## Huge\n\n{text}\n"
    with pytest.raises(
        PackError, match=r"section 1 \(Huge\) is [\d,]+ characters; a round posts at most 10 parts"
    ):
        await prepare_import(body.encode(), filename="big.md", title=None, writer=TemplateWriter())


async def test_a_pack_file_is_read_as_a_pack_and_gets_missing_questions() -> None:
    body = "---\ntitle: Mine\n---\n\n## Only\n\nThe export bans cost 6 million dollars and must end now.\n\n### Questions\n\n1. Own question?\n"
    preview = await prepare_import(
        body.encode(), filename="mine.md", title=None, writer=TemplateWriter()
    )
    assert preview.found_by == "pack file"
    questions = preview.pack.sections[0].questions
    assert questions[0] == "Own question?"
    assert len(questions) == 3
    assert preview.generated_questions == 2


async def test_the_title_option_wins() -> None:
    preview = await prepare_import(
        (FIXTURES / "markdown_atx.md").read_bytes(),
        filename="a.md",
        title="Chosen",
        writer=TemplateWriter(),
    )
    assert preview.pack.title == "Chosen"
    assert preview.pack.slug == "chosen"


CHAPTERS = [12_000, 33_000, 97_000, 20_000, 45_000, 8_000, 30_000, 26_000, 40_000, 15_000, 14_000]


async def test_a_long_book_keeps_every_chapter_in_order_and_splits_the_long_ones() -> None:
    from roundtable.packs.excerpts import MAX_PARTS
    from roundtable.packs.importer import ROUND_CHARS
    from roundtable.packs.library import prepare_import
    from roundtable.packs.writers import TemplateWriter
    from tests.fixtures.books import ROMAN, book

    text = book([*CHAPTERS, 10_000])
    assert 340_000 < len(text) < 400_000
    preview = await prepare_import(
        text.encode(), filename="harbour-year.txt", title=None, writer=TemplateWriter()
    )
    titles = [s.title for s in preview.sections]
    chapters = [t.split(":")[0] for t in titles]
    assert list(dict.fromkeys(chapters)) == [f"Chapter {r}" for r in ROMAN]  # all, in order
    third = [t for t in titles if t.startswith("Chapter III:")]
    assert [t.rsplit(" (", 1)[1] for t in third] == [f"{n} of 5)" for n in range(1, 6)]
    assert [(s.title.split(":")[0], s.pieces) for s in preview.split] == [
        ("Chapter II", 2),
        ("Chapter III", 5),
        ("Chapter V", 2),
        ("Chapter VII", 2),
        ("Chapter VIII", 2),
        ("Chapter IX", 2),
    ]
    sizes = [s.chars for s in preview.sections if s.title.startswith("Chapter III:")]
    assert max(sizes) - min(sizes) < 1_500  # about the same length each
    assert all(s.chars <= ROUND_CHARS + 1_000 and s.parts <= MAX_PARTS for s in preview.sections)
    # Nothing lost: every paragraph of the book is in exactly one section, in order.
    kept = "\n\n".join(s.text for s in preview.pack.sections)
    body = [p.strip() for p in text.split("\n\n") if len(p.strip()) > 60]
    assert [p for p in body if kept.count(p) != 1] == []


def test_a_press_release_leaves_out_separators_and_its_contact_line_and_keeps_figures() -> None:
    text = decode((FIXTURES / "press_release.txt").read_bytes())
    result = import_text(text, fallback_title="x")
    assert [(i.reason, i.line) for i in result.left_out] == [
        ("separator line", 37),
        ("press contact", 39),
    ]
    lines = text.splitlines()
    assert lines[36] == "###" and lines[38].startswith("Media contact:")
    funding = next(s for s in result.sections if s.title == "Funding")
    assert funding.text.startswith("$4.2 million\n\nThe programme is funded")
    assert result.sections[0].text.startswith("March 3, 2026\n\nThe Department")


@pytest.mark.parametrize(
    "line", ["***", "* * *", "###", "---", "___", "~~~", "= = =", "$4.2 million", "March 3, 2026",
             "3 March 2026", "12 %", "2026-03-03", "1,200"],
)  # fmt: skip
def test_separators_figures_and_dates_are_never_headings(line: str) -> None:
    body = "A paragraph long enough to count as body text for the importer, ending properly."
    text = "\n\n".join([body, "First heading", body, line, body, "Second heading", body])
    result = import_text(text, fallback_title="x")
    assert [s.title for s in result.sections] == ["Introduction", "First heading", "Second heading"]


async def test_a_long_text_without_sentences_is_split_at_words() -> None:
    text = "word " * 12_000  # 60,000 characters, no full stop anywhere
    preview = await prepare_import(
        text.encode(), filename="w.txt", title=None, writer=TemplateWriter()
    )
    sizes = [s.chars for s in preview.pack.sections]
    assert len(sizes) >= 3 and max(sizes) <= 30_000
    assert all(not s.text.startswith("ord") for s in preview.pack.sections)  # never inside a word


async def test_text_without_spaces_is_refused_as_not_prose() -> None:
    with pytest.raises(PackError, match="line 3: it has 5,000 characters without a space"):
        await prepare_import(
            b"A title line\n\n" + b"x" * 5_000 + b"\n", filename="blob.txt", title=None,
            writer=TemplateWriter(),
        )  # fmt: skip
