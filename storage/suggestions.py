"""Suggested questions and their votes (migration 016), and approving one into its round."""

from __future__ import annotations

import json
from datetime import datetime

from roundtable.suggestions.model import Approved, NewSuggestion, Suggestion
from storage.connection import Row
from storage.database import Database

__all__ = ["SuggestionRepository"]

_COLUMNS = (
    "id, guild_id, user_id, name, text, pack_id, section_number, round_id, status, votes, "
    "created_at, decided_by, decided_at, reason, added_as, card_channel_id, card_message_id"
)

_SELECT = "SELECT " + _COLUMNS + " FROM suggestions "  # noqa: S608 (constants)
_RETURNING = " RETURNING " + _COLUMNS


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _suggestion(row: Row) -> Suggestion:
    card = (row["card_channel_id"], row["card_message_id"]) if row["card_message_id"] else None
    created = _time(row["created_at"])
    assert created is not None
    return Suggestion(
        id=row["id"],
        guild_id=row["guild_id"],
        user_id=row["user_id"],
        name=row["name"],
        text=row["text"],
        pack_id=row["pack_id"],
        section_number=row["section_number"],
        round_id=row["round_id"],
        status=row["status"],
        votes=row["votes"],
        created_at=created,
        decided_by=row["decided_by"],
        decided_at=_time(row["decided_at"]),
        reason=row["reason"],
        added_as=row["added_as"],
        card=card,
    )


