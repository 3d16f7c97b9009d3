"""Debate questions for a section, from templates filled with the section's own claims.

A claim is a sentence that commits the author to something checkable: a figure, a comparison, a
"must/will/should", a quotation. Each section gets at least two questions of different kinds
(do you agree; what evidence would change your mind; who gains and who loses; what if), each
quoting the claim it is about, so members debate what the text actually says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from roundtable.packs.model import MAX_QUESTION_CHARS
from roundtable.packs.sentences import split_sentences

MIN_QUESTIONS = 2
_FIGURE = re.compile(
    r"(\$\s?\d|\d+(\.\d+)?\s?(%|percent|per cent)|\b\d[\d,.]*\s+(million|billion|trillion|"
    r"thousand)\b|\b\d{1,3}(,\d{3})+\b|\b(a|one) (million|billion|trillion)\b)",
    re.IGNORECASE,
)
_COMPARISON = re.compile(
    r"\b(than|compared (to|with)|by contrast|in contrast|unlike|comparable to)\b",
    re.IGNORECASE,
)
_MODAL = re.compile(
    r"\b(must|will|should|cannot|can't|won't|have to|has to|need to|needs to|ought)\b",
    re.IGNORECASE,
)
_QUOTE = re.compile(r"[“\"][^”\"]{15,}[”\"]|^[“\"]")

SNIPPET_CHARS = 170


@dataclass(frozen=True, slots=True)
class Claim:
    sentence: str
    kind: str  # figure | comparison | modal | quote | statement
    score: int


def sentences(text: str) -> list[tuple[str, bool]]:
    """(sentence, inside a quotation) pairs; a quotation may run over several sentences."""
    found = []
    for paragraph in text.split("\n\n"):
        depth = 0
        for sentence in split_sentences(paragraph.replace("\n", " ")):
            sentence = sentence.strip()
            if not sentence:
                continue
            opens = sentence.count("“")
            quoted = depth > 0 or opens > 0 or sentence.startswith('"')
            depth = max(0, depth + opens - sentence.count("”"))
            found.append((sentence, quoted))
    return found


def claims(text: str) -> list[Claim]:
    """Claim-bearing sentences, strongest first (stable for equal scores)."""
    found = []
    for sentence, quoted in sentences(text):
        if len(sentence) < 40 or sentence.endswith("?") or sentence.endswith(":"):
            continue
        kinds = [
            ("quote", quoted or bool(_QUOTE.search(sentence))),
            ("figure", bool(_FIGURE.search(sentence))),
            ("modal", bool(_MODAL.search(sentence))),
            ("comparison", bool(_COMPARISON.search(sentence))),
        ]
        present = [k for k, yes in kinds if yes]
        score = len(present) * 2 + (2 if 60 <= len(sentence) <= SNIPPET_CHARS else 0)
        if "quote" in present:
            score -= 3  # the author's own claims first
        order = ("quote", "figure", "modal", "comparison")
        kind = next((k for k in order if k in present), None)
        found.append(Claim(sentence, kind or "statement", score))
    return sorted(found, key=lambda c: -c.score)


def snippet(sentence: str, limit: int = SNIPPET_CHARS) -> str:
    """The sentence as a quotable snippet: inner quotes made single, cut at a word, no full stop."""
    text = sentence.replace("“", "‘").replace("”", "’").replace('"', "'").strip()
    text = text.rstrip(".")
    if len(text) > limit:
        text = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:—-") + "…"
    return text


_TEMPLATES = {
    "agree": "The text says: “{c}.” Do you agree? Why or why not?",
    "figure": "The text cites a figure: “{c}.” What evidence would change your mind about what "
    "this number shows?",
    "modal": "The text argues: “{c}.” If this is right, who gains and who loses?",
    "comparison": "The text makes a comparison: “{c}.” What would happen if it turned out the "
    "other way?",
    "quote": "The text quotes: “{c}.” How far should we trust this voice, and what might it "
    "leave out?",
    "evidence": "What evidence would change your mind about this claim: “{c}”?",
}


def _fill(kind: str, claim: Claim) -> str:
    question = _TEMPLATES[kind].format(c=snippet(claim.sentence)).replace("….”", "…”")
    return question.replace("…”?", "…”?")[:MAX_QUESTION_CHARS]


def template_questions(title: str, text: str, *, count: int = 3) -> list[str]:
    """At least two questions of different kinds, naming the section's own claims."""
    found = claims(text)
    if not found:
        return [
            f"What is the main claim of “{title}”, and do you agree with it? Why or why not?",
            f"What evidence would change your mind about the argument in “{title}”?",
        ][:count]
    own = [c for c in found if c.kind != "quote"]
    first = own[0] if own else found[0]
    first_kind = "agree" if first.kind != "quote" else "quote"
    questions = [_fill(first_kind, first)]
    kinds = {first_kind}
    for claim in found:
        if len(questions) >= count:
            break
        kind = claim.kind if claim.kind != "statement" else "evidence"
        if claim is first or kind in kinds:
            continue
        questions.append(_fill(kind, claim))
        kinds.add(kind)
    if len(questions) < MIN_QUESTIONS:
        questions.append(_fill("evidence", first))
    return questions
