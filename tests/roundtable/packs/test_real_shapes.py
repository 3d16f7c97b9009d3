"""Shapes real texts come in that were read wrong (issue #25), each in a document written for
the test (tests/fixtures/documents.py), read as `pack check` and `/pack import` read it: the
sections a reader sees, the title and author, and what was left out and why."""

from __future__ import annotations

from roundtable.packs.claims import sentences
from roundtable.packs.importer import import_text
from roundtable.packs.library import ImportPreview, prepare_import
from roundtable.packs.questions import snippet, template_questions
from roundtable.packs.readers.plain import literal_blocks, paragraphs
from roundtable.packs.writers import TemplateWriter
from tests.fixtures import documents


async def preview(text: str | bytes, filename: str) -> ImportPreview:
    data = text.encode() if isinstance(text, str) else text
    return await prepare_import(data, filename=filename, title=None, writer=TemplateWriter())


def titles(result: ImportPreview) -> list[str]:
    return [s.title for s in result.pack.sections]


def left(result: ImportPreview) -> list[tuple[str, int, str]]:
    return [(item.reason, item.line, item.excerpt) for item in result.left_out]


async def test_a_heading_that_wraps_onto_a_second_line_is_one_heading() -> None:
    result = await preview(documents.lectures_with_wrapped_headings(), "lectures.txt")
    assert titles(result) == [
        "I: The Origin of the Reading Circle",
        "II: The Pamphlet and the Public",
        "III: Clubs, Salons and Coffee Houses",
        "IV: The Societies of Mutual Improvement and Their Rules—The Beginning of the Debate",
        "V: Lending Libraries",
        "VI: The Letters of the Corresponding Societies, Their Readers and Their Critics",
    ]
    # Nothing of one lecture ran into the one before.
    sections = result.pack.sections
    assert not any("OF THE DEBATE" in s.text or "THEIR CRITICS" in s.text for s in sections)
    assert (result.pack.title, result.pack.author) == ("Lectures on Reading Together", "A. Example")
    assert left(result) == [("byline", 3, "BY A. EXAMPLE")]


async def test_a_wrapped_title_case_heading_without_a_number() -> None:
    result = await preview(documents.pamphlet_with_wrapped_headings(), "plea.txt")
    assert result.pack.title == "A Plea for Evening Classes"
    assert titles(result) == [
        "Introduction",
        "Why the Working Day Leaves No Hour for Study, and What the Parish Might Do",
        "The Cost of Candles",
        "An Answer to Those Who Say That Reading Unsettles the Labourer",
    ]


def test_two_lines_are_a_heading_only_when_they_read_as_one() -> None:
    def read(*lines: str) -> list[tuple[str, bool]]:
        return [(p.text, p.wrapped) for p in paragraphs("\n".join(lines))]

    heading = ("THE SOCIETIES OF MUTUAL IMPROVEMENT AND THEIR RULES", "OF THE DEBATE")
    assert read(*heading) == [(" ".join(heading), True)]
    for lines in (
        ("Yours Very Truly, and With Every Good Wish for the New Year,", "Jonas Example"),
        ("THE SOCIETIES OF MUTUAL IMPROVEMENT MET ON TUESDAYS.", "THE RULES"),  # a sentence
        ("The Societies of Mutual Improvement and Their Rules", "of the debate"),  # unlike
        ("LONDON", "EXAMPLE AND SONS"),  # a title page's lines: the first never wrapped
        ("The societies of mutual improvement met on Tuesday", "and argued about the rules"),
    ):
        assert [wrapped for _, wrapped in read(*lines)] != [True], lines


async def test_chapters_win_over_the_numbered_parts_of_an_editors_introduction() -> None:
    result = await preview(documents.novel_with_an_editors_introduction(), "harbour.txt")
    assert titles(result) == [
        "Introduction",
        "Chapter 1: The Arrival",
        "Chapter 2: A Quarrel at the Quay",
        "Chapter 3: The Winter Fair",
        "Chapter 4: What the Miller Knew",
        "Chapter 5: The Long Night",
        "Chapter 6: Morning",
    ]
    # The introduction keeps its own parts, as sub-headings.
    intro = result.pack.sections[0].text
    assert intro.startswith("### I.\n\n") and "\n\n### II.\n\n" in intro
    assert (result.pack.title, result.pack.author) == ("The Harbour", "A. Example")


async def test_a_table_of_contents_with_titles_and_pages_is_left_out_not_a_chapter() -> None:
    text = documents.essay_with_contents()
    result = await preview(text, "reading-aloud.txt")
    assert titles(result) == [
        "Introduction",
        "Chapter I: Introductory",
        "Chapter II: Of the Freedom of the Press",
        "Chapter III: Of the Limits to the Power of the Town Over the Reader",
        # Eleven words in capitals on one line below its number: still its title.
        "Chapter IV: Of the Limits to the Authority of the Council Over the Members of the Club",
    ]
    contents = text.split("\n").index("CONTENTS.") + 1
    assert ("table of contents", contents, "CONTENTS. (and 7 more paragraphs)") in left(result)
    assert not any("PAGE" in s.text or "103" in s.text for s in result.pack.sections)
    # The title page and the dedication before the introduction are no round of their own.
    (reason, line, excerpt), *_ = left(result)
    assert (reason, line) == ("title page", 3)
    assert excerpt.startswith("BY A. EXAMPLE / With an Introduction by B. Sample. / The Harbour")
    assert not any("To the memory" in s.text for s in result.pack.sections)


