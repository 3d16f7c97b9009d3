"""Debate questions for a section, from templates filled with the section's own claims.

Sentences are first read for what they commit the author to (roundtable.packs.claims): only
the author's own arguable claims are asked to be agreed or disagreed with; a reported figure is
asked about as evidence; set-ups the author attacks, other people's words, narrative, citations,
code and boilerplate are never quoted. Claims central to the section come first, and each
question is about a different claim (from different paragraphs where the section has them, and
not a near-repeat of one already asked). A section without claims enough weighs the points it
lists after a lead that names them, asks back the text's own questions, then, in a proposal's
section of motivation, drawbacks, alternatives, effects or future work (by its heading), asks
about its plain statements as what that section makes them (a problem, a drawback, …), then
about the phrases it keeps returning to; only a section too short even for that gets the
generic ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from roundtable.packs.blocks import LIST_ITEM
from roundtable.packs.claims import (
    SNIPPET_CHARS,
    Sentence,
    key_phrases,
    own_view,
    quotable,
    read,
    sentences,
    signpost,
    similarity,
)
from roundtable.packs.model import MAX_QUESTION_CHARS

__all__ = [
    "GENERIC_OPENERS",
    "SNIPPET_CHARS",
    "Claim",
    "claims",
    "quotable",
    "sentences",
    "snippet",
]

MIN_QUESTIONS = 2
NEAR_REPEAT = 0.7  # content-word cosine above which two claims say the same thing
NEW_PARAGRAPH = 0.05


@dataclass(frozen=True, slots=True)
class Claim:
    sentence: str
    kind: str  # normative | design | prediction | causal | ... | evaluative | figure
    score: float
    paragraph: int = 0

    @property
    def arguable(self) -> bool:
        """Something a member can agree or disagree with, not only a reported fact."""
        return self.kind != "figure"


def _claim(sentence: Sentence) -> Claim:
    kind = sentence.marks[0] if sentence.marks else "figure"
    strength = len(sentence.marks) + (1 if "normative" in sentence.marks else 0)
    fits = 60 <= len(sentence.text) <= 170
    # Centrality first; how strongly the sentence commits the author and a readable length
    # break near-ties. A figure comes after the claims to argue with.
    score = sentence.centrality + 0.05 * strength + (0.05 if fits else 0.0)
    if kind == "figure":
        score -= 0.1
    return Claim(sentence.text, kind, round(score, 4), sentence.paragraph)


def claims(text: str) -> list[Claim]:
    """The author's claims that can be asked about, most central first (stable for ties)."""
    return _claims(read(text))


def _claims(found: list[Sentence], role: str = "", text: str = "") -> list[Claim]:
    chosen = [_claim(s) for s in found if s.kind in ("arguable", "figure")]
    if role == "alternative":
        # A design or a forecast right under an alternative's own heading describes it, not
        # the author's proposal: "### Keep the current behavior" / "The current behavior is
        # kept. Swift will continue to allow associated types to be inferred."
        # Not when it also judges ("… is a much cleaner approach"): that is the author's verdict.
        paragraphs = text.split("\n\n")
        named = {n + 1 for n, p in enumerate(paragraphs) if p.startswith("#")}
        describing = {
            s.text
            for s in found
            if s.marks
            and set(s.marks) <= {"design", "prediction"}
            and s.paragraph in named
            and not own_view(s.text)
        }
        chosen = [
            Claim(c.sentence, role, c.score, c.paragraph) if c.sentence in describing else c
            for c in chosen
        ]
    return sorted(chosen, key=lambda c: -c.score)


def section_role(title: str) -> str:
    """What a proposal's section is for, by its heading: the sections every proposal template
    has (PEPs, RFCs, Swift's and Kotlin's proposals, DEPs), else ""."""
    for role, pattern in _ROLE_TITLES:
        if pattern.search(title):
            return role
    return ""


