"""`python bot.py summarize FILE` on exports, offline and through an OpenAI-compatible server."""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
from pathlib import Path

from roundtable.summaries.sources import to_json
from sandbox.debates import debate
from sandbox.fake_openai import FakeOpenAI, Reply

ROOT = Path(__file__).resolve().parents[2]


async def summarize(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> tuple[int, str, str]:
    """`python bot.py summarize ARGS`, by default in an empty folder (no .env of the host's)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(ROOT / "bot.py"),
        "summarize",
        *args,
        env=env or {},
        cwd=cwd or Path(tempfile.mkdtemp()),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    return process.returncode, out.decode(), err.decode()


def chat_export(path: Path) -> Path:
    """A DiscordChatExporter JSON export of a channel, in its documented shape."""
    messages = [
        {
            "id": "501",
            "type": "Default",
            "timestamp": "2025-01-28T10:00:00+00:00",
            "content": "The export bans backfired: engineers optimised the older chips.",
            "author": {"id": "11", "name": "ada", "isBot": False},
        },
        {
            "id": "502",
            "type": "Reply",
            "timestamp": "2025-01-28T10:05:00+00:00",
            "content": "National security still justifies the export controls.",
            "author": {"id": "12", "name": "grace", "isBot": False},
            "reference": {"messageId": "501", "channelId": "900", "guildId": "800"},
        },
        {
            "id": "503",
            "type": "Default",
            "timestamp": "2025-01-28T10:06:00+00:00",
            "content": "Reminder: meeting on Friday",
            "author": {"id": "99", "name": "bot", "isBot": True},
        },
        {
            "id": "504",
            "type": "ChannelPinnedMessage",
            "timestamp": "2025-01-28T10:07:00+00:00",
            "content": "",
            "author": {"id": "11", "name": "ada", "isBot": False},
        },
    ]
    data = {
        "guild": {"id": "800", "name": "Book club"},
        "channel": {"id": "900", "name": "debates"},
        "messages": messages,
        "messageCount": len(messages),
    }
    path.write_text(json.dumps(data))
    return path


async def test_a_chat_exporter_file_as_markdown_with_jump_links(tmp_path: Path) -> None:
    code, out, err = await summarize(str(chat_export(tmp_path / "export.json")))
    assert code == 0, err
    assert out.startswith("# Summary · #debates (Book club)\n")
    assert "\n2 messages from 2 people. Extractive summary;" in out  # no answers: a chat
    assert "https://discord.com/channels/800/900/501" in out
    assert "503" not in out and "504" not in out  # the bot and the system message are skipped


async def test_our_own_json_as_json(tmp_path: Path) -> None:
    labelled = debate(300, seed=4)
    path = tmp_path / "round.json"
    path.write_text(json.dumps(to_json(labelled.discussion)))
    code, out, err = await summarize(str(path), "--format", "json")
    assert code == 0, err
    summary = json.loads(out)
    assert summary["engine"] == "offline"
    assert [s["title"] for s in summary["sections"]] == [
        "Question 1?",
        "Question 2?",
        "In the thread",
    ]
    real = {c.message_id for c in labelled.discussion.contributions}
    cited = [i for s in summary["sections"] for p in s["points"] for i in p["message_ids"]]
    assert cited and set(cited) <= real


async def test_the_llm_engine_through_a_compatible_server(tmp_path: Path) -> None:
    async with FakeOpenAI() as fake:
        fake.script(
            Reply.json(
                {
                    "points": [{"text": "Bans backfired, say some.", "ids": ["1", "9"]}],
                    "disagreements": [],
                }
            )
        )
        env = {"OPENAI_BASE_URL": fake.base_url, "OPENAI_MODEL": "fake"}
        code, out, err = await summarize(
            str(chat_export(tmp_path / "e.json")), "--engine", "llm", env=env
        )
    assert code == 0, err
    assert (
        "- Bans backfired, say some. — 1 member · [1](https://discord.com/channels/800/900/501)"
        in out
    )
    assert len(fake.requests) == 1


async def test_the_llm_engine_reads_its_settings_from_dot_env(tmp_path: Path) -> None:
    async with FakeOpenAI() as fake:
        fake.script(Reply.json({"points": [{"text": "Read from .env.", "ids": ["1"]}]}))
        (tmp_path / ".env").write_text(
            f"OPENAI_BASE_URL={fake.base_url}\nOPENAI_MODEL=fake-from-dotenv\n"
        )
        code, out, err = await summarize(
            str(chat_export(tmp_path / "e.json")), "--engine", "llm", cwd=tmp_path
        )
    assert code == 0, err
    assert "- Read from .env. — 1 member" in out
    assert [r["model"] for r in fake.requests] == ["fake-from-dotenv"]


async def test_unusable_files_and_settings_exit_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    code, out, err = await summarize(str(bad))
    assert (code, out) == (1, "")
    assert err.startswith(f"roundtable: {bad}: The file is not JSON")
    other = tmp_path / "other.json"
    other.write_text('{"hello": 1}')
    assert (
        "neither a Roundtable discussion or export nor a DiscordChatExporter"
        in (await summarize(str(other)))[2]
    )
    code, _, err = await summarize(str(chat_export(tmp_path / "e.json")), "--engine", "llm")
    assert code == 1 and "--engine llm needs OPENAI_MODEL" in err


async def test_timestamps_with_and_without_a_zone_in_one_file_are_summarised(
    tmp_path: Path,
) -> None:
    """#27: a file mixing zoned and zone-less times ended in a traceback (naive minus aware)."""
    said = [
        ("2026-01-01T12:00:00+00:00", "We should read the whole essay before judging it."),
        ("2026-01-01T12:05:00", "I disagree, the first part already shows the weak premise."),
        ("2026-01-01 12:07", "The premise is fine but the conclusion does not follow from it."),
    ]
    messages = [
        {"id": str(n), "author": {"id": str(n + 10)}, "content": text, "timestamp": at}
        for n, (at, text) in enumerate(said, start=1)
    ]
    mixed = tmp_path / "mixed.json"
    mixed.write_text(json.dumps({"messages": messages, "channel": {"id": "9", "name": "club"}}))
    code, out, err = await summarize(str(mixed))
    assert (code, err) == (0, "")
    assert "the first part already shows the weak premise" in out


async def test_a_long_exported_meeting_gives_labelled_points_for_each_agenda_item(
    tmp_path: Path,
) -> None:
    from tests.fixtures.evaluation import AGENDA, as_chat_export, low_information, meeting

    path = tmp_path / "council.json"
    path.write_text(json.dumps(as_chat_export(meeting())), "utf-8")
    code, out, err = await summarize(str(path))
    assert code == 0, err
    points = [line for line in out.splitlines() if line.startswith("- **")]
    assert len(points) == 12
    for _, title, _, _ in AGENDA:
        assert sum(line.startswith(f"- **{title}** — “") for line in points) == 2, title
    for line in points:
        quote = line.split(" — ", 1)[1].rsplit(" — ", 1)[0]
        assert not low_information(quote), line
        assert "https://discord.com/channels/700000000000000001/700000000000000002/" in line
    assert "## Decisions and actions" in out
    assert "- Action: Holger to add rsync stall alerts for every mirror — [1](" in out


async def test_a_help_channel_export_lists_its_questions_with_their_answers(
    tmp_path: Path,
) -> None:
    """Issue #26: conversations at the same time told apart; each question shown with the
    answer its asker thanked, linked; the unanswered ones said; no other section repeats
    them."""
    from tests.fixtures.evaluation import as_chat_export, help_channel

    path = tmp_path / "help.json"
    path.write_text(json.dumps(as_chat_export(help_channel())), "utf-8")
    code, out, err = await summarize(str(path))
    assert code == 0, err
    assert "53 messages from 20 people." in out
    asked = out.split("## Questions asked\n\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert len(asked) == 10
    assert asked[0].startswith(
        "- **how do I import an EPUB? the pack command says unknown kind** — “the EPUB reader "
        "needs the file to end in .epub, rename it and run the import again” — 2 members, the "
        "asker thanked it · [1](https://discord.com/channels/700000000000000001/"
        "700000000000000002/9000000) [2]("
    )
    assert sum("members, the asker thanked it · [1](" in line for line in asked) == 8
    assert [line for line in asked if "No answer in the thread." in line] == [
        "- **has anyone connected the bot to a Matrix bridge? messages arrive twice for us** — "
        "No answer in the thread. — [1](https://discord.com/channels/700000000000000001/"
        "700000000000000002/9000015)",
        "- **is there a dark theme for the exported HTML page?** — No answer in the thread. — "
        "[1](https://discord.com/channels/700000000000000001/700000000000000002/9000028)",
    ]
    assert out.count("the EPUB reader needs the file") == 1
