"""Telling what was said from chatter: addressing and commands stripped, low-information
messages recognised, decisions and actions found.

Real threads are full of "nick: looks good to me", "+1", "anything else on this topic?" and
"want to talk implementation?". They count as participation, but a summary never quotes them:
a quote must carry at least MIN_CONTENT content words and not be a bare agreement, a hand-off
or a short question.
"""

from __future__ import annotations

import re
from collections.abc import Collection

MIN_CONTENT = 5  # content words a quotable message has at least
SHORT_QUESTION = 9  # a question with fewer content words is a hand-off, not a position

_MENTION = re.compile(r"^\s*(?:<@[!&]?\d+>\s*[:,]?\s*)+")
_NICK_COLON = re.compile(r"^\s*@?([\w.|`^-]{2,32})\s*:\s+")  # "nick: text" (IRC addressing)
_NICK_COMMA = re.compile(r"^\s*@?([\w.|`^-]{2,32})\s*,\s+")  # "nick, text", known names only
_COMMAND = re.compile(r"^\s*[!/.?][a-z][\w-]*(\s|$)", re.IGNORECASE)  # "!vote", "/remind"
_MEETING = re.compile(r"^\s*#([a-z]+)\b\s*(.*)$", re.IGNORECASE)  # MeetBot: #topic, #agreed
_LINK = re.compile(r"<?https?://\S+>?")
# A link in brackets or at the end is decoration of what was said; a masked link's target
# ("[label](url)") is kept, so that the reader sees where it goes.
_QUOTED_LINK = re.compile(r"(?<!\])\s*\(<?https?://[^\s()]+>?\)|(?<=\s)<?https?://\S+>?\s*$")
_WORD = re.compile(r"[a-z][a-z'’-]*[a-z]", re.IGNORECASE)
_LEAD_WORDS = frozenset(
    "note update edit ps fyi tldr tl;dr q a re question answer example warning tip important "
    "summary context yes no ok so well also and but "
    # A decision's own marker ("agreed: we ship on Friday"), not a member addressed.
    "agreed decision decided resolved action vote".split()
)
_FILLER = frozenset(
    """a about above after again all also am an and any are as at be because been before being
    both but by can could did do does doing down each few for from further had has have having
    he her here hers him his how i if in into is it its just me more most my no nor not now of
    off on once only or other our out over own same she should so some such than that the their
    them then there these they this those through to too under until up very was we were what
    when where which while who whom why will with would you your i'm it's that's don't doesn't
    isn't can't won't i'd i've we're they're yes yeah ok okay well one get got like think really
    lol haha hmm thanks thank thx ty please pls sure right good great nice cool fine yep nope
    agree agreed lgtm imo imho fwiw btw anyone anything else something everyone guys folks
    want talk take look looks sounds seems go going let lets let's see idea ideas might maybe
    probably best note point thing things stuff way lot bit need make use using used people
    also actually still even""".split()
)
_AGREEMENT = re.compile(
    r"^\W*(\+1|-1|\+\d+ from all|lgtm|looks good|sounds good|seems good|agreed|agree|same|"
    r"same here|thanks|thank you|ty|thx|ok|okay|yes|yep|yeah|no|nope|sure|right|exactly|"
    r"indeed|nice|cool|great|lol|haha|hmm|brb|ack|noted|done|o/|\\o|sorry|good point|"
    r"fair enough|makes sense|me too|any objections|anything else|moving on|want to|"
    r"can you|could you|who wants)\b",
    re.IGNORECASE,
)
_DECISION = re.compile(
    r"^\s*(#?action\b|#agreed\b|#decided\b|#resolved\b|agreed\s*[:,-]|decision\s*[:,-]|"
    r"decided\s*[:,-]|resolved\s*[:,-]|vote\s*[:,-]|voted\b|"
    r"(we will|we'll)\s+(?!see\b|know\b|find\b|wait\b|have\b|probably\b|maybe\b|need\b)|"
    r"\+\d+ from all\b|unanimous)|\bACTION\s*:",
    re.IGNORECASE,
)


def clean(text: str, names: Collection[str] = ()) -> str:
    """The message without the addressing in front ("nick: ", "<@123> ", "nick, " for members'
    names) and without link noise around it; a meeting-bot line keeps its text."""
    flat = " ".join(_QUOTED_LINK.sub(" ", text).split())
    flat = _MENTION.sub("", flat)
    match = _NICK_COLON.match(flat)
    if match and (match.group(1).lower() in names or _looks_like_nick(match.group(1))):
        flat = flat[match.end() :]
    match = _NICK_COMMA.match(flat)
    if match and match.group(1).lower() in names:
        flat = flat[match.end() :]
    return flat.strip()


