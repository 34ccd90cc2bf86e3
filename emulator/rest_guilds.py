"""REST: guilds, channels, permission overwrites, roles, members and scheduled events."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from aiohttp import web

from emulator import caps, channel_rules
from emulator import permissions as P
from emulator.bodies import json_response, no_content
from emulator.errors import ApiError, form_error, missing_permissions
from emulator.models import CATEGORY, JSON, THREAD_TYPES, Channel, Guild, Overwrite, Role
from emulator.snowflakes import parse_iso

if TYPE_CHECKING:
    from emulator.rest import RestApi, Route

CHANNEL_TYPES = frozenset({0, 2, 4, 5, 13, 15, 16})
_SLUG_TYPES = frozenset({0, 5, 15})


def _bits(value: Any, path: str) -> int:
    try:
        return P.parse_bits(value)
    except ValueError:
        raise form_error(path, "Could not interpret value as an integer.", "NUMBER_TYPE_COERCE") from None


def _channel_name(value: Any, kind: int) -> str:
    if not isinstance(value, str) or not 1 <= len(value.strip()) <= 100:
        raise form_error("name", "Must be between 1 and 100 in length.", "BASE_TYPE_BAD_LENGTH")
    name = value.strip()
    if kind in _SLUG_TYPES:
        name = "-".join(name.lower().split())
    return name


def _parse_overwrites(api: RestApi, guild: Guild, raw: Any, granting: int) -> list[Overwrite]:
    """Overwrites from a body; the bot may only allow/deny permissions it has itself (unless admin)."""
    if not isinstance(raw, list):
        raise form_error("permission_overwrites", "Must be an array.", "BASE_TYPE_ARRAY")
    out = []
    for i, item in enumerate(raw):
        try:
            target = int(item["id"])
            kind = int(item.get("type") or 0)
        except (KeyError, TypeError, ValueError):
            raise form_error(
                f"permission_overwrites.{i}.id", "This field is required", "BASE_TYPE_REQUIRED"
            ) from None
        if kind == 0 and target not in guild.roles:
            raise form_error(f"permission_overwrites.{i}.id", "Unknown role", "UNKNOWN_ROLE")
        if kind == 1 and target not in api.state.users:
            raise form_error(f"permission_overwrites.{i}.id", "Unknown user", "UNKNOWN_USER")
        allow = _bits(item.get("allow"), f"permission_overwrites.{i}.allow")
        deny = _bits(item.get("deny"), f"permission_overwrites.{i}.deny")
        out.append(Overwrite(target, kind, allow, deny))
    _check_grantable(api, guild, [bits for ow in out for bits in (ow.allow, ow.deny)], granting)
    return out


def _check_grantable(api: RestApi, guild: Guild, values: list[int], granting: int) -> None:
    if api.is_owner(guild) or granting & P.ADMINISTRATOR:
        return
    for bits in values:
        if bits & ~granting:
            raise missing_permissions()


def _parent(api: RestApi, guild: Guild, raw: Any) -> Channel | None:
    if raw is None:
        return None
    parent = api.state.channels.get(int(raw)) if str(raw).isdigit() else None
    if parent is None or parent.guild_id != guild.id or parent.type != CATEGORY:
        raise form_error("parent_id", "Category does not exist", "CHANNEL_PARENT_INVALID")
    return parent


# -- guild and channels --------------------------------------------------------------


async def get_guild(api: RestApi, request: web.Request) -> web.StreamResponse:
    guild = api.guild(request)
    out = guild.payload()
    if request.query.get("with_counts", "").lower() in ("1", "true"):
        out.update(approximate_member_count=len(guild.members), approximate_presence_count=0)
    return json_response(out)


async def list_channels(api: RestApi, request: web.Request) -> web.StreamResponse:
    guild = api.guild(request)
    return json_response([c.payload() for c in api.state.guild_channels(guild)])


async def active_threads(api: RestApi, request: web.Request) -> web.StreamResponse:
    guild = api.guild(request)
    threads = [api.state.channels[c] for c in guild.channel_ids if api.state.channels[c].type in THREAD_TYPES]
    return json_response({"threads": [t.payload() for t in threads if not t.archived], "members": []})


async def get_channel(api: RestApi, request: web.Request) -> web.StreamResponse:
    return json_response(api.state.channel_payload(api.channel(request)))


async def create_channel(api: RestApi, request: web.Request) -> web.StreamResponse:
    guild = api.guild(request)
    data = await api.json(request)
    kind = int(data.get("type") or 0)
    if kind not in CHANNEL_TYPES:
        raise form_error("type", f"Value must be one of {sorted(CHANNEL_TYPES)}.", "BASE_TYPE_CHOICES")
    channel_rules.check_channel(data, kind)
    name = _channel_name(data.get("name"), kind)
    parent = _parent(api, guild, data.get("parent_id")) if kind != CATEGORY else None
    perms = api.channel_perms(parent) if parent else api.guild_perms(guild)
    api.need(perms, P.MANAGE_CHANNELS)
    overwrites = _parse_overwrites(
        api, guild, data.get("permission_overwrites") or [], api.guild_perms(guild)
    )
    if overwrites:
        api.need(api.guild_perms(guild), P.MANAGE_ROLES)
    topic = data.get("topic")
    caps.check_new_channel(api.state, guild, kind=kind, parent_id=parent.id if parent else None)
    channel = api.state.create_channel(
        guild,
        name,
        type=kind,
        parent_id=parent.id if parent else None,
        topic=topic,
        overwrites=overwrites,
        position=data.get("position"),
        nsfw=bool(data.get("nsfw")),
        rate_limit_per_user=int(data.get("rate_limit_per_user") or 0),
        available_tags=data.get("available_tags"),
    )
    return json_response(channel.payload(), 201)


async def edit_channel(api: RestApi, request: web.Request) -> web.StreamResponse:
    channel = api.channel(request)
    data = await api.json(request)
    state = api.state
    guild = state.guild_of(channel)
    if guild is None:
        raise ApiError(400, 50003, "Cannot execute action on a DM channel")
    perms = api.channel_perms(channel)
    changes: JSON = {}
    if channel.type in THREAD_TYPES:
        if channel.owner_id != state.bot.id:
            api.need(perms, P.MANAGE_THREADS)
        channel_rules.check_thread(data, creating=False)
        for key in ("name", "archived", "locked", "auto_archive_duration", "rate_limit_per_user"):
            if key in data:
                changes[key] = data[key]
        if "applied_tags" in data:
            changes["applied_tags"] = [int(t) for t in data["applied_tags"] or []]
        return json_response(state.update_channel(channel, changes).payload())
    api.need(perms, P.MANAGE_CHANNELS)
    channel_rules.check_channel(data, int(data.get("type") or channel.type))
    if "name" in data:
        changes["name"] = _channel_name(data["name"], channel.type)
    for key in ("topic", "nsfw", "rate_limit_per_user", "position", "available_tags"):
        if key in data:
            changes[key] = data[key]
    if "parent_id" in data:
        parent = _parent(api, guild, data["parent_id"])
        changes["parent_id"] = parent.id if parent else None
        caps.check_moves(api.state, guild, {channel.id: changes["parent_id"]})
        if data.get("lock_permissions") and parent is not None:
            changes["overwrites"] = [Overwrite(o.id, o.type, o.allow, o.deny) for o in parent.overwrites]
    if "permission_overwrites" in data:
        api.need(perms, P.MANAGE_ROLES)
        changes["overwrites"] = _parse_overwrites(
            api, guild, data["permission_overwrites"] or [], api.guild_perms(guild)
        )
    return json_response(state.update_channel(channel, changes).payload())


async def delete_channel(api: RestApi, request: web.Request) -> web.StreamResponse:
    channel = api.channel(request)
    if channel.guild_id is None:
        return json_response(api.state.channel_payload(channel))
    perms = api.channel_perms(channel)
    api.need(perms, P.MANAGE_THREADS if channel.type in THREAD_TYPES else P.MANAGE_CHANNELS)
    payload = channel.payload()
    api.state.delete_channel(channel)
    return json_response(payload)


async def reorder_channels(api: RestApi, request: web.Request) -> web.StreamResponse:
    guild = api.guild(request)
    api.need(api.guild_perms(guild), P.MANAGE_CHANNELS)
    items = (await api.body(request)).array()
    caps.check_moves(api.state, guild, caps.reorder_moves(items))
    for item in items:
        channel = api.state.guild_channel(guild, int(item["id"]))
        changes: JSON = {}
        if item.get("position") is not None:
            changes["position"] = int(item["position"])
        if "parent_id" in item:
            parent = _parent(api, guild, item["parent_id"])
            changes["parent_id"] = parent.id if parent else None
            if item.get("lock_permissions") and parent is not None:
                changes["overwrites"] = [Overwrite(o.id, o.type, o.allow, o.deny) for o in parent.overwrites]
        api.state.update_channel(channel, changes)
    return no_content()


async def put_overwrite(api: RestApi, request: web.Request) -> web.StreamResponse:
    channel = api.channel(request)
    guild = api.state.guild_of(channel)
    if guild is None:
        raise ApiError(400, 50003, "Cannot execute action on a DM channel")
    api.need(api.channel_perms(channel), P.MANAGE_ROLES)
    data = await api.json(request)
    target = api.snowflake(request, "overwrite_id")
    channel_rules.check_overwrite(data)
    kind = int(data["type"]) if data.get("type") is not None else 0 if target in guild.roles else 1
    ow = _parse_overwrites(
        api,
        guild,
        [{"id": target, "type": kind, "allow": data.get("allow"), "deny": data.get("deny")}],
        api.guild_perms(guild),
    )[0]
    api.state.set_overwrite(channel, ow)
    return no_content()


async def delete_overwrite(api: RestApi, request: web.Request) -> web.StreamResponse:
    channel = api.channel(request)
    api.need(api.channel_perms(channel), P.MANAGE_ROLES)
    api.state.delete_overwrite(channel, api.snowflake(request, "overwrite_id"))
    return no_content()


# -- roles -------------------------------------------------------------------------------


def _editable_role(api: RestApi, guild: Guild, role: Role) -> None:
    """Manage Roles, and the role strictly below the bot's highest role (owner exempt)."""
    api.need(api.guild_perms(guild), P.MANAGE_ROLES)
    if not api.is_owner(guild) and role.position >= api.bot_top(guild):
        raise missing_permissions()


