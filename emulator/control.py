"""Control actions (the test harness's side of Discord): guilds, members, user messages, interactions, faults.

Every action of the HTTP control API is a method here, usable in-process without HTTP.
"""

from __future__ import annotations

from typing import Any

from emulator import permissions as P
from emulator.commands import build_chat_input, build_context_menu
from emulator.components import component_data, find_component, modal_submit_components
from emulator.errors import ApiError, ControlError
from emulator.faults import Faults
from emulator.gateway import Gateway
from emulator.interactions import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    MESSAGE_COMPONENT,
    MODAL,
    MODAL_SUBMIT,
    InteractionRecord,
    Interactions,
)
from emulator.models import DM, JSON, THREAD_TYPES, Channel, Guild, Message, Overwrite, User
from emulator.resolved import Resolver, parse_id
from emulator.state import PRIVILEGED_INTENTS, State
from emulator.views import channel_view, guild_view, member_view, message_view, role_view


def _id(body: JSON, key: str) -> int:
    if body.get(key) is None:
        raise ControlError(f"{key} is required")
    return parse_id(body[key], key)


def _opt_id(body: JSON, key: str) -> int | None:
    return None if body.get(key) is None else parse_id(body[key], key)


def _bits(value: Any, key: str) -> int:
    try:
        return P.parse_bits(value)
    except ValueError as exc:
        raise ControlError(f"{key}: {exc}") from None


