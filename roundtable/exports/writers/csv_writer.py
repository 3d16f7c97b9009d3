"""CSV for spreadsheets: RFC 4180 through the csv module, UTF-8. The Excel flavour (`bom`, the
default of /export) adds the byte-order mark Excel wants, keeps text that starts like a formula
as text, and writes Discord ids as `="…"` so that Excel keeps all 19 digits (as a number it
shows 1.57895E+18 and rounds the id away). `answers`: responses.csv, one row per answer or
reply. `summaries`: summaries.csv, one row per summary point. `everything`: a zip of
rounds.csv, responses.csv, stances.csv, edits.csv, suggestions.csv and summaries.csv."""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from roundtable.exports.model import (
    Earlier,
    Item,
    Meta,
    Request,
    RoundView,
    StanceView,
    SuggestionView,
    utc,
)
from roundtable.exports.writers.base import CHUNK, Writer
from roundtable.exports.writers.common import point_links

COLUMNS = {
    "rounds": (
        "round_id", "pack", "pack_title", "section", "section_title", "status", "opened_at",
        "closed_at", "questions", "stance_labels", "members", "answers", "replies",
        "thread_link",
    ),
    "responses": (
        "round_id", "section_title", "response_id", "kind", "question_number", "question",
        "author", "author_id", "text", "created_at", "edited_at", "message_id",
        "reply_to_message_id", "reply_to_author", "link",
    ),
    "stances": ("round_id", "section_title", "author", "author_id", "opening", "closing",
                "changes"),
    "edits": ("round_id", "response_id", "kind", "question_number", "author", "replaced_at",
              "earlier_text"),
    "suggestions": (
        "round_id", "section_title", "suggestion_id", "author", "author_id", "text", "status",
        "votes", "question_number", "suggested_at", "decided_at",
    ),
    "summaries": (
        "round_id", "section_title", "engine", "part", "question_number", "label", "point",
        "members", "side", "links",
    ),
}  # fmt: skip


# Discord ids: too long for a spreadsheet's numbers (15 significant digits).
SNOWFLAKES = {"author_id", "message_id", "reply_to_message_id"}


def _as_text(value: Any) -> Any:
    """An id Excel shows as text, every digit kept (Excel and LibreOffice read `="…"` so)."""
    return f'="{value}"' if value not in ("", None) else value


def _inert(value: Any) -> Any:
    """Excel runs a cell that starts with = + - @ as a formula (OWASP's "CSV injection"): in
    the Excel flavour such text gets a leading apostrophe, which Excel shows as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


class CSVWriter(Writer):
    suffix = ".csv"

    def __init__(self, request: Request, directory: Path, stem: str):
        super().__init__(request, directory, stem)
        names: tuple[str, ...]
        if request.include == "everything":
            names = ("rounds", "responses", "stances", "edits", "suggestions", "summaries")
        elif request.include == "answers":
            names = ("responses",)
        else:
            names = ("summaries",)
        self.paths = {name: directory / f"{name}.csv" for name in names}
        self._files: dict[str, TextIO] = {}
        self._writers: dict[str, Any] = {}
        encoding = "utf-8-sig" if request.bom else "utf-8"
        for name, path in self.paths.items():
            f = self.open(path, encoding=encoding, newline="")
            self._files[name] = f
            self._writers[name] = csv.writer(f)  # RFC 4180: CRLF rows, quotes doubled
            self._writers[name].writerow(COLUMNS[name])

    def _rows(self, name: str, rows: Sequence[Sequence[Any]]) -> None:
        writer = self._writers.get(name)
        if writer is None:
            return
        if self.request.bom:  # for Excel: text that starts like a formula stays text, ids whole
            ids = [n in SNOWFLAKES for n in COLUMNS[name]]
            rows = [
                [_as_text(v) if is_id else _inert(v) for v, is_id in zip(row, ids, strict=True)]
                for row in rows
            ]
        for start in range(0, len(rows), CHUNK):
            writer.writerows(rows[start : start + CHUNK])

    def begin(self, meta: Meta) -> None:
        pass

    def round_begin(self, r: RoundView) -> None:
        t = r.totals
        self._rows(
            "rounds",
            [
                (
                    r.id, r.pack_slug, r.pack_title, r.section_number, r.section_title, r.status,
                    utc(r.opened_at), utc(r.closed_at), " | ".join(r.questions),
                    " | ".join(r.stance_labels), t.members, t.answers, t.replies, r.link or "",
                )
            ],
        )  # fmt: skip

    def items(self, r: RoundView, batch: Sequence[Item]) -> None:
        questions = r.questions
        self._rows(
            "responses",
            [
                (
                    r.id, r.section_title, i.id, i.kind, i.question or "",
                    questions[i.question - 1] if i.question else "", i.author,
                    i.author_id or "", i.text, utc(i.created_at), utc(i.edited_at) or "",
                    i.message_id or "", i.reply_to_message or "", i.reply_to_author or "",
                    i.link or "",
                )
                for i in batch
            ],
        )  # fmt: skip

    def stances(self, r: RoundView, batch: Sequence[StanceView]) -> None:
        self._rows(
            "stances",
            [
                (r.id, r.section_title, s.author, s.author_id or "", s.opening, s.closing,
                 s.changes)
                for s in batch
            ],
        )  # fmt: skip

    def edits(self, r: RoundView, batch: Sequence[Earlier]) -> None:
        self._rows(
            "edits",
            [
                (r.id, e.response_id, e.kind, e.question or "", e.author, utc(e.replaced_at),
                 e.text)
                for e in batch
            ],
        )  # fmt: skip

    def suggestions(self, r: RoundView, found: Sequence[SuggestionView]) -> None:
        self._rows(
            "suggestions",
            [
                (r.id, r.section_title, s.id, s.author, s.author_id or "", s.text, s.status,
                 s.votes, s.question or "", utc(s.created_at), utc(s.decided_at) or "")
                for s in found
            ],
        )  # fmt: skip

    def round_end(self, r: RoundView) -> None:
        if r.summary is None:
            return
        s = r.summary.summary
        rows: list[tuple[object, ...]] = []
        if s.lead:
            rows.append((r.id, r.section_title, s.engine, "Lead", "", "", s.lead, "", "", ""))
        for section in s.sections:
            for p in section.points:
                links = " ".join(url for _, url in point_links(p, r.summary.links))
                rows.append(
                    (r.id, r.section_title, s.engine, section.title, section.number or "",
                     p.label or "", p.text, p.members, p.side or "", links)
                )  # fmt: skip
        for part, found in (
            ("Notable disagreements", s.disagreements),
            ("Decisions and actions", s.decisions),
        ):
            for p in found:
                links = " ".join(url for _, url in point_links(p, r.summary.links))
                rows.append(
                    (r.id, r.section_title, s.engine, part, "", p.label or "", p.text,
                     p.members, p.side or "", links)
                )  # fmt: skip
        self._rows("summaries", rows)

    def end(self) -> list[Path]:
        for f in self._files.values():
            f.close()
        if len(self.paths) == 1:
            only = next(iter(self.paths.values()))
            final = self.directory / f"{self.stem}.csv"
            only.rename(final)
            return [final]
        archive = self.directory / f"{self.stem}.zip"
        # Level 1: a quarter of the time of the default level, a third larger.
        with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
            for name, path in self.paths.items():
                zf.write(path, arcname=f"{name}.csv")
                path.unlink()
        return [archive]
