"""The scripted flows `make demo` plays: each step acted as a member, each answer checked."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from datetime import time as dt_time
from pathlib import Path

from sandbox.model import Channel, Guild, Message, Perm, Role, User
from sandbox.server import Sandbox
from sandbox.transcript import Transcript
from sandbox.world import Interaction

DEMO_TEXT = Path(__file__).with_name("demo_texts") / "reading-together.txt"
SHIPPED = "deepseek-r1-chinas-sputnik-moment"


@dataclass
class Cast:
    """The demo server and its people."""

    guild: Guild
    general: Channel
    debates: Channel
    book_club: Channel
    mods: Role
    owner: User
    ada: User
    grace: User
    linus: User


def build_world(sb: Sandbox) -> Cast:
    guild = sb.guild("Reading Group", owner="Olivia")
    general = sb.text_channel(guild, "general")
    debates = sb.forum(guild, "debates", tags=["news", "round"])
    book_club = sb.text_channel(guild, "book-club")
    mods = sb.role(guild, "Moderators", Perm.MEMBER_DEFAULT)
    ada = sb.member(guild, "Ada")
    grace = sb.member(guild, "Grace", roles=[mods])
    linus = sb.member(guild, "Linus")
    return Cast(guild, general, debates, book_club, mods, sb.owner(guild), ada, grace, linus)


def _fields(interaction: Interaction) -> dict[str, str]:
    messages = interaction.messages
    if not messages or not messages[0].embeds:
        return {}
    return {f["name"]: f["value"] for f in messages[0].embeds[0].get("fields") or []}


def _says(interaction: Interaction, start: str) -> bool:
    return bool(interaction.messages) and interaction.messages[0].content.startswith(start)


async def config_flow(sb: Sandbox, t: Transcript, cast: Cast) -> None:
    """/config: show, refusals, set with autocomplete, moderator role, clear."""
    general, owner, ada, grace, mods = cast.general, cast.owner, cast.ada, cast.grace, cast.mods
    name = sb.bot_user.username

    t.section("Server settings with /config")
    t.action(owner, "runs `/config show` in #general")
    reply = await sb.slash(owner, "config show", general)
    t.bot(reply.messages, name)
    t.expect(
        reply.messages[0].ephemeral and _fields(reply).get("Summaries") == "offline",
        "a private settings card with the defaults (offline summaries, threads locked on close)",
    )

    t.action(ada, "(no Manage Server) tries `/config show`")
    reply = await sb.slash(ada, "config show", general)
    t.bot(reply.messages, name)
    t.expect(_says(reply, "This is for moderators"), "a plain member is refused, privately")

    t.action(owner, "runs `/config set summary_mode:llm` (the host configured no LLM)")
    reply = await sb.slash(owner, "config set", general, summary_mode="llm")
    t.bot(reply.messages, name)
    t.expect(_says(reply, "LLM summaries need the bot's host"), "a clear refusal")

    t.action(owner, "runs `/config set moderator_role:@Moderators channel:#general`")
    reply = await sb.slash(owner, "config set", general, moderator_role=mods, channel=general)
    t.bot(reply.messages, name)
    fields = _fields(reply)
    t.expect(
        fields.get("Default channel") == f"<#{general.id}>"
        and fields.get("Moderators") == f"Manage Server, and the role <@&{mods.id}>"
        and not reply.messages[0].pings.anyone,
        "saved, shown, and the role is named without pinging it",
    )

    t.action(grace, "(has the Moderators role) runs `/config show`")
    reply = await sb.slash(grace, "config show", general)
    t.bot(reply.messages, name)
    t.expect(
        _fields(reply).get("Moderators") == f"Manage Server, and the role <@&{mods.id}>",
        "the moderator role is enough",
    )

    t.action(ada, "runs `/config show` in a direct message to the bot")
    reply = await sb.slash(ada, "config show", sb.dm(ada))
    t.bot(reply.messages, name)
    t.expect(_says(reply, "This command works only in a server"), "direct messages are refused")

    t.action(owner, "runs `/config clear setting:channel`")
    reply = await sb.slash(owner, "config clear", general, setting="channel")
    t.bot(reply.messages, name)
    t.expect(
        _fields(reply).get("Default channel", "").startswith("not set"),
        "the default channel is unset",
    )


async def pack_flow(sb: Sandbox, t: Transcript, cast: Cast) -> None:
    """/pack: list, import a text (preview, save), preview sections, export, a member refused."""
    general, owner, ada = cast.general, cast.owner, cast.ada
    name = sb.bot_user.username

    t.section("Reading packs with /pack")
    t.action(owner, "runs `/pack list`")
    reply = await sb.slash(owner, "pack list", general)
    t.bot(reply.messages, name)
    t.expect(
        "ships with Roundtable" in (reply.messages[0].embeds[0].get("description") or ""),
        "the shipped DeepSeek-R1 pack is there for every server",
    )

    t.action(
        owner, f"runs `/pack import` with the file `{DEMO_TEXT.name}` (a web article saved as text)"
    )
    reply = await sb.slash(
        owner, "pack import", general, file=(DEMO_TEXT.name, DEMO_TEXT.read_bytes())
    )
    t.bot(reply.messages, name)
    preview = reply.messages[0]
    description = preview.embeds[0].get("description") or "" if preview.embeds else ""
    t.expect(
        "Found 4 sections" in description and bool(preview.attachments),
        "a private preview: 4 sections found, the donation appeal left out, the pack file attached",
    )

    t.action(owner, "presses **Save pack**")
    saved = await sb.click(owner, preview, sb.button(preview, "Save pack"))
    t.bot([saved.original] if saved.original else [], name)
    t.expect(preview.content.startswith("Saved **Reading together**"), "the pack is saved")

    from sandbox.demo_texts.harbour_year import harbour_year  # written for the demo

    t.action(
        owner,
        "runs `/pack import` with `harbour-year.txt`, a novel whose second chapter is 60,000 "
        "characters long",
    )
    reply = await sb.slash(
        owner,
        "pack import",
        general,
        file=("harbour-year.txt", harbour_year().encode()),
    )
    t.bot(reply.messages, name)
    long_preview = reply.messages[0]
    fields = {f["name"]: f["value"] for f in long_preview.embeds[0].get("fields", [])}
    split = fields.get("Split: too long for one round", "")
    t.expect(
        "Chapter II" in split and ": 3 rounds" in split,
        "the long chapter is split into three rounds, Chapter II (1 of 3) to (3 of 3), not "
        "refused; the preview says so",
    )
    t.action(owner, "presses **Cancel**")
    await sb.click(owner, long_preview, sb.button(long_preview, "Cancel"))

    t.action(owner, "runs `/pack preview pack:reading-together section:3`")
    reply = await sb.slash(owner, "pack preview", general, pack="reading-together", section=3)
    t.bot(reply.messages, name)
    embeds = [e for m in reply.messages for e in m.embeds]
    t.expect(
        embeds[0].get("title") == "Pointed questions" and embeds[-1].get("title") == "Questions",
        "the section exactly as a round will post it, with its questions",
    )

    t.action(owner, f"runs `/pack preview pack:{SHIPPED} section:2`")
    reply = await sb.slash(owner, "pack preview", general, pack=SHIPPED, section=2)
    t.bot(reply.messages, name)
    embeds = [e for m in reply.messages for e in m.embeds]
    t.expect(embeds[0].get("title") == "No chips for China", "the seed pack's second section")

    t.action(owner, "runs `/pack export pack:reading-together`")
    reply = await sb.slash(owner, "pack export", general, pack="reading-together")
    t.bot(reply.messages, name)
    files = reply.messages[0].attachments
    t.expect(
        [f.filename for f in files] == ["reading-together.md"],
        "the pack as an editable file",
    )

    t.action(ada, "tries `/pack list`")
    reply = await sb.slash(ada, "pack list", general)
    t.bot(reply.messages, name)
    t.expect(_says(reply, "This is for moderators"), "members cannot manage packs")


def _links_are_real(sb: Sandbox, summary: Message) -> bool:
    """Every jump link in the summary points at a message that exists in the sandbox."""
    import re

    links = [
        int(m)
        for e in summary.embeds
        for m in re.findall(r"/channels/\d+/\d+/(\d+)\)", e.get("description", ""))
    ]
    return bool(links) and all(
        m in sb.world.messages and not sb.world.messages[m].deleted for m in links
    )


def _thread_posts(sb: Sandbox, message: Message) -> list[Message]:
    thread = sb.thread_of(message)
    return sb.messages(thread) if thread else []


@dataclass
class RoundState:
    """What later phases need from earlier ones (the demo restarts the bot in between)."""

    first_buttons: Message | None = None
    first_round: int = 0
    forum_buttons: Message | None = None
    forum_round: int = 0
    out_dir: Path | None = None  # where the demo writes its transcript and exports


STATE = RoundState()


async def round_flow_without_content(sb: Sandbox, t: Transcript, cast: Cast) -> None:
    """A round in #general with MESSAGE_CONTENT_INTENT off: answers by form, stances."""
    name = sb.bot_user.username
    t.section("A round, with the Message Content intent off")
    t.action(
        cast.grace,
        f"(Moderators role) runs `/round start pack:{SHIPPED} section:2 channel:#general closes_in:2d`",
    )
    reply = await sb.slash(
        cast.grace,
        "round start",
        cast.general,
        pack=SHIPPED,
        section=2,
        channel=cast.general,
        closes_in="2d",
    )
    t.bot(reply.messages, name)
    posts = sb.messages(cast.general)
    buttons = posts[-1]
    t.note("In #general, for everyone:")
    t.bot([buttons], name)
    t.expect(
        reply.messages[0].content.startswith("Started **Round")
        and [c["label"] for c in buttons.components[0]["components"]]
        == ["Respond", "My answers", "I've read this"]
        and sb.thread_of(buttons) is not None,
        "the section, its four questions, the closing time and the buttons; a thread for the talk",
    )
    STATE.first_buttons = buttons
    STATE.first_round = int(buttons.embeds[0]["title"].split()[1])

    t.action(cast.ada, "presses **Respond**")
    shown = await sb.click(cast.ada, buttons, sb.button(buttons, "Respond"))
    t.note(
        f"A form opens, titled “{shown.modal['title']}”, with "
        f"{len(shown.modal['components'])} answer boxes."
        if shown.modal
        else "No form opened."
    )
    t.action(cast.ada, "answers questions 1 and 3 and sends the form")
    done = await sb.submit_modal(
        cast.ada,
        shown,
        {
            "q1": "The bans clearly pushed DeepSeek towards efficiency, but the evidence is one "
            "model. I'd want to see whether other labs followed.",
            "q3": "Open weights are a plus for researchers, a risk for misuse.",
        },
    )
    t.bot(done.messages, name)
    await sb.eventually(lambda: len(_thread_posts(sb, buttons)) == 1, what="Ada's answer card")
    t.note("In the round's thread:")
    t.bot(_thread_posts(sb, buttons)[-1:], name)
    t.expect(_says(done, "Recorded"), "acknowledged after it was stored, then shown in the thread")

    t.action(cast.linus, "presses **Respond** and sends the form with only spaces in it")
    shown = await sb.click(cast.linus, buttons, sb.button(buttons, "Respond"))
    done = await sb.submit_modal(cast.linus, shown, {"q1": "   "})
    t.bot(done.messages, name)
    t.expect(_says(done, "Your answer was empty"), "an empty answer is refused; nothing stored")

    for who, label in ((cast.ada, "Agree"), (cast.linus, "Disagree"), (cast.owner, "Unsure")):
        t.action(who, f"presses **{label}**")
        reply = await sb.click(who, buttons, sb.button(buttons, label))
        t.bot(reply.messages, name)
    t.action(cast.linus, "changes his mind: presses **Agree**")
    reply = await sb.click(cast.linus, buttons, sb.button(buttons, "Agree"))
    t.bot(reply.messages, name)
    t.expect(
        _says(reply, "Your stance in")
        and "You opened with **Disagree**" in reply.messages[0].content,
        "the first stance is kept as the opening stance",
    )

    t.action(cast.linus, "writes in the thread: “Efficiency gains were coming anyway.”")
    await sb.say(cast.linus, sb.thread_of(buttons), "Efficiency gains were coming anyway.")
    t.note("(With the intent off the bot cannot read thread replies; the round message says so.)")

    t.action(cast.ada, "presses **My answers**")
    mine = await sb.click(cast.ada, buttons, sb.button(buttons, "My answers"))
    t.bot(mine.messages, name)
    t.expect(
        bool(mine.messages)
        and mine.messages[0].ephemeral
        and bool(mine.messages[0].embeds[0].get("fields")),
        "only Ada sees her answers and stance, with Edit and Withdraw",
    )


