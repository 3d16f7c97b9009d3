"""Discussions read from files: Roundtable's own JSON, or a DiscordChatExporter JSON export.

    python bot.py summarize FILE [--engine offline|llm] [--format md|json]

lets a moderator summarise a discussion that happened before the bot joined, or the rounds of a
Roundtable JSON export again (roundtable/exports/). DiscordChatExporter's
JSON has `guild`, `channel` and `messages[]` with `id`, `type`, `author` (`id`, `name`, `isBot`),
`content`, `timestamp` and `reference` (`messageId`); bots' and system messages are skipped.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from roundtable.errors import UserError
from roundtable.summaries.model import Contribution, Discussion

FORMAT = "roundtable-discussion/1"
MAX_FILE_BYTES = 32_000_000  # a file read whole, as JSON: its size bounds the memory it takes
MAX_MESSAGES = 100_000  # a 100,000-message summary stays well within 1 GB (bench/summaries.py)
_MALFORMED = (KeyError, TypeError, ValueError, AttributeError, IndexError)
_MEMBER_TYPES = {"Default", "Reply", 0, 19}


def to_json(d: Discussion) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "title": d.title,
        "questions": list(d.questions),
        "stances": list(d.stances),
        "guild_id": d.guild_id,
        "channel_id": d.channel_id,
        "opening": {str(k): v for k, v in d.opening.items()},
        "closing": {str(k): v for k, v in d.closing.items()},
        "contributions": [
            {
                "message_id": c.message_id,
                "user_id": c.user_id,
                "text": c.text,
                "question": c.question,
                "reply_to": c.reply_to,
                "created_at": c.created_at.isoformat() if c.created_at else None,
            }
            for c in d.contributions
        ],
    }


def _strings(value: Any, field: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{field} must be a list of texts")
    return tuple(value)


def _labels(value: Any, field: str) -> dict[int, str]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise ValueError(f"{field} must map member ids to stance labels")
    return {int(k): v for k, v in value.items()}


def _question(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"question must be a number from 1, not {value!r}")
    return value


def _moment(value: Any) -> datetime | None:
    """An ISO 8601 time; one without a zone is UTC (exports mix both, and a summary compares
    them)."""
    if not value:
        return None
    moment = datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _id(value: Any) -> int | None:
    return int(value) if value is not None and str(value).isdigit() else None


def _ours(data: dict[str, Any]) -> Discussion:
    return Discussion(
        title=str(data.get("title") or "Discussion"),
        questions=_strings(data.get("questions"), "questions"),
        stances=_strings(data.get("stances"), "stances"),
        guild_id=_id(data.get("guild_id")),
        channel_id=_id(data.get("channel_id")),
        opening=_labels(data.get("opening"), "opening"),
        closing=_labels(data.get("closing"), "closing"),
        contributions=tuple(
            Contribution(
                message_id=int(c["message_id"]),
                user_id=int(c["user_id"]),
                text=str(c["text"]),
                question=_question(c.get("question")),
                reply_to=int(c["reply_to"]) if c.get("reply_to") else None,
                created_at=_moment(c.get("created_at")),
            )
            for c in data["contributions"]
        ),
    )


def _chat_exporter(data: dict[str, Any]) -> Discussion:
    channel = data.get("channel") or {}
    guild = data.get("guild") or {}
    contributions = []
    names: dict[int, str] = {}
    for m in data["messages"]:
        author = m.get("author") or {}
        if author.get("isBot") or m.get("type", "Default") not in _MEMBER_TYPES:
            continue
        content = m.get("content")
        text = content.strip() if isinstance(content, str) else ""
        if not text:
            continue
        reference = m.get("reference") or {}
        user_id = int(author.get("id") or 0)
        for key in ("name", "nickname"):  # how others address them: "nick: ..."
            if author.get(key):
                names.setdefault(user_id, str(author[key]))
        contributions.append(
            Contribution(
                message_id=int(m["id"]),
                user_id=user_id,
                text=text,
                reply_to=int(reference["messageId"]) if reference.get("messageId") else None,
                created_at=_moment(m.get("timestamp")),
            )
        )
    name = channel.get("name") or "channel"
    return Discussion(
        title=f"#{name}" + (f" ({guild['name']})" if guild.get("name") else ""),
        questions=(),
        contributions=tuple(contributions),
        guild_id=int(guild["id"]) if str(guild.get("id", "")).isdigit() else None,
        channel_id=int(channel["id"]) if str(channel.get("id", "")).isdigit() else None,
        names=names,
    )


# The JSON exports it reads back: version 2 adds suggested questions, which it does not need.
EXPORT_FORMATS = ("roundtable-export/1", "roundtable-export/2")


def _author_number(author_id: str | None, fallback: int) -> int:
    """A user id for counting members: the Discord id, a pseudonym's number, or (for "a
    member") a stand-in of its own."""
    if author_id and author_id.isdigit():
        return int(author_id)
    if author_id and author_id.startswith("member-") and author_id[7:].isdigit():
        return int(author_id[7:])
    return -fallback