_ROLE_TITLES = (
    ("alternative", re.compile(r"^(?!.*rationale).*\b(alternatives?|rejected)\b", re.I)),
    ("drawback", re.compile(r"\b(drawbacks?|downsides?|disadvantages?|risks?|costs?)\b", re.I)),
    ("impact", re.compile(r"\b(compatibility|impact|effect on|migration)\b", re.I)),
    ("problem", re.compile(r"\b(motivation|the problem|problem statement)\b", re.I)),
    ("future", re.compile(r"\bfuture (directions?|possibilities|work|extensions?)\b", re.I)),
)
# Kinds asked in their own words, more than one a section: a section of alternatives is about
# its alternatives. A specification's plain statements are not asked about: which of them is
# a decision to debate and which a definition, the words alone do not tell.
ROLES = frozenset(role for role, _ in _ROLE_TITLES)


def snippet(sentence: str) -> str:
    """The sentence as quoted inside a question: inner quotes made single, ending with one
    full stop (or its own ! ? … before a closing quote)."""
    text = _DEFINITION_LINK.sub(lambda m: m.group(1) or m.group(2), sentence)
    # Emphasis marks are read outside code spans only: ``*`` is an operator, not italics.
    parts, start = [], 0
    for span in _CODE_SPANS.finditer(text):
        parts += [_EMPHASIS.sub(r"\2", text[start : span.start()]), span.group()]
        start = span.end()
    text = "".join([*parts, _EMPHASIS.sub(r"\2", text[start:])])
    text = text.replace("“", "‘").replace("”", "’").replace('"', "'").strip()
    text = re.sub(r"\.+$", "", text)
    return text if re.search(r"[.!?…][’')]*$", text) else text + "."


# Markdown or Gutenberg emphasis inside a quoted sentence: **bold**, *italic*, _italic_.
_EMPHASIS = re.compile(r"(\*\*|\*|\b_)(?=\S)(.+?)(?<=\S)\1(?!\w)")

_CODE_SPANS = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)")

# A specification's links to its own terms, as ReSpec and Bikeshed write them: [=user agent=].
_DEFINITION_LINK = re.compile(r"\[=([^=\]]+)=\]|\{\{([^}]+)\}\}")

_TEMPLATES = {
    "agree": "The text says: “{c}” Do you agree? Why or why not?",
    "figure": "The text reports: “{c}” What does this figure show, and what would you want to "
    "know before relying on it?",
    "normative": "The text argues: “{c}” If this is right, who gains and who loses?",
    "design": "The text proposes: “{c}” Is this the right design? What would it cost, and "
    "whom would it help?",
    "prediction": "The text predicts: “{c}” What would have to happen for this to turn out wrong?",
    "causal": "The text gives a cause: “{c}” What else could explain it?",
    "inference": "The text concludes: “{c}” Does this follow from what comes before it?",
    "comparison": "The text makes a comparison: “{c}” What would happen if it turned out the "
    "other way?",
    "evaluative": "The text judges: “{c}” What evidence would change your mind about it?",
    "objection": "The text holds: “{c}” What is the strongest objection to this, and how would "
    "the author answer it?",
    # A plain statement asked about for what its section of a proposal makes it.
    "problem": "The text sees a problem: “{c}” How serious is it, and is it worth the change "
    "proposed?",
    "drawback": "The text grants a drawback: “{c}” How much does it weigh against the proposal?",
    "alternative": "The text weighs an alternative: “{c}” Would it have been better than what "
    "is proposed? Why or why not?",
    "impact": "The text says of the change's effect: “{c}” Is that right, and who would be "
    "affected most?",
    "future": "The text looks ahead: “{c}” Should this follow, and what would it take?",
}
# A section without claims enough: about what it keeps returning to. A story's section is
# asked about its people and what they do, not about its "case".
_PHRASE_TEMPLATES = {
    "argument": (
        "This section keeps returning to ‘{a}’ and ‘{b}’. How does it connect them, and what "
        "would you add or dispute?",
        "What does the section claim about ‘{a}’, and does its case convince you?",
    ),
    "story": (
        "What do we learn about ‘{a}’ and ‘{b}’ in this section, and from which moment?",
        "Why does ‘{a}’ act as they do here, and what would you have done?",
    ),
}