async def test_a_book_in_parts_whose_contents_number_chapters_again_and_list_topics() -> None:
    text = documents.book_in_parts_with_topics()
    result = await preview(text, "speaking.txt")
    assert titles(result) == [
        "Preface",
        "Part First: Voice, Chapter I: Of Breathing",
        "Part First: Voice, Chapter II: Of Pitch",
        "Part Second: Gesture, Chapter I: Of Gesture in General",
        "Part Second: Gesture, Chapter II: Of the Hands",
    ]
    # The whole contents page is left out: its second "Chapter I." and the topics' long lines
    # are entries, not the text's own headings.
    contents = text.split("\n").index("CONTENTS.") + 1
    assert ("table of contents", contents, "CONTENTS. (and 12 more paragraphs)") in left(result)
    assert not any("Of Pointing at the Audience" in s.text for s in result.pack.sections)


def test_a_text_without_headings_has_no_part_of_one_line() -> None:
    # A long paragraph overran its part: the parts after it share what is left, so the short
    # line after it is not a part of its own.
    paragraphs = [*documents.prose(580, 4), " ".join(documents.prose(581, 12)), "We think not.",
                  *documents.prose(582, 6)]  # fmt: skip
    result = import_text("\n\n".join(paragraphs), fallback_title="essay")
    sizes = [len(s.text) for s in result.sections]
    assert len(sizes) == 3 and min(sizes) > 500, sizes
    assert not any(s.text == "We think not." for s in result.sections)


async def test_papers_of_a_series_by_their_numbers_never_by_their_signature() -> None:
    result = await preview(documents.papers_in_a_series(), "lakeside.txt")
    assert titles(result) == [
        "Essayist No. 1: General Introduction",
        "Essayist No. 2: Concerning the Dangers of a Closed Library",
        "Essayist No. 3: The Same Subject Continued (Concerning the Dangers of a Closed Library)",
    ]
    # Where it appeared, its author and its address stay at the head of its text.
    first = result.pack.sections[0].text
    assert first.startswith(
        "For the Harbour Gazette. Saturday, October 21, 1787\n\nEXAMPLE\n\n"
        "To the People of the Town of Lakeside:\n\n"
    )
    assert first.endswith("PUBLIUS.")


async def test_a_pamphlets_headings_in_capitals_closed_by_a_full_stop() -> None:
    text = documents.pamphlet_in_capitals()
    result = await preview(text, "plain-talk.txt")
    assert result.pack.title == "Plain Talk"  # the title page's first line
    assert titles(result) == [
        "Introduction",
        "Of the Origin and Design of Libraries in General, with Concise Remarks on the Old Charter",
        "Of Lending and Borrowing",
        "Appendix",
    ]
    (reason, line, excerpt), *_ = left(result)
    assert (reason, line) == ("title page", 1)
    assert excerpt.startswith("PLAIN TALK; / addressed to the / READERS / of / LAKESIDE,")
    # The word that ends the preface's last sentence and the epigraph's author are text.
    intro = result.pack.sections[0].text
    assert "is the\n\nAUTHOR\n\nP.S." in intro
    assert intro.endswith("every page is weak.\n\nTHOMAS EXAMPLE.")


async def test_chapter_titles_after_a_double_dash_and_works_appended_after_the_last() -> None:
    result = await preview(documents.treatise_with_appended_works(), "club.txt")
    assert titles(result) == [
        "Chapter I: How Many Kinds of Clubs There Are",
        "Chapter II: Concerning Hereditary Clubs",  # its note mark "(*)" dropped
        # A title asking its question over two lines.
        "Chapter III: Are Libraries, and Many Other Things to Which Clubs Often Resort,…",
        "Description of the Methods Adopted by the Treasurer When Closing the North Reading Room,…",
        "The Life of a Librarian of Lakeside",
    ]
    appended = result.pack.sections[3].text
    assert appended.startswith("BY\n\nA. EXAMPLE\n\n")
    assert "THE LIFE OF A LIBRARIAN" not in appended  # the first work ends before the second
    assert "DESCRIPTION OF THE METHODS" not in result.pack.sections[2].text  # nor the chapter


async def test_a_project_gutenberg_web_page_as_its_reader_sees_the_book() -> None:
    result = await preview(documents.gutenberg_html(), "plain-talk.htm")
    assert (result.pack.title, result.pack.author) == ("Plain Talk", "A. Example")
    assert titles(result) == ["Chapter I: Of Reading", "Chapter II: Of Lending",
                              "Chapter III: Of Keeping"]  # fmt: skip
    assert not any("[Pg" in s.text or "GUTENBERG" in s.text for s in result.pack.sections)
    assert [reason for reason, *_ in left(result)] == [
        "e-book licence header",
        "e-book licence footer",
        "table of contents",
        # The byline, the note of its year (set as headings: no sections of their own), the
        # introduction's author and the publisher: the title page.
        "title page",
    ]
    assert left(result)[3][2].startswith("by A. Example / 1849, first titled: Talk in Company /")
    assert left(result)[0][2].startswith("The Project Gutenberg EBook of Plain Talk")


async def test_a_markdown_headings_id_is_not_part_of_its_title() -> None:
    text = "\n\n".join(
        ["# Keeping It Boring", *documents.prose(610, 2), "## Compatibility {#compat}",
         *documents.prose(611, 6), "## An Update {#update .note}", *documents.prose(612, 6)]
    )  # fmt: skip
    result = await preview(text, "boring.md")
    assert result.pack.title == "Keeping It Boring"
    assert titles(result) == ["Introduction", "Compatibility", "An Update"]


async def test_datelines_salutations_and_epigraphs_are_never_titles() -> None:
    result = await preview(documents.letters_with_datelines(), "letters.txt")
    assert result.pack.title == "Letters from the North"
    assert titles(result) == ["Letter I", "Letter II", "Letter III", "Letter IV"]
    first = result.pack.sections[0].text
    assert first.startswith("Boston, March 3, 1850\n\nMy dear friend,\n\n")  # kept as text
    assert first.endswith("Yours faithfully,\nJonas Example")
    assert left(result) == [
        ("epigraph", 3, "“A letter is a conversation with the absent.” — An Old Saying")
    ]