async def round_flow_with_content(sb: Sandbox, t: Transcript, cast: Cast) -> None:
    """After a restart with MESSAGE_CONTENT_INTENT on: old buttons work, replies are recorded."""
    name = sb.bot_user.username
    t.section("After a restart, with the Message Content intent on")
    assert STATE.first_buttons is not None
    buttons = STATE.first_buttons
    t.action(
        cast.grace, f"presses **Disagree** on round {STATE.first_round}, posted before the restart"
    )
    reply = await sb.click(cast.grace, buttons, sb.button(buttons, "Disagree"))
    t.bot(reply.messages, name)
    t.expect(_says(reply, "Your stance in"), "buttons keep working after the bot restarts")

    t.action(
        cast.owner,
        f"runs `/round start pack:{SHIPPED} section:3 channel:#debates closes_in:3d` (a forum)",
    )
    reply = await sb.slash(
        cast.owner,
        "round start",
        cast.general,
        pack=SHIPPED,
        section=3,
        channel=cast.debates,
        closes_in="3d",
    )
    t.bot(reply.messages, name)
    thread = next(
        c for c in cast.guild.channels.values() if c.is_thread and c.parent_id == cast.debates.id
    )
    forum_buttons = sb.messages(thread)[-1]
    STATE.forum_buttons = forum_buttons
    STATE.forum_round = int(forum_buttons.embeds[0]["title"].split()[1])
    t.expect(bool(thread.applied_tags), f"a forum post “{thread.name}” tagged “round”")

    t.action(
        cast.ada,
        "writes in the post: “Marx's point stands: the tool is neutral, the owner is not.”",
    )
    first = await sb.say(
        cast.ada, thread, "Marx's point stands: the tool is neutral, the owner is not."
    )
    t.action(cast.linus, "replies to Ada: “Some tools are built for one owner, though.”")
    await sb.say(cast.linus, thread, "Some tools are built for one owner, though.", reply_to=first)
    t.action(cast.grace, "writes “typo-ridden thoguht” and then deletes it")
    oops = await sb.say(cast.grace, thread, "typo-ridden thoguht")
    await sb.delete(oops)
    t.action(cast.ada, "edits her message to add “, mostly.”")
    await sb.edit(first, "Marx's point stands: the tool is neutral, the owner is not, mostly.")

    t.action(cast.owner, f"runs `/round show round:{STATE.forum_round}`")
    expected = "2 members, 0 answers, 2 replies"
    for _ in range(30):  # the bot records replies as their events arrive; give it a moment
        reply = await sb.slash(cast.owner, "round show", cast.general, round=STATE.forum_round)
        if _fields(reply).get("Participation") == expected:
            break
        await asyncio.sleep(0.1)
    t.bot(reply.messages, name)
    t.expect(
        _fields(reply).get("Participation") == expected,
        "two replies recorded (the deleted one is gone), with the edit",
    )

    t.action(cast.linus, "runs `/privacy` and chooses “Never send my text to an LLM”")
    panel = (await sb.slash(cast.linus, "privacy", cast.general)).messages[0]
    ai = panel.components[0]["components"][0]["custom_id"]
    await sb.select(cast.linus, panel, ai, ["no"])
    t.bot([panel], name)
    t.expect("Never send my text" in str(panel.embeds[0]), "his choice is stored and shown")

    t.action(cast.owner, f"runs `/round close round:{STATE.first_round}`")
    reply = await sb.slash(cast.owner, "round close", cast.general, round=STATE.first_round)
    t.bot(reply.messages, name)
    posts = _thread_posts(sb, buttons)
    closing = next(m for m in posts if m.embeds and m.embeds[0].get("title") == "Round closed")
    summary = [m for m in posts if m.embeds and m.embeds[0].get("title", "").startswith("Summary")]
    t.note("In the thread:")
    t.bot([closing, *summary], name)
    description = closing.embeds[0].get("description", "") if closing.embeds else ""
    t.expect(
        "Participation:** 4 members, 2 answers, 0 replies" in description
        and "Agree: 1 → 2 (+1)" in description
        and sb.thread_of(buttons).locked,
        "participation and stances opening → closing; the thread locked; the answer and stance "
        "buttons disabled",
    )
    t.expect(
        bool(summary)
        and "Extractive summary" in summary[0].embeds[0].get("description", "")
        and _links_are_real(sb, summary[0])
        and [a.filename for a in summary[0].attachments] == ["summary.png"],
        "the offline summary: every point links real messages of the round, with the chart",
    )

    t.action(
        cast.owner,
        "runs `/config set summary_mode:llm` (this bot has an OpenAI-compatible server configured)",
    )
    reply = await sb.slash(cast.owner, "config set", cast.general, summary_mode="llm")
    t.bot(reply.messages, name)
    t.expect(_fields(reply).get("Summaries") == "llm", "LLM summaries from now on")


