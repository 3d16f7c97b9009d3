"""Who wrote what, as an export may say it: consent choices and pseudonyms.

A member who chose to appear anonymously is "a member" everywhere, also in an anonymised
export (a pseudonym would still link their messages together). With `anonymise`, everyone else
is "Member 1", "Member 2", ... in order of first appearance: stable within one export, and
unrelated to any other export. Mentions in what members wrote are written as the same labels,
so a name never leaks through someone else's text.
"""

from __future__ import annotations

import re

from roundtable.exports.model import MEMBER, Author

_USER_MENTION = re.compile(r"<@!?(\d{15,21})>")
_ROLE_MENTION = re.compile(r"<@&\d{15,21}>")
_CHANNEL_MENTION = re.compile(r"<#\d{15,21}>")


def mentioned(text: str) -> set[int]:
    if "<@" not in text:
        return set()
    return {int(m) for m in _USER_MENTION.findall(text)}


class Names:
    def __init__(self, *, anonymise: bool):
        self.anonymise = anonymise
        self._pseudonyms: dict[int, int] = {}

    def _pseudonym(self, user_id: int) -> int:
        return self._pseudonyms.setdefault(user_id, len(self._pseudonyms) + 1)

    def label(self, author: Author) -> str:
        if author.choice != "named":
            return MEMBER
        if self.anonymise:
            return f"Member {self._pseudonym(author.user_id)}"
        return author.name or f"member {author.user_id}"

    def ident(self, author: Author) -> str | None:
        if author.choice != "named":
            return None
        if self.anonymise:
            return f"member-{self._pseudonym(author.user_id)}"
        return str(author.user_id)

    def text(self, content: str, authors: dict[int, Author]) -> str:
        """Mentions written as labels: <@123> -> @Ada (or @Member 2, @a member)."""
        if "<" not in content:
            return content

        def user(match: re.Match[str]) -> str:
            found = authors.get(int(match.group(1)))
            if found is None or (found.name is None and found.choice == "named"):
                # Never seen in a round, or forgotten (/forget deletes the name).
                return "@" + MEMBER if self.anonymise else "@unknown member"
            return "@" + self.label(found)

        content = _USER_MENTION.sub(user, content)
        content = _ROLE_MENTION.sub("@role", content)
        return _CHANNEL_MENTION.sub("#channel", content)