def _role_fields(api: RestApi, guild: Guild, data: JSON) -> JSON:
    fields: JSON = {}
    if "name" in data:
        name = str(data["name"] or "new role")
        if len(name) > 100:
            raise form_error("name", "Must be 100 or fewer in length.", "BASE_TYPE_MAX_LENGTH")
        fields["name"] = name
    if "permissions" in data and data["permissions"] is not None:
        bits = _bits(data["permissions"], "permissions")
        _check_grantable(api, guild, [bits], api.guild_perms(guild))
        fields["permissions"] = bits
    colors = data.get("colors")
    if isinstance(colors, dict) and colors.get("primary_color") is not None:
        fields["color"] = int(colors["primary_color"])
    elif data.get("color") is not None:
        fields["color"] = int(data["color"])
    for key in ("hoist", "mentionable"):
        if key in data and data[key] is not None:
            fields[key] = bool(data[key])
    return fields


async def list_roles(api: RestApi, request: web.Request) -> web.StreamResponse:
    guild = api.guild(request)
    return json_response([r.payload() for r in api.state.sorted_roles(guild)])


async def get_role(api: RestApi, request: web.Request) -> web.StreamResponse:
    guild = api.guild(request)
    return json_response(api.state.role(guild, api.snowflake(request, "role_id")).payload())


