"""JSON for data sets: one object, written as it goes, valid against the versioned JSON Schema
in roundtable/exports/schema/ (validated by the tests). Ids are strings (Discord's snowflakes
do not fit a double), times ISO 8601 in UTC. `python bot.py summarize FILE` reads it back."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from roundtable.exports.model import (
    JSON_FORMAT,
    SCHEMA_VERSION,
    Earlier,
    Item,
    Meta,
    Request,
    RoundView,
    StanceView,
    SuggestionView,
    utc,
)
from roundtable.exports.writers.base import CHUNK, DocumentWriter
from roundtable.summaries.model import Point

ARRAYS = {
    "summaries": (),
    "answers": ("responses",),
    "everything": ("responses", "member_stances", "edits", "suggestions"),
}


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _dump(value: Any) -> str:
    return _ENCODER.encode(value)


def _str(value: int | None) -> str | None:
    return None if value is None else str(value)


class JSONWriter(DocumentWriter):
    suffix = ".json"

    def __init__(self, request: Request, directory: Path, stem: str):
        super().__init__(request, directory, stem)
        self._rounds = 0
        self._array: str | None = None  # the array of the current round being written
        self._first = True
        self._written: set[str] = set()

    def begin(self, meta: Meta) -> None:
        head = {
            "format": JSON_FORMAT,
            "schema_version": SCHEMA_VERSION,
            "exported_at": utc(meta.made_at),
            "guild_id": str(meta.guild_id),
            "title": meta.title,
            "scope": meta.scope,
            "include": meta.include,
            "anonymised": meta.anonymised,
            "since": utc(meta.since),
            "until": utc(meta.until),
        }
        self.out.write(_dump(head)[:-1] + ',"rounds":[')

    def round_begin(self, r: RoundView) -> None:
        t = r.totals
        data: dict[str, Any] = {
            "id": str(r.id),
            "title": r.title,
            "pack": {"slug": r.pack_slug, "title": r.pack_title},
            "section": {"number": r.section_number, "title": r.section_title},
            "series_id": _str(r.series_id),
            "status": r.status,
            "opened_at": utc(r.opened_at),
            "closed_at": utc(r.closed_at),
            "link": r.link,
            "questions": list(r.questions),
            "stance_labels": list(r.stance_labels),
            "participation": {"members": t.members, "answers": t.answers, "replies": t.replies},
            "stances": {k: {"opening": o, "closing": c} for k, (o, c) in t.stances.items()},
        }
        if self.request.include != "summaries":
            data["excerpt"] = r.excerpt
        self.out.write(("," if self._rounds else "") + _dump(data)[:-1])
        self._rounds += 1
        self._array, self._written = None, set()

    def _into(self, name: str) -> None:
        if self._array == name:
            return
        if self._array is not None:
            self.out.write("]")
        self.out.write(f',"{name}":[')
        self._array, self._first = name, True
        self._written.add(name)

    def _elements(self, name: str, values: list[dict[str, Any]]) -> None:
        if not values:
            return
        self._into(name)
        for start in range(0, len(values), CHUNK):
            text = _dump(values[start : start + CHUNK])[1:-1]  # "[a,b]" -> "a,b"
            self.out.write(text if self._first else "," + text)
            self._first = False

    def items(self, r: RoundView, batch: Sequence[Item]) -> None:
        self._elements(
            "responses",
            [
                {
                    "id": str(i.id),
                    "kind": i.kind,
                    "question": i.question,
                    "author": i.author,
                    "author_id": i.author_id,
                    "text": i.text,
                    "created_at": utc(i.created_at),
                    "edited_at": utc(i.edited_at),
                    "message_id": i.message_id,
                    "link": i.link,
                    "reply_to": {"message_id": i.reply_to_message, "author": i.reply_to_author}
                    if i.reply_to_message
                    else None,
                }
                for i in batch
            ],
        )

    def stances(self, r: RoundView, batch: Sequence[StanceView]) -> None:
        self._elements(
            "member_stances",
            [
                {
                    "author": s.author,
                    "author_id": s.author_id,
                    "opening": s.opening,
                    "closing": s.closing,
                    "changes": s.changes,
                }
                for s in batch
            ],
        )

    def edits(self, r: RoundView, batch: Sequence[Earlier]) -> None:
        self._elements(
            "edits",
            [
                {
                    "response_id": str(e.response_id),
                    "kind": e.kind,
                    "question": e.question,
                    "author": e.author,
                    "replaced_at": utc(e.replaced_at),
                    "text": e.text,
                }
                for e in batch
            ],
        )

    def suggestions(self, r: RoundView, found: Sequence[SuggestionView]) -> None:
        self._elements(
            "suggestions",
            [
                {
                    "id": str(s.id),
                    "author": s.author,
                    "author_id": s.author_id,
                    "text": s.text,
                    "status": s.status,
                    "votes": s.votes,
                    "question": s.question,
                    "suggested_at": utc(s.created_at),
                    "decided_at": utc(s.decided_at),
                }
                for s in found
            ],
        )

    def round_end(self, r: RoundView) -> None:
        if self._array is not None:
            self.out.write("]")
        for name in ARRAYS[self.request.include]:
            if name not in self._written:
                self.out.write(f',"{name}":[]')
        self.out.write(',"summary":' + _dump(self._summary(r)) + "}")
        self._array = None

    @staticmethod
    def _summary(r: RoundView) -> dict[str, Any] | None:
        if r.summary is None:
            return None
        s, links = r.summary.summary, r.summary.links

        def point(p: Point) -> dict[str, Any]:
            return {
                "label": p.label,
                "text": p.text,
                "members": p.members,
                "side": p.side,
                "message_ids": [str(i) for i in p.message_ids if i > 0],
                "links": [links[i] for i in p.message_ids if i in links],
            }

        return {
            "engine": s.engine,
            "note": r.summary.note,
            "members": s.members,
            "answers": s.answers,
            "replies": s.replies,
            "lead": s.lead,
            "sections": [
                {
                    "question": section.number,
                    "title": section.title,
                    "points": [point(p) for p in section.points],
                }
                for section in s.sections
            ],
            "disagreements": [point(p) for p in s.disagreements],
            "decisions": [point(p) for p in s.decisions],
            "notes": list(s.notes),
        }

    def end(self) -> list[Path]:
        self.out.write("]}\n")
        return super().end()
