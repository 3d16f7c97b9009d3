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
    # A full stop inside a code span (``.*``, `os.path`) ends no sentence: the spans are set
    # aside while the text is cut, and put back after.
    spans: list[str] = []

    def aside(found: re.Match[str]) -> str:
        if not _STOP.search(found.group()):
            return found.group()
        spans.append(found.group())
        return f"\ue000{len(spans) - 1}\ue001"

    hidden = _CODE_SPAN.sub(aside, text)
    found: list[str] = []
    for sentence in nupunkt.sent_tokenize(hidden):
        found += _split_missed(str(sentence).strip())
    if spans:
        found = [_SET_ASIDE.sub(lambda m: spans[int(m.group(1))], s) for s in found]
    return [s for s in found if s]


# Markdown's `x` and ``x``, reStructuredText's ``x`` (read left to right, so that a span's
# closing marks never open the next).
_CODE_SPAN = re.compile(r"(`+)(?!`)(.+?)(?<!`)\1(?!`)")
_STOP = re.compile(r"[.!?](?!\s)")  # not "`hello". Then `: old quotes, not code
_SET_ASIDE = re.compile("\ue000(\\d+)\ue001")


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
