"""The LLM summary: map-reduce within the context budget, every point citing real messages.

Messages are sent one a line, "12 A >3: text": numbered in each request (not snowflakes; a
number under 1,000 is one token), the author's stance by a short name, what it answers; very
long ones are cut to head and tail. The sections (each question's answers, the thread's
replies) are packed into requests in order, under a heading each, so that small ones share a
request and its instructions; a section is cut between requests along the stretches the
offline engine finds (a meeting's agenda items, silences, shifts of subject), so that a topic
reaches the model whole; only a stretch too big for one request is cut by size. Each message
is sent once (map); a point belongs to the section whose messages it cites, and a section
sent in several requests has its partial points merged (reduce), recursively until they fit.
The answer has the offline summary's shape: labelled points, disagreements, and the decisions
and actions, all citing message ids. Ids the model invents are dropped, and so are points
left without a citation. Token counts are estimated offline (about 4 characters a token) and
checked against the `usage` the server returns, to warn when a server truncated the prompt
without saying so.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import asdict, dataclass, replace
from typing import Any

from roundtable.llm import LLM
from roundtable.prompting import LLMError, Usage, clean, fence, load_prompt
from roundtable.summaries.lead import lead as lead_of
from roundtable.summaries.model import (
    QUESTIONS_ASKED,
    Contribution,
    Discussion,
    Point,
    Section,
    Summary,
    counts,
    stance_counts,
)
from roundtable.summaries.offline import (
    DISCUSSION,
    lean,
    limit_for,
    questions_asked,
    stretches,
    summarise_group,
)
from roundtable.text import without_links

log = logging.getLogger(__name__)

MAX_DECISIONS = 8
MESSAGE_CHARS = 700  # longer messages are cut to head and tail
OUTPUT_TOKENS = 1024
FENCE = "<<<END DATA 0123456789abcdef>>>"  # as long as a marker fence() makes
TRUNCATION_RATIO = 0.5  # usage below half the estimate: the server cut the prompt
FREE = "The free discussion in the thread"

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
_POINTS: dict[str, Any] = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {
            "label": {"type": "string"},
            "text": {"type": "string"},
            "ids": {"type": "array", "items": {"type": "string"}},
        },
        "required": ["label", "text", "ids"],
        "additionalProperties": False,
    },
}
SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "points": _POINTS,
        "disagreements": _CITED_ITEMS,
        "decisions": _CITED_ITEMS,
    },
    "required": ["points", "disagreements", "decisions"],
    "additionalProperties": False,
}


def base36(n: int) -> str:
    """A short alias number: "m1" … "mz", "m10" … "mzz" (under 46,656 messages, 3 digits)."""
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if not n:
            return out


def stance_aliases(labels: list[str]) -> dict[str, str]:
    """Each stance's short name in the request: its first letter, or as many as make it
    unique ("Agree" A, "Disagree" D, "Unsure" U; "Against" Ag beside "Agree" A)."""
    out: dict[str, str] = {}
    for label in labels:
        letters = "".join(ch for ch in label if ch.isalnum()) or label
        for n in range(1, len(letters) + 1):
            candidate = letters[:n].capitalize()
            if candidate not in out.values():
                out[label] = candidate
                break
        else:
            out[label] = label
    return out


def _flat(text: str) -> str:
    """On one line, without the brackets that frame a merged point's label."""
    return " ".join(text.replace("(", "[").replace(")", "]").split())


CHARS_PER_TOKEN = 4


def estimate_tokens(text: str) -> int:
    """An offline estimate (tiktoken downloads its tables at run time): ~4 characters a token."""
    return len(text) // CHARS_PER_TOKEN + 1


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
    label: str | None = None


@dataclass(frozen=True, slots=True)
class Answer:
    points: list[Draft]
    disagreements: list[Draft]
    decisions: list[Draft]


