"""Exports from a real SQLite file: golden files in every format, the JSON Schema, CSV round
trips, consent and pseudonyms, inert hostile text, digests, guild isolation, streaming in
batches, and fitting a large export within an upload limit."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import jsonschema
import pytest
from markdown_it import MarkdownIt

from roundtable.errors import UserError
from roundtable.exports import packaging
from roundtable.exports.model import Request, Scope
from roundtable.exports.service import ExportService
from storage import exports as export_storage
from storage.database import Database
from storage.exports import ExportStorage
from tests.fixtures.discussions import (
    ADA,
    BOB,
    CY,
    DEE,
    FORMULA,
    GUILD,
    HOSTILE,
    OTHER_GUILD,
    fixed_round,
    services,
)

GOLDEN = Path(__file__).parent / "golden" / "exports"
SCHEMA = json.loads(
    (Path(__file__).parents[3] / "roundtable/exports/schema/export-2.schema.json").read_text()
)
NOW = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
SECRET_NAMES = ("Cy", "Eve")
SECRET_TEXTS = ("Cy's private view", "Cy again", "Eve changed her mind", "will be deleted")
SECRET_TEXTS += ("A reason only Bob may read",)  # a rejected suggestion's


async def export(
    db: Database, tmp_path: Path, fmt: str, scope: Scope, **options
) -> dict[str, bytes]:
    """Export and return {file name: bytes}; a zip is opened into its members."""
    out = tmp_path / f"out-{fmt}-{len(list(tmp_path.iterdir()))}"
    out.mkdir()
    request = Request(options.pop("guild", GUILD), scope, fmt, **options)
    files, _, _ = await ExportService(ExportStorage(db)).write(request, out, now=NOW)
    found: dict[str, bytes] = {}
    for path in files:
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as zf:
                found.update({name: zf.read(name) for name in zf.namelist()})
        else:
            found[path.name] = path.read_bytes()
    return found


def text_of(found: dict[str, bytes]) -> str:
    return "\n".join(data.decode("utf-8-sig") for data in found.values())


def check_golden(name: str, data: bytes) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_bytes(data)
    assert path.exists(), f"no golden file {name}: run with UPDATE_GOLDEN=1 once, and read it"
    assert data == path.read_bytes(), f"{name} differs from its golden file"


@pytest.fixture
async def round_id(db: Database) -> int:
    return await fixed_round(db)


@pytest.mark.parametrize("fmt", ["md", "json", "csv", "html"])
async def test_a_fixed_round_matches_its_golden_file(
    db: Database, tmp_path: Path, round_id: int, fmt: str
) -> None:
    found = await export(db, tmp_path, fmt, Scope("round", round_id=round_id))
    if fmt == "csv":
        assert sorted(found) == [
            "edits.csv", "responses.csv", "rounds.csv", "stances.csv", "suggestions.csv",
            "summaries.csv",
        ]  # fmt: skip
    for name, data in found.items():
        suffix = name.rsplit(".", 1)[1]
        check_golden(f"round.{suffix}" if fmt != "csv" else f"round-{name}", data)


@pytest.mark.parametrize("include", ["summaries", "answers", "everything"])
@pytest.mark.parametrize("anonymise", [False, True])
async def test_json_validates_against_its_schema(
    db: Database, tmp_path: Path, round_id: int, include: str, anonymise: bool
) -> None:
    await fixed_round(db, section=3)  # two rounds: a digest
    for scope in (Scope("round", round_id=round_id), Scope("server")):
        found = await export(db, tmp_path, "json", scope, include=include, anonymise=anonymise)
        [data] = found.values()
        document = json.loads(data)
        validator = jsonschema.Draft202012Validator(
            SCHEMA, format_checker=jsonschema.FormatChecker()
        )
        assert [e.message for e in validator.iter_errors(document)] == []
        assert ("responses" in document["rounds"][0]) == (include != "summaries")
        assert ("member_stances" in document["rounds"][0]) == (include == "everything")


def test_the_schema_is_a_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


async def test_csv_round_trips_through_the_csv_module(
    db: Database, tmp_path: Path, round_id: int
) -> None:
    found = await export(db, tmp_path, "csv", Scope("round", round_id=round_id), include="answers")
    [data] = found.values()
    assert not data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))
    stored = await db.fetch_all(
        "SELECT id, content FROM responses WHERE round_id = ? AND user_id != ? ORDER BY id",
        (round_id, CY),
    )
    assert {int(r["response_id"]): r["text"] for r in rows} == {
        s["id"]: s["content"]
        .replace("<@400000000000000001>", "@Ada Lovelace")
        .replace("<@400000000000000002>", "@a member")
        for s in stored
    }
    assert HOSTILE in {r["text"] for r in rows}
    assert FORMULA in {r["text"] for r in rows}  # the faithful flavour keeps data as it was
    assert b"\r\n" in data  # RFC 4180 line ends


async def test_csv_for_excel_has_a_bom_keeps_formulas_as_text_and_ids_whole(
    db: Database, tmp_path: Path, round_id: int
) -> None:
    found = await export(
        db, tmp_path, "csv", Scope("round", round_id=round_id), include="answers", bom=True
    )
    [data] = found.values()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert "'" + FORMULA in {r["text"] for r in rows}
    assert not any(r["text"].startswith("=") for r in rows)
    # 19-digit ids as text formulas Excel keeps whole (a number would show 4E+17, digits lost).
    assert f'="{ADA}"' in {r["author_id"] for r in rows}
    assert all(r["message_id"] == "" or r["message_id"][2:-1].isdigit() for r in rows)
    assert all(r["message_id"] == "" or r["message_id"].startswith('="') for r in rows)
    plain = await export(db, tmp_path, "csv", Scope("round", round_id=round_id), include="answers")
    [plain_data] = plain.values()
    assert str(ADA) in {r["author_id"] for r in csv.DictReader(io.StringIO(plain_data.decode()))}


@pytest.mark.parametrize("fmt", ["md", "json", "csv", "html"])
async def test_consent_withdrawals_and_deletions_hold_in_every_format(
    db: Database, tmp_path: Path, round_id: int, fmt: str
) -> None:
    text = text_of(await export(db, tmp_path, fmt, Scope("round", round_id=round_id)))
    for secret in (*SECRET_TEXTS, str(CY)):
        assert secret not in text
    for name in SECRET_NAMES:
        for shown in (f"**{name}**", f"<strong>{name}</strong>", f",{name},", f'"{name}"'):
            assert shown not in text
    assert "Bob" not in text and str(BOB) not in text  # Bob chose "a member"
    assert "a member" in text
    assert "Ada Lovelace" in text
    assert (str(ADA) in text) == (fmt in ("json", "csv"))  # ids only where data sets want them


@pytest.mark.parametrize("fmt", ["md", "json", "csv", "html"])
async def test_anonymise_replaces_every_name_and_id_with_a_stable_pseudonym(
    db: Database, tmp_path: Path, round_id: int, fmt: str
) -> None:
    found = await export(db, tmp_path, fmt, Scope("round", round_id=round_id), anonymise=True)
    text = text_of(found)
    for leak in ("Lovelace", "Dee [admin", "Bob", str(ADA), str(DEE), str(BOB), "<@"):
        assert leak not in text, leak
    assert "Member 1" in text and "Member 2" in text and "Member 3" not in text
    if fmt == "json":
        [data] = found.values()
        responses = json.loads(data)["rounds"][0]["responses"]
        by_text = {r["text"]: (r["author"], r["author_id"]) for r in responses}
        ada = by_text["Export controls slowed them, briefly."]
        assert by_text[HOSTILE] == ada  # the same member, the same pseudonym
        # Ada's mention in Dee's reply names her by the same pseudonym.
        dee_reply = next(r for r in responses if r["text"].startswith("I think the chips"))
        assert dee_reply["text"].endswith(f"@{ada[0]}?")


@pytest.mark.parametrize("fmt", ["md", "json", "csv", "html"])
async def test_names_members_typed_are_replaced_like_their_mentions(
    db: Database, tmp_path: Path, round_id: int, fmt: str
) -> None:
    """#27: anonymised exports kept the names members typed (37-39 % of the messages of a
    meeting and a Q&A discussion); a named export kept those of members shown as "a member"."""
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE responses SET content = ? WHERE message_id = 805",
            ("Fair point, Ada. ada lovelace and bob agree; ask @Bob.",),
        )
    scope = Scope("round", round_id=round_id)
    text = text_of(await export(db, tmp_path, fmt, scope, anonymise=True))
    assert "Fair point, Member 1. Member 1 and a member agree; ask @a member." in text
    named = text_of(await export(db, tmp_path, fmt, scope))
    assert "Fair point, Ada. ada lovelace and a member agree; ask @a member." in named


async def test_forget_removes_a_member_from_later_exports(
    db: Database, tmp_path: Path, round_id: int
) -> None:
    s = await services(db)
    await s.privacy.forget(GUILD, ADA)
    for fmt in ("md", "json", "csv", "html"):
        text = text_of(await export(db, tmp_path, fmt, Scope("round", round_id=round_id)))
        assert "Ada Lovelace" not in text and "Export controls" not in text
        assert "@unknown member" in text or fmt == "csv"  # her mention is no longer a name


async def test_hostile_text_is_inert_in_markdown(
    db: Database, tmp_path: Path, round_id: int
) -> None:
    [data] = (await export(db, tmp_path, "md", Scope("round", round_id=round_id))).values()
    html = MarkdownIt("commonmark").enable("table").render(data.decode())
    assert "<script" not in html and "<img" not in html
    assert "evil.example" in html and 'href="https://evil.example' not in html
    assert 'href="https://x.example' not in html  # a display name's masked link
    assert "<h1>not a heading" not in html
    assert html.count("<h1>") == 1


async def test_hostile_text_is_inert_in_html(db: Database, tmp_path: Path, round_id: int) -> None:
    [data] = (await export(db, tmp_path, "html", Scope("round", round_id=round_id))).values()
    page = data.decode()
    assert "<script" not in page and "<img" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert 'href="https://evil.example' not in page
    assert "script-src" not in page and "default-src 'none'" in page  # no scripts, no fetches


async def test_a_pack_export_is_a_digest_with_stance_movement(
    db: Database, tmp_path: Path, round_id: int
) -> None:
    second = await fixed_round(db, section=3)
    scope = Scope("pack", pack_slug="deepseek-r1-chinas-sputnik-moment")
    [md] = (await export(db, tmp_path, "md", scope)).values()
    text = md.decode()
    assert "## Contents" in text
    assert f"[Round {round_id} · No chips for China](#round-{round_id})" in text
    assert f"](#round-{second})" in text
    assert "## How stances moved (opening → closing)" in text
    assert "| **All rounds** | 2 → 2 (0) | 2 → 4 (+2) | 2 → 0 (-2) |" in text
    [html] = (await export(db, tmp_path, "html", scope)).values()
    assert b"Stances across all rounds" in html and b"<h2>Contents</h2>" in html
    [summaries] = (await export(db, tmp_path, "md", scope, include="summaries")).values()
    assert "### Excerpt" not in summaries.decode() and "### Summary" in summaries.decode()


async def test_another_guilds_data_never_appears(
    db: Database, tmp_path: Path, round_id: int
) -> None:
    theirs = await fixed_round(db, guild=OTHER_GUILD, section=3)
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE responses SET content = 'OTHER GUILD SECRET' WHERE guild_id = ?",
            (OTHER_GUILD,),
        )
    pack = Scope("pack", pack_slug="deepseek-r1-chinas-sputnik-moment")
    for scope in (Scope("server"), pack, Scope("round", round_id=round_id)):
        for fmt in ("md", "json", "csv", "html"):
            text = text_of(await export(db, tmp_path, fmt, scope))
            assert "OTHER GUILD SECRET" not in text and str(OTHER_GUILD) not in text
    with pytest.raises(UserError, match=f"There is no round {theirs} on this server"):
        await export(db, tmp_path, "md", Scope("round", round_id=theirs))
    with pytest.raises(UserError, match="There is no series 1 on this server"):
        await export(db, tmp_path, "md", Scope("series", series_id=1))


async def test_dates_pick_rounds_in_the_servers_time_zone(
    db: Database, tmp_path: Path, round_id: int
) -> None:
    service = ExportService(ExportStorage(db))
    inside = await service.request(
        GUILD, scope="server", format="json", since="2026-11-30", until="2026-11-30"
    )
    files, rounds, _ = await service.write(inside, tmp_path, now=NOW)
    assert rounds == 1 and json.loads(files[0].read_text())["since"] == "2026-11-30T00:00:00Z"
    outside = await service.request(GUILD, scope="server", format="json", since="2026-12-01")
    with pytest.raises(UserError, match="There are no rounds on this server in those dates"):
        await service.write(outside, tmp_path)
    with pytest.raises(UserError, match="is not a date: write it as YYYY-MM-DD"):
        await service.request(GUILD, scope="server", format="md", since="last week")


async def test_rows_are_read_in_batches(
    db: Database, tmp_path: Path, round_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a batch of 2 the export is the same file: batches join without loss or repeat."""
    [whole] = (await export(db, tmp_path, "json", Scope("round", round_id=round_id))).values()
    monkeypatch.setattr(export_storage, "BATCH", 2)
    [batched] = (await export(db, tmp_path, "json", Scope("round", round_id=round_id))).values()
    assert batched == whole


