"""The LLM summary: map-reduce within the context budget, every point citing real messages.

Messages are sent as JSON lines with short aliases (m1, m2, ...) instead of snowflakes; very
long ones are cut to head and tail. Each group (a question's answers, the thread's replies) is
cut into chunks that fit the budget; each chunk is summarised once (map), and a group with
several chunks has its partial points merged (reduce), recursively until they fit. Ids the
model invents are dropped, and so are points left without a citation. Token counts are
estimated offline (about 4 characters a token) and checked against the `usage` the server
returns, to warn when a server truncated the prompt without saying so.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass
from typing import Any

from roundtable.llm import LLM
from roundtable.prompting import LLMError, Usage, clean, fence, load_prompt
from roundtable.summaries.model import (
    Contribution,
    Discussion,
    Point,
    Section,
    Summary,
    counts,
    stance_counts,
)
from roundtable.summaries.offline import DISCUSSION

log = logging.getLogger(__name__)

MAX_POINTS = 5
MESSAGE_CHARS = 700  # longer messages are cut to head and tail
OUTPUT_TOKENS = 1024
PROMPT_OVERHEAD = 600  # the instructions, estimated
TRUNCATION_RATIO = 0.5  # usage below half the estimate: the server cut the prompt

_CITED_ITEMS: dict[str, Any] = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {
            "text": {"type": "string"},
            "ids": {"type": "array", "items": {"type": "string"}},
        },
        "required": ["text", "ids"],
        "additionalProperties": False,
    },
}
SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"points": _CITED_ITEMS, "disagreements": _CITED_ITEMS},
    "required": ["points", "disagreements"],
    "additionalProperties": False,
}


def estimate_tokens(text: str) -> int:
    """An offline estimate (tiktoken downloads its tables at run time): ~4 characters a token."""
    return len(text) // 4 + 1


def head_and_tail(text: str, limit: int = MESSAGE_CHARS) -> str:
    text = clean(text).strip()
    if len(text) <= limit:
        return text
    head = int(limit * 0.7)
    return f"{text[:head]} [...] {text[-(limit - head - 7) :]}"  # ASCII: fence() applies NFKC


@dataclass(frozen=True, slots=True)
class Draft:
    text: str
    ids: tuple[str, ...]


def validate_answer(data: Any) -> tuple[list[Draft], list[Draft]]:
    if not isinstance(data, dict):
        raise ValueError("expected a JSON object with points and disagreements")

    def drafts(key: str) -> list[Draft]:
        items = data.get(key, [])
        if not isinstance(items, list):
            raise ValueError(f"{key} must be a list")
        found = []
        for item in items:
            if not isinstance(item, dict) or not isinstance(item.get("text"), str):
                raise ValueError(f"each of {key} needs a text")
            ids = item.get("ids") or []
            if not isinstance(ids, list):
                raise ValueError("ids must be a list")
            found.append(Draft(" ".join(item["text"].split())[:400], tuple(str(i) for i in ids)))
        return found

    points = drafts("points")
    if "points" not in data:
        raise ValueError("the answer has no points")
    return points, drafts("disagreements")


class LLMSummariser:
    def __init__(self, llm: LLM):
        self.llm = llm
        self.prompt = load_prompt("summary")
        self.budget = llm.settings.context_tokens

    async def summarise(self, d: Discussion, *, excluded: set[int]) -> Summary:
        allowed = [c for c in d.contributions if c.user_id not in excluded]
        alias = {c.message_id: f"m{n}" for n, c in enumerate(allowed, start=1)}
        real = {v: k for k, v in alias.items()}
        closing = {**d.opening, **d.closing}
        usage = Usage()
        notes: list[str] = []
        warnings: list[str] = []  # this summary's own: the summariser is shared by every guild
        sections = []
        disagreements: list[Point] = []
        groups: list[tuple[int | None, str, list[Contribution]]] = [
            (n, q, [c for c in allowed if c.question == n]) for n, q in enumerate(d.questions, 1)
        ]
        replies = [c for c in allowed if c.question is None]
        if replies or not d.questions:
            groups.append((None, DISCUSSION, replies))
        for number, title, items in groups:
            if not items:
                sections.append(Section(number, title, ()))
                continue
            lines = [self._line(c, alias, closing) for c in items]
            scope = f"Question {number}: {title}" if number else "The free discussion in the thread"
            points, clashes, used = await self._group(d.title, scope, lines, warnings)
            usage += used
            sections.append(Section(number, title, self._cite(points, real, items)))
            disagreements += self._cite(clashes, real, items)
        if usage.prompt_tokens and excluded:
            notes.append(f"{len(excluded)} member(s) asked that their text not be sent to an LLM.")
        return Summary(
            title=d.title,
            engine="llm",
            sections=tuple(sections),
            stances=stance_counts(d),
            **asdict(counts(d)),
            disagreements=tuple(disagreements[:3]),
            notes=(*notes, *_one_note(warnings)),
            prompt_tokens=usage.prompt_tokens,
            completion_tokens=usage.completion_tokens,
        )

    @staticmethod
    def _line(c: Contribution, alias: dict[int, str], closing: dict[int, str]) -> str:
        return json.dumps(
            {
                "id": alias[c.message_id],
                "stance": closing.get(c.user_id),
                "reply_to": alias.get(c.reply_to) if c.reply_to else None,
                "text": head_and_tail(c.text),
            },
            ensure_ascii=False,
        )

    def _input_budget(self) -> int:
        return max(200, self.budget - PROMPT_OVERHEAD - OUTPUT_TOKENS)

    def _chunks(self, lines: list[str]) -> list[list[str]]:
        chunks: list[list[str]] = [[]]
        used = 0
        for line in lines:
            cost = estimate_tokens(line) + 2
            if chunks[-1] and used + cost > self._input_budget():
                chunks.append([])
                used = 0
            chunks[-1].append(line)
            used += cost
        return chunks

    async def _group(
        self, title: str, scope: str, lines: list[str], warnings: list[str]
    ) -> tuple[list[Draft], list[Draft], Usage]:
        """Map over chunks (each message sent once), then reduce until one answer remains."""
        usage = Usage()
        partial: list[tuple[list[Draft], list[Draft]]] = []
        for chunk in self._chunks(lines):
            points, clashes, used = await self._ask(title, scope, chunk, warnings)
            usage += used
            partial.append((points, clashes))
        while len(partial) > 1:
            merged_lines = [
                json.dumps(
                    {"id": ",".join(p.ids), "stance": None, "reply_to": None, "text": p.text}
                )
                for points, _ in partial
                for p in points
            ]
            clashes = [c for _, cs in partial for c in cs]
            reduced = []
            for chunk in self._chunks(merged_lines):
                points, more, used = await self._ask(
                    title, f"{scope} (merge these partial points)", chunk, warnings
                )
                usage += used
                reduced.append((self._expand(points), more))
            if len(reduced) >= len(partial):  # no progress: keep the first chunk's result
                reduced = reduced[:1]
            reduced[0] = (reduced[0][0], reduced[0][1] + clashes)
            partial = reduced
        return partial[0][0], partial[0][1], usage

    @staticmethod
    def _expand(points: list[Draft]) -> list[Draft]:
        """In a reduce step an id may be "m1,m4": the ids of a partial point."""
        return [Draft(p.text, tuple(i for ids in p.ids for i in ids.split(","))) for p in points]

    async def _ask(
        self, title: str, scope: str, lines: list[str], warnings: list[str]
    ) -> tuple[list[Draft], list[Draft], Usage]:
        body = "\n".join(lines)
        fenced = fence(body)
        system, user = self.prompt.render(
            max_points=str(MAX_POINTS),
            title=title,
            scope=scope,
            fence_start=fenced.start,
            messages=fenced.text,
            fence_end=fenced.end,
        )
        estimate = estimate_tokens(system + user)
        if estimate > self.budget:
            raise LLMError(f"a request of ~{estimate} tokens exceeds the {self.budget} budget")
        (points, clashes), used = await self.llm.complete_json(
            system=system,
            user=user,
            schema_name="round_summary",
            schema=SCHEMA,
            validate=validate_answer,
            max_tokens=OUTPUT_TOKENS,
        )
        if (
            used.prompt_tokens
            and used.prompt_tokens < estimate * TRUNCATION_RATIO
            and estimate > 1000
        ):
            warning = (
                f"The LLM server reported {used.prompt_tokens} prompt tokens for a request of "
                f"about {estimate}: it probably cut the discussion short (Ollama does this "
                "silently; raise its num_ctx or lower LLM_CONTEXT_TOKENS)."
            )
            log.warning(warning)
            warnings.append(warning)
        return points, clashes, used

    @staticmethod
    def _cite(
        drafts: list[Draft], real: dict[str, int], items: list[Contribution]
    ) -> tuple[Point, ...]:
        """Ids become message ids; unknown ids are dropped, and points left with none."""
        users = {c.message_id: c.user_id for c in items}
        points = []
        for draft in drafts[:MAX_POINTS]:
            ids = tuple(dict.fromkeys(real[i] for i in draft.ids if i in real and real[i] in users))
            if ids:
                points.append(Point(draft.text, ids, len({users[i] for i in ids})))
        return tuple(points)


def _one_note(warnings: list[str]) -> list[str]:
    """Truncation warnings as one note: the first, and how many requests it happened to."""
    if len(warnings) <= 1:
        return warnings
    return [f"{warnings[0]} ({len(warnings)} requests were cut.)"]