def _looks_like_nick(token: str) -> bool:
    """ "nick:" with no names known: a lower-case token or one with digits or underscores, not
    a word people open a sentence with ("Note:", "Update:")."""
    lowered = token.lower()
    if lowered in _LEAD_WORDS:
        return False
    return token.islower() or any(c.isdigit() or c in "_|`^" for c in token)


def content_words(text: str) -> list[str]:
    return [w for w in _WORD.findall(_LINK.sub(" ", text).lower()) if w not in _FILLER]


def command(text: str) -> bool:
    """A bot command ("!vote yes", "/remind") or a meeting-bot line other than a decision."""
    if _COMMAND.match(text):
        return True
    meeting = _MEETING.match(text)
    return meeting is not None and meeting.group(1).lower() not in ("action", "agreed", "info")


def meeting_topic(text: str) -> str | None:
    """ "#topic Release schedule" -> "Release schedule" (MeetBot's agenda lines)."""
    match = _MEETING.match(text)
    if match and match.group(1).lower() in ("topic", "subtopic") and match.group(2).strip():
        return match.group(2).strip()
    return None


def informative(cleaned: str) -> bool:
    """Whether a cleaned message can be quoted as what someone said about the subject."""
    if not cleaned or command(cleaned):
        return False
    words = content_words(cleaned)
    if len(words) < MIN_CONTENT:
        return False
    if _AGREEMENT.match(cleaned) and len(words) < MIN_CONTENT + 3:
        return False
    return not (cleaned.rstrip().endswith("?") and len(words) < SHORT_QUESTION)