def test_a_large_file_is_zipped_then_split_into_parts_within_the_limit(tmp_path: Path) -> None:
    original = tmp_path / "big.md"
    original.write_bytes(b"word " * 200_000)  # 1 MB, compresses well
    kept = original.read_bytes()
    files, how = packaging.fit([original], 5 * 1024 * 1024, "big")
    assert (files, how) == ([original], "as is")
    files, how = packaging.fit([original], 100_000, "big")
    assert how == "zipped" and [f.name for f in files] == ["big.zip"]
    assert files[0].stat().st_size <= 100_000
    with zipfile.ZipFile(files[0]) as zf:
        assert zf.read("big.md") == kept

    noisy = tmp_path / "noisy.json"
    raw = os.urandom(300_000)  # does not compress
    noisy.write_bytes(raw)
    files, how = packaging.fit([noisy], 100_000, "noisy")
    assert how == "parts"
    assert [f.name for f in files] == [f"noisy.zip.{n:03d}" for n in range(1, 5)]
    assert all(f.stat().st_size <= 100_000 for f in files)
    joined = tmp_path / "joined.zip"
    joined.write_bytes(b"".join(f.read_bytes() for f in files))
    with zipfile.ZipFile(joined) as zf:
        assert zf.read("noisy.json") == raw


