"""What a theme is about, in the words of the discussion: the noun phrase (one to three words)
most distinctive of the theme's messages against the rest of the group, a class-based TF-IDF.

A phrase is taken only where a noun phrase can start (after "the", "a", "our", "in", "with",
"and" and the like, at the start of a sentence, or at a name or an identifier), and only of
content words: never a pronoun, a
contraction ("there's"), a filler word or a member's name, never two phrases glued together
("there's · merge" was such a label). Names and identifiers keep their own spelling and their
number ("PEP 8", "RFC-9110", "Europe/Berlin"). A longer phrase wins when it is nearly as
distinctive as its best word ("export bans" rather than "export"). The phrase is taken from the
message quoted for the theme, one of the best when the quote holds one, so that label and
quote are about the same thing; a quote holding none of the theme's phrases goes unlabelled.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Collection, Sequence

from roundtable.summaries.chatter import _FILLER

# Words, keeping identifiers whole: "RFC-9110", "Europe/Berlin", "UTF-8", "C++".
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’/+_-]*[A-Za-z0-9+]|[A-Za-z0-9]|[,.;:!?]")
_IDENTIFIER = re.compile(r"\w[/+_-]\w|[A-Za-z]\d|\d[A-Za-z]")
_LINK = re.compile(r"<?https?://\S+>?|<[@#][!&]?\d+>")
# After these a noun phrase starts: determiners and possessives, prepositions, conjunctions.
_DETERMINERS = frozenset(
    """the a an this that these those my our your their its his her each every no some any
    all both another either neither""".split()
)
_PREPOSITIONS = frozenset(
    """of in on at by for with from into about over under without between through during per
    than via against within across behind beyond""".split()
)
# And where a clause starts, or a verb takes its complement: "and npm is …", "is a hope".
_JOINS = frozenset("""and or but so if when because while then is are was were be been""".split())
_OPENERS = _DETERMINERS | _PREPOSITIONS | _JOINS
_PUNCTUATION = frozenset(",.;:!?")
_MODIFIERS = frozenset(
    """new old short long big small little last next first latest earlier later same different
    whole slow fast real easy hard personal actual general particular main entire specific
    current previous other own clear simple quick full""".split()
)
# Not what a theme is about, though not filler in a chat either: modal verbs, words that only
# join, pronouns, the adjectives and verbs said of anything ("new", "making"), and the nouns
# of idioms ("in practice", "in fact", "makes sense").
_NOT_CONTENT = _MODIFIERS | frozenset(
    """must shall may cannot can't etc via per yet else whatever whichever whoever however
    always never often sometimes already again ever since unless though although whether
    ours yours theirs mine hers itself myself yourself ourselves themselves
    true false able likely sort kind far
    making doing getting trying saying thinking going coming having being seeing looking
    running seems seem seemed says said tell told know knew
    nothing something anything everything everyone someone anyone nobody
    practice fact case order sense part terms addition reality ability theory
    second third
    end start beginning day days week today tomorrow yesterday tonight moment while""".split()
)
MAX_WORDS = 3
MAX_LABEL_CHARS = 30
_ESCAPE = re.compile(r"x[0-9a-f]{2}|u[0-9a-f]{4}")
MULTIWORD = 1.15  # how much less distinctive a longer phrase may be than its best word
QUOTED_FROM = 5  # the best phrases among which one in the quote is preferred

SAMPLE = 1000  # messages read to know how common a phrase is in the whole group
THEME_SAMPLE = 200  # messages of a theme read for its label


def _content(word: str, lower: str) -> bool:
    if lower in _FILLER or lower in _NOT_CONTENT or "'" in lower or "’" in lower:
        return False
    if len(word) > MAX_LABEL_CHARS or word.count("/") > 1:
        return False  # a path is no topic
    if lower[:1] in "xu" and _ESCAPE.fullmatch(lower):
        return False  # "x80" of a log's broken encoding
    if lower.endswith("ly") and len(lower) > 4:
        return False  # "honestly", "quickly": how, not what
    return len(lower) >= 3 or (word.isupper() and len(word) >= 2)  # "AI", "UI"


def phrases(text: str, names: Collection[str] = ()) -> dict[tuple[str, ...], str]:
    """The noun-phrase candidates of one message: lower-cased words -> the words as written."""
    words = _TOKEN.findall(_LINK.sub(" ", text))
    found: dict[tuple[str, ...], str] = {}
    opens = True  # the start of the message
    for i, word in enumerate(words):
        lower = word.lower()
        if word in _PUNCTUATION:
            opens = True
            continue
        # A name or an identifier starts a phrase wherever it stands ("we follow PEP 8").
        named = i > 0 and (
            word[:1].isupper() or (not word.isalpha() and _IDENTIFIER.search(word) is not None)
        )
        if (opens or named) and not lower.isdigit():
            run: list[str] = []
            for nxt in words[i : i + MAX_WORDS]:
                low = nxt.lower()
                number = low.isdigit() and bool(run) and run[-1][:1].isupper()  # "PEP 8"
                if low in _OPENERS or low in names:
                    break
                if not (number or (not low.isdigit() and _content(nxt, low))):
                    break
                run.append(nxt)
                if run[1:] and _verb_like(low, words, i + len(run)):
                    break  # "the cluster purchase tells us": a phrase does not end in a verb
                found.setdefault(tuple(w.lower() for w in run), " ".join(run))
        # "my slow demo": the noun after an adjective said of anything starts a phrase too.
        opens = lower in _OPENERS or (opens and lower in _MODIFIERS)
    return found


def _verb_like(word: str, words: list[str], after: int) -> bool:
    """The last word of a phrase of several reads as its verb: in the past ("bans backfired"),
    or followed by its object ("timezone decides the display", "team pick its own")."""
    if len(word) > 5 and word.endswith("ed"):
        return True
    return after < len(words) and words[after].lower() in _OBJECT_STARTS


# Words that start a verb's object, not a noun's continuation.
_OBJECT_STARTS = frozenset(
    """the a an its their our my your his her us them it him me you this these those""".split()
)


class Labeller:
    """Built once per group of messages; `label(rows)` for each theme of it. How common each
    phrase is in the group is counted on an even sample of at most SAMPLE messages."""

    def __init__(self, texts: Sequence[str], names: Collection[str] = ()):
        self.texts = texts
        self.names = {n.lower() for n in names}  # members' names say who, not what
        self._docs: dict[int, dict[tuple[str, ...], str]] = {}
        self._themes: dict[
            tuple[tuple[int, ...], frozenset[str]],
            tuple[list[tuple[str, ...]], dict[tuple[str, ...], Counter[str]]],
        ] = {}
        step = max(1, len(texts) // SAMPLE)
        sample = range(0, len(texts), step)
        self.df = Counter(p for i in sample for p in self._doc(i))
        self.n = len(sample)

    def _doc(self, row: int) -> dict[tuple[str, ...], str]:
        found = self._docs.get(row)
        if found is None:
            found = self._docs[row] = phrases(self.texts[row], self.names)
        return found

    def _ranked(
        self, rows: Sequence[int], avoid: set[str] | None = None
    ) -> tuple[list[tuple[str, ...]], dict[tuple[str, ...], Counter[str]]]:
        """The theme's phrases, most distinctive first, and how each was written; ranked once
        a theme (its label and its quote, side by side, ask for the same ranking)."""
        rows = rows[:THEME_SAMPLE]
        key = (tuple(rows), frozenset(avoid or ()))
        if key not in self._themes:
            self._themes[key] = self._rank(rows, avoid)
        return self._themes[key]

    def _rank(
        self, rows: Sequence[int], avoid: set[str] | None
    ) -> tuple[list[tuple[str, ...]], dict[tuple[str, ...], Counter[str]]]:
        inside: Counter[tuple[str, ...]] = Counter()
        written: dict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
        for r in rows:
            for phrase, as_written in self._doc(r).items():
                inside[phrase] += 1
                written[phrase][as_written] += 1
        size = len(rows)
        best_word: dict[str, float] = {}
        scored = []
        for phrase, count in inside.items():
            if count < 2 and size > 2:
                continue
            score = (count / size) * math.log((1 + self.n) / (1 + self.df[phrase]))
            if len(phrase) == 1:
                best_word[phrase[0]] = score
            scored.append((score, count, phrase))
        # A longer phrase stands for its words when it is nearly as distinctive as the best.
        ranked = []
        for score, count, phrase in scored:
            if len(phrase) > 1:
                score = min(score * MULTIWORD, max(best_word.get(w, 0.0) for w in phrase) * 1.01)
            ranked.append((score, count, phrase))
        ranked.sort(key=lambda s: (-s[0], -s[1], -len(s[2]), s[2]))
        return [p for _, _, p in ranked if not (avoid and " ".join(p) in avoid)], written

    def on_topic(self, rows: Sequence[int], candidates: Sequence[int]) -> int | None:
        """The first of `candidates` (messages of the theme made of `rows`) that says one of
        the theme's best phrases: a quote about the theme, not "I think I've missed a huge part
        of this discussion" that only shares its common words."""
        best = set(self._ranked(rows)[0][:QUOTED_FROM])
        return next((r for r in candidates if best & set(self._doc(r))), None)

    def label(
        self, rows: Sequence[int], avoid: set[str] | None = None, quote: str | None = None
    ) -> str | None:
        """The most distinctive noun phrase of the theme made of these messages (its most
        central THEME_SAMPLE, when `rows` come most central first); one of the best that
        `quote` holds, when it holds one."""
        options, written = self._ranked(rows, avoid)
        if not options:
            return None
        if quote is None:
            return written[options[0]].most_common(1)[0][0]
        # About what the quote says: one of the best phrases it holds, else the best it holds
        # at all, else no label (the quote speaks for itself).
        held = set(phrases(quote, self.names))
        inside_quote = [p for p in options if p in held]
        if not inside_quote:
            return None
        best = [p for p in options[:QUOTED_FROM] if p in held]
        chosen = (best or inside_quote)[0]
        # "pull request" rather than "pull", when the quote says it and the theme repeats it.
        longer = [p for p in inside_quote if len(p) > len(chosen) and p[: len(chosen)] == chosen]
        chosen = max(longer, key=len) if longer else chosen
        return written[chosen].most_common(1)[0][0]