async def create_role(api: RestApi, request: web.Request) -> web.StreamResponse:
    guild = api.guild(request)
    api.need(api.guild_perms(guild), P.MANAGE_ROLES)
    data = await api.json(request)
    channel_rules.check_role(data)
    fields = _role_fields(api, guild, data)
    caps.check_new_role(guild)
    if "permissions" not in data or data.get("permissions") is None:
        fields["permissions"] = guild.roles[guild.id].permissions & api.guild_perms(guild)
    role = api.state.create_role(guild, fields.pop("name", "new role"), **fields)
    return json_response(role.payload())


async def edit_role(api: RestApi, request: web.Request) -> web.StreamResponse:
    guild = api.guild(request)
    role = api.state.role(guild, api.snowflake(request, "role_id"))
    _editable_role(api, guild, role)
    data = await api.json(request)
    channel_rules.check_role(data)
    fields = _role_fields(api, guild, data)
    if role.id == guild.id:
        fields.pop("name", None)
    return json_response(api.state.update_role(guild, role, fields).payload())


async def reorder_roles(api: RestApi, request: web.Request) -> web.StreamResponse:
    guild = api.guild(request)
    api.need(api.guild_perms(guild), P.MANAGE_ROLES)
    positions: dict[int, int] = {}
    for item in (await api.body(request)).array():
        role = api.state.role(guild, int(item["id"]))
        target = int(item.get("position") or 0)
        if role.id == guild.id:
            continue
        if not api.is_owner(guild) and (role.position >= api.bot_top(guild) or target >= api.bot_top(guild)):
            raise missing_permissions()
        positions[role.id] = target
    api.state.move_roles(guild, positions)
    return json_response([r.payload() for r in api.state.sorted_roles(guild)])


