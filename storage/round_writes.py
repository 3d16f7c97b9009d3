"""The writes members cause, as jobs for the writer thread (`Database.write`).

Each job runs inside the writer's transaction, on the writer's connection
(storage/connection.py), and returns rows (the repository turns them into records): no second
round trip to read back what was written.
Captured thread events come in batches (`apply_captured`): one job, one commit, for hundreds.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from roundtable.rounds.model import Applied, Captured, Edit, Reply, RoundNotOpen
from storage.connection import Connection, Row

RESPONSE_SELECT = (
    "SELECT id, round_id, user_id, kind, question, content, message_id, reply_to_id, "
    "created_at, edited_at FROM responses "
)
STANCE_COLUMNS = "round_id, user_id, opening, current, closing, changes"


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


_NAME_UPSERT = (
    "INSERT INTO member_names (guild_id, user_id, name, updated_at) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (guild_id, user_id) DO UPDATE SET name = excluded.name, "
    "updated_at = excluded.updated_at WHERE member_names.name != excluded.name"
)


def remember_name(conn: Connection, guild_id: int, user_id: int, name: str | None) -> None:
    """Keep the member's display name for exports (inside the caller's transaction)."""
    remember_names(conn, {(guild_id, user_id): name})


def remember_names(conn: Connection, names: dict[tuple[int, int], str | None]) -> None:
    """Several members' display names, (guild, user) -> name, in one statement."""
    now = now_iso()
    rows = [(g, u, n.strip()[:100], now) for (g, u), n in names.items() if n and n.strip()]
    if rows:
        conn.executemany(_NAME_UPSERT, rows)


def require_open(conn: Connection, guild_id: int, round_id: int) -> None:
    row = conn.execute(
        "SELECT status FROM rounds WHERE id = ? AND guild_id = ?", (round_id, guild_id)
    ).fetchone()
    if row is None or row["status"] != "open":
        raise RoundNotOpen(round_id)


def answers_of(conn: Connection, guild_id: int, round_id: int, user_id: int) -> list[Row]:
    return conn.execute(
        RESPONSE_SELECT + "WHERE guild_id = ? AND round_id = ? AND user_id = ? "
        "AND kind = 'answer' ORDER BY question",
        (guild_id, round_id, user_id),
    ).fetchall()


def save_answers(
    conn: Connection,
    guild_id: int,
    round_id: int,
    user_id: int,
    answers: dict[int, str],
    name: str | None,
) -> list[Row]:
    """Insert or replace the member's answers (earlier texts kept as history)."""
    now = now_iso()
    require_open(conn, guild_id, round_id)
    remember_name(conn, guild_id, user_id, name)
    for question, content in sorted(answers.items()):
        old = conn.execute(
            "SELECT id, content FROM responses WHERE round_id = ? AND user_id = ? "
            "AND kind = 'answer' AND question = ?",
            (round_id, user_id, question),
        ).fetchone()
        if old is None:
            conn.execute(
                "INSERT INTO responses (round_id, guild_id, user_id, kind, question, content, "
                "created_at) VALUES (?, ?, ?, 'answer', ?, ?, ?)",
                (round_id, guild_id, user_id, question, content, now),
            )
        elif old["content"] != content:
            _replace_content(conn, old["id"], old["content"], content, now)
    return answers_of(conn, guild_id, round_id, user_id)


def _replace_content(conn: Connection, response_id: int, old: str, new: str, now: str) -> None:
    conn.execute(
        "INSERT INTO response_edits (response_id, content, replaced_at) VALUES (?, ?, ?)",
        (response_id, old, now),
    )
    conn.execute(
        "UPDATE responses SET content = ?, edited_at = ? WHERE id = ?", (new, now, response_id)
    )


def withdraw(conn: Connection, guild_id: int, round_id: int, user_id: int) -> list[Row]:
    """Delete the member's answers in a round; returns what was deleted."""
    gone = answers_of(conn, guild_id, round_id, user_id)
    if gone:  # stored summaries may quote the withdrawn answers
        conn.execute(
            "DELETE FROM summaries WHERE guild_id = ? AND round_id = ?", (guild_id, round_id)
        )
        conn.execute(
            "DELETE FROM responses WHERE guild_id = ? AND round_id = ? AND user_id = ? "
            "AND kind = 'answer'",
            (guild_id, round_id, user_id),
        )
    return gone


def set_message(conn: Connection, response_ids: Iterable[int], message_id: int) -> None:
    conn.executemany(
        "UPDATE responses SET message_id = ? WHERE id = ?",
        [(message_id, rid) for rid in response_ids],
    )