# The last resort, for a section too short for any of the above.
_GENERIC = {
    "argument": (
        "What is the main claim of “{title}”, and do you agree with it? Why or why not?",
        "What evidence would change your mind about the argument in “{title}”?",
    ),
    "story": (
        "What happens in “{title}”, and what do you make of it?",
        "Which moment in “{title}” matters most to what follows, and why?",
    ),
}

GENERIC_OPENERS = tuple(t.split("“")[0] for pair in _GENERIC.values() for t in pair)


def _fill(kind: str, claim: Claim) -> str:
    return _TEMPLATES[kind].format(c=snippet(claim.sentence))


def _fits(kind: str, claim: Claim) -> bool:
    """The question whole within Discord's limit: a question is never cut short."""
    return len(_fill(kind, claim)) <= MAX_QUESTION_CHARS


def _choose(found: list[Claim], count: int) -> list[tuple[str, Claim]]:
    """The most central arguable claim asked to be agreed with, then claims of other kinds
    (from paragraphs not yet asked about first), then other arguable claims as objections; never
    two claims that say the same thing."""
    chosen: list[tuple[str, Claim]] = []

    def fresh(claim: Claim) -> bool:
        return all(
            claim.sentence != c.sentence and similarity(claim.sentence, c.sentence) < NEAR_REPEAT
            for _, c in chosen
        )

    arguable = [c for c in found if c.arguable and _fits("agree", c)]
    if arguable:
        # What a section of drawbacks or alternatives says is asked as one, not agreed with.
        first = arguable[0]
        chosen.append((first.kind if first.kind in ROLES else "agree", first))
    while len(chosen) < count:
        kinds = {k for k, _ in chosen}
        paragraphs = {c.paragraph for _, c in chosen}
        options = [
            c
            for c in found
            if (c.kind not in kinds or c.kind in ROLES) and fresh(c) and _fits(c.kind, c)
        ]
        if not options:
            break
        # A paragraph not asked about yet tips a near-tie, not a clear gap in centrality.
        claim = max(
            options,
            key=lambda c: c.score + (NEW_PARAGRAPH if c.paragraph not in paragraphs else 0.0),
        )
        chosen.append((claim.kind, claim))
    for claim in arguable:
        if len(chosen) >= count or "objection" in {k for k, _ in chosen}:
            break
        if claim.kind not in ROLES and fresh(claim) and _fits("objection", claim):
            chosen.append(("objection", claim))
    return chosen


def template_questions(title: str, text: str, *, count: int = 3) -> list[str]:
    """Up to `count` questions (at least two), each about a different claim of the section,
    agree-or-disagree only of the author's own arguable claims."""
    found = read(text)
    story = sum(s.kind in ("narrative", "quote") for s in found) > len(found) / 2
    role = "" if story else section_role(title)
    chosen = _choose(_claims(found, role, text), count)
    questions = [_fill(kind, claim) for kind, claim in chosen]
    if len(questions) < MIN_QUESTIONS:
        questions += _about_lists(text, MIN_QUESTIONS - len(questions))
    if len(questions) < MIN_QUESTIONS:
        questions += _asked_back(found, MIN_QUESTIONS - len(questions))
    if len(questions) < MIN_QUESTIONS and role:
        questions += _in_its_role(found, role, MIN_QUESTIONS - len(questions), chosen)
    if len(questions) < MIN_QUESTIONS:
        questions += _about_phrases(text, story, MIN_QUESTIONS - len(questions))
    for extra in _GENERIC["story" if story else "argument"]:
        if len(questions) >= MIN_QUESTIONS:
            break
        questions.append(extra.format(title=title))
    return [q[:MAX_QUESTION_CHARS] for q in questions]