async def round_flow_deadline(sb: Sandbox, t: Transcript, cast: Cast) -> None:
    """After another restart: a deadline that passed while the bot was down closes once."""
    name = sb.bot_user.username
    t.section("A deadline that passed while the bot was down")
    assert STATE.forum_buttons is not None
    thread = sb.thread_of(STATE.forum_buttons) or sb.channel(STATE.forum_buttons.channel_id)

    def closings() -> list[Message]:
        return [
            m
            for m in sb.messages(thread)
            if m.embeds and m.embeds[0].get("title") == "Round closed"
        ]

    await sb.eventually(lambda: len(closings()) == 1, timeout=15, what="the deadline close")
    t.note(f"Round {STATE.forum_round}'s deadline passed while the bot was stopped. On start-up:")
    t.bot(closings(), name)
    t.expect(
        len(closings()) == 1 and "closed at its deadline" in closings()[0].embeds[0]["description"],
        "closed once, on start-up, with its participation",
    )

    def summaries() -> list[Message]:
        return [
            m
            for m in sb.messages(thread)
            if m.embeds and m.embeds[0].get("title", "").startswith("Summary")
        ]

    await sb.eventually(lambda: bool(summaries()), timeout=15, what="the summary")
    summary = summaries()
    t.note(
        "The summary comes from the server's LLM. In this demo that is a **stand-in**: a small "
        "OpenAI-compatible server on 127.0.0.1 that writes its answer by rule from the messages "
        "it is sent (a point per stance, labelled with the most used words), so that the demo "
        "runs without a model or a key. With a real model configured, the model writes these "
        "points; either way the bot keeps only points that cite real messages."
    )
    t.bot(summary, name)
    t.expect(
        bool(summary)
        and "Written by the configured LLM" in summary[0].embeds[0].get("description", "")
        and "1 member(s) asked that their text not be sent to an LLM"
        in summary[0].embeds[0].get("description", "")
        and _links_are_real(sb, summary[0]),
        "the LLM summary (Linus's text left out, as he chose), every point linking real messages",
    )
    t.action(cast.ada, f"runs `/summary show round:{STATE.forum_round}`")
    reply = await sb.slash(cast.ada, "summary show", cast.general, round=STATE.forum_round)
    t.expect(
        bool(reply.messages) and reply.messages[0].ephemeral, "anyone can see it again, privately"
    )

    t.action(cast.owner, "runs `/round list`")
    reply = await sb.slash(cast.owner, "round list", cast.general)
    t.bot(reply.messages, name)
    t.expect(
        _says(reply, "") and "closed" in reply.messages[0].embeds[0]["description"],
        "both rounds, closed",
    )


