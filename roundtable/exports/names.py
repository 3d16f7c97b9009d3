"""Who wrote what, as an export may say it: consent choices and pseudonyms.

A member who chose to appear anonymously is "a member" everywhere, also in an anonymised
export (a pseudonym would still link their messages together). With `anonymise`, everyone else
is "Member 1", "Member 2", ... in order of first appearance: stable within one export, and
unrelated to any other export. Mentions in what members wrote are written as the same labels,
so a name never leaks through someone else's text; so are names members type ("thanks Ada",
"@ada_l"): the display names the bot has seen on the server, whole or their first word, for
everyone in an anonymised export and for members who chose "a member" or to be left out in
any export. A first word two members share, or a short or common word ("Will", "May"), is
replaced only as part of the whole name.
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


# First words of display names that are also everyday words: replaced only in the whole name.
_COMMON = frozenset(
    "will may mark bill rose hope art ray sky max jack frank hunter summer autumn april june "
    "august dawn rain storm stone wolf fox bear king duke earl prince rich sunny happy lucky "
    "angel star pat don nick the and you she her him his not but one two new old big red blue "
    "green gray black white admin mod bot dev user guest member team cat dog".split()
)


class Names:
    def __init__(self, *, anonymise: bool):
        self.anonymise = anonymise
        self._pseudonyms: dict[int, int] = {}
        self._typed: re.Pattern[str] | None = None
        self._typed_at: re.Pattern[str] | None = None
        self._whose: dict[str, Author] = {}

    def know(self, members: dict[int, Author]) -> None:
        """The server's members the bot has seen, whose names typed in text are replaced: all of
        them when anonymising, else those who chose "a member" or to be left out."""
        firsts: dict[str, int] = {}
        for author in members.values():  # a first word shared with anyone is ambiguous
            if author.name and author.name.split():
                key = author.name.split()[0].casefold()
                firsts[key] = firsts.get(key, 0) + 1
        whose: dict[str, Author] = {}
        at_only: dict[str, Author] = {}  # everyday words: replaced only as "@Will"
        for author in members.values():
            if not (author.name and author.name.split()):
                continue
            if not (self.anonymise or author.choice != "named"):
                continue
            words = author.name.split()
            whole = " ".join(words)
            if len(whole) >= 3:
                common = len(words) == 1 and whole.casefold() in _COMMON
                (at_only if common else whose)[whole.casefold()] = author
            key = words[0].casefold()
            if len(words) > 1 and len(key) >= 3 and key not in _COMMON and firsts[key] == 1:
                whose.setdefault(key, author)
        self._whose = {**at_only, **whose}
        self._typed = _pattern(whose, "@?")
        self._typed_at = _pattern(at_only, "@")

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
        """Mentions written as labels: <@123> -> @Ada (or @Member 2, @a member); names typed
        of members who are not to be named, as their labels."""
        for typed in (self._typed, self._typed_at):
            if typed is not None:
                content = typed.sub(self._typed_label, content)
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

    def _typed_label(self, match: re.Match[str]) -> str:
        author = self._whose[" ".join(match.group(2).split()).casefold()]
        return match.group(1) + self.label(author)


def _pattern(names: dict[str, Author], at: str) -> re.Pattern[str] | None:
    """Any of `names` as a whole word, after `at` ("@?" or "@"), in any case."""
    if not names:
        return None
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<![\w@])({at})({alternatives})(?!\w)", re.IGNORECASE)
