"""The sandbox's state and the rules that change it (messages, threads, pings, permissions).

REST handlers (rest.py) and member actions (actors.py) both go through `World`, so a message a
member says and a message the bot posts are created, checked and dispatched the same way.
"""

from __future__ import annotations

import asyncio
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sandbox.gateway import Gateway, Intent, Session
from sandbox.limits import (
    UPLOAD_LIMIT_DEFAULT,
    DiscordError,
    check_message,
    check_thread_name,
    check_upload,
)
from sandbox.model import (
    Attachment,
    Channel,
    ChannelType,
    Guild,
    Member,
    Message,
    Overwrite,
    Perm,
    Pings,
    Role,
    User,
    channel_permissions,
    now,
    snowflake,
)

_USER_MENTION = re.compile(r"<@!?(\d+)>")
_ROLE_MENTION = re.compile(r"<@&(\d+)>")
_EVERYONE = re.compile(r"@(everyone|here)\b")

INTERACTION_TOKEN_TTL = 15 * 60


def missing(perms: int, needed: int) -> DiscordError | None:
    lacking = needed & ~perms
    if not lacking:
        return None
    names = [name for bit, name in Perm.NAMES.items() if lacking & bit]
    return DiscordError(403, 50013, f"Missing Permissions: {', '.join(names) or hex(lacking)}")


@dataclass
class Interaction:
    """One interaction the sandbox sent the bot, and everything the bot answered."""

    id: int
    token: str
    type: int  # 2 command, 3 component, 4 autocomplete, 5 modal submit
    user: User
    channel: Channel
    guild_id: int | None
    data: dict[str, Any]
    attachment_size_limit: int
    source_message: Message | None = None  # the message whose component was used
    created: float = field(default_factory=time.monotonic)
    response_type: int | None = None
    responded_at: float | None = None  # monotonic: the first response (a deferral counts)
    original: Message | None = None
    modal: dict[str, Any] | None = None
    choices: list[dict[str, Any]] | None = None
    followups: list[Message] = field(default_factory=list)
    loading: bool = False  # a "thinking" deferral not yet replaced by a message
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def responded(self) -> bool:
        return self.response_type is not None

    @property
    def deferred(self) -> bool:
        return self.response_type in (5, 6)

    @property
    def messages(self) -> list[Message]:
        """What the member saw: the original response (if it is a message) and follow-ups."""
        first = (
            [self.original] if self.original is not None and self.response_type in (4, 5) else []
        )
        return [m for m in first + self.followups if not m.deleted]

    async def wait(self, timeout: float = 10.0) -> Interaction:
        """Wait for the first response; if it was a deferral, for the message that follows."""
        async with asyncio.timeout(timeout):
            while True:
                if self.responded and not self._pending():
                    return self
                self.changed.clear()
                await self.changed.wait()

    async def until(
        self, predicate: Callable[[Interaction], bool], timeout: float = 10.0
    ) -> Interaction:
        """Wait until `predicate(self)` holds, e.g. for follow-ups after the first reply."""
        async with asyncio.timeout(timeout):
            while not predicate(self):
                self.changed.clear()
                await self.changed.wait()
        return self

    def _pending(self) -> bool:
        return self.loading  # "thinking": done once edited or followed up


