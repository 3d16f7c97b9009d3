"""The packs a guild can use: importing, checking, storing, listing, exporting, removing."""

from __future__ import annotations

import asyncio
import functools
import logging
import re
from dataclasses import dataclass, replace
from pathlib import Path

from roundtable.errors import UserError
from roundtable.packs.blocks import Document, LeftOut
from roundtable.packs.excerpts import MAX_PARTS, PART_CHARS, parts_needed
from roundtable.packs.format import MARKER, PackError, Problem, parse_pack, render_pack
from roundtable.packs.importer import Joined, Split, decode, import_document
from roundtable.packs.model import DuplicatePack, Pack, PackInUse, PackRecord, Section
from roundtable.packs.questions import MIN_QUESTIONS
from roundtable.packs.readers.detect import kind_of, read_kind, read_string
from roundtable.packs.store import PackStore
from roundtable.packs.worker import Runner, for_server, in_thread
from roundtable.packs.writers import QuestionWriter, TemplateWriter

log = logging.getLogger(__name__)

SHIPPED_DIR = Path(__file__).resolve().parents[2] / "prompts" / "packs"
AUTOCOMPLETE_LIMIT = 25


@dataclass(frozen=True, slots=True)
class SectionInfo:
    number: int
    title: str
    chars: int
    parts: int
    questions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ImportPreview:
    """What an import found, shown to the moderator before anything is saved."""

    pack: Pack
    left_out: tuple[LeftOut, ...]
    found_by: str  # "pack file", or how the sections were found in a plain text
    written_by: dict[str, int]  # questions written for sections that had too few, by writer
    split: tuple[Split, ...] = ()  # sections too long for one round, imported as several
    joined: tuple[Joined, ...] = ()  # short sections read together, when there are too many

    @property
    def generated_questions(self) -> int:
        return sum(self.written_by.values())

    @property
    def body(self) -> str:
        return render_pack(self.pack)

    @property
    def sections(self) -> list[SectionInfo]:
        return describe(self.pack)


def describe(pack: Pack) -> list[SectionInfo]:
    return [
        SectionInfo(n, s.title, s.chars, parts_needed(s), s.questions)
        for n, s in enumerate(pack.sections, start=1)
    ]


def check_postable(pack: Pack) -> None:
    """Every section must fit in a round's messages; raises PackError naming each that doesn't."""
    problems = []
    for number, section in enumerate(pack.sections, start=1):
        if parts_needed(section) > MAX_PARTS:
            problems.append(
                Problem(
                    None,
                    f"section {number} ({section.title}) is {section.chars:,} characters; a "
                    f"round posts at most {MAX_PARTS} parts of {PART_CHARS:,}: split it with "
                    "a heading",
                )
            )
    if problems:
        raise PackError(problems, what="This pack")


async def fill_questions(pack: Pack, writer: QuestionWriter) -> tuple[Pack, dict[str, int]]:
    """Give every section at least two questions: its own first, then written ones."""
    sections = []
    written_by: dict[str, int] = {}
    for section in pack.sections:
        if len(section.questions) >= MIN_QUESTIONS:
            sections.append(section)
            continue
        written, source = await writer(pack.title, section)
        fresh = [q for q in written if q not in section.questions]
        # Own questions first; written ones bring the section to three.
        extra = fresh[: max(MIN_QUESTIONS, 3) - len(section.questions)]
        written_by[source] = written_by.get(source, 0) + len(extra)
        sections.append(replace(section, questions=(*section.questions, *extra)))
    return replace(pack, sections=tuple(sections)), written_by


def _title_from_filename(filename: str) -> str:
    stem = Path(filename).stem
    words = re.sub(r"[_\-.]+", " ", stem).strip()
    return words[:1].upper() + words[1:] if words else "Imported text"


def read_pack_file(text: str) -> Pack | None:
    """The pack in `text` when it is a pack file: one marked `roundtable: 1` (PackError when
    it then has problems), or an unmarked one from before the marker that reads cleanly.
    None for any other text, which is imported as a text."""
    if not text.startswith("---"):
        return None
    if MARKER.match(text):
        return parse_pack(text)
    try:
        return parse_pack(text)
    except PackError:
        return None