@dataclass(frozen=True, slots=True)
class _Row:
    """A line of a request: a message or, when merging, a partial point. It is numbered in
    the request it goes in: a number under 1,000 is one token, where an alias such as "m1c4"
    was four, and the framing is paid on every line."""

    ids: tuple[str, ...]  # the aliases it stands for: its message's, or a partial point's
    text: str
    stance: str = ""
    reply: str | None = None  # the alias of the message it answers
    label: str | None = None

    def render(self, number: int, numbers: dict[str, int]) -> str:
        """ "12 A >3: text": its number, its author's stance by its short name, the number of
        the message it answers when that is in the request too; "4 (label): text" merging."""
        head = str(number)
        if self.stance:
            head += f" {self.stance}"
        if self.reply in numbers:
            head += f" >{numbers[self.reply]}"
        if self.label is not None:
            head += f" ({self.label})"
        return f"{head}: {self.text}"

    def cost(self, width: int) -> int:
        """Characters it takes at most, with its newline, numbered with `width` digits."""
        widest = 10 ** (width - 1)
        return len(self.render(widest, {self.reply: widest} if self.reply else {})) + 1


@dataclass(slots=True)
class _Part:
    """A section of the summary as the model is sent it, under its heading: a question's
    answers or the thread, one row a message (or, when merging, a partial point)."""

    number: int | None
    title: str
    items: list[Contribution]
    rows: list[_Row]
    stretch: list[int] | None

    @property
    def heading(self) -> str:
        return "# " + _flat(f"Question {self.number}: {self.title}" if self.number else FREE)


def _runs(rows: list[_Row], stretch: list[int] | None) -> list[list[_Row]]:
    """Rows in runs that go to one request together: a stretch's, or each alone."""
    runs: list[list[_Row]] = []
    for n, row in enumerate(rows):
        if not runs or stretch is None or stretch[n] != stretch[n - 1]:
            runs.append([])
        runs[-1].append(row)
    return runs


def validate_answer(data: Any) -> Answer:
    """The model's answer, checked; `label` and `decisions` may be missing (a server that does
    not enforce the schema), anything else malformed is refused."""
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
            label = item.get("label")
            if isinstance(label, str):
                label = " ".join(label.split())[:60] or None
            else:
                label = None
            text = " ".join(item["text"].split())[:400]
            found.append(Draft(text, tuple(str(i).strip() for i in ids), label))
        return found

    points = drafts("points")
    if "points" not in data:
        raise ValueError("the answer has no points")
    return Answer(points, drafts("disagreements"), drafts("decisions"))