# -- a scheduled series on the demo's fast clock -------------------------------------------------


def story_monday(now: datetime) -> datetime:
    """06:00 UTC on the first Monday at least four days after `now` (after the three days the
    bot is stopped past the forum round's deadline): the week the series runs in. The story
    only goes forward from the real today."""
    day = (now + timedelta(days=4)).date()
    monday = day + timedelta(days=(7 - day.weekday()) % 7)
    return datetime.combine(monday, dt_time(6, 0), tzinfo=UTC)


SERIES_SPEED = 14400  # four hours a second
SERIES_MONDAY = story_monday(datetime.now(UTC))
SERIES_CLOCK_FIRST = SERIES_MONDAY
SERIES_CLOCK_AFTER_DOWNTIME = SERIES_MONDAY + timedelta(days=4)  # Friday 06:00 UTC
SERIES_START = (SERIES_MONDAY + timedelta(days=1)).date()  # Tuesday


def _round_posts(sb: Sandbox, channel: Channel) -> list[Message]:
    return [m for m in sb.messages(channel) if m.components and m.embeds]


async def schedule_flow(sb: Sandbox, t: Transcript, cast: Cast) -> None:
    """/schedule create on a fast clock: two daily rounds posted on time, and a reminder."""
    name = sb.bot_user.username
    club = cast.book_club
    t.section("A scheduled series (the bot's clock runs four hours a second)")
    t.note(
        "The demo starts the bot with DEMO_CLOCK, so its clock starts at 06:00 UTC on "
        f"{SERIES_MONDAY:%A %-d %B %Y} and runs four hours a second: a day passes in six seconds "
        "(and a second "
        "of the bot's own work is four hours on its clock, so posts land a little after 19:00)."
    )
    t.action(
        cast.owner,
        "runs `/schedule create pack:reading-together channel:#book-club every:daily at:19:00 "
        f"timezone:Europe/Berlin start:{SERIES_START.isoformat()} round_length:20h "
        "remind_before:4h`",
    )
    reply = await sb.slash(
        cast.owner,
        "schedule create",
        cast.general,
        pack="reading-together",
        channel=club,
        every="daily",
        at="19:00",
        timezone="Europe/Berlin",
        start=SERIES_START.isoformat(),
        round_length="20h",
        remind_before="4h",
    )
    t.bot(reply.messages, name)
    preview = reply.messages[0]
    lines = (preview.embeds[0].get("description") or "").splitlines()[1:] if preview.embeds else []
    t.expect(
        len(lines) == 4 and lines[0].endswith("section 1, Introduction"),
        "a private preview: four daily occurrences at 19:00 Berlin time, one section each",
    )
    t.action(cast.owner, "presses **Create series**")
    saved = await sb.click(cast.owner, preview, sb.button(preview, "Create series"))
    t.bot([saved.original] if saved.original else [], name)
    t.expect(
        bool(saved.original) and saved.original.content.startswith("Created series"),
        "the series is saved",
    )

    await sb.eventually(lambda: len(_round_posts(sb, club)) >= 1, timeout=30, what="round 1")
    first = _round_posts(sb, club)[0]
    t.note("Tuesday 19:00 in Berlin, in #book-club:")
    t.bot([first], name)
    t.expect(
        first.embeds[0]["title"].endswith("Introduction"), "the first section is posted on time"
    )

    def reminders() -> list[Message]:
        thread = sb.thread_of(first)
        return [m for m in sb.messages(thread) if "closes <t:" in m.content] if thread else []

    await sb.eventually(lambda: bool(reminders()), timeout=30, what="the reminder")
    t.note("Four hours before that round closes, in its thread:")
    t.bot(reminders(), name)
    t.expect(
        len(reminders()) == 1 and not reminders()[0].pings.anyone,
        "one reminder, with how many have taken part; it pings nobody",
    )
    await sb.eventually(
        lambda: len(_round_posts(sb, club)) >= 2 and sb.thread_of(_round_posts(sb, club)[1]),
        timeout=30,
        what="round 2 and its thread",
    )
    t.note("Wednesday 19:00:")
    t.bot(_round_posts(sb, club)[1:2], name)
    t.expect(len(_round_posts(sb, club)) == 2, "the second section, the next evening")