async def delete_role(api: RestApi, request: web.Request) -> web.StreamResponse:
    guild = api.guild(request)
    role = api.state.role(guild, api.snowflake(request, "role_id"))
    _editable_role(api, guild, role)
    if role.id == guild.id or role.managed:
        raise ApiError(400, 50028, "Invalid Role")
    api.state.delete_role(guild, role)
    return no_content()


# -- members -----------------------------------------------------------------------------


def _target_user(api: RestApi, request: web.Request) -> int:
    raw = request.match_info["user_id"]
    return api.state.bot.id if raw == "@me" else api.snowflake(request, "user_id")


def _assignable(api: RestApi, guild: Guild, role: Role) -> None:
    api.need(api.guild_perms(guild), P.MANAGE_ROLES)
    if role.managed or role.id == guild.id:
        raise missing_permissions()
    if not api.is_owner(guild) and role.position >= api.bot_top(guild):
        raise missing_permissions()


async def get_member(api: RestApi, request: web.Request) -> web.StreamResponse:
    guild = api.guild(request)
    member = api.state.member(guild, _target_user(api, request))
    return json_response(api.state.member_payload(guild, member))


async def list_members(api: RestApi, request: web.Request) -> web.StreamResponse:
    guild = api.guild(request)
    limit = max(1, min(1000, int(request.query.get("limit", "1"))))
    after = int(request.query.get("after", "0"))
    members = sorted((m for m in guild.members.values() if m.user_id > after), key=lambda m: m.user_id)[
        :limit
    ]
    return json_response([api.state.member_payload(guild, m) for m in members])


async def search_members(api: RestApi, request: web.Request) -> web.StreamResponse:
    guild = api.guild(request)
    query = request.query.get("query", "").lower()
    limit = max(1, min(1000, int(request.query.get("limit", "1"))))
    found = [
        m
        for m in guild.members.values()
        if api.state.users[m.user_id].username.lower().startswith(query)
        or (m.nick or "").lower().startswith(query)
    ][:limit]
    return json_response([api.state.member_payload(guild, m) for m in found])


