"""Members' consent choices, and deleting everything a member said in a guild."""

from __future__ import annotations

import builtins
from datetime import UTC, datetime

from roundtable.privacy.model import Forgotten, Privacy
from storage.database import Database

# The nouns are the core's (roundtable.privacy.model); named here for the repository's callers.
__all__ = ["Forgotten", "Privacy", "PrivacyRepository"]


def _now() -> str:
    return datetime.now(UTC).isoformat()


class PrivacyRepository:
    def __init__(self, db: Database):
        self._db = db

    async def get(self, guild_id: int, user_id: int) -> Privacy:
        row = await self._db.fetch_one(
            "SELECT no_ai, exports, replies FROM member_privacy WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
        )
        if row is None:
            return Privacy(guild_id, user_id)
        return Privacy(guild_id, user_id, bool(row["no_ai"]), row["exports"], bool(row["replies"]))

    async def set(
        self, guild_id: int, user_id: int, *, no_ai: bool, exports: str, replies: bool
    ) -> Privacy:
        async with self._db.transaction() as conn:
            await conn.execute(
                "INSERT INTO member_privacy "
                "(guild_id, user_id, no_ai, exports, replies, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (guild_id, user_id) DO UPDATE SET "
                "no_ai = excluded.no_ai, exports = excluded.exports, "
                "replies = excluded.replies, updated_at = excluded.updated_at",
                (guild_id, user_id, int(no_ai), exports, int(replies), _now()),
            )
        return await self.get(guild_id, user_id)

    async def opted_out_of_ai(self, guild_id: int) -> builtins.set[int]:
        rows = await self._db.fetch_all(
            "SELECT user_id FROM member_privacy WHERE guild_id = ? AND no_ai = 1", (guild_id,)
        )
        return {r["user_id"] for r in rows}

    async def forget(self, guild_id: int, user_id: int) -> Forgotten:
        """Delete all the member's answers, replies and stances in the guild, in one go."""
        async with self._db.transaction() as conn:
            async with conn.execute(
                "SELECT DISTINCT rounds.thread_id, responses.message_id FROM responses "
                "JOIN rounds ON rounds.id = responses.round_id WHERE responses.guild_id = ? "
                "AND responses.user_id = ? AND responses.kind = 'answer' "
                "AND responses.message_id IS NOT NULL AND rounds.thread_id IS NOT NULL",
                (guild_id, user_id),
            ) as cursor:
                posted = tuple((r[0], r[1]) for r in await cursor.fetchall())
            # Stored summaries may quote this member: drop them (they are made again on demand).
            await conn.execute(
                "DELETE FROM summaries WHERE round_id IN (SELECT round_id FROM responses "
                "WHERE guild_id = ? AND user_id = ?)",
                (guild_id, user_id),
            )
            counts = {}
            for kind in ("answer", "reply"):
                cursor = await conn.execute(
                    "DELETE FROM responses WHERE guild_id = ? AND user_id = ? AND kind = ?",
                    (guild_id, user_id, kind),
                )
                counts[kind] = cursor.rowcount
            cursor = await conn.execute(
                "DELETE FROM stances WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
            )
            stances = cursor.rowcount
            await conn.execute(
                "DELETE FROM member_names WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
            )
            await conn.execute(
                "DELETE FROM member_progress WHERE guild_id = ? AND user_id = ?",
                (guild_id, user_id),
            )
            # Suggested questions (a round's questions keep those approved into it) and votes.
            async with conn.execute(
                "SELECT card_channel_id, card_message_id FROM suggestions WHERE guild_id = ? "
                "AND user_id = ? AND card_message_id IS NOT NULL",
                (guild_id, user_id),
            ) as cursor:
                cards = tuple((r[0], r[1]) for r in await cursor.fetchall())
            async with conn.execute(
                "SELECT post_channel_id, post_message_id, added_as, text FROM suggestions "
                "WHERE guild_id = ? AND user_id = ? AND post_message_id IS NOT NULL",
                (guild_id, user_id),
            ) as cursor:
                follow_ups = tuple((r[0], r[1], r[2], r[3]) for r in await cursor.fetchall())
            cursor = await conn.execute(
                "DELETE FROM suggestions WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
            )
            suggestions = cursor.rowcount
            await conn.execute(
                "UPDATE suggestions SET votes = votes - 1 WHERE guild_id = ? AND id IN "
                "(SELECT suggestion_id FROM suggestion_votes WHERE user_id = ?)",
                (guild_id, user_id),
            )
            await conn.execute(
                "DELETE FROM suggestion_votes WHERE user_id = ? AND suggestion_id IN "
                "(SELECT id FROM suggestions WHERE guild_id = ?)",
                (user_id, guild_id),
            )
            # The tombstone: no content, only that their replies are not to be recorded again.
            await conn.execute(
                "INSERT INTO member_privacy (guild_id, user_id, replies, updated_at) "
                "VALUES (?, ?, 0, ?) ON CONFLICT (guild_id, user_id) DO UPDATE SET "
                "replies = 0, updated_at = excluded.updated_at",
                (guild_id, user_id, _now()),
            )
        return Forgotten(
            counts["answer"], counts["reply"], stances, posted, suggestions=suggestions,
            cards=cards, follow_ups=follow_ups,
        )  # fmt: skip