async def schedule_flow_after_downtime(sb: Sandbox, t: Transcript, cast: Cast) -> None:
    """The bot was down over Thursday's occurrence: it is caught up once, then Friday's."""
    name = sb.bot_user.username
    club = cast.book_club
    t.note(
        "The bot was stopped on Wednesday evening and starts again at 06:00 UTC on Friday: "
        "Thursday's round fell while it was down."
    )
    await sb.eventually(
        lambda: len(_round_posts(sb, club)) >= 3, timeout=30, what="the caught-up round"
    )
    caught = _round_posts(sb, club)[2]

    def notes() -> list[Message]:
        thread = sb.thread_of(caught)
        posts = sb.messages(thread) if thread else []
        return [m for m in posts if "while the bot was offline" in m.content]

    await sb.eventually(lambda: bool(notes()), timeout=30, what="the catch-up note")
    t.bot([caught, *notes()], name)
    t.expect(bool(notes()), "Thursday's section is posted on start-up, with a note saying so")
    await sb.eventually(lambda: len(_round_posts(sb, club)) >= 4, timeout=30, what="round 4")
    t.note("Friday 19:00:")
    t.bot(_round_posts(sb, club)[3:4], name)
    titles = [m.embeds[0]["title"] for m in _round_posts(sb, club)]
    t.expect(
        len(titles) == 4 and len(set(titles)) == 4,
        "four rounds across the restart, each posted exactly once",
    )
    t.action(cast.owner, "runs `/schedule list`")
    reply = await sb.slash(cast.owner, "schedule list", cast.general)
    t.bot(reply.messages, name)
    t.expect(
        bool(reply.messages)
        and "finished" in (reply.messages[0].embeds[0].get("description") or ""),
        "the series is finished: the pack's last section was posted",
    )