async def edit_member(api: RestApi, request: web.Request) -> web.StreamResponse:
    guild = api.guild(request)
    user_id = _target_user(api, request)
    member = api.state.member(guild, user_id)
    data = await api.json(request)
    roles: list[int] | None = None
    if "roles" in data and data["roles"] is not None:
        wanted = [int(r) for r in data["roles"]]
        for role_id in set(wanted) ^ set(member.roles):
            _assignable(api, guild, api.state.role(guild, role_id))
        roles = wanted
    nick: Any = ...
    if "nick" in data:
        if user_id == api.state.bot.id:
            api.need(api.guild_perms(guild), P.CHANGE_NICKNAME)
        else:
            api.need(api.guild_perms(guild), P.MANAGE_NICKNAMES)
            if user_id == guild.owner_id or (
                not api.is_owner(guild) and api.state.top_position(guild, user_id) >= api.bot_top(guild)
            ):
                raise missing_permissions()
        if data["nick"] is not None and len(str(data["nick"])) > 32:
            raise form_error("nick", "Must be 32 or fewer in length.", "BASE_TYPE_MAX_LENGTH")
        nick = data["nick"]
    if "communication_disabled_until" in data:
        api.need(api.guild_perms(guild), P.MODERATE_MEMBERS)
    api.state.update_member(guild, member, roles=roles, nick=nick)
    return json_response(api.state.member_payload(guild, member))


async def member_role(api: RestApi, request: web.Request) -> web.StreamResponse:
    guild = api.guild(request)
    member = api.state.member(guild, api.snowflake(request, "user_id"))
    role = api.state.role(guild, api.snowflake(request, "role_id"))
    _assignable(api, guild, role)
    has = role.id in member.roles
    if request.method == "PUT" and not has:
        api.state.update_member(guild, member, roles=[*member.roles, role.id])
    elif request.method == "DELETE" and has:
        api.state.update_member(guild, member, roles=[r for r in member.roles if r != role.id])
    return no_content()


async def kick_member(api: RestApi, request: web.Request) -> web.StreamResponse:
    guild = api.guild(request)
    user_id = api.snowflake(request, "user_id")
    api.state.member(guild, user_id)
    api.need(api.guild_perms(guild), P.KICK_MEMBERS)
    if user_id == guild.owner_id or (
        not api.is_owner(guild) and api.state.top_position(guild, user_id) >= api.bot_top(guild)
    ):
        raise missing_permissions()
    api.state.remove_member(guild, user_id)
    return no_content()


# -- scheduled events --------------------------------------------------------------------

STAGE, VOICE_EVENT, EXTERNAL = 1, 2, 3
_STATUS_MOVES = {(1, 2), (1, 4), (2, 3), (1, 1), (2, 2)}


def _time(value: Any, path: str) -> datetime.datetime:
    try:
        return parse_iso(str(value))
    except ValueError:
        raise form_error(path, "Could not parse timestamp.", "DATE_TIME_TYPE_PARSE") from None


