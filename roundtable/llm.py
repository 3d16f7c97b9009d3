"""Any OpenAI-compatible chat model, asked for JSON, answered or refused cleanly.

`LLM.complete_json` asks for structured output with a JSON schema, falls back to JSON mode with
the schema in the prompt when the server does not support schemas, parses tolerantly, and asks
once more when the answer does not validate. Every failure (timeout, refused connection, an
error status after the client's own retries, unusable output) becomes `LLMError`, so callers
can fall back to their offline path.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from roundtable.prompting import LLMError, Usage, parse_json_object
from roundtable.settings import LLMSettings, Settings

if TYPE_CHECKING:  # the openai package (~24 MB) is imported only when an LLM is configured
    from openai import AsyncOpenAI

log = logging.getLogger(__name__)

MAX_RETRIES = 2
T = TypeVar("T")


class LLM:
    def __init__(self, client: AsyncOpenAI, settings: LLMSettings):
        self.client = client
        self.settings = settings
        self._schemas_supported = True

    async def _ask(
        self,
        messages: list[dict[str, str]],
        schema_name: str,
        schema: dict[str, Any],
        max_tokens: int,
    ) -> tuple[str, Usage]:
        base: dict[str, Any] = {
            "model": self.settings.model,
            "messages": messages,
            "max_tokens": max_tokens,
            "temperature": 0.2,
        }
        import openai  # loaded already: this LLM's client was made with it

        if self._schemas_supported:
            try:
                return await self._create(
                    **base,
                    response_format={
                        "type": "json_schema",
                        "json_schema": {"name": schema_name, "schema": schema, "strict": True},
                    },
                )
            except openai.BadRequestError as exc:
                log.info(
                    "The LLM server refused a JSON schema (%s); using JSON mode", exc.status_code
                )
                self._schemas_supported = False
        with_schema = [
            {
                "role": "system",
                "content": messages[0]["content"]
                + "\n\nAnswer with one JSON object matching this JSON schema:\n"
                + json.dumps(schema),
            },
            *messages[1:],
        ]
        return await self._create(
            **{**base, "messages": with_schema}, response_format={"type": "json_object"}
        )

    async def _create(self, **request: Any) -> tuple[str, Usage]:
        response = await self.client.chat.completions.create(**request)
        # Servers answer 200 with all sorts of things (an HTML page behind a wrong base URL,
        # null usage, a null message, content as a list of parts): read what is there.
        choices = getattr(response, "choices", None)
        if not isinstance(choices, list) or not choices:
            raise ValueError(f"the answer is not a chat completion: {str(response)[:120]!r}")
        message = getattr(choices[0], "message", None)
        content = getattr(message, "content", None)
        if isinstance(content, list):  # parts: [{"type": "text", "text": ...}, ...]
            content = "".join(
                str(p.get("text", "")) if isinstance(p, dict) else str(getattr(p, "text", ""))
                for p in content
            )
        if not isinstance(content, str):
            raise ValueError("the answer has no text")
        usage = getattr(response, "usage", None)
        return content, Usage(
            _count(getattr(usage, "prompt_tokens", 0)),
            _count(getattr(usage, "completion_tokens", 0)),
        )

    async def complete_json(
        self,
        *,
        system: str,
        user: str,
        schema_name: str,
        schema: dict[str, Any],
        validate: Callable[[Any], T],
        max_tokens: int = 800,
    ) -> tuple[T, Usage]:
        """Ask for JSON; `validate` returns the value or raises ValueError. One re-ask."""
        messages = [{"role": "system", "content": system}, {"role": "user", "content": user}]
        usage = Usage()
        problem = ""
        for attempt in range(2):
            try:
                content, used = await self._ask(messages, schema_name, schema, max_tokens)
            except Exception as exc:  # any failure: the caller falls back, always
                raise LLMError(f"the LLM request failed: {exc}") from exc
            usage += used
            try:
                return validate(parse_json_object(content)), usage
            except (ValueError, TypeError, KeyError, AttributeError) as exc:
                problem = str(exc)
                log.info("LLM answer unusable (attempt %d): %s", attempt + 1, problem)
                messages = [
                    *messages,
                    {"role": "assistant", "content": content[:4000]},
                    {
                        "role": "user",
                        "content": f"That answer was not usable: {problem}. Reply again with "
                        "only the JSON object the schema describes.",
                    },
                ]
        raise LLMError(f"the LLM gave no usable answer: {problem}")


def _count(value: Any) -> int:
    """A token count as a server reported it: an int, or 0 for null, strings and the rest."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


@asynccontextmanager
async def open_llm(settings: Settings) -> AsyncIterator[LLM | None]:
    """The LLM when configured (closed on exit), else None."""
    if settings.llm is None:
        yield None
        return
    from openai import AsyncOpenAI

    async with AsyncOpenAI(
        base_url=settings.llm.base_url,
        api_key=settings.llm.api_key,
        timeout=settings.llm.timeout_seconds,
        max_retries=MAX_RETRIES,
    ) as client:
        yield LLM(client, settings.llm)
