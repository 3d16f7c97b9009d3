"""Who writes the questions a section lacks: templates, or the configured LLM with templates
as the fallback on any failure."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Protocol

from roundtable.packs.model import MAX_QUESTION_CHARS, Section
from roundtable.packs.questions import template_questions
from roundtable.packs.worker import Runner, in_thread
from roundtable.prompting import LLMError, fence, load_prompt

if TYPE_CHECKING:
    from roundtable.llm import LLM

log = logging.getLogger(__name__)

QUESTIONS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "questions": {"type": "array", "items": {"type": "string"}, "minItems": 2, "maxItems": 4}
    },
    "required": ["questions"],
    "additionalProperties": False,
}


class QuestionWriter(Protocol):
    async def __call__(self, pack_title: str, section: Section) -> tuple[list[str], str]:
        """(questions, who wrote them: "templates" or "the LLM")."""
        ...


class TemplateWriter:
    def __init__(self, run: Runner = in_thread):
        self.run = run

    async def __call__(self, pack_title: str, section: Section) -> tuple[list[str], str]:
        # Sentence splitting and matching is CPU work: off the event loop, as every import step.
        questions = await self.run(template_questions, section.title, section.text)
        return questions, "templates"


def validate_questions(data: Any) -> list[str]:
    if not isinstance(data, dict) or not isinstance(data.get("questions"), list):
        raise ValueError('expected {"questions": [...]}')
    questions = []
    for item in data["questions"]:
        if not isinstance(item, str):
            raise ValueError("every question must be a string")
        text = " ".join(item.split())
        if not 15 <= len(text) <= MAX_QUESTION_CHARS or not text.endswith("?"):
            raise ValueError(
                f"each question is 15 to {MAX_QUESTION_CHARS} characters and ends with '?'"
            )
        if text not in questions:
            questions.append(text)
    if not 2 <= len(questions) <= 4:
        raise ValueError("give 2 to 4 different questions")
    return questions


class LLMWriter:
    def __init__(self, llm: LLM, run: Runner = in_thread):
        self.llm = llm
        self.run = run
        self.prompt = load_prompt("questions")

    async def __call__(self, pack_title: str, section: Section) -> tuple[list[str], str]:
        fenced = fence(section.text)
        system, user = self.prompt.render(
            pack_title=pack_title,
            section_title=section.title,
            fence_start=fenced.start,
            text=fenced.text,
            fence_end=fenced.end,
        )
        try:
            questions, _ = await self.llm.complete_json(
                system=system,
                user=user,
                schema_name="debate_questions",
                schema=QUESTIONS_SCHEMA,
                validate=validate_questions,
                max_tokens=600,
            )
        except LLMError as exc:
            log.warning("Questions for %r come from templates: %s", section.title, exc)
            return await TemplateWriter(self.run)(pack_title, section)
        return questions, "the LLM"
