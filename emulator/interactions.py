"""Interaction lifecycle: INTERACTION_CREATE, callbacks, followups/original via webhooks, and Discord's timing rules."""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from emulator import limits
from emulator.bodies import UPLOAD_LIMIT, Body
from emulator.components import modal_fields, with_ids
from emulator.errors import (
    ALREADY_ACKNOWLEDGED,
    INVALID_WEBHOOK_TOKEN,
    UNKNOWN_CHANNEL,
    UNKNOWN_INTERACTION,
    UNKNOWN_MESSAGE,
    UNKNOWN_WEBHOOK,
    ApiError,
    form_error,
    unknown,
)
from emulator.messages import CREATE_FLAGS, apply_edit, build_attachments
from emulator.models import EPHEMERAL, JSON, LOADING, Channel, Message, User
from emulator.state import State

PING, APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 1, 2, 3, 4, 5
PONG, CHANNEL_MESSAGE, DEFERRED_MESSAGE, DEFERRED_UPDATE = 1, 4, 5, 6
UPDATE_MESSAGE, AUTOCOMPLETE_RESULT, MODAL = 7, 8, 9
ALLOWED_CALLBACKS: dict[int, frozenset[int]] = {
    PING: frozenset({PONG}),
    APPLICATION_COMMAND: frozenset({CHANNEL_MESSAGE, DEFERRED_MESSAGE, MODAL}),
    MESSAGE_COMPONENT: frozenset({CHANNEL_MESSAGE, DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE, MODAL}),
    AUTOCOMPLETE: frozenset({AUTOCOMPLETE_RESULT}),
    MODAL_SUBMIT: frozenset({CHANNEL_MESSAGE, DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE}),
}
ATTACHMENT_SIZE_LIMIT = UPLOAD_LIMIT
MESSAGE_FIELDS = ("content", "embeds", "components", "flags", "attachments")


@dataclass(slots=True)
class InteractionRecord:
    """One interaction and everything the bot did with it."""

    id: int
    token: str
    type: int
    guild_id: int | None
    channel_id: int
    user_id: int
    data: JSON
    payload: JSON
    created: float
    name: str = ""
    source_message_id: int | None = None
    parent: InteractionRecord | None = None
    response_type: int | None = None
    responded: float | None = None  # monotonic time of the initial response
    response_data: JSON | None = None
    original_id: int | None = None
    followup_ids: list[int] = field(default_factory=list)
    settled: bool = False
    error: str | None = None
    waiters: list[asyncio.Future[None]] = field(default_factory=list)

    def touch(self) -> None:
        """Wake everything waiting on this interaction."""
        waiters, self.waiters = self.waiters, []
        for fut in waiters:
            if not fut.done():
                fut.set_result(None)


