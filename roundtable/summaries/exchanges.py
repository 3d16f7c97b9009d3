"""Who was answering whom: a chat's interleaved conversations told apart, and each question
shown with its best answer, or said to be unanswered.

In a help channel several conversations run at once ("motaka2: is this a desktop?", "wellick:
/ is the root", "ty"). Each message is linked to the one it answers (Elsner and Charniak's
cues, in this order): the Discord reply it is; the last message of the member it addresses
("nick: …", "nick, …", an @mention); for a message addressed to nobody, the latest of the
last line someone addressed to its author and the author's own last line, when recent; else
the recent message it shares the most words with, if it shares enough; else nothing: it opens a
conversation. A conversation opened by a question is an exchange. Its best answer is the reply
the asker thanked or confirmed ("ty", "that worked"), else the reply about the question the
others took up most, else the first reply that says something (never a question back, a
greeting or someone else's thanks).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from roundtable.summaries import chatter
from roundtable.summaries.model import Contribution

WINDOW = 60  # messages back an addressed member's last line is looked for
RECENT = 12  # messages back a line addressed to the author still has the author's attention
RECENT_SECONDS = 20 * 60
LEXICAL_WINDOW = 8  # messages back an unaddressed line may continue by its words
LEXICAL_FROM = 0.3  # the TF-IDF similarity from which it does
MIN_QUESTION = 2  # content words of a question worth showing
NEW_QUESTION = 3  # content words of a question that may open a conversation of its own

_MENTION = re.compile(r"<@!?(\d+)>")
_LEAD = re.compile(r"^\s*@?([\w.|`^\[\]{}-]{2,32})\s*[:,>]?\s+")
_TAIL = re.compile(r"[\s,]@?([\w.|`^\[\]{}-]{2,32})\W{0,3}$")  # "… enough eepberries"
_FACTOID = re.compile(r"^\s*!\S+.*?\s[|>]\s*@?([\w.|`^\[\]{}-]{2,32})\s*$")  # "!ask | nick"
# What an asker says of a reply that helped: "ty", "thanks!", "that worked", "got it".
_THANKED = re.compile(
    r"\b(thanks|thank you|thank u|thx|ty|tyvm|cheers|that worked|it works|that works|"
    r"works now|worked|fixed it|that fixed|solved|that did it|did the trick|perfect|"
    r"awesome|got it|makes sense|i see|that helps|helpful)\b",
    re.IGNORECASE,
)
# A request with no question mark: "how do i get the taskbar like this: <link>".
_ASKING = re.compile(
    r"^\W*(how (do|can|to|would|should)|is there|are there|can (someone|anyone|somebody|i)|"
    r"could (someone|anyone|somebody|i)|does (anyone|anybody)|has (anyone|anybody)|"
    r"anyone (know|here|have|got)|any (idea|ideas|way|tips|suggestions)|i need help|"
    r"need help|help with|where (can|do|is|are)|what (is|are|do|does|should))\b",
    re.IGNORECASE,
)
_GREETING = re.compile(r"^\W*(hi|hello|hey|hiya|morning|good (morning|evening)|welcome)\b", re.I)
# A problem stated, with no question mark: "I keep getting 429 errors", "X won't boot".
_PROBLEM = re.compile(
    r"\b(i keep getting|keeps? (crashing|failing|freezing)|doesn'?t work|does not work|"
    r"won'?t (start|boot|load|work|install|connect)|can'?t (get|seem|find|install|connect|"
    r"figure)|is(n'?t| not) working|fails? (to|with)|error:?|stuck (at|on))\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Exchange:
    """A question and the conversation it opened (indices into the messages)."""

    question: int
    replies: tuple[int, ...]  # the others' messages in its conversation, in order
    answer: int | None  # the best answer; None when nobody answered
    thanked: bool  # the asker thanked or confirmed it
    asker_lines: tuple[int, ...] = ()  # the asker's own later lines in it ("ty", "that worked")


def addressee(c: Contribution, by_name: dict[str, int]) -> int | None:
    """The member a message is addressed to: an @mention, or a member's name in front."""
    mention = _MENTION.search(c.text[:80])
    if mention:
        return int(mention.group(1))
    for pattern in (_FACTOID, _LEAD, _TAIL):
        match = pattern.search(c.text)
        if match:
            named = by_name.get(match.group(1).lower().rstrip(":,"))
            if named is not None and named != c.user_id:
                return named
    return None


