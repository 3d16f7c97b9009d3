"""Privacy (issue #14, suite 6): after /forget and after a message is deleted, what the member
wrote is absent from the database, from every later summary and from every export format."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from roundtable.exports.model import Request, Scope
from roundtable.exports.service import ExportService
from roundtable.rounds.model import Delete
from storage.database import Database
from storage.exports import ExportStorage
from tests.fixtures.discussions import ADA, CY, DEE, GUILD, fixed_round, services

ADA_SAID = ("Export controls slowed them", "Talent needs chips", "<script>", "Ada Lovelace")
DELETED = "Fair point, though the gap"


@pytest.mark.parametrize("fmt", ["md", "json", "csv", "html"])
async def test_forgotten_and_deleted_text_is_gone_everywhere(
    db: Database, tmp_path: Path, fmt: str
) -> None:
    round_id = await fixed_round(db)
    s = await services(db)
    await s.privacy.forget(GUILD, ADA)
    await s.rounds.apply_captured([Delete(GUILD, 805)])  # Dee deletes her reply in Discord
    for table in ("responses", "stances", "member_names"):
        rows = await db.fetch_all(f"SELECT * FROM {table} WHERE user_id = ?", (ADA,))  # noqa: S608
        assert rows == [], table
    assert await db.fetch_all("SELECT * FROM responses WHERE message_id = 805") == []
    edits = await db.fetch_all("SELECT content FROM response_edits")
    assert not any(DELETED in e["content"] for e in edits)  # its earlier version went with it
    assert await db.fetch_all("SELECT * FROM summaries") == []  # stored ones quoted her
    record = await s.rounds.get(GUILD, round_id)
    made = await s.summaries.make(record, engine="offline")
    shown = repr(made.summary)
    assert not any(x in shown for x in (*ADA_SAID, DELETED))
    text = await exported(db, tmp_path, round_id, fmt)
    for said in (*ADA_SAID[:2], DELETED, str(ADA)):
        assert said not in text, said
    assert str(DEE) in text or fmt in ("md", "html")  # Dee is still there


@pytest.mark.parametrize("fmt", ["md", "json", "csv", "html"])
async def test_a_reply_deleted_after_the_close_leaves_the_stored_summary(
    db: Database, tmp_path: Path, fmt: str
) -> None:
    """#27: the stored summary kept quoting a reply deleted after the close, in /summary show
    and in every export. The points citing it go; the rest of the summary stands."""
    round_id = await fixed_round(db)
    s = await services(db)
    found = await s.summaries.latest(GUILD, round_id)
    assert found is not None
    before = found[0]
    quoted = sorted(i for i in before.cited() if i > 800)  # the thread's replies it cites
    assert quoted, "the fixture's summary cites a reply"
    gone = quoted[0]
    row = await db.fetch_one("SELECT content FROM responses WHERE message_id = ?", (gone,))
    assert row is not None
    said = row["content"]
    await s.rounds.apply_captured([Delete(GUILD, gone)])  # deleted in Discord after the close
    found = await s.summaries.latest(GUILD, round_id)
    assert found is not None
    after = found[0]
    assert gone not in after.cited() and said not in repr(after)
    kept = [p for sec in after.sections for p in sec.points]
    assert kept and all(gone not in p.message_ids for p in kept)
    assert len(kept) < len([p for sec in before.sections for p in sec.points])
    # Cy, whom the summary quotes, lets exports show her again: the stored summary is used.
    await s.privacy.set(GUILD, CY, no_ai=False, exports="named")
    text = await exported(db, tmp_path, round_id, fmt)
    assert said[:40] not in text
    if fmt != "csv":  # (the CSV has no summary notes)
        assert "Points quoting messages removed since the summary was made are left out." in text


async def exported(db: Database, tmp_path: Path, round_id: int, fmt: str) -> str:
    """Everything the round's export in `fmt` holds, as text (a CSV export's files unzipped)."""
    request = Request(GUILD, Scope("round", round_id=round_id), fmt)
    files, _, _ = await ExportService(ExportStorage(db)).write(request, tmp_path)
    data = b"".join(p.read_bytes() for p in files)
    if fmt == "csv":
        with zipfile.ZipFile(files[0]) as zf:
            data = b"".join(zf.read(n) for n in zf.namelist())
    return data.decode()