class LLMSummariser:
    def __init__(self, llm: LLM):
        self.llm = llm
        self.prompt = load_prompt("summary")
        self.budget = llm.settings.context_tokens

    async def summarise(self, d: Discussion, *, excluded: set[int]) -> Summary:
        allowed = [c for c in d.contributions if c.user_id not in excluded]
        # One alias per contribution: a member's answers share their card's message id, and
        # each must still be citable (the alias maps back to that id).
        own = {id(c): f"m{base36(n)}" for n, c in enumerate(allowed, start=1)}
        real = {own[id(c)]: c.message_id for c in allowed}
        alias: dict[int, str] = {}  # message id -> its first alias, for what a reply answers
        for c in allowed:
            alias.setdefault(c.message_id, own[id(c)])
        closing = {**d.opening, **d.closing}
        short = stance_aliases(list(d.stances) or sorted(set(closing.values())))
        legend = ", ".join(f"{a} = {label}" for label, a in short.items() if label)
        notes: list[str] = []
        warnings: list[str] = []  # this summary's own: the summariser is shared by every guild
        sections = []
        disagreements: list[Point] = []
        decisions: list[Point] = []
        filled: list[str] = []  # sections whose points are the offline engine's
        names = {n.lower() for n in d.names.values()}
        groups: list[tuple[int | None, str, list[Contribution]]] = [
            (n, q, [c for c in allowed if c.question == n]) for n, q in enumerate(d.questions, 1)
        ]
        replies = [c for c in allowed if c.question is None]
        # A help channel's questions and answers are told apart offline (#26): the model gets
        # the rest of the thread, and the section is the offline summary's.
        asked, covered, _ = questions_asked(replies, d.names)
        if replies or not d.questions:
            rest = [c for c in replies if c.message_id not in covered]
            if rest or not asked:
                groups.append((None, DISCUSSION, rest))
        parts = [
            _Part(number, title, items,
                  [self._row(c, own[id(c)], alias, closing, short) for c in items],
                  stretches(items, names))
            for number, title, items in groups
            if items
        ]  # fmt: skip
        answers, usage = await self._map_reduce(d.title, legend, parts, warnings)
        for number, title, items in groups:
            if not items:
                sections.append(Section(number, title, ()))
                continue
            answer = answers[(number, title)]
            limit = limit_for(len(items))
            points = self._cite(answer.points, real, items, limit, closing)
            if not points:  # the model cited nothing real: the offline points stand in
                points = summarise_group(items, closing, names=names)
                if points:
                    filled.append(title)
            sections.append(Section(number, title, points))
            disagreements += self._cite(answer.disagreements, real, items, 3)
            decisions += self._cite(answer.decisions, real, items, MAX_DECISIONS)
        if asked:
            sections.append(Section(None, QUESTIONS_ASKED, asked))
        if usage.prompt_tokens and excluded:
            notes.append(f"{len(excluded)} member(s) asked that their text not be sent to an LLM.")
        if filled:
            notes.append(
                "The LLM cited no real message for "
                + ("one section" if len(filled) == 1 else f"{len(filled)} sections")
                + "; the offline summary's points are shown there."
            )
        summary = Summary(
            title=d.title,
            engine="llm",
            sections=tuple(sections),
            stances=stance_counts(d),
            **asdict(counts(d)),
            disagreements=tuple(disagreements[:3]),
            notes=(*notes, *_one_note(warnings)),
            decisions=tuple(_distinct(decisions)[:MAX_DECISIONS]),
            prompt_tokens=usage.prompt_tokens,
            completion_tokens=usage.completion_tokens,
        )
        return replace(summary, lead=lead_of(summary, d))

    @staticmethod
    def _row(
        c: Contribution,
        me: str,
        alias: dict[int, str],
        closing: dict[int, str],
        short: dict[str, str],
    ) -> _Row:
        """A message as a line: the author's closing stance by its short name, the message it
        answers when known, the text on one line. Framing is paid for every message: as JSON
        ({"id":…,"stance":…}) it was ~12 tokens, half a short reply."""
        stance = closing.get(c.user_id)
        return _Row(
            (me,),
            " ".join(head_and_tail(c.text).split()),
            short.get(stance, stance) if stance else "",
            alias.get(c.reply_to) if c.reply_to else None,
        )

    def _input_budget(self, title: str, scope: str) -> int:
        """What a request has left for its lines: the budget less the instructions and the
        request's own header as they will be sent, and the answer's room."""
        system, user = self.prompt.render(
            max_points="12", title=title, scope=scope, fence_start=FENCE, messages="",
            fence_end=FENCE,
        )  # fmt: skip
        return max(200, self.budget - estimate_tokens(system + user) - OUTPUT_TOKENS)

    def _pack(self, parts: list[_Part], budget: int) -> list[list[tuple[int, list[_Row]]]]:
        """The parts' rows packed into requests within the budget, in order, each part's
        under its heading: small parts share a request, so the instructions are sent once for
        all of them. Whole stretches go together: a request never ends inside a stretch that
        fits in one; a stretch bigger than a request is cut by size where it falls."""
        # Counted in characters, as the estimate counts the request: a line and its newline,
        # numbered with as many digits as the most rows would take.
        room = budget * CHARS_PER_TOKEN - CHARS_PER_TOKEN
        width = len(str(sum(len(part.rows) for part in parts)))
        chunks: list[list[tuple[int, list[_Row]]]] = [[]]
        used = 0

        def opening(n: int) -> int:  # what the part's heading costs if it starts here
            return 0 if chunks[-1] and chunks[-1][-1][0] == n else len(parts[n].heading) + 1

        for n, part in enumerate(parts):
            for run in _runs(part.rows, part.stretch):
                cost = sum(r.cost(width) for r in run)
                if chunks[-1] and cost <= room and used + opening(n) + cost > room:
                    chunks.append([])
                    used = 0
                for row in run:
                    if chunks[-1] and used + opening(n) + row.cost(width) > room:
                        chunks.append([])
                        used = 0
                    used += opening(n) + row.cost(width)
                    if not chunks[-1] or chunks[-1][-1][0] != n:
                        chunks[-1].append((n, []))
                    chunks[-1][-1][1].append(row)
        return [chunk for chunk in chunks if chunk]

    async def _map_reduce(
        self, title: str, legend: str, parts: list[_Part], warnings: list[str]
    ) -> tuple[dict[tuple[int | None, str], Answer], Usage]:
        """Map over packed requests (each message sent once); a model's point belongs to the
        part whose messages it cites. A part sent in several requests has its partial points
        merged (reduce)."""
        header = f"Stances: {legend}." if legend else ""
        usage = Usage()
        where = {a: n for n, part in enumerate(parts) for row in part.rows for a in row.ids}
        partial: list[list[Answer]] = [[] for _ in parts]
        for chunk in self._pack(parts, self._input_budget(title, header)):
            most = max(limit_for(len(parts[n].items)) for n, _ in chunk)
            answer, used = await self._ask(title, header, parts, chunk, most, warnings)
            usage += used
            split = {n: Answer([], [], []) for n, _ in chunk}
            for kind in ("points", "disagreements", "decisions"):
                for draft in getattr(answer, kind):
                    votes = Counter(where[i] for i in draft.ids if where.get(i, -1) in split)
                    if votes:  # citing nothing sent, it says nothing checkable
                        getattr(split[votes.most_common(1)[0][0]], kind).append(draft)
            for n, found in split.items():
                partial[n].append(found)
        answers = {}
        for n, part in enumerate(parts):
            answer, used = await self._reduce(title, header, part, partial[n], warnings)
            usage += used
            answers[(part.number, part.title)] = answer
        return answers, usage

    async def _reduce(
        self, title: str, header: str, part: _Part, partial: list[Answer], warnings: list[str]
    ) -> tuple[Answer, Usage]:
        """A part's partial answers merged until one remains."""
        usage = Usage()
        merging = f"{header} (merge these partial points)".lstrip()
        most = limit_for(len(part.items))
        while len(partial) > 1:
            rows = [
                _Row(p.ids, _flat(p.text), label=_flat(p.label or ""))
                for answer in partial
                for p in answer.points
                if p.ids
            ]
            clashes = [c for a in partial for c in a.disagreements]
            decided = [c for a in partial for c in a.decisions]
            if not rows:  # no partial point cites anything: nothing to merge
                return Answer([], clashes, decided), usage
            reduced = []
            points = [replace(part, rows=rows, stretch=None)]
            for chunk in self._pack(points, self._input_budget(title, merging)):
                answer, used = await self._ask(title, merging, points, chunk, most, warnings)
                usage += used
                reduced.append(Answer(answer.points, answer.disagreements, []))
            if len(reduced) >= len(partial):  # no progress: keep the first chunk's result
                reduced = reduced[:1]
            first = reduced[0]
            reduced[0] = Answer(first.points, first.disagreements + clashes, decided)
            partial = reduced
        return (partial[0] if partial else Answer([], [], [])), usage

    async def _ask(
        self,
        title: str,
        scope: str,
        parts: list[_Part],
        chunk: list[tuple[int, list[_Row]]],
        max_points: int,
        warnings: list[str],
    ) -> tuple[Answer, Usage]:
        """One request. Its rows are numbered from 1; the answer comes back citing the
        aliases those numbers stand for (a partial point's number, all of its ids)."""
        lines: list[str] = []
        numbers: dict[str, int] = {}  # a message's alias -> its number here
        stands_for: dict[str, tuple[str, ...]] = {}
        for n, rows in chunk:
            lines.append(parts[n].heading)
            for row in rows:
                number = len(stands_for) + 1
                lines.append(row.render(number, numbers))
                numbers[row.ids[0]] = number
                stands_for[str(number)] = row.ids
        fenced = fence("\n".join(lines))
        system, user = self.prompt.render(
            max_points=str(max_points),
            title=title,
            scope=scope,
            fence_start=fenced.start,
            messages=fenced.text,
            fence_end=fenced.end,
        )
        estimate = estimate_tokens(system + user)
        if estimate > self.budget:
            raise LLMError(f"a request of ~{estimate} tokens exceeds the {self.budget} budget")
        answer, used = await self.llm.complete_json(
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

        def cited(drafts: list[Draft]) -> list[Draft]:
            return [
                replace(
                    d, ids=tuple(dict.fromkeys(a for i in d.ids for a in stands_for.get(i, ())))
                )
                for d in drafts
            ]

        found = Answer(cited(answer.points), cited(answer.disagreements), cited(answer.decisions))
        return found, used

    @staticmethod
    def _cite(
        drafts: list[Draft],
        real: dict[str, int],
        items: list[Contribution],
        limit: int,
        closing: dict[int, str] | None = None,
    ) -> tuple[Point, ...]:
        """Ids become message ids; unknown ids are dropped, and points left with none. With
        the members' closing stances, a point says which way its members lean, as the offline
        summary's do."""
        users = {c.message_id: c.user_id for c in items}
        said = {c.message_id: c.text for c in items}
        points = []
        for draft in drafts[:limit]:
            ids = tuple(dict.fromkeys(real[i] for i in draft.ids if i in real and real[i] in users))
            text = published(without_links(draft.text), [said[i] for i in ids])
            if ids and text:
                holders = {users[i] for i in ids}
                label = without_links(draft.label) if draft.label else None
                side = lean(holders, closing) if closing is not None else None
                points.append(Point(text, ids, len(holders), side, label))
        return tuple(points)


# A point reports what members said; a sentence that tells the reader to do something, or
# speaks to them, is not a report but what an injection in the data looks like ("Visit …",
# "DM the admin your password", "You have won …"). Such a sentence is dropped; a member's own
# words in quotation marks, as a cited message says them, are reported, not read as the model's.
_INSTRUCTION = re.compile(
    r"^(?:please|click|tap|visit|go to|follow|subscribe|join|contact|e-?mail|dm|send|download|"
    r"install|sign up|log in|register|buy|donate|ignore|disregard|forget|reply|respond|tell|"
    r"check|see|hurry|upvote|don't|do not|remember|make sure)\b",
    re.IGNORECASE,
)
_TO_THE_READER = re.compile(r"\b(?:you|your|yours|yourself|yourselves|u|ur)\b", re.IGNORECASE)
_QUOTED = re.compile(r"[“\"]([^”\"]+)[”\"]")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"“'(]?[A-Z0-9])")


