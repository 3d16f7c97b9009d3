"""Sentence boundaries, by nupunkt (a Punkt model that knows abbreviations and initials:
"Mr. Smith told the U.S. Senate" is one sentence), with closing quotes and brackets kept.

Punkt sometimes takes a common word before a full stop for an abbreviation and runs two
sentences together ("that is no longer so. And I do think…"); a full stop after a lower-case
word of two letters or more that is no abbreviation, then a capitalised word, ends a sentence.
"""

from __future__ import annotations

import re

import nupunkt

_MISSED = re.compile(r"\b(?P<word>[a-z]{2,})[.!?](?P<gap>\s+)(?=[A-Z][a-z])")
_ABBREVIATIONS = frozenset(
    "etc vs cf al approx ca esp viz incl fig figs eq eqs vol vols ch chap pp ed eds no nos op"
    " jr sr st mr mrs ms dr prof rev gen col capt lt sgt hon esq seq sq ft in oz lb lbs"
    " mt ave co corp inc ltd bros dept univ assn est".split()
)


def split_sentences(text: str) -> list[str]:
    found: list[str] = []
    for sentence in nupunkt.sent_tokenize(text):
        found += _split_missed(str(sentence).strip())
    return [s for s in found if s]


def _split_missed(sentence: str) -> list[str]:
    parts: list[str] = []
    start = 0
    for match in _MISSED.finditer(sentence):
        if match.group("word") in _ABBREVIATIONS:
            continue
        parts.append(sentence[start : match.start("gap")].strip())
        start = match.end("gap")
    parts.append(sentence[start:].strip())
    return parts
