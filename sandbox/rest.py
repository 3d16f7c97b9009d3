"""The REST API under /api/v10: the routes Roundtable's bot uses, in Discord's shapes.

An unknown route answers 404 naming it, so a gap in the sandbox is obvious, not silent.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from sandbox.limits import DiscordError, check_choices, check_message, check_modal
from sandbox.model import Attachment, ChannelType, Message, Perm, now, snowflake
from sandbox.world import Interaction, World

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
LOADING = 1 << 7


def json_response(data: Any, status: int = 200) -> web.Response:
    # discord.py compares Content-Type to exactly "application/json": no charset suffix.
    return web.Response(
        body=json.dumps(data).encode(), status=status, headers={"Content-Type": "application/json"}
    )


async def read_body(request: web.Request) -> tuple[dict[str, Any], list[Attachment]]:
    """JSON, or multipart with payload_json and files[n], as discord.py sends them."""
    if not request.body_exists:
        return {}, []
    if request.content_type.startswith("multipart/"):
        payload: dict[str, Any] = {}
        files: list[Attachment] = []
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if part.name == "payload_json":
                payload = json.loads(await part.text())  # type: ignore[union-attr]
            elif part.name and part.name.startswith("files["):
                data = await part.read()  # type: ignore[union-attr]
                files.append(
                    Attachment(
                        id=snowflake(),
                        filename=part.filename or "file",  # type: ignore[union-attr]
                        data=bytes(data),
                        content_type=part.headers.get("Content-Type"),  # type: ignore[union-attr]
                    )
                )
        return payload, files
    text = await request.text()
    return (json.loads(text) if text else {}), []


async def _stalled(request: web.Request, seconds: float) -> bool:
    """Wait `seconds`; False as soon as the client's connection is gone."""
    loop = asyncio.get_running_loop()
    end = loop.time() + seconds
    while loop.time() < end:
        if request.transport is None or request.transport.is_closing():
            return False
        await asyncio.sleep(0.05)
    return True