async def test_a_proposals_header_gives_its_title_and_authors() -> None:
    body = "\n\n".join(documents.prose(550, 3))
    text = (
        "PEP: 9001\nTitle: Reading Rounds Close on Time\n"
        "Author: Ada Example <ada@example.org>,\n        Ben Sample <ben@example.org>\n"
        "Status: Draft\nCreated: 06-Dec-2026\n\n\n"
        f"Abstract\n========\n\n{body}\n\n\nMotivation\n==========\n\n{body}\n"
    )
    result = await preview(text, "pep-9001.rst")
    assert result.pack.title == "Reading Rounds Close on Time"  # not "Pep 9001"
    assert result.pack.author == "Ada Example, Ben Sample"
    assert titles(result) == ["Abstract", "Motivation"]  # no "Introduction" of the header
    assert left(result)[0][:2] == ("document details", 1)


async def test_scraps_before_the_first_section_and_after_the_last_are_no_rounds() -> None:
    body = "\n\n".join(documents.prose(560, 4))
    text = (
        "## The Line to Reading Land\n\nTHE HURLERS Page 8\nPERRAN SANDS Page 12\n\n"
        "## Abstract\n\nWe propose that every round closes on the hour it was given.\n\n"
        f"## Background\n\n{body}\n\n## Proposal\n\n{body}\n\n"
        "## Unresolved questions\n\nShould a moderator be able to extend a round once it "
        "has started?\n\n## Copyright\n\nThis document has been placed in the public domain.\n"
    )
    result = await preview(text, "proposal.md")
    assert titles(result) == ["Background", "Proposal"]
    background, proposal = (s.text for s in result.pack.sections)
    # A line of prose joins its neighbour under its own heading; a caption or a licence line
    # is listed as left out, never dropped silently.
    assert background.startswith("### Abstract\n\nWe propose that every round closes")
    assert proposal.endswith(
        "### Unresolved questions\n\nShould a moderator be able to extend a round once it has "
        "started?"
    )
    assert [(reason, text) for reason, _, text in left(result)] == [
        (
            "too short for a round",
            "The Line to Reading Land: THE HURLERS Page 8 PERRAN SANDS Page 12",
        ),
        ("too short for a round", "Copyright: This document has been placed in the public domain."),
    ]


async def test_a_chapter_title_above_an_epigraph_or_asking_a_question() -> None:
    result = await preview(documents.travels_with_epigraphs(), "travels.txt")
    assert titles(result) == [
        "Chapter I: On Journeys Through the States",
        "Chapter II: Where the Climates Meet",
        "Chapter III: Are We Standardized?",
        "Chapter IV: A Rare Old Town",
    ]
    # The epigraph stays at the head of its chapter's text.
    second = result.pack.sections[1].text
    assert second.startswith("> Here, where the roads and rivers meet,"), second[:120]
    assert "--A. POET." in second[:200]


async def test_markdown_like_headings_in_a_statement_copied_from_the_web() -> None:
    result = await preview(documents.joint_statement(), "statement.txt")
    assert result.pack.title == "Joint Statement on Open Reading Rooms"
    assert titles(result) == [
        "Our Shared Commitment",
        "Access for Every Reader",
        "Funding and Oversight",
        "Next Steps",
    ]
    assert left(result) == [("dateline", 3, "Geneva, 14 May 2026")]


async def test_a_press_release_by_its_title_case_headings() -> None:
    result = await preview(documents.press_release_with_title_case_headings(), "release.txt")
    assert result.pack.title == "City Libraries Extend Evening Hours for Reading Groups"
    assert titles(result) == [
        "Introduction",
        "What Changes in July",
        "Who Can Book a Room",
        "What Readers Said",
        "About the City Libraries",
    ]
    assert result.pack.sections[0].text.startswith("Lakeside, June 2, 2026 — Reading groups")
    assert left(result) == [("press release marker", 3, "FOR IMMEDIATE RELEASE")]


def test_a_books_index_is_left_out_not_read_as_a_section() -> None:
    body = "\n\n".join(documents.prose(400 + n, 4)[0] for n in range(12))
    text = "\n\n".join(
        [
            "CHAPTER I.\n\nThe Start.", body, "CHAPTER II.\n\nThe End.", body,
            "INDEX", "A.", "Accents, 92.\nAdagio, 189.\nAlberti bass, 197.",
            "I.", "Idle, 12, 40.\nIndex, 3.",
        ]
    )  # fmt: skip
    result = import_text(text, fallback_title="Book")
    assert [s.title for s in result.sections] == ["Chapter I: The Start", "Chapter II: The End"]
    assert [(o.reason, o.excerpt) for o in result.left_out] == [
        ("index", "INDEX (and 4 more paragraphs)")
    ]
    assert "Accents" not in result.sections[-1].text


def test_a_chapter_title_in_emphasis_marks_below_its_number() -> None:
    body = "\n\n".join(documents.prose(410, 3))
    text = "\n\n".join(
        f"{n}\n\n_{name}_\n\n[Sidenote: _A note in the margin._]\n\n{body}"
        for n, name in (("I", "Introduction"), ("II", "The Elements"), ("III", "The Kinds"))
    )
    result = import_text(text, fallback_title="Listening")
    assert [s.title for s in result.sections] == [
        "I: Introduction",
        "II: The Elements",
        "III: The Kinds",
    ]
    assert result.sections[0].text.startswith("[Sidenote: _A note in the margin._]\n\n")


