"""A local fake OpenAI-compatible server (aiohttp on 127.0.0.1) with scripted replies.

Tests point the real `openai` client at `base_url` and script what the "model" answers:

    async with FakeOpenAI() as llm:
        llm.script(Reply.json({"questions": [...]}), Reply.error(500), ...)
        ...settings OPENAI_BASE_URL=llm.base_url...
        llm.requests  # every request body, in order

With no script left, `default` answers: for the prompts Roundtable sends it writes plausible,
deterministic output (so `make demo` can show the LLM path), otherwise an error.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from sandbox.serving import LoopbackServer


@dataclass(frozen=True)
class Reply:
    status: int = 200
    content: str | None = None  # the assistant message
    delay: float = 0.0
    usage: tuple[int, int] = (100, 50)  # prompt, completion tokens
    error: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    raw: str | None = None  # a body sent as it is (status 200), e.g. an HTML page
    body: dict[str, Any] | None = None  # a whole JSON body of any shape, instead of ours
    content_type: str = "text/html"

    @classmethod
    def json(cls, data: Any, **kw: Any) -> Reply:
        return cls(content=json.dumps(data), **kw)

    @classmethod
    def text(cls, content: str, **kw: Any) -> Reply:
        return cls(content=content, **kw)

    @classmethod
    def failure(cls, status: int, message: str = "scripted failure", **kw: Any) -> Reply:
        # retry-after-ms keeps the client's own back-off short in tests.
        headers = {"retry-after-ms": "1", **kw.pop("headers", {})}
        return cls(status=status, error=message, headers=headers, **kw)


def _task(request: dict[str, Any]) -> str:
    messages = request.get("messages") or []
    system = messages[0].get("content", "") if messages else ""
    match = re.match(r"Task: ([\w-]+)", system)
    return match.group(1) if match else ""


def default_reply(request: dict[str, Any]) -> Reply:
    """Plausible answers for Roundtable's own prompts, for demos."""
    if _task(request) == "debate-questions":
        user = request["messages"][-1]["content"]
        section = re.search(r"^Section: (.+)$", user, re.MULTILINE)
        title = section.group(1) if section else "this section"
        return Reply.json(
            {
                "questions": [
                    f"What is the strongest claim in “{title}”, and do you agree with it?",
                    f"What evidence would change your mind about the argument of “{title}”?",
                    f"If “{title}” is right, who gains and who loses?",
                ]
            }
        )
    if _task(request) == "round-summary":
        return Reply.json(_stand_in_summary(request["messages"][-1]["content"]))
    return Reply.failure(400, "the fake server has no answer for this prompt")


_WORD = re.compile(r"[A-Za-z][A-Za-z'-]{3,}")
_COMMON = frozenset(
    "that this with what would have there their about which from were they them than then "
    "into also just only some more most much very will want should could does like even".split()
)


# A line of the request as the LLM path writes it: "7 D >3: text" (a message: its number in the
# request, its author's stance by its short name and what it answers, when known) or
# "4 (label): text" (a partial point to merge), each under its part's heading "# Question 1: …".
_LINE = re.compile(
    r"^(?P<id>[0-9]+)(?: (?P<stance>[A-Za-z0-9]+))?"
    r"(?: >(?P<reply_to>[0-9]+))?(?: \((?P<label>[^)]*)\))?: (?P<text>.*)$"
)


def parse_line(line: str) -> dict[str, str] | None:
    """A request line as a dict (id, stance, reply_to, label, text: those it has)."""
    match = _LINE.match(line)
    if match is None:
        return None
    return {k: v for k, v in match.groupdict().items() if v is not None}


def _stand_in_summary(user: str) -> dict[str, Any]:
    """A summary shaped like a model's, made by rule from the messages it was sent: in each
    part, one point per stance (members without one together), stated by the group's longest
    message's first sentence and labelled with that sentence's first words; at most 6 a part.
    A stand-in, not a summariser."""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    part = ""
    for line in user.splitlines():
        if line.startswith("# "):
            part = line
        elif (item := parse_line(line)) is not None:
            groups.setdefault((part, str(item.get("stance") or "")), []).append(item)
    points = []
    per_part: dict[str, int] = {}
    for (part, stance), group in groups.items():
        per_part[part] = per_part.get(part, 0) + 1
        if per_part[part] > 6:
            continue
        longest = max(group, key=lambda item: len(str(item.get("text", ""))))
        sentence = re.split(r"(?<=[.!?])\s", str(longest.get("text", "")).strip())[0][:200]
        words = [w for w in _WORD.findall(sentence) if w.lower() not in _COMMON][:3]
        who = "Members" if len(group) > 1 else "A member"
        side = f" who chose {stance}" if stance else ""
        points.append(
            {
                "label": " ".join(words) or "The discussion",
                "text": f"{who}{side} argued: {sentence}",
                "ids": [str(item["id"]) for item in group][:4],
            }
        )
    return {"points": points, "disagreements": [], "decisions": []}


class FakeOpenAI(LoopbackServer):
    def __init__(self, default: Callable[[dict[str, Any]], Reply] = default_reply) -> None:
        super().__init__()
        self.default = default
        self.requests: list[dict[str, Any]] = []
        self._script: deque[Reply] = deque()
        self._ids = itertools.count(1)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def script(self, *replies: Reply) -> None:
        self._script.extend(replies)

    def make_app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._completions)
        app.router.add_get("/v1/models", self._models)
        return app

    async def _models(self, request: web.Request) -> web.Response:
        return web.json_response({"object": "list", "data": [{"id": "fake", "object": "model"}]})

    async def _completions(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.requests.append(body)
        reply = self._script.popleft() if self._script else self.default(body)
        if reply.delay:
            await asyncio.sleep(reply.delay)
        if reply.raw is not None:
            return web.Response(text=reply.raw, content_type=reply.content_type)
        if reply.body is not None:
            return web.json_response(reply.body)
        if reply.status != 200:
            return web.json_response(
                {"error": {"message": reply.error, "type": "fake_error", "code": None}},
                status=reply.status,
                headers=reply.headers,
            )
        prompt, completion = reply.usage
        return web.json_response(
            {
                "id": f"chatcmpl-{next(self._ids)}",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": body.get("model", "fake"),
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": reply.content},
                        "finish_reason": "stop",
                    }
                ],
                "usage": {
                    "prompt_tokens": prompt,
                    "completion_tokens": completion,
                    "total_tokens": prompt + completion,
                },
            },
            headers=reply.headers,
        )
