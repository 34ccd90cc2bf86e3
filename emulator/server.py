"""The Emulator: one aiohttp server on 127.0.0.1 with REST, the gateway and the control API."""

from __future__ import annotations

import base64
import datetime
import os
import secrets
import time
from collections.abc import Callable
from typing import Any

from aiohttp import web

from emulator.bodies import json_response
from emulator.control import ControlActions
from emulator.control_routes import ControlRoutes
from emulator.faults import Faults
from emulator.gateway import Gateway
from emulator.interactions import Interactions
from emulator.ratelimits import RateLimits
from emulator.recording import Recorder
from emulator.rest import RestApi
from emulator.state import State


def make_token(user_id: int) -> str:
    """A bot token shaped like Discord's: base64(user id).base64(time).random."""
    first = base64.urlsafe_b64encode(str(user_id).encode()).decode().rstrip("=")
    second = base64.urlsafe_b64encode(int(time.time()).to_bytes(4, "big")).decode().rstrip("=")
    return f"{first}.{second}.{secrets.token_urlsafe(27)}"


class Emulator:
    """A local Discord API v10 (REST + gateway) that the real discord.py can run against.

    `await emu.start(port=0)`, point discord.py at `emu.url` / `emu.ws_url`, log in with `emu.bot_token`.
    `record_to=PATH` (or $EMULATOR_RECORD_TO) appends every REST request to PATH (emulator.recording).
    """

    def __init__(
        self,
        *,
        interaction_timeout: float = 3.0,
        token_ttl: float = 900.0,
        wait_timeout: float = 5.0,
        bot_token: str | None = None,
        bot_username: str = "bot",
        rate_limit: int = 50,
        rate_limit_window: float = 1.0,
        heartbeat_interval: float = 41.25,
        host: str = "127.0.0.1",
        clock: Callable[[], datetime.datetime] | None = None,
        record_to: str | os.PathLike[str] | None = None,
    ) -> None:
        self.host = host
        self.port: int | None = None
        self.state = State(bot_username=bot_username, clock=clock)
        self.bot_token = bot_token or make_token(self.state.bot.id)
        self.faults = Faults()
        self.ratelimits = RateLimits(rate_limit, rate_limit_window)
        self.gateway = Gateway(
            self.state,
            token=lambda: self.bot_token,
            ws_url=lambda: self.ws_url,
            heartbeat_interval_ms=int(heartbeat_interval * 1000),
        )
        self.interactions = Interactions(
            self.state, self.gateway.dispatch_raw, timeout=interaction_timeout, token_ttl=token_ttl
        )
        self.rest = RestApi(
            self.state,
            self.interactions,
            self.faults,
            self.ratelimits,
            lambda: self.bot_token,
            lambda: self.ws_url,
            recorder=Recorder.configured(record_to),
        )
        self.control = ControlActions(
            self.state,
            self.gateway,
            self.interactions,
            self.faults,
            self.rest.requests,
            wait_timeout=wait_timeout,
        )
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        """Base URL, e.g. http://127.0.0.1:8765 (REST lives under /api/v10)."""
        if self.port is None:
            raise RuntimeError("emulator not started")
        return f"http://{self.host}:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/v10"

    @property
    def ws_url(self) -> str:
        """Gateway URL (also READY's resume_gateway_url)."""
        return f"ws://{self.host}:{self.port}/"

    @property
    def application_id(self) -> int:
        return self.state.application_id

    @property
    def bot_user_id(self) -> int:
        return self.state.bot.id

    def info(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "api_url": self.api_url,
            "gateway_url": self.ws_url,
            "application_id": str(self.application_id),
            "bot_user_id": str(self.bot_user_id),
            "bot_token": self.bot_token,
            "bot_connected": any(s.conn is not None for s in self.gateway.sessions.values()),
        }

    def build_app(self) -> web.Application:
        app = web.Application(client_max_size=32 * 1024 * 1024)
        self.rest.install(app)
        ControlRoutes(self.control, self.info).install(app)
        app.router.add_get("/", self._root)
        app.router.add_get("/attachments/{channel_id}/{attachment_id}/{filename}", self._attachment)
        return app

    async def _root(self, request: web.Request) -> web.StreamResponse:
        if request.headers.get("Upgrade", "").lower() == "websocket":
            return await self.gateway.handle(request)
        return json_response(self.info())

    async def _attachment(self, request: web.Request) -> web.StreamResponse:
        raw = request.match_info["attachment_id"]
        data = self.state.attachment_data.get(int(raw)) if raw.isdigit() else None
        if data is None:
            return json_response({"message": "404: Not Found", "code": 0}, 404)
        return web.Response(body=data, content_type="application/octet-stream")

    async def start(self, port: int = 0) -> None:
        """Listen on 127.0.0.1 (`port=0` picks a free port)."""
        if self._runner is not None:
            raise RuntimeError("emulator already started")
        runner = web.AppRunner(self.build_app(), access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, self.host, port)
        await site.start()
        self._runner = runner
        address = runner.addresses[0]
        self.port = int(address[1])
        self.state.base_url = self.url

    async def stop(self) -> None:
        """Close gateway connections and the server."""
        if self._runner is None:
            return
        await self.gateway.close_all()
        await self._runner.cleanup()
        self._runner = None

    async def __aenter__(self) -> Emulator:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()
