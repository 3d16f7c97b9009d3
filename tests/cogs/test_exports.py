"""/export and /summary export through the sandbox: the file a moderator or member receives,
who may export what, and exports over the upload limit (zipped, then numbered parts)."""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest

from cogs.support import exports as delivery
from sandbox import Perm
from sandbox.world import Interaction
from tests.cogs.rounds.test_rounds import start
from tests.cogs.test_summaries import answer
from tests.harness import World

HOSTILE = "<script>alert(1)</script> [free nitro](https://evil.example) @everyone"


async def closed_round(world: World) -> dict:
    sb = world.sandbox
    buttons, row = await start(world)
    await answer(world, buttons, world.member, HOSTILE)
    await sb.click(world.member, buttons, sb.button(buttons, "Agree"))
    await sb.slash(world.owner, "round close", world.general, round=row["id"])
    return row


async def with_files(reply: Interaction, count: int = 1) -> Interaction:
    return await reply.until(lambda i: sum(len(m.attachments) for m in i.messages) >= count)


@pytest.mark.parametrize(
    ("fmt", "name"),
    [
        ("md", "roundtable-round-{id}-everything.md"),
        ("html", "roundtable-round-{id}-everything.html"),
        ("json", "roundtable-round-{id}-everything.json"),
        ("csv", "roundtable-round-{id}-everything.zip"),
    ],
)
async def test_a_moderator_exports_a_round_as_a_file(world: World, fmt: str, name: str) -> None:
    sb = world.sandbox
    row = await closed_round(world)
    reply = await with_files(
        await sb.slash(world.owner, "export", world.general, scope=f"round:{row['id']}", format=fmt)
    )
    [message] = reply.messages
    assert message.ephemeral and not message.pings.anyone
    assert message.content.startswith("Exported 1 round, 1 answer and reply (")
    [attachment] = message.attachments
    assert attachment.filename == name.format(id=row["id"])
    data = attachment.data
    if fmt == "csv":
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            data = zf.read("responses.csv")
        # Excel's flavour unless asked otherwise: a BOM, and ids as text Excel keeps whole.
        assert data.startswith(b"\xef\xbb\xbf")
        assert f',"=""{world.member.id}""",'.encode() in data
    text = data.decode("utf-8")
    assert "Ada" in text
    if fmt == "json":
        [shown] = json.loads(text)["rounds"][0]["responses"]
        assert shown["text"] == HOSTILE and shown["author"] == "Ada"
    elif fmt == "html":
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text and "<script>" not in text
    elif fmt == "md":
        assert "\\<script\\>alert(1)\\</script\\> free nitro (https://evil.example)" in text


async def test_plain_csv_stays_available(world: World) -> None:
    row = await closed_round(world)
    reply = await with_files(
        await world.sandbox.slash(
            world.owner, "export", world.general, scope=f"round:{row['id']}", format="csv",
            include="answers", excel=False,
        )
    )  # fmt: skip
    data = reply.messages[0].attachments[0].data
    assert data.startswith(b"round_id,") and f",{world.member.id},".encode() in data


async def test_export_is_for_moderators(world: World) -> None:
    row = await closed_round(world)
    refused = await world.sandbox.slash(
        world.member, "export", world.general, scope=f"round:{row['id']}", format="md"
    )
    assert refused.messages[0].content.startswith("This is for moderators")
    assert refused.messages[0].attachments == []


async def test_bad_scopes_and_dates_get_a_clear_message(world: World) -> None:
    sb = world.sandbox
    await closed_round(world)
    for options, expected in (
        ({"scope": "round:999"}, "There is no round 999 on this server."),
        ({"scope": "pack:nope"}, "There is no pack 'nope' here: /pack list shows them."),
        ({"scope": "server", "since": "yesterday"}, "'yesterday' is not a date"),
        ({"scope": "server", "since": "2001-01-01", "until": "2001-01-02"}, "There are no rounds"),
    ):
        reply = await sb.slash(world.owner, "export", world.general, format="md", **options)
        assert reply.messages[0].content.startswith(expected), reply.messages[0].content


async def test_scope_autocomplete_offers_the_server_packs_and_rounds(world: World) -> None:
    row = await closed_round(world)
    choices = await world.sandbox.autocomplete(
        world.owner, "export", world.general, focused="scope", scope="", format="md"
    )
    values = [c["value"] for c in choices]
    assert values[0] == "server"
    assert f"round:{row['id']}" in values
    assert "pack:deepseek-r1-chinas-sputnik-moment" in values


