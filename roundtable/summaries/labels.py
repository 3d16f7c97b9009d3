"""A few words that say what a theme is about, taken from the discussion itself: the phrases
(one or two words) most distinctive of the theme's messages against the rest of the group,
a class-based TF-IDF. A two-word phrase wins when it is nearly as distinctive as the best
single word ("export bans" rather than "export")."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Collection, Sequence

from roundtable.summaries.chatter import _FILLER

_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’-]*[A-Za-z0-9]|[A-Za-z]")
_LINK = re.compile(r"<?https?://\S+>?|<[@#][!&]?\d+>")
MAX_WORDS = 4


def _phrases(text: str) -> set[tuple[str, ...]]:
    words = [w.lower() for w in _TOKEN.findall(_LINK.sub(" ", text))]
    found: set[tuple[str, ...]] = set()
    for i, w in enumerate(words):
        if w in _FILLER or len(w) < 3 or w.isdigit():
            continue
        found.add((w,))
        if i + 1 < len(words):
            nxt = words[i + 1]
            if nxt not in _FILLER and len(nxt) >= 3 and not nxt.isdigit():
                found.add((w, nxt))
    return found


SAMPLE = 1000  # messages read to know how common a phrase is in the whole group
THEME_SAMPLE = 200  # messages of a theme read for its label


class Labeller:
    """Built once per group of messages; `label(rows)` for each theme of it. How common each
    phrase is in the group is counted on an even sample of at most SAMPLE messages."""

    def __init__(self, texts: Sequence[str], names: Collection[str] = ()):
        self.texts = texts
        self.names = {n.lower() for n in names}  # members' names say who, not what
        self._docs: dict[int, set[tuple[str, ...]]] = {}
        step = max(1, len(texts) // SAMPLE)
        sample = range(0, len(texts), step)
        self.df = Counter(p for i in sample for p in self._doc(i))
        self.n = len(sample)

    def _doc(self, row: int) -> set[tuple[str, ...]]:
        found = self._docs.get(row)
        if found is None:
            found = self._docs[row] = _phrases(self.texts[row])
        return found

    def label(self, rows: Sequence[int], avoid: set[str] | None = None) -> str | None:
        """Up to two distinctive phrases of the theme made of these messages (its most
        central THEME_SAMPLE, when `rows` come most central first)."""
        rows = rows[:THEME_SAMPLE]
        inside = Counter(p for r in rows for p in self._doc(r))
        if not inside:
            return None
        size = len(rows)
        scored = []
        for phrase, count in inside.items():
            if (count < 2 and size > 2) or any(w in self.names for w in phrase):
                continue
            share = count / size
            rarity = math.log((1 + self.n) / (1 + self.df[phrase]))
            bonus = 1.15 if len(phrase) == 2 else 1.0
            scored.append((share * rarity * bonus, count, phrase))
        if not scored:
            return None
        scored.sort(key=lambda s: (-s[0], -s[1], s[2]))
        chosen: list[tuple[str, ...]] = []
        for _, _, phrase in scored:
            if any(set(phrase) & set(c) for c in chosen):
                continue  # "export bans" already says "export"
            if avoid and " ".join(phrase) in avoid:
                continue
            chosen.append(phrase)
            if len(chosen) == 2 or sum(len(c) for c in chosen) >= MAX_WORDS - 1:
                break
        return " · ".join(" ".join(c) for c in chosen) or None