_FOUND_BY = {
    "markdown": "by its headings",
    "numbered": "by numbered headings",
    "unmarked": "by short heading lines between paragraphs",
    "none": "no headings, so split into parts of similar length",
}
_KIND = {
    "text": "a plain text",
    "markdown": "a Markdown text",
    "rest": "a reStructuredText text",
    "html": "a saved web page",
    "pdf": "a PDF",
    "epub": "an EPUB book",
}


def _read_document(data: bytes, filename: str) -> tuple[Pack | None, Document | None]:
    """(the pack, None) for a pack file, else (None, the document to find sections in)."""
    kind = kind_of(data, filename)
    if kind in ("text", "markdown", "rest"):
        text = decode(data).lstrip("\ufeff")
        pack = read_pack_file(text)
        if pack is not None:
            return pack, None
        return None, read_string(text, markdown_file=kind == "markdown", rest_file=kind == "rest")
    return None, read_kind(kind, data)


@dataclass(frozen=True, slots=True)
class _Read:
    pack: Pack
    found_by: str
    left_out: tuple[LeftOut, ...] = ()
    split: tuple[Split, ...] = ()
    joined: tuple[Joined, ...] = ()


def _read_pack(data: bytes, filename: str, fallback_title: str) -> _Read:
    """The file read and its sections found, in one call in the worker: what crosses back to
    the bot is the pack, within the pack limits, never the whole parsed document."""
    pack, doc = _read_document(data, filename)
    if pack is not None:
        return _Read(pack, "pack file")
    assert doc is not None
    found = import_document(doc, fallback_title=fallback_title)
    meta = found.meta
    pack = Pack(
        title=found.title,
        sections=tuple(Section(s.title, s.text) for s in found.sections),
        author=meta.author,
        date=meta.date,
        source=meta.source or filename,
    )
    found_by = f"{_KIND[found.kind]}, {_FOUND_BY[found.headings]}"
    return _Read(pack, found_by, found.left_out, found.split, found.joined)


async def prepare_import(
    data: bytes,
    *,
    filename: str,
    title: str | None,
    writer: QuestionWriter,
    run: Runner = in_thread,
) -> ImportPreview:
    """Read the file (a pack file, or a text of any kind), write missing questions, check it
    posts. The reading runs off the event loop (`run`: a worker process in the bot), bounded
    in time: PDFs and books take a moment, and hostile texts must not hold anyone up."""
    read = await run(_read_pack, data, filename, title or _title_from_filename(filename))
    pack = read.pack
    if title:
        pack = replace(pack, title=title.strip())
    pack, written_by = await fill_questions(pack, writer)
    await run(_check_storable, pack)
    return ImportPreview(pack, read.left_out, read.found_by, written_by, read.split, read.joined)


def _check_storable(pack: Pack) -> None:
    """Postable, and the stored form reads back identical (checked before anything is saved;
    in a worker thread: a megabyte of text takes a moment to write and read again)."""
    check_postable(pack)
    if parse_pack(render_pack(pack)) != pack:
        raise UserError("This pack could not be stored faithfully; please report it.")


def load_pack_files(directory: Path) -> list[Pack]:
    """Every *.md pack in `directory`, validated; PackError names the file at fault."""
    packs = []
    for path in sorted(directory.glob("*.md")):
        try:
            pack = parse_pack(path.read_text("utf-8"))
            check_postable(pack)
        except PackError as exc:
            raise PackError(exc.problems, what=f"Shipped pack {path.name}") from exc
        packs.append(pack)
    return packs


@functools.lru_cache(maxsize=256)
def _parse_cached(body: str) -> Pack:
    return parse_pack(body)


