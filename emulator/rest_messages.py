"""REST: messages, DMs, pins, reactions, typing and threads."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import unquote

from aiohttp import web

from emulator import channel_rules, limits
from emulator import permissions as P
from emulator.bodies import json_response, no_content
from emulator.errors import (
    CANNOT_DM_USER,
    CANNOT_EDIT_OTHERS_MESSAGE,
    NON_TEXT_CHANNEL,
    UNKNOWN_MESSAGE,
    ApiError,
    form_error,
    missing_access,
    missing_permissions,
    unknown,
)
from emulator.messages import CREATE_FLAGS, apply_edit, build_attachments
from emulator.models import (
    DM,
    FORUM,
    JSON,
    MESSAGEABLE_TYPES,
    PRIVATE_THREAD,
    PUBLIC_THREAD,
    THREAD_TYPES,
    Channel,
)
from emulator.snowflakes import iso_now

if TYPE_CHECKING:
    from emulator.rest import RestApi, Route


def _check_send(api: RestApi, channel: Channel, files: int) -> None:
    """Discord's checks before a bot posts in a channel."""
    if channel.type not in MESSAGEABLE_TYPES:
        raise ApiError(400, NON_TEXT_CHANNEL, "Cannot send messages in a non-text channel")
    if channel.type == DM:
        recipient = api.state.users.get(channel.recipient_id or 0)
        if recipient is None or not recipient.dms_open or recipient.bot:
            raise ApiError(403, CANNOT_DM_USER, "Cannot send messages to this user")
        return
    perms = api.channel_perms(channel)
    if channel.type in THREAD_TYPES and channel.archived:
        raise ApiError(400, 50083, "Thread is archived")
    api.need(perms, P.SEND_MESSAGES)
    if files:
        api.need(perms, P.ATTACH_FILES)


async def create_message(api: RestApi, request: web.Request) -> web.StreamResponse:
    channel = api.channel(request)
    body = await api.body(request)
    data = body.obj()
    _check_send(api, channel, len(body.files))
    limits.validate_message(data)
    if limits.is_empty(data, len(body.files)):
        raise limits.empty_message()
    state = api.state
    nonce = data.get("nonce")
    if nonce is not None and data.get("enforce_nonce"):
        earlier = state.find_nonce(channel, state.bot.id, nonce)
        if earlier is not None:
            return json_response(state.message_payload(earlier))
    reference = _reference(api, channel, data.get("message_reference"))
    msg = state.create_message(
        channel,
        state.bot.id,
        content=str(data.get("content") or ""),
        embeds=data.get("embeds") or ([data["embed"]] if data.get("embed") else []),
        components=data.get("components") or [],
        attachments=build_attachments(state, channel.id, data, body),
        flags=int(data.get("flags") or 0) & CREATE_FLAGS,
        nonce=nonce,
        tts=bool(data.get("tts")),
        type=19 if reference else 0,
        message_reference=reference,
    )
    return json_response(state.message_payload(msg))


def _reference(api: RestApi, channel: Channel, ref: JSON | None) -> JSON | None:
    if not ref or not ref.get("message_id"):
        return None
    target = api.state.messages.get(int(ref["message_id"]))
    if target is None or target.ephemeral:
        if ref.get("fail_if_not_exists", True):
            raise form_error("message_reference", "Unknown message", "MESSAGE_REFERENCE_UNKNOWN_MESSAGE")
        return None
    out: JSON = {"type": 0, "message_id": str(target.id), "channel_id": str(target.channel_id)}
    if target.guild_id is not None:
        out["guild_id"] = str(target.guild_id)
    return out


