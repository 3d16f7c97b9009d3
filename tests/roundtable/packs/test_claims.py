"""What a sentence commits its author to, read before any question is written: only the
author's own arguable claims are asked to be agreed with, figures are weighed as evidence, and
set-ups, other voices, narrative, citations, code and boilerplate are never quoted."""

from __future__ import annotations

import pytest

from roundtable.packs.claims import classify, key_phrases, read
from roundtable.packs.questions import GENERIC_OPENERS, snippet, template_questions
from tests.fixtures.question_texts import evaluation_set, judge


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        # The author's own claims.
        (
            "Every school board ought to publish its budget before the vote, not after it.",
            "arguable",
        ),
        (
            "If nothing changes, the river will flood the lower town again within ten years.",
            "arguable",
        ),
        (
            "The strike failed because the union never explained what it wanted to the public.",
            "arguable",
        ),
        (
            "Rail freight is cheaper than road freight over any distance longer than a day's drive.",
            "arguable",
        ),
        ("We believe that the archive belongs to the people whose letters fill it.", "arguable"),
        ("Let every member read the minutes before the meeting and not during it.", "arguable"),
        (
            "The vote was therefore a verdict on the mayor rather than on the plan itself.",
            "arguable",
        ),
        # Figures: weighed as evidence, even beside "must".
        (
            "The hospital treated 41,000 patients last winter, a third more than the year before.",
            "figure",
        ),
        ("Each licence allows 30 loans; after that the school must buy the title again.", "figure"),
        (
            "The parish spent six hundred pounds upon the new roof and nothing upon the school.",
            "figure",
        ),
        # Not figures: a time ago, half of the world.
        ("The gap that the minister spoke of 40 years ago has now been closed.", "plain"),
        (
            "They made the mistake of thinking that walling off half of the world would work.",
            "arguable",
        ),
        # Positions set up to be answered, and other people's claims.
        ("Some say that a longer school day would solve the problem of homework.", "set-up"),
        ("It is often argued that rents fall when more offices are built in the centre.", "set-up"),
        ("We are told that the market will sort out the shortage of nurses by itself.", "set-up"),
        ("THIRDLY – That the poor would squander any money given to them.", "set-up"),
        ("The minister insisted that the new tax would be paid by the richest alone.", "set-up"),
        (
            "A bigger stadium brings more visitors, its backers say, so the town will prosper.",
            "set-up",
        ),
        # Not claims at all.
        (
            "“Nobody reads the small print,” the clerk said with a shrug at the counter.",
            "narrative",
        ),
        ("She walked to the harbour and waited there until the boats came in.", "narrative"),
        ("This result agrees with earlier surveys of rural libraries (Moreau, 2018).", "citation"),
        ("Earlier trials found the same effect in three other regions [2, 5].", "citation"),
        ("Call `archive.open(path, mode='r')` and then `reader.next()` in the loop.", "code"),
        ("if archive.is_open(): reader.close()", "code"),
        # Prose that names a command in passing is prose.
        (
            "We propose that `go` should know versions, because builds must be repeatable.",
            "arguable",
        ),
        ("Licence: this page may be shared under the terms of CC BY-SA 4.0.", "boilerplate"),
        ("Share this story with your friends and family on social media.", "boilerplate"),
        ("We will now turn to the second objection, which concerns the cost.", "plain"),
        ("It will be remembered that the council met twice in the spring of that year.", "plain"),
        ("It must, however, be noted that the later letters are far longer.", "plain"),
        ("The mayor, as will be seen in a later chapter, changed his mind.", "plain"),
        # A narrator telling what happened, whatever "therefore" or "because" it holds.
        (
            "Looking round the door, I saw the piano; the hall was therefore smaller than it looked.",
            "narrative",
        ),
        (
            "We repeatedly assured each other on the way home that the bridge was therefore safe.",
            "narrative",
        ),
        (
            "As we drove home that night, we solemnly agreed that we had seen no ghost at all.",
            "narrative",
        ),
        (  # "I think" set off by commas is a hedge in the story, not an opinion
            "Presently, as we crossed the hall, the cook came up from the cellar, whither, I "
            "think, she had taken the jam.",
            "narrative",
        ),
        # Words that only look like verdicts; the narrator's asides; a design in the future tense.
        (
            "I found the tickets in my upper right pocket after the train had left the city.",
            "plain",
        ),
        (
            "Beside the door are portraits of the founders, or merely cards with their names.",
            "plain",
        ),
        (
            "At last we hear a single note clearly sung, and recognisable as the opening tune.",
            "plain",
        ),
        ("I merely meant to show that a grocer talks about apples unlike a jeweller.", "plain"),
        # A proposal's design is its claim to debate (asked "Is this the right design?").
        (
            "The `//` operator will return the floor of the quotient for any two integers.",
            "arguable",
        ),
        ("Introduce a new `dyn Trait` syntax and deprecate the bare trait syntax.", "arguable"),
        ("Code that uses trait objects becomes slightly more verbose.", "arguable"),
        ("The major downside of this proposal is that it complicates the parser.", "arguable"),
        # Someone else's view, reported.
        ("Some find that any form of punctuation makes the language more cryptic.", "set-up"),
        ("The BDFL's position is that short-circuit behaviour is essential here.", "set-up"),
        ("A counterpoint to that analysis is that the operator spares a search.", "set-up"),
        ("Add the flour to the butter and stir it slowly for ten minutes.", "plain"),
        ("The proposals that need to be read before the meeting are listed on the board.", "plain"),
        # What someone wanted, reported, is not the author's ought.
        (
            "He carried this into his classes, for he demanded of his pupils that they should "
            "think for themselves.",
            "plain",
        ),
        # What someone learnt, wanted or hoped, reported; an ought bound in a report of the past.
        (
            "It is true that the young clerk had learnt that every debt ought to be paid at once.",
            "plain",
        ),
        (
            "What was then wanted was, that the council should answer to the town; that its "
            "purse should be the town's purse.",
            "plain",
        ),
        (
            "The hope was that by borrowing a known design we should at last make some progress.",
            "plain",
        ),
        (
            "A day came when the guilds ceased to think it natural that their masters should "
            "rule them.",
            "plain",
        ),
        # Others' opinion, reported; an aside in brackets; a stretch of time is no figure.
        (
            "They think that, if they should strike, the cure would be worse than the disease.",
            "set-up",
        ),
        (
            "The elders do not agree on the way forward (perhaps that will change in time).",
            "plain",
        ),
        (
            "But we are 15 years down the road, and the old ledger is still the best way to keep "
            "accounts.",
            "arguable",
        ),
        # Signposts: what the author will not go into here; a courtesy.
        (
            "It would, therefore, be out of place to examine here whether the old charter was "
            "ever lawful.",
            "plain",
        ),
        ("Until then, we look forward to making the library better for every reader.", "plain"),
        # A quotation left open runs on into the next sentence: not a whole sentence to quote.
        (
            'Then, after a pause, I added as an afterthought: "I suppose the ferry will be late.',
            "fragment",
        ),
        # A position reported with "It is contended"; the text speaking of itself.
        (
            "It is contended that the council ought to have no say in the rules of the market.",
            "set-up",
        ),
        ("This essay is about the important work we did to keep the reading room quiet.", "plain"),
        # A verdict on a book is a claim, not the text speaking of itself.
        ("This book is the best history of the lending libraries ever written.", "arguable"),
        (
            "The three last numbers of this paper have been given to the dangers we should face "
            "alone.",
            "plain",
        ),
        (
            "It will therefore be of use to begin by examining the costs that every town will "
            "bear.",
            "plain",
        ),
        ("As we’ll see later, the index must be rebuilt whenever the shelves are moved.", "plain"),
        # A name's version is no figure; a count of people is.
        ("Reader 2.0 includes a far better index than the old release does.", "arguable"),
        ("There will not be a Reader 2 that breaks the files of Reader 1 users.", "arguable"),
        ("About 40 readers came to the first meeting, and half of them came back.", "figure"),
        # The points of a position under attack, someone's words with a clause between.
        (
            "Secondly.--That the committee is wiser and more worthy of trust than the members.",
            "set-up",
        ),
        (
            "The founder, when speaking of this vote, says that a club which forgets its debts "
            "deceives itself.",
            "set-up",
        ),
        # The author steering: what is left out, the order kept, what was dwelt on.
        (
            "I will leave out all discussion of the choirs, and will address myself to the readers.",
            "plain",
        ),
        (
            "I have dwelt on this point, as being a necessary part of a just account of the club.",
            "plain",
        ),
        # A stretch of time in words is no figure.
        ("The town lost in one day all that it had built in eight hundred years.", "plain"),
        # Short verdicts are claims; a short supposition or reply is not.
        ("But quiet can be good.", "arguable"),
        ("More light is better.", "arguable"),
        ("That is wrong.", "fragment"),
        ("But suppose the bridge should fall.", "fragment"),
        # Verdicts of use and need; the same words steering the reader.
        ("It would be valuable to include readers from other towns in the committee.", "arguable"),
        ("It is scarcely necessary to add that the minutes of that meeting are lost.", "plain"),
        ("That reading aloud helps, it is hardly necessary to say to this audience.", "plain"),
        # The same words as verdicts are claims.
        ("The committee is right to publish the accounts before the vote.", "arguable"),
        ("Their so-called reform is merely the old tax under a new name.", "arguable"),
        ("Clearly, a library that closes at five serves nobody who works.", "arguable"),
        ("THE ANNUAL REPORT OF THE SOCIETY FOR THE YEAR ENDING IN MARCH.", "fragment"),
        ("and the ships that should have sailed with them never left the port.", "fragment"),
        # A proposal is the author's ought; someone else's is reported.
        ("This proposal recommends a second reading room on the upper floor.", "arguable"),
        ("We propose that the index be rebuilt from the cards every spring.", "arguable"),
        ("The treasurer proposed a second reading room on the upper floor.", "set-up"),
        # reStructuredText's ``literal`` is one code span, as Markdown's `literal` is.
        (
            "The ``shelve`` and ``pickle`` modules are the wrong tools for a catalogue that "
            "members edit.",
            "arguable",
        ),
        ("The `?` mark is therefore far simpler to read than the old `catalogue` one.", "arguable"),
        ("It is important to note that the ledger covers every loan since the spring.", "plain"),
        (
            "Although it is not covered by this plan, it's worth noting in passing that the "
            "hours may change.",
            "plain",
        ),
        (
            "This RFC has the goal of defining which changes to the catalogue we will permit.",
            "plain",
        ),
        ("In general our branches keep too many lists and not enough readers.", "arguable"),
        (
            "The aim of the plan is to address the most common ways that the catalogue misleads "
            "readers.",
            "arguable",
        ),
        (
            "There has also been some concern that the club is changing too much and too quickly.",
            "set-up",
        ),
        ("Most members agree that the Tuesday meeting is better than the Friday one.", "set-up"),
        ("I don't think these rules are a burden to the members who join in winter.", "arguable"),
        ("I find this an unattractive name for a room where people read.", "arguable"),
        ("The problem with this is that every branch keeps its own list.", "arguable"),
        ("Adding a single shared list to the catalogue resolves those quarrels.", "arguable"),
        # Prose naming three things in code spans is prose; three spans of code are code.
        (
            "Introduce `Shelf`, `Ledger`, and `Catalogue` records for all branches whose readers "
            "are themselves members.",
            "arguable",
        ),
        ("Write `a + b`, then `c * d`, then `e - f` in the shared ledger today.", "code"),
        ("Then `reader.next()` and `reader.close()`.", "code"),  # hardly a word of prose
        ("Every branch reads the same list, thus no reader walks to all of them.", "arguable"),
        ("The river rose over the mill race, thus giving the town its first harbour.", "plain"),
        ("I also believe the catalogue should never be printed on paper again.", "arguable"),
        ("For details on how the list will be printed, see Printing.", "plain"),
        ("However, the branches agreed on the columns; see Columns below for details.", "plain"),
    ],
)
def test_each_sentence_is_read_for_what_it_commits_the_author_to(sentence: str, kind: str) -> None:
    assert classify(sentence) == kind


