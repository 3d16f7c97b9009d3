"""The sandbox: a Discord-compatible server on 127.0.0.1 and an API to act as members.

async with Sandbox() as sb:
    guild = sb.guild("Book club")
    ...point the bot at sb.api_base / sb.gateway_url with sb.token...
    reply = await sb.slash(member, "config show", channel=general)
"""

from __future__ import annotations

import asyncio
import base64
import secrets
from collections.abc import Callable, Iterable
from typing import Any

from aiohttp import web

from sandbox.gateway import Gateway, Intent, Session
from sandbox.limits import UPLOAD_LIMIT_DEFAULT
from sandbox.model import (
    Attachment,
    Channel,
    ChannelType,
    Guild,
    Member,
    Message,
    Overwrite,
    Perm,
    Role,
    User,
    snowflake,
)
from sandbox.rest import Rest
from sandbox.serving import LoopbackServer
from sandbox.world import Interaction, World


class SandboxError(Exception):
    """A test asked for something a Discord client would not let a member do."""


def make_token(user_id: int) -> str:
    """A token of Discord's shape: base64(user id) . timestamp . hmac."""
    head = base64.urlsafe_b64encode(str(user_id).encode()).decode().rstrip("=")
    return f"{head}.{secrets.token_urlsafe(4)}.{secrets.token_urlsafe(27)}"