async def list_messages(api: RestApi, request: web.Request) -> web.StreamResponse:
    channel = api.channel(request)
    if not api.channel_perms(channel) & P.READ_MESSAGE_HISTORY:
        return json_response([])
    limit = max(1, min(100, int(request.query.get("limit", "50"))))
    history = [m for m in api.state.channel_history(channel.id) if not m.ephemeral]
    query = request.query
    if "around" in query:
        pivot = int(query["around"])
        older = [m for m in history if m.id <= pivot][-((limit + 1) // 2) :]
        newer = [m for m in history if m.id > pivot][: limit - len(older)]
        picked = older + newer
    elif "after" in query:
        picked = [m for m in history if m.id > int(query["after"])][:limit]
    else:
        if "before" in query:
            history = [m for m in history if m.id < int(query["before"])]
        picked = history[-limit:]
    picked.sort(key=lambda m: m.id, reverse=True)
    return json_response([api.state.message_payload(m) for m in picked])


async def get_message(api: RestApi, request: web.Request) -> web.StreamResponse:
    channel = api.channel(request)
    if not api.channel_perms(channel) & P.READ_MESSAGE_HISTORY:
        raise missing_access()
    msg = api.state.message(channel.id, api.snowflake(request, "message_id"))
    if msg.ephemeral:
        raise unknown(UNKNOWN_MESSAGE)
    return json_response(api.state.message_payload(msg))


async def edit_message(api: RestApi, request: web.Request) -> web.StreamResponse:
    channel = api.channel(request)
    msg = api.state.message(channel.id, api.snowflake(request, "message_id"))
    if msg.ephemeral:
        raise unknown(UNKNOWN_MESSAGE)
    if msg.author_id != api.state.bot.id:
        raise ApiError(403, CANNOT_EDIT_OTHERS_MESSAGE, "Cannot edit a message authored by another user")
    body = await api.body(request)
    return json_response(api.state.message_payload(apply_edit(api.state, msg, body.obj(), body)))


async def delete_message(api: RestApi, request: web.Request) -> web.StreamResponse:
    channel = api.channel(request)
    msg = api.state.message(channel.id, api.snowflake(request, "message_id"))
    if msg.ephemeral:
        raise unknown(UNKNOWN_MESSAGE)
    if msg.author_id != api.state.bot.id and channel.type != DM:
        api.need(api.channel_perms(channel), P.MANAGE_MESSAGES)
    api.state.delete_message(msg)
    return no_content()


async def bulk_delete(api: RestApi, request: web.Request) -> web.StreamResponse:
    channel = api.channel(request)
    api.need(api.channel_perms(channel), P.MANAGE_MESSAGES)
    ids = (await api.json(request)).get("messages") or []
    if not 2 <= len(ids) <= 100:
        raise form_error("messages", "Must be between 2 and 100 in length.", "BASE_TYPE_BAD_LENGTH")
    for raw in ids:
        msg = api.state.messages.get(int(raw))
        if msg is not None and msg.channel_id == channel.id:
            api.state.delete_message(msg)
    return no_content()


async def create_dm(api: RestApi, request: web.Request) -> web.StreamResponse:
    data = await api.json(request)
    raw = data.get("recipient_id")
    if raw is None or not str(raw).isdigit():
        raise form_error("recipient_id", "This field is required", "BASE_TYPE_REQUIRED")
    user = api.state.user(int(raw))
    return json_response(api.state.channel_payload(api.state.dm_channel(user)))


async def typing(api: RestApi, request: web.Request) -> web.StreamResponse:
    api.channel(request)
    return no_content()


# -- pins ------------------------------------------------------------------------------


async def pin(api: RestApi, request: web.Request) -> web.StreamResponse:
    channel = api.channel(request)
    if channel.type != DM and not api.channel_perms(channel) & (P.MANAGE_MESSAGES | P.PIN_MESSAGES):
        raise missing_permissions()
    msg = api.state.message(channel.id, api.snowflake(request, "message_id"))
    pinned = request.method == "PUT"
    if msg.pinned != pinned:
        msg.pinned = pinned
        msg.pinned_at = iso_now() if pinned else None
        payload: JSON = {"channel_id": str(channel.id), "last_pin_timestamp": msg.pinned_at}
        if channel.guild_id is not None:
            payload["guild_id"] = str(channel.guild_id)
        api.state.emit("CHANNEL_PINS_UPDATE", payload, channel.guild_id)
    return no_content()


async def list_pins(api: RestApi, request: web.Request) -> web.StreamResponse:
    channel = api.channel(request)
    pinned = [m for m in api.state.channel_history(channel.id) if m.pinned]
    pinned.sort(key=lambda m: m.pinned_at or "", reverse=True)
    items = [{"pinned_at": m.pinned_at, "message": api.state.message_payload(m)} for m in pinned]
    if request.path.endswith("/messages/pins"):
        return json_response({"items": items, "has_more": False})
    return json_response([api.state.message_payload(m) for m in pinned])


# -- reactions -----------------------------------------------------------------------


async def react(api: RestApi, request: web.Request) -> web.StreamResponse:
    channel = api.channel(request)
    perms = api.channel_perms(channel)
    api.need(perms, P.READ_MESSAGE_HISTORY)
    if request.method == "PUT":
        api.need(perms, P.ADD_REACTIONS)
    msg = api.state.message(channel.id, api.snowflake(request, "message_id"))
    raw = unquote(request.match_info["emoji"])
    name, _, emoji_id = raw.partition(":")
    payload: JSON = {
        "user_id": str(api.state.bot.id),
        "channel_id": str(channel.id),
        "message_id": str(msg.id),
        "emoji": {"id": emoji_id or None, "name": name},
        "burst": False,
        "type": 0,
    }
    if channel.guild_id is not None:
        payload["guild_id"] = str(channel.guild_id)
    event = "MESSAGE_REACTION_ADD" if request.method == "PUT" else "MESSAGE_REACTION_REMOVE"
    api.state.emit(event, payload, channel.guild_id)
    return no_content()


# -- threads ---------------------------------------------------------------------------


async def create_thread(api: RestApi, request: web.Request) -> web.StreamResponse:
    parent = api.channel(request)
    body = await api.body(request)
    data = body.obj()
    channel_rules.check_thread(
        data, creating=True, forum=parent.type == FORUM, with_type=parent.type != FORUM
    )
    name = str(data["name"])
    perms = api.channel_perms(parent)
    state = api.state
    if parent.type == FORUM:
        api.need(perms, P.SEND_MESSAGES)
        message = data.get("message") or {}
        limits.validate_message(message)
        if limits.is_empty(message, len(body.files)):
            raise limits.empty_message()
        thread = state.create_thread(
            parent, name, state.bot.id, auto_archive=int(data.get("auto_archive_duration") or 1440)
        )
        thread.applied_tags = [int(t) for t in data.get("applied_tags") or []]
        msg = state.create_message(
            thread,
            state.bot.id,
            content=str(message.get("content") or ""),
            embeds=message.get("embeds") or [],
            components=message.get("components") or [],
            attachments=build_attachments(state, thread.id, message, body),
        )
        return json_response({**thread.payload(), "message": state.message_payload(msg)}, 201)
    if parent.type not in (0, 5):
        raise ApiError(400, NON_TEXT_CHANNEL, "Cannot create threads in this channel")
    kind = int(data.get("type") or PRIVATE_THREAD)
    api.need(perms, P.CREATE_PRIVATE_THREADS if kind == PRIVATE_THREAD else P.CREATE_PUBLIC_THREADS)
    thread = state.create_thread(
        parent, name, state.bot.id, type=kind, auto_archive=int(data.get("auto_archive_duration") or 1440)
    )
    return json_response(thread.payload(), 201)


async def thread_from_message(api: RestApi, request: web.Request) -> web.StreamResponse:
    parent = api.channel(request)
    msg = api.state.message(parent.id, api.snowflake(request, "message_id"))
    data = await api.json(request)
    channel_rules.check_thread(data, creating=True)
    api.need(api.channel_perms(parent), P.CREATE_PUBLIC_THREADS)
    thread = api.state.create_thread(
        parent,
        str(data["name"]),
        api.state.bot.id,
        type=PUBLIC_THREAD,
        auto_archive=int(data.get("auto_archive_duration") or 1440),
    )
    del msg
    return json_response(thread.payload(), 201)


_C = "/channels/{channel_id}"
_M = _C + "/messages/{message_id:\\d+}"
ROUTES: list[Route] = [
    ("POST", "/users/@me/channels", create_dm),
    ("GET", _C + "/messages/pins", list_pins),
    ("PUT", _C + "/messages/pins/{message_id}", pin),
    ("DELETE", _C + "/messages/pins/{message_id}", pin),
    ("GET", _C + "/pins", list_pins),
    ("PUT", _C + "/pins/{message_id}", pin),
    ("DELETE", _C + "/pins/{message_id}", pin),
    ("POST", _C + "/messages/bulk-delete", bulk_delete),
    ("POST", _C + "/messages", create_message),
    ("GET", _C + "/messages", list_messages),
    ("GET", _M, get_message),
    ("PATCH", _M, edit_message),
    ("DELETE", _M, delete_message),
    ("PUT", _M + "/reactions/{emoji}/@me", react),
    ("DELETE", _M + "/reactions/{emoji}/@me", react),
    ("POST", _M + "/threads", thread_from_message),
    ("POST", _C + "/threads", create_thread),
    ("POST", _C + "/typing", typing),
]
