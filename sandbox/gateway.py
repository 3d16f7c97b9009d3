"""The gateway: HELLO, IDENTIFY -> READY + GUILD_CREATE, heartbeats, RESUME, dispatch.

Shards as Discord has them: an IDENTIFY with `shard: [id, count]` opens that shard's session,
which gets only the guilds with `(guild_id >> 22) % count == id` (direct messages go to shard 0),
and replaces only an earlier session of the same shard. Without `shard`, one session gets all.

Each IDENTIFY opens a session. Every dispatched event gets the session's next sequence number and
is kept in the session's replay buffer; a writer task sends the buffer in order. When the socket
drops, events keep landing in the buffer, and a RESUME with the last sequence the client saw sends
exactly the ones it missed.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

log = logging.getLogger(__name__)

HEARTBEAT_INTERVAL_MS = 41250
REPLAY_BUFFER = 100_000


class Op:
    DISPATCH = 0
    HEARTBEAT = 1
    IDENTIFY = 2
    PRESENCE_UPDATE = 3
    VOICE_STATE_UPDATE = 4
    RESUME = 6
    RECONNECT = 7
    REQUEST_GUILD_MEMBERS = 8
    INVALID_SESSION = 9
    HELLO = 10
    HEARTBEAT_ACK = 11


class Intent:
    GUILDS = 1 << 0
    GUILD_MEMBERS = 1 << 1
    GUILD_MESSAGES = 1 << 9
    GUILD_MESSAGE_REACTIONS = 1 << 10
    DIRECT_MESSAGES = 1 << 12
    MESSAGE_CONTENT = 1 << 15
    PRIVILEGED = GUILD_MEMBERS | (1 << 8) | MESSAGE_CONTENT


def shard_of(guild_id: int | None, count: int) -> int:
    """Discord's rule: which of `count` shards receives a guild's events."""
    return 0 if guild_id is None else (guild_id >> 22) % count


def _guild_of(name: str, data: Any) -> int | None:
    if not isinstance(data, dict):
        return None
    if "guild_id" in data and data["guild_id"] is not None:
        return int(data["guild_id"])
    if name in ("GUILD_CREATE", "GUILD_UPDATE", "GUILD_DELETE") and "id" in data:
        return int(data["id"])
    return None


@dataclass
class Session:
    id: str
    intents: int
    shard: tuple[int, int] = (0, 1)  # (shard id, shard count)
    events: list[tuple[int, str, str]] = field(default_factory=list)  # (seq, event name, json)
    seq: int = 0
    sent: int = 0  # index into events of the next one to send
    ws: web.WebSocketResponse | None = None
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    idle: asyncio.Event = field(default_factory=asyncio.Event)  # everything queued was sent
    writer: asyncio.Task[None] | None = None

    def has(self, intent: int) -> bool:
        return bool(self.intents & intent)

    def owns(self, guild_id: int | None) -> bool:
        return shard_of(guild_id, self.shard[1]) == self.shard[0]

    def add(self, name: str, data: Any) -> None:
        self.seq += 1
        text = json.dumps({"op": Op.DISPATCH, "t": name, "s": self.seq, "d": data})
        self.events.append((self.seq, name, text))
        self.idle.clear()
        if len(self.events) > REPLAY_BUFFER:
            drop = len(self.events) - REPLAY_BUFFER
            del self.events[:drop]
            self.sent = max(0, self.sent - drop)
        self.wake.set()

    def rewind_to(self, seq: int) -> bool:
        """Send again everything after `seq`; False if those events are no longer kept."""
        if self.events and self.events[0][0] > seq + 1:
            return False
        self.sent = next(
            (i for i, (s, _, _) in enumerate(self.events) if s > seq), len(self.events)
        )
        self.wake.set()
        return True


class Gateway:
    """Accepts bot connections on /gateway and dispatches events to every live session."""

    def __init__(
        self,
        *,
        token: str,
        ready_payload: Callable[[Session], dict[str, Any]],
        guild_payloads: Callable[[], list[dict[str, Any]]],
        resume_url: Callable[[], str],
        privileged_allowed: Callable[[], int],
    ) -> None:
        self._token = token
        self._ready_payload = ready_payload
        self._guild_payloads = guild_payloads
        self._resume_url = resume_url
        self._privileged_allowed = privileged_allowed
        self.sessions: dict[str, Session] = {}
        self.identified = asyncio.Event()
        self.received: list[dict[str, Any]] = []  # every op the clients sent, for tests
        self._sockets: set[web.WebSocketResponse] = set()

    # -- dispatch ---------------------------------------------------------------------------

    def dispatch(self, name: str, data: Any, *, intent: int | None = None) -> int:
        """Queue an event for every session that has `intent` and whose shard has the event's
        guild; returns how many got it."""
        guild = _guild_of(name, data)
        count = 0
        for session in self.sessions.values():
            if (intent is None or session.has(intent)) and session.owns(guild):
                session.add(name, data)
                count += 1
        return count

    def dispatch_each(self, name: str, build: Callable[[Session], Any | None]) -> None:
        """Queue an event whose payload depends on the session (e.g. intent-filtered content)."""
        for session in self.sessions.values():
            data = build(session)
            if data is not None and session.owns(_guild_of(name, data)):
                session.add(name, data)

    async def drained(self, timeout: float = 10.0) -> None:
        """Wait until every connected session has been sent everything queued."""
        async with asyncio.timeout(timeout):
            for session in list(self.sessions.values()):
                if session.ws is not None:
                    await session.idle.wait()

    async def force_disconnect(self, code: int = 4000) -> None:
        """Close every socket as Discord does on a gateway restart; sessions stay resumable.

        Sessions stop sending at once, so events dispatched from here on are missed by the
        client until it resumes.
        """
        for session in self.sessions.values():
            if session.writer:
                session.writer.cancel()
                session.writer = None
            session.ws = None
        for ws in list(self._sockets):
            await ws.close(code=code, message=b"sandbox: forced disconnect")

    async def invalidate_sessions(self) -> None:
        """Close every socket and forget the sessions, as Discord does when a session expires:
        the client's RESUME gets INVALID_SESSION and it must IDENTIFY again; events meanwhile
        are never replayed."""
        await self.force_disconnect()
        self.sessions.clear()

    async def close(self) -> None:
        for session in self.sessions.values():
            if session.writer:
                session.writer.cancel()
        for ws in list(self._sockets):
            await ws.close(code=1001)

    # -- the socket -------------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0, autoping=True)
        await ws.prepare(request)
        self._sockets.add(ws)
        session: Session | None = None
        try:
            await ws.send_json({"op": Op.HELLO, "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS}})
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                payload = json.loads(msg.data)
                self.received.append(payload)
                op, d = payload.get("op"), payload.get("d")
                if op == Op.HEARTBEAT:
                    await ws.send_json({"op": Op.HEARTBEAT_ACK})
                elif op == Op.IDENTIFY:
                    session = await self._identify(ws, d)
                elif op == Op.RESUME:
                    session = await self._resume(ws, d)
                # Presence, voice and member requests are accepted and ignored.
        finally:
            self._sockets.discard(ws)
            if session is not None and session.ws is ws:
                session.ws = None
                if session.writer:
                    session.writer.cancel()
                    session.writer = None
        return ws

    async def _identify(self, ws: web.WebSocketResponse, d: dict[str, Any]) -> Session | None:
        if d.get("token") != self._token:
            await ws.close(code=4004, message=b"Authentication failed.")
            return None
        intents = int(d.get("intents", 0))
        if intents & Intent.PRIVILEGED & ~self._privileged_allowed():
            await ws.close(code=4014, message=b"Disallowed intent(s).")
            return None
        shard = d.get("shard") or [0, 1]
        shard_id, shard_count = int(shard[0]), int(shard[1])
        if not 0 <= shard_id < shard_count:
            await ws.close(code=4010, message=b"Invalid shard.")
            return None
        # A new IDENTIFY replaces an earlier session of the same shard (a bot restarting).
        for old_id, old in list(self.sessions.items()):
            if old.shard == (shard_id, shard_count) or shard_count != old.shard[1]:
                if old.writer:
                    old.writer.cancel()
                del self.sessions[old_id]
        session = Session(id=secrets.token_hex(16), intents=intents, shard=(shard_id, shard_count))
        self.sessions[session.id] = session
        session.add("READY", self._ready_payload(session))
        if session.has(Intent.GUILDS):
            for guild in self._guild_payloads():
                if session.owns(int(guild["id"])):
                    session.add("GUILD_CREATE", guild)
        self._attach(session, ws)
        self.identified.set()
        return session

    async def _resume(self, ws: web.WebSocketResponse, d: dict[str, Any]) -> Session | None:
        session = self.sessions.get(d.get("session_id", ""))
        if d.get("token") != self._token or session is None:
            await ws.send_json({"op": Op.INVALID_SESSION, "d": False})
            return None
        if not session.rewind_to(int(d.get("seq") or 0)):
            await ws.send_json({"op": Op.INVALID_SESSION, "d": False})
            return None
        session.add("RESUMED", {})
        self._attach(session, ws)
        return session

    def _attach(self, session: Session, ws: web.WebSocketResponse) -> None:
        if session.writer:
            session.writer.cancel()
        session.ws = ws
        session.writer = asyncio.create_task(self._write(session, ws), name=f"gw-{session.id}")

    async def _write(self, session: Session, ws: web.WebSocketResponse) -> None:
        with contextlib.suppress(ConnectionError, asyncio.CancelledError):
            while not ws.closed:
                while session.sent < len(session.events) and not ws.closed:
                    _, _, text = session.events[session.sent]
                    session.sent += 1
                    await ws.send_str(text)
                session.wake.clear()
                if session.sent >= len(session.events):
                    session.idle.set()
                    await session.wake.wait()