# What a quote can do without (#26): a pointer at its end ("…, see the pad", "imo", "lol"), a
# word that only opens the turn ("So,", "Yeah,", "Well,"), and sentences that say nothing
# ("Yeah.", "Good point.") beside one that does. The member's words are otherwise as written.
_TRAILING_FILLER = re.compile(
    r"(?:[,;:]?\s+|^)(?:see the (?:pad|doc|docs|link|wiki|etherpad|notes|thread|issue|ticket)"
    r"|imo|imho|fwiw|afaik|iirc|lol|haha|heh|tbh|just saying|if that makes sense|or something"
    r"|:\)|;\)|:d|:p)\W*$",
    re.IGNORECASE,
)
_LEADING_FILLER = re.compile(
    r"^(?:so|yeah|yep|yes|well|ok|okay|um+|uh+|hmm+|honestly|basically|anyway|anyways|right"
    r"|i mean|oh)\b[,.!]?\s+(?=\S)",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[\"“'(]?[A-Z0-9])")
SAYS_SOMETHING = 3  # content words of a sentence kept in a quote


def trim(cleaned: str) -> str:
    """A quote without its filler: the sentences that say something, each without a turn-
    opening word or a trailing pointer; a gap between kept sentences marked "…". The text as
    it was when trimming would leave too little."""
    sentences = _SENTENCE.split(cleaned.strip())
    keep = [len(content_words(s)) >= SAYS_SOMETHING for s in sentences]
    if not any(keep):
        return cleaned
    parts: list[str] = []
    for n, (sentence, kept) in enumerate(zip(sentences, keep, strict=True)):
        if not kept:
            continue
        if parts and not keep[n - 1]:
            parts.append("…")
        text = sentence
        for _ in range(3):  # "so, yeah, …"
            text = _LEADING_FILLER.sub("", text)
        text = _TRAILING_FILLER.sub("", text).rstrip(" ,;:-—")
        if text and text[-1].isalnum() and sentence.rstrip()[-1:] in ".!?":
            text += sentence.rstrip()[-1]
        capital = sentence[:1].isupper() or n > 0  # "Well, remote …" -> "Remote …"
        parts.append(text[:1].upper() + text[1:] if capital else text)
    trimmed = " ".join(parts)
    return trimmed if len(content_words(trimmed)) >= SAYS_SOMETHING else cleaned


# Words without which a line records no decision (substrings: a look, not a reading).
_DECISION_HINTS = (
    "action", "agreed", "decision", "decided", "resolved", "vote", "we will", "we'll",
    "from all", "unanimous", "let", "i'll", "i will", "i'm going to", "so the", "so we",
    "so our", "defer", "postpone", "hold off", "consensus", "going with",
)  # fmt: skip


def may_decide(text: str) -> bool:
    """A cheap look before cleaning: could this line record a decision?"""
    lowered = text.lower()
    return any(hint in lowered for hint in _DECISION_HINTS)


# Outcomes said in plain sentences (#26), with no meeting-bot marker: what the group put off,
# settled or agreed ("let's wait for the audit before we merge", "so the test network will ship
# with just those two changes", "we agreed to defer sharding"), and what someone took on ("I'll
# open a PR for …").
_PUT_OFF = re.compile(
    r"\b(let'?s|let us) (wait (for|until)|hold off|postpone|defer|table|park)\b"
    r"|\b(defer|postpone|push back|put off|hold off on)\b[^.?!]{0,60}\b(until|to|till|for)\b",
    re.IGNORECASE,
)
_SETTLED = re.compile(
    r"\b(let'?s|let us) (go with|ship|keep|use|merge|drop|move|switch|adopt|stick with)\b"
    r"|\bso (the|we|our)\b[^.?!]{0,60}\b(will|'ll|is going to|are going to) "
    r"(ship|go|use|keep|be|launch|move|stay|include|drop|land|start|run)\b"
    r"|\bwe(?:'ve| have)? (agreed|decided) (to|that|on)\b|\bwe're going with\b"
    r"|\bthe (consensus|decision) is (to|that)\b",
    re.IGNORECASE,
)
_TAKEN_ON = re.compile(
    r"^((ok|okay|sure|fine|alright),? )?(I'll|I will|I'm going to|I can) (take|open|file|write"
    r"|send|update|fix|draft|prepare|create|make|add|review|merge|ping|post|set up|handle|publish"
    r"|book|schedule|run|start|ask|do)\b",
    re.IGNORECASE,
)
# What settles nothing: "we will need to revisit", "maybe we should", "I'll probably look at it
# if I find time", "let's see how it goes"; and, said in passing rather than recorded, a
# condition ("if a decision is made") or a question.
_HEDGED = re.compile(
    r"\b(maybe|perhaps|probably|possibly|might|I guess|at some point|need to revisit"
    r"|should (we|probably)|if (I|we) (find|have|get) (the )?time|let'?s see|not sure|someday"
    r"|some day|eventually)\b",
    re.IGNORECASE,
)
_CONDITIONAL = re.compile(r"\b(if|unless|whether)\b|\?\s*$", re.IGNORECASE)
# How the others answer it: "sounds good", "+1", "works for me"; "no, …", "I don't think …".
_YES = re.compile(
    r"^\W*(\+1|sounds good|agreed|(I )?agree|yes|yep|yeah|ok|okay|sure|works for me"
    r"|fine (by|with) me|makes sense|lgtm|good plan|do it|deal|👍)",
    re.IGNORECASE,
)
_NO = re.compile(
    r"^\W*(no\b|nope|-1|disagree|I don'?t think|not yet|wait\b|hold on|objection|but\b)",
    re.IGNORECASE,
)
ANSWERED_WITHIN = 6  # messages after an outcome read for the others' answer


def outcome(cleaned: str) -> str | None:
    """ "Postponed: …", "Agreed: …" or "Action: …" for a sentence that says what the group put
    off, settled or took on, whatever the others answer; None for anything else."""
    if _HEDGED.search(cleaned) or _CONDITIONAL.search(cleaned) or len(content_words(cleaned)) < 3:
        return None
    text = f"{cleaned[0].upper()}{cleaned[1:]}"
    if _TAKEN_ON.search(cleaned):
        return f"Action: {text}"
    if _PUT_OFF.search(cleaned):
        return f"Postponed: {text}"
    if _SETTLED.search(cleaned):
        return f"Agreed: {text}"
    return None


def refused(answers: Collection[str]) -> bool:
    """One of the others' next lines says no."""
    return any(_NO.search(a) for a in answers)


def accepted(answers: Collection[str]) -> bool:
    """The others' next lines take it up: one says yes, none says no."""
    return not refused(answers) and any(_YES.search(a) for a in answers)


def decision(cleaned: str) -> str | None:
    """The text of a line that records a decision or an action, else None."""
    if not _DECISION.search(cleaned):
        return None
    text = re.sub(r"^\s*#(action|agreed|decided|resolved)\b\s*", "", cleaned, flags=re.I)
    text = re.sub(r"^\s*(ACTION|AGREED|DECISION|DECIDED|RESOLVED)\s*[:,-]\s*", "", text, flags=re.I)
    words = content_words(text)
    if len(words) < 3:
        return None
    if not re.match(r"\s*#|\s*ACTION\b", cleaned) and _HEDGED.search(text):
        return None  # "Agreed: we will need to revisit, like…" settles nothing
    if re.match(r"\s*(we will|we'll)\b", cleaned, re.I) and _CONDITIONAL.search(text):
        return None  # "we'll … unless …", said in passing: no marker says it was settled
    kind = "Action" if re.search(r"\baction\b", cleaned, re.I) else "Agreed"
    return f"{kind}: {text[0].upper()}{text[1:]}"