def published(text: str, cited: list[str]) -> str:
    """A model's point as the bot publishes it: without the sentences that instruct or address
    the reader, unless in quotation marks what a cited message says; "" when none is left."""
    sources = " ".join(" ".join(t.lower().split()) for t in cited)
    kept = []
    for sentence in _SENTENCE_END.split(text.strip()):
        # What a cited message says, quoted, is a member's words: not read as the model's.
        own = _QUOTED.sub(lambda m: " " if _said(m.group(1), sources) else m.group(0), sentence)
        words = _plain(own)
        if not (_INSTRUCTION.match(words) or _TO_THE_READER.search(words)):
            kept.append(sentence)
    return " ".join(kept).strip()


def _plain(text: str) -> str:
    return " ".join(text.lower().split()).strip(" .!?\"“”'")


def _said(text: str, sources: str) -> bool:
    words = _plain(text)
    return len(words) > 12 and words in sources


def _distinct(points: list[Point]) -> list[Point]:
    """Decisions said again in another chunk or group, once."""
    seen: set[str] = set()
    out = []
    for p in points:
        key = " ".join(p.text.lower().split())
        if key not in seen:
            seen.add(key)
            out.append(Point(p.text, p.message_ids))
    return out


def _one_note(warnings: list[str]) -> list[str]:
    """Truncation warnings as one note: the first, and how many requests it happened to."""
    if len(warnings) <= 1:
        return warnings
    return [f"{warnings[0]} ({len(warnings)} requests were cut.)"]
