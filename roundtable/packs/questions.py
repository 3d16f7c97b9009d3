"""Debate questions for a section, from templates filled with the section's own claims.

Each sentence is read for what it commits the author to: an *arguable* claim (evaluative or
normative words, a prediction, a causal claim, an opinion) can be agreed or disagreed with; a
*reported fact* with a figure can only be weighed as evidence; a plain statement is not asked
about. Only whole sentences are quoted (never one cut mid-way, a list item or a line of code),
and each question is about a different claim, from different paragraphs where the section has
them, so a section's questions cover its argument rather than one sentence three times.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from roundtable.packs.model import MAX_QUESTION_CHARS
from roundtable.packs.sentences import split_sentences

MIN_QUESTIONS = 2
SNIPPET_CHARS = 200  # the longest sentence quoted whole; longer ones are not asked about
MIN_WORDS = 7

_FIGURE = re.compile(
    r"(\$\s?\d|\d+(\.\d+)?\s?(%|percent|per cent)|\b\d[\d,.]*\s+(million|billion|trillion|"
    r"thousand)\b|\b\d{1,3}(,\d{3})+\b|\b(a|one) (million|billion|trillion)\b)",
    re.IGNORECASE,
)
_COMPARISON = re.compile(
    # "more costly than", not "more than a century" (a quantity).
    r"\b(more|less|fewer|better|worse|cheaper|faster|slower|larger|smaller)\s+(?!than\b)"
    r"\w+.{0,60}\bthan\b"
    r"|\b(compared (to|with)|by contrast|in contrast|unlike|comparable to)\b",
    re.IGNORECASE,
)
_NORMATIVE = re.compile(
    r"\b(must|should|ought|need to|needs to|cannot afford|it is time|will have to)\b",
    re.IGNORECASE,
)
_PREDICTION = re.compile(
    r"\b(will|won't|would|is going to|are going to|is likely|are likely|is set to|are set to"
    r"|is bound to|may soon|could soon|in the years? (to come|ahead))\b",
    re.IGNORECASE,
)
_CAUSAL = re.compile(
    r"\b(because|caused|causes|led to|leads to|lead to|result(ed|s)? in|due to|thanks to"
    r"|backfired|drove|drives|therefore|so that|as a result|which is why|forced|pushed)\b",
    re.IGNORECASE,
)
_EVALUATIVE = re.compile(
    r"\b(good|bad|better|worse|best|worst|wrong|fair|unfair|important|dangerous|"
    r"mistake|failure|failed|success|successful|absurd|foolish|wise|unwise|reckless|"
    r"misguided|deserve[sd]?|harm(ful|s)?|benefit(s|ed)?|threat|crisis|serious|"
    r"clearly|obviously|surely|arguably|in fact|the real|merely|no more than)\b",
    re.IGNORECASE,
)
_OPINION = re.compile(
    r"\b(I|we) (think|believe|argue|suspect|doubt|fear|hope)\b|\bin (my|our) view\b"
    r"|\b(argues?|contends?|insists?|claims?|warns?|believes?)\b",
    re.IGNORECASE,
)
_QUOTED = re.compile(r"[“\"]([^”\"]*)[”\"]")
# Not sentences of prose: code, list items, table rows, headings, references.
_NOT_PROSE = re.compile(r"```|`[^`]+`.*`|^\s*([-*•>|]|\d+[.)]\s)|\s\|\s|https?://|^#")
# Single quotation marks (not apostrophes): a sentence of dialogue must hold its whole quote.
_OPENING_SINGLE = re.compile(r"(?:^|[\s(—-])['‘](?=\w)")
_CLOSING_SINGLE = re.compile(r"[.,!?;:…]['’](?=[\s)—-]|$)|\w['’](?=[,.;:!?)—]|$)")
_SENTENCE_START = re.compile(r"^[“\"‘'(]?[A-Z0-9]")
_SENTENCE_END = re.compile(r"[.!][”\"’')]*$")


@dataclass(frozen=True, slots=True)
class Claim:
    sentence: str
    kind: str  # quote | normative | prediction | causal | comparison | evaluative | figure
    score: int
    paragraph: int = 0

    @property
    def arguable(self) -> bool:
        """Something a member can agree or disagree with, not only a reported fact."""
        return self.kind not in ("figure", "quote")


def sentences(text: str) -> list[tuple[str, bool, int]]:
    """(sentence, inside a quotation, paragraph number); a quotation may run over several
    sentences."""
    found = []
    for number, paragraph in enumerate(text.split("\n\n")):
        depth = 0
        for sentence in split_sentences(paragraph.replace("\n", " ")):
            sentence = sentence.strip()
            if not sentence:
                continue
            opens = sentence.count("“")
            quoted = depth > 0 or sentence.startswith(("“", '"')) or _mostly_quoted(sentence)
            depth = max(0, depth + opens - sentence.count("”"))
            found.append((sentence, quoted, number))
    return found


def _mostly_quoted(sentence: str) -> bool:
    """Someone else's words make up most of it (not a phrase in quotation marks)."""
    inside = sum(len(m.group(1)) for m in _QUOTED.finditer(sentence))
    return inside >= len(sentence) / 2


