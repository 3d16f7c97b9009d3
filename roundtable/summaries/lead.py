"""The summary's first sentences: what a member who reads nothing else should learn.

For a round: how the stances ended and moved ("The group ended split: 19 Agree, 19 Disagree.
8 members changed their stance: 4 from Unsure to Agree, 4 from Unsure to Disagree.") and the
main disagreement, in the points' own words. For a discussion without stances: the topics that
took most of the talk, the questions a help channel asked and answered, and how many decisions
are listed, with the first. Built from the summary's points and the members' stances only, so
both engines get the same lead; labels are members' words and are made inert wherever the lead
is shown.
"""

from __future__ import annotations

import re
from collections import Counter

from roundtable.summaries.model import QUESTIONS_ASKED, Discussion, Point, Summary

MOST = 0.6  # the share of the stances that makes one "most"
TOPICS = 3


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _ending(summary: Summary) -> str | None:
    """How the stances ended: all one way, mostly one way, or split."""
    closing = Counter({label: after for label, (_, after) in summary.stances.items() if after})
    total = sum(closing.values())
    if not total:
        return None
    ranked = closing.most_common()
    label, top = ranked[0]
    if top == total:
        return (
            f"All {total} members who took a stance ended on {label}."
            if total > 1
            else f"The one member who took a stance ended on {label}."
        )
    if top / total >= MOST:
        return f"Most members ended on {label} ({top} of {total})."
    return "The group ended split: " + ", ".join(f"{n} {lab}" for lab, n in ranked) + "."


def _moves(d: Discussion) -> str | None:
    """Who changed their stance, and the most common moves."""
    moves = Counter(
        (before, d.closing[user])
        for user, before in d.opening.items()
        if user in d.closing and d.closing[user] != before
    )
    if not d.opening:
        return None
    moved = sum(moves.values())
    if not moved:
        return "Nobody changed their stance."
    shown = [f"{n} from {a} to {b}" for (a, b), n in moves.most_common(2)]
    rest = moved - sum(n for _, n in moves.most_common(2))
    if rest:
        shown.append(f"{rest} otherwise")
    return f"{_count(moved, 'member')} changed their stance: {', '.join(shown)}."


def _name(p: Point) -> str:
    """A point in a few words: its label, else its quote's opening."""
    if p.label:
        return p.label
    words = p.text.strip("“”").rstrip("….!?;:, ").split()
    return f"“{' '.join(words[:8])}{'…' if len(words) > 8 else ''}”"


def _main_disagreement(summary: Summary) -> str | None:
    """The most held point of each of the two largest camps."""
    camps = [label for label, (_, after) in sorted(summary.stances.items(), key=lambda s: -s[1][1])]
    points = [p for s in summary.sections for p in s.points if p.side]
    best: list[Point] = []
    for camp in camps[:2]:
        held = [p for p in points if p.side in (camp, f"all {camp}", f"mostly {camp}")]
        if held:
            best.append(max(held, key=lambda p: p.members))
    if len(best) < 2:
        return None
    first, second = best
    return (
        f"The main disagreement: {_name(first)} ({camps[0]}) against {_name(second)} ({camps[1]})."
    )


def _topics(summary: Summary, d: Discussion) -> str | None:
    """The labelled points whose words the most messages say, across the summary."""
    labelled = [
        p
        for s in summary.sections
        for p in s.points
        if p.label and p.text.startswith("“") and s.title != QUESTIONS_ASKED
    ]
    texts = [c.text.lower() for c in d.contributions]

    def talk(label: str) -> int:
        """The messages that say the label, as a phrase of whole words."""
        phrase = re.compile(rf"(?<![\w-]){re.escape(label.lower())}(?![\w-])")
        return sum(1 for t in texts if label.lower() in t and phrase.search(t))

    names: list[str] = []
    members = Counter[str]()
    for p in labelled:
        members[p.label or ""] += p.members
    for label in sorted(members, key=lambda x: (-talk(x), -members[x], x)):
        if label.lower() not in {n.lower() for n in names} and len(names) < TOPICS:
            names.append(label)
    if len(names) < 2:
        return None
    if any(" and " in n or "," in n for n in names):
        return f"Most of the talk was about: {'; '.join(names)}."
    return f"Most of the talk was about {_and(names)}."


def _questions(summary: Summary) -> str | None:
    asked = [p for s in summary.sections if s.title == QUESTIONS_ASKED for p in s.points]
    if not asked:
        return None
    unanswered = sum(1 for p in asked if not p.text.startswith("“"))
    thanked = sum(1 for p in asked if p.side == "the asker thanked it")
    answered = len(asked) - unanswered
    parts = [f"{answered} answered"]
    if thanked:
        parts[0] += f" ({thanked} thanked by the asker)"
    if unanswered:
        parts.append(f"{unanswered} not")
    return f"{_count(len(asked), 'question')} asked: {', '.join(parts)}."


def lead(summary: Summary, d: Discussion) -> str:
    """The lead: one to three sentences, or "" when there is nothing to say."""
    parts: list[str | None]
    if any(after for _, after in summary.stances.values()):
        parts = [_ending(summary), _moves(d), _main_disagreement(summary)]
    else:
        parts = [_topics(summary, d), _questions(summary)]
    if summary.decisions:
        listed = _count(len(summary.decisions), "decision or action", "decisions and actions")
        first = summary.decisions[0].text.rstrip(".")
        verb = "is" if len(summary.decisions) == 1 else "are"
        among = ":" if len(summary.decisions) == 1 else ", among them"
        parts.append(f"{listed} {verb} listed{among} “{first}”.")
    return " ".join(p for p in parts if p)
