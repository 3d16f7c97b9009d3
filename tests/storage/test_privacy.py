from __future__ import annotations

from datetime import UTC, datetime

from storage.database import Database
from storage.privacy import Privacy, PrivacyRepository
from storage.rounds import NewRound, RoundRepository
from storage.summaries import SummaryRepository

NOW = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)


async def test_defaults_and_changes(db: Database) -> None:
    repo = PrivacyRepository(db)
    assert await repo.get(1, 5) == Privacy(1, 5)
    await repo.set(1, 5, no_ai=True, exports="excluded")
    assert await repo.get(1, 5) == Privacy(1, 5, True, "excluded")
    assert await repo.get(2, 5) == Privacy(2, 5)
    await repo.set(1, 6, no_ai=True, exports="named")
    assert await repo.opted_out_of_ai(1) == {5, 6} and await repo.opted_out_of_ai(2) == set()


async def test_forget_is_per_guild_and_counts(db: Database, pack_id: int) -> None:
    rounds = RoundRepository(db)
    mine = await rounds.create(
        NewRound(
            guild_id=1,
            pack_id=1,
            section_number=1,
            section_title="S",
            questions=["Q?"],
            stances=["A", "B"],
            channel_id=9,
            opened_by=1,
            closes_at=None,
            opened_at=NOW,
        )
    )
    theirs = await rounds.create(
        NewRound(
            guild_id=2,
            pack_id=1,
            section_number=1,
            section_title="S",
            questions=["Q?"],
            stances=["A", "B"],
            channel_id=8,
            opened_by=1,
            closes_at=None,
            opened_at=NOW,
        )
    )
    await rounds.save_answers(1, mine.id, 5, {1: "answer"})
    await rounds.set_stance(1, mine.id, 5, "A")
    await rounds.save_answers(2, theirs.id, 5, {1: "elsewhere"})
    summaries = SummaryRepository(db)
    for guild, record in ((1, mine), (2, theirs)):
        await summaries.add(
            guild,
            record.id,
            engine="offline",
            content_hash="h",
            body={"quote": "answer"},
            prompt_tokens=0,
            completion_tokens=0,
            by=None,
        )
    gone = await PrivacyRepository(db).forget(1, 5)
    assert await summaries.latest(1, mine.id) is None  # it quoted the member
    assert await summaries.latest(2, theirs.id) is not None
    assert (gone.answers, gone.replies, gone.stances, gone.total) == (1, 0, 1, 2)
    assert [r.content for r in await rounds.responses(2, theirs.id)] == ["elsewhere"]