def _in_its_role(
    found: list[Sentence], role: str, wanted: int, asked: list[tuple[str, Claim]]
) -> list[str]:
    """Up to `wanted` of a proposal's plain statements, most central first, asked about as
    what their section makes them: in its motivation a problem, in its drawbacks a drawback
    ("Increases the syntactic surface area of the language." under *Drawbacks*). Not the
    author's stated views ("I also believe …"), which are claims, nor the author steering
    ("For details, see …")."""
    template = _TEMPLATES[role]
    done = [claim.sentence for _, claim in asked]
    questions: list[str] = []
    for sentence in sorted(found, key=lambda s: -s.centrality):
        if len(questions) >= wanted:
            break
        question = template.format(c=snippet(sentence.text))
        if (
            sentence.kind == "plain"
            and not own_view(sentence.text)
            and not signpost(sentence.text)
            and len(question) <= MAX_QUESTION_CHARS
            and all(similarity(sentence.text, other) < NEAR_REPEAT for other in done)
        ):
            questions.append(question)
            done.append(sentence.text)
    return questions


def _about_lists(text: str, wanted: int) -> list[str]:
    """Up to `wanted` questions weighing the points a section lists after a lead that names
    them ("The downsides to the proposal are:" / "* the required parentheses" / …): the lead
    and its points quoted when they fit, else the lead alone."""
    asked: list[str] = []
    paragraphs = text.split("\n\n")
    for opening, following in pairwise(paragraphs):
        lead = opening.strip()
        lines = following.split("\n")
        if (
            len(asked) >= wanted
            or "\n" in lead
            or not lead.endswith(":")
            or lead.endswith("::")
            or not _LIST_LEAD.search(lead)
            or not lead[:1].isupper()
            or len(lead.split()) < 4
            or not LIST_ITEM.match(lines[0])
        ):
            continue
        items: list[str] = []
        for line in lines:  # an item, or the lines it runs on to
            if LIST_ITEM.match(line):
                items.append(LIST_ITEM.sub("", line, count=1).strip())
            else:
                items[-1] += " " + line.strip()
        if len(items) < 2:
            continue
        points = "; ".join(item.rstrip(".;,") for item in items)
        question = _LISTED.format(c=snippet(f"{lead} {points}"))
        if _CODE_SPANS.search(points) or len(question) > MAX_QUESTION_CHARS:
            question = _LISTED.format(c=lead.replace("“", "‘").replace("”", "’"))
        if len(question) <= MAX_QUESTION_CHARS:
            asked.append(question)
    return asked


# A lead naming what its list weighs: "The downsides to the proposal are:", "However, it was
# removed for the following reasons:", "Two obvious, minimal requirements are:".
_LIST_LEAD = re.compile(
    r"\b(downsides?|upsides?|drawbacks?|disadvantages?|advantages?|benefits?|problems?|issues?"
    r"|reasons?|concerns?|objections?|considerations?|requirements?|goals?|options?"
    r"|alternatives?|camps|costs?|risks?|criticisms?|trade-?offs?)\b",
    re.IGNORECASE,
)
_LISTED = "The text lists: “{c}” Which of these weighs most, and what would you add?"


def _asked_back(found: list[Sentence], wanted: int) -> list[str]:
    """Up to `wanted` of the text's own questions (a proposal's unresolved ones, an essay's
    rhetorical ones), most central first, asked back to the readers."""
    asked: list[Sentence] = []
    for sentence in sorted((s for s in found if s.kind == "question"), key=lambda s: -s.centrality):
        if len(asked) >= wanted:
            break
        fits = len(_ASKED.format(c=sentence.text)) <= MAX_QUESTION_CHARS
        if fits and all(similarity(sentence.text, a.text) < NEAR_REPEAT for a in asked):
            asked.append(sentence)
    return [_ASKED.format(c=s.text.replace("“", "‘").replace("”", "’")) for s in asked]


_ASKED = "The text asks: “{c}” What would you answer, and why?"


def _about_phrases(text: str, story: bool, wanted: int) -> list[str]:
    """Up to `wanted` questions about the phrases the section keeps returning to."""
    phrases = key_phrases(text)
    pair, single = _PHRASE_TEMPLATES["story" if story else "argument"]
    asked = []
    if len(phrases) == 2 and wanted == 2:
        asked.append(pair.format(a=phrases[0], b=phrases[1]))
    if phrases and len(asked) < wanted:
        asked.append(single.format(a=phrases[0]))
    return asked