class Sandbox(LoopbackServer):
    def __init__(
        self,
        *,
        bot_name: str = "Roundtable",
        interaction_deadline: float = 3.0,
        message_content_allowed: bool = True,
        response_timeout: float = 10.0,
        shard_count: int = 1,
    ) -> None:
        self.shard_count = shard_count  # what GET /gateway/bot recommends
        self.bot_user = User(id=snowflake(), username=bot_name, bot=True)
        self.application_id = self.bot_user.id
        self.token = make_token(self.bot_user.id)
        self.message_content_allowed = message_content_allowed
        self.response_timeout = response_timeout
        super().__init__()
        self.gateway = Gateway(
            token=self.token,
            ready_payload=self._ready,
            guild_payloads=lambda: [g.gateway_dict() for g in self.world.guilds.values()],
            resume_url=lambda: self.gateway_url,
            privileged_allowed=lambda: (
                Intent.MESSAGE_CONTENT if self.message_content_allowed else 0
            ),
        )
        self.world = World(
            base_url="",
            gateway=self.gateway,
            bot=self.bot_user,
            application_id=self.application_id,
            interaction_deadline=interaction_deadline,
        )
        self.rest = Rest(self.world, self.token, bot_name)
        self.rest.shard_count = shard_count

    # -- lifecycle --------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def api_base(self) -> str:
        return f"{self.base_url}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://{self.host}:{self.port}/gateway"

    def bot_env(self) -> dict[str, str]:
        """The settings that point Roundtable at this sandbox."""
        return {
            "DISCORD_TOKEN": self.token,
            "DISCORD_API_BASE": self.api_base,
            "DISCORD_GATEWAY_URL": self.gateway_url,
        }

    def make_app(self) -> web.Application:
        app = web.Application(middlewares=[self.rest.middleware], client_max_size=64 * 1024**2)
        app.router.add_get("/gateway", self.gateway.handle)
        app.router.add_routes(self.rest.routes())
        return app

    async def started(self) -> None:
        self.world.base_url = self.base_url

    async def stop(self) -> None:
        await self.gateway.close()
        await super().stop()

    def _privileged_allowed(self) -> int:
        return Intent.MESSAGE_CONTENT if self.message_content_allowed else 0

    def _ready(self, session: Session) -> dict[str, Any]:
        return {
            "v": 10,
            "user": self.bot_user.to_dict(),
            "guilds": [
                {"id": str(g), "unavailable": True} for g in self.world.guilds if session.owns(g)
            ],
            "shard": list(session.shard),
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": self.gateway_url,
            "application": {"id": str(self.application_id), "flags": 1 << 19},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": [],
            "_trace": ["sandbox"],
        }

    async def connected(self, timeout: float = 10.0) -> None:
        """Wait until a bot has identified and been sent its READY and guilds."""
        async with asyncio.timeout(timeout):
            await self.gateway.identified.wait()
        await self.gateway.drained(timeout)

    # -- building the world -----------------------------------------------------------------

    def user(self, name: str, *, bot: bool = False) -> User:
        user = User(
            id=snowflake(), username=name.lower().replace(" ", "_"), global_name=name, bot=bot
        )
        self.world.users[user.id] = user
        return user

    def guild(
        self,
        name: str = "Reading Group",
        *,
        owner: str = "Owner",
        bot_permissions: int = Perm.BOT_DEFAULT,
        guild_id: int | None = None,
    ) -> Guild:
        """A server with its owner; `guild_id` picks its id (and so its shard)."""
        return self.world.add_guild(name, self.user(owner), bot_permissions, guild_id)

    def owner(self, guild: Guild) -> User:
        return guild.members[guild.owner_id].user

    def role(
        self, guild: Guild, name: str, permissions: int = 0, *, mentionable: bool = False
    ) -> Role:
        return self.world.add_role(guild, name, permissions, mentionable)

    def member(self, guild: Guild, name: str, *, roles: Iterable[Role] = ()) -> User:
        user = self.user(name)
        self.world.add_member(guild, user, list(roles))
        return user

    def text_channel(
        self, guild: Guild, name: str = "general", *, overwrites: list[Overwrite] | None = None
    ) -> Channel:
        return self.world.add_channel(guild, name, ChannelType.TEXT, overwrites)

    def forum(
        self, guild: Guild, name: str = "debates", *, tags: list[str] | None = None
    ) -> Channel:
        return self.world.add_channel(guild, name, ChannelType.FORUM, tags=tags)

    def deny(self, channel: Channel, target: Role | User, permissions: int) -> None:
        """Add a channel overwrite denying `permissions` to a role (or @everyone) or a member."""
        kind = 0 if isinstance(target, Role) else 1
        channel.overwrites.append(Overwrite(id=target.id, type=kind, deny=permissions))
        self.gateway.dispatch("CHANNEL_UPDATE", channel.to_dict(), intent=Intent.GUILDS)

    def undeny(self, channel: Channel, target: Role | User) -> None:
        """Remove the channel overwrites of a role (or @everyone) or a member."""
        channel.overwrites[:] = [o for o in channel.overwrites if o.id != target.id]
        self.gateway.dispatch("CHANNEL_UPDATE", channel.to_dict(), intent=Intent.GUILDS)

    def dm(self, user: User) -> Channel:
        return self.world.dm_channel(user)

    # -- reading back -----------------------------------------------------------------------

    async def eventually(
        self, predicate: Callable[[], object], timeout: float = 10.0, what: str = ""
    ) -> None:
        """Poll until `predicate()` is true: for effects the bot makes after answering."""
        deadline = asyncio.get_running_loop().time() + timeout
        while not predicate():
            if asyncio.get_running_loop().time() > deadline:
                raise SandboxError(f"Still waiting after {timeout} s{': ' + what if what else ''}")
            await asyncio.sleep(0.01)

    @property
    def bot_posts(self) -> list[Message]:
        """Everything the bot posted, in order (ephemeral replies included)."""
        return list(self.world.bot_posts)

    def messages(self, channel: Channel) -> list[Message]:
        """What a member sees in a channel, oldest first (no one else's ephemeral replies)."""
        return [m for m in self.world.visible(channel) if not m.ephemeral]

    def thread_of(self, message: Message) -> Channel | None:
        return self.world.channels.get(message.thread_id) if message.thread_id else None

    def channel(self, channel_id: int) -> Channel:
        return self.world.channel(channel_id)

    # -- acting as members ------------------------------------------------------------------

    def _member(self, user: User, channel: Channel) -> Member | None:
        guild = self.world.guild_of(channel)
        if guild is None:
            return None
        member = guild.members.get(user.id)
        if member is None:
            raise SandboxError(f"{user.username} is not a member of {guild.name}")
        return member

    def _find_command(self, channel: Channel, name: str) -> dict[str, Any]:
        commands = list(self.world.global_commands)
        if channel.guild_id is not None:
            commands = self.world.guild_commands.get(channel.guild_id, []) + commands
        for command in commands:
            if command["name"] == name and command.get("type", 1) == 1:
                return command
        raise SandboxError(f"/{name} is not registered: run the bot's sync first")

    def _resolve_value(
        self,
        option: dict[str, Any],
        value: Any,
        resolved: dict[str, dict[str, Any]],
        channel: Channel,
    ) -> Any:
        kind = option["type"]
        choices = option.get("choices")
        if choices and value not in [c["value"] for c in choices]:
            raise SandboxError(f"{value!r} is not one of the choices for {option['name']}")
        if kind == 3:
            return str(value)
        if kind in (4, 10):
            return value
        if kind == 5:
            return bool(value)
        guild = self.world.guild_of(channel)
        if kind in (6, 9) and isinstance(value, User):
            resolved.setdefault("users", {})[str(value.id)] = value.to_dict()
            if guild and value.id in guild.members:
                resolved.setdefault("members", {})[str(value.id)] = {
                    **guild.members[value.id].to_dict(with_user=False),
                    "permissions": str(self.world.permissions(value, channel)),
                }
            return str(value.id)
        if kind in (8, 9) and isinstance(value, Role):
            resolved.setdefault("roles", {})[str(value.id)] = value.to_dict()
            return str(value.id)
        if kind == 7 and isinstance(value, Channel):
            allowed = option.get("channel_types")
            if allowed and int(value.type) not in allowed:
                raise SandboxError(f"#{value.name} is not a channel type {option['name']} accepts")
            data = value.to_dict()
            data["permissions"] = str(self.world.permissions(self.bot_user, value))
            resolved.setdefault("channels", {})[str(value.id)] = data
            return str(value.id)
        if kind == 11:
            filename, content, *declared = value  # (name, bytes[, a forged size])
            attachment = Attachment(
                id=snowflake(),
                filename=filename,
                data=content,
                declared_size=declared[0] if declared else None,
            )
            self.world.uploads[attachment.id] = attachment
            resolved.setdefault("attachments", {})[str(attachment.id)] = attachment.to_dict(
                self.base_url
            )
            return str(attachment.id)
        raise SandboxError(f"Cannot pass {value!r} as option {option['name']} (type {kind})")

    def _build_options(
        self,
        schema: list[dict[str, Any]],
        given: dict[str, Any],
        resolved: dict[str, Any],
        channel: Channel,
        focused: str | None,
    ) -> list[dict[str, Any]]:
        by_name = {o["name"]: o for o in schema}
        unknown = set(given) - set(by_name)
        if unknown:
            raise SandboxError(f"Unknown option(s): {', '.join(sorted(unknown))}")
        options = []
        for option in schema:
            name = option["name"]
            if name not in given:
                if option.get("required") and name != focused and focused is None:
                    raise SandboxError(f"Option {name} is required")
                continue
            if name == focused:
                options.append(
                    {
                        "name": name,
                        "type": option["type"],
                        "value": str(given[name]),
                        "focused": True,
                    }
                )
                continue
            options.append(
                {
                    "name": name,
                    "type": option["type"],
                    "value": self._resolve_value(option, given[name], resolved, channel),
                }
            )
        return options

    def _command_data(
        self, channel: Channel, path: str, given: dict[str, Any], focused: str | None = None
    ) -> dict[str, Any]:
        names = path.split()
        command = self._find_command(channel, names[0])
        resolved: dict[str, Any] = {}
        schema = command.get("options") or []
        chain: list[dict[str, Any]] = []
        for sub in names[1:]:
            found = next((o for o in schema if o["name"] == sub and o["type"] in (1, 2)), None)
            if found is None:
                raise SandboxError(f"/{path}: no subcommand {sub}")
            chain.append(found)
            schema = found.get("options") or []
        leaf = self._build_options(schema, given, resolved, channel, focused)
        for sub in reversed(chain):
            leaf = [{"name": sub["name"], "type": sub["type"], "options": leaf}]
        data: dict[str, Any] = {
            "id": command["id"],
            "name": command["name"],
            "type": 1,
            "options": leaf,
        }
        if resolved:
            data["resolved"] = resolved
        if command.get("guild_id"):
            data["guild_id"] = command["guild_id"]
        return data

    async def _answered(self, interaction: Interaction, wait: bool) -> Interaction:
        if not wait:
            return interaction
        try:
            return await interaction.wait(self.response_timeout)
        except TimeoutError:
            what = interaction.data.get("name") or interaction.data.get("custom_id")
            raise SandboxError(
                f"The bot did not answer interaction {interaction.id} (type {interaction.type}, "
                f"{what}) within {self.response_timeout} s"
            ) from None

    async def slash(
        self,
        user: User,
        command: str,
        channel: Channel,
        /,
        *,
        wait: bool = True,
        attachment_size_limit: int = UPLOAD_LIMIT_DEFAULT,
        **options: Any,
    ) -> Interaction:
        """Run /command as `user` in `channel`; returns once the bot has answered."""
        self._member(user, channel)
        data = self._command_data(channel, command, options)
        interaction = self.world.new_interaction(
            2, user, channel, data, attachment_size_limit=attachment_size_limit
        )
        return await self._answered(interaction, wait)

    async def autocomplete(
        self, user: User, command: str, channel: Channel, /, *, focused: str, **options: Any
    ) -> list[dict[str, Any]]:
        """Type into option `focused` (its value in `options`); returns the choices offered."""
        self._member(user, channel)
        data = self._command_data(channel, command, options, focused=focused)
        interaction = self.world.new_interaction(4, user, channel, data)
        await self._answered(interaction, True)
        return interaction.choices or []

    def _component(self, message: Message, custom_id: str) -> dict[str, Any]:
        def walk(items: list[dict[str, Any]]) -> Iterable[dict[str, Any]]:
            for item in items:
                yield item
                yield from walk(item.get("components") or [])
                if item.get("component"):
                    yield from walk([item["component"]])
                if item.get("accessory"):
                    yield from walk([item["accessory"]])

        for component in walk(message.components):
            if component.get("custom_id") == custom_id:
                if component.get("disabled"):
                    raise SandboxError(f"{custom_id} is disabled")
                return component
        raise SandboxError(f"No component {custom_id!r} on message {message.id}")

    def button(self, message: Message, label: str) -> str:
        """The custom_id of the button labelled `label` on `message` (as a member sees it)."""
        for row in message.components:
            for item in row.get("components") or []:
                if item.get("type") == 2 and item.get("label") == label:
                    return str(item["custom_id"])
        raise SandboxError(f"No button {label!r} on message {message.id}")

    async def click(
        self, user: User, message: Message, custom_id: str, *, wait: bool = True
    ) -> Interaction:
        component = self._component(message, custom_id)
        channel = self.world.channel(message.channel_id)
        self._member(user, channel)
        data = {"custom_id": custom_id, "component_type": component["type"]}
        interaction = self.world.new_interaction(3, user, channel, data, source_message=message)
        return await self._answered(interaction, wait)

    async def forged(
        self, user: User, message: Message, data: dict[str, Any], *, kind: int = 3
    ) -> Interaction:
        """An interaction as a modified client could send it from `message`: any custom_id,
        values or modal fields, checked by nothing (kind 3: a component, 5: a modal)."""
        channel = self.world.channel(message.channel_id)
        interaction = self.world.new_interaction(kind, user, channel, data, source_message=message)
        return await self._answered(interaction, True)

    async def select(
        self, user: User, message: Message, custom_id: str, values: list[str], *, wait: bool = True
    ) -> Interaction:
        component = self._component(message, custom_id)
        offered = [o["value"] for o in component.get("options") or []]
        if offered and set(values) - set(offered):
            raise SandboxError(f"{values} are not all options of {custom_id}")
        channel = self.world.channel(message.channel_id)
        self._member(user, channel)
        data = {"custom_id": custom_id, "component_type": component["type"], "values": values}
        interaction = self.world.new_interaction(3, user, channel, data, source_message=message)
        return await self._answered(interaction, wait)

    async def submit_modal(
        self, user: User, shown: Interaction, values: dict[str, str], *, wait: bool = True
    ) -> Interaction:
        """Fill in and submit the modal the bot showed in answer to `shown`."""
        modal = shown.modal
        if modal is None:
            raise SandboxError(f"Interaction {shown.id} was not answered with a modal")
        rows = []
        for row in modal["components"]:
            if row["type"] == 1:
                item = row["components"][0]
            elif row["type"] == 18:
                item = row["component"]
            else:
                continue
            custom_id = item["custom_id"]
            value = values.get(custom_id, "")
            if item.get("required", True) and not value:
                raise SandboxError(f"{custom_id} is required")
            if value and len(value) < (item.get("min_length") or 0):
                raise SandboxError(f"{custom_id} is shorter than {item['min_length']}")
            if len(value) > (item.get("max_length") or 4000):
                raise SandboxError(f"{custom_id} is longer than {item.get('max_length') or 4000}")
            submitted = {"type": item["type"], "id": 0, "custom_id": custom_id, "value": value}
            if row["type"] == 1:
                rows.append({"type": 1, "id": 0, "components": [submitted]})
            else:
                rows.append({"type": 18, "id": 0, "component": submitted})
        unknown = set(values) - {
            (r["components"][0] if r["type"] == 1 else r["component"])["custom_id"]
            for r in modal["components"]
            if r["type"] in (1, 18)
        }
        if unknown:
            raise SandboxError(f"The modal has no input(s) {sorted(unknown)}")
        data = {"custom_id": modal["custom_id"], "components": rows}
        interaction = self.world.new_interaction(
            5, user, shown.channel, data, source_message=shown.source_message
        )
        return await self._answered(interaction, wait)

    async def say(
        self,
        user: User,
        channel: Channel,
        text: str,
        *,
        reply_to: Message | None = None,
        files: list[tuple[str, bytes]] | None = None,
    ) -> Message:
        """Post a message as a member (checked against the member's permissions)."""
        self._member(user, channel)
        payload: dict[str, Any] = {"content": text}
        if reply_to is not None:
            payload["message_reference"] = {"message_id": str(reply_to.id)}
        attachments = [Attachment(id=snowflake(), filename=n, data=d) for n, d in files or []]
        message = self.world.create_message(channel, user, payload, attachments)
        await self.gateway.drained()
        return message

    async def edit(self, message: Message, text: str) -> Message:
        self.world.edit_message(message, {"content": text})
        await self.gateway.drained()
        return message

    async def delete(self, message: Message) -> None:
        self.world.delete_message(message)
        await self.gateway.drained()
