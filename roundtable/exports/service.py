"""Exports: which rounds a request covers, read from one snapshot, written by a format's writer.

Every query is scoped to the request's guild (a round, pack or series id of another server is
"not found"). Consent is applied while reading (storage/exports.py leaves out members who chose
so); names become labels or pseudonyms here (names.py), before any writer sees them. Rows are
read and written in batches: reading is asynchronous, formatting and writing run in a worker
thread, so the event loop stays free and memory does not grow with the export.

A round's summary is the stored one. When a closed round has none (a member withdrew, or used
/forget, since), or the stored one cites a member who is now left out of exports, the export
makes an offline summary of what it may show, and says so.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from roundtable.errors import UserError
from roundtable.exports import packaging
from roundtable.exports.model import (
    Author,
    Earlier,
    Item,
    Meta,
    Request,
    ResponseRow,
    RoundRow,
    RoundView,
    Scope,
    StanceView,
    SuggestionView,
    SummaryView,
    Totals,
    parse_day,
    parse_scope,
    utc,
)
from roundtable.exports.names import Names, mentioned
from roundtable.exports.store import ExportSource, ExportStore
from roundtable.exports.writers import for_format
from roundtable.exports.writers.base import Writer
from roundtable.packs.format import parse_pack
from roundtable.packs.model import Pack
from roundtable.summaries import summarise_offline
from roundtable.summaries.model import (
    Contribution,
    Discussion,
    Point,
    Summary,
    only_real_citations,
    without_removed,
)
from roundtable.summaries.render import jump

Progress = Callable[[int, int], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Exported:
    files: list[Path]  # each at most the limit asked for
    packed: str  # "as is", "zipped" or "parts"
    rounds: int
    responses: int
    size: int  # bytes, all files together


@functools.lru_cache(maxsize=64)
def _pack(body: str) -> Pack | None:
    try:
        return parse_pack(body)
    except Exception:  # an old or damaged pack file: the round is exported without its excerpt
        return None


class ExportService:
    def __init__(self, store: ExportStore):
        self._store = store

    async def only_guild(self) -> int:
        """The one server whose rounds the database holds (the CLI without --guild)."""
        async with self._store.snapshot() as reader:
            guilds = await reader.guilds()
        if not guilds:
            raise UserError("There are no rounds in this database to export.")
        if len(guilds) > 1:
            raise UserError(
                f"This database holds the rounds of {len(guilds)} servers: choose one with "
                f"--guild ({', '.join(map(str, guilds[:10]))}{', …' if len(guilds) > 10 else ''})."
            )
        return guilds[0]

    async def request(
        self,
        guild_id: int,
        *,
        scope: str | Scope,
        format: str,
        include: str = "everything",
        anonymise: bool = False,
        bom: bool = False,
        since: str | None = None,
        until: str | None = None,
        server_name: str | None = None,
    ) -> Request:
        """A request from what a moderator typed; days are read in the server's time zone."""
        zone = (await self._store.settings(guild_id)).timezone
        return Request(
            guild_id=guild_id,
            scope=scope if isinstance(scope, Scope) else parse_scope(scope),
            format=format,
            include=include,
            anonymise=anonymise,
            bom=bom,
            since=parse_day(since, zone),
            until=parse_day(until, zone, end=True),
            server_name=server_name,
        )

    # -- which rounds ---------------------------------------------------------------------------

    async def _rounds(self, reader: ExportSource, request: Request) -> list[RoundRow]:
        scope, guild = request.scope, request.guild_id
        dates = functools.partial(reader.rounds, since=request.since, until=request.until)
        if scope.kind == "round":
            rows = await dates(guild, round_id=scope.round_id)
            if not rows:
                raise UserError(
                    f"There is no round {scope.round_id} on this server"
                    + (" in those dates." if request.since or request.until else ".")
                    + " /round list shows the rounds."
                )
            return rows
        if scope.kind == "pack":
            pack = await self._store.pack(guild, (scope.pack_slug or "").strip())
            if pack is None:
                raise UserError(
                    f"There is no pack {scope.pack_slug!r} here: /pack list shows them."
                )
            rows = await dates(guild, pack_id=pack.id)
            what = f"of {pack.title}"
        elif scope.kind == "series":
            series = await self._store.series(guild, scope.series_id or 0)
            if series is None:
                raise UserError(
                    f"There is no series {scope.series_id} on this server: /schedule list "
                    "shows them."
                )
            rows = await dates(guild, series_id=series.id)
            what = f"in series {series.id}"
        else:
            rows = await dates(guild)
            what = "on this server"
        if not rows:
            when = " in those dates" if request.since or request.until else ""
            raise UserError(f"There are no rounds {what}{when} to export yet.")
        return rows

    # -- what each round shows ------------------------------------------------------------------

    async def _view(
        self, reader: ExportSource, guild_id: int, row: RoundRow, names: Names
    ) -> RoundView:
        body = await reader.pack_body(guild_id, row.pack_id)
        pack = _pack(body) if body else None
        excerpt = ""
        if pack is not None and 1 <= row.section_number <= len(pack.sections):
            excerpt = pack.section(row.section_number).text
        t = await reader.totals(guild_id, row.id)
        labels = list(row.stances) + [x for x in t.stances if x not in row.stances]
        totals = Totals(
            t.members, t.answers, t.replies, {x: t.stances.get(x, (0, 0)) for x in labels}
        )
        if not t.stances:
            totals = Totals(t.members, t.answers, t.replies, {})
        thread = row.thread_id or row.channel_id
        return RoundView(
            id=row.id,
            title=f"{row.pack_title} · {row.section_number}. {row.section_title}",
            section_number=row.section_number,
            section_title=row.section_title,
            pack_slug=row.pack_slug,
            pack_title=row.pack_title,
            status=row.status,
            opened_at=row.opened_at,
            closed_at=row.closed_at,
            questions=row.questions,
            stance_labels=row.stances,
            excerpt=excerpt,
            link=f"https://discord.com/channels/{guild_id}/{thread}",
            totals=totals,
            summary=await self._summary(reader, guild_id, row, names),
            series_id=row.series_id,
            closes_at=row.closes_at,
        )

    async def _summary(
        self, reader: ExportSource, guild_id: int, row: RoundRow, names: Names
    ) -> SummaryView | None:
        if row.status == "open":
            return None
        stored = await reader.summary(guild_id, row.id)
        note = None
        summary = Summary.from_json(stored) if stored else None
        if summary is not None:
            present = await reader.present_messages(guild_id, row.id)
            if not summary.cited() <= present:  # deleted or withdrawn since it was made
                summary = without_removed(summary, present)
                note = "Points quoting messages removed since the summary was made are left out."
            excluded = await reader.excluded_messages(guild_id, row.id)
            if excluded & summary.cited():
                summary = None
                note = (
                    "Made for this export without the members who chose to be left out of "
                    "exports (the posted summary quotes them)."
                )
        if summary is None:
            discussion = await self._discussion(reader, guild_id, row)
            summary = await asyncio.to_thread(summarise_offline, discussion)
            summary = only_real_citations(summary, discussion)
            note = note or "Made for this export: no summary of this round is stored."
        texts = [p.text for section in summary.sections for p in section.points]
        texts += [p.text for p in summary.disagreements]
        authors = await reader.authors(guild_id, {u for t in texts for u in mentioned(t)})
        summary = _readable(summary, names, authors)
        where = row.thread_id
        links = {}
        for message_id in summary.cited():
            url = jump(guild_id, where, message_id)
            if url:
                links[message_id] = url
        return SummaryView(summary, links, note)

    async def _discussion(self, reader: ExportSource, guild_id: int, row: RoundRow) -> Discussion:
        contributions = []
        parts = [("answer", n) for n in range(1, len(row.questions) + 1)] + [("reply", None)]
        for kind, number in parts:
            async for batch in reader.responses(guild_id, row.id, kind=kind, question=number):
                contributions += [
                    Contribution(
                        message_id=r.message_id if r.message_id is not None else -r.id,
                        user_id=r.author.user_id,
                        text=r.content,
                        question=r.question,
                        reply_to=r.reply_to_message,
                        created_at=datetime.fromisoformat(r.created_at),
                    )
                    for r in batch
                ]
        opening: dict[int, str] = {}
        closing: dict[int, str] = {}
        async for stances in reader.stances(guild_id, row.id):
            for s in stances:
                opening[s.author.user_id] = s.opening
                closing[s.author.user_id] = s.closing
        return Discussion(
            title=f"Round {row.id} · {row.section_title}",
            questions=row.questions,
            stances=row.stances,
            contributions=tuple(contributions),
            opening=opening,
            closing=closing,
            guild_id=guild_id,
            channel_id=row.thread_id,
        )

    # -- the export -----------------------------------------------------------------------------

    def title(self, request: Request, rounds: Sequence[RoundView]) -> str:
        """What the export is, with the server's name first when the caller knows it."""
        scope = request.scope
        count = f"{len(rounds)} round{'s' if len(rounds) != 1 else ''}"
        if scope.kind == "round" and rounds:
            what = f"Round {rounds[0].id} · {rounds[0].title}"
        elif scope.kind == "pack" and rounds:
            what = f"{rounds[0].pack_title}: {count}"
        elif scope.kind == "series":
            what = f"Series {scope.series_id} · {rounds[0].pack_title}" if rounds else "Series"
        else:  # the whole server
            packs = sorted({r.pack_title for r in rounds})
            if len(packs) == 1:
                what = f"{packs[0]}: {count}"
            else:
                what = f"{count} from {len(packs)} packs" if packs else "No rounds"
        return f"{request.server_name} · {what}" if request.server_name else what

    async def write(
        self,
        request: Request,
        directory: Path,
        *,
        progress: Progress | None = None,
        now: datetime | None = None,
    ) -> tuple[list[Path], int, int]:
        """Write the export into `directory`: (files, rounds, responses)."""
        guild = request.guild_id
        names = Names(anonymise=request.anonymise)
        async with self._store.snapshot() as reader:
            names.know(await reader.known_members(guild))
            rows = await self._rounds(reader, request)
            views = [await self._view(reader, guild, row, names) for row in rows]
            meta = Meta(
                guild_id=guild,
                title=self.title(request, views),
                scope=request.scope.key,
                include=request.include,
                anonymised=request.anonymise,
                made_at=now or datetime.now(UTC),
                since=request.since,
                until=request.until,
                rounds=tuple(views),
            )
            total = 0
            if request.include != "summaries":
                total = await reader.count_responses(guild, [r.id for r in rows])
            run = _Run(reader, request, for_format(request, directory, file_stem(request)), names)
            run.progress, run.total = progress, total
            files = await run.all(meta, list(zip(rows, views, strict=True)))
        return files, len(rows), run.done

    async def export(
        self,
        request: Request,
        directory: Path,
        *,
        limit: int | None = None,
        progress: Progress | None = None,
        now: datetime | None = None,
    ) -> Exported:
        """Write the export, then fit it within `limit` bytes per file (zip, then parts)."""
        files, rounds, responses = await self.write(request, directory, progress=progress, now=now)
        packed = "as is"
        if limit is not None:
            files, packed = await asyncio.to_thread(packaging.fit, files, limit, file_stem(request))
        size = sum(p.stat().st_size for p in files)
        return Exported(files, packed, rounds, responses, size)


