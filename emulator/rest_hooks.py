"""REST: login, gateway discovery, users, application commands, interaction callbacks and webhooks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from emulator import command_rules
from emulator.bodies import json_response, no_content
from emulator.errors import UNKNOWN_WEBHOOK, ApiError, unknown
from emulator.interactions import parse_with_response

if TYPE_CHECKING:
    from emulator.rest import RestApi, Route


async def get_me(api: RestApi, request: web.Request) -> web.StreamResponse:
    user = api.state.bot.payload()
    user.update(verified=True, mfa_enabled=False, email=None, locale="en-US", premium_type=0)
    return json_response(user)


async def get_application(api: RestApi, request: web.Request) -> web.StreamResponse:
    state = api.state
    owner = {
        "id": "1",
        "username": "emulator-owner",
        "discriminator": "0",
        "avatar": None,
        "global_name": None,
    }
    return json_response(
        {
            "id": str(state.application_id),
            "name": state.application_name,
            "icon": None,
            "description": "Discord API emulator application",
            "rpc_origins": [],
            "bot_public": True,
            "bot_require_code_grant": False,
            "bot": state.bot.payload(),
            "terms_of_service_url": None,
            "privacy_policy_url": None,
            "owner": owner,
            "verify_key": "0" * 64,
            "team": None,
            "flags": 0,
            "approximate_guild_count": len(state.guilds),
            "interactions_endpoint_url": None,
            "role_connections_verification_url": None,
            "tags": [],
            "install_params": None,
            "integration_types_config": {},
            "custom_install_url": None,
            "redirect_uris": [],
        }
    )


async def get_gateway(api: RestApi, request: web.Request) -> web.StreamResponse:
    return json_response({"url": api.gateway_url().rstrip("/")})


async def get_gateway_bot(api: RestApi, request: web.Request) -> web.StreamResponse:
    return json_response(
        {
            "url": api.gateway_url().rstrip("/"),
            "shards": 1,
            "session_start_limit": {
                "total": 1000,
                "remaining": 999,
                "reset_after": 86400000,
                "max_concurrency": 1,
            },
        }
    )


async def get_user(api: RestApi, request: web.Request) -> web.StreamResponse:
    return json_response(api.state.user(api.snowflake(request, "user_id")).payload())


# -- application commands ------------------------------------------------------------


def _app(api: RestApi, request: web.Request) -> None:
    if api.snowflake(request, "application_id") != api.state.application_id:
        raise ApiError(403, 50001, "Missing Access")


def _command_guild(api: RestApi, request: web.Request) -> int | None:
    _app(api, request)
    if "guild_id" in request.match_info:
        return api.guild(request).id
    return None


async def list_commands(api: RestApi, request: web.Request) -> web.StreamResponse:
    return json_response(api.state.commands(_command_guild(api, request)))


async def put_commands(api: RestApi, request: web.Request) -> web.StreamResponse:
    guild_id = _command_guild(api, request)
    bodies = (await api.body(request)).array()
    command_rules.validate_bulk(bodies)
    return json_response(api.state.overwrite_commands(guild_id, bodies))


async def create_command(api: RestApi, request: web.Request) -> web.StreamResponse:
    guild_id = _command_guild(api, request)
    body = await api.json(request)
    command_rules.validate_one(body)
    command_rules.check_room(api.state.commands(guild_id), body)
    return json_response(api.state.upsert_command(guild_id, body), 201)


async def get_command(api: RestApi, request: web.Request) -> web.StreamResponse:
    guild_id = _command_guild(api, request)
    return json_response(api.state.command(guild_id, api.snowflake(request, "command_id")))


async def edit_command(api: RestApi, request: web.Request) -> web.StreamResponse:
    guild_id = _command_guild(api, request)
    command = api.state.command(guild_id, api.snowflake(request, "command_id"))
    body = {**command, **(await api.json(request))}
    command_rules.validate_one(body)
    command.update(body)
    return json_response(command)


async def delete_command(api: RestApi, request: web.Request) -> web.StreamResponse:
    guild_id = _command_guild(api, request)
    api.state.delete_command(guild_id, api.snowflake(request, "command_id"))
    return no_content()


async def command_permissions(api: RestApi, request: web.Request) -> web.StreamResponse:
    _command_guild(api, request)
    return json_response([])


# -- interactions and webhooks -----------------------------------------------------


async def interaction_callback(api: RestApi, request: web.Request) -> web.StreamResponse:
    body = await api.body(request)
    out = api.interactions.callback(
        api.snowflake(request, "interaction_id"),
        request.match_info["token"],
        body,
        parse_with_response(request.query.get("with_response", "false")),
    )
    return no_content() if out is None else json_response(out)


def _app_id(api: RestApi, request: web.Request) -> int:
    raw = request.match_info["application_id"]
    if not raw.isdigit():
        raise unknown(UNKNOWN_WEBHOOK)
    return int(raw)


async def execute_webhook(api: RestApi, request: web.Request) -> web.StreamResponse:
    body = await api.body(request)
    msg = api.interactions.execute(_app_id(api, request), request.match_info["token"], body)
    if parse_with_response(request.query.get("wait", "false")):
        return json_response(api.state.message_payload(msg))
    return no_content()


async def get_webhook_message(api: RestApi, request: web.Request) -> web.StreamResponse:
    msg = api.interactions.get_message(
        _app_id(api, request), request.match_info["token"], request.match_info["message_id"]
    )
    return json_response(api.state.message_payload(msg))


async def edit_webhook_message(api: RestApi, request: web.Request) -> web.StreamResponse:
    body = await api.body(request)
    msg = api.interactions.edit_message(
        _app_id(api, request), request.match_info["token"], request.match_info["message_id"], body
    )
    return json_response(api.state.message_payload(msg))


async def delete_webhook_message(api: RestApi, request: web.Request) -> web.StreamResponse:
    api.interactions.delete_message(
        _app_id(api, request), request.match_info["token"], request.match_info["message_id"]
    )
    return no_content()


_APP = "/applications/{application_id}"
_HOOK = "/webhooks/{application_id}/{token}"
ROUTES: list[Route] = [
    ("GET", "/users/@me", get_me),
    ("GET", "/oauth2/applications/@me", get_application),
    ("GET", "/applications/@me", get_application),
    ("GET", "/gateway", get_gateway),
    ("GET", "/gateway/bot", get_gateway_bot),
    ("GET", "/users/{user_id:\\d+}", get_user),
    ("GET", _APP + "/commands", list_commands),
    ("PUT", _APP + "/commands", put_commands),
    ("POST", _APP + "/commands", create_command),
    ("GET", _APP + "/commands/{command_id}", get_command),
    ("PATCH", _APP + "/commands/{command_id}", edit_command),
    ("DELETE", _APP + "/commands/{command_id}", delete_command),
    ("GET", _APP + "/guilds/{guild_id}/commands/permissions", command_permissions),
    ("GET", _APP + "/guilds/{guild_id}/commands", list_commands),
    ("PUT", _APP + "/guilds/{guild_id}/commands", put_commands),
    ("POST", _APP + "/guilds/{guild_id}/commands", create_command),
    ("GET", _APP + "/guilds/{guild_id}/commands/{command_id}", get_command),
    ("PATCH", _APP + "/guilds/{guild_id}/commands/{command_id}", edit_command),
    ("DELETE", _APP + "/guilds/{guild_id}/commands/{command_id}", delete_command),
    ("POST", "/interactions/{interaction_id}/{token}/callback", interaction_callback),
    ("POST", _HOOK, execute_webhook),
    ("GET", _HOOK + "/messages/{message_id}", get_webhook_message),
    ("PATCH", _HOOK + "/messages/{message_id}", edit_webhook_message),
    ("DELETE", _HOOK + "/messages/{message_id}", delete_webhook_message),
]
