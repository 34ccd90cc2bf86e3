"""Discord's per-server caps: 50 channels per category, 500 channels per server, 250 roles per server.

Codes and messages as Discord documents them (topics/opcodes-and-status-codes, resources/channel): a full
server answers 400 with 30013 or 30005; a full category is a form error at `parent_id`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from emulator.errors import ApiError, form_error
from emulator.models import CATEGORY, THREAD_TYPES, Guild
from emulator.state import State

MAX_CATEGORY_CHANNELS = 50
MAX_GUILD_CHANNELS = 500  # categories count; threads do not
MAX_GUILD_ROLES = 250  # @everyone counts
MAX_GUILD_ROLES_REACHED = 30005
MAX_GUILD_CHANNELS_REACHED = 30013


def category_full() -> ApiError:
    return form_error(
        "parent_id",
        f"Maximum number of channels in category reached ({MAX_CATEGORY_CHANNELS})",
        "CHANNEL_PARENT_MAX_CHANNELS",
    )


def _children(state: State, guild: Guild) -> dict[int, int]:
    """Category id → how many channels it holds."""
    counts: dict[int, int] = {}
    for channel in state.guild_channels(guild):
        if channel.parent_id is not None and channel.type not in THREAD_TYPES:
            counts[channel.parent_id] = counts.get(channel.parent_id, 0) + 1
    return counts


def check_new_channel(state: State, guild: Guild, *, kind: int, parent_id: int | None) -> None:
    """Before a channel is created: room in the server, and in its category."""
    if len(state.guild_channels(guild)) >= MAX_GUILD_CHANNELS:
        raise ApiError(
            400,
            MAX_GUILD_CHANNELS_REACHED,
            f"Maximum number of guild channels reached ({MAX_GUILD_CHANNELS})",
        )
    full = parent_id is not None and _children(state, guild).get(parent_id, 0) >= MAX_CATEGORY_CHANNELS
    if kind != CATEGORY and full:
        raise category_full()


def check_moves(state: State, guild: Guild, moves: Mapping[int, int | None]) -> None:
    """Before channels change category (`moves`: channel id → new parent id): no category may end up over
    its cap. A category already over it (channels made around the emulator) may keep what it has."""
    before = _children(state, guild)
    after = dict(before)
    for channel_id, parent_id in moves.items():
        channel = state.channels.get(channel_id)
        if channel is None or channel.parent_id == parent_id or channel.type in (CATEGORY, *THREAD_TYPES):
            continue
        if channel.parent_id is not None:
            after[channel.parent_id] -= 1
        if parent_id is not None:
            after[parent_id] = after.get(parent_id, 0) + 1
    for parent_id, count in after.items():
        if count > MAX_CATEGORY_CHANNELS and count > before.get(parent_id, 0):
            raise category_full()


def reorder_moves(items: Iterable[Any]) -> dict[int, int | None]:
    """The category changes a bulk channel-position PATCH asks for (malformed items are left to it)."""
    moves: dict[int, int | None] = {}
    for item in items:
        if not isinstance(item, dict) or "parent_id" not in item or not str(item.get("id", "")).isdigit():
            continue
        raw = item["parent_id"]
        if raw is None or str(raw).isdigit():
            moves[int(item["id"])] = int(raw) if raw is not None else None
    return moves


def check_new_role(guild: Guild) -> None:
    if len(guild.roles) >= MAX_GUILD_ROLES:
        raise ApiError(
            400, MAX_GUILD_ROLES_REACHED, f"Maximum number of guild roles reached ({MAX_GUILD_ROLES})"
        )