class SuggestionRepository:
    def __init__(self, db: Database):
        self._db = db

    async def add(self, new: NewSuggestion, *, since: datetime, most: int) -> Suggestion | None:
        async with self._db.transaction() as conn:
            async with conn.execute(
                "SELECT count(*) FROM suggestions WHERE guild_id = ? AND user_id = ? "
                "AND created_at > ?",
                (new.guild_id, new.user_id, since.isoformat()),
            ) as cursor:
                found = await cursor.fetchone()
            if found is not None and found[0] >= most:
                return None
            async with conn.execute(
                "INSERT INTO suggestions (guild_id, user_id, name, text, pack_id, section_number, "  # noqa: S608 (constants)
                "round_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)" + _RETURNING,
                (new.guild_id, new.user_id, new.name, new.text, new.pack_id,
                 new.section_number, new.round_id, new.created_at.isoformat()),
            ) as cursor:  # fmt: skip
                row = await cursor.fetchone()
        assert row is not None
        return _suggestion(row)

    async def get(self, guild_id: int, suggestion_id: int) -> Suggestion | None:
        row = await self._db.fetch_one(
            _SELECT + "WHERE id = ? AND guild_id = ?",
            (suggestion_id, guild_id),
        )
        return _suggestion(row) if row else None

    async def made_since(self, guild_id: int, user_id: int, since: datetime) -> list[Suggestion]:
        rows = await self._db.fetch_all(
            _SELECT + "WHERE guild_id = ? AND user_id = ? "
            "AND created_at > ? ORDER BY created_at, id",
            (guild_id, user_id, since.isoformat()),
        )
        return [_suggestion(r) for r in rows]

    async def pending(self, guild_id: int, *, limit: int, offset: int = 0) -> list[Suggestion]:
        rows = await self._db.fetch_all(
            _SELECT + "WHERE guild_id = ? AND status = 'pending' "
            "ORDER BY votes DESC, id LIMIT ? OFFSET ?",
            (guild_id, limit, offset),
        )
        return [_suggestion(r) for r in rows]

    async def count_pending(self, guild_id: int) -> int:
        row = await self._db.fetch_one(
            "SELECT count(*) AS n FROM suggestions WHERE guild_id = ? AND status = 'pending'",
            (guild_id,),
        )
        return int(row["n"]) if row else 0

    async def for_section(
        self, guild_id: int, pack_id: int, section_number: int
    ) -> list[Suggestion]:
        rows = await self._db.fetch_all(
            _SELECT + "WHERE guild_id = ? AND pack_id = ? "
            "AND section_number = ? AND status IN ('pending', 'approved') ORDER BY id",
            (guild_id, pack_id, section_number),
        )
        return [_suggestion(r) for r in rows]

    async def mine(self, guild_id: int, user_id: int, *, limit: int) -> list[Suggestion]:
        rows = await self._db.fetch_all(
            _SELECT + "WHERE guild_id = ? AND user_id = ? "
            "ORDER BY created_at DESC, id DESC LIMIT ?",
            (guild_id, user_id, limit),
        )
        return [_suggestion(r) for r in rows]

    async def vote(self, guild_id: int, suggestion_id: int, user_id: int) -> Suggestion | None:
        async with self._db.transaction() as conn:
            async with conn.execute(
                "SELECT status FROM suggestions WHERE id = ? AND guild_id = ?",
                (suggestion_id, guild_id),
            ) as cursor:
                found = await cursor.fetchone()
            if found is None or found[0] != "pending":
                return None
            cursor = await conn.execute(
                "DELETE FROM suggestion_votes WHERE suggestion_id = ? AND user_id = ?",
                (suggestion_id, user_id),
            )
            if cursor.rowcount == 0:
                await conn.execute(
                    "INSERT INTO suggestion_votes (suggestion_id, user_id) VALUES (?, ?)",
                    (suggestion_id, user_id),
                )
            async with conn.execute(
                "UPDATE suggestions SET votes = (SELECT count(*) FROM suggestion_votes "  # noqa: S608 (constants)
                "WHERE suggestion_id = ?) WHERE id = ?" + _RETURNING,
                (suggestion_id, suggestion_id),
            ) as cursor:
                row = await cursor.fetchone()
        assert row is not None
        return _suggestion(row)

    async def edit(self, guild_id: int, suggestion_id: int, text: str) -> Suggestion | None:
        async with self._db.transaction() as conn:
            async with conn.execute(
                "UPDATE suggestions SET text = ? WHERE id = ? AND guild_id = ? "  # noqa: S608 (constants)
                "AND status = 'pending'" + _RETURNING,
                (text, suggestion_id, guild_id),
            ) as cursor:
                row = await cursor.fetchone()
        return _suggestion(row) if row else None

    async def approve(
        self, guild_id: int, suggestion_id: int, *, by: int, now: datetime, most_questions: int
    ) -> Approved | None:
        async with self._db.transaction() as conn:
            async with conn.execute(
                "SELECT status, round_id, text FROM suggestions WHERE id = ? AND guild_id = ?",
                (suggestion_id, guild_id),
            ) as cursor:
                found = await cursor.fetchone()
            if found is None or found[0] != "pending":
                return None
            round_id, text = found[1], found[2]
            number = thread_id = None
            full = False
            if round_id is not None:
                async with conn.execute(
                    "SELECT questions, thread_id FROM rounds WHERE id = ? AND guild_id = ? "
                    "AND status = 'open'",
                    (round_id, guild_id),
                ) as cursor:
                    open_round = await cursor.fetchone()
                if open_round is not None:
                    questions = json.loads(open_round[0])
                    if len(questions) < most_questions:
                        questions.append(text)
                        await conn.execute(
                            "UPDATE rounds SET questions = ? WHERE id = ?",
                            (json.dumps(questions), round_id),
                        )
                        number, thread_id = len(questions), open_round[1]
                    else:
                        full = True
            async with conn.execute(
                "UPDATE suggestions SET status = 'approved', decided_by = ?, decided_at = ?, "  # noqa: S608 (constants)
                "added_as = ? WHERE id = ?" + _RETURNING,
                (by, now.isoformat(), number, suggestion_id),
            ) as cursor:
                row = await cursor.fetchone()
        assert row is not None
        return Approved(_suggestion(row), number, thread_id, full)

    async def reject(
        self, guild_id: int, suggestion_id: int, *, by: int, now: datetime, reason: str | None
    ) -> Suggestion | None:
        async with self._db.transaction() as conn:
            async with conn.execute(
                "UPDATE suggestions SET status = 'rejected', decided_by = ?, decided_at = ?, "  # noqa: S608 (constants)
                "reason = ? WHERE id = ? AND guild_id = ? AND status = 'pending'" + _RETURNING,
                (by, now.isoformat(), reason, suggestion_id, guild_id),
            ) as cursor:
                row = await cursor.fetchone()
        return _suggestion(row) if row else None

    async def set_post(self, suggestion_id: int, channel_id: int, message_id: int) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE suggestions SET post_channel_id = ?, post_message_id = ? WHERE id = ?",
                (channel_id, message_id, suggestion_id),
            )

    async def set_card(self, suggestion_id: int, channel_id: int, message_id: int) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE suggestions SET card_channel_id = ?, card_message_id = ? WHERE id = ?",
                (channel_id, message_id, suggestion_id),
            )