def test_numbered_letters_with_footnote_marks_salutations_and_a_missing_number() -> None:
    """A volume of letters as e-texts print them: the letter's number (one with a footnote's
    mark, one missing), "TO ..." on the line below, a date or dateline, a salutation."""
    body = "\n\n".join(documents.prose(420, 2))
    letters = [
        ("216.", "TO STEINER & CO.", "Vienna, March 1, 1817.", "DEAR SIRS,--"),
        ("217.[1]", "TO THE SAME.", "Wednesday, July 3, 1817.", "MY GOOD ADJUTANT,--"),
        ("219.", "TO ZMESKALL.", "1819.", "Dear Zmeskall,"),  # 218 is not in this volume
        ("220.", "TO F. RIES,--LONDON.", "Vienna, July 9, 1817.", "MY DEAR FRIEND,--"),
    ]
    text = "\n\n".join("\n\n".join([*letter, body]) for letter in letters)
    result = import_text(text, fallback_title="Letters")
    assert [s.title for s in result.sections] == [
        "216: To Steiner & Co",
        "217: To the Same",
        "219: To Zmeskall",
        "220: To F. Ries—London",
    ]
    assert result.sections[1].text.startswith("Wednesday, July 3, 1817.\n\nMY GOOD ADJUTANT,--")


async def test_a_pdf_books_chapter_titles_and_its_metadata_title() -> None:
    result = await preview(documents.pdf_book(), "book.pdf")
    assert (result.pack.title, result.pack.author) == ("A Short Book of Questions", "Ada Example")
    assert titles(result) == [
        "Chapter I: The Abstract Nature of Questions",
        "Chapter II: Variables",
        "Chapter III: Debates",
    ]
    assert not any(s.text.startswith(("VARIABLES", "DEBATES")) for s in result.pack.sections)


def test_a_pdfs_metadata_title_as_a_reader_would_write_it() -> None:
    from roundtable.packs.readers.pdf import meta_title

    assert meta_title("The Project Gutenberg eBook #41568: An Introduction to Mathematics.") == (
        "An Introduction to Mathematics"
    )
    assert meta_title("Reading Groups Quarterly: why groups argue") == (
        "Reading Groups Quarterly: why groups argue"
    )
    for placeholder in (
        "Microsoft Word - draft3.docx", "Untitled", "report-final.pdf", "ublcs-93-1.dvi",
        "paper.ps", "arXiv:quant-ph/9508027v2  25 Jan 1996", "arXiv:2612.00001v1 [cs.CL] 6 Dec 2026",
    ):  # fmt: skip
        assert meta_title(placeholder) == ""


async def test_a_specification_page_keeps_every_principle_readability_dropped() -> None:
    """ReSpec's headings sit in a wrapper with a self-link, and one is all link: the article
    extractor dropped the headings and ran each principle into the one before."""
    result = await preview(documents.spec_page(), "principles.html")
    assert result.pack.title == "Reading Together Principles"
    assert [s.title for s in result.pack.sections] == [
        "2.1 Principle 1: Read the whole text",
        "2.2 Principle 2: Quote before you judge",
        "Principle 3: Name the claim",
        "2.4 Principle 4: Let the quiet speak",
    ]
    third = result.pack.sections[2].text
    assert third.startswith("Note: a claim is what the text commits its author to.")
    assert "a claim is what" not in result.pack.sections[1].text  # nothing glued to it
    # What the extractor left out before and after the principles is listed, not lost.
    assert [(o.reason, o.line, o.excerpt) for o in result.left_out] == [
        ("outside the article", 4, "Reading Together Principles (and 3 more paragraphs)"),
        ("outside the article", 11, "Acknowledgements (and 1 more paragraph)"),
    ]


def test_every_block_of_a_web_page_is_kept_or_listed_as_left_out() -> None:
    """Nothing is dropped silently: each block of the page's body is in the text, or in a
    left-out entry (a run of N blocks is one entry "(and N-1 more paragraphs)")."""
    import re

    import lxml.html

    from roundtable.packs.readers import html_blocks, web

    for data in (documents.web_page(), documents.spec_page(), documents.docs_page()):
        doc = web.read(data)
        body = lxml.html.document_fromstring(data.decode()).find("body")
        blocks = html_blocks.paragraphs(body)
        kept = {web._key(p.text) for p in doc.paragraphs or []}
        missing = [b for b in blocks if web._key(b.text) and web._key(b.text) not in kept]
        listed = 0
        for item in doc.left_out:
            more = re.search(r"\(and (\d+) more paragraphs?\)$", item.excerpt)
            listed += 1 + (int(more.group(1)) if more else 0)
        assert listed == len(missing), [b.text[:40] for b in missing]


def test_markdown_inside_html_and_loose_links_read_as_a_reader_sees_them() -> None:
    """ReSpec's source keeps sections in Markdown inside the HTML (`## Introduction {#intro}`),
    and text with links not in <p>: headings stay headings, a sentence with a link is one
    paragraph (it was cut in three at the link)."""
    import lxml.html

    from roundtable.packs.readers import html_blocks

    page = lxml.html.document_fromstring(
        "<html><body><section><p>Status of this document.</p></section>\n"
        "## Introduction {#intro}\n\nThe web should be for "
        '<a href="https://example.org/all">everyone</a>, everywhere.\nIt has been so.\n\n'
        "### Purpose {#purpose}\n\nThis is a statement.\n"
        "<p>A paragraph of its own.</p>Loose text after it, <em>one</em> paragraph.</body></html>"
    )
    assert [(p.text, p.heading_level) for p in html_blocks.paragraphs(page.find("body"))] == [
        ("Status of this document.", None),
        ("Introduction", 2),
        (
            "The web should be for everyone (https://example.org/all), everywhere. It has been so.",
            None,
        ),
        ("Purpose", 3),
        ("This is a statement.", None),
        ("A paragraph of its own.", None),
        ("Loose text after it, *one* paragraph.", None),
    ]


def test_text_before_a_heading_named_introduction_is_the_opening() -> None:
    text = "\n\n".join(
        ["## Introduction", documents.prose(450, 1)[0], "## Principles", documents.prose(451, 1)[0]]
    )
    result = import_text(documents.prose(452, 1)[0] + "\n\n" + text, fallback_title="Notes")
    assert [s.title for s in result.sections] == ["Opening", "Introduction", "Principles"]


