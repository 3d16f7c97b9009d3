"""Telling a chat's interleaved conversations apart, and each question's best answer (#26)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from roundtable.summaries.exchanges import asks, exchanges, parents
from roundtable.summaries.model import Contribution, Discussion
from roundtable.summaries.offline import QUESTIONS_ASKED, summarise, tokens
from roundtable.summaries.render import markdown

NAMES = {1: "motaka", 2: "k1l", 3: "wellick", 4: "cfedde", 5: "yppo", 6: "ubot", 7: "pici"}
START = datetime(2026, 3, 1, 17, 0, tzinfo=UTC)


def chat(*lines: tuple[int, str] | tuple[int, str, int]) -> list[Contribution]:
    """(user, text) or (user, text, index of the message it is a Discord reply to)."""
    out: list[Contribution] = []
    for n, line in enumerate(lines):
        reply = out[line[2]].message_id if len(line) == 3 else None  # type: ignore[misc]
        out.append(
            Contribution(
                1000 + n, line[0], line[1], reply_to=reply,
                created_at=START + timedelta(seconds=30 * n),
            )
        )  # fmt: skip
    return out


def links(items: list[Contribution]) -> list[int | None]:
    return parents(items, NAMES, [tokens(c.text) for c in items])


# Two conversations at once, a factoid bot, a new question, an unanswered one.
HELP = chat(
    (1, "how do I change the download server for apt? updates are very slow here"),  # 0
    (2, "motaka: is this a desktop?"),  # 1
    (3, "cd /bin changes the directory to bin right? but what does the / do?"),  # 2
    (1, "k1l: yes"),  # 3
    (4, "wellick: / separates the parts of a path, a leading / starts from the root"),  # 4
    (2, "motaka: open software and updates and choose the main server in the drop-down"),  # 5
    (3, "so the root of the file system is like C:\\ on windows"),  # 6
    (4, "similar, but linux mounts drives anywhere in the tree"),  # 7
    (3, "I see. Thank you."),  # 8
    (5, "Is there a hash of the ubuntu server image on a secure website?"),  # 9
    (2, "!hashes | yppo"),  # 10
    (6, "yppo: see the UbuntuHashes page for the sha256 sums of every release", 9),  # 11
    (1, "k1l: that worked, downloads are fast now, thanks!"),  # 12
    (5, "ty"),  # 13
    (7, "does anyone know why my bluetooth mouse disconnects after suspend?"),  # 14
)


def test_each_message_is_linked_to_the_one_it_answers() -> None:
    assert links(HELP) == [
        None,  # a question opens a conversation
        0,  # "motaka: …": motaka's last line
        None,  # a new question, addressed to nobody
        1,  # "k1l: yes": what k1l last said to motaka
        2,
        3,
        4,  # unaddressed: the line addressed to wellick just before
        4,  # unaddressed: cfedde goes on from his own last line
        6,  # "I see. Thank you.": wellick's own last line, later than cfedde's to him
        None,
        9,  # "!hashes | yppo": a factoid for yppo
        9,  # a Discord reply
        5,
        11,  # yppo's "ty": the reply that addressed yppo
        None,
    ]


def test_each_question_gets_the_answer_its_asker_thanked_or_none() -> None:
    found = {e.question: e for e in exchanges(HELP, NAMES, [tokens(c.text) for c in HELP])}
    assert sorted(found) == [0, 2, 9, 14]
    assert (found[0].answer, found[0].thanked) == (5, True)  # not "is this a desktop?"
    assert found[0].replies == (1, 5)
    assert (found[2].answer, found[2].thanked) == (7, True)  # the reply before "Thank you"
    assert (found[9].answer, found[9].thanked) == (11, True)
    assert (found[14].answer, found[14].replies) == (None, ())


def test_what_asks_and_what_does_not() -> None:
    assert asks("how do i get the taskbar like this: http://example.org/shot.png")
    assert asks("I keep getting 429 errors from the API after a few hundred calls")
    assert asks('I just did "mv somefile ~/." where is it now?')
    assert not asks("anyone?")
    assert not asks("!hashes | yppo")
    assert not asks("the installer stops at ninety percent")


def test_a_help_channel_summary_shows_questions_with_answers_and_the_unanswered() -> None:
    d = Discussion("#help", (), tuple(HELP), names=NAMES, guild_id=8, channel_id=9)
    summary = summarise(d)
    section = next(s for s in summary.sections if s.title == QUESTIONS_ASKED)
    assert [(p.label, p.text, p.side) for p in section.points] == [
        (
            "how do I change the download server for apt? updates are very slow here",
            "“open software and updates and choose the main server in the drop-down”",
            "the asker thanked it",
        ),
        (
            "cd /bin changes the directory to bin right? but what does the / do?",
            "“similar, but linux mounts drives anywhere in the tree”",
            "the asker thanked it",
        ),
        (
            "Is there a hash of the ubuntu server image on a secure website?",
            "“see the UbuntuHashes page for the sha256 sums of every release”",
            "the asker thanked it",
        ),
        (
            "does anyone know why my bluetooth mouse disconnects after suspend?",
            "No answer in the thread.",
            None,
        ),
    ]
    assert section.points[0].message_ids == (1000, 1005, 1001)  # question, answer, the rest
    assert section.points[3].message_ids == (1014,)
    text = markdown(summary, guild_id=8, channel_id=9)
    assert (
        "- **does anyone know why my bluetooth mouse disconnects after suspend?** — No answer "
        "in the thread. — [1](https://discord.com/channels/8/9/1014)"
    ) in text
    assert "2 members, the asker thanked it · [1](" in text
    # The exchanges shown, the askers' thanks with them, make no other point.
    assert [s.title for s in summary.sections] == [QUESTIONS_ASKED]


def test_a_question_asked_again_and_again_is_chatter() -> None:
    """ "what did I miss?" said by ten latecomers is no help request."""
    lines: list[tuple[int, str]] = []
    for n in range(10):
        lines += [(1 + n % 5, "sorry, lagging, what did I miss?"), (7, "k1l: nothing much")]
    d = Discussion("#meeting", (), tuple(chat(*lines)), names=NAMES)
    assert QUESTIONS_ASKED not in [s.title for s in summarise(d).sections]