def test_lines_of_verse_are_someone_elses_words() -> None:
    text = (
        "The song was printed in every almanac, and its chorus ran:\n\n"
        "Ring out, ye bells, for the harvest home,\n"
        "The barns are full and the carts must come;\n"
        "Let every lad to the fair be gone,\n"
        "And the best of the ale be drunk anon.\n\n"
        "Such songs should be read as the record of a village that no longer exists."
    )
    kinds = [(s.text[:20], s.kind) for s in read(text)]
    assert kinds == [
        ("The song was printed", "fragment"),  # it ends in a colon
        ("Ring out, ye bells, ", "quote"),
        ("Such songs should be", "arguable"),
    ]


def test_a_claim_followed_by_its_rebuttal_is_a_set_up() -> None:
    claim = "Building more roads will end the traffic jams on the ring road for good."
    assert classify(claim) == "arguable"
    assert classify(claim, following="That hope has proved wrong in every city.") == "set-up"
    assert classify(claim, following="The ring road carries 80,000 cars a day.") == "arguable"


def test_an_objection_announced_and_a_quotation_left_open_are_not_the_authors() -> None:
    # The rest of a paragraph that announces an objection states it; the author answers it in
    # the next one.
    text = (
        "The objection likely to be made to this argument would take some such form as the "
        "following. Judgement is given to councils that they may use it. If councils were never "
        "to act on their plans, because those plans may be wrong, every bridge would fall.\n\n"
        "I answer that it is assuming very much more than that, and that councils should say so."
    )
    kinds = [s.kind for s in read(text)]
    assert kinds == ["plain", "set-up", "set-up", "arguable"]
    # Straight quotation marks opened in one sentence and closed in a later one.
    text = (
        'But, some one may say, "Let them be taught the reasons for the rule. It does not follow '
        "that rules must be merely obeyed because they are never questioned. Nobody needs to "
        'hear the other side." The town should hear every side before it votes.'
    )
    assert [s.kind for s in read(text)] == ["fragment", "quote", "fragment", "arguable"]


