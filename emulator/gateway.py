"""The gateway websocket: HELLO/IDENTIFY/READY, heartbeats, dispatch, resume with replay, op 7/8/9."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
from collections import deque
from collections.abc import Callable
from typing import Any

from aiohttp import WSMsgType, web

from emulator.models import JSON
from emulator.state import PRIVILEGED_INTENTS, Event, State

log = logging.getLogger(__name__)

DISPATCH, HEARTBEAT, IDENTIFY, PRESENCE, VOICE, RESUME = 0, 1, 2, 3, 4, 6
RECONNECT, REQUEST_MEMBERS, INVALID_SESSION = 7, 8, 9
HELLO, HEARTBEAT_ACK = 10, 11

GUILDS = 1 << 0
GUILD_MEMBERS = 1 << 1
GUILD_MESSAGES = 1 << 9
GUILD_MESSAGE_REACTIONS = 1 << 10
DIRECT_MESSAGES = 1 << 12
MESSAGE_CONTENT = 1 << 15
GUILD_SCHEDULED_EVENTS = 1 << 16

_GUILD_EVENTS = ("GUILD_", "CHANNEL_", "THREAD_")
BUFFER_SIZE = 5000
CHUNK_SIZE = 1000
# Discord's HEARTBEAT_ACK takes a network round trip. An instant one, from an emulator in the bot's own
# process, reaches discord.py before its keep-alive thread has recorded when it sent the heartbeat: the
# latency then reads as the whole heartbeat interval ("Can't keep up … websocket is 41.3s behind").
HEARTBEAT_ACK_DELAY = 0.05


def intent_for(event: Event) -> int:
    """The intent a session needs to receive an event (0: always sent)."""
    name = event.name
    if name.startswith("GUILD_MEMBER") and name != "GUILD_MEMBERS_CHUNK":
        return GUILD_MEMBERS
    if name.startswith("GUILD_SCHEDULED_EVENT"):
        return GUILD_SCHEDULED_EVENTS
    if name.startswith("MESSAGE_REACTION"):
        return GUILD_MESSAGE_REACTIONS
    if name.startswith("MESSAGE_"):
        return GUILD_MESSAGES if event.guild_id is not None else DIRECT_MESSAGES
    if name.startswith(_GUILD_EVENTS):
        return GUILDS
    return 0


def _frame(op: int, data: Any) -> str:
    return json.dumps({"op": op, "d": data}, separators=(",", ":"))


class Connection:
    """One websocket; frames go out in order through a writer task."""

    def __init__(self, ws: web.WebSocketResponse, request: web.Request) -> None:
        self.ws = ws
        self.request = request
        self.queue: asyncio.Queue[str | None] = asyncio.Queue()
        self.session: Session | None = None
        self.closing = False
        self.writer = asyncio.create_task(self._write())

    def send(self, frame: str) -> None:
        if not self.closing:
            self.queue.put_nowait(frame)

    async def _write(self) -> None:
        while True:
            frame = await self.queue.get()
            if frame is None:
                return
            try:
                await self.ws.send_str(frame)
            except (ConnectionError, RuntimeError):
                return

    async def close(self, code: int, message: str = "") -> None:
        """Flush queued frames, then close with a code."""
        self.closing = True
        self.queue.put_nowait(None)
        with contextlib.suppress(Exception):
            await self.writer
        await self.ws.close(code=code, message=message.encode())

    def abort(self) -> None:
        """Drop the TCP connection without a close frame."""
        self.closing = True
        self.queue.put_nowait(None)
        transport = self.request.transport
        if transport is not None:
            transport.abort()


class Session:
    """A gateway session: sequence numbers and the buffer RESUME replays from."""

    def __init__(self, session_id: str, intents: int, large_threshold: int, shard: list[int] | None) -> None:
        self.id = session_id
        self.intents = intents
        self.large_threshold = large_threshold
        self.shard = shard
        self.seq = 0
        self.buffer: deque[tuple[int, str]] = deque(maxlen=BUFFER_SIZE)
        self.conn: Connection | None = None

    def dispatch(self, name: str, data_json: str) -> None:
        self.seq += 1
        frame = f'{{"op":0,"t":"{name}","s":{self.seq},"d":{data_json}}}'
        self.buffer.append((self.seq, frame))
        if self.conn is not None:
            self.conn.send(frame)


class Gateway:
    """Serves the gateway at `/` and fans state events out to sessions."""

    def __init__(
        self,
        state: State,
        *,
        token: Callable[[], str],
        ws_url: Callable[[], str],
        heartbeat_interval_ms: int = 41250,
    ) -> None:
        self.state = state
        self._token = token
        self._ws_url = ws_url
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.sessions: dict[str, Session] = {}
        self.connections: set[Connection] = set()
        self.open = asyncio.Event()
        self.open.set()
        self.stats = {"connections": 0, "identify": 0, "resume": 0, "heartbeat": 0, "chunk_requests": 0}
        self.listeners: list[Callable[[str, Session], None]] = []
        state.listeners.append(self.on_event)

    # -- websocket -------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True, max_msg_size=0)
        await ws.prepare(request)
        conn = Connection(ws, request)
        self.connections.add(conn)
        self.stats["connections"] += 1
        try:
            await self.open.wait()
            conn.send(
                _frame(HELLO, {"heartbeat_interval": self.heartbeat_interval_ms, "_trace": ["emulator"]})
            )
            async for msg in ws:
                if msg.type == WSMsgType.TEXT:
                    await self._on_text(conn, msg.data)
                elif msg.type == WSMsgType.BINARY:
                    await conn.close(4002, "Error while decoding payload.")
        finally:
            self.connections.discard(conn)
            if conn.session is not None and conn.session.conn is conn:
                conn.session.conn = None
            conn.closing = True
            conn.queue.put_nowait(None)
            with contextlib.suppress(Exception):
                await conn.writer
        return ws

    async def _on_text(self, conn: Connection, text: str) -> None:
        try:
            msg = json.loads(text)
            op = msg["op"]
            data = msg.get("d")
        except (ValueError, KeyError, TypeError):
            await conn.close(4002, "Error while decoding payload.")
            return
        if op == HEARTBEAT:
            self.stats["heartbeat"] += 1
            asyncio.get_running_loop().call_later(HEARTBEAT_ACK_DELAY, conn.send, _frame(HEARTBEAT_ACK, None))
        elif op == IDENTIFY:
            await self._identify(conn, data)
        elif op == RESUME:
            await self._resume(conn, data)
        elif op == REQUEST_MEMBERS:
            if conn.session is None:
                await conn.close(4003, "Not authenticated.")
                return
            self.stats["chunk_requests"] += 1
            self._send_chunks(conn.session, data)
        elif op in (PRESENCE, VOICE):
            if conn.session is None:
                await conn.close(4003, "Not authenticated.")
        else:
            await conn.close(4001, "Unknown opcode.")

    def _token_ok(self, token: Any) -> bool:
        if not isinstance(token, str):
            return False
        return token.removeprefix("Bot ") == self._token()

    async def _identify(self, conn: Connection, data: JSON) -> None:
        if conn.session is not None:
            await conn.close(4005, "Already authenticated.")
            return
        if not isinstance(data, dict) or not self._token_ok(data.get("token")):
            await conn.close(4004, "Authentication failed.")
            return
        if "intents" not in data:
            await conn.close(4013, "Invalid intent(s).")
            return
        asked = int(data["intents"])
        if any(
            asked & bit and name not in self.state.privileged_intents
            for name, bit in PRIVILEGED_INTENTS.items()
        ):
            await conn.close(4014, "Disallowed intent(s).")
            return
        self.stats["identify"] += 1
        for stale in [s for s in self.sessions.values() if s.conn is None]:
            del self.sessions[stale.id]
        shard = data.get("shard")
        session = Session(
            secrets.token_hex(16), int(data["intents"]), int(data.get("large_threshold", 50)), shard
        )
        self.sessions[session.id] = session
        session.conn = conn
        conn.session = session
        state = self.state
        guilds = [g for g in state.guilds.values() if state.bot.id in g.members]
        ready: JSON = {
            "v": 10,
            "user": {**state.bot.payload(), "verified": True, "mfa_enabled": False, "email": None},
            "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": self._ws_url(),
            "application": {"id": str(state.application_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": [],
            "user_settings": {},
            "_trace": ["emulator"],
        }
        if shard is not None:
            ready["shard"] = shard
        session.dispatch("READY", json.dumps(ready))
        for guild in guilds:
            payload = state.guild_create_payload(guild)
            session.dispatch("GUILD_CREATE", json.dumps(self._trim_guild(session, payload)))
        for listener in self.listeners:
            listener("identify", session)

    async def _resume(self, conn: Connection, data: JSON) -> None:
        if not isinstance(data, dict) or not self._token_ok(data.get("token")):
            await conn.close(4004, "Authentication failed.")
            return
        session = self.sessions.get(str(data.get("session_id")))
        seq = data.get("seq") or 0
        oldest = session.buffer[0][0] if session and session.buffer else 1
        if session is None or seq < oldest - 1 or seq > session.seq:
            conn.send(_frame(INVALID_SESSION, False))
            return
        self.stats["resume"] += 1
        old = session.conn
        if old is not None and old is not conn:
            old.session = None
            old.abort()
        session.conn = conn
        conn.session = session
        for number, frame in list(session.buffer):
            if number > seq:
                conn.send(frame)
        session.dispatch("RESUMED", '{"_trace":["emulator"]}')
        for listener in self.listeners:
            listener("resume", session)

    def _send_chunks(self, session: Session, data: JSON) -> None:
        guild_ids = data.get("guild_id")
        ids = [str(g) for g in (guild_ids if isinstance(guild_ids, list) else [guild_ids])]
        for raw_id in ids:
            guild = self.state.guilds.get(int(raw_id)) if raw_id.isdigit() else None
            if guild is None:
                continue
            members = list(guild.members.values())
            not_found: list[str] = []
            if data.get("user_ids"):
                wanted = [int(u) for u in data["user_ids"]]
                not_found = [str(u) for u in wanted if u not in guild.members]
                members = [guild.members[u] for u in wanted if u in guild.members]
            else:
                query = str(data.get("query") or "").lower()
                if query:
                    members = [
                        m
                        for m in members
                        if self.state.users[m.user_id].username.lower().startswith(query)
                        or (m.nick or "").lower().startswith(query)
                    ]
                limit = int(data.get("limit") or 0)
                if limit:
                    members = members[:limit]
            chunks = [members[i : i + CHUNK_SIZE] for i in range(0, len(members), CHUNK_SIZE)] or [[]]
            for index, chunk in enumerate(chunks):
                payload: JSON = {
                    "guild_id": str(guild.id),
                    "members": [m.payload(self.state.users[m.user_id]) for m in chunk],
                    "chunk_index": index,
                    "chunk_count": len(chunks),
                }
                if not_found and index == 0:
                    payload["not_found"] = not_found
                if data.get("nonce") is not None:
                    payload["nonce"] = data["nonce"]
                if data.get("presences"):
                    payload["presences"] = []
                session.dispatch("GUILD_MEMBERS_CHUNK", json.dumps(payload))

    # -- dispatch --------------------------------------------------------------

    def _trim_guild(self, session: Session, payload: JSON) -> JSON:
        """Without GUILD_MEMBERS (or above large_threshold) only the bot's own member is sent."""
        members = payload["members"]
        if session.intents & GUILD_MEMBERS and len(members) <= session.large_threshold:
            return payload
        bot_id = str(self.state.bot.id)
        large = len(members) > session.large_threshold
        return {**payload, "members": [m for m in members if m["user"]["id"] == bot_id], "large": large}

    def _strip_content(self, session: Session, event: Event) -> bool:
        msg = event.message
        if (
            msg is None
            or session.intents & MESSAGE_CONTENT
            or event.name not in ("MESSAGE_CREATE", "MESSAGE_UPDATE")
        ):
            return False
        bot_id = self.state.bot.id
        return msg.guild_id is not None and msg.author_id != bot_id and bot_id not in msg.mentions

    def on_event(self, event: Event) -> None:
        """State listener: sequence and send the event to every session entitled to it."""
        if not self.sessions:
            return
        guild = self.state.guilds.get(event.guild_id) if event.guild_id is not None else None
        if guild is not None and self.state.bot.id not in guild.members and event.name != "GUILD_DELETE":
            return
        intent = intent_for(event)
        own_member = event.name == "GUILD_MEMBER_UPDATE" and event.payload["user"]["id"] == str(
            self.state.bot.id
        )
        full: str | None = None
        for session in list(self.sessions.values()):
            if intent and not session.intents & intent and not own_member:
                continue
            if event.name == "GUILD_CREATE":
                session.dispatch(event.name, json.dumps(self._trim_guild(session, event.payload)))
            elif self._strip_content(session, event):
                stripped = {**event.payload, "content": "", "embeds": [], "attachments": [], "components": []}
                session.dispatch(event.name, json.dumps(stripped))
            else:
                if full is None:
                    full = json.dumps(event.payload)
                session.dispatch(event.name, full)

    def dispatch_raw(self, name: str, payload: JSON) -> None:
        """Send an event outside the state model (e.g. INTERACTION_CREATE) to every session."""
        data = json.dumps(payload)
        for session in list(self.sessions.values()):
            session.dispatch(name, data)

    # -- faults ------------------------------------------------------------------

    def live(self) -> list[Connection]:
        return [c for c in self.connections if c.session is not None and not c.closing]

    async def reconnect(self) -> int:
        """Op 7 on every live connection; the client reconnects and resumes."""
        conns = self.live()
        for conn in conns:
            conn.send(_frame(RECONNECT, None))
        return len(conns)

    async def drop(self, code: int | None = None, hold: bool = False) -> int:
        """Drop every connection (abruptly, or with a close code); sessions stay resumable."""
        if hold:
            self.open.clear()
        conns = list(self.connections)
        for conn in conns:
            if conn.session is not None and conn.session.conn is conn:
                conn.session.conn = None
            if code is None:
                conn.abort()
            else:
                await conn.close(code, "Dropped by emulator.")
        return len(conns)

    def release(self) -> None:
        """Let held connections proceed (after `drop(hold=True)`)."""
        self.open.set()

    async def invalidate(self, resumable: bool = False) -> int:
        """Op 9 to every live connection; unless resumable, their sessions are discarded."""
        conns = self.live()
        for conn in conns:
            session = conn.session
            conn.send(_frame(INVALID_SESSION, resumable))
            if not resumable and session is not None:
                self.sessions.pop(session.id, None)
        return len(conns)

    async def close_all(self) -> None:
        self.open.set()
        for conn in list(self.connections):
            with contextlib.suppress(Exception):
                await conn.close(1001, "Emulator stopping.")
