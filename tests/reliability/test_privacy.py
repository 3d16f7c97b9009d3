"""Privacy (issue #14, suite 6): after /forget and after a message is deleted, what the member
wrote is absent from the database, from every later summary and from every export format."""

from __future__ import annotations

from pathlib import Path

import pytest

from roundtable.exports.model import Request, Scope
from roundtable.exports.service import ExportService
from roundtable.rounds.model import Delete
from storage.database import Database
from storage.exports import ExportStorage
from tests.fixtures.discussions import ADA, DEE, GUILD, fixed_round, services

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
    request = Request(GUILD, Scope("round", round_id=round_id), fmt)
    files, _, _ = await ExportService(ExportStorage(db)).write(request, tmp_path)
    data = b"".join(p.read_bytes() for p in files)
    if fmt == "csv":
        import zipfile

        with zipfile.ZipFile(files[0]) as zf:
            data = b"".join(zf.read(n) for n in zf.namelist())
    text = data.decode()
    for said in (*ADA_SAID[:2], DELETED, str(ADA)):
        assert said not in text, said
    assert str(DEE) in text or fmt in ("md", "html")  # Dee is still there
