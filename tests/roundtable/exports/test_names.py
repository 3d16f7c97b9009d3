"""Names members type in text (#27): an anonymised export kept them in 37-39 % of messages of
a meeting and a Q&A discussion. Display names the bot has seen are replaced, whole or by their
first word, as the export's labels; everyday words and shared first names only when certain."""

from __future__ import annotations

from roundtable.exports.model import Author
from roundtable.exports.names import Names

ADA = Author(1, "Ada Lovelace", "named")
ADA_KING = Author(2, "Ada King", "named")
BOB = Author(3, "Bob", "anonymous")
GRACE = Author(4, "Grace Hopper", "named")
WILL = Author(5, "Will", "named")
DEE = Author(6, "Dee", "excluded")
MEMBERS = {a.user_id: a for a in (ADA, ADA_KING, BOB, GRACE, WILL, DEE)}


def names(*, anonymise: bool) -> Names:
    made = Names(anonymise=anonymise)
    made.know(MEMBERS)
    for author in (GRACE, ADA, ADA_KING, WILL):  # numbered in order of appearance
        made.label(author)
    return made


def test_an_anonymised_export_replaces_every_name_typed() -> None:
    shown = names(anonymise=True).text(
        "Thanks Grace, and grace hopper too! ada lovelace and @Ada King disagree; "
        "Ada alone is ambiguous. @bob? dee said so. Will you come, @Will?",
        {},
    )
    assert shown == (
        "Thanks Member 1, and Member 1 too! Member 2 and @Member 3 disagree; "
        "Ada alone is ambiguous. @a member? a member said so. Will you come, @Member 4?"
    )


def test_a_named_export_replaces_only_members_who_chose_not_to_be_named() -> None:
    shown = names(anonymise=False).text("Grace and Bob agree with Dee; deed and bobsled.", {})
    assert shown == "Grace and a member agree with a member; deed and bobsled."