async def test_an_export_over_the_upload_limit_comes_zipped_or_in_parts(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    sb = world.sandbox
    monkeypatch.setattr(delivery, "PROGRESS_EVERY", 0.0)
    row = await closed_round(world)
    scope = f"round:{row['id']}"
    whole = await with_files(
        await sb.slash(world.owner, "export", world.general, scope=scope, format="html")
    )
    page_size = len(whole.messages[0].attachments[0].data)
    assert whole.messages[0].history[-1].startswith("Exporting… 1 of 1 answers")  # progress
    zipped = await with_files(
        await sb.slash(
            world.owner,
            "export",
            world.general,
            scope=scope,
            format="html",
            attachment_size_limit=page_size - 1,  # zipped, the page is far smaller
        )
    )
    [message] = zipped.messages
    assert "over this server's upload limit, so it is zipped" in message.content
    [attachment] = message.attachments
    assert attachment.filename == f"roundtable-round-{row['id']}-everything.zip"
    assert len(attachment.data) < page_size / 2

    parts = await with_files(
        await sb.slash(
            world.owner,
            "export",
            world.general,
            scope=f"round:{row['id']}",
            format="html",
            attachment_size_limit=2_000,
        ),
        count=2,
    )
    await parts.until(lambda i: len(i.messages) > 1 and "numbered parts" in i.messages[0].content)
    said = re.search(r"it comes in (\d+) numbered parts", parts.messages[0].content)
    assert said is not None
    n = int(said.group(1))  # (count the parts when all have come, not as they come)
    stem = f"roundtable-round-{row['id']}-everything"
    await parts.until(lambda i: len(i.messages) == n + 1)
    rest = parts.messages[1:]
    assert n >= 2 and len(rest) == n
    names = [m.attachments[0].filename for m in rest]
    assert names == [f"{stem}.zip.{k:03d}" for k in range(1, n + 1)]
    assert all(len(m.attachments[0].data) <= 2_000 and m.ephemeral for m in rest)
    joined = b"".join(m.attachments[0].data for m in rest)
    with zipfile.ZipFile(io.BytesIO(joined)) as zf:
        page = zf.read(f"{stem}.html").decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


async def test_members_export_a_summary_of_a_round_they_can_see(world: World) -> None:
    sb = world.sandbox
    row = await closed_round(world)
    reply = await with_files(
        await sb.slash(world.member, "summary export", world.general, round=row["id"], format="md")
    )
    [message] = reply.messages
    [attachment] = message.attachments
    assert attachment.filename == f"roundtable-round-{row['id']}-summaries.md"
    text = attachment.data.decode()
    assert "### Summary" in text and "### Excerpt" not in text
    assert "Agree: 0 → 1 (+1)" in text or "Agree: 1 → 1 (0)" in text


async def test_summary_export_refuses_open_rounds_and_hidden_channels(world: World) -> None:
    sb = world.sandbox
    _, open_row = await start(world)
    still = await sb.slash(
        world.member, "summary export", world.general, round=open_row["id"], format="md"
    )
    assert still.messages[0].content == (
        f"Round {open_row['id']} is still open: its summary comes when it closes."
    )
    staff = sb.text_channel(world.guild, "staff")
    sb.deny(staff, world.member, Perm.VIEW_CHANNEL)
    _, row = await start(world, section=3, channel=staff)
    await sb.slash(world.owner, "round close", world.general, round=row["id"])
    hidden = await sb.slash(
        world.member, "summary export", world.general, round=row["id"], format="md"
    )
    assert hidden.messages[0].content == f"Round {row['id']} is in a channel you cannot see."
    assert hidden.messages[0].attachments == []


async def test_a_round_in_a_hidden_channel_is_neither_shown_nor_suggested(world: World) -> None:
    sb = world.sandbox
    staff = sb.text_channel(world.guild, "staff")
    sb.deny(staff, world.member, Perm.VIEW_CHANNEL)
    _, row = await start(world, section=3, channel=staff)
    await sb.slash(world.owner, "round close", world.general, round=row["id"])
    shown = await sb.slash(world.member, "summary show", world.general, round=row["id"])
    assert shown.messages[0].content == f"Round {row['id']} is in a channel you cannot see."
    assert shown.messages[0].embeds == []
    for command in ("summary show", "summary export"):
        offered = await sb.autocomplete(world.member, command, world.general, focused="round",
                                        round="")  # fmt: skip
        assert row["id"] not in [c["value"] for c in offered]
    owner_sees = await sb.autocomplete(world.owner, "summary show", world.general, focused="round",
                                       round="")  # fmt: skip
    assert row["id"] in [c["value"] for c in owner_sees]
