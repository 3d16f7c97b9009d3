from __future__ import annotations

from datetime import UTC, datetime

from roundtable.rounds.model import Reply, RoundRecord
from storage.database import Database
from storage.privacy import Privacy, PrivacyRepository
from storage.rounds import NewRound, RoundRepository
from storage.summaries import SummaryRepository

NOW = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)


async def opened(rounds: RoundRepository, *, guild_id: int, channel_id: int) -> RoundRecord:
    new = NewRound(
        guild_id=guild_id,
        pack_id=1,
        section_number=1,
        section_title="S",
        questions=["Q?"],
        stances=["A", "B"],
        channel_id=channel_id,
        opened_by=1,
        closes_at=None,
        opened_at=NOW,
    )
    return await rounds.create(new)


async def test_defaults_and_changes(db: Database) -> None:
    repo = PrivacyRepository(db)
    assert await repo.get(1, 5) == Privacy(1, 5)
    await repo.set(1, 5, no_ai=True, exports="excluded", replies=True)
    assert await repo.get(1, 5) == Privacy(1, 5, True, "excluded")
    assert await repo.get(2, 5) == Privacy(2, 5)
    await repo.set(1, 6, no_ai=True, exports="named", replies=False)
    assert await repo.get(1, 6) == Privacy(1, 6, True, "named", replies=False)
    assert await repo.opted_out_of_ai(1) == {5, 6} and await repo.opted_out_of_ai(2) == set()


async def test_forget_is_per_guild_and_counts(db: Database, pack_id: int) -> None:
    rounds = RoundRepository(db)
    mine = await opened(rounds, guild_id=1, channel_id=9)
    theirs = await opened(rounds, guild_id=2, channel_id=8)
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
    # The tombstone is per guild and keeps the member's other choices.
    assert await PrivacyRepository(db).get(1, 5) == Privacy(1, 5, replies=False)
    assert await PrivacyRepository(db).get(2, 5) == Privacy(2, 5)


async def test_captured_replies_of_a_forgotten_member_are_not_stored(
    db: Database, pack_id: int
) -> None:
    """#27: capture and the start-up backfill both store through apply_captured."""
    rounds = RoundRepository(db)
    record = await opened(rounds, guild_id=1, channel_id=9)
    privacy = PrivacyRepository(db)
    await privacy.set(1, 6, no_ai=True, exports="excluded", replies=True)
    await privacy.forget(1, 5)

    def reply(user: int, message: int) -> Reply:
        return Reply(1, record.id, user, f"from {user}", message, None, NOW, None)

    applied = await rounds.apply_captured([reply(5, 100), reply(6, 101), reply(7, 102)])
    assert applied.added == 2
    assert [r.user_id for r in await rounds.responses(1, record.id)] == [6, 7]
    await privacy.set(1, 5, no_ai=False, exports="named", replies=True)
    assert (await rounds.apply_captured([reply(5, 103)])).added == 1


async def test_one_batch_across_servers_checks_each_round_and_member(
    db: Database, pack_id: int
) -> None:
    """#28: a batch's rounds and members are looked up once for all of them, per server: a
    member forgotten in one server is still recorded in another, and only the closed round's
    replies are left out."""
    rounds = RoundRepository(db)
    one = await opened(rounds, guild_id=1, channel_id=9)
    two = await opened(rounds, guild_id=2, channel_id=8)
    shut = await opened(rounds, guild_id=2, channel_id=7)
    await db.write(
        lambda conn: conn.execute("UPDATE rounds SET status = 'closed' WHERE id = ?", (shut.id,))
    )
    await PrivacyRepository(db).forget(1, 5)

    def reply(guild: int, record: RoundRecord, user: int, message: int) -> Reply:
        return Reply(guild, record.id, user, f"from {user}", message, None, NOW, f"N{user}")

    applied = await rounds.apply_captured(
        [reply(1, one, 5, 100), reply(2, two, 5, 101), reply(1, one, 6, 102),
         reply(2, shut, 6, 103), reply(2, two, 7, 104)]
    )  # fmt: skip
    assert applied.added == 3
    assert [r.user_id for r in await rounds.responses(1, one.id)] == [6]
    assert [r.user_id for r in await rounds.responses(2, two.id)] == [5, 7]
    assert await rounds.responses(2, shut.id) == []
    names = await db.fetch_all("SELECT guild_id, user_id, name FROM member_names ORDER BY 1, 2")
    assert [tuple(n) for n in names] == [(1, 6, "N6"), (2, 5, "N5"), (2, 7, "N7")]