def _event_fields(api: RestApi, guild: Guild, data: JSON, current: JSON) -> JSON:
    """Validate a create/edit body merged over the current values; returns model fields."""
    merged = {**current, **data}
    fields: JSON = {}
    name = merged.get("name")
    if not isinstance(name, str) or not 1 <= len(name) <= 100:
        raise form_error("name", "Must be between 1 and 100 in length.", "BASE_TYPE_BAD_LENGTH")
    description = merged.get("description")
    if description is not None and len(str(description)) > 1000:
        raise form_error("description", "Must be 1000 or fewer in length.", "BASE_TYPE_MAX_LENGTH")
    if merged.get("privacy_level", 2) != 2:
        raise form_error("privacy_level", "Value must be one of {2}.", "BASE_TYPE_CHOICES")
    kind = merged.get("entity_type")
    if kind not in (STAGE, VOICE_EVENT, EXTERNAL):
        raise form_error("entity_type", "Value must be one of (1, 2, 3).", "BASE_TYPE_CHOICES")
    if merged.get("scheduled_start_time") is None:
        raise form_error("scheduled_start_time", "This field is required", "BASE_TYPE_REQUIRED")
    start = _time(merged["scheduled_start_time"], "scheduled_start_time")
    if "scheduled_start_time" in data and start < api.state.now():
        raise form_error(
            "scheduled_start_time",
            "Cannot schedule event in the past.",
            "GUILD_SCHEDULED_EVENT_SCHEDULED_START_TIME_IN_PAST",
        )
    end = (
        _time(merged["scheduled_end_time"], "scheduled_end_time")
        if merged.get("scheduled_end_time")
        else None
    )
    if end is not None and end <= start:
        raise form_error(
            "scheduled_end_time", "Must be after the start time.", "GUILD_SCHEDULED_EVENT_END_BEFORE_START"
        )
    channel_id = merged.get("channel_id")
    if kind == EXTERNAL:
        location = (merged.get("entity_metadata") or {}).get("location")
        if not location or len(str(location)) > 100:
            raise form_error("entity_metadata.location", "This field is required", "BASE_TYPE_REQUIRED")
        if end is None:
            raise form_error("scheduled_end_time", "This field is required", "BASE_TYPE_REQUIRED")
        channel_id = None
        fields["entity_metadata"] = {"location": str(location)}
    else:
        channel = (
            api.state.channels.get(int(channel_id)) if channel_id and str(channel_id).isdigit() else None
        )
        if channel is None or channel.guild_id != guild.id or channel.type != (13 if kind == STAGE else 2):
            raise form_error("channel_id", "This field is required", "BASE_TYPE_REQUIRED")
        fields["entity_metadata"] = None
    fields.update(
        name=name,
        description=description,
        scheduled_start_time=start.isoformat(),
        scheduled_end_time=end.isoformat() if end else None,
        entity_type=kind,
        channel_id=int(channel_id) if channel_id else None,
    )
    if merged.get("image") is not None:
        fields["image"] = "emulated-image-hash"
    return fields


def _event_perms(api: RestApi, guild: Guild, creator_id: int | None = None) -> None:
    perms = api.guild_perms(guild)
    if perms & P.MANAGE_EVENTS:
        return
    if perms & P.CREATE_EVENTS and creator_id in (None, api.state.bot.id):
        return
    raise missing_permissions()


def _flag(request: web.Request, key: str) -> bool:
    return request.query.get(key, "").lower() in ("1", "true")


def _query_id(request: web.Request, key: str) -> int | None:
    raw = request.query.get(key)
    if raw is None or raw == "":
        return None
    if not raw.isdigit():
        raise form_error(key, f'Value "{raw}" is not snowflake.', "NUMBER_TYPE_COERCE")
    return int(raw)


async def list_events(api: RestApi, request: web.Request) -> web.StreamResponse:
    guild = api.guild(request)
    counts = _flag(request, "with_user_count")
    return json_response(
        [api.state.event_payload(api.state.events[e], with_user_count=counts) for e in guild.event_ids]
    )


async def get_event(api: RestApi, request: web.Request) -> web.StreamResponse:
    guild = api.guild(request)
    event = api.state.scheduled_event(guild, api.snowflake(request, "event_id"))
    return json_response(api.state.event_payload(event, with_user_count=_flag(request, "with_user_count")))


async def create_event(api: RestApi, request: web.Request) -> web.StreamResponse:
    guild = api.guild(request)
    _event_perms(api, guild)
    data = await api.json(request)
    fields = _event_fields(api, guild, data, {})
    event = api.state.create_event(guild, {**fields, "creator_id": api.state.bot.id})
    return json_response(api.state.event_payload(event))


async def edit_event(api: RestApi, request: web.Request) -> web.StreamResponse:
    guild = api.guild(request)
    event = api.state.scheduled_event(guild, api.snowflake(request, "event_id"))
    _event_perms(api, guild, event.creator_id)
    data = await api.json(request)
    current = api.state.event_payload(event)
    fields = _event_fields(api, guild, data, current)
    if "status" in data and data["status"] is not None:
        status = int(data["status"])
        if (event.status, status) not in _STATUS_MOVES:
            raise form_error("status", "Invalid status transition.", "GUILD_SCHEDULED_EVENT_INVALID_STATUS")
        fields["status"] = status
    return json_response(api.state.event_payload(api.state.update_event(event, fields)))


