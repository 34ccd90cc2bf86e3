"""HTTP control API under /_emulator (JSON in, JSON out; errors as {"error": ...} with 4xx)."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from emulator.bodies import json_response
from emulator.control import ControlActions
from emulator.errors import ApiError, ControlError
from emulator.resolved import parse_id

log = logging.getLogger(__name__)
PREFIX = "/_emulator"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _truthy(value: str | None) -> bool:
    return (value or "").lower() in ("1", "true", "yes")


class ControlRoutes:
    """Binds ControlActions methods to HTTP routes."""

    def __init__(self, control: ControlActions, info: Callable[[], dict[str, Any]]) -> None:
        self.control = control
        self.info = info

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Unknown control paths and wrong methods answer JSON errors too."""
        if not request.path.startswith(PREFIX):
            return await handler(request)
        try:
            return await handler(request)
        except web.HTTPException as exc:
            if exc.status < 400:
                raise
            return json_response(
                {"error": f"{exc.status} {exc.reason}: {request.method} {request.path}"}, exc.status
            )

    def install(self, app: web.Application) -> None:
        app.middlewares.append(self.middleware)
        c = self.control
        add = self._add(app)
        add("GET", "", lambda r, b: self.info())
        add("GET", "/guilds", lambda r, b: c.list_guilds())
        add("POST", "/guilds", lambda r, b: c.create_guild(b))
        add("GET", "/guilds/{guild_id}", lambda r, b: c.get_guild(self._id(r, "guild_id")))
        add("POST", "/guilds/{guild_id}/members", lambda r, b: c.add_member(self._id(r, "guild_id"), b))
        add(
            "PATCH",
            "/guilds/{guild_id}/members/{user_id}",
            lambda r, b: c.edit_member(self._id(r, "guild_id"), self._id(r, "user_id"), b),
        )
        add(
            "DELETE",
            "/guilds/{guild_id}/members/{user_id}",
            lambda r, b: c.remove_member(self._id(r, "guild_id"), self._id(r, "user_id")),
        )
        add(
            "PUT",
            "/guilds/{guild_id}/members/{user_id}/roles/{role_id}",
            lambda r, b: c.member_role(
                self._id(r, "guild_id"), self._id(r, "user_id"), self._id(r, "role_id"), True
            ),
        )
        add(
            "DELETE",
            "/guilds/{guild_id}/members/{user_id}/roles/{role_id}",
            lambda r, b: c.member_role(
                self._id(r, "guild_id"), self._id(r, "user_id"), self._id(r, "role_id"), False
            ),
        )
        add("POST", "/guilds/{guild_id}/roles", lambda r, b: c.create_role(self._id(r, "guild_id"), b))
        add(
            "PATCH",
            "/guilds/{guild_id}/roles/{role_id}",
            lambda r, b: c.edit_role(self._id(r, "guild_id"), self._id(r, "role_id"), b),
        )
        add(
            "DELETE",
            "/guilds/{guild_id}/roles/{role_id}",
            lambda r, b: c.delete_role(self._id(r, "guild_id"), self._id(r, "role_id")),
        )
        add("POST", "/guilds/{guild_id}/channels", lambda r, b: c.create_channel(self._id(r, "guild_id"), b))
        add(
            "POST",
            "/guilds/{guild_id}/scheduled-events",
            lambda r, b: c.create_event(self._id(r, "guild_id"), b),
        )
        add(
            "POST",
            "/scheduled-events/{event_id}/interested",
            lambda r, b: c.mark_interested(self._id(r, "event_id"), b),
        )
        add("PATCH", "/channels/{channel_id}", lambda r, b: c.edit_channel(self._id(r, "channel_id"), b))
        add("DELETE", "/channels/{channel_id}", lambda r, b: c.delete_channel(self._id(r, "channel_id")))
        add(
            "GET",
            "/channels/{channel_id}/messages",
            lambda r, b: c.list_messages(
                self._id(r, "channel_id"),
                parse_id(r.query["as_user"], "as_user") if "as_user" in r.query else None,
                _truthy(r.query.get("include_ephemeral")),
            ),
        )
        add("PATCH", "/users/{user_id}", lambda r, b: c.set_user(self._id(r, "user_id"), b))
        add("GET", "/users/{user_id}/dms", lambda r, b: c.list_dms(self._id(r, "user_id")))
        add("POST", "/messages", lambda r, b: c.post_message(b))
        add("POST", "/webhook-messages", lambda r, b: c.post_webhook_message(b))
        add("POST", "/interactions", lambda r, b: c.interact(b))
        add(
            "GET",
            "/interactions/{interaction_id}",
            lambda r, b: c.get_interaction(self._id(r, "interaction_id")),
        )
        add(
            "POST",
            "/interactions/{interaction_id}/expire",
            lambda r, b: c.expire_interaction(self._id(r, "interaction_id")),
        )
        add("POST", "/components", lambda r, b: c.click(b))
        add("POST", "/modals", lambda r, b: c.submit_modal(b))
        add("POST", "/autocomplete", lambda r, b: c.autocomplete(b))
        add("POST", "/context-menu", lambda r, b: c.context_menu(b))
        add("GET", "/faults", lambda r, b: c.faults.list())
        add("POST", "/faults", lambda r, b: c.add_fault(b))
        add("DELETE", "/faults", lambda r, b: c.faults.clear())
        add("POST", "/faults/release", lambda r, b: c.faults.release())
        add("GET", "/gateway", lambda r, b: c.gateway_info())
        add("POST", "/gateway", lambda r, b: c.gateway_action(b))
        add("GET", "/requests", lambda r, b: c.list_requests(int(r.query.get("since", "0"))))
        add("DELETE", "/requests", lambda r, b: c.clear_requests())

    @staticmethod
    def _id(request: web.Request, key: str) -> int:
        return parse_id(request.match_info[key], key)

    def _add(self, app: web.Application) -> Callable[[str, str, Callable[[web.Request, Any], Any]], None]:
        def add(method: str, path: str, action: Callable[[web.Request, Any], Any]) -> None:
            app.router.add_route(method, PREFIX + path, self._wrap(action))

        return add

    @staticmethod
    def _wrap(action: Callable[[web.Request, Any], Any]) -> Handler:
        async def handler(request: web.Request) -> web.StreamResponse:
            try:
                body: Any = {}
                if request.body_exists:
                    raw = await request.read()
                    if raw.strip():
                        body = json.loads(raw)
                if not isinstance(body, dict):
                    raise ControlError("body must be a JSON object")
                result = action(request, body)
                if isinstance(result, Awaitable):
                    result = await result
            except ControlError as exc:
                return json_response({"error": exc.message}, exc.status)
            except ApiError as exc:
                return json_response(
                    {"error": exc.message, "code": exc.code}, exc.status if exc.status < 500 else 400
                )
            except (ValueError, TypeError, KeyError) as exc:
                return json_response({"error": f"bad request: {exc!r}"}, 400)
            except Exception as exc:
                log.exception("control call %s %s failed", request.method, request.path)
                return json_response({"error": f"emulator error: {exc!r}"}, 500)
            if result is None:
                result = {"ok": True}
            return json_response(result)

        return handler