def asks(cleaned: str) -> bool:
    """Whether a (cleaned) message asks something worth an answer: a question or a problem
    stated, with enough content words not to be a hand-off ("anyone?")."""
    words = len(chatter.content_words(cleaned)) + ("://" in cleaned)  # "like this: <link>"
    if chatter.command(cleaned) or words < MIN_QUESTION:
        return False
    return "?" in cleaned or bool(_ASKING.match(cleaned) or _PROBLEM.search(cleaned))


def thanks(cleaned: str) -> bool:
    """An asker's word that a reply helped (and not a question back)."""
    return bool(_THANKED.search(cleaned)) and not cleaned.rstrip().endswith("?")


def parents(
    items: Sequence[Contribution],
    names: dict[int, str],
    words: Sequence[Collection[str]] | None = None,
) -> list[int | None]:
    """For each message, the index of the message it answers, or None when it opens a
    conversation of its own. `words`: each message's terms, for the lexical link."""
    shared = _Overlap(words) if words is not None else None
    by_name = {n.lower(): u for u, n in names.items() if n}
    at = {c.message_id: n for n, c in enumerate(items)}
    last_by: dict[int, int] = {}  # user -> their latest message
    last_to: dict[int, int] = {}  # user -> the latest message addressed to them
    said_to: dict[tuple[int, int], int] = {}  # (user, addressee or 0) -> its latest message
    out: list[int | None] = []
    for n, c in enumerate(items):
        parent: int | None = None
        to = addressee(c, by_name)
        if c.reply_to is not None and c.reply_to in at and at[c.reply_to] < n:
            parent = at[c.reply_to]
            to = items[parent].user_id if items[parent].user_id != c.user_id else to
        else:
            if to is not None:
                # What the addressed member last said to this one, else to nobody in
                # particular, else at all.
                for j in (said_to.get((to, c.user_id)), said_to.get((to, 0)), last_by.get(to)):
                    if j is not None and n - j <= WINDOW:
                        parent = j
                        break
            else:
                parent = _unaddressed(items, n, last_by.get(c.user_id), last_to.get(c.user_id))
                if parent is not None and shared is not None and _new_question(c):
                    if not shared.similarity(parent, n):
                        parent = None  # a new question, about something else
                if parent is None and shared is not None:
                    parent = shared.best(n, items)
        if to is not None:
            last_to[to] = n
        said_to[(c.user_id, to or 0)] = n
        out.append(parent)
        last_by[c.user_id] = n
    return out


def _new_question(c: Contribution) -> bool:
    """A question with enough words to open a conversation of its own."""
    cleaned = chatter.clean(c.text)
    return asks(cleaned) and len(chatter.content_words(cleaned)) >= NEW_QUESTION


def _recent(items: Sequence[Contribution], j: int | None, n: int) -> bool:
    if j is None or n - j > RECENT:
        return False
    a, b = items[j].created_at, items[n].created_at
    return a is None or b is None or (b - a).total_seconds() <= RECENT_SECONDS


def _unaddressed(
    items: Sequence[Contribution], n: int, own: int | None, to_me: int | None
) -> int | None:
    """An unaddressed line goes on with what its author was last part of: a line addressed to
    them, or their own last line, whichever came later, while it is recent."""
    candidates = [j for j in (own, to_me) if _recent(items, j, n)]
    if not candidates:
        return None
    return max(candidates)  # type: ignore[type-var]


class _Overlap:
    """How much two messages say the same: the cosine of their terms weighted by rarity (the
    IDF of the discussion), computed for a message and its few predecessors only."""

    def __init__(self, words: Sequence[Collection[str]]):
        self.words = [set(w) for w in words]
        df = Counter(t for w in self.words for t in w)
        n = len(self.words)
        self.idf = {t: math.log((1 + n) / (1 + k)) + 1.0 for t, k in df.items()}
        self.norm = [math.sqrt(sum(self.idf[t] ** 2 for t in w)) for w in self.words]

    def similarity(self, a: int, b: int) -> float:
        if not self.norm[a] or not self.norm[b]:
            return 0.0
        common = self.words[a] & self.words[b]
        return sum(self.idf[t] ** 2 for t in common) / (self.norm[a] * self.norm[b])

    def best(self, n: int, items: Sequence[Contribution]) -> int | None:
        """The recent message of someone else it shares the most words with, if enough."""
        scored = [
            (self.similarity(j, n), j)
            for j in range(max(0, n - LEXICAL_WINDOW), n)
            if items[j].user_id != items[n].user_id
        ]
        if not scored:
            return None
        score, j = max(scored)
        return j if score >= LEXICAL_FROM else None