PAYLOADS = (
    "<svg onload=alert(1)>",
    '"><script>alert(document.cookie)</script>',
    "<iframe src=javascript:alert(1)></iframe>",
    "[click](javascript:alert(1))",
    "[x](https://evil.example 'title')",
    "![img](https://evil.example/x.png)",
    "<https://evil.example/autolink>",
    "<a href='https://evil.example'>link</a>",
    "&lt;script&gt; already escaped &amp;",
    "`code` **bold** _it_ ~~strike~~ | table | cell |",
    "# heading\n- list\n1. numbered\n> quote\n---",
    "\u202eRTL override\u202c and zero\u200bwidth and emoji 🎉",
    "{{ 7*7 }} {% raw %} jinja-looking",
    "<style>body{display:none}</style>",
    "x" * 4000,
)


async def test_a_sweep_of_hostile_member_text_stays_text(db: Database, tmp_path: Path) -> None:
    s = await services(db)
    record, _ = await s.rounds.reserve(
        GUILD, pack_slug="deepseek-r1-chinas-sputnik-moment", section=1, channel_id=100,
        closes_in=None, by=9,
    )  # fmt: skip
    await s.rounds.posted(record, thread_id=999999999999999999, posts=[(100, 1)])
    for n, payload in enumerate(PAYLOADS):
        await s.rounds.answer(
            GUILD, record.id, 500 + n, {1: payload}, name=f"<b>Name {n}</b> [x](https://e.x)"
        )
    scope = Scope("round", round_id=record.id)
    [page] = (await export(db, tmp_path, "html", scope)).values()
    html = page.decode()
    for tag in ("<svg onload", "<script", "<iframe", "<style>body", "<a href='", "<b>", "<img"):
        assert tag not in html, tag
    assert "{{ 7*7 }}" in html  # Jinja never evaluates member text
    assert all(
        h.startswith("https://discord.com/channels/") or h.startswith("#")
        for h in re.findall(r'href="([^"]*)"', html)
    )
    [md] = (await export(db, tmp_path, "md", scope)).values()
    rendered = MarkdownIt("commonmark").render(md.decode())
    for tag in ("<svg", "<script", "<iframe", "<style", "<b>", "<img", "<h1>heading", "<ol"):
        assert tag not in rendered, tag
    assert rendered.count("<hr") == 1  # ours, before the round; the member's --- is text
    links = re.findall(r'href="([^"]*)"', rendered)
    assert all(h.startswith(("https://discord.com/channels/", "#round-")) for h in links), links