def test_words_inside_a_quotation_do_not_make_the_author_argue() -> None:
    sentence = "At the gate we found the old sign, 'Visitors must keep to the path at all times.'"
    assert read(sentence)[0].marks == ()


def test_the_central_claim_is_asked_first_not_the_aside() -> None:
    text = (
        "Small museums should charge nothing for entry. A free museum is visited by families "
        "who would never pay, and those families are the museums' future members. Entry fees "
        "raise little, because small museums earn most of their money from members and gifts. "
        "Museums that dropped their fees saw their membership grow.\n\n"
        "The café, by the way, should really serve better coffee."
    )
    questions = template_questions("Free entry", text)
    # The aside has more marks of an argument (should, better) but is not what the section is
    # about.
    assert questions[0].startswith("The text says:") and "museums" in questions[0]
    assert all("café" not in q for q in questions[:2])


def test_two_sentences_that_say_the_same_thing_are_asked_about_once() -> None:
    text = (
        "The new bridge will bring more traffic into the old town. "
        "The new bridge will bring far more traffic into the old town. "
        "Shops on the square should get a say in how the bridge is built."
    )
    quoted = [q for q in template_questions("Bridge", text) if "new bridge will" in q]
    assert len(quoted) == 1


def test_a_section_without_claims_is_asked_about_what_it_keeps_returning_to() -> None:
    text = (
        "The harbour wall was begun in the spring. The harbour wall runs from the lighthouse "
        "to the fish market. Stone for the harbour wall came from the quarry on the hill. "
        "The quarry closed when the wall was finished."
    )
    questions = template_questions("The wall", text)
    assert questions[0].startswith("This section keeps returning to ‘harbour wall’ and ‘")
    assert not any(q.startswith(GENERIC_OPENERS) for q in questions)