def conversations(links: Sequence[int | None]) -> list[int]:
    """The conversation (the index of its first message) of each message."""
    root: list[int] = []
    for n, parent in enumerate(links):
        root.append(n if parent is None else root[parent])
    return root


def exchanges(
    items: Sequence[Contribution],
    names: dict[int, str],
    words: Sequence[Collection[str]] | None = None,
) -> list[Exchange]:
    """The conversations opened by a question, each with its best answer."""
    lowered = {n.lower() for n in names.values() if n}
    by_name = {n.lower(): u for u, n in names.items() if n}
    cleaned = [chatter.clean(c.text, lowered) for c in items]
    links = parents(items, names, words)
    roots = conversations(links)
    members: dict[int, list[int]] = {}
    for n, r in enumerate(roots):
        members.setdefault(r, []).append(n)
    children = [0] * len(items)
    for parent in links:
        if parent is not None:
            children[parent] += 1
    out = []
    for root, rows in members.items():
        if not asks(cleaned[root]):
            continue
        asker = items[root].user_id
        replies = tuple(r for r in rows[1:] if items[r].user_id != asker)
        answer, thanked = _best(rows, replies, asker, items, cleaned, links, children)
        if answer is None and (
            _spoken_to(items, root, asker, by_name, links) or _engaged(items, root, asker, by_name)
        ):
            continue  # perhaps answered in a way not told apart, or a question back
        own = tuple(r for r in rows[1:] if items[r].user_id == asker)
        out.append(Exchange(root, replies, answer, thanked, own))
    return out


def _spoken_to(
    items: Sequence[Contribution],
    root: int,
    asker: int,
    by_name: dict[str, int],
    links: Sequence[int | None],
) -> bool:
    """Someone addressed the asker within WINDOW messages after the question in a line linked
    to nothing else or sharing its words: an answer not told apart, perhaps."""
    question = chatter.clean(items[root].text)
    return any(
        items[k].user_id != asker
        and addressee(items[k], by_name) == asker
        and (
            links[k] in (None, root)
            or bool(set(_stems(chatter.clean(items[k].text))) & set(_stems(question)))
        )
        for k in range(root + 1, min(len(items), root + WINDOW))
    )


def _engaged(items: Sequence[Contribution], root: int, asker: int, by_name: dict[str, int]) -> bool:
    """The asker was talking with someone just before (a question in a conversation, not
    one that opens it): they spoke, or were spoken to, within RECENT messages."""
    return any(
        _recent(items, k, root)
        and (items[k].user_id == asker or addressee(items[k], by_name) == asker)
        for k in range(max(0, root - RECENT), root)
    )


def _answers(cleaned: str) -> bool:
    """A reply that can be an answer: says something ("build-essential" does), and is not
    a question back."""
    if chatter.command(cleaned) and not cleaned.startswith("!"):
        return False
    if thanks(cleaned) and len(chatter.content_words(cleaned)) <= 3:
        return False  # "that worked, thanks!": someone else's thanks
    if _GREETING.match(cleaned) and len(chatter.content_words(cleaned)) <= 3:
        return False  # "hi there cindyli"
    return bool(chatter.content_words(cleaned)) and not cleaned.rstrip().endswith("?")


def _best(
    rows: list[int],
    replies: tuple[int, ...],
    asker: int,
    items: Sequence[Contribution],
    cleaned: list[str],
    links: Sequence[int | None],
    children: list[int],
) -> tuple[int | None, bool]:
    """The reply the asker thanked; else the reply about the question (to the asker, or
    sharing its words) the others took up most; else the first reply that says something."""
    mine = {k for k in rows if items[k].user_id == asker}
    question = set(_stems(cleaned[rows[0]]))
    candidates = [r for r in replies if _answers(cleaned[r])]
    for r in rows[1:]:  # the first reply the asker thanked or confirmed
        if items[r].user_id == asker and thanks(cleaned[r]):
            parent = links[r]
            if parent is not None and parent in candidates:
                return parent, True
            earlier = [c for c in candidates if c < r]
            if earlier:
                return earlier[-1], True
    about = [r for r in candidates if links[r] in mine or question & set(_stems(cleaned[r]))]
    if about:

        def support(r: int) -> tuple[int, int, int]:
            shared = len(question & set(_stems(cleaned[r])))
            return (children[r], shared, -r)

        return max(about, key=support), False
    return (candidates[0] if candidates else None), False


def _stems(cleaned: str) -> list[str]:
    return [w[:5] for w in chatter.content_words(cleaned)]
