"""A section as Discord messages: numbered parts within Discord's limits, questions always shown.

The layout is Discord-free (plain dataclasses); cogs turn it into embeds. `/pack preview` and a
round post the same layout, so a preview is exactly what members will see.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from roundtable.errors import UserError
from roundtable.packs.model import Pack, Section
from roundtable.packs.sentences import split_sentences
from roundtable.text import clip

# Discord's documented limits.
EMBED_DESCRIPTION_MAX = 4096
EMBED_TITLE_MAX = 256
EMBED_FOOTER_MAX = 2048
EMBED_TOTAL_MAX = 6000
EMBEDS_PER_MESSAGE = 10
CONTENT_MAX = 2000

PART_CHARS = 3800  # text per part, leaving room in the description for nothing else
MAX_PARTS = 10


@dataclass(frozen=True, slots=True)
class EmbedSpec:
    title: str | None = None
    description: str | None = None
    footer: str | None = None

    @property
    def chars(self) -> int:
        return sum(len(x or "") for x in (self.title, self.description, self.footer))


@dataclass(frozen=True, slots=True)
class MessageSpec:
    embeds: tuple[EmbedSpec, ...] = ()
    content: str = ""
    has_questions: bool = False

    @property
    def embed_chars(self) -> int:
        return sum(e.chars for e in self.embeds)


@dataclass(frozen=True, slots=True)
class Excerpt:
    """What posting a section takes: its messages, the last one carrying the questions."""

    messages: tuple[MessageSpec, ...]
    parts: int
    questions: tuple[str, ...] = field(default=())


def _pack(
    pieces: list[str], limit: int, joiner: str, split: Callable[[str], list[str]]
) -> list[str]:
    """Greedily join pieces into chunks of at most `limit`; a piece too long is `split` first."""
    chunks: list[str] = []
    current = ""
    for piece in pieces:
        if len(piece) > limit:
            if current:
                chunks.append(current)
            parts = split(piece)
            chunks.extend(parts[:-1])
            current = parts[-1]
            continue
        candidate = f"{current}{joiner}{piece}" if current else piece
        if len(candidate) <= limit:
            current = candidate
        else:
            chunks.append(current)
            current = piece
    if current:
        chunks.append(current)
    return chunks


def _hard(word: str, limit: int) -> list[str]:
    """A single "word" longer than a part (a URL, say) is cut: there is no other boundary."""
    return [word[i : i + limit] for i in range(0, len(word), limit)]


def split_text(text: str, limit: int = PART_CHARS) -> list[str]:
    """Chunks of at most `limit` characters at paragraph, then sentence, then word boundaries."""

    def by_words(sentence: str) -> list[str]:
        return _pack(sentence.split(" "), limit, " ", lambda word: _hard(word, limit))

    def by_sentences(paragraph: str) -> list[str]:
        return _pack(split_sentences(paragraph), limit, " ", by_words)

    return _pack(text.split("\n\n"), limit, "\n\n", by_sentences)


def questions_embed(questions: tuple[str, ...], notes: tuple[str, ...] = ()) -> EmbedSpec:
    lines = [f"**{n}.** {q}" for n, q in enumerate(questions, start=1)]
    if notes:
        lines += ["", *notes]
    return EmbedSpec(title="Questions", description="\n".join(lines))


def layout(
    pack: Pack,
    number: int,
    *,
    heading: str | None = None,
    notes: tuple[str, ...] = (),
) -> Excerpt:
    """The messages that post section `number` (from 1) of `pack`.

    `heading` replaces the first part's title (a round puts "Round 3 · ..." there); `notes`
    are lines under the questions (closing time, how to answer).
    """
    section = pack.section(number)
    chunks = split_text(section.text)
    if len(chunks) > MAX_PARTS:
        raise UserError(
            f"Section {number} ({section.title}) is {section.chars:,} characters: a round posts "
            f"at most {MAX_PARTS} parts of {PART_CHARS:,}. Split it with a heading and import "
            "the pack again."
        )
    total = len(chunks)
    footer = clip(
        f"{pack.title}{' · ' + pack.author if pack.author else ''} · section {number} of "
        f"{len(pack.sections)}",
        EMBED_FOOTER_MAX,
    )
    base_title = heading or section.title
    embeds = []
    for index, chunk in enumerate(chunks, start=1):
        title = base_title if total == 1 else f"{base_title} (part {index}/{total})"
        embeds.append(
            EmbedSpec(title=clip(title, EMBED_TITLE_MAX), description=chunk, footer=footer)
        )
    questions = questions_embed(section.questions, notes)
    messages = [MessageSpec(embeds=(e,)) for e in embeds]
    last = messages[-1]
    if last.embed_chars + questions.chars <= EMBED_TOTAL_MAX:
        messages[-1] = MessageSpec(embeds=(*last.embeds, questions), has_questions=True)
    else:
        messages.append(MessageSpec(embeds=(questions,), has_questions=True))
    return Excerpt(messages=tuple(messages), parts=total, questions=section.questions)


def parts_needed(section: Section) -> int:
    return len(split_text(section.text))
