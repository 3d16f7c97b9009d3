"""`make demo`: the sandbox here, the bot as its own process, a scripted session, a transcript.

The bot is started as `make run` starts it (`python bot.py run`), pointed at the sandbox through
DISCORD_API_BASE / DISCORD_GATEWAY_URL. Exit status 0 only when every step got the response it
expects. The transcript is printed and written to data/demo/transcript.md.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import tempfile
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

from sandbox.model import Message, Perm
from sandbox.server import Sandbox
from sandbox.transcript import Transcript, humanizer
from sandbox.world import Interaction

ROOT = Path(__file__).resolve().parents[1]
OUT_DIR = Path("data/demo")

Script = Callable[[Sandbox, Transcript], Awaitable[None]]


def _fields(interaction: Interaction) -> dict[str, str]:
    messages = interaction.messages
    if not messages or not messages[0].embeds:
        return {}
    return {f["name"]: f["value"] for f in messages[0].embeds[0].get("fields") or []}


def _says(interaction: Interaction, start: str) -> bool:
    return bool(interaction.messages) and interaction.messages[0].content.startswith(start)


async def config_flow(sb: Sandbox, t: Transcript) -> None:
    """/config: show, refusals, set with autocomplete, moderator role, clear."""
    guild = next(iter(sb.world.guilds.values()))
    general = next(c for c in guild.channels.values() if c.name == "general")
    owner = sb.owner(guild)
    ada = next(m.user for m in guild.members.values() if m.user.username == "ada")
    mods = next(r for r in guild.roles.values() if r.name == "Moderators")
    grace = next(m.user for m in guild.members.values() if m.user.username == "grace")
    name = sb.bot_user.username

    t.section("Server settings with /config")
    t.action(owner, "runs `/config show` in #general")
    reply = await sb.slash(owner, "config show", general)
    t.bot(reply.messages, name)
    t.expect(
        reply.messages[0].ephemeral and _fields(reply).get("Time zone") == "UTC",
        "a private settings card with the defaults (UTC, offline summaries)",
    )

    t.action(ada, "(no Manage Server) tries `/config show`")
    reply = await sb.slash(ada, "config show", general)
    t.bot(reply.messages, name)
    t.expect(_says(reply, "This is for moderators"), "a plain member is refused, privately")

    t.action(owner, "types `new y` into the time zone option of `/config set`")
    choices = await sb.autocomplete(
        owner, "config set", general, focused="timezone", timezone="new y"
    )
    t.note("Offered: " + ", ".join(c["name"] for c in choices))
    t.expect([c["value"] for c in choices] == ["America/New_York"], "autocomplete finds the zone")

    t.action(owner, "runs `/config set timezone:Mars/Olympus`")
    reply = await sb.slash(owner, "config set", general, timezone="Mars/Olympus")
    t.bot(reply.messages, name)
    t.expect(_says(reply, "Mars/Olympus is not an IANA time zone"), "a clear refusal")

    t.action(
        owner,
        "runs `/config set moderator_role:@Moderators channel:#general timezone:America/New_York`",
    )
    reply = await sb.slash(
        owner,
        "config set",
        general,
        moderator_role=mods,
        channel=general,
        timezone="America/New_York",
    )
    t.bot(reply.messages, name)
    fields = _fields(reply)
    t.expect(
        fields.get("Time zone") == "America/New_York"
        and fields.get("Moderators") == f"Manage Server, and the role <@&{mods.id}>"
        and not reply.messages[0].pings.anyone,
        "saved, shown, and the role is named without pinging it",
    )

    t.action(grace, "(has the Moderators role) runs `/config show`")
    reply = await sb.slash(grace, "config show", general)
    t.bot(reply.messages, name)
    t.expect(_fields(reply).get("Time zone") == "America/New_York", "the moderator role is enough")

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


DEMO_TEXT = Path(__file__).with_name("demo_texts") / "reading-together.txt"
SHIPPED = "deepseek-r1-chinas-sputnik-moment"


def _button(sb: Sandbox, message: Message, label: str) -> str:
    return sb.button(message, label)


async def pack_flow(sb: Sandbox, t: Transcript) -> None:
    """/pack: list, import a text (preview, save), preview sections, export, a member refused."""
    guild = next(iter(sb.world.guilds.values()))
    general = next(c for c in guild.channels.values() if c.name == "general")
    owner = sb.owner(guild)
    ada = next(m.user for m in guild.members.values() if m.user.username == "ada")
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
    saved = await sb.click(owner, preview, _button(sb, preview, "Save pack"))
    t.bot([saved.original] if saved.original else [], name)
    t.expect(preview.content.startswith("Saved **Reading together**"), "the pack is saved")

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


FLOWS: list[Script] = [config_flow, pack_flow]


def build_world(sb: Sandbox) -> None:
    guild = sb.guild("Reading Group", owner="Olivia")
    sb.text_channel(guild, "general")
    sb.forum(guild, "debates", tags=["open", "closed"])
    mods = sb.role(guild, "Moderators", Perm.MEMBER_DEFAULT)
    sb.member(guild, "Ada")
    sb.member(guild, "Grace", roles=[mods])
    sb.member(guild, "Linus")


async def _bot(args: list[str], env: dict[str, str], log: Path) -> asyncio.subprocess.Process:
    handle = log.open("ab")
    try:
        return await asyncio.create_subprocess_exec(
            sys.executable,
            str(ROOT / "bot.py"),
            *args,
            env=env,
            cwd=ROOT,
            stdout=handle,
            stderr=handle,
        )
    finally:
        handle.close()


async def run_demo(out_dir: Path) -> int:
    """Play every flow; returns the exit status. `out_dir` must exist."""
    log = out_dir / "bot.log"
    transcript = Transcript(f"Roundtable demo, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    async with Sandbox() as sb:
        transcript.human = humanizer(sb.world)
        build_world(sb)
        with tempfile.TemporaryDirectory() as tmp:
            env = {
                **{k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")},
                **sb.bot_env(),
                "DATABASE_PATH": str(Path(tmp) / "demo.db"),
                "LOG_LEVEL": "INFO",
            }
            transcript.note(
                f"A sandbox Discord server runs at {sb.base_url}; Roundtable runs as its own "
                "process (`python bot.py run`) pointed at it. Server *Reading Group*: Olivia "
                "(owner), Grace (Moderators role), Ada and Linus (members)."
            )
            sync = await _bot(["sync"], env, log)
            if await sync.wait() != 0:
                print(f"demo: `bot.py sync` failed, see {log}", file=sys.stderr)
                return 1
            bot = await _bot(["run"], env, log)
            try:
                await sb.connected(timeout=30)
                for flow in FLOWS:
                    try:
                        await flow(sb, transcript)
                    except Exception as exc:  # a broken step is a failed step, not a crash
                        transcript.expect(False, f"{flow.__name__} raised {exc!r}")
            finally:
                bot.send_signal(signal.SIGTERM)
                code = await asyncio.wait_for(bot.wait(), 30)
            transcript.expect(code == 0, "the bot shut down cleanly on SIGTERM (exit status 0)")
    text = transcript.markdown()
    (out_dir / "transcript.md").write_text(text, "utf-8")
    print(text)
    print(f"Transcript written to {out_dir / 'transcript.md'}; the bot's log is {log}.")
    return 1 if transcript.failures else 0


def main(out_dir: Path = OUT_DIR) -> int:
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "bot.log").write_text("")
    return asyncio.run(run_demo(out_dir))


if __name__ == "__main__":
    sys.exit(main())