def _exported_round(data: dict[str, Any], guild_id: int | None) -> Discussion:
    responses = data.get("responses")
    if responses is None:
        raise UserError(
            "This export holds summaries only: export with include answers or everything "
            "to summarise it again."
        )
    contributions = []
    for r in responses:
        response_id = int(r["id"])
        reply_to = (r.get("reply_to") or {}).get("message_id")
        contributions.append(
            Contribution(
                message_id=int(r["message_id"]) if r.get("message_id") else -response_id,
                user_id=_author_number(r.get("author_id"), response_id),
                text=str(r["text"]),
                question=_question(r.get("question")),
                reply_to=int(reply_to) if reply_to else None,
                created_at=_moment(r.get("created_at")),
            )
        )
    opening: dict[int, str] = {}
    closing: dict[int, str] = {}
    for n, s in enumerate(data.get("member_stances") or [], start=1):
        user = _author_number(s.get("author_id"), 10**9 + n)
        opening[user], closing[user] = s["opening"], s["closing"]
    link = str(data.get("link") or "")
    thread = link.rstrip("/").rsplit("/", 1)[-1]
    return Discussion(
        title=f"Round {data['id']} · {data['section']['title']}",
        questions=_strings(data.get("questions"), "questions"),
        stances=_strings(data.get("stance_labels"), "stance_labels"),
        contributions=tuple(contributions),
        opening=opening,
        closing=closing,
        guild_id=guild_id,
        channel_id=int(thread) if thread.isdigit() else None,
    )


def read_discussions(raw: bytes) -> list[Discussion]:
    """Every discussion in a file: the rounds of a Roundtable JSON export, else the one
    discussion `read_discussion` finds."""
    data = _json_object(raw)
    if data.get("format") not in EXPORT_FORMATS:
        return [_one(data)]
    try:
        guild = str(data.get("guild_id") or "")
        guild_id = int(guild) if guild.isdigit() else None
        found = [_exported_round(r, guild_id) for r in data["rounds"]]
    except _MALFORMED as exc:
        raise UserError(f"The export is missing or has a malformed field: {_what(exc)}.") from exc
    if not found:
        raise UserError("The export has no rounds.")
    _not_too_many(sum(len(d.contributions) for d in found))
    return found


def _what(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__


def _not_too_many(count: int) -> None:
    if count > MAX_MESSAGES:
        raise UserError(
            f"It has {count:,} messages; a summary reads at most {MAX_MESSAGES:,}: export a "
            "shorter span (DiscordChatExporter's --after and --before) and summarise each."
        )


def _json_object(raw: bytes) -> dict[str, Any]:
    if len(raw) > MAX_FILE_BYTES:
        raise UserError(
            f"The file is {len(raw):,} bytes; a summary reads files of up to "
            f"{MAX_FILE_BYTES:,}: export a shorter span and summarise each."
        )
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except RecursionError:
        raise UserError("The file is JSON nested too deeply to be an export.") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UserError(f"The file is not JSON ({exc}).") from exc
    if not isinstance(data, dict):
        raise UserError("The file is JSON but not an export: expected an object.")
    return data


def read_discussion(raw: bytes) -> Discussion:
    """Roundtable's JSON or a DiscordChatExporter export; UserError for anything else."""
    return _one(_json_object(raw))


def _one(data: dict[str, Any]) -> Discussion:
    try:
        if data.get("format") == FORMAT:
            found = _ours(data)
        elif isinstance(data.get("messages"), list):
            found = _chat_exporter(data)
        else:
            raise UserError(
                "The file is neither a Roundtable discussion or export nor a "
                "DiscordChatExporter JSON export (which has a messages list)."
            )
    except _MALFORMED as exc:
        raise UserError(f"The export is missing or has a malformed field: {_what(exc)}.") from exc
    _not_too_many(len(found.contributions))
    return found