class PackLibrary:
    def __init__(
        self,
        repo: PackStore,
        *,
        writer: QuestionWriter | None = None,
        run: Runner = in_thread,
    ):
        self._repo = repo
        self.run = run
        self.writer = writer or TemplateWriter(run)

    async def sync_shipped(self, directory: Path = SHIPPED_DIR) -> list[str]:
        """Load every pack file in `directory` as a shipped pack; returns their slugs."""
        packs = await asyncio.to_thread(load_pack_files, directory)
        entries = [(p.slug, p.title, render_pack(p), len(p.sections)) for p in packs]
        await self._repo.replace_shipped(entries)
        return [slug for slug, *_ in entries]

    async def preview_import(
        self, data: bytes, *, filename: str, title: str | None = None, guild_id: int | None = None
    ) -> ImportPreview:
        """The import's preview; a server's imports take turns in the worker (`guild_id`)."""
        run = for_server(self.run, guild_id)
        return await prepare_import(
            data, filename=filename, title=title, writer=self.writer, run=run
        )

    async def save(self, guild_id: int, preview: ImportPreview, *, by: int) -> PackRecord:
        pack = preview.pack
        try:
            return await self._repo.add(
                guild_id,
                slug=pack.slug,
                title=pack.title,
                body=preview.body,
                sections=len(pack.sections),
                by=by,
            )
        except DuplicatePack:
            raise UserError(
                f"A pack called {pack.title!r} (key {pack.slug}) already exists here: remove it "
                "first with /pack remove, or import again with another title."
            ) from None

    async def visible(self, guild_id: int) -> list[PackRecord]:
        return await self._repo.visible_to(guild_id)

    async def load(self, guild_id: int, slug: str) -> tuple[PackRecord, Pack]:
        record = await self._repo.get(guild_id, slug.strip())
        if record is None:
            raise UserError(f"There is no pack {slug!r} here: /pack list shows the packs.")
        return record, _parse_cached(record.body)

    async def section(self, guild_id: int, slug: str, number: int) -> tuple[PackRecord, Pack]:
        record, pack = await self.load(guild_id, slug)
        if not 1 <= number <= len(pack.sections):
            raise UserError(f"{pack.title} has sections 1 to {len(pack.sections)}, not {number}.")
        return record, pack

    async def section_of(self, guild_id: int, pack_id: int) -> tuple[PackRecord, Pack]:
        """The pack a round was run on, by its id."""
        record = await self._repo.by_id(guild_id, pack_id)
        if record is None:
            raise UserError("The pack this round was run on has been removed.")
        return record, _parse_cached(record.body)

    async def export(self, guild_id: int, slug: str) -> tuple[str, str]:
        """(file name, pack file text)."""
        record, _ = await self.load(guild_id, slug)
        return f"{record.slug}.md", record.body

    async def remove(self, guild_id: int, slug: str) -> PackRecord:
        record, _ = await self.load(guild_id, slug)
        if record.shipped:
            raise UserError(f"{record.title} ships with Roundtable and cannot be removed.")
        try:
            await self._repo.remove(guild_id, record.slug)
        except PackInUse as exc:
            if exc.series:
                raise UserError(
                    f"{record.title} cannot be removed: a scheduled series posts it. Delete the "
                    "series first (/schedule list shows it)."
                ) from None
            rounds = "round was" if exc.rounds == 1 else "rounds were"
            raise UserError(
                f"{record.title} cannot be removed: {exc.rounds} {rounds} run on it, and their "
                "history needs it. Export it if you want a copy to change."
            ) from None
        return record

    async def suggest_packs(self, guild_id: int, query: str) -> list[tuple[str, str]]:
        """(label, slug) pairs matching `query`, for autocomplete."""
        words = query.casefold().split()
        found = []
        for record in await self._repo.visible_to(guild_id):
            shipped = ", shipped" if record.shipped else ""
            label = f"{record.title} ({record.sections} sections{shipped})"
            if all(w in f"{record.title} {record.slug}".casefold() for w in words):
                found.append((label[:100], record.slug))
        return found[:AUTOCOMPLETE_LIMIT]

    async def suggest_sections(
        self, guild_id: int, slug: str | None, query: str
    ) -> list[tuple[str, int]]:
        if not slug:
            return []
        record = await self._repo.get(guild_id, slug)
        if record is None:
            return []
        pack = _parse_cached(record.body)
        words = query.casefold().split()
        found = []
        for number, section in enumerate(pack.sections, start=1):
            label = f"{number}. {section.title}"
            if all(w in label.casefold() for w in words):
                found.append((label[:100], number))
        return found[:AUTOCOMPLETE_LIMIT]