class ControlActions:
    """The control API in process (`Emulator.control`); the HTTP routes in control_routes.py call these methods.

    `emulator.driver.Control` is the HTTP client of the same API, for tests in another process or task.
    """

    def __init__(
        self,
        state: State,
        gateway: Gateway,
        interactions: Interactions,
        faults: Faults,
        requests: list[JSON],
        *,
        wait_timeout: float = 5.0,
    ) -> None:
        self.state = state
        self.gateway = gateway
        self.interactions = interactions
        self.faults = faults
        self.requests = requests
        self.wait_timeout = wait_timeout

    # -- lookups ---------------------------------------------------------------------------

    def _lookup(self, fn: Any, *args: Any) -> Any:
        try:
            return fn(*args)
        except ApiError as exc:
            raise ControlError(exc.message, 404) from None

    def _guild(self, guild_id: int) -> Guild:
        guild: Guild = self._lookup(self.state.guild, guild_id)
        return guild

    def _user(self, user_id: int) -> User:
        user: User = self._lookup(self.state.user, user_id)
        return user

    def _channel(self, channel_id: int) -> Channel:
        channel: Channel = self._lookup(self.state.channel, channel_id)
        return channel

    def view(self, msg: Message) -> JSON:
        return message_view(self.state, msg)

    # -- guilds, members, roles, channels ----------------------------------------------------

    def create_guild(self, body: JSON) -> JSON:
        """A guild with owner, #general and the bot (a managed role named after it); the bot gets GUILD_CREATE."""
        name = body.get("name")
        if not isinstance(name, str) or not name:
            raise ControlError("name is required")
        perms = (
            _bits(body["bot_permissions"], "bot_permissions") if "bot_permissions" in body else P.DEFAULT_BOT
        )
        guild = self.state.create_guild(
            name, bot_permissions=perms, owner_name=str(body.get("owner_username", "owner"))
        )
        return guild_view(self.state, guild)

    def get_guild(self, guild_id: int) -> JSON:
        return guild_view(self.state, self._guild(guild_id))

    def list_guilds(self) -> list[JSON]:
        return [{"id": str(g.id), "name": g.name} for g in self.state.guilds.values()]

    def _admin_role(self, guild: Guild) -> int:
        for role in guild.roles.values():
            if role.name == "Admin" and role.permissions & P.ADMINISTRATOR:
                return role.id
        top = max(r.position for r in guild.roles.values()) + 1
        return self.state.create_role(
            guild, "Admin", permissions=P.ADMINISTRATOR, position=top, hoist=True
        ).id

    def add_member(self, guild_id: int, body: JSON) -> JSON:
        """Add a member (new user unless `user_id`); `admin: true` gives them an Administrator role."""
        guild = self._guild(guild_id)
        user_id = _opt_id(body, "user_id")
        if user_id is not None:
            user = self._user(user_id)
            if user.id in guild.members:
                raise ControlError(f"user {user.id} is already a member", 409)
        else:
            username = body.get("username")
            if not isinstance(username, str) or not username:
                raise ControlError("username is required")
            user = self.state.add_user(username, bot=bool(body.get("bot", False)))
        if "dms_open" in body:
            user.dms_open = bool(body["dms_open"])
        roles = [parse_id(r, "roles") for r in body.get("roles") or []]
        for role_id in roles:
            if role_id not in guild.roles:
                raise ControlError(f"unknown role {role_id}", 404)
        if body.get("admin"):
            roles.append(self._admin_role(guild))
        member = self.state.add_member(guild, user, roles=roles, nick=body.get("nick"))
        return member_view(self.state, member)

    def remove_member(self, guild_id: int, user_id: int) -> None:
        guild = self._guild(guild_id)
        self._lookup(self.state.remove_member, guild, user_id)

    def edit_member(self, guild_id: int, user_id: int, body: JSON) -> JSON:
        guild = self._guild(guild_id)
        member = self._lookup(self.state.member, guild, user_id)
        roles = None
        if "roles" in body:
            roles = [parse_id(r, "roles") for r in body["roles"] or []]
            for role_id in roles:
                if role_id not in guild.roles:
                    raise ControlError(f"unknown role {role_id}", 404)
        self.state.update_member(guild, member, roles=roles, nick=body.get("nick", ...))
        return member_view(self.state, member)

    def member_role(self, guild_id: int, user_id: int, role_id: int, add: bool) -> JSON:
        guild = self._guild(guild_id)
        member = self._lookup(self.state.member, guild, user_id)
        self._lookup(self.state.role, guild, role_id)
        roles = [*member.roles, role_id] if add else [r for r in member.roles if r != role_id]
        self.state.update_member(guild, member, roles=roles)
        return member_view(self.state, member)

    def set_user(self, user_id: int, body: JSON) -> JSON:
        user = self._user(user_id)
        if "dms_open" in body:
            user.dms_open = bool(body["dms_open"])
        if body.get("username"):
            user.username = str(body["username"])
        return self.state.control_user(user)

    def create_role(self, guild_id: int, body: JSON) -> JSON:
        guild = self._guild(guild_id)
        role = self.state.create_role(
            guild,
            str(body.get("name") or "new role"),
            permissions=_bits(body.get("permissions", 0), "permissions"),
            color=int(body.get("color") or 0),
            hoist=bool(body.get("hoist")),
            mentionable=bool(body.get("mentionable")),
            position=body.get("position"),
        )
        return role_view(role)

    def edit_role(self, guild_id: int, role_id: int, body: JSON) -> JSON:
        guild = self._guild(guild_id)
        role = self._lookup(self.state.role, guild, role_id)
        changes: JSON = {
            k: body[k] for k in ("name", "color", "hoist", "mentionable", "position") if k in body
        }
        if "permissions" in body:
            changes["permissions"] = _bits(body["permissions"], "permissions")
        return role_view(self.state.update_role(guild, role, changes))

    def delete_role(self, guild_id: int, role_id: int) -> None:
        guild = self._guild(guild_id)
        self.state.delete_role(guild, self._lookup(self.state.role, guild, role_id))

    def _overwrites(self, guild: Guild, raw: Any) -> list[Overwrite]:
        out = []
        for item in raw or []:
            target = parse_id(item.get("id"), "permission_overwrites.id")
            kind = int(item.get("type", 0 if target in guild.roles else 1))
            out.append(
                Overwrite(
                    target, kind, _bits(item.get("allow", 0), "allow"), _bits(item.get("deny", 0), "deny")
                )
            )
        return out

    def create_channel(self, guild_id: int, body: JSON) -> JSON:
        """Create a channel as the owner; `private: true` hides it from @everyone."""
        guild = self._guild(guild_id)
        overwrites = self._overwrites(guild, body.get("permission_overwrites"))
        if body.get("private"):
            overwrites.append(Overwrite(guild.id, 0, 0, P.VIEW_CHANNEL))
        channel = self.state.create_channel(
            guild,
            str(body.get("name") or "channel"),
            type=int(body.get("type") or 0),
            parent_id=_opt_id(body, "parent_id"),
            topic=body.get("topic"),
            overwrites=overwrites,
        )
        return channel_view(channel)

    def edit_channel(self, channel_id: int, body: JSON) -> JSON:
        channel = self._channel(channel_id)
        guild = self._guild(channel.guild_id or 0)
        changes: JSON = {k: body[k] for k in ("name", "topic", "position", "nsfw") if k in body}
        if "parent_id" in body:
            changes["parent_id"] = _opt_id(body, "parent_id")
        if "permission_overwrites" in body:
            changes["overwrites"] = self._overwrites(guild, body["permission_overwrites"])
        return channel_view(self.state.update_channel(channel, changes))

    def delete_channel(self, channel_id: int) -> None:
        self.state.delete_channel(self._channel(channel_id))

    def create_event(self, guild_id: int, body: JSON) -> JSON:
        """Create a scheduled event as the guild owner (no Discord-side validation)."""
        guild = self._guild(guild_id)
        fields = {
            "name": str(body.get("name") or "event"),
            "scheduled_start_time": str(body.get("scheduled_start_time") or ""),
            "scheduled_end_time": body.get("scheduled_end_time"),
            "entity_type": int(body.get("entity_type") or 3),
            "entity_metadata": body.get("entity_metadata") or {"location": "somewhere"},
            "description": body.get("description"),
            "creator_id": _opt_id(body, "creator_id") or guild.owner_id,
        }
        return self.state.event_payload(self.state.create_event(guild, fields))

    def mark_interested(self, event_id: int, body: JSON) -> JSON:
        """A member clicks "Interested" on a scheduled event (or takes it back with `interested: false`);
        GUILD_SCHEDULED_EVENT_USER_ADD / _REMOVE is dispatched when that changes anything."""
        event = self.state.events.get(event_id)
        if event is None:
            raise ControlError(f"unknown scheduled event {event_id}", 404)
        user = self._user(_id(body, "user_id"))
        if user.id not in self._guild(event.guild_id).members:
            raise ControlError(f"user {user.id} is not a member of guild {event.guild_id}", 403)
        interested = body.get("interested", True)
        if not isinstance(interested, bool):
            raise ControlError("interested must be true or false")
        changed = self.state.set_interested(event, user.id, interested)
        return {
            "changed": changed,
            "interested": [str(u) for u in sorted(event.subscribers)],
            "user_count": len(event.subscribers),
        }

    # -- messages -------------------------------------------------------------------------

    def _where(self, body: JSON, user: User) -> tuple[Guild | None, Channel]:
        """Guild and channel of an action: explicit ids, or the guild's system channel, or a DM."""
        guild_id = _opt_id(body, "guild_id")
        channel_id = _opt_id(body, "channel_id")
        if channel_id is not None:
            channel = self._channel(channel_id)
            guild = self.state.guild_of(channel)
            if guild_id is not None and (guild is None or guild.id != guild_id):
                raise ControlError(f"channel {channel_id} is not in guild {guild_id}")
        elif guild_id is not None:
            guild = self._guild(guild_id)
            if guild.system_channel_id is None or guild.system_channel_id not in self.state.channels:
                raise ControlError("channel_id is required")
            channel = self.state.channels[guild.system_channel_id]
        elif body.get("dm"):
            return None, self.state.dm_channel(user)
        else:
            raise ControlError("guild_id or channel_id is required")
        if channel.type == DM:
            if channel.recipient_id != user.id:
                raise ControlError("that DM channel belongs to another user", 403)
            return None, channel
        assert guild is not None
        if user.id not in guild.members:
            raise ControlError(f"user {user.id} is not a member of guild {guild.id}", 403)
        return guild, channel

    def _require(self, user: User, channel: Channel, bits: int, what: str) -> None:
        if self.state.channel_permissions(channel, user.id) & bits != bits:
            raise ControlError(f"user {user.id} cannot {what} in channel {channel.id}", 403)

    def post_message(self, body: JSON) -> JSON:
        """A member (or DM partner) posts a message; MESSAGE_CREATE is dispatched."""
        user = self._user(_id(body, "user_id"))
        _, channel = self._where(body, user)
        if channel.type not in (0, 1, 2, 5, 10, 11, 12, 13):
            raise ControlError(f"channel {channel.id} is not a text channel")
        send = P.SEND_MESSAGES_IN_THREADS if channel.type in THREAD_TYPES else P.SEND_MESSAGES
        self._require(user, channel, P.VIEW_CHANNEL | send, "send messages")
        content = str(body.get("content") or "")
        if len(content) > 2000:
            raise ControlError("content is longer than 2000 characters")
        attachments = [
            self.state.store_attachment(channel.id, str(f), b"", None)
            if isinstance(f, str)
            else self.state.store_attachment(
                channel.id, str(f["filename"]), str(f.get("content", "")).encode(), f.get("content_type")
            )
            for f in body.get("attachments") or []
        ]
        reference = None
        if body.get("reply_to") is not None:
            target = self._lookup(self.state.message, channel.id, parse_id(body["reply_to"], "reply_to"))
            reference = {"type": 0, "message_id": str(target.id), "channel_id": str(channel.id)}
            if channel.guild_id is not None:
                reference["guild_id"] = str(channel.guild_id)
        msg = self.state.create_message(
            channel,
            user.id,
            content=content,
            embeds=body.get("embeds") or [],
            attachments=attachments,
            nonce=body.get("nonce"),
            type=19 if reference else 0,
            message_reference=reference,
        )
        return self.view(msg)

    def post_webhook_message(self, body: JSON) -> JSON:
        """An incoming webhook (an integration, a news feed) posts in a channel: the author is the webhook,
        a bot-flagged user whose id is the webhook's; MESSAGE_CREATE carries `webhook_id` and no member."""
        channel = self._channel(_id(body, "channel_id"))
        if channel.guild_id is None or channel.type not in (0, 5, 11, 12):
            raise ControlError("webhooks post in a server's text channels and threads")
        content = str(body.get("content") or "")
        if not content or len(content) > 2000:
            raise ControlError("content must be 1 to 2000 characters")
        hook = self.state.add_user(str(body.get("name") or "Webhook"), bot=True)
        msg = self.state.create_message(channel, hook.id, content=content, webhook_id=hook.id, from_app=False)
        return self.view(msg)

    def list_messages(
        self, channel_id: int, as_user: int | None = None, include_ephemeral: bool = False
    ) -> list[JSON]:
        """Channel history oldest first; `as_user` shows what that user can see (incl. their ephemerals)."""
        channel = self._channel(channel_id)
        history = self.state.channel_history(channel.id)
        if as_user is not None:
            self._user(as_user)
            if not self.state.can_see(as_user, channel):
                return []
            history = [m for m in history if not m.ephemeral or m.visible_to == as_user]
        elif not include_ephemeral:
            history = [m for m in history if not m.ephemeral]
        return [self.view(m) for m in history]

    def list_dms(self, user_id: int) -> list[JSON]:
        """Messages the bot sent this user by DM, oldest first."""
        user = self._user(user_id)
        channel_id = self.state.dm_channels.get(user.id)
        if channel_id is None:
            return []
        bot = self.state.bot.id
        return [self.view(m) for m in self.state.channel_history(channel_id) if m.author_id == bot]

    # -- interactions ---------------------------------------------------------------------

    def _check_bot(self) -> None:
        if not self.gateway.sessions:
            raise ControlError("the bot is not connected to the gateway", 409)

    def _check_command_access(
        self, guild: Guild | None, channel: Channel, user: User, command: JSON | None
    ) -> None:
        self._require(user, channel, P.VIEW_CHANNEL | P.USE_APPLICATION_COMMANDS, "use application commands")
        if command is None:
            return
        if guild is None:
            contexts = command.get("contexts")
            if command.get("dm_permission") is False or (contexts is not None and 1 not in contexts):
                raise ControlError(f"/{command['name']} is not available in DMs", 403)
            return
        needed = command.get("default_member_permissions")
        if needed is not None and user.id != guild.owner_id:
            have = self.state.permissions_for(guild.id, user.id, channel.id)
            if have & int(needed) != int(needed):
                raise ControlError(f"user {user.id} lacks the permissions /{command['name']} requires", 403)

    def _timeout(self, body: JSON) -> float:
        return float(body.get("timeout", self.wait_timeout))

    async def _finish(self, record: InteractionRecord, body: JSON) -> JSON:
        followups = int(body.get("followups", 0))
        await self.interactions.wait(record, self._timeout(body), followups, float(body.get("settle", 0.0)))
        return self.interactions.outcome(record, self.view)

    def _start_command(self, body: JSON, focused: str | None) -> InteractionRecord:
        self._check_bot()
        user = self._user(_id(body, "user_id"))
        guild, channel = self._where(body, user)
        path = body.get("command")
        if not isinstance(path, str) or not path.strip().lstrip("/"):
            raise ControlError("command is required")
        path = path.strip().lstrip("/")  # "/cop settings", as a member types it, is "cop settings"
        options = body.get("options") or {}
        if not isinstance(options, dict):
            raise ControlError("options must be an object")
        command = self.state.find_command(guild.id if guild else None, path.split()[0], [1])
        self._check_command_access(guild, channel, user, command)
        resolver = Resolver(self.state, guild, channel, user.id)
        data = build_chat_input(self.state, resolver, path, options, focused=focused)
        kind = AUTOCOMPLETE if focused is not None else APPLICATION_COMMAND
        return self.interactions.create(
            type=kind, channel=channel, user=user, data=data, name=" ".join(path.split())
        )

    async def interact(self, body: JSON) -> JSON:
        """Run a slash command and wait for the bot's answer."""
        return await self._finish(self._start_command(body, None), body)

    async def autocomplete(self, body: JSON) -> JSON:
        focused = body.get("focused")
        if not isinstance(focused, str) or not focused:
            raise ControlError("focused is required")
        record = self._start_command(body, focused)
        out = await self._finish(record, body)
        out["choices"] = (record.response_data or {}).get("choices", []) if record.response_type == 8 else []
        return out

    async def context_menu(self, body: JSON) -> JSON:
        self._check_bot()
        user = self._user(_id(body, "user_id"))
        guild, channel = self._where(body, user)
        name = body.get("command")
        if not isinstance(name, str) or not name:
            raise ControlError("command is required")
        target = _id(body, "target_id")
        command = self.state.find_command(guild.id if guild else None, name, [2, 3])
        self._check_command_access(guild, channel, user, command)
        resolver = Resolver(self.state, guild, channel, user.id)
        data = build_context_menu(self.state, resolver, name, target)
        record = self.interactions.create(
            type=APPLICATION_COMMAND, channel=channel, user=user, data=data, name=name
        )
        return await self._finish(record, body)

    async def click(self, body: JSON) -> JSON:
        """Click a button or choose select values on a message the bot sent."""
        self._check_bot()
        user = self._user(_id(body, "user_id"))
        message = self.state.messages.get(_id(body, "message_id"))
        if message is None:
            raise ControlError("unknown message", 404)
        if message.author_id != self.state.bot.id:
            raise ControlError("only the bot's own messages carry its components")
        channel = self._channel(message.channel_id)
        guild = self.state.guild_of(channel)
        if message.ephemeral and message.visible_to != user.id:
            raise ControlError("that ephemeral message is only visible to its user", 403)
        if channel.type == DM:
            if channel.recipient_id != user.id:
                raise ControlError("that DM belongs to another user", 403)
        else:
            assert guild is not None
            if user.id not in guild.members:
                raise ControlError(f"user {user.id} is not a member of guild {guild.id}", 403)
            if not message.ephemeral:
                self._require(user, channel, P.VIEW_CHANNEL, "view")
        custom_id = body.get("custom_id")
        if not isinstance(custom_id, str):
            raise ControlError("custom_id is required")
        component = find_component(message.components, custom_id)
        if component is None:
            raise ControlError(f"message {message.id} has no component {custom_id!r}", 404)
        resolver = Resolver(self.state, guild, channel, user.id)
        data = component_data(resolver, component, body.get("values"))
        record = self.interactions.create(
            type=MESSAGE_COMPONENT, channel=channel, user=user, data=data, message=message
        )
        return await self._finish(record, body)

    async def submit_modal(self, body: JSON) -> JSON:
        """Submit the modal an interaction opened, with values keyed by custom_id or label."""
        self._check_bot()
        opener = self.interactions.get(_id(body, "interaction_id"))
        if opener is None:
            raise ControlError("unknown interaction", 404)
        if opener.response_type != MODAL or opener.response_data is None:
            raise ControlError("that interaction did not open a modal")
        user = (
            self._user(_id(body, "user_id"))
            if body.get("user_id") is not None
            else self._user(opener.user_id)
        )
        if user.id != opener.user_id:
            raise ControlError("only the user who opened the modal can submit it", 403)
        channel = self._channel(opener.channel_id)
        guild = self.state.guild_of(channel)
        if guild is not None and user.id not in guild.members:
            raise ControlError(f"user {user.id} is not a member of guild {guild.id}", 403)
        values = body.get("values") or {}
        if not isinstance(values, dict):
            raise ControlError("values must be an object")
        modal = opener.response_data
        resolver = Resolver(self.state, self.state.guild_of(channel), channel, user.id)
        data: JSON = {
            "custom_id": modal["custom_id"],
            "components": modal_submit_components(resolver, modal, values),
        }
        if resolver.data:
            data["resolved"] = resolver.data
        source = self.state.messages.get(opener.source_message_id) if opener.source_message_id else None
        record = self.interactions.create(
            type=MODAL_SUBMIT, channel=channel, user=user, data=data, message=source, parent=opener
        )
        return await self._finish(record, body)

    def get_interaction(self, interaction_id: int) -> JSON:
        record = self.interactions.get(interaction_id)
        if record is None:
            raise ControlError("unknown interaction", 404)
        out = self.interactions.outcome(record, self.view)
        out["payload"] = record.payload
        return out

    def expire_interaction(self, interaction_id: int) -> JSON:
        record = self.interactions.get(interaction_id)
        if record is None:
            raise ControlError("unknown interaction", 404)
        self.interactions.expire(record)
        return {"ok": True}

    # -- faults, gateway, requests -----------------------------------------------------------

    def add_fault(self, body: JSON) -> JSON:
        return self.faults.add(body).describe()

    async def gateway_action(self, body: JSON) -> JSON:
        action = body.get("action")
        gw = self.gateway
        if action == "reconnect":
            count = await gw.reconnect()
        elif action == "drop":
            code = body.get("code")
            count = await gw.drop(int(code) if code is not None else None, hold=bool(body.get("hold")))
        elif action == "release":
            gw.release()
            count = 0
        elif action == "invalidate":
            count = await gw.invalidate(resumable=bool(body.get("resumable")))
        elif action == "privileged_intents":
            # The Developer Portal's switches: which privileged intents the application may ask for.
            enabled = body.get("enabled")
            if not isinstance(enabled, list) or not set(enabled) <= set(PRIVILEGED_INTENTS):
                raise ControlError(f"enabled must be a list of {', '.join(sorted(PRIVILEGED_INTENTS))}")
            self.state.privileged_intents = set(enabled)
            count = 0
        else:
            raise ControlError("action must be reconnect, drop, release, invalidate or privileged_intents")
        return {"ok": True, "connections": count}

    def gateway_info(self) -> JSON:
        return {
            "sessions": [
                {"session_id": s.id, "seq": s.seq, "connected": s.conn is not None, "intents": s.intents}
                for s in self.gateway.sessions.values()
            ],
            "held": not self.gateway.open.is_set(),
            "stats": dict(self.gateway.stats),
        }

    def list_requests(self, since: int = 0) -> list[JSON]:
        return [r for r in self.requests if r["index"] >= since]

    def clear_requests(self) -> None:
        self.requests.clear()
