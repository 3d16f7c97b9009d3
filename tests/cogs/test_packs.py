"""/pack end to end through the sandbox: what moderators see, what is stored."""

from __future__ import annotations

from pathlib import Path

from roundtable.packs.excerpts import EMBED_TOTAL_MAX
from roundtable.packs.format import parse_pack
from sandbox import Message
from tests.fixtures import documents
from tests.harness import World
from tests.seed import OP_ED, OP_ED_SECTIONS

FIXTURES = Path(__file__).resolve().parents[1] / "roundtable" / "fixtures"
SHIPPED = "deepseek-r1-chinas-sputnik-moment"


async def guild_packs(world: World) -> list[str]:
    rows = await world.db.fetch_all("SELECT slug FROM packs WHERE guild_id = ?", (world.guild.id,))
    return [r["slug"] for r in rows]


async def import_op_ed(world: World, **options: object) -> Message:
    reply = await world.sandbox.slash(
        world.owner,
        "pack import",
        world.general,
        file=("libraries-op-ed.txt", OP_ED.read_bytes()),
        **options,
    )
    [message] = reply.messages
    return message


async def test_import_shows_what_was_found_and_saves_only_on_confirm(world: World) -> None:
    sb = world.sandbox
    message = await import_op_ed(world, title="Sputnik moment?")
    assert message.ephemeral
    embed = message.embeds[0]
    assert embed["title"] == "Import preview: Sputnik moment?"
    assert (
        "Found 4 sections (a plain text, by short heading lines between paragraphs)"
        in embed["description"]
    )
    assert (
        "**2. Licences that expire**: 2,075 characters, 1 part, 2 questions" in embed["description"]
    )
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert "donation appeal" in fields["Left out (check these)"]
    assert "publisher's disclaimer" in fields["Left out (check these)"]
    assert fields["Questions for “Introduction”"].startswith("1. The text says: “")
    [attachment] = message.attachments
    assert attachment.filename == "sputnik-moment.md"
    pack = parse_pack(attachment.data.decode())
    assert [s.title for s in pack.sections] == OP_ED_SECTIONS
    assert await guild_packs(world) == []  # nothing saved before Save

    saved = await sb.click(world.owner, message, sb.button(message, "Save pack"))
    assert saved.original is message
    assert message.content == (
        "Saved **Sputnik moment?** (`sputnik-moment`), 4 sections. Try `/pack preview`."
    )
    assert message.embeds == [] and message.components == [] and message.attachments == []
    assert await guild_packs(world) == ["sputnik-moment"]
    row = await world.db.fetch_one(
        "SELECT body, created_by FROM packs WHERE slug = ?", ("sputnik-moment",)
    )
    assert row["body"] == attachment.data.decode()
    assert row["created_by"] == world.owner.id


async def test_cancel_stores_nothing(world: World) -> None:
    sb = world.sandbox
    message = await import_op_ed(world)
    await sb.click(world.owner, message, sb.button(message, "Cancel"))
    assert message.content == "Import cancelled; nothing was saved."
    assert await guild_packs(world) == []


async def test_only_the_importing_moderator_can_confirm(world: World) -> None:
    sb = world.sandbox
    admin_role = sb.role(world.guild, "Admins", 1 << 5)
    other = sb.member(world.guild, "Other Mod", roles=[admin_role])
    message = await import_op_ed(world)
    reply = await sb.click(other, message, sb.button(message, "Save pack"))
    assert reply.messages[0].content == "Only the moderator who asked can answer this."
    assert await guild_packs(world) == []


async def test_bad_files_get_one_clear_message_and_nothing_is_stored(world: World) -> None:
    sb = world.sandbox
    cases = [
        (("empty.txt", b""), "This text has 1 problem:\n- the file is empty"),
        (("scan.pdf", documents.pdf(scanned=True)), "this PDF has no text layer"),
        (("broken.pdf", b"%PDF-1.7\x00\x00\x01"), "this PDF could not be read"),
        (("locked.pdf", documents.locked_pdf()), "this PDF is protected by a password"),
        (("dvips.pdf", documents.undecodable_pdf()), "this PDF's text cannot be read: its fonts"),
        (("broken.epub", documents.broken_epub()), "this EPUB could not be read (damaged"),
        (
            ("cut.epub", documents.epub()[:3000]),
            "this EPUB is not a complete zip file: download it again",
        ),
        (
            ("menu.html", b"<html><body><nav><a href='/'>Home</a></nav><p>Hi.</p></body></html>"),
            "no usable text was found",
        ),
        (("notes.docx", b"PK\x03\x04zip"), "this is a Word file, which Roundtable cannot read"),
        (("latin.txt", "Caf\u00e9".encode("latin-1")), "line 1: the file is not UTF-8"),
        (
            ("broken.md", b"---\nroundtable: 1\ntitle: T\nfoo: bar\n---\n\n## A\n\ntext\n"),
            "This pack file has 1 problem:\n- line 4: unknown key 'foo'",
        ),
    ]
    for file, expected in cases:
        reply = await sb.slash(world.owner, "pack import", world.general, file=file)
        [message] = reply.messages
        assert message.ephemeral
        assert expected in message.content, message.content
        assert message.components == []
    assert await guild_packs(world) == []


