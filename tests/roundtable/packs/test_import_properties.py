"""Property tests of the importer (hypothesis): any text imports or fails with a clear message,
and every paragraph of prose kept lands in exactly one section."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roundtable.packs.format import PackError, parse_pack, render_pack
from roundtable.packs.importer import import_document, import_text
from roundtable.packs.model import Pack, Section
from roundtable.packs.readers.detect import read_file, read_string

WORDS = st.sampled_from(
    "reading group claim evidence moderator member question answer river winter letter "
    "argued doubted noticed the a of to and because therefore".split()
)
SENTENCE = st.lists(WORDS, min_size=4, max_size=18).map(lambda w: " ".join(w).capitalize() + ".")
PROSE = st.lists(SENTENCE, min_size=2, max_size=12).map(" ".join)
HEADING = st.one_of(
    st.integers(1, 30).map(lambda n: f"Chapter {n}"),
    st.sampled_from(["I. The problem", "PART TWO", "Article 3", "§ 4", "Preamble", "CONTENTS"]),
    st.lists(WORDS, min_size=1, max_size=5).map(lambda w: " ".join(w).title()),
    st.sampled_from(["***", "* * *", "---", "### ", "# Title", "## Section", "1.2 Scope"]),
)
BLOCKS = st.lists(st.one_of(PROSE, PROSE, HEADING), min_size=1, max_size=40)
SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)


@SETTINGS
@given(BLOCKS)
def test_every_prose_paragraph_is_in_exactly_one_section(blocks: list[str]) -> None:
    text = "\n\n".join(blocks)
    try:
        result = import_text(text, fallback_title="Property")
    except PackError as exc:
        assert exc.problems and all(p.message for p in exc.problems)
        return
    paragraphs = [p for s in result.sections for p in s.text.split("\n\n")]
    dropped = " ".join(item.excerpt for item in result.left_out)
    for block in set(blocks):
        if len(block) < 80:
            continue  # headings and short lines may be titles
        holding = paragraphs.count(block)
        assert holding == blocks.count(block) or block[:40] in dropped, block


@SETTINGS
@given(st.binary(max_size=4000) | st.text(max_size=4000).map(str.encode))
def test_any_bytes_import_or_fail_with_a_clear_message(data: bytes) -> None:
    try:
        doc = read_file(data, "upload.txt")
        import_text(doc.text, fallback_title="x") if doc.text is not None else None
    except PackError as exc:
        assert exc.problems[0].message[:1].islower()  # one sentence, "this ..."


MARKUP = st.sampled_from(
    ["", " ", "  ", "{{< note >}}", "{% include x %}", "[link](/relative)", "*em*", "`code`",
     "<!-- c -->", "\\", "## ", "### Questions", "---", "> ", "- ", "1. ", ": ", "\t"]
)  # fmt: skip


@SETTINGS
@given(st.lists(st.tuples(MARKUP, PROSE, MARKUP), min_size=1, max_size=12))
def test_any_markdown_is_stored_exactly_as_previewed(blocks: list[tuple[str, str, str]]) -> None:
    text = "\n\n".join(f"{a}{prose}{b}" for a, prose, b in blocks)
    try:
        result = import_document(read_string(text, markdown_file=True), fallback_title="P")
    except PackError:
        return
    pack = Pack(
        title=result.title, sections=tuple(Section(s.title, s.text) for s in result.sections)
    )
    assert parse_pack(render_pack(pack)) == pack


REST_MARKUP = st.sampled_from(
    ["", " ", "   ", "`x`_", "x_", ":pep:`", ":class:`y`", ".. ", "::", "=====\n", "* ", "| ",
     "[#]_", ".. [1] ", ".. _x: https://example.org/", "|sub|", "**", "``", ".. include:: /x",
     ".. raw:: html\n\n   <b>", ".. note::", "\n   ", "-----\n", "#. "]
)  # fmt: skip


@SETTINGS
@given(st.lists(st.tuples(REST_MARKUP, PROSE, REST_MARKUP), min_size=1, max_size=12))
def test_any_restructuredtext_imports_or_fails_with_a_clear_message(
    blocks: list[tuple[str, str, str]],
) -> None:
    """docutils reads whatever a moderator's markup says (its warnings are not errors): the
    text imports, or fails with the importer's one sentence, and every prose block long
    enough to be a paragraph is in the pack or listed as left out."""
    text = "\n\n".join(f"{a}{prose}{b}" for a, prose, b in blocks)
    try:
        result = import_document(read_file(text.encode(), "upload.rst"), fallback_title="P")
    except PackError as exc:
        assert exc.problems[0].message[:1].islower()
        return
    kept = " ".join([s.text for s in result.sections] + [i.excerpt for i in result.left_out])
    for _, prose, _ in blocks:
        assert prose.split()[0] in kept or len(prose) < 80