# -- exports -------------------------------------------------------------------------------------


async def export_flow(sb: Sandbox, t: Transcript, cast: Cast) -> None:
    """/export of every round in the four formats, saved to data/demo/exports/; /summary export;
    a member refused /export."""
    import io
    import json
    import zipfile

    name = sb.bot_user.username
    t.section("Exports")
    folder = (STATE.out_dir or Path("data/demo")) / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    for fmt in ("md", "html", "json", "csv"):
        t.action(cast.grace, f"runs `/export scope:server format:{fmt}`")
        reply = await sb.slash(cast.grace, "export", cast.general, scope="server", format=fmt)
        await reply.until(lambda i: any(m.attachments for m in i.messages), timeout=30)
        t.bot(reply.messages, name)
        [file] = [a for m in reply.messages for a in m.attachments]
        (folder / file.filename).write_bytes(file.data)
        if fmt == "md":
            ok = (
                "## Contents" in file.data.decode() and "## How stances moved" in file.data.decode()
            )
            what = "a Markdown digest: contents, how stances moved, then each round"
        elif fmt == "html":
            page = file.data.decode()
            ok = "<h2>Contents</h2>" in page and "<script" not in page
            what = "one self-contained HTML page, no scripts"
        elif fmt == "json":
            document = json.loads(file.data)
            ok = document["format"] == "roundtable-export/2" and len(document["rounds"]) >= 6
            what = "JSON in the documented schema, every round"
        else:
            with zipfile.ZipFile(io.BytesIO(file.data)) as zf:
                ok = sorted(zf.namelist()) == sorted(
                    ["rounds.csv", "responses.csv", "stances.csv", "edits.csv", "suggestions.csv",
                     "summaries.csv"]
                )  # fmt: skip
            what = "a zip of rounds, responses, stances, edits, suggestions and summaries as CSV"
        t.expect(ok and reply.messages[0].ephemeral, f"{what}; saved as exports/{file.filename}")
    t.action(cast.ada, "runs `/export scope:server format:md`")
    refused = await sb.slash(cast.ada, "export", cast.general, scope="server", format="md")
    t.bot(refused.messages, name)
    t.expect(refused.messages[0].content.startswith("This is for moderators"), "for moderators")
    t.action(cast.ada, f"runs `/summary export round:{STATE.first_round} format:md`")
    mine = await sb.slash(
        cast.ada, "summary export", cast.general, round=STATE.first_round, format="md"
    )
    await mine.until(lambda i: any(m.attachments for m in i.messages), timeout=30)
    t.bot(mine.messages, name)
    [summary] = [a for m in mine.messages for a in m.attachments]
    t.expect(
        "### Summary" in summary.data.decode() and "### Excerpt" not in summary.data.decode(),
        "anyone who can see the round gets its summary as a file",
    )