async def test_the_html_report_names_the_server_and_marks_open_rounds(
    db: Database, tmp_path: Path, round_id: int
) -> None:
    from roundtable.exports.model import shown_time
    from tests.fixtures.discussions import SHIPPED, services

    s = await services(db)
    still_open, _ = await s.rounds.reserve(
        GUILD, pack_slug=SHIPPED, section=3, channel_id=100, closes_in="2d", by=9
    )
    assert still_open.closes_at is not None
    found = await export(db, tmp_path, "html", Scope("server"), server_name="Reading Group")
    [page] = found.values()
    html = page.decode()
    title = "Reading Group · DeepSeek-R1: China&#39;s Sputnik moment?: 2 rounds"
    assert f"<title>{title}</title>" in html and f"<h1>{title}</h1>" in html
    # The open round says so, with its closing time; the closed one once, with its own.
    assert f"open, closes {shown_time(still_open.closes_at)}" in html
    assert '<span class="badge">open</span>' in html
    assert html.count("closed 2026-11-30 20:00 UTC") == 2  # in the contents and its header
    assert "· closed ·" not in html  # the old header said "closed" twice
    assert "No summary yet: it is written when the round closes." in html
    assert "Nobody took a stance yet." in html
    # Without the server's name (the command line), the title says what the export is.
    [plain] = (await export(db, tmp_path, "html", Scope("server"))).values()
    assert "<title>DeepSeek-R1: China&#39;s Sputnik moment?: 2 rounds</title>" in plain.decode()