async def test_a_collection_of_legends_by_their_titles_not_by_its_volume_and_foreword() -> None:
    """ "VOLUME ONE" and "FOREWORD" are the only numbered or named headings; they used to win,
    and the foreword ran on over every legend. The signature and the pictures between do not
    hide the next title."""
    result = await preview(documents.legends(), "legends.txt")
    assert titles(result) == [
        "Foreword",
        "The Mermaid of Zennor",
        "The Stone Men",
        "How the Lake Began",
        "The Lost Child",
    ]
    assert result.pack.sections[0].text.endswith("LYONESSE\n\n[Illustration]")
    assert [(o.reason, o.line) for o in result.left_out] == [
        ("title page", 1),
        ("title page", 3),
        ("table of contents", 5),
    ]


def test_a_papers_abstract_is_its_own_section_beside_its_numbered_introduction() -> None:
    def paper(opening: list[str]) -> list[str]:
        body = [documents.prose(470 + n, 2)[1] for n in range(3)]
        text = "\n\n".join(
            [*opening, "1. Introduction", body[0], "2. Method", body[1], "3. Results", body[2]]
        )
        return [s.title for s in import_text(text, fallback_title="Paper").sections]

    abstract = documents.prose(480, 1)[0]
    assert paper(["Abstract", abstract]) == [
        "Abstract",
        "1. Introduction",
        "2. Method",
        "3. Results",
    ]
    assert paper([abstract])[0] == "Opening"  # never two sections called "Introduction"


def test_titles_in_capitals_read_in_title_case() -> None:
    text = "\n\n".join(
        f"{number}\n\n{title}\n\n{documents.prose(490 + n, 1)[0]}"
        for n, (number, title) in enumerate(
            [
                ("I", "GUIDO D'AREZZO--THE BEGINNING OF COUNTERPOINT"),
                ("II", "OPERA (Continued)"),
                ("III", "ORIGIN OF SONG vs. ORIGIN OF SPEECH"),
                ("IV", "DERMOTT MCDERMOTT"),
                ("V", "VARIABLES"),
                ("VI", "NATO"),
            ]
        )
    )
    assert [s.title for s in import_text(text, fallback_title="Titles").sections] == [
        "I: Guido D'Arezzo—The Beginning of Counterpoint",
        "II: Opera (Continued)",
        "III: Origin of Song vs. Origin of Speech",
        "IV: Dermott McDermott",
        "V: Variables",
        "VI: NATO",  # four letters or fewer in capitals alone: an acronym, kept
    ]


async def test_a_proposals_details_header_is_left_out_not_asked_about() -> None:
    text = (
        "- Feature Name: `shared_settings`\n"
        "- Start Date: 2026-03-02\n"
        "- Proposal PR: example/proposals#41 (https://example.org/proposals/41)\n\n"
        "## Summary\n\n"
        "Settings files should be able to include one another, so that a workspace states "
        "each setting once.\n\n"
        "## Motivation\n\n"
        "Copying settings by hand is the main source of drift between packages, and drift "
        "makes builds fail in ways nobody can reproduce.\n"
    )
    result = await preview(text, "0041-shared-settings.md")
    assert titles(result) == ["Summary", "Motivation"]
    assert left(result) == [
        (
            "document details",
            1,
            "- Feature Name: `shared_settings` - Start Date: 2026-03-02 - Proposal PR: "
            "example/proposals#41…",  # shortened as every excerpt in the preview
        )
    ]
    assert result.pack.sections[0].questions[0] == (
        "The text says: “Settings files should be able to include one another, so that a "
        "workspace states each setting once.” Do you agree? Why or why not?"
    )


def test_an_indented_quotation_in_a_plain_text_is_a_block_quote_never_asked_about() -> None:
    body = (
        "The village school was founded by subscription, and its founders said plainly what\n"
        "they hoped from it. Their circular to the parish is worth reading in full:\n\n"
        "    Every child of this parish should be taught to read and to write, and\n"
        "    the cost must be borne by those who can best afford it, because\n"
        "    ignorance is the dearest thing a parish can keep.\n\n"
        "    Lord of the harvest, hear our song,\n"
        "    The fields are wide, the days are long.\n\n"
        "The founders were wrong about the cost, which fell on the poorest families after\n"
        "all, and a school that depends on charity will always close in a bad year.\n"
    )
    text = "CHAPTER I.\n\nTHE SCHOOL\n\n" + body + "\nCHAPTER II.\n\nTHE MASTER\n\n" + body
    result = import_text(text, fallback_title="school.txt")
    section = result.sections[0]
    assert [s.title for s in result.sections] == ["Chapter I: The School", "Chapter II: The Master"]
    assert section.text.split("\n\n")[1:3] == [
        "> Every child of this parish should be taught to read and to write, and the cost must "
        "be borne by those who can best afford it, because ignorance is the dearest thing a "
        "parish can keep.",
        "> Lord of the harvest, hear our song,\n> The fields are wide, the days are long.",
    ]
    questions = template_questions(section.title, section.text)
    assert questions[0] == (
        "The text says: “The founders were wrong about the cost, which fell on the poorest "
        "families after all, and a school that depends on charity will always close in a bad "
        "year.” Do you agree? Why or why not?"
    )
    assert not any("Every child" in q or "Lord of the harvest" in q for q in questions)


async def test_a_reports_pdf_by_the_size_of_its_headings_and_its_first_pages_title() -> None:
    result = await preview(documents.report_pdf(), "export.pdf")
    assert result.pack.title == "Why reading groups stall"  # set large on page 1, no metadata
    assert titles(result) == [
        "What the survey asked",
        "Who answers and who stays quiet",
        "The length of a round",
        "What moderators can change",
    ]
    assert left(result) == [
        ("page header or footer", 1, "Reading Together: a report to members"),
        ("page numbers", 1, "numbers alone at the top or bottom of pages"),
        ("subtitle", 1, "A survey of forty circles, spring 2026"),
    ]
    assert not any("a report to members" in s.text for s in result.pack.sections)


