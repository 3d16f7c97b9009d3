"""Sentence boundaries, by nupunkt (a Punkt model that knows abbreviations and initials:
"Mr. Smith told the U.S. Senate" is one sentence), with closing quotes and brackets kept."""

from __future__ import annotations

import nupunkt


def split_sentences(text: str) -> list[str]:
    found: list[str] = [str(s).strip() for s in nupunkt.sent_tokenize(text)]
    return [s for s in found if s]