async def test_an_oversized_attachment_is_refused_before_download(world: World) -> None:
    big = ("big.txt", b"a" * 1_000_001)
    reply = await world.sandbox.slash(world.owner, "pack import", world.general, file=big)
    assert reply.messages[0].content == "big.txt is 1,000,001 bytes; the limit is 1,000,000."
    # A PDF carries fonts and pictures: its limit is the larger one, and its text is read.
    pdf = ("big.pdf", b"%PDF-1.7\n" + b"0" * 1_000_000)
    reply = await world.sandbox.slash(world.owner, "pack import", world.general, file=pdf)
    assert "this PDF could not be read" in reply.messages[0].content


async def test_list_show_and_autocomplete(world: World) -> None:
    sb = world.sandbox
    message = await import_op_ed(world, title="Sputnik moment?")
    await sb.click(world.owner, message, sb.button(message, "Save pack"))
    listing = (await sb.slash(world.owner, "pack list", world.general)).messages[0]
    lines = listing.embeds[0]["description"].split("\n")
    assert (
        lines[0]
        == f"**Sputnik moment?** (`sputnik-moment`): 4 sections, added by <@{world.owner.id}>"
    )
    assert lines[1].startswith(
        f"**DeepSeek-R1: China's Sputnik moment?** (`{SHIPPED}`): 4 sections, ships with Roundtable"
    )
    assert not listing.pings.anyone

    shown = (await sb.slash(world.owner, "pack show", world.general, pack=SHIPPED)).messages[0]
    embed = shown.embeds[0]
    assert embed["title"] == "DeepSeek-R1: China's Sputnik moment?"
    assert embed["description"].startswith("**1. Introduction**: ")
    assert {f["name"] for f in embed["fields"]} >= {"Source", "Licence", "Stances"}

    choices = await sb.autocomplete(
        world.owner, "pack preview", world.general, focused="pack", pack="sput"
    )
    assert [c["value"] for c in choices] == ["sputnik-moment", SHIPPED]
    sections = await sb.autocomplete(
        world.owner, "pack preview", world.general, focused="section", pack=SHIPPED, section="gap"
    )
    assert sections == [{"name": "3. Closing the gap", "value": 3}]


async def test_preview_every_seed_section_posts_within_limits(world: World) -> None:
    sb = world.sandbox
    for number, title in enumerate(
        ["Introduction", "No chips for China", "Closing the gap", "AI arms race"], 1
    ):
        reply = await sb.slash(
            world.owner, "pack preview", world.general, pack=SHIPPED, section=number
        )
        messages = reply.messages
        assert all(m.ephemeral for m in messages)
        embeds = [e for m in messages for e in m.embeds]
        assert embeds[0]["title"] == title
        assert embeds[0]["footer"]["text"].endswith(f"section {number} of 4")
        assert embeds[-1]["title"] == "Questions"
        assert embeds[-1]["description"].startswith("**1.** ")
        assert "Preview: only you can see this." in embeds[-1]["description"]
        for m in messages:  # the sandbox enforces the limits; check the margin too
            total = sum(
                len(e.get("title", ""))
                + len(e.get("description", ""))
                + len(e.get("footer", {}).get("text", ""))
                for e in m.embeds
            )
            assert total <= EMBED_TOTAL_MAX
            assert not m.pings.anyone
    assert sb.messages(world.general) == []  # previews are private


