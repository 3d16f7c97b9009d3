"""What goes to a language model and what comes back, without the client itself.

Prompt files, fencing of member or pack text with a random marker it cannot forge, tolerant
JSON parsing, usage counts and the one error callers fall back on. Kept apart from
roundtable/llm.py so that offline paths never import the `openai` package.
"""

from __future__ import annotations

import json
import re
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from string import Template
from typing import Any

PROMPTS_DIR = Path(__file__).resolve().parents[1] / "prompts" / "llm"

# Zero-width characters and bidirectional controls, which can hide text from a reader.
_HIDDEN = dict.fromkeys(
    [*range(0x200B, 0x2010), *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0xFEFF, 0x2060],
    None,
)


class LLMError(Exception):
    """The model could not give a usable answer; the caller falls back."""


@dataclass(frozen=True, slots=True)
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            self.prompt_tokens + other.prompt_tokens,
            self.completion_tokens + other.completion_tokens,
        )


@dataclass(frozen=True, slots=True)
class Fenced:
    start: str
    end: str
    text: str


def clean(text: str) -> str:
    """NFKC-normalised, zero-width and bidi controls removed."""
    return unicodedata.normalize("NFKC", text).translate(_HIDDEN)


def fence(text: str) -> Fenced:
    """Wrap `text` between markers made of a random token; the text cannot contain them.

    Angle-bracket runs in the text are neutralised, so no line of it can look like a marker.
    """
    token = secrets.token_hex(8)
    body = clean(text).replace("<<<", "‹‹‹").replace(">>>", "›››")
    return Fenced(f"<<<DATA {token}>>>", f"<<<END DATA {token}>>>", body)


USER_MARK = "\n=== user ===\n"


@dataclass(frozen=True, slots=True)
class Prompt:
    """A prompt file: the system part, a line `=== user ===`, the user part ($placeholders)."""

    system: Template
    user: Template

    def render(self, **values: str) -> tuple[str, str]:
        return self.system.safe_substitute(values), self.user.safe_substitute(values)


def load_prompt(name: str) -> Prompt:
    text = (PROMPTS_DIR / f"{name}.txt").read_text("utf-8")
    system, mark, user = text.partition(USER_MARK)
    if not mark:
        raise ValueError(f"prompts/llm/{name}.txt has no '=== user ===' line")
    return Prompt(Template(system.strip()), Template(user.strip()))


def parse_json_object(content: str) -> Any:
    """The JSON object in a model's answer, tolerating code fences and chatter around it."""
    text = content.strip()
    fenced = re.search(r"```(?:json)?\s*(.*?)```", text, re.DOTALL)
    if fenced:
        text = fenced.group(1).strip()
    start, end = text.find("{"), text.rfind("}")
    if start == -1 or end <= start:
        raise ValueError("the answer contains no JSON object")
    try:
        return json.loads(text[start : end + 1])
    except json.JSONDecodeError as exc:
        raise ValueError(f"the JSON does not parse: {exc.msg}") from exc
