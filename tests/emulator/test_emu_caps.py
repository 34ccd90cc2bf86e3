"""Discord's per-server caps: 50 channels per category, 500 channels per server, 250 roles per server."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from emulator import Emulator

Json = dict[str, Any]
Rest = Callable[..., Awaitable[tuple[int, Any]]]
CATEGORY_FULL = {
    "parent_id": {
        "_errors": [
            {
                "code": "CHANNEL_PARENT_MAX_CHANNELS",
                "message": "Maximum number of channels in category reached (50)",
            }
        ]
    }
}


def filler(emu: Emulator, guild: Json, count: int, **body: Any) -> list[str]:
    """Channels made around the API (as an owner would), so tests reach a cap quickly."""
    return [
        str(emu.control.create_channel(int(guild["id"]), {"name": f"filler-{n}", **body})["id"])
        for n in range(count)
    ]


def channel_count(emu: Emulator, guild: Json) -> int:
    return len(emu.state.guild_channels(emu.state.guilds[int(guild["id"])]))


async def category(rest: Rest, guild: Json, name: str = "School teams") -> str:
    status, body = await rest("POST", f"/guilds/{guild['id']}/channels", {"name": name, "type": 4})
    assert status == 201, body
    return str(body["id"])


async def test_the_fiftieth_channel_in_a_category_is_accepted_and_the_fifty_first_refused(
    emu: Emulator, rest: Rest, guild: Json
) -> None:
    parent = await category(rest, guild)
    filler(emu, guild, 49, parent_id=parent)
    path = f"/guilds/{guild['id']}/channels"
    status, body = await rest("POST", path, {"name": "fiftieth", "parent_id": parent})
    assert status == 201, body
    status, body = await rest("POST", path, {"name": "fifty-first", "parent_id": parent})
    assert status == 400
    assert body == {"message": "Invalid Form Body", "code": 50035, "errors": CATEGORY_FULL}
    # Outside the category, and in another category, there is still room.
    assert (await rest("POST", path, {"name": "elsewhere"}))[0] == 201
    other = await category(rest, guild, "More teams")
    assert (await rest("POST", path, {"name": "in-other", "parent_id": other}))[0] == 201


async def test_moving_a_channel_into_a_full_category_is_refused(
    emu: Emulator, rest: Rest, guild: Json
) -> None:
    parent = await category(rest, guild)
    inside = filler(emu, guild, 50, parent_id=parent)
    outside = filler(emu, guild, 2)
    status, body = await rest("PATCH", f"/channels/{outside[0]}", {"parent_id": parent})
    assert (status, body.get("errors")) == (400, CATEGORY_FULL)
    # Moving within the category, or out of it, is fine; then there is room for one.
    assert (await rest("PATCH", f"/channels/{inside[0]}", {"parent_id": parent, "name": "renamed"}))[0] == 200
    assert (await rest("PATCH", f"/channels/{inside[1]}", {"parent_id": None}))[0] == 200
    assert (await rest("PATCH", f"/channels/{outside[0]}", {"parent_id": parent}))[0] == 200
    assert emu.state.channels[int(outside[0])].parent_id == int(parent)


async def test_a_bulk_position_change_may_not_overfill_a_category(
    emu: Emulator, rest: Rest, guild: Json
) -> None:
    parent = await category(rest, guild)
    filler(emu, guild, 49, parent_id=parent)
    outside = filler(emu, guild, 2)
    path = f"/guilds/{guild['id']}/channels"
    both = [{"id": c, "parent_id": parent} for c in outside]
    status, body = await rest("PATCH", path, both)
    assert (status, body.get("errors")) == (400, CATEGORY_FULL)
    assert all(emu.state.channels[int(c)].parent_id is None for c in outside)  # nothing half-applied
    assert (await rest("PATCH", path, both[:1]))[0] == 204
    assert emu.state.channels[int(outside[0])].parent_id == int(parent)


async def test_the_five_hundredth_channel_is_accepted_and_the_next_refused(
    emu: Emulator, rest: Rest, guild: Json
) -> None:
    filler(emu, guild, 499 - channel_count(emu, guild))
    path = f"/guilds/{guild['id']}/channels"
    status, body = await rest("POST", path, {"name": "five-hundredth"})
    assert status == 201, body
    assert channel_count(emu, guild) == 500
    for extra in ({"name": "one-more"}, {"name": "Another category", "type": 4}):
        status, body = await rest("POST", path, extra)
        assert status == 400
        assert body == {"message": "Maximum number of guild channels reached (500)", "code": 30013}


async def test_the_two_hundred_fiftieth_role_is_accepted_and_the_next_refused(
    emu: Emulator, rest: Rest, guild: Json
) -> None:
    state_guild = emu.state.guilds[int(guild["id"])]
    for n in range(249 - len(state_guild.roles)):
        emu.control.create_role(int(guild["id"]), {"name": f"filler {n}"})
    path = f"/guilds/{guild['id']}/roles"
    status, body = await rest("POST", path, {"name": "two hundred fiftieth"})
    assert status == 200, body
    assert len(state_guild.roles) == 250  # @everyone counts
    status, body = await rest("POST", path, {"name": "one more"})
    assert status == 400
    assert body == {"message": "Maximum number of guild roles reached (250)", "code": 30005}
