"""Theme labels (issue #26): noun phrases a person would write, from the discussion's words."""

from __future__ import annotations

from roundtable.summaries.labels import Labeller, phrases


def test_phrases_start_where_a_noun_phrase_can_and_keep_names_and_identifiers() -> None:
    found = phrases("the office lease is paid, so we follow PEP 8 and RFC-9110 in Europe/Berlin")
    assert {"office lease", "PEP 8", "RFC-9110", "Europe/Berlin"} <= set(found.values())
    # No pronoun, contraction, filler or adverb; a number only after a name.
    said = "honestly there's nothing we can't fix, it's 42 minutes and my slow demo"
    assert set(phrases(said).values()) == {"demo"}


def test_a_phrase_does_not_end_in_its_verb() -> None:
    """ "the cluster purchase tells us", "your profile timezone decides the display", "the export
    bans backfired": the verb is not part of the topic."""
    found = set(phrases("a cost that ignores the cluster purchase tells us").values())
    assert "cluster purchase" in found and "cluster purchase tells" not in found
    assert set(phrases("your profile timezone decides the display").values()) == {
        "profile",
        "profile timezone",
        "display",
    }
    assert ("export", "bans", "backfired") not in phrases("the export bans backfired")
    assert ("export", "bans") in phrases("the export bans backfired")


def test_members_names_are_never_a_label() -> None:
    texts = ["ask nadia about the mirror outage", "nadia fixed the mirror outage"] * 3
    labeller = Labeller(texts + ["unrelated talk about lunch"] * 6, names=["Nadia"])
    assert labeller.label(range(6)) == "mirror outage"


def theme_of(*said: str) -> tuple[Labeller, list[int], list[str]]:
    """A theme of these messages, in a group where everyone else talks about lunch."""
    texts = [*said, *["lunch was good today, pasta again"] * 8]
    return Labeller(texts), list(range(len(said))), texts


def test_the_label_is_said_in_the_quote_or_there_is_none() -> None:
    """The theme's best phrase the quote holds ("pull request" over "pull"), or no label: a
    label over a quote about something else misleads."""
    labeller, theme, texts = theme_of(
        "I can open a pull request for the installer fix",
        "the pull request needs a review before Friday",
        "who reviews the pull request for the installer?",
        "the installer fix is in the pull request now",
    )
    assert labeller.label(theme, quote=texts[1]) == "pull request"
    assert labeller.label(theme, quote=texts[0]) in {"pull request", "installer fix"}
    assert labeller.label(theme, quote="thanks, that helps a lot") is None


def test_the_quote_is_a_message_that_says_what_the_theme_is_about() -> None:
    """A theme's quote is its most telling message that says one of its best phrases, not a
    remark that only shares its common words ("I think I've missed a huge part of this")."""
    labeller, theme, _ = theme_of(
        "I think I've missed a huge part of this, sorry, what did we say",
        "the docker build needs the shared folder mounted before npm install",
        "npm install fails in the docker build without the shared folder",
        "the shared folder breaks the docker build on windows hosts",
    )
    assert labeller.on_topic(theme, theme) == 1
    assert labeller.on_topic(theme, [0]) is None  # none of them says it: the caller's choice