async def test_preview_of_a_long_section_posts_numbered_parts(world: World) -> None:
    sb = world.sandbox
    sentence = "Moderators keep long readings moving by splitting them into parts. "
    body = (
        "---\ntitle: Long\n---\n\n## Everything\n\n"
        + "\n\n".join(sentence * 14 for _ in range(12))
        + "\n"
    )
    message = (
        await sb.slash(world.owner, "pack import", world.general, file=("long.md", body.encode()))
    ).messages[0]
    await sb.click(world.owner, message, sb.button(message, "Save pack"))
    reply = await sb.slash(world.owner, "pack preview", world.general, pack="long", section=1)
    await reply.until(lambda r: len(r.messages) == 3)
    titles = [e["title"] for m in reply.messages for e in m.embeds]
    assert titles == [
        "Everything (part 1/3)",
        "Everything (part 2/3)",
        "Everything (part 3/3)",
        "Questions",
    ]
    assert all(m.ephemeral for m in reply.messages)


async def test_preview_of_a_missing_section(world: World) -> None:
    reply = await world.sandbox.slash(
        world.owner, "pack preview", world.general, pack=SHIPPED, section=9
    )
    assert (
        reply.messages[0].content
        == "DeepSeek-R1: China's Sputnik moment? has sections 1 to 4, not 9."
    )


async def test_export_then_import_reads_back_identical(world: World) -> None:
    sb = world.sandbox
    exported = (await sb.slash(world.owner, "pack export", world.general, pack=SHIPPED)).messages[0]
    [file] = exported.attachments
    assert file.filename == f"{SHIPPED}.md"
    shipped_text = (
        Path(__file__).resolve().parents[2] / "prompts" / "packs" / "deepseek-sputnik-moment.md"
    ).read_text()
    assert file.data.decode() == shipped_text
    message = (
        await sb.slash(
            world.owner,
            "pack import",
            world.general,
            file=(file.filename, file.data),
            title="My copy",
        )
    ).messages[0]
    await sb.click(world.owner, message, sb.button(message, "Save pack"))
    copy = (await sb.slash(world.owner, "pack export", world.general, pack="my-copy")).messages[0]
    assert (
        parse_pack(copy.attachments[0].data.decode()).sections == parse_pack(shipped_text).sections
    )


async def test_importing_the_same_title_twice_is_refused(world: World) -> None:
    sb = world.sandbox
    for _ in range(2):
        message = await import_op_ed(world, title="Twice")
        reply = await sb.click(world.owner, message, sb.button(message, "Save pack"))
    assert reply.messages[0].content.startswith(
        "A pack called 'Twice' (key twice) already exists here"
    )
    assert await guild_packs(world) == ["twice"]


async def test_remove_asks_first_and_refuses_shipped_packs(world: World) -> None:
    sb = world.sandbox
    message = await import_op_ed(world, title="Gone soon")
    await sb.click(world.owner, message, sb.button(message, "Save pack"))
    refused = await sb.slash(world.owner, "pack remove", world.general, pack=SHIPPED)
    assert refused.messages[0].content == (
        "DeepSeek-R1: China's Sputnik moment? ships with Roundtable and cannot be removed."
    )
    ask = (await sb.slash(world.owner, "pack remove", world.general, pack="gone-soon")).messages[0]
    assert ask.content.startswith("Remove **Gone soon** (`gone-soon`)? This cannot be undone")
    assert await guild_packs(world) == ["gone-soon"]
    await sb.click(world.owner, ask, sb.button(ask, "Remove pack"))
    assert ask.content == "Removed **Gone soon**."
    assert await guild_packs(world) == []


async def test_members_cannot_use_pack_commands(world: World) -> None:
    sb = world.sandbox
    for command, options in [
        ("pack list", {}),
        ("pack import", {"file": ("a.txt", b"Some text long enough to import as a pack.")}),
        ("pack preview", {"pack": SHIPPED, "section": 1}),
        ("pack export", {"pack": SHIPPED}),
        ("pack remove", {"pack": SHIPPED}),
        ("pack show", {"pack": SHIPPED}),
    ]:
        reply = await sb.slash(world.member, command, world.general, **options)
        assert reply.messages[0].content.startswith("This is for moderators"), command
        assert reply.messages[0].attachments == []
    assert await guild_packs(world) == []


async def test_packs_are_per_guild(world: World) -> None:
    sb = world.sandbox
    message = await import_op_ed(world, title="Ours")
    await sb.click(world.owner, message, sb.button(message, "Save pack"))
    other = sb.guild("Other")
    other_general = sb.text_channel(other)
    await sb.gateway.drained()
    reply = await sb.slash(sb.owner(other), "pack show", other_general, pack="ours")
    assert reply.messages[0].content == "There is no pack 'ours' here: /pack list shows the packs."