class Rest:
    def __init__(self, world: World, token: str, app_name: str) -> None:
        self.world = world
        self.slow: list[tuple[str, re.Pattern[str], float, bool, re.Pattern[str] | None]] = []
        self.token = token
        self.app_name = app_name
        self.requests: list[tuple[str, str]] = []  # (method, path), for tests
        self.queries: list[str] = []  # each request's query string, in the same order
        self.failures: list[list[Any]] = []  # [method, path regex, status, times left, retry]
        self.shard_count = 1  # the shards GET /gateway/bot recommends

    def routes(self) -> list[web.RouteDef]:
        p = "/api/v10"
        w = "/webhooks/{app_id}/{token}"
        return [
            web.get(p + "/gateway", self.gateway),
            web.get(p + "/gateway/bot", self.gateway_bot),
            web.get(p + "/users/@me", self.me),
            web.post(p + "/users/@me/channels", self.open_dm),
            web.get(p + "/users/{user_id}", self.user),
            web.get(p + "/oauth2/applications/@me", self.application),
            web.get(p + "/applications/{app_id}/commands", self.get_commands),
            web.put(p + "/applications/{app_id}/commands", self.put_commands),
            web.get(p + "/applications/{app_id}/guilds/{guild_id}/commands", self.get_commands),
            web.put(p + "/applications/{app_id}/guilds/{guild_id}/commands", self.put_commands),
            web.post(p + "/interactions/{interaction_id}/{token}/callback", self.callback),
            web.post(p + w, self.followup),
            web.get(p + w + "/messages/{message_id}", self.webhook_get),
            web.patch(p + w + "/messages/{message_id}", self.webhook_edit),
            web.delete(p + w + "/messages/{message_id}", self.webhook_delete),
            web.get(p + "/channels/{channel_id}", self.get_channel),
            web.patch(p + "/channels/{channel_id}", self.edit_channel),
            web.get(p + "/channels/{channel_id}/messages", self.history),
            web.post(p + "/channels/{channel_id}/messages", self.send),
            web.get(p + "/channels/{channel_id}/messages/pins", self.pins),
            web.put(p + "/channels/{channel_id}/messages/pins/{message_id}", self.pin),
            web.delete(p + "/channels/{channel_id}/messages/pins/{message_id}", self.unpin),
            web.get(p + "/channels/{channel_id}/messages/{message_id}", self.get_message),
            web.patch(p + "/channels/{channel_id}/messages/{message_id}", self.edit),
            web.delete(p + "/channels/{channel_id}/messages/{message_id}", self.delete),
            web.post(p + "/channels/{channel_id}/messages/{message_id}/threads", self.thread_from),
            web.post(p + "/channels/{channel_id}/threads", self.thread),
            web.get(p + "/guilds/{guild_id}", self.get_guild),
            web.get(p + "/guilds/{guild_id}/channels", self.guild_channels),
            web.get(p + "/guilds/{guild_id}/roles", self.guild_roles),
            web.get(p + "/guilds/{guild_id}/members/{user_id}", self.guild_member),
            web.get("/attachments/{attachment_id}/{filename}", self.attachment),
        ]

    def slow_down(
        self,
        method: str,
        path: str,
        seconds: float,
        *,
        done_first: bool = False,
        query: str | None = None,
    ) -> None:
        """Answer requests whose method matches and whose path matches the regex `path` (and
        query string the regex `query`, when given) only after `seconds`: a slow or overloaded
        Discord, for tests of deadlines and ordering.

        With `done_first` the request takes effect at once and only the answer is late: a bot
        stopped meanwhile never learns that its message was created."""
        wanted = re.compile(query) if query is not None else None
        self.slow.append((method, re.compile(path), seconds, done_first, wanted))

    def fail(
        self, method: str, path: str, status: int, *, times: int = 1, retry_after: float = 0.05
    ) -> None:
        """Answer the next `times` matching requests with `status` and nothing done: 429 with
        Discord's rate-limit body and headers (retry after `retry_after` s), or a 5xx."""
        self.failures.append([method, re.compile(path), status, times, retry_after])

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        self.requests.append((request.method, request.path))
        self.queries.append(request.query_string)
        for failure in self.failures:
            method, pattern, status, left, retry_after = failure
            if left > 0 and request.method == method and pattern.search(request.path):
                failure[3] = left - 1
                if status == 429:
                    body = {"message": "You are being rate limited.", "retry_after": retry_after,
                            "global": False}  # fmt: skip
                    # Discord's API answers through Google's front end ("Via"); a 429 without it
                    # comes from Cloudflare, which discord.py does not retry.
                    headers = {
                        "Retry-After": str(retry_after),
                        "X-RateLimit-Scope": "user",
                        "Via": "1.1 google",
                    }
                    response = json_response(body, 429)
                    response.headers.update(headers)
                    return response
                return web.Response(status=status, text="sandbox: scripted failure")
        for method, pattern, seconds, done_first, query in self.slow:
            if (
                request.method == method
                and pattern.search(request.path)
                and (query is None or query.search(request.query_string))
            ):
                if done_first:
                    response = await handler(request)
                    await _stalled(request, seconds)
                    return response
                if not await _stalled(request, seconds):
                    # The client hung up meanwhile (the bot stopped): nothing is applied.
                    return web.Response(status=499)
        is_webhook = request.path.startswith(("/api/v10/webhooks/", "/api/v10/interactions/"))
        if request.path.startswith("/api/") and not is_webhook:
            if request.headers.get("Authorization") != f"Bot {self.token}":
                return json_response({"message": "401: Unauthorized", "code": 0}, 401)
        try:
            return await handler(request)
        except web.HTTPNotFound:
            return json_response(
                {"message": f"sandbox: no route for {request.method} {request.path}", "code": 0},
                404,
            )
        except DiscordError as exc:
            return json_response(exc.to_dict(), exc.status)

    # -- identity ---------------------------------------------------------------------------

    async def gateway(self, request: web.Request) -> web.Response:
        return json_response({"url": self._ws_url(request)})

    async def gateway_bot(self, request: web.Request) -> web.Response:
        return json_response(
            {
                "url": self._ws_url(request),
                "shards": self.shard_count,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": 1000,
                    "reset_after": 0,
                    "max_concurrency": 1,
                },
            }
        )

    def _ws_url(self, request: web.Request) -> str:
        return f"ws://{request.host}/gateway"

    async def me(self, request: web.Request) -> web.Response:
        return json_response(self.world.bot.to_dict())

    async def application(self, request: web.Request) -> web.Response:
        return json_response(
            {
                "id": str(self.world.application_id),
                "name": self.app_name,
                "icon": None,
                "description": "",
                "rpc_origins": [],
                "bot_public": True,
                "bot_require_code_grant": False,
                "owner": self.world.bot.to_dict(),
                "summary": "",
                "verify_key": "0" * 64,
                "team": None,
                "flags": 1 << 19,  # GATEWAY_MESSAGE_CONTENT_LIMITED
                "interactions_endpoint_url": None,
                "bot": self.world.bot.to_dict(),
            }
        )

    # -- application commands ---------------------------------------------------------------

    def _commands_for(self, request: web.Request) -> list[dict[str, Any]]:
        if int(request.match_info["app_id"]) != self.world.application_id:
            raise DiscordError(403, 50001, "Missing Access")
        guild_id = request.match_info.get("guild_id")
        if guild_id is None:
            return self.world.global_commands
        if int(guild_id) not in self.world.guilds:
            raise DiscordError(403, 50001, "Missing Access")
        return self.world.guild_commands.setdefault(int(guild_id), [])

    async def get_commands(self, request: web.Request) -> web.Response:
        return json_response(self._commands_for(request))

    async def put_commands(self, request: web.Request) -> web.Response:
        current = self._commands_for(request)
        ids = {(c["name"], c.get("type", 1)): c["id"] for c in current}
        body, _ = await read_body(request)
        guild_id = request.match_info.get("guild_id")
        stored = []
        for command in body:
            key = (command["name"], command.get("type", 1))
            entry = {
                "type": 1,
                "description": "",
                "options": [],
                "default_member_permissions": None,
                "nsfw": False,
                **command,
                "id": ids.get(key) or str(snowflake()),
                "application_id": str(self.world.application_id),
                "version": str(snowflake()),
            }
            if guild_id is not None:
                entry["guild_id"] = guild_id
            stored.append(entry)
        current[:] = stored
        return json_response(stored)

    # -- interactions -----------------------------------------------------------------------

    async def callback(self, request: web.Request) -> web.Response:
        world = self.world
        interaction = world.interaction_for_callback(
            int(request.match_info["interaction_id"]), request.match_info["token"]
        )
        body, files = await read_body(request)
        kind = body.get("type")
        data = body.get("data") or {}
        allowed = {
            2: {4, 5, 9},
            3: {4, 5, 6, 7, 9},
            4: {8},
            5: {4, 5, 6, 7},
        }[interaction.type]
        if kind not in allowed:
            raise DiscordError(400, 40043, f"Interaction callback type {kind} is not valid here")
        resource: dict[str, Any] = {"type": kind}
        if kind == 4:
            interaction.original = world.create_message(
                interaction.channel,
                world.bot,
                data,
                files,
                upload_limit=interaction.attachment_size_limit,
                interaction=interaction,
                check_permissions=False,
                message_type=20 if interaction.type == 2 else 0,
            )
            resource["message"] = interaction.original.to_dict(world.base_url)
        elif kind == 5:
            placeholder = Message(
                id=snowflake(),
                channel_id=interaction.channel.id,
                guild_id=interaction.channel.guild_id,
                author=world.bot,
                flags=int(data.get("flags") or 0) | LOADING,
                type=20 if interaction.type == 2 else 0,
                webhook_id=world.application_id,
                application_id=world.application_id,
                interaction_id=interaction.id,
            )
            world._store(interaction.channel, placeholder)
            interaction.original = placeholder
            interaction.loading = True
            resource["message"] = placeholder.to_dict(world.base_url)
        elif kind in (6, 7):
            if interaction.source_message is None:
                raise DiscordError(400, 40043, "No message to update for this interaction")
            interaction.original = interaction.source_message
            if kind == 7:
                world.edit_message(
                    interaction.source_message,
                    data,
                    files,
                    upload_limit=interaction.attachment_size_limit,
                )
                resource["message"] = interaction.source_message.to_dict(world.base_url)
        elif kind == 8:
            check_choices(data.get("choices") or [])
            interaction.choices = data.get("choices") or []
        elif kind == 9:
            check_modal(data)
            interaction.modal = data
        interaction.response_type = kind
        interaction.responded_at = time.monotonic()
        interaction.changed.set()
        original = interaction.original
        return json_response(
            {
                "interaction": {
                    "id": str(interaction.id),
                    "type": interaction.type,
                    "response_message_id": str(original.id) if original else None,
                    "response_message_loading": kind == 5,
                    "response_message_ephemeral": bool(original and original.ephemeral),
                },
                "resource": resource,
            }
        )

    def _webhook_interaction(self, request: web.Request) -> Interaction:
        return self.world.interaction_for_webhook(
            int(request.match_info["app_id"]), request.match_info["token"]
        )

    def _webhook_message(self, request: web.Request) -> tuple[Interaction, Message]:
        interaction = self._webhook_interaction(request)
        wanted = request.match_info["message_id"]
        if wanted == "@original":
            message = interaction.original
        else:
            message = next((m for m in interaction.followups if str(m.id) == wanted), None)
        if message is None or message.deleted:
            raise DiscordError(404, 10008, "Unknown Message")
        return interaction, message

    async def followup(self, request: web.Request) -> web.Response:
        interaction = self._webhook_interaction(request)
        body, files = await read_body(request)
        if interaction.loading and interaction.original is not None:
            # Discord: the first follow-up after a "thinking" deferral replaces the loading
            # message, and keeps the deferral's visibility whatever flags it asks for.
            check_message(body, files=len(files))
            message = interaction.original
            message.flags &= ~LOADING
            self.world.edit_message(
                message,
                {**body, "flags": None},
                files,
                upload_limit=interaction.attachment_size_limit,
            )
            message.edited_timestamp = None
        else:
            message = self.world.create_message(
                interaction.channel,
                self.world.bot,
                body,
                files,
                upload_limit=interaction.attachment_size_limit,
                interaction=interaction,
                check_permissions=False,
            )
            interaction.followups.append(message)
        interaction.loading = False
        interaction.changed.set()
        if request.query.get("wait") in ("true", "1", "True"):
            return json_response(message.to_dict(self.world.base_url))
        return web.Response(status=204)

    async def webhook_get(self, request: web.Request) -> web.Response:
        _, message = self._webhook_message(request)
        return json_response(message.to_dict(self.world.base_url))

    async def webhook_edit(self, request: web.Request) -> web.Response:
        interaction, message = self._webhook_message(request)
        body, files = await read_body(request)
        if message.flags & LOADING:
            message.flags &= ~LOADING
        self.world.edit_message(
            message, body, files, upload_limit=interaction.attachment_size_limit
        )
        if message is interaction.original:
            interaction.loading = False
        interaction.changed.set()
        return json_response(message.to_dict(self.world.base_url))

    async def webhook_delete(self, request: web.Request) -> web.Response:
        interaction, message = self._webhook_message(request)
        self.world.delete_message(message)
        interaction.changed.set()
        return web.Response(status=204)

    # -- channels and messages --------------------------------------------------------------

    def _channel(self, request: web.Request) -> Any:
        channel = self.world.channel(int(request.match_info["channel_id"]))
        if channel.guild_id is not None:
            self.world.require(self.world.bot, channel, Perm.VIEW_CHANNEL)
        return channel

    async def get_channel(self, request: web.Request) -> web.Response:
        return json_response(self._channel(request).to_dict())

    async def edit_channel(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        body, _ = await read_body(request)
        if not channel.is_thread:
            raise DiscordError(400, 0, "sandbox: only threads can be edited")
        return json_response(self.world.update_thread(channel, self.world.bot, body).to_dict())

    async def history(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        self.world.require(self.world.bot, channel, Perm.READ_MESSAGE_HISTORY)
        limit = min(int(request.query.get("limit", 50)), 100)
        messages = [m for m in self.world.visible(channel) if not m.ephemeral]
        if "before" in request.query:
            messages = [m for m in messages if m.id < int(request.query["before"])]
        if "after" in request.query:
            after = int(request.query["after"])
            messages = [m for m in messages if m.id > after][:limit]
        elif "around" in request.query:
            around = int(request.query["around"])
            messages.sort(key=lambda m: abs(m.id - around))
            messages = sorted(messages[:limit], key=lambda m: m.id)
        messages = list(reversed(messages))[:limit]
        return json_response([m.to_dict(self.world.base_url) for m in messages])

    async def send(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        body, files = await read_body(request)
        if channel.type == ChannelType.FORUM:
            raise DiscordError(400, 50008, "Cannot send messages in a non-text channel")
        message = self.world.create_message(channel, self.world.bot, body, files)
        return json_response(message.to_dict(self.world.base_url))

    async def get_message(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        self.world.require(self.world.bot, channel, Perm.READ_MESSAGE_HISTORY)
        message = self.world.message(channel.id, int(request.match_info["message_id"]))
        return json_response(message.to_dict(self.world.base_url))

    async def edit(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        message = self.world.message(channel.id, int(request.match_info["message_id"]))
        if message.author.id != self.world.bot.id:
            raise DiscordError(403, 50005, "Cannot edit a message authored by another user")
        if channel.is_thread and channel.archived:  # as Discord: unarchive it first
            raise DiscordError(400, 50083, "Thread is archived")
        body, files = await read_body(request)
        self.world.edit_message(message, body, files)
        return json_response(message.to_dict(self.world.base_url))

    async def delete(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        message = self.world.message(channel.id, int(request.match_info["message_id"]))
        if message.author.id != self.world.bot.id:
            self.world.require(self.world.bot, channel, Perm.MANAGE_MESSAGES)
        if channel.is_thread and channel.archived:  # as Discord: unarchive it first
            raise DiscordError(400, 50083, "Thread is archived")
        self.world.delete_message(message)
        return web.Response(status=204)

    async def pins(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        pinned = [m for m in self.world.visible(channel) if m.pinned]
        return json_response(
            {
                "items": [
                    {"pinned_at": now().isoformat(), "message": m.to_dict(self.world.base_url)}
                    for m in reversed(pinned)
                ],
                "has_more": False,
            }
        )

    async def _set_pin(self, request: web.Request, pinned: bool) -> web.Response:
        channel = self._channel(request)
        self.world.require(self.world.bot, channel, Perm.PIN_MESSAGES)
        message = self.world.message(channel.id, int(request.match_info["message_id"]))
        message.pinned = pinned
        self.world._dispatch_message("MESSAGE_UPDATE", message)
        return web.Response(status=204)

    async def pin(self, request: web.Request) -> web.Response:
        return await self._set_pin(request, True)

    async def unpin(self, request: web.Request) -> web.Response:
        return await self._set_pin(request, False)

    async def thread_from(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        message = self.world.message(channel.id, int(request.match_info["message_id"]))
        body, _ = await read_body(request)
        thread = self.world.start_thread(
            channel,
            self.world.bot,
            body.get("name"),
            from_message=message,
            auto_archive_duration=int(body.get("auto_archive_duration") or 1440),
        )
        return json_response(thread.to_dict(), 201)

    async def thread(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        body, files = await read_body(request)
        if channel.type == ChannelType.FORUM:
            starter_payload = body.get("message") or {}
            tags = [int(t) for t in body.get("applied_tags") or []]
            known = {int(t["id"]) for t in channel.available_tags}
            if set(tags) - known:
                raise DiscordError(
                    400,
                    50035,
                    "Invalid Form Body",
                    [("applied_tags", "BASE_TYPE_CHOICES", "Unknown tag")],
                )
            # Validate the starter message before creating anything.
            check_message(starter_payload, files=len(files))
            thread = self.world.start_thread(
                channel,
                self.world.bot,
                body.get("name"),
                applied_tags=tags,
                auto_archive_duration=int(body.get("auto_archive_duration") or 1440),
            )
            starter = self.world.create_message(
                thread,
                self.world.bot,
                starter_payload,
                files,
                message_id=thread.id,
            )
            return json_response(
                {**thread.to_dict(), "message": starter.to_dict(self.world.base_url)}, 201
            )
        thread = self.world.start_thread(
            channel,
            self.world.bot,
            body.get("name"),
            auto_archive_duration=int(body.get("auto_archive_duration") or 1440),
        )
        return json_response(thread.to_dict(), 201)

    # -- guilds -----------------------------------------------------------------------------

    def _guild(self, request: web.Request) -> Any:
        guild = self.world.guilds.get(int(request.match_info["guild_id"]))
        if guild is None:
            raise DiscordError(404, 10004, "Unknown Guild")
        return guild

    async def get_guild(self, request: web.Request) -> web.Response:
        return json_response(self._guild(request).to_dict())

    async def guild_channels(self, request: web.Request) -> web.Response:
        guild = self._guild(request)
        return json_response([c.to_dict() for c in guild.channels.values() if not c.is_thread])

    async def guild_roles(self, request: web.Request) -> web.Response:
        return json_response([r.to_dict() for r in self._guild(request).roles.values()])

    async def user(self, request: web.Request) -> web.Response:
        found = self.world.users.get(int(request.match_info["user_id"]))
        if found is None:
            raise DiscordError(404, 10013, "Unknown User")
        return json_response(found.to_dict())

    async def open_dm(self, request: web.Request) -> web.Response:
        """The bot opens a direct message channel with a member (to write to them)."""
        body = await request.json()
        found = self.world.users.get(int(body.get("recipient_id", 0)))
        if found is None:
            raise DiscordError(400, 50007, "Cannot send messages to this user")
        return json_response(self.world.dm_channel(found).to_dict())

    async def guild_member(self, request: web.Request) -> web.Response:
        member = self._guild(request).members.get(int(request.match_info["user_id"]))
        if member is None:
            raise DiscordError(404, 10007, "Unknown Member")
        return json_response(member.to_dict())

    async def attachment(self, request: web.Request) -> web.Response:
        wanted = int(request.match_info["attachment_id"])
        if wanted in self.world.uploads:
            return web.Response(body=self.world.uploads[wanted].data)
        for message in self.world.messages.values():
            for attachment in message.attachments:
                if attachment.id == wanted:
                    return web.Response(body=attachment.data)
        raise DiscordError(404, 0, "Unknown attachment")