class Interactions:
    """Creates interactions and answers the bot's callbacks and webhook calls the way Discord does."""

    def __init__(
        self,
        state: State,
        dispatch: Callable[[str, JSON], None],
        *,
        timeout: float = 3.0,
        token_ttl: float = 900.0,
    ) -> None:
        self.state = state
        self.dispatch = dispatch
        self.timeout = timeout
        self.token_ttl = token_ttl
        self.records: dict[int, InteractionRecord] = {}
        self.by_token: dict[str, InteractionRecord] = {}

    # -- creating --------------------------------------------------------------

    def create(
        self,
        *,
        type: int,
        channel: Channel,
        user: User,
        data: JSON,
        message: Message | None = None,
        parent: InteractionRecord | None = None,
        name: str = "",
    ) -> InteractionRecord:
        """Build INTERACTION_CREATE, record it and dispatch it on the gateway."""
        state = self.state
        guild = state.guild_of(channel)
        interaction_id = state.ids.next()
        token = "aW50ZXJhY3Rpb246" + secrets.token_urlsafe(96)
        channel_payload = state.channel_payload(channel)
        channel_payload["permissions"] = str(state.channel_permissions(channel, user.id))
        payload: JSON = {
            "id": str(interaction_id),
            "application_id": str(state.application_id),
            "type": type,
            "data": data,
            "token": token,
            "version": 1,
            "channel": channel_payload,
            "channel_id": str(channel.id),
            "app_permissions": str(state.channel_permissions(channel, state.bot.id)),
            "locale": "en-US",
            "entitlements": [],
            "entitlement_sku_ids": [],
            "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
            "context": 0 if guild else 1,
        }
        if guild is not None:
            member = guild.members[user.id].payload(user)
            member["permissions"] = str(state.permissions_for(guild.id, user.id, channel.id))
            payload.update(
                guild_id=str(guild.id),
                guild={"id": str(guild.id), "locale": "en-US", "features": []},
                guild_locale="en-US",
                member=member,
                authorizing_integration_owners={"0": str(guild.id)},
            )
        else:
            payload.update(user=user.payload(), authorizing_integration_owners={"1": str(user.id)})
        if message is not None:
            payload["message"] = state.message_payload(message)
        record = InteractionRecord(
            id=interaction_id,
            token=token,
            type=type,
            guild_id=guild.id if guild else None,
            channel_id=channel.id,
            user_id=user.id,
            data=data,
            payload=payload,
            created=time.monotonic(),
            name=name,
            source_message_id=message.id if message else None,
            parent=parent,
        )
        self._prune()
        self.records[record.id] = record
        self.by_token[token] = record
        self.dispatch("INTERACTION_CREATE", payload)
        return record

    def _prune(self) -> None:
        if len(self.records) < 10000:
            return
        cutoff = time.monotonic() - self.token_ttl
        expired = []
        for record in self.records.values():  # in creation order: the expired ones come first
            if record.created >= cutoff:
                break
            expired.append(record)
        for record in expired:
            del self.records[record.id]
            self.by_token.pop(record.token, None)

    def get(self, interaction_id: int) -> InteractionRecord | None:
        return self.records.get(interaction_id)

    def expire(self, record: InteractionRecord) -> None:
        """Age an interaction past its token lifetime (for tests)."""
        record.created -= self.token_ttl + 1

    # -- callback ----------------------------------------------------------------

    def callback(self, interaction_id: int, token: str, body: Body, with_response: bool) -> JSON | None:
        """POST /interactions/{id}/{token}/callback."""
        record = self.records.get(interaction_id)
        if record is None or record.token != token:
            raise unknown(UNKNOWN_INTERACTION)
        if record.response_type is not None:
            raise ApiError(400, ALREADY_ACKNOWLEDGED, "Interaction has already been acknowledged.")
        if time.monotonic() - record.created > self.timeout:
            raise unknown(UNKNOWN_INTERACTION)
        payload = body.obj()
        kind = payload.get("type")
        if not isinstance(kind, int) or kind not in ALLOWED_CALLBACKS.get(record.type, frozenset()):
            raise form_error("type", f"Interaction callback type {kind!r} is not valid for this interaction.")
        data = payload.get("data") or {}
        if not isinstance(data, dict):
            raise form_error("data", "Must be an object.", "DICT_TYPE_CONVERT")
        message = self._apply_callback(record, kind, data, body)
        if kind == MODAL:
            data = {**data, "components": with_ids(data.get("components") or [])}
        record.response_type = kind
        record.responded = time.monotonic()
        record.response_data = data
        record.touch()
        if not with_response:
            return None
        info: JSON = {"id": str(record.id), "type": record.type}
        out: JSON = {"interaction": info}
        if message is not None:
            info.update(
                response_message_id=str(message.id),
                response_message_loading=bool(message.flags & LOADING),
                response_message_ephemeral=message.ephemeral,
            )
            out["resource"] = {"type": kind, "message": self.state.message_payload(message)}
        return out

    def _apply_callback(self, record: InteractionRecord, kind: int, data: JSON, body: Body) -> Message | None:
        state = self.state
        if kind == CHANNEL_MESSAGE:
            msg = self._new_message(record, data, body, followup=False)
            record.original_id = msg.id
            return msg
        if kind == DEFERRED_MESSAGE:
            flags = LOADING | (int(data.get("flags") or 0) & EPHEMERAL)
            channel = self._channel(record)
            msg = state.create_message(
                channel,
                state.bot.id,
                flags=flags,
                type=self._message_type(record),
                webhook_id=state.application_id,
                interaction=self._metadata(record),
                visible_to=record.user_id if flags & EPHEMERAL else None,
            )
            record.original_id = msg.id
            return msg
        if kind in (DEFERRED_UPDATE, UPDATE_MESSAGE):
            source = self._source_message(record)
            if source is None:
                raise form_error("type", "This interaction has no message to update.")
            record.original_id = source.id
            if kind == UPDATE_MESSAGE:
                apply_edit(self.state, source, data, body)
                record.settled = True
            return source if kind == UPDATE_MESSAGE else None
        if kind == AUTOCOMPLETE_RESULT:
            limits.validate_choices(data)
            record.settled = True
            return None
        if kind == MODAL:
            limits.validate_modal(data)
            record.settled = True
            return None
        record.settled = True
        return None

    def _source_message(self, record: InteractionRecord) -> Message | None:
        source_id = record.source_message_id
        if source_id is None and record.parent is not None:
            source_id = record.parent.source_message_id
        return self.state.messages.get(source_id) if source_id is not None else None

    def _channel(self, record: InteractionRecord) -> Channel:
        channel = self.state.channels.get(record.channel_id)
        if channel is None:
            raise unknown(UNKNOWN_CHANNEL)
        return channel

    def _message_type(self, record: InteractionRecord) -> int:
        if record.type == APPLICATION_COMMAND:
            return 20 if record.data.get("type", 1) == 1 else 23
        return 0

    def _metadata(self, record: InteractionRecord, original_id: int | None = None) -> JSON:
        user = self.state.users[record.user_id]
        guild_id = record.guild_id
        meta: JSON = {
            "id": str(record.id),
            "type": record.type,
            "user": user.payload(),
            "authorizing_integration_owners": {"0": str(guild_id)} if guild_id else {"1": str(user.id)},
            "name": record.name,
        }
        if record.type == APPLICATION_COMMAND:
            meta["command_type"] = record.data.get("type", 1)
        if record.source_message_id is not None:
            meta["interacted_message_id"] = str(record.source_message_id)
        if record.parent is not None:
            meta["triggering_interaction_metadata"] = self._metadata(record.parent)
        if original_id is not None:
            meta["original_response_message_id"] = str(original_id)
        return meta

    def _new_message(self, record: InteractionRecord, data: JSON, body: Body, *, followup: bool) -> Message:
        limits.validate_message(data)
        if limits.is_empty(data, len(body.files)):
            raise limits.empty_message()
        channel = self._channel(record)
        flags = int(data.get("flags") or 0) & (CREATE_FLAGS | EPHEMERAL)
        return self.state.create_message(
            channel,
            self.state.bot.id,
            content=str(data.get("content") or ""),
            embeds=data.get("embeds") or [],
            components=data.get("components") or [],
            attachments=build_attachments(self.state, channel.id, data, body),
            flags=flags,
            tts=bool(data.get("tts")),
            type=0 if followup else self._message_type(record),
            webhook_id=self.state.application_id,
            interaction=self._metadata(record, record.original_id if followup else None),
            visible_to=record.user_id if flags & EPHEMERAL else None,
        )

    # -- webhooks (followups and @original) --------------------------------------

    def _by_token(self, application_id: int, token: str) -> InteractionRecord:
        if application_id != self.state.application_id:
            raise unknown(UNKNOWN_WEBHOOK)
        record = self.by_token.get(token)
        if record is None or time.monotonic() - record.created > self.token_ttl:
            raise ApiError(401, INVALID_WEBHOOK_TOKEN, "Invalid Webhook Token")
        return record

    def _webhook_message(self, record: InteractionRecord, message_id: str) -> Message:
        if message_id != "@original" and not message_id.isdigit():
            raise unknown(UNKNOWN_MESSAGE)
        target = record.original_id if message_id == "@original" else int(message_id)
        if target is None or (target != record.original_id and target not in record.followup_ids):
            raise unknown(UNKNOWN_MESSAGE)
        msg = self.state.messages.get(target)
        if msg is None:
            raise unknown(UNKNOWN_MESSAGE)
        return msg

    def execute(self, application_id: int, token: str, body: Body) -> Message:
        """POST /webhooks/{app}/{token}: a followup (the first one after a defer fills the original)."""
        record = self._by_token(application_id, token)
        if record.response_type is None:
            raise unknown(UNKNOWN_WEBHOOK)
        data = body.obj()
        original = self.state.messages.get(record.original_id) if record.original_id else None
        if original is not None and original.flags & LOADING:
            msg = apply_edit(self.state, original, data, body)
        else:
            msg = self._new_message(record, data, body, followup=True)
            record.followup_ids.append(msg.id)
        record.settled = True
        record.touch()
        return msg

    def get_message(self, application_id: int, token: str, message_id: str) -> Message:
        record = self._by_token(application_id, token)
        return self._webhook_message(record, message_id)

    def edit_message(self, application_id: int, token: str, message_id: str, body: Body) -> Message:
        record = self._by_token(application_id, token)
        msg = apply_edit(self.state, self._webhook_message(record, message_id), body.obj(), body)
        if msg.id == record.original_id:
            record.settled = True
        record.touch()
        return msg

    def delete_message(self, application_id: int, token: str, message_id: str) -> None:
        record = self._by_token(application_id, token)
        msg = self._webhook_message(record, message_id)
        self.state.delete_message(msg)
        if msg.id == record.original_id:
            record.settled = True
        record.touch()

    # -- waiting (control side) ------------------------------------------------

    def _done(self, record: InteractionRecord, followups: int) -> bool:
        if record.response_type is None:
            return False
        if record.response_type in (DEFERRED_MESSAGE, DEFERRED_UPDATE) and not record.settled:
            return False
        return len(record.followup_ids) >= followups

    async def _changed(self, record: InteractionRecord, seconds: float) -> bool:
        """Wait until the interaction changes (True) or `seconds` pass (False)."""
        if seconds <= 0:
            return False
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        record.waiters.append(fut)
        try:
            async with asyncio.timeout(seconds):
                await fut
        except TimeoutError:
            return False
        return True

    async def wait(
        self, record: InteractionRecord, within: float, followups: int = 0, settle: float = 0.0
    ) -> None:
        """Wait for the initial response (until the interaction dies), then for a deferred one to settle.

        `followups`: also wait for that many followups; `settle`: then wait until the bot has been
        quiet on this interaction for that many seconds. Everything is bounded by `within`.
        """
        deadline = time.monotonic() + within
        while not self._done(record, followups):
            limit = deadline
            if record.response_type is None:
                limit = min(limit, record.created + self.timeout)
            if not await self._changed(record, limit - time.monotonic()) and time.monotonic() >= limit:
                break
        if record.response_type is not None:
            while await self._changed(record, min(settle, deadline - time.monotonic())):
                pass
        if record.response_type is None and record.error is None:
            record.error = f"the bot did not answer the interaction within {min(within, self.timeout):g} s"

    def outcome(self, record: InteractionRecord, view: Callable[[Message], JSON]) -> JSON:
        """The control API answer for an interaction."""
        state = self.state
        original = state.messages.get(record.original_id) if record.original_id else None
        response: JSON | None = None
        if record.response_type is not None:
            kind = record.response_type
            data: JSON = dict(record.response_data or {})
            if kind in (DEFERRED_MESSAGE, DEFERRED_UPDATE) and record.settled and original is not None:
                data = {k: getattr(original, k) for k in MESSAGE_FIELDS}
            elif kind == MODAL:
                data["fields"] = modal_fields(data)
            elif kind in (CHANNEL_MESSAGE, UPDATE_MESSAGE):
                for key, default in (("content", ""), ("embeds", []), ("components", []), ("flags", 0)):
                    data.setdefault(key, default)
                if original is not None and "attachments" not in data:
                    data["attachments"] = original.attachments
            response = {"type": kind, "data": data}
        followups = [state.messages[m] for m in record.followup_ids if m in state.messages]
        out: JSON = {"interaction_id": str(record.id)}
        if response is not None:
            out["response"] = response  # left out when the bot never answered (see "error")
        out |= {
            "followups": [view(m) for m in followups],
            "message_id": None if original is None else str(original.id),
            "message": None if original is None else view(original),
            "pending": record.response_type in (DEFERRED_MESSAGE, DEFERRED_UPDATE) and not record.settled,
        }
        if record.responded is not None:  # from dispatch to the bot's answer, as Discord times its 3 s
            out["response_ms"] = round((record.responded - record.created) * 1000, 1)
        if record.error is not None:
            out["error"] = record.error
        return out


def parse_with_response(value: Any) -> bool:
    return str(value).lower() in ("1", "true")
