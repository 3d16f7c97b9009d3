"""What Discord would render as a link where it hides the address: masked links.

Discord turns `[label](https://…)` into a link showing only `label`, in a bot's message content,
embed descriptions and field values; a backslash before the `[` keeps it literal. Tests use this
to check that nothing a member wrote appears as such a link under the bot's name.
"""

from __future__ import annotations

import re
from typing import Any

_MASKED = re.compile(r"(?<!\\)\[([^\[\]\n]+)\]\(\s*<?(https?://[^\s()<>]+)>?\s*\)")


def masked_links(text: str) -> list[str]:
    """The addresses of the masked links Discord would render in `text`."""
    return [m.group(2) for m in _MASKED.finditer(text)]


def rendered_text(content: str, embeds: list[dict[str, Any]]) -> list[str]:
    """The parts of a message where Discord renders Markdown links."""
    parts = [content]
    for embed in embeds:
        parts.append(embed.get("description") or "")
        parts += [f.get("value") or "" for f in embed.get("fields") or []]
    return parts