async def test_numbered_sections_that_open_pages_are_headings_not_running_headers() -> None:
    result = await preview(documents.sections_pdf(), "circles.pdf")
    assert titles(result) == [f"Section {n}" for n in range(1, 12)]
    assert left(result) == [("page header or footer", 1, "Circles of readers 1")]
    assert not any("Circles of readers" in s.text for s in result.pack.sections)


def test_numbered_headings_closed_by_a_full_stop_as_papers_set_them() -> None:
    names = ["Introduction", "Methods", "Data", "Results", "Discussion", "Limits"]
    names += ["Related work", "Future work", "Ethics", "Conclusion", "Appendix"]
    body = "\n\n".join(documents.prose(490, 3))
    text = "\n\n".join(f"{n} {name}.\n\n{body}" for n, name in enumerate(names, start=1))
    result = import_text(text, fallback_title="paper.txt")
    assert [s.title for s in result.sections] == [f"{n} {name}" for n, name in enumerate(names, 1)]


async def test_words_placed_by_position_in_a_heading_are_not_glued() -> None:
    result = await preview(documents.typeset_pdf(), "paper.pdf")
    assert result.pack.title == "Reading by Position"  # not the stamp up the margin
    assert titles(result) == [
        "1 The memory layout",
        "2 Where readers stop",
        "3 A round of four weeks",
    ]


async def test_letters_pushed_apart_by_justification_stay_one_word() -> None:
    # The headings' letters are as far apart as the typesetter's words above; the body, spaced
    # the same way on every line, shows that these gaps are inside words.
    result = await preview(documents.typeset_pdf(letter_spaced=True, titled=False), "paper.pdf")
    assert result.pack.title == "Paper"  # the file name: the first heading is no title
    assert titles(result) == [
        "1 The memory layout",
        "2 Where readers stop",
        "3 A round of four weeks",
    ]
    assert result.pack.sections[0].text.startswith("The captain wrote down why the lamps")


def test_a_first_pages_largest_line_is_no_title_when_headings_are_set_as_large() -> None:
    from roundtable.packs.readers.pdf_layout import Setting, first_page_title, key

    lines = ["Notes on reading", "", "Body text of the first section runs on here."]
    sizes = {key(lines[0]): Setting(14.0, True), key(lines[2]): Setting(10.0, False)}
    assert first_page_title(lines, sizes, 10.0) == "Notes on reading"
    assert first_page_title(lines, sizes, 10.0, later=18.0) == ""  # larger headings later
    assert first_page_title(lines, sizes, 10.0, later=14.0) == ""  # the sections' size
    numbered = ["1 Notes on reading", *lines[1:]]
    sizes[key(numbered[0])] = Setting(14.0, True)
    assert first_page_title(numbered, sizes, 10.0) == ""  # a section's number: a heading
    for name in ("1. Notes on reading", "IV. Notes on reading", "2.1 Notes on reading"):
        sizes[key(name)] = Setting(14.0, True)
        assert first_page_title([name, *lines[1:]], sizes, 10.0) == ""
    sizes[key("I Know Why We Read")] = Setting(14.0, True)
    assert first_page_title(["I Know Why We Read", *lines[1:]], sizes, 10.0) == "I Know Why We Read"


def test_a_sentence_under_a_numbered_heading_is_text_not_its_title() -> None:
    body = "\n\n".join(documents.prose(491, 3))
    text = (
        f"1 Introduction\n\nThe paper is organized as follows.\n\n{body}\n\n"
        f"2 Uses of the cache\n\n{body}\n\n3 Results\n\nThe Arrival\n\n{body}"
    )
    result = import_text(text, fallback_title="paper.txt")
    # A title line that is no sentence is still read as the heading's title ("The Arrival").
    assert [s.title for s in result.sections] == [
        "1 Introduction", "2 Uses of the cache", "3 Results: The Arrival"
    ]  # fmt: skip
    assert result.sections[0].text.startswith("The paper is organized as follows.")


async def test_a_two_column_paper_is_read_one_column_after_the_other() -> None:
    result = await preview(documents.two_column_pdf(), "paper.pdf")
    assert result.pack.title == "Two Columns of Readers"
    assert result.pack.author == "Ada Example, Ben Sample"  # the first page's names
    assert left(result) == [
        ("authors", 1, "Ada Example, Ben Sample / Reading Together Institute / ada@example.org")
    ]
    assert titles(result) == ["1 Introduction", "2 Methods", "3 Results", "4 Discussion"]
    # Each section's text is its own prose, sentence after sentence as written (pypdf's layout
    # text had put a line of the right column beside each line of the left).
    for n, section in enumerate(result.pack.sections, start=1):
        expected = " ".join(documents.prose(500 + n, 3))
        assert " ".join(section.text.split()) == expected, section.title


def test_an_e_books_own_title_is_kept_when_it_is_also_the_files_name() -> None:
    text = (
        "Title: Utilitarianism\nAuthor: A. Example\n\n"
        "*** START OF THIS PROJECT GUTENBERG EBOOK UTILITARIANISM ***\n\n"
        "UTILITARIANISM\n\nBY\n\nA. EXAMPLE\n\nSEVENTH EDITION\n\nLONDON\n\n1879\n\n\n"
        + "\n\n".join(
            f"CHAPTER {n}.\n\n" + "\n\n".join(documents.prose(650 + k, 12))
            for k, n in enumerate(("I", "II"))
        )
    )
    result = import_text(text, fallback_title="Utilitarianism")  # as from utilitarianism.txt
    assert result.title == "Utilitarianism"  # not "BY", the title page's next line
    assert [s.title for s in result.sections] == ["Chapter I", "Chapter II"]


