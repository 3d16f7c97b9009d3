"""Sentence boundaries: after . ! ? or …, with any closing quotes or brackets kept."""

from __future__ import annotations

import re

# Two fixed-width lookbehinds (Python's re has no variable-width ones): the space after the
# end mark, or after the end mark and one closing quote or bracket.
BOUNDARY = re.compile(r"(?:(?<=[.!?…])|(?<=[.!?…][\"'”’)\]]))\s+(?=[\"'“‘(\[]?[A-Z0-9])")


def split_sentences(text: str) -> list[str]:
    return [s for s in BOUNDARY.split(text) if s]