def quotable(sentence: str) -> bool:
    """A whole sentence of prose that fits a question unabridged."""
    return (
        len(sentence) <= SNIPPET_CHARS
        and len(sentence.split()) >= MIN_WORDS
        and bool(_SENTENCE_START.match(sentence))
        and bool(_SENTENCE_END.search(sentence))
        and not _NOT_PROSE.search(sentence)
        and sentence.count("“") == sentence.count("”")
        and len(_OPENING_SINGLE.findall(sentence)) == len(_CLOSING_SINGLE.findall(sentence))
        and sentence.count("(") == sentence.count(")")
    )


def claims(text: str) -> list[Claim]:
    """The quotable claims of a text, strongest first (stable for equal scores)."""
    found = []
    for sentence, quoted, paragraph in sentences(text):
        if not quotable(sentence):
            continue
        marks = {
            "quote": quoted,
            "normative": bool(_NORMATIVE.search(sentence)),
            "prediction": bool(_PREDICTION.search(sentence)),
            "causal": bool(_CAUSAL.search(sentence)),
            "comparison": bool(_COMPARISON.search(sentence)),
            "evaluative": bool(_EVALUATIVE.search(sentence) or _OPINION.search(sentence)),
            "figure": bool(_FIGURE.search(sentence)),
        }
        present = [k for k, yes in marks.items() if yes]
        if not present:
            continue  # a plain statement: nothing to debate
        kind = present[0]
        score = 2 * len(present) + (2 if 60 <= len(sentence) <= 170 else 0)
        if kind == "quote":
            score -= 3  # the author's own claims first
        if kind == "figure":
            score -= 1  # a fact to weigh, after the claims to argue with
        found.append(Claim(sentence, kind, score, paragraph))
    return sorted(found, key=lambda c: -c.score)


def snippet(sentence: str) -> str:
    """The sentence as quoted inside a question: inner quotes made single, ending with one
    full stop (or its own ! ? … before a closing quote)."""
    text = sentence.replace("“", "‘").replace("”", "’").replace('"', "'").strip()
    text = re.sub(r"\.+$", "", text)
    return text if re.search(r"[.!?…][’')]*$", text) else text + "."


_TEMPLATES = {
    "agree": "The text says: “{c}” Do you agree? Why or why not?",
    "figure": "The text reports: “{c}” What does this figure show, and what would you want to "
    "know before relying on it?",
    "normative": "The text argues: “{c}” If this is right, who gains and who loses?",
    "prediction": "The text predicts: “{c}” What would have to happen for this to turn out wrong?",
    "causal": "The text gives a cause: “{c}” What else could explain it?",
    "comparison": "The text makes a comparison: “{c}” What would happen if it turned out the "
    "other way?",
    "quote": "The text quotes: “{c}” How far should we trust this voice, and what might it "
    "leave out?",
    "evaluative": "The text judges: “{c}” What evidence would change your mind about it?",
}


def _fill(kind: str, claim: Claim) -> str:
    return _TEMPLATES[kind].format(c=snippet(claim.sentence))[:MAX_QUESTION_CHARS]


def template_questions(title: str, text: str, *, count: int = 3) -> list[str]:
    """Up to `count` questions (at least two), each of a different kind and about a different
    claim, agree-or-disagree only of an arguable one."""
    found = claims(text)
    generic = [
        f"What is the main claim of “{title}”, and do you agree with it? Why or why not?",
        f"What evidence would change your mind about the argument in “{title}”?",
    ]
    if not found:
        return generic[:count]
    arguable = [c for c in found if c.arguable]
    chosen: list[tuple[str, Claim]] = []
    if arguable:
        chosen.append(("agree", arguable[0]))
    used_paragraphs = {c.paragraph for _, c in chosen}
    pool = list(found)
    while len(chosen) < count and pool:
        kinds = {k for k, _ in chosen}
        claimed = {c.sentence for _, c in chosen}
        # A claim of a new kind from a paragraph not asked about yet; then any new kind.
        options = [c for c in pool if c.sentence not in claimed and c.kind not in kinds]
        if not options:
            break
        fresh = [c for c in options if c.paragraph not in used_paragraphs]
        claim = (fresh or options)[0]
        pool.remove(claim)
        chosen.append((claim.kind, claim))
        used_paragraphs.add(claim.paragraph)
    questions = [_fill(kind, claim) for kind, claim in chosen]
    for extra in generic:
        if len(questions) >= MIN_QUESTIONS:
            break
        questions.append(extra)
    return questions
