"""Small plain-text helpers shared by the core and the cogs: clipping, plurals, masked links."""

from __future__ import annotations

import re

# [label](url) and [label](<url>): Markdown's masked link, which Discord renders as `label`.
_MASKED_LINK = re.compile(r"\[([^\[\]\n]*)\]\(\s*<?([^()<>\s]*)>?(?:\s+\"[^\"]*\")?\s*\)")


# Characters a reader cannot see: zero-width ones, soft hyphens, and the bidirectional controls
# that can make a title read backwards ("\u202eevil" shows as "live") or hide what follows.
INVISIBLE = dict.fromkeys(
    map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f\u061c"
             "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"),
    None,
)  # fmt: skip


def clip(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, with an ellipsis when it was cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def plural(n: int, noun: str, many: str | None = None) -> str:
    """ "1 answer", "2 answers", "1,200 replies" (with `many` for irregular plurals)."""
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {many or noun + 's'}"


def unmask_links(text: str) -> str:
    """Masked links written out: "[label](url)" becomes "label (url)", so a reader sees where a
    link goes before following it. The label is kept; an empty one gives just the url."""

    def written_out(match: re.Match[str]) -> str:
        label, url = match.group(1).strip(), match.group(2)
        return f"{label} ({url})" if label else url

    return _MASKED_LINK.sub(written_out, text)


_URL = re.compile(r"<?\b(?:https?|ftp|discord)://[^\s>]+>?", re.IGNORECASE)


def without_links(text: str) -> str:
    """Text written by a model, with no link left in it: a masked link becomes its label and a
    bare address "(link removed)". A model's points cite messages by id; any address in their
    words came from the data (an injection, perhaps) and is never published under the bot's
    name."""
    text = _MASKED_LINK.sub(lambda m: m.group(1).strip(), text)
    return _URL.sub("(link removed)", text)
