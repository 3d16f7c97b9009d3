"""A readable Markdown transcript of a sandbox session: who did what, what the bot posted."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sandbox.model import Message, User
from sandbox.world import World

_MENTION = re.compile(r"<(@!?|@&|#)(\d+)>|<t:(\d+)(?::([tTdDfFR]))?>")


def real_now() -> datetime:
    return datetime.now(UTC)


def relative(moment: datetime, now: datetime | None = None) -> str:
    """ "in 2 days" / "3 hours ago", as Discord shows a relative timestamp to a reader at `now`
    (the story's time: the bot's clock, which in the demo may run fast)."""
    seconds = (moment - (now or real_now())).total_seconds()
    amount = abs(seconds)
    units = ((86400, "day"), (3600, "hour"), (60, "minute"), (1, "second"))
    size, unit = next((s, u) for s, u in units if amount >= s or s == 1)
    n = round(amount / size)
    text = f"{n} {unit}{'s' if n != 1 else ''}"
    return f"in {text}" if seconds >= 0 else f"{text} ago"


def humanizer(world: World, now: Callable[[], datetime] = real_now) -> Callable[[str], str]:
    """Turn <@id>, <@&id>, <#id> and <t:unix:R> into names and dates for a reader whose clock
    reads `now()` (the bot's clock)."""

    def role_name(role_id: int) -> str | None:
        for guild in world.guilds.values():
            if role_id in guild.roles:
                return guild.roles[role_id].name
        return None

    def replace(match: re.Match[str]) -> str:
        kind, ident, stamp, style = match.groups()
        if stamp:
            moment = datetime.fromtimestamp(int(stamp), UTC)
            if style == "R":
                return relative(moment, now())
            return moment.strftime("%Y-%m-%d %H:%M UTC")
        n = int(ident)
        if kind == "@&":
            return f"@{role_name(n) or ident}"
        if kind == "#":
            channel = world.channels.get(n)
            return f"#{channel.name}" if channel else f"#{ident}"
        user = world.users.get(n)
        return f"@{user.display_name}" if user else f"@{ident}"

    return lambda text: _MENTION.sub(replace, text)


def _quote(text: str) -> list[str]:
    return [f"> {line}" if line else ">" for line in text.splitlines()] or [">"]


def render_embed(embed: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    if (embed.get("author") or {}).get("name"):
        lines.append(f"*{embed['author']['name']}*")
    if embed.get("title"):
        lines.append(f"**{embed['title']}**")
    if embed.get("description"):
        lines.extend(embed["description"].splitlines())
    for f in embed.get("fields") or []:
        first, *rest = str(f["value"]).splitlines() or [""]
        lines.append(f"*{f['name']}*: {first}")
        lines.extend(rest)
    if (embed.get("footer") or {}).get("text"):
        lines.append(f"_{embed['footer']['text']}_")
    return lines


def render_components(components: list[dict[str, Any]]) -> list[str]:
    labels: list[str] = []
    for row in components:
        for item in row.get("components") or []:
            if item.get("type") == 2:
                labels.append(f"[{item.get('label') or item.get('emoji', {}).get('name', '?')}]")
            elif item.get("type") in (3, 5, 6, 7, 8):
                labels.append(f"[select: {item.get('placeholder') or item.get('custom_id')}]")
    return [" ".join(labels)] if labels else []


def render_message(message: Message, *, who: str, human: Callable[[str], str] = str) -> list[str]:
    visibility = " (only they see it)" if message.ephemeral else ""
    body: list[str] = []
    if message.content:
        body.extend(message.content.splitlines())
    for embed in message.embeds:
        body.append("┌ embed")
        body.extend(f"│ {line}" for line in render_embed(embed))
    body.extend(render_components(message.components))
    for attachment in message.attachments:
        body.append(f"📎 {attachment.filename} ({len(attachment.data)} bytes)")
    if message.pings.anyone:
        body.append(f"(would ping users {message.pings.users} roles {message.pings.roles})")
    return [f"**{who}**{visibility}:", *_quote(human("\n".join(body)))]


@dataclass
class Transcript:
    """A story a newcomer can follow: sections, what members did and what the bot answered.
    The checks made on each answer are listed together at the end (a failed one also where it
    happened)."""

    title: str
    human: Callable[[str], str] = str
    now: Callable[[], datetime] = real_now  # the story's clock: the bot's
    lines: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)
    steps: int = 0

    def section(self, heading: str) -> None:
        self.lines += ["", f"## {heading}", ""]

    def note(self, text: str) -> None:
        self.lines += [text, ""]

    def action(self, user: User, text: str) -> None:
        self.steps += 1
        self.lines += [f"**{self.steps}. {user.display_name}** {text}", ""]

    def bot(self, messages: list[Message], bot_name: str) -> None:
        for message in messages:
            self.lines += [*render_message(message, who=bot_name, human=self.human), ""]

    def expect(self, ok: bool, what: str) -> None:
        self.checks.append(f"- {'✓' if ok else '✗ FAILED:'} step {self.steps}: {what}")
        if not ok:
            self.lines += [f"✗ FAILED: {what}", ""]
            self.failures.append(f"step {self.steps}: {what}")

    def markdown(self) -> str:
        verdict = (
            f"All {self.steps} steps got the response they expect."
            if not self.failures
            else f"{len(self.failures)} expectation(s) failed: " + "; ".join(self.failures)
        )
        checks = ["## What was checked", "", *self.checks, ""]
        return "\n".join([f"# {self.title}", "", *self.lines, "---", "", *checks, verdict, ""])