async def test_a_proposal_in_restructuredtext_keeps_its_code_and_its_answers_whole() -> None:
    result = await preview(documents.proposal_in_restructuredtext(), "pep-9001.rst")
    assert result.pack.title == "A shared catalogue for the reading rooms"
    # The comments in its code are no headings; its thanks and references are no rounds.
    assert titles(result) == ["Abstract", "Rationale", "Specification", "Review", "Exemptions"]
    specification = result.pack.sections[2].text
    assert "a small program reads it:\n\n```\ndef holdings(catalogue, title):\n" in specification
    assert "        if row.title == title:\n" in specification  # its indentation kept
    assert "\n    return found\n\n# Shelf marks stay as each branch wrote them\n" in specification
    assert "::" not in specification
    assert [(reason, line) for reason, line, _ in left(result)] == [
        ("document details", 1),
        ("acknowledgements", 89),
        ("references", 100),
        ("too short for a round", 110),
    ]
    # Items marked "* " are a list, not footnotes marked "*"; a term over its indented text
    # is one line of the list, as a reader of the rendered page sees it.
    assert result.pack.sections[4].text == (
        "- Rare books: The rare books stay in the old ledger, which only the keeper of the rare "
        "books may open and read.\n- Books on loan to other towns: These are listed with the "
        "town that holds them, since no branch can lend them."
    )
    # The answers indented under the review's questions are the author's, not quotations;
    # the proposal itself is a claim to argue about.
    questions = [q for s in result.pack.sections for q in s.questions]
    assert any("“I think a small branch gains more from the shared list" in q for q in questions)
    assert any("“I don't think a catalogue that anyone may change" in q for q in questions)
    assert any("“This proposal recommends one shared catalogue" in q for q in questions)
    assert not any("def holdings" in q or "Shelf marks stay" in q for q in questions)


def test_a_literal_block_needs_its_opening_colons_a_blank_line_and_deeper_text() -> None:
    text = (
        "The rule ::\n\n    keep = True\n\nThe loop:\n\n::\n\n    for x in y:\n"
        "        pass\n\nNo block here::\nkeep reading at the same depth.\n"
    )
    blocks = literal_blocks(text)
    assert [(b.opener, b.first, b.last, b.code) for b in blocks] == [
        (1, 3, 3, "keep = True"),
        (7, 9, 10, "for x in y:\n    pass"),
    ]
    found = [p.text for p in paragraphs(text, literal=blocks)]
    assert found == [
        "The rule",  # "::" after a space shows nothing
        "```\nkeep = True\n```",
        "The loop:",
        "```\nfor x in y:\n    pass\n```",  # the "::" line alone is gone
        "No block here::\nkeep reading at the same depth.",
    ]


async def test_a_pamphlets_web_page_leaves_out_its_title_page_up_to_its_title_again() -> None:
    result = await preview(documents.gutenberg_html_pamphlet(), "plain-reading.htm")
    assert (result.pack.title, result.pack.author) == ("Plain Reading", "A. Example")
    assert titles(result) == ["Introduction", "Of Reading in Public", "Of the Reading Room",
                              "Of the Present State of the Club"]  # fmt: skip
    reasons = {reason: excerpt for reason, _, excerpt in left(result)}
    # The title page with its "SUBJECTS" heading and imprint is no section of its own.
    assert reasons["title page"].startswith("PLAIN READING; / addressed to the / MEMBERS /")
    assert reasons["byline"] == "By A. Example"
    # The contents, a quoted block of lines under "CONTENTS" in bold, every line of it.
    assert reasons["table of contents"].startswith("> **CONTENTS** > INTRODUCTION > PART I OF")
    assert not any("SUBJECTS" in s.text or "CONTENTS" in s.text for s in result.pack.sections)


async def test_a_quotation_with_emphasis_keeps_every_word_and_line() -> None:
    quoted = "<blockquote>They said <em>read it aloud</em> and then<br/>read it again.</blockquote>"
    page = (
        "<html><body><article><h1>On Reading Aloud</h1>"
        + "".join(f"<p>{text}</p>" for text in documents.prose(680, 3))
        + quoted
        + "".join(f"<p>{text}</p>" for text in documents.prose(681, 3))
    )
    result = await preview(page + "</article></body></html>", "aloud.html")
    assert "> They said *read it aloud* and then\n> read it again." in result.pack.sections[0].text


def test_a_list_in_a_plain_text_keeps_its_lines_where_wrapped_prose_is_joined() -> None:
    listed = (
        "* Books on loan to other towns, which are listed with the town that holds them\n"
        "for as long as the loan lasts, and returned to their branch afterwards\n"
        "* Rare books, which stay in the old ledger that only their keeper may open"
    )
    wrapped = (
        "Every branch keeps its own list of books today, and each list is written in\n"
        "its own way, so that no reader can tell which branch holds a book."
    )
    assert [p.text for p in paragraphs(f"{listed}\n\n{wrapped}")] == [
        listed,
        wrapped.replace("\n", " "),
    ]


async def test_an_introductions_numbered_parts_on_a_web_page_keep_its_name() -> None:
    parts = [("INTRODUCTION. I.", 690), ("II.", 691), ("III.", 692), ("CHAPTER I.", 693),
             ("CHAPTER II.", 694)]  # fmt: skip
    page = "<html><body><h1>Plain Talk</h1>" + "".join(
        f"<h2>{heading}</h2>" + "".join(f"<p>{text}</p>" for text in documents.prose(seed, 6))
        for heading, seed in parts
    )
    result = await preview(page + "</body></html>", "plain-talk.html")
    assert titles(result) == ["Introduction: I", "Introduction: II", "Introduction: III",
                              "Chapter I", "Chapter II"]  # fmt: skip