def test_a_story_is_asked_about_its_people_not_its_case() -> None:
    text = (
        "Anna opened the shop at seven. “You are late,” she said to the boy at the door. "
        "Anna counted the coins twice and put them in the drawer. "
        "“The cart lost a wheel,” the boy answered, looking at the floor."
    )
    questions = template_questions("Chapter 3", text)
    assert any("‘Anna’" in q for q in questions)
    assert not any("claim" in q or "case convince" in q for q in questions)


def test_key_phrases_prefer_what_recurs_in_lower_case_and_skip_verbs() -> None:
    text = (
        "Public transport is slow here. Public transport stopped at nine. Nobody stopped "
        "to ask why public transport stopped so early."
    )
    assert key_phrases(text) == ["public transport"]


def test_emphasis_is_not_quoted_as_markup() -> None:
    assert snippet("The board **must not** sit in *secret*, as the _Gazette_ says.") == (
        "The board must not sit in secret, as the Gazette says."
    )


def test_a_long_claim_is_left_out_rather_than_cut_short() -> None:
    long_claim = "The council should " + "keep every branch library open, " * 5 + "always."
    text = f"{long_claim} Councillors must publish what each branch costs to run."
    for question in template_questions("Branches", text):
        assert question.endswith("?") and len(question) <= 300