def set_stance(
    conn: Connection,
    guild_id: int,
    round_id: int,
    user_id: int,
    label: str,
    name: str | None,
) -> Row:
    require_open(conn, guild_id, round_id)
    remember_name(conn, guild_id, user_id, name)
    row = conn.execute(
        "INSERT INTO stances (round_id, guild_id, user_id, opening, current, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (round_id, user_id) DO UPDATE SET "
        "changes = stances.changes "
        "+ CASE WHEN stances.current != excluded.current THEN 1 ELSE 0 END, "
        "current = excluded.current, "
        "updated_at = excluded.updated_at RETURNING " + STANCE_COLUMNS,
        (round_id, guild_id, user_id, label, label, now_iso()),
    ).fetchone()
    assert row is not None
    return row


# -- replies in round threads ------------------------------------------------------------------


def edit_reply(conn: Connection, guild_id: int, message_id: int, content: str) -> bool:
    """A stored reply edited; an edit to nothing but blanks deletes it."""
    if not content.strip():
        return delete_reply(conn, guild_id, message_id)
    old = conn.execute(
        "SELECT id, content FROM responses WHERE guild_id = ? AND message_id = ? "
        "AND kind = 'reply'",
        (guild_id, message_id),
    ).fetchone()
    if old is None or old["content"] == content:
        return False
    _replace_content(conn, old["id"], old["content"], content, now_iso())
    return True


def delete_reply(conn: Connection, guild_id: int, message_id: int) -> bool:
    cursor = conn.execute(
        "DELETE FROM responses WHERE guild_id = ? AND message_id = ? AND kind = 'reply'",
        (guild_id, message_id),
    )
    return cursor.rowcount > 0


def apply_captured(conn: Connection, events: Sequence[Captured]) -> Applied:
    """Replies, edits and deletions from round threads, in the order they happened: one job.

    Replies of open rounds go in with one statement per run of replies; an edit or a delete is
    applied where it falls, after the message it changes.
    """
    applied = Applied()
    open_rounds: dict[tuple[int, int], bool] = {}
    recorded: dict[tuple[int, int], bool] = {}
    run: list[Reply] = []

    def flush() -> None:
        if not run:
            return
        _learn(conn, run, open_rounds, recorded)
        rows = [
            r
            for r in run
            if open_rounds[(r.guild_id, r.round_id)] and recorded[(r.guild_id, r.user_id)]
        ]
        inserted = conn.executemany(
            "INSERT INTO responses (round_id, guild_id, user_id, kind, content, message_id, "
            "reply_to_id, created_at) VALUES (?, ?, ?, 'reply', ?, ?, ?, ?) "
            "ON CONFLICT (message_id) WHERE kind = 'reply' DO NOTHING",
            [
                (
                    r.round_id,
                    r.guild_id,
                    r.user_id,
                    r.content,
                    r.message_id,
                    r.reply_to_id,
                    r.created_at.astimezone(UTC).isoformat(),
                )
                for r in rows
            ],
        )
        applied.added += inserted.rowcount  # the conflicts that did nothing do not count
        remember_names(conn, {(r.guild_id, r.user_id): r.name for r in rows})
        run.clear()

    for event in events:
        if isinstance(event, Reply):
            if event.content.strip():
                run.append(event)
            continue
        flush()
        if isinstance(event, Edit):
            done = edit_reply(conn, event.guild_id, event.message_id, event.content)
            if event.content.strip():
                applied.edited += done
            else:
                applied.deleted += done
        else:
            applied.deleted += delete_reply(conn, event.guild_id, event.message_id)
    flush()
    return applied


def _learn(
    conn: Connection,
    run: Sequence[Reply],
    open_rounds: dict[tuple[int, int], bool],
    recorded: dict[tuple[int, int], bool],
) -> None:
    """Which of the run's rounds are open, and which of its members are recorded, for those
    not known yet in this job: one statement each, not one a reply (a batch from a hundred
    servers has as many rounds). A member whose /forget left the tombstone is not recorded:
    their replies are not stored again, live or read back from the thread at start-up, until
    they turn recording on in /privacy."""
    rounds = {(r.guild_id, r.round_id) for r in run} - open_rounds.keys()
    if rounds:
        ids = sorted({round_id for _, round_id in rounds})
        found = conn.execute(
            f"SELECT guild_id, id FROM rounds WHERE status = 'open' AND id IN ({_marks(ids)})",  # noqa: S608 (placeholders)
            ids,
        ).fetchall()
        still = {(row[0], row[1]) for row in found}
        open_rounds.update((key, key in still) for key in rounds)
    members = {(r.guild_id, r.user_id) for r in run} - recorded.keys()
    if members:
        users = sorted({user_id for _, user_id in members})
        found = conn.execute(
            f"SELECT guild_id, user_id, replies FROM member_privacy WHERE user_id IN "  # noqa: S608 (placeholders)
            f"({_marks(users)})",
            users,
        ).fetchall()
        off = {(row[0], row[1]) for row in found if not row[2]}
        recorded.update((key, key not in off) for key in members)


def _marks(values: Sequence[object]) -> str:
    return ", ".join("?" * len(values))
