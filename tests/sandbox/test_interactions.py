"""Components, modals, deferrals, follow-ups, threads, history and pins through real discord.py.

A small discord.py client defined here (not Roundtable) drives each sandbox feature that later
features rely on.
"""

from __future__ import annotations

import asyncio
import io

import discord
import pytest

from sandbox import ChannelType, Perm, Sandbox, SandboxError
from tests.sandbox.test_gateway import bare_client, message_intents


class Answer(discord.ui.Modal, title="Your answer"):
    text = discord.ui.TextInput(label="Answer", custom_id="answer", style=discord.TextStyle.long)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"Recorded: {self.text.value}", ephemeral=True)


class Panel(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.button(label="Respond", custom_id="respond")
    async def respond(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        await interaction.response.send_modal(Answer())

    @discord.ui.button(label="Slow", custom_id="slow")
    async def slow(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await interaction.edit_original_response(content="done thinking")
        await interaction.followup.send("and one more thing", ephemeral=True)

    @discord.ui.button(label="Think", custom_id="think")
    async def think(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await interaction.followup.send("thought it through", ephemeral=False)

    @discord.ui.button(label="Count", custom_id="count")
    async def count(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        await interaction.response.edit_message(content="clicked")

    @discord.ui.select(
        custom_id="pick",
        options=[discord.SelectOption(label="Agree"), discord.SelectOption(label="Disagree")],
    )
    async def pick(self, interaction: discord.Interaction, select: discord.ui.Select) -> None:
        await interaction.response.send_message(f"You chose {select.values[0]}", ephemeral=True)


@pytest.fixture
async def panel_world(sandbox: Sandbox):
    guild = sandbox.guild()
    general = sandbox.text_channel(guild)
    ada = sandbox.member(guild, "Ada")
    async with bare_client(sandbox, message_intents(False)) as client:
        client.add_view(Panel())
        target = client.get_channel(general.id)
        sent = await target.send("Round 1", view=Panel())
        [posted] = sandbox.messages(general)
        assert posted.id == sent.id
        yield sandbox, client, general, ada, posted


async def test_button_opens_a_modal_whose_answer_is_acknowledged(panel_world) -> None:
    sb, _, _, ada, posted = panel_world
    shown = await sb.click(ada, posted, "respond")
    assert shown.modal is not None and shown.modal["title"] == "Your answer"
    submitted = await sb.submit_modal(ada, shown, {"answer": "Export bans backfired."})
    [reply] = submitted.messages
    assert reply.ephemeral
    assert reply.content == "Recorded: Export bans backfired."


async def test_modal_inputs_are_checked_like_the_client_does(panel_world) -> None:
    sb, _, _, ada, posted = panel_world
    shown = await sb.click(ada, posted, "respond")
    with pytest.raises(SandboxError, match="answer is required"):
        await sb.submit_modal(ada, shown, {})
    with pytest.raises(SandboxError, match="no input"):
        await sb.submit_modal(ada, shown, {"answer": "x", "other": "y"})


async def test_deferral_then_edit_then_followup(panel_world) -> None:
    sb, _, _, ada, posted = panel_world
    reply = await sb.click(ada, posted, "slow")
    await asyncio.sleep(0.05)
    assert reply.deferred
    assert [m.content for m in reply.messages] == ["done thinking", "and one more thing"]
    assert all(m.ephemeral for m in reply.messages)


async def test_the_first_followup_replaces_the_thinking_message(panel_world) -> None:
    sb, _, general, ada, posted = panel_world
    reply = await sb.click(ada, posted, sb.button(posted, "Think"))
    [message] = reply.messages
    assert message is reply.original
    assert message.content == "thought it through"
    assert message.ephemeral  # the deferral's visibility wins, as on Discord
    assert sb.messages(general) == [posted]


async def test_update_message_edits_the_clicked_message(panel_world) -> None:
    sb, _, general, ada, posted = panel_world
    await sb.click(ada, posted, "count")
    assert posted.content == "clicked"
    assert posted.history == ["Round 1"]
    assert sb.messages(general) == [posted]


async def test_select_values_reach_the_callback(panel_world) -> None:
    sb, _, _, ada, posted = panel_world
    reply = await sb.select(ada, posted, "pick", ["Disagree"])
    assert reply.messages[0].content == "You chose Disagree"
    with pytest.raises(SandboxError):
        await sb.select(ada, posted, "pick", ["Maybe"])


async def test_unknown_component_is_a_test_error(panel_world) -> None:
    sb, _, _, ada, posted = panel_world
    with pytest.raises(SandboxError, match="No component 'nope'"):
        await sb.click(ada, posted, "nope")


async def test_forum_post_with_tag_history_pins_nonce_edit_delete(sandbox: Sandbox) -> None:
    guild = sandbox.guild(bot_permissions=sandbox_bot_permissions())
    forum = sandbox.forum(guild, "debates", tags=["open", "closed"])
    general = sandbox.text_channel(guild)
    ada = sandbox.member(guild, "Ada")
    async with bare_client(sandbox, message_intents(True)) as client:
        seen_forum = client.get_channel(forum.id)
        tag = next(t for t in seen_forum.available_tags if t.name == "open")
        created = await seen_forum.create_thread(
            name="Round 1: No chips for China", content="Excerpt", applied_tags=[tag]
        )
        thread = sandbox.channel(created.thread.id)
        assert thread.type == ChannelType.PUBLIC_THREAD
        assert thread.parent_id == forum.id
        assert thread.applied_tags == [tag.id]
        assert [m.content for m in sandbox.messages(thread)] == ["Excerpt"]
        await sandbox.say(ada, thread, "first reply")

        target = client.get_channel(general.id)
        # discord.py has no enforce_nonce argument; send the payload a retrying client would.
        nonce = {"content": "one", "nonce": "abc", "enforce_nonce": True}
        params = discord.http.MultipartParameters(payload=nonce, multipart=None, files=None)
        first_data = await client.http.send_message(general.id, params=params)
        again_data = await client.http.send_message(general.id, params=params)
        assert first_data["id"] == again_data["id"]  # Discord de-duplicates an enforced nonce
        first = await target.fetch_message(int(first_data["id"]))
        second = await target.send("two")
        third = await target.send("three")
        history = [m.content async for m in target.history(limit=2)]
        assert history == ["three", "two"]
        older = [m.content async for m in target.history(before=third, limit=10)]
        assert older == ["two", "one"]
        await second.pin()
        assert [m.id async for m in target.pins()] == [second.id]
        await third.edit(content="three (edited)")
        await first.delete()
        assert [m.content for m in sandbox.messages(general)] == ["two", "three (edited)"]
        await created.thread.edit(locked=True, archived=True)
        assert (thread.locked, thread.archived) == (True, True)
        with pytest.raises(Exception, match="Thread is locked"):
            await sandbox.say(ada, thread, "too late")


def sandbox_bot_permissions() -> int:
    return Perm.BOT_DEFAULT | Perm.PIN_MESSAGES | Perm.MANAGE_MESSAGES


async def test_interaction_uploads_respect_the_interactions_limit(sandbox: Sandbox) -> None:
    guild = sandbox.guild()
    general = sandbox.text_channel(guild)
    ada = sandbox.member(guild, "Ada")
    errors: list[str] = []

    async with bare_client(sandbox, message_intents(False)) as client:
        tree = discord.app_commands.CommandTree(client)

        @tree.command(name="export", description="Send a file")
        async def export(interaction: discord.Interaction, size: int) -> None:
            try:
                data = discord.File(io.BytesIO(b"x" * size), "export.md")
                await interaction.response.send_message(file=data)
            except discord.HTTPException as exc:
                errors.append(f"{exc.status} {exc.code}")
                await interaction.response.send_message("too big", ephemeral=True)

        await tree.sync()
        small = await sandbox.slash(ada, "export", general, size=10, attachment_size_limit=100)
        assert small.messages[0].attachments[0].filename == "export.md"
        big = await sandbox.slash(ada, "export", general, size=101, attachment_size_limit=100)
        assert big.messages[0].content == "too big"
        assert errors == ["413 40005"]