@pytest.mark.parametrize("text", evaluation_set(), ids=lambda t: t.name)
def test_questions_on_the_labelled_texts_quote_only_claims_and_figures(text) -> None:
    outcomes = []
    for section in text.sections:
        for question in template_questions(section.title, section.text):
            outcomes.append(judge(question, section.labels, snippet))
    bad = {"bare fact", "set-up or quote", "citation, code or boilerplate", "fragment"}
    assert not bad & set(outcomes), outcomes
    assert "generic" not in outcomes
    good = outcomes.count("arguable") + outcomes.count("evidence")
    if not text.story:  # a story's questions are about its people (key phrases)
        assert good / len(outcomes) >= 0.8, outcomes


def test_a_specifications_term_links_are_quoted_as_the_reader_sees_them() -> None:
    assert snippet("The [=user agent=] should warn the [=person=] before {{fetch}} runs.") == (
        "The user agent should warn the person before fetch runs."
    )


def test_a_list_items_name_on_its_own_line_is_not_the_start_of_its_first_sentence() -> None:
    paragraph = (
        "* Rare books\nThe keeper alone should open the old ledger, because its bindings are\n"
        "too weak for many hands.\n* Maps\nEvery branch must lend its maps for a week at most, "
        "since the\nfarmers need them in spring."
    )
    found = {s.text: s.kind for s in read(paragraph)}
    assert found["* Rare books"] == "fragment"
    assert found["The keeper alone should open the old ledger, because its bindings are too "
                 "weak for many hands."] == "arguable"  # fmt: skip
    assert found["Every branch must lend its maps for a week at most, since the farmers need "
                 "them in spring."] == "arguable"  # fmt: skip


def test_a_groups_view_runs_on_through_its_paragraph_until_the_author_answers() -> None:
    text = (
        "Supporters of a plain function point out that the need for short-circuit evaluation "
        "is rare. Scanning existing code, they found that if and else seldom occurred. Hence, "
        "a plain function would suffice for most needs and would spare the syntax. But that "
        "count was wrong: it missed every case where the second branch is costly.\n\n"
        "Hence, a plain function would suffice for most needs and would spare the syntax."
    )
    kinds = [(s.text[:30], s.kind) for s in read(text)]
    assert kinds == [
        ("Supporters of a plain function", "set-up"),
        ("Scanning existing code, they f", "set-up"),
        ("Hence, a plain function would ", "set-up"),
        ("But that count was wrong: it m", "arguable"),
        ("Hence, a plain function would ", "arguable"),  # the author's own, alone
    ]