async def test_with_an_llm_configured_it_writes_the_questions(llm_world: World, fake_llm) -> None:
    sb = llm_world.sandbox
    body = (
        "## One\n\nThe bans must end because they cost 6 million dollars a year.\n\n"
        "## Two\n\nThe chips were cheaper than anyone expected, the author says.\n"
    )
    reply = await sb.slash(
        llm_world.owner, "pack import", llm_world.general, file=("t.md", body.encode())
    )
    embed = reply.messages[0].embeds[0]
    assert (
        "6 questions were written (6 by the LLM) for sections that had fewer than two"
        in embed["description"]
    )
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert fields["Questions for “One”"].startswith("1. What is the strongest claim in “One”")
    assert [r["messages"][0]["content"].split("\n")[0] for r in fake_llm.requests] == [
        "Task: debate-questions"
    ] * 2


async def test_a_book_with_long_chapters_imports_with_them_split(world: World) -> None:
    from tests.fixtures.books import book

    sb = world.sandbox
    text = book([9_000, 60_000, 9_000])
    reply = await sb.slash(
        world.owner, "pack import", world.general, file=("harbour-year.txt", text.encode())
    )
    [preview] = reply.messages
    embed = preview.embeds[0]
    assert "Found 5 sections (a plain text, by numbered headings)" in embed["description"]
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    split = fields["Split: too long for one round"]
    assert split.startswith("• line ") and ": 3 rounds" in split and "Chapter II" in split
    saved = await sb.click(world.owner, preview, sb.button(preview, "Save pack"))
    assert saved.original.content.startswith("Saved **Harbour year**")
    shown = await sb.autocomplete(
        world.owner, "pack preview", world.general, focused="section", pack="harbour-year",
        section="of 3",
    )  # fmt: skip
    assert [c["name"].split(":")[0] for c in shown] == [
        "2. Chapter II", "3. Chapter II", "4. Chapter II"
    ]  # fmt: skip
    assert [c["name"].rsplit(" (", 1)[1] for c in shown] == ["1 of 3)", "2 of 3)", "3 of 3)"]


async def test_a_pdf_an_epub_and_a_web_page_import_through_the_command(world: World) -> None:
    sb = world.sandbox
    cases = [
        ("quarterly.pdf", documents.pdf(), "a PDF", "page 1, page header or footer"),
        ("reader.epub", documents.epub(), "an EPUB book", "chapter file 4, table of contents"),
        ("article.html", documents.web_page(), "a saved web page", "cookie notice"),
        ("notes.md", documents.markdown_article().encode(), "a Markdown text", "HTML comment"),
    ]
    for filename, data, kind, left_out in cases:
        reply = await sb.slash(world.owner, "pack import", world.general, file=(filename, data))
        [preview] = reply.messages
        embed = preview.embeds[0]
        assert f"sections ({kind}, by its headings" in embed["description"] or (
            f"sections ({kind}, by short heading lines" in embed["description"]
        ), embed["description"]
        fields = {f["name"]: f["value"] for f in embed["fields"]}
        assert left_out in fields["Left out (check these)"]
        [attachment] = preview.attachments
        assert attachment.data.decode().startswith("---\nroundtable: 1\n")
        saved = await sb.click(world.owner, preview, sb.button(preview, "Save pack"))
        assert saved.original.content.startswith("Saved **")
    assert sorted(await guild_packs(world)) == [
        "reading-groups-quarterly-why-groups-argue",
        "the-patient-reader",
        "why-groups-argue",
        "why-reading-groups-argue",
    ]


async def test_a_text_of_many_short_chapters_is_joined_into_rounds(world: World) -> None:
    text = "\n\n".join(
        f"CHAPTER {n}\n\nA short chapter of one paragraph, long enough to be read as prose."
        for n in range(1, 251)
    )
    reply = await world.sandbox.slash(
        world.owner, "pack import", world.general, file=("fables.txt", text.encode())
    )
    [preview] = reply.messages
    fields = {f["name"]: f["value"] for f in preview.embeds[0]["fields"]}
    joined = fields["Joined: short sections in one round"]
    assert joined.startswith("• line 1, Chapter 1 – Chapter ") and "sections in one round" in joined
    pack = parse_pack(preview.attachments[0].data.decode())
    assert len(pack.sections) <= 100
    assert pack.sections[0].text.startswith("### Chapter 1\n\nA short chapter")