def test_a_code_directive_with_options_is_one_code_block_and_shows_no_markup() -> None:
    text = (
        "Keep the lines short:\n\n.. code-block:: python\n   :class: good\n\n"
        "   # Correct:\n   shelf = find(title)\n\n   # Wrong:\n   x=find( title )\n\n"
        "The rest is prose again.\n"
    )
    blocks = literal_blocks(text)
    assert [(b.opener, b.first, b.last, b.directive) for b in blocks] == [(3, 6, 10, True)]
    assert [p.text for p in paragraphs(text, literal=blocks)] == [
        "Keep the lines short:",
        "```\n# Correct:\nshelf = find(title)\n\n# Wrong:\nx=find( title )\n```",
        "The rest is prose again.",
    ]


async def test_an_articles_lead_above_its_title_again_and_an_early_sources_chapter_are_text() -> (
    None
):
    lead, *rest = documents.prose(700, 7)
    years = "The letters of 1820, 1835 and 1841 are the sources this essay reads. " + rest[0]
    text = "\n\n".join(
        ["# Why Groups Argue", lead, "## Why Groups Argue", *rest[1:3], "## Sources", years,
         *rest[3:4], "## Reading", *documents.prose(701, 5), "## Keeping", *documents.prose(702, 5)]
    )  # fmt: skip
    result = await preview(text, "argue.md")
    assert titles(result) == ["Introduction", "Why Groups Argue", "Sources", "Reading", "Keeping"]
    assert result.pack.sections[0].text == lead


async def test_a_proposals_design_drawbacks_and_open_questions_are_asked_about() -> None:
    """A technical proposal's claims are its design: the imperative of its summary and what a
    change will do to its code are asked about as a design, its drawbacks listed as whole
    sentences are claims, and the questions it leaves open are asked back to the readers. Its
    links to the discussions are no round, wherever they stand."""
    result = await preview(documents.proposal_in_markdown(), "0042-shared-catalogue.md")
    assert titles(result) == ["Summary", "Motivation", "Drawbacks", "Unresolved questions"]
    assert [(reason, line) for reason, line, _ in left(result)][:2] == [
        ("document details", 1),
        ("references", 8),
    ]
    summary, _, drawbacks, unresolved = (s.questions for s in result.pack.sections)
    assert summary == (
        "The text says: “Introduce a shared `catalogue` format for every branch, and deprecate "
        "the branch ledgers.” Do you agree? Why or why not?",
        "The text proposes: “In the next year, `catalogue` will become the only record of what "
        "each branch holds.” Is this the right design? What would it cost, and whom would it "
        "help?",
    )
    assert any("“Searching the shared list becomes slightly slower" in q for q in drawbacks)
    assert not any("Yet another format" in q or "“- " in q for q in drawbacks)
    assert unresolved[0] == (
        "The text asks: “Should the keeper of the rare books be able to veto changes to the "
        "shared list?” What would you answer, and why?"
    )
    # A full stop or a star inside a code span is code, not the end of a sentence or emphasis.
    wildcard = (
        "A wildcard written `*` matches any branch, and `*.maps` matches every branch's "
        "maps, which the old ledgers could never express."
    )
    found = [s for s, _, _ in sentences(result.pack.sections[1].text)]
    assert found[-2:] == [wildcard, "They wrote `.*` for every shelf, which was easy to mistype."]
    assert snippet(wildcard) == wildcard


async def test_restructuredtext_reads_as_its_rendered_page_not_its_markup() -> None:
    """A DEP or a Sphinx page (issue #25): its overlined title and field list are its title and
    details, its links by name are "text (url)", its roles their text, its targets, comments and
    contents are no text, a lone `* ` item after a colon stays in the text; an include of a
    local file and raw HTML read nothing."""
    result = await preview(documents.process_proposal_in_restructuredtext(), "drp-0042.rst")
    assert (result.pack.title, result.pack.author) == (
        "DRP 0042: Reading Aloud at Every Meeting",
        "Ada Example",
    )
    assert result.found_by.startswith("a reStructuredText text")
    assert titles(result) == ["Motivation", "Specification"]  # the short abstract joined on
    motivation, specification = (s.text for s in result.pack.sections)
    assert "reading a page Aloud (https://example.org/aloud), before anyone" in motivation
    assert "as the spring minutes (https://example.org/minutes) recorded [1]." in motivation
    assert (
        "third benefit:\n\n- Members who rarely speak have a part in every meeting." in motivation
    )
    assert "named in the meeting's `Agenda`, as PEP 8 names its conventions." in specification
    assert "**Note:** A group may skip the reading" in specification
    for markup in (".. ", "_`", "`_", "Aloud_", ":pep:", ":class:", "::", "include", "passwd",
                   "root:", "script", "read me", "editors only"):  # fmt: skip
        assert markup not in motivation + specification, markup
    assert [(reason, line) for reason, line, _ in left(result)] == [
        ("document details", 3),
        ("table of contents", 13),
        ("comment", 47),
        ("markup Roundtable does not read", 56),  # the include, as the moderator wrote it
        ("markup Roundtable does not read", 58),
        ("references", 65),
    ]
    questions = [q for s in result.pack.sections for q in s.questions]
    assert any("“A group of five loses more when one member stays silent" in q for q in questions)


async def test_a_proposal_in_restructuredtext_is_read_so_whatever_its_name() -> None:
    """A PEP saved as .txt (the older PEPs are) opens with its header: read as reStructuredText,
    so its links and roles are text, not markup."""
    text = documents.proposal_in_restructuredtext().replace(
        "in a single file that every branch", "in a single file (see :pep:`8`) that every branch"
    )
    result = await preview(text, "pep-9001.txt")
    assert result.found_by.startswith("a reStructuredText text")
    assert "in a single file (see PEP 8) that every branch" in result.pack.sections[0].text
    plain = await preview("Reading Aloud\n=============\n\n" + "\n\n".join(documents.prose(5, 3)),
                          "aloud.txt")  # fmt: skip
    assert plain.found_by.startswith("a plain text")