class _Run:
    """One export being written: rows read in batches, each batch written in a worker thread
    while the next is read."""

    def __init__(self, reader: ExportSource, request: Request, writer: Writer, names: Names):
        self.reader, self.request, self.writer, self.names = reader, request, writer, names
        self.guild = request.guild_id
        self.progress: Progress | None = None
        self.total = 0
        self.done = 0
        self._writing: asyncio.Future[None] | None = None

    async def all(self, meta: Meta, rounds: list[tuple[RoundRow, RoundView]]) -> list[Path]:
        writer = self.writer
        try:
            await asyncio.to_thread(writer.begin, meta)
            for row, view in rounds:
                await asyncio.to_thread(writer.round_begin, view)
                if self.request.include != "summaries":
                    for number, question in enumerate(row.questions, start=1):
                        await asyncio.to_thread(writer.question, view, number, question)
                        await self._responses(row, view, "answer", number)
                    await asyncio.to_thread(writer.replies, view)
                    await self._responses(row, view, "reply", None)
                if self.request.include == "everything":
                    await self._stances_and_edits(row, view)
                    await self._suggestions(row, view)
                await asyncio.to_thread(writer.round_end, view)
            return await asyncio.to_thread(writer.end)
        except BaseException:
            if self._writing is not None:  # let the batch being written finish first
                await asyncio.gather(self._writing, return_exceptions=True)
            await asyncio.to_thread(writer.abort)
            raise

    async def _responses(
        self, row: RoundRow, view: RoundView, kind: str, number: int | None
    ) -> None:
        shown = 0
        async for batch in self.reader.responses(self.guild, row.id, kind=kind, question=number):
            authors = await self.reader.authors(
                self.guild, {u for r in batch for u in mentioned(r.content)}
            )
            if self._writing is not None:
                await self._writing
            self._writing = asyncio.ensure_future(
                asyncio.to_thread(
                    _write_items, self.writer, view, batch, self.names, authors, self.guild, row
                )
            )
            shown += len(batch)
            self.done += len(batch)
            if self.progress is not None:
                await self.progress(self.done, self.total)
        if self._writing is not None:
            await self._writing
            self._writing = None
        if not shown:
            await asyncio.to_thread(self.writer.nothing, view, kind)

    async def _stances_and_edits(self, row: RoundRow, view: RoundView) -> None:
        names = self.names
        async for stances in self.reader.stances(self.guild, row.id):
            shown = [
                StanceView(names.label(s.author), names.ident(s.author), s.opening, s.closing,
                           s.changes)
                for s in stances
            ]  # fmt: skip
            await asyncio.to_thread(self.writer.stances, view, shown)
        async for edits in self.reader.edits(self.guild, row.id):
            authors = await self.reader.authors(
                self.guild, {u for e in edits for u in mentioned(e.content)}
            )
            earlier = [
                Earlier(e.response_id, e.kind, e.question, names.label(e.author),
                        names.text(e.content, authors), e.replaced_at)
                for e in edits
            ]  # fmt: skip
            await asyncio.to_thread(self.writer.edits, view, earlier)

    async def _suggestions(self, row: RoundRow, view: RoundView) -> None:
        found = await self.reader.suggestions(self.guild, row.id)
        if not found:
            return
        names = self.names
        shown = [
            SuggestionView(s.id, names.label(s.author), names.ident(s.author), s.text, s.status,
                           s.votes, s.added_as, s.created_at, s.decided_at)
            for s in found
        ]  # fmt: skip
        await asyncio.to_thread(self.writer.suggestions, view, shown)


