"""What exports read: one guild's rounds, responses, stances and edits, streamed in batches.

An export reads from its own read-only connection inside one read transaction, so everything it
writes comes from a single snapshot of the database (a reply stored mid-export is either in it
or not, never half) and the bot's own reads never wait behind it. Rows come in batches of
`BATCH` through `fetchmany`, so memory does not grow with the size of the export.

Consent is applied here, at the lowest level: rows of members who chose to be left out of
exports are never read, and every row carries the author's stored name and export choice.
Every query is scoped to the guild the export is for.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import datetime
from typing import Any

from roundtable.exports.model import (
    Author,
    EditRow,
    ResponseRow,
    RoundRow,
    RoundTotals,
    StanceRow,
    SuggestionRow,
)
from roundtable.guild_config.model import GuildSettings
from roundtable.packs.model import PackRecord
from roundtable.series.model import SeriesRecord
from storage.connection import Row, when
from storage.database import Database, Snapshot
from storage.guild_settings import GuildSettingsRepository
from storage.packs import PackRepository
from storage.series import SeriesRepository

BATCH = 2000


def _author(row: Row, prefix: str = "") -> Author:
    return Author(row[prefix + "user_id"], row[prefix + "name"], row[prefix + "choice"])


class ExportReader:
    """Open with `async with ExportReader.open(db) as reader:`; one snapshot throughout."""

    def __init__(self, snapshot: Snapshot):
        self._snapshot = snapshot

    @classmethod
    @asynccontextmanager
    async def open(cls, db: Database) -> AsyncIterator[ExportReader]:
        async with db.snapshot() as snapshot:
            yield cls(snapshot)

    async def _all(self, sql: str, params: Iterable[Any]) -> list[Row]:
        return await self._snapshot.all(sql, params)

    def _batches(self, sql: str, params: Iterable[Any]) -> AsyncIterator[list[tuple[Any, ...]]]:
        return self._snapshot.batches(sql, params, BATCH)

    # -- rounds -------------------------------------------------------------------------------

    async def guilds(self) -> list[int]:
        """Every server that has rounds (the CLI's --guild may be left out when there is one)."""
        rows = await self._all("SELECT DISTINCT guild_id FROM rounds ORDER BY guild_id", ())
        return [row[0] for row in rows]

    async def rounds(
        self,
        guild_id: int,
        *,
        round_id: int | None = None,
        pack_id: int | None = None,
        series_id: int | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[RoundRow]:
        """The guild's rounds (never cancelled ones) in the scope, oldest first."""
        rows = await self._all(
            "SELECT r.id, r.pack_id, k.slug, k.title AS pack_title, r.section_number, "
            "r.section_title, r.questions, r.stances, r.channel_id, r.thread_id, r.status, "
            "r.opened_at, r.closed_at, r.series_id, r.closes_at "
            "FROM rounds r JOIN packs k ON k.id = r.pack_id "
            "WHERE r.guild_id = ? AND r.status != 'cancelled' "
            "AND (CAST(? AS BIGINT) IS NULL OR r.id = ?) "
            "AND (CAST(? AS BIGINT) IS NULL OR r.pack_id = ?) "
            "AND (CAST(? AS BIGINT) IS NULL OR r.series_id = ?) "
            "AND (CAST(? AS TEXT) IS NULL OR r.opened_at >= ?) "
            "AND (CAST(? AS TEXT) IS NULL OR r.opened_at < ?) "
            "ORDER BY r.opened_at, r.id",
            (
                guild_id,
                round_id,
                round_id,
                pack_id,
                pack_id,
                series_id,
                series_id,
                *(2 * [since.isoformat() if since else None]),
                *(2 * [until.isoformat() if until else None]),
            ),
        )
        return [
            RoundRow(
                id=r["id"],
                pack_id=r["pack_id"],
                pack_slug=r["slug"],
                pack_title=r["pack_title"],
                section_number=r["section_number"],
                section_title=r["section_title"],
                questions=tuple(json.loads(r["questions"])),
                stances=tuple(json.loads(r["stances"])),
                channel_id=r["channel_id"],
                thread_id=r["thread_id"],
                status=r["status"],
                opened_at=datetime.fromisoformat(r["opened_at"]),
                closed_at=when(r["closed_at"]),
                series_id=r["series_id"],
                closes_at=when(r["closes_at"]),
            )
            for r in rows
        ]

    async def pack_body(self, guild_id: int, pack_id: int) -> str | None:
        """The pack file of one of the guild's rounds (its own pack or a shipped one)."""
        rows = await self._all(
            "SELECT body FROM packs WHERE id = ? AND (guild_id = ? OR guild_id IS NULL)",
            (pack_id, guild_id),
        )
        return rows[0]["body"] if rows else None

    async def totals(self, guild_id: int, round_id: int) -> RoundTotals:
        """Participation and stance counts of the members an export may show."""
        writers = await self._all(
            "SELECT r.user_id, COUNT(*) FILTER (WHERE r.kind = 'answer') AS answers, "
            "COUNT(*) FILTER (WHERE r.kind = 'reply') AS replies "
            "FROM responses r "
            "LEFT JOIN member_privacy p ON p.guild_id = r.guild_id AND p.user_id = r.user_id "
            # `+`: search by round (a few rows), not by guild in user order (every row).
            "WHERE +r.guild_id = ? AND r.round_id = ? "
            "AND COALESCE(p.exports, 'named') != 'excluded' GROUP BY r.user_id",
            (guild_id, round_id),
        )
        stances = await self._all(
            "SELECT s.user_id, s.opening, COALESCE(s.closing, s.current) AS closing "
            "FROM stances s "
            "LEFT JOIN member_privacy p ON p.guild_id = s.guild_id AND p.user_id = s.user_id "
            "WHERE s.guild_id = ? AND s.round_id = ? "
            "AND COALESCE(p.exports, 'named') != 'excluded'",
            (guild_id, round_id),
        )
        members = {r["user_id"] for r in writers} | {s["user_id"] for s in stances}
        tally: dict[str, tuple[int, int]] = {}
        for s in stances:
            o = tally.get(s["opening"], (0, 0))
            tally[s["opening"]] = (o[0] + 1, o[1])
            c = tally.get(s["closing"], (0, 0))
            tally[s["closing"]] = (c[0], c[1] + 1)
        answers = sum(r["answers"] for r in writers)
        replies = sum(r["replies"] for r in writers)
        return RoundTotals(len(members), answers, replies, tally)

    async def count_responses(self, guild_id: int, round_ids: Iterable[int]) -> int:
        rows = await self._all(
            "SELECT COUNT(*) FROM responses WHERE guild_id = ? "
            "AND round_id IN (SELECT ids.value FROM json_each(?) AS ids)",
            (guild_id, json.dumps(list(round_ids))),
        )
        return int(rows[0][0])

    # -- what members said --------------------------------------------------------------------

    async def responses(
        self, guild_id: int, round_id: int, *, kind: str, question: int | None = None
    ) -> AsyncIterator[list[ResponseRow]]:
        """One question's answers (`kind="answer"`, `question=n`) or the replies
        (`kind="reply"`) of a round, in batches, in the order they were stored (the index on
        round, kind, question and id serves both the search and the order)."""
        sql = (
            "SELECT x.*, rn.name AS to_name, COALESCE(rp.exports, 'named') AS to_choice FROM ("
            "SELECT r.id, r.guild_id, r.kind, r.question, r.user_id, n.name, "
            "COALESCE(p.exports, 'named') AS choice, r.content, r.message_id, r.created_at, "
            "r.edited_at, r.reply_to_id, (SELECT t.user_id FROM responses t "
            "WHERE t.round_id = r.round_id AND t.message_id = r.reply_to_id LIMIT 1) AS to_user "
            "FROM responses r "
            "LEFT JOIN member_names n ON n.guild_id = r.guild_id AND n.user_id = r.user_id "
            "LEFT JOIN member_privacy p ON p.guild_id = r.guild_id AND p.user_id = r.user_id "
            "WHERE r.round_id = ? AND r.kind = ? AND r.question IS NOT DISTINCT FROM ? "
            "AND r.guild_id = ? "
            "AND COALESCE(p.exports, 'named') != 'excluded') x "
            "LEFT JOIN member_names rn ON rn.guild_id = x.guild_id AND rn.user_id = x.to_user "
            "LEFT JOIN member_privacy rp ON rp.guild_id = x.guild_id AND rp.user_id = x.to_user "
            "ORDER BY x.id"
        )
        params = (round_id, kind, question, guild_id)
        async for rows in self._batches(sql, params):
            # x.*: id, guild_id, kind, question, user_id, name, choice, content, message_id,
            # created_at, edited_at, reply_to_id, to_user; then to_name, to_choice.
            yield [
                ResponseRow(
                    id=r[0],
                    kind=r[2],
                    question=r[3],
                    author=Author(r[4], r[5], r[6]),
                    content=r[7],
                    message_id=r[8],
                    created_at=r[9],
                    edited_at=r[10],
                    reply_to_message=r[11],
                    reply_to=Author(r[12], r[13], r[14]) if r[12] is not None else None,
                )
                for r in rows
            ]

    async def stances(self, guild_id: int, round_id: int) -> AsyncIterator[list[StanceRow]]:
        sql = (
            "SELECT s.user_id, n.name, COALESCE(p.exports, 'named') AS choice, s.opening, "
            "COALESCE(s.closing, s.current) AS closing, s.changes FROM stances s "
            "LEFT JOIN member_names n ON n.guild_id = s.guild_id AND n.user_id = s.user_id "
            "LEFT JOIN member_privacy p ON p.guild_id = s.guild_id AND p.user_id = s.user_id "
            "WHERE s.guild_id = ? AND s.round_id = ? "
            "AND COALESCE(p.exports, 'named') != 'excluded' "
            "ORDER BY s.updated_at"
        )
        async for rows in self._batches(sql, (guild_id, round_id)):
            yield [StanceRow(Author(r[0], r[1], r[2]), r[3], r[4], r[5]) for r in rows]

    async def suggestions(self, guild_id: int, round_id: int) -> list[SuggestionRow]:
        """Questions suggested in the round, oldest first; a rejection's reason is left out
        (its author's only), and so are members who chose to be left out of exports."""
        rows = await self._all(
            "SELECT g.id, g.user_id, COALESCE(n.name, g.name) AS name, "
            "COALESCE(p.exports, 'named') AS choice, g.text, g.status, g.votes, g.added_as, "
            "g.created_at, g.decided_at FROM suggestions g "
            "LEFT JOIN member_names n ON n.guild_id = g.guild_id AND n.user_id = g.user_id "
            "LEFT JOIN member_privacy p ON p.guild_id = g.guild_id AND p.user_id = g.user_id "
            "WHERE g.guild_id = ? AND g.round_id = ? "
            "AND COALESCE(p.exports, 'named') != 'excluded' ORDER BY g.id",
            (guild_id, round_id),
        )
        return [
            SuggestionRow(
                r["id"], Author(r["user_id"], r["name"], r["choice"]), r["text"], r["status"],
                r["votes"], r["added_as"], datetime.fromisoformat(r["created_at"]),
                datetime.fromisoformat(r["decided_at"]) if r["decided_at"] else None,
            )
            for r in rows
        ]  # fmt: skip

    async def edits(self, guild_id: int, round_id: int) -> AsyncIterator[list[EditRow]]:
        """Earlier versions of the round's edited responses (of members an export may show)."""
        sql = (
            "SELECT e.response_id, r.kind, r.question, r.user_id, n.name, "
            "COALESCE(p.exports, 'named') AS choice, e.content, e.replaced_at "
            "FROM response_edits e "
            "JOIN responses r ON r.id = e.response_id "
            "LEFT JOIN member_names n ON n.guild_id = r.guild_id AND n.user_id = r.user_id "
            "LEFT JOIN member_privacy p ON p.guild_id = r.guild_id AND p.user_id = r.user_id "
            "WHERE r.guild_id = ? AND r.round_id = ? "
            "AND COALESCE(p.exports, 'named') != 'excluded' "
            "ORDER BY e.response_id, e.rowid"
        )
        async for rows in self._batches(sql, (guild_id, round_id)):
            yield [
                EditRow(
                    r[0], r[1], r[2], Author(r[3], r[4], r[5]), r[6], datetime.fromisoformat(r[7])
                )
                for r in rows
            ]

    async def authors(self, guild_id: int, user_ids: Iterable[int]) -> dict[int, Author]:
        """Names and export choices of members mentioned in what others wrote."""
        ids = sorted(set(user_ids))[:500]
        if not ids:
            return {}
        rows = await self._all(
            "SELECT u.value AS user_id, n.name, COALESCE(p.exports, 'named') AS choice "
            "FROM json_each(?) AS u LEFT JOIN member_names n ON n.guild_id = ? AND n.user_id = "
            "u.value LEFT JOIN member_privacy p ON p.guild_id = ? AND p.user_id = u.value",
            (json.dumps(ids), guild_id, guild_id),
        )
        return {r["user_id"]: _author(r) for r in rows}

    async def known_members(self, guild_id: int) -> dict[int, Author]:
        """Every member of the server whose display name the bot keeps, with their export
        choice: the names members may type in text."""
        rows = await self._all(
            "SELECT n.user_id, n.name, COALESCE(p.exports, 'named') AS choice "
            "FROM member_names n LEFT JOIN member_privacy p ON p.guild_id = n.guild_id "
            "AND p.user_id = n.user_id WHERE n.guild_id = ? ORDER BY n.user_id LIMIT 20000",
            (guild_id,),
        )
        return {r["user_id"]: _author(r) for r in rows}

    async def excluded_messages(self, guild_id: int, round_id: int) -> set[int]:
        """The ids a summary cites for what members now left out of exports said (a posted
        message's id, or the negative stored id of an answer whose card was never posted)."""
        rows = await self._all(
            "SELECT COALESCE(r.message_id, -r.id) AS cited FROM responses r "
            "JOIN member_privacy p ON p.guild_id = r.guild_id AND p.user_id = r.user_id "
            "WHERE r.guild_id = ? AND r.round_id = ? AND p.exports = 'excluded'",
            (guild_id, round_id),
        )
        return {r["cited"] for r in rows}

    async def present_messages(self, guild_id: int, round_id: int) -> set[int]:
        """The ids a summary may cite for what the round still has (deleted replies and
        withdrawn answers are gone from it)."""
        rows = await self._all(
            "SELECT COALESCE(message_id, -id) AS cited FROM responses "
            "WHERE guild_id = ? AND round_id = ?",
            (guild_id, round_id),
        )
        return {r["cited"] for r in rows}

    async def summary(self, guild_id: int, round_id: int) -> dict[str, Any] | None:
        """The round's latest stored summary (Summary JSON), if any."""
        rows = await self._all(
            "SELECT body FROM summaries WHERE guild_id = ? AND round_id = ? "
            "ORDER BY id DESC LIMIT 1",
            (guild_id, round_id),
        )
        return json.loads(rows[0]["body"]) if rows else None


class ExportStorage:
    """The export service's store (roundtable.exports.store.ExportStore): one snapshot of the
    database for the rows, and the few records an export request is checked against."""

    def __init__(self, db: Database):
        self._db = db
        self._packs = PackRepository(db)
        self._series = SeriesRepository(db)
        self._settings = GuildSettingsRepository(db)

    def snapshot(self) -> AbstractAsyncContextManager[ExportReader]:
        return ExportReader.open(self._db)

    async def settings(self, guild_id: int) -> GuildSettings:
        return await self._settings.get(guild_id)

    async def pack(self, guild_id: int, slug: str) -> PackRecord | None:
        return await self._packs.get(guild_id, slug)

    async def series(self, guild_id: int, series_id: int) -> SeriesRecord | None:
        return await self._series.get(guild_id, series_id)
