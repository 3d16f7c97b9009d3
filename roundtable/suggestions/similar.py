"""Whether two questions say nearly the same: word order (difflib over words), the same content
words (stop words aside), or a short question whose content words all sit in a longer one
(pack questions are often two sentences). Used to point out a near-duplicate before a member
submits, never to refuse one."""

from __future__ import annotations

import re
from difflib import SequenceMatcher

_WORD = re.compile(r"\w+(?:'\w+)?")
STOP = frozenset(
    "a an the of to in on and or is are was were be been do does did what how why which who "
    "whom that this these those it its for with as by at from you your we our they their i my "
    "me he she his her them there here so if than then not no should would could can will".split()
)
SAME_ORDER = 0.75  # share of words in the same order (difflib's ratio)
SAME_WORDS = 0.7  # Jaccard of the content words
CONTAINED = 0.8  # share of the shorter one's content words found in the longer one
CONTAINED_MIN = 4  # content words the shorter one needs for that to count


def words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def close(a: str, b: str) -> bool:
    wa, wb = words(a), words(b)
    if not wa or not wb:
        return False
    if SequenceMatcher(None, wa, wb, autojunk=False).ratio() >= SAME_ORDER:
        return True
    ca, cb = set(wa) - STOP, set(wb) - STOP
    union = ca | cb
    if union and len(ca & cb) / len(union) >= SAME_WORDS:
        return True
    shorter = min(ca, cb, key=len)
    return len(shorter) >= CONTAINED_MIN and len(ca & cb) / len(shorter) >= CONTAINED