async def test_a_confirm_prompt_checks_the_clicker_is_still_a_moderator(world: World) -> None:
    """Demoted between the command and the click: the click is refused, nothing removed."""
    sb = world.sandbox
    mods = sb.role(world.guild, "Moderators")
    grace = sb.member(world.guild, "Grace", roles=[mods])
    await sb.slash(world.owner, "config set", world.general, moderator_role=mods)
    message = await import_op_ed(world, title="Gone soon")
    await sb.click(world.owner, message, sb.button(message, "Save pack"))
    ask = (await sb.slash(grace, "pack remove", world.general, pack="gone-soon")).messages[0]
    await sb.slash(world.owner, "config clear", world.general, setting="moderator_role")
    click = await sb.click(grace, ask, sb.button(ask, "Remove pack"))
    assert click.messages[0].content.startswith("This is for moderators")
    assert await guild_packs(world) == ["gone-soon"]


async def test_an_upload_bigger_than_it_says_is_stopped_at_the_limit(world: World) -> None:
    """A forged attachment declares 1 KB and is 3 MB: reading stops past the 1 MB limit."""
    sb = world.sandbox
    big = b"A line of text that goes on and on.\n" * 90_000
    reply = await sb.slash(
        world.owner, "pack import", world.general, file=("forged.txt", big, 1_000)
    )
    [message] = reply.messages
    assert message.content == (
        "forged.txt is more than 1,000,000 bytes, the limit (its declared size was wrong)."
    )
    assert await guild_packs(world) == []


async def test_a_book_of_lectures_with_wrapped_headings_imports_by_its_lectures(
    world: World,
) -> None:
    """A real shape (issue #25): long lecture titles wrap onto a second line; each is still a
    section of its own, the byline gives the author and is listed as left out."""
    sb = world.sandbox
    data = documents.lectures_with_wrapped_headings().encode()
    reply = await sb.slash(world.owner, "pack import", world.general, file=("lectures.txt", data))
    [preview] = reply.messages
    embed = preview.embeds[0]
    assert embed["title"] == "Import preview: Lectures on Reading Together"
    assert "Found 6 sections (a plain text, by numbered headings)" in embed["description"]
    assert (
        "**4. IV: The Societies of Mutual Improvement and Their Rules—The Beginning"
        in (embed["description"])
    )
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert fields["Left out (check these)"] == "• line 3, byline: BY A. EXAMPLE"
    pack = parse_pack(preview.attachments[0].data.decode())
    assert pack.author == "A. Example"
    saved = await sb.click(world.owner, preview, sb.button(preview, "Save pack"))
    assert saved.original.content.startswith("Saved **Lectures on Reading Together**")
    assert await guild_packs(world) == ["lectures-on-reading-together"]


async def test_a_proposal_in_restructuredtext_imports_with_its_code_and_without_its_references(
    world: World,
) -> None:
    """A PEP (issue #25): its code samples stay whole code blocks, its `* ` lists stay text, its
    acknowledgements and references are listed as left out, its proposal is asked about."""
    sb = world.sandbox
    data = documents.proposal_in_restructuredtext().encode()
    reply = await sb.slash(world.owner, "pack import", world.general, file=("pep-9001.rst", data))
    [preview] = reply.messages
    embed = preview.embeds[0]
    assert embed["title"] == "Import preview: A shared catalogue for the reading rooms"
    assert "Found 5 sections (a reStructuredText text, by its headings" in embed["description"]
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    left = fields["Left out (check these)"]
    assert "• line 89, acknowledgements: Acknowledgements: - Ben Sample first proposed" in left
    assert "• line 100, references: References: [1] https://example.org/" in left
    pack = parse_pack(preview.attachments[0].data.decode())
    assert [s.title for s in pack.sections] == [
        "Abstract", "Rationale", "Specification", "Review", "Exemptions"
    ]  # fmt: skip
    assert "```\ndef holdings(catalogue, title):\n    # Every branch" in pack.sections[2].text
    assert (
        pack.sections[0]
        .questions[0]
        .startswith("The text says: “This proposal recommends one shared catalogue")
    )
    saved = await sb.click(world.owner, preview, sb.button(preview, "Save pack"))
    assert saved.original.content.startswith("Saved **A shared catalogue for the reading rooms**")