def _readable(summary: Summary, names: Names, authors: dict[int, Author]) -> Summary:
    """The summary's quotes with mentions written as the export's labels."""

    def points(found: tuple[Point, ...]) -> tuple[Point, ...]:
        return tuple(replace(p, text=names.text(p.text, authors)) for p in found)

    return replace(
        summary,
        sections=tuple(replace(s, points=points(s.points)) for s in summary.sections),
        disagreements=points(summary.disagreements),
    )


def file_stem(request: Request) -> str:
    stem = f"roundtable-{request.scope.key}-{request.include}"
    if request.anonymise:
        stem += "-anonymised"
    return "".join(c if c.isalnum() or c in "-_." else "-" for c in stem)


def _write_items(
    writer: Writer,
    view: RoundView,
    batch: list[ResponseRow],
    names: Names,
    authors: dict[int, Author],
    guild_id: int,
    row: RoundRow,
) -> None:
    where = row.thread_id
    base = f"https://discord.com/channels/{guild_id}/{where}/" if where else None
    items = [
        Item(
            id=r.id,
            kind=r.kind,
            question=r.question,
            author=names.label(r.author),
            author_id=names.ident(r.author),
            text=names.text(r.content, authors),
            created_at=utc(r.created_at) or "",
            edited_at=utc(r.edited_at),
            message_id=str(r.message_id) if r.message_id is not None else None,
            link=f"{base}{r.message_id}" if base and r.message_id is not None else None,
            reply_to_message=str(r.reply_to_message) if r.reply_to_message else None,
            reply_to_author=names.label(r.reply_to) if r.reply_to else None,
        )
        for r in batch
    ]
    writer.items(view, items)