class World:
    def __init__(
        self,
        *,
        base_url: str,
        gateway: Gateway,
        bot: User,
        application_id: int,
        interaction_deadline: float,
    ) -> None:
        self.base_url = base_url
        self.gateway = gateway
        self.bot = bot
        self.application_id = application_id
        self.interaction_deadline = interaction_deadline
        self.users: dict[int, User] = {bot.id: bot}
        self.guilds: dict[int, Guild] = {}
        # How long Discord remembers a message nonce (a few minutes on Discord; None: always).
        self.nonce_seconds: float | None = None
        self.channels: dict[int, Channel] = {}
        self.messages: dict[int, Message] = {}
        self.channel_log: dict[int, list[Message]] = {}
        self.interactions: dict[int, Interaction] = {}
        self.by_token: dict[str, Interaction] = {}
        self.bot_posts: list[Message] = []  # everything the bot posted, in order
        self.global_commands: list[dict[str, Any]] = []
        self.guild_commands: dict[int, list[dict[str, Any]]] = {}
        self.dms: dict[int, Channel] = {}
        self.uploads: dict[int, Attachment] = {}  # files members attached to slash commands

    # -- building the world -----------------------------------------------------------------

    def add_guild(
        self, name: str, owner: User, bot_permissions: int, guild_id: int | None = None
    ) -> Guild:
        gid = guild_id or snowflake()
        guild = Guild(id=gid, name=name, owner_id=owner.id)
        guild.roles[gid] = Role(id=gid, name="@everyone", permissions=Perm.MEMBER_DEFAULT)
        bot_role = Role(
            id=snowflake(),
            name=self.bot.username,
            permissions=bot_permissions,
            position=1,
            managed=True,
        )
        guild.roles[bot_role.id] = bot_role
        guild.members[owner.id] = Member(user=owner, guild_id=gid)
        guild.members[self.bot.id] = Member(user=self.bot, guild_id=gid, roles=[bot_role.id])
        self.guilds[gid] = guild
        if self.gateway.sessions:
            self.gateway.dispatch("GUILD_CREATE", guild.gateway_dict(), intent=Intent.GUILDS)
        return guild

    def add_role(self, guild: Guild, name: str, permissions: int, mentionable: bool) -> Role:
        role = Role(
            id=snowflake(),
            name=name,
            permissions=permissions,
            position=len(guild.roles),
            mentionable=mentionable,
        )
        guild.roles[role.id] = role
        self.gateway.dispatch(
            "GUILD_ROLE_CREATE",
            {"guild_id": str(guild.id), "role": role.to_dict()},
            intent=Intent.GUILDS,
        )
        return role

    def add_channel(
        self,
        guild: Guild,
        name: str,
        type: ChannelType,
        overwrites: list[Overwrite] | None = None,
        tags: list[str] | None = None,
    ) -> Channel:
        channel = Channel(
            id=snowflake(),
            type=type,
            name=name,
            guild_id=guild.id,
            position=len(guild.channels),
            overwrites=overwrites or [],
            available_tags=[
                {
                    "id": str(snowflake()),
                    "name": t,
                    "moderated": False,
                    "emoji_id": None,
                    "emoji_name": None,
                }
                for t in (tags or [])
            ],
        )
        guild.channels[channel.id] = channel
        self.channels[channel.id] = channel
        self.gateway.dispatch("CHANNEL_CREATE", channel.to_dict(), intent=Intent.GUILDS)
        return channel

    def delete_channel(self, channel: Channel) -> None:
        """A moderator deletes a channel: it is gone for the API, and the bot is told."""
        guild = self.guilds[channel.guild_id] if channel.guild_id else None
        if guild is not None:
            guild.channels.pop(channel.id, None)
        self.channels.pop(channel.id, None)
        self.gateway.dispatch("CHANNEL_DELETE", channel.to_dict(), intent=Intent.GUILDS)

    def add_member(self, guild: Guild, user: User, roles: list[Role]) -> Member:
        self.users[user.id] = user
        member = Member(user=user, guild_id=guild.id, roles=[r.id for r in roles])
        guild.members[user.id] = member
        self.gateway.dispatch(
            "GUILD_MEMBER_ADD",
            {**member.to_dict(), "guild_id": str(guild.id)},
            intent=Intent.GUILD_MEMBERS,
        )
        return member

    def dm_channel(self, user: User) -> Channel:
        if user.id not in self.dms:
            channel = Channel(id=snowflake(), type=ChannelType.DM, name="", recipient=user)
            self.dms[user.id] = channel
            self.channels[channel.id] = channel
        return self.dms[user.id]

    # -- lookups ----------------------------------------------------------------------------

    def channel(self, channel_id: int) -> Channel:
        channel = self.channels.get(channel_id)
        if channel is None:
            raise DiscordError(404, 10003, "Unknown Channel")
        return channel

    def message(self, channel_id: int, message_id: int) -> Message:
        message = self.messages.get(message_id)
        if message is None or message.channel_id != channel_id or message.deleted:
            raise DiscordError(404, 10008, "Unknown Message")
        return message

    def guild_of(self, channel: Channel) -> Guild | None:
        return self.guilds.get(channel.guild_id) if channel.guild_id else None

    def permissions(self, user: User, channel: Channel) -> int:
        guild = self.guild_of(channel)
        if guild is None:
            return Perm.VIEW_CHANNEL | Perm.SEND_MESSAGES | Perm.EMBED_LINKS | Perm.ATTACH_FILES
        member = guild.members.get(user.id)
        return channel_permissions(guild, member, channel) if member else 0

    def require(self, user: User, channel: Channel, needed: int) -> None:
        error = missing(self.permissions(user, channel), needed)
        if error:
            raise error

    def visible(self, channel: Channel) -> list[Message]:
        return [m for m in self.channel_log.get(channel.id, []) if not m.deleted]

    # -- messages ---------------------------------------------------------------------------

    def pings(self, message: Message, guild: Guild | None, perms: int) -> Pings:
        """Who Discord would notify, given the content, allowed_mentions and the author."""
        am = message.allowed_mentions
        parse = set(am.get("parse", [])) if am is not None else {"users", "roles", "everyone"}
        users = [int(u) for u in _USER_MENTION.findall(message.content)]
        roles = [int(r) for r in _ROLE_MENTION.findall(message.content)]
        allowed_users = {int(u) for u in (am or {}).get("users", [])}
        allowed_roles = {int(r) for r in (am or {}).get("roles", [])}
        result = Pings()
        result.users = [u for u in dict.fromkeys(users) if "users" in parse or u in allowed_users]
        if guild is not None:
            result.roles = [
                r
                for r in dict.fromkeys(roles)
                if ("roles" in parse or r in allowed_roles)
                and r in guild.roles
                and (guild.roles[r].mentionable or perms & Perm.MENTION_EVERYONE)
            ]
            result.everyone = bool(
                _EVERYONE.search(message.content)
                and "everyone" in parse
                and perms & Perm.MENTION_EVERYONE
            )
        if message.reference_id is not None and (am or {}).get("replied_user", am is None):
            replied = self.messages.get(message.reference_id)
            if replied is not None and replied.author.id not in result.users:
                result.users.append(replied.author.id)
        return result

    def create_message(
        self,
        channel: Channel,
        author: User,
        payload: dict[str, Any],
        files: list[Attachment] | None = None,
        *,
        upload_limit: int = UPLOAD_LIMIT_DEFAULT,
        interaction: Interaction | None = None,
        check_permissions: bool = True,
        message_type: int = 0,
        message_id: int | None = None,
    ) -> Message:
        files = files or []
        check_message(payload, files=len(files))
        check_upload(sum(len(f.data) for f in files), upload_limit)
        perms = self.permissions(author, channel)
        embeds = list(payload.get("embeds") or [])
        if check_permissions:
            send = Perm.SEND_MESSAGES_IN_THREADS if channel.is_thread else Perm.SEND_MESSAGES
            self.require(author, channel, Perm.VIEW_CHANNEL | send)
            if files:
                self.require(author, channel, Perm.ATTACH_FILES)
            if channel.is_thread and channel.locked and not perms & Perm.MANAGE_THREADS:
                raise DiscordError(403, 50083, "Thread is locked")
            if not perms & Perm.EMBED_LINKS:
                embeds = []  # Discord drops embeds the author may not post
        reference = payload.get("message_reference") or {}
        nonce = payload.get("nonce")
        if nonce is not None and payload.get("enforce_nonce"):
            for earlier in self.channel_log.get(channel.id, []):
                recent = (
                    self.nonce_seconds is None
                    or (now() - earlier.timestamp).total_seconds() <= self.nonce_seconds
                )
                if earlier.nonce == str(nonce) and earlier.author.id == author.id and recent:
                    return earlier
        message = Message(
            id=message_id or snowflake(),
            channel_id=channel.id,
            guild_id=channel.guild_id,
            author=author,
            content=payload.get("content") or "",
            embeds=embeds,
            components=list(payload.get("components") or []),
            attachments=self._attachments(payload, files),
            flags=int(payload.get("flags") or 0),
            type=message_type or (19 if reference.get("message_id") else 0),
            reference_id=int(reference["message_id"]) if reference.get("message_id") else None,
            allowed_mentions=payload.get("allowed_mentions"),
            nonce=str(nonce) if nonce is not None else None,
        )
        if interaction is not None:
            message.webhook_id = self.application_id
            message.application_id = self.application_id
            message.interaction_id = interaction.id
        message.pings = self.pings(message, self.guild_of(channel), perms)
        self._store(channel, message)
        if channel.is_thread and channel.archived and not channel.locked:
            channel.archived = False
            self._thread_update(channel)
        return message

    def _attachments(self, payload: dict[str, Any], files: list[Attachment]) -> list[Attachment]:
        meta = {str(a.get("id")): a for a in payload.get("attachments") or []}
        for index, attachment in enumerate(files):
            info = meta.get(str(index)) or {}
            attachment.description = info.get("description")
            attachment.filename = info.get("filename") or attachment.filename
        return files

    def _store(self, channel: Channel, message: Message) -> None:
        self.messages[message.id] = message
        self.channel_log.setdefault(channel.id, []).append(message)
        if message.author.id == self.bot.id:
            self.bot_posts.append(message)
        if not message.ephemeral:
            self._dispatch_message("MESSAGE_CREATE", message)

    def edit_message(
        self,
        message: Message,
        payload: dict[str, Any],
        files: list[Attachment] | None = None,
        *,
        upload_limit: int = UPLOAD_LIMIT_DEFAULT,
    ) -> Message:
        files = files or []
        check_message(payload, files=len(files), edit=True)
        check_upload(sum(len(f.data) for f in files), upload_limit)
        if "content" in payload:
            message.history.append(message.content)
            message.content = payload["content"] or ""
        if "embeds" in payload:
            message.embeds = list(payload["embeds"] or [])
        if "components" in payload:
            message.components = list(payload["components"] or [])
        if "flags" in payload and payload["flags"] is not None:
            message.flags = (message.flags & Message.EPHEMERAL) | int(payload["flags"])
        if "attachments" in payload:
            keep = {str(a.get("id")) for a in payload["attachments"] or []}
            message.attachments = [a for a in message.attachments if str(a.id) in keep]
            message.attachments += self._attachments(payload, files)
        if "allowed_mentions" in payload:
            message.allowed_mentions = payload["allowed_mentions"]
        message.edited_timestamp = now()
        channel = self.channels[message.channel_id]
        message.pings = self.pings(
            message, self.guild_of(channel), self.permissions(message.author, channel)
        )
        if not message.ephemeral:
            self._dispatch_message("MESSAGE_UPDATE", message)
        return message

    def delete_message(self, message: Message) -> None:
        message.deleted = True
        if message.ephemeral:
            return
        data = {"id": str(message.id), "channel_id": str(message.channel_id)}
        if message.guild_id:
            data["guild_id"] = str(message.guild_id)
        intent = Intent.GUILD_MESSAGES if message.guild_id else Intent.DIRECT_MESSAGES
        self.gateway.dispatch("MESSAGE_DELETE", data, intent=intent)

    def _dispatch_message(self, name: str, message: Message) -> None:
        guild = self.guilds.get(message.guild_id) if message.guild_id else None
        member = guild.members.get(message.author.id) if guild else None
        base = message.to_dict(self.base_url, member=member)
        mentioned = self.bot.id in message.pings.users

        def build(session: Session) -> dict[str, Any] | None:
            intent = Intent.GUILD_MESSAGES if guild else Intent.DIRECT_MESSAGES
            if not session.has(intent):
                return None
            own = message.author.id == self.bot.id
            if session.has(Intent.MESSAGE_CONTENT) or own or mentioned or guild is None:
                return base
            # Without the Message Content intent Discord blanks these fields.
            return {**base, "content": "", "embeds": [], "attachments": [], "components": []}

        self.gateway.dispatch_each(name, build)

    # -- threads ----------------------------------------------------------------------------

    def start_thread(
        self,
        parent: Channel,
        owner: User,
        name: Any,
        *,
        from_message: Message | None = None,
        auto_archive_duration: int = 1440,
        applied_tags: list[int] | None = None,
        thread_id: int | None = None,
    ) -> Channel:
        check_thread_name(name)
        if parent.type not in (ChannelType.TEXT, ChannelType.FORUM):
            raise DiscordError(400, 50024, "Cannot execute action on this channel type")
        needed = (
            Perm.SEND_MESSAGES if parent.type == ChannelType.FORUM else Perm.CREATE_PUBLIC_THREADS
        )
        self.require(owner, parent, Perm.VIEW_CHANNEL | needed)
        if from_message is not None and from_message.thread_id is not None:
            raise DiscordError(400, 160004, "A thread has already been created for this message")
        thread = Channel(
            id=thread_id or (from_message.id if from_message else snowflake()),
            type=ChannelType.PUBLIC_THREAD,
            name=name,
            guild_id=parent.guild_id,
            parent_id=parent.id,
            owner_id=owner.id,
            auto_archive_duration=auto_archive_duration,
            applied_tags=applied_tags or [],
        )
        guild = self.guild_of(parent)
        assert guild is not None
        guild.channels[thread.id] = thread
        self.channels[thread.id] = thread
        if from_message is not None:
            from_message.thread_id = thread.id
            from_message.thread = thread
        self.gateway.dispatch(
            "THREAD_CREATE", {**thread.to_dict(), "newly_created": True}, intent=Intent.GUILDS
        )
        return thread

    def update_thread(self, thread: Channel, actor: User, changes: dict[str, Any]) -> Channel:
        perms = self.permissions(actor, thread)
        manages = bool(perms & Perm.MANAGE_THREADS)
        if "locked" in changes and not manages:
            raise missing(perms, Perm.MANAGE_THREADS)  # type: ignore[misc]
        if not manages and thread.owner_id != actor.id:
            raise missing(perms, Perm.MANAGE_THREADS)  # type: ignore[misc]
        if "name" in changes:
            check_thread_name(changes["name"])
            thread.name = changes["name"]
        if "archived" in changes:
            thread.archived = bool(changes["archived"])
        if "locked" in changes:
            thread.locked = bool(changes["locked"])
        if "applied_tags" in changes:
            thread.applied_tags = [int(t) for t in changes["applied_tags"] or []]
        if "auto_archive_duration" in changes:
            thread.auto_archive_duration = int(changes["auto_archive_duration"])
        self._thread_update(thread)
        return thread

    def _thread_update(self, thread: Channel) -> None:
        self.gateway.dispatch("THREAD_UPDATE", thread.to_dict(), intent=Intent.GUILDS)

    # -- interactions -----------------------------------------------------------------------

    def new_interaction(
        self,
        type: int,
        user: User,
        channel: Channel,
        data: dict[str, Any],
        *,
        source_message: Message | None = None,
        attachment_size_limit: int = UPLOAD_LIMIT_DEFAULT,
    ) -> Interaction:
        interaction = Interaction(
            id=snowflake(),
            token=secrets.token_urlsafe(48),
            type=type,
            user=user,
            channel=channel,
            guild_id=channel.guild_id,
            data=data,
            source_message=source_message,
            attachment_size_limit=attachment_size_limit,
        )
        self.interactions[interaction.id] = interaction
        self.by_token[interaction.token] = interaction
        payload: dict[str, Any] = {
            "id": str(interaction.id),
            "application_id": str(self.application_id),
            "type": type,
            "data": data,
            "channel_id": str(channel.id),
            "channel": channel.to_dict(),
            "token": interaction.token,
            "version": 1,
            "locale": "en-US",
            "entitlements": [],
            "authorizing_integration_owners": {"0": str(channel.guild_id or user.id)},
            "attachment_size_limit": attachment_size_limit,
            "app_permissions": str(self.permissions(self.bot, channel)),
        }
        guild = self.guild_of(channel)
        if guild is not None:
            member = guild.members[user.id]
            payload["guild_id"] = str(guild.id)
            payload["guild"] = {"id": str(guild.id), "locale": "en-US", "features": []}
            payload["guild_locale"] = "en-US"
            payload["member"] = {
                **member.to_dict(),
                "permissions": str(self.permissions(user, channel)),
            }
            payload["context"] = 0
        else:
            payload["user"] = user.to_dict()
            payload["context"] = 1
        if source_message is not None:
            payload["message"] = source_message.to_dict(self.base_url)
        self.gateway.dispatch("INTERACTION_CREATE", payload)
        return interaction

    def interaction_for_callback(self, interaction_id: int, token: str) -> Interaction:
        interaction = self.interactions.get(interaction_id)
        if interaction is None or interaction.token != token:
            raise DiscordError(404, 10062, "Unknown interaction")
        if time.monotonic() - interaction.created > self.interaction_deadline:
            raise DiscordError(404, 10062, "Unknown interaction")
        if interaction.responded:
            raise DiscordError(400, 40060, "Interaction has already been acknowledged.")
        return interaction

    def interaction_for_webhook(self, application_id: int, token: str) -> Interaction:
        interaction = self.by_token.get(token)
        if (
            interaction is None
            or application_id != self.application_id
            or time.monotonic() - interaction.created > INTERACTION_TOKEN_TTL
        ):
            raise DiscordError(404, 10015, "Unknown Webhook")
        if not interaction.responded:
            raise DiscordError(404, 10015, "Unknown Webhook")
        return interaction