async def delete_event(api: RestApi, request: web.Request) -> web.StreamResponse:
    guild = api.guild(request)
    event = api.state.scheduled_event(guild, api.snowflake(request, "event_id"))
    _event_perms(api, guild, event.creator_id)
    api.state.delete_event(event)
    return no_content()


async def event_users(api: RestApi, request: web.Request) -> web.StreamResponse:
    """Who clicked "Interested", as Discord answers: ascending user ids, at most `limit` (1-100, default
    100); `before` wins over `after` and gives the users just below it."""
    guild = api.guild(request)
    event = api.state.scheduled_event(guild, api.snowflake(request, "event_id"))
    raw_limit = request.query.get("limit", "100")
    if not raw_limit.isdigit():
        raise form_error("limit", "Could not interpret value as an integer.", "NUMBER_TYPE_COERCE")
    limit = int(raw_limit)
    if limit > 100:
        raise form_error("limit", "int value should be less than or equal to 100.", "NUMBER_TYPE_MAX")
    if limit < 1:
        raise form_error("limit", "int value should be greater than or equal to 1.", "NUMBER_TYPE_MIN")
    before, after = _query_id(request, "before"), _query_id(request, "after")
    users = sorted(event.subscribers)
    if before is not None:
        picked = [u for u in users if u < before][-limit:]
    else:
        picked = [u for u in users if after is None or u > after][:limit]
    with_member = _flag(request, "with_member")
    out = []
    for user_id in picked:
        item: JSON = {
            "guild_scheduled_event_id": str(event.id),
            "user": api.state.user(user_id).payload(),
        }
        member = guild.members.get(user_id)
        if with_member and member is not None:
            item["member"] = api.state.member_payload(guild, member)
        out.append(item)
    return json_response(out)


_G = "/guilds/{guild_id}"
_EV = _G + "/scheduled-events"
ROUTES: list[Route] = [
    ("GET", _G, get_guild),
    ("GET", _G + "/channels", list_channels),
    ("POST", _G + "/channels", create_channel),
    ("PATCH", _G + "/channels", reorder_channels),
    ("GET", _G + "/threads/active", active_threads),
    ("GET", "/channels/{channel_id}", get_channel),
    ("PATCH", "/channels/{channel_id}", edit_channel),
    ("DELETE", "/channels/{channel_id}", delete_channel),
    ("PUT", "/channels/{channel_id}/permissions/{overwrite_id}", put_overwrite),
    ("DELETE", "/channels/{channel_id}/permissions/{overwrite_id}", delete_overwrite),
    ("GET", _G + "/roles", list_roles),
    ("POST", _G + "/roles", create_role),
    ("PATCH", _G + "/roles", reorder_roles),
    ("GET", _G + "/roles/{role_id}", get_role),
    ("PATCH", _G + "/roles/{role_id}", edit_role),
    ("DELETE", _G + "/roles/{role_id}", delete_role),
    ("GET", _G + "/members/search", search_members),
    ("GET", _G + "/members", list_members),
    ("GET", _G + "/members/{user_id}", get_member),
    ("PATCH", _G + "/members/{user_id}", edit_member),
    ("DELETE", _G + "/members/{user_id}", kick_member),
    ("PUT", _G + "/members/{user_id}/roles/{role_id}", member_role),
    ("DELETE", _G + "/members/{user_id}/roles/{role_id}", member_role),
    ("GET", _EV, list_events),
    ("POST", _EV, create_event),
    ("GET", _EV + "/{event_id}", get_event),
    ("PATCH", _EV + "/{event_id}", edit_event),
    ("DELETE", _EV + "/{event_id}", delete_event),
    ("GET", _EV + "/{event_id}/users", event_users),
]
