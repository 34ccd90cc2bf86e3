"""REST API under /api/v10: auth, faults, rate limit headers, request log and the route table."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from emulator import channel_rules
from emulator import permissions as P
from emulator.bodies import Body, json_response, read_body
from emulator.errors import UNKNOWN_GUILD, ApiError, form_error, missing_access, missing_permissions, unknown
from emulator.faults import Faults
from emulator.interactions import Interactions
from emulator.models import DM, JSON, Channel, Guild
from emulator.ratelimits import RateLimits, ratelimited_headers
from emulator.recording import Recorder, current_test
from emulator.state import State

log = logging.getLogger(__name__)
API_PREFIX = "/api/v10"
BODY_KEY = web.RequestKey("emulator.body", Body)
Handler = Callable[["RestApi", web.Request], Awaitable[web.StreamResponse]]
Route = tuple[str, str, Handler]
_NO_AUTH = ("/interactions/", "/webhooks/")
_MAJOR_KEYS = ("channel_id", "guild_id", "application_id", "interaction_id", "token")


class RestApi:
    """Serves the bot-facing REST API and records every request."""

    def __init__(
        self,
        state: State,
        interactions: Interactions,
        faults: Faults,
        ratelimits: RateLimits,
        token: Callable[[], str],
        gateway_url: Callable[[], str],
        recorder: Recorder | None = None,
    ) -> None:
        self.state = state
        self.interactions = interactions
        self.faults = faults
        self.ratelimits = ratelimits
        self._token = token
        self.gateway_url = gateway_url
        self.requests: list[JSON] = []
        self.max_log = 20000
        self._count = 0
        self.recorder = recorder  # the conformance record (emulator.recording), when asked for

    def install(self, app: web.Application) -> None:
        from emulator import rest_guilds, rest_hooks, rest_messages

        app.middlewares.append(self.middleware)
        for table in (rest_hooks.ROUTES, rest_messages.ROUTES, rest_guilds.ROUTES):
            for method, path, handler in table:
                app.router.add_route(method, API_PREFIX + path, self._bind(handler))
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._not_found)

    def _bind(self, handler: Handler) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        async def bound(request: web.Request) -> web.StreamResponse:
            return await handler(self, request)

        return bound

    async def _not_found(self, request: web.Request) -> web.StreamResponse:
        raise ApiError(404, 0, "404: Not Found")

    # -- middleware --------------------------------------------------------------

    @staticmethod
    def template(request: web.Request) -> str:
        route = request.match_info.route
        resource = route.resource if route is not None else None
        canonical = resource.canonical if resource is not None else request.path
        if canonical.endswith("{tail}"):
            canonical = request.path
        return canonical.removeprefix(API_PREFIX) or "/"

    @web.middleware
    async def middleware(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        if not request.path.startswith(API_PREFIX + "/"):
            return await handler(request)
        started = time.perf_counter()
        template = self.template(request)
        try:
            response = await self._serve(request, handler, template)
        except ApiError as exc:
            response = json_response(exc.body(), exc.status)
        except web.HTTPException as exc:
            response = json_response({"message": f"{exc.status}: {exc.reason}", "code": 0}, exc.status)
        except Exception as exc:
            # A 5xx would make discord.py retry for ~25 s; answer 400 so the caller fails fast and visibly.
            log.exception("emulator could not handle %s %s", request.method, request.path)
            failure = {
                "message": f"Emulator could not process the request: {exc!r}",
                "code": 50035,
                "errors": {},
            }
            response = json_response(failure, 400)
        entry: JSON = {
            "index": self._count,
            "method": request.method,
            "route": template,
            "path": request.path.removeprefix(API_PREFIX),
            "query": dict(request.query),
            "status": response.status,
            "time": time.time(),
            "duration_ms": round((time.perf_counter() - started) * 1000, 3),
        }
        data, unparsable = await self._logged_body(request)
        if data is not None:
            entry["json"] = data
        test = current_test()
        if test is not None:
            entry["test"] = test
        if len(self.requests) >= self.max_log:
            del self.requests[: self.max_log // 10]
        self.requests.append(entry)
        self._count += 1
        if self.recorder is not None:
            self.recorder.record(self._conformance_entry(request, entry, response, unparsable))
        return response

    async def _logged_body(self, request: web.Request) -> tuple[Any, str | None]:
        """The JSON body (multipart: payload_json), read now if the handler never did; or the raw text."""
        parsed = request.get(BODY_KEY)
        if isinstance(parsed, Body):
            return parsed.data, None
        if not request.body_exists:
            return None, None
        try:
            return (await read_body(request)).data, None
        except Exception:  # invalid JSON (already answered as such), or a stream the handler consumed
            raw = await request.read() if not request.content_type.startswith("multipart/") else b""
            return None, raw[:500].decode("utf-8", "replace")

    @staticmethod
    def _conformance_entry(
        request: web.Request, entry: JSON, response: web.StreamResponse, unparsable: str | None
    ) -> JSON:
        record: JSON = {
            "method": entry["method"],
            "route": entry["route"],
            "path": entry["path"],
            "status": entry["status"],
            "multipart": request.content_type.startswith("multipart/"),
        }
        if "json" in entry:
            record["body"] = entry["json"]
        if unparsable is not None:
            record["unparsable"] = unparsable
        if response.status >= 400 and isinstance(response, web.Response) and isinstance(response.body, bytes):
            try:
                answer = json.loads(response.body)
            except ValueError:
                answer = None
            if isinstance(answer, dict):
                record["code"] = answer.get("code")
                if answer.get("errors"):
                    record["errors"] = answer["errors"]
        return record

    async def _serve(
        self,
        request: web.Request,
        handler: Callable[[web.Request], Awaitable[web.StreamResponse]],
        template: str,
    ) -> web.StreamResponse:
        path = request.path.removeprefix(API_PREFIX)
        fault = self.faults.take(request.method, template, path)
        if fault is not None:
            if fault.kind == "slow":
                await asyncio.sleep(fault.delay)
            elif fault.kind == "hold":
                await fault.hold()
            elif fault.kind == "ratelimit":
                body = {"message": "You are being rate limited.", "retry_after": fault.retry_after}
                body["global"] = fault.is_global
                body["code"] = 0
                headers = ratelimited_headers(
                    template, fault.retry_after, fault.is_global, self.ratelimits.limit
                )
                return json_response(body, 429, headers)
            else:
                return json_response(
                    {"message": f"{fault.status}: Emulated server error", "code": 0}, fault.status
                )
        if (
            not template.startswith(_NO_AUTH)
            and request.headers.get("Authorization") != f"Bot {self._token()}"
        ):
            raise ApiError(401, 0, "401: Unauthorized")
        major = "+".join(request.match_info.get(k, "") for k in _MAJOR_KEYS if k in request.match_info)
        headers, wait = self.ratelimits.hit(f"{request.method} {template}", major)
        if wait is not None:
            body = {
                "message": "You are being rate limited.",
                "retry_after": round(wait, 3),
                "global": False,
                "code": 0,
            }
            return json_response(body, 429, {**headers, "Via": "1.1 google", "X-RateLimit-Scope": "user"})
        channel_rules.check_reason(request.headers.get(channel_rules.REASON_HEADER))
        response = await handler(request)
        response.headers.update(headers)
        return response

    # -- helpers for handlers ------------------------------------------------------

    async def body(self, request: web.Request) -> Body:
        cached = request.get(BODY_KEY)
        if isinstance(cached, Body):
            return cached
        body = await read_body(request)
        request[BODY_KEY] = body
        return body

    async def json(self, request: web.Request) -> JSON:
        return (await self.body(request)).obj()

    @staticmethod
    def snowflake(request: web.Request, key: str) -> int:
        raw = request.match_info[key]
        if not raw.isdigit():
            raise form_error(key, f'Value "{raw}" is not snowflake.', "NUMBER_TYPE_COERCE")
        return int(raw)

    def guild(self, request: web.Request) -> Guild:
        """The guild in the URL; guilds the bot is not in are unknown to it."""
        guild = self.state.guild(self.snowflake(request, "guild_id"))
        if self.state.bot.id not in guild.members:
            raise unknown(UNKNOWN_GUILD)
        return guild

    def channel(self, request: web.Request, *, view: bool = True) -> Channel:
        """The channel in the URL; 50001 if the bot cannot view it."""
        channel = self.state.channel(self.snowflake(request, "channel_id"))
        if channel.type == DM:
            return channel
        guild = self.state.guild(channel.guild_id or 0)
        if self.state.bot.id not in guild.members:
            raise missing_access()
        if view and not self.channel_perms(channel) & P.VIEW_CHANNEL:
            raise missing_access()
        return channel

    def guild_perms(self, guild: Guild) -> int:
        return self.state.permissions_for(guild.id, self.state.bot.id)

    def channel_perms(self, channel: Channel) -> int:
        return self.state.channel_permissions(channel, self.state.bot.id)

    @staticmethod
    def need(perms: int, bits: int) -> None:
        if perms & bits != bits:
            raise missing_permissions()

    def bot_top(self, guild: Guild) -> int:
        return self.state.top_position(guild, self.state.bot.id)

    def is_owner(self, guild: Guild) -> bool:
        return guild.owner_id == self.state.bot.id
