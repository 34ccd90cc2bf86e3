"""Members marking a scheduled event "Interested": gateway events, user counts and the users endpoint,
driven through discord.py's own API."""

from __future__ import annotations

import datetime
from typing import Any

import discord
import pytest
from emu_helpers import ControlClient, waiter
from emu_testbot import EmuBot

from core.clock import ManualClock

Json = dict[str, Any]


async def make_event(bot: EmuBot, guild: Json, clock: ManualClock) -> discord.ScheduledEvent:
    g = bot.get_guild(int(guild["id"]))
    assert g is not None
    start = clock.now() + datetime.timedelta(days=1)
    return await g.create_scheduled_event(
        name="Resource fair",
        start_time=start,
        end_time=start + datetime.timedelta(hours=1),
        entity_type=discord.EntityType.external,
        location="Library",
        privacy_level=discord.PrivacyLevel.guild_only,
    )


async def test_interested_members_are_dispatched_counted_and_listed(
    bot: EmuBot, guild: Json, control: ControlClient, clock: ManualClock
) -> None:
    event = await make_event(bot, guild, clock)
    members = [
        await control.post(f"/guilds/{guild['id']}/members", {"username": name}) for name in ("a", "b", "c")
    ]
    ids = sorted(int(m["user"]["id"]) for m in members)
    for user_id in ids:
        added = waiter(bot, "scheduled_event_user_add")
        answer = await control.post(f"/scheduled-events/{event.id}/interested", {"user_id": user_id})
        assert answer["changed"] is True
        seen_event, seen_user = await added
        assert (seen_event.id, seen_user.id) == (event.id, user_id)
    again = await control.post(f"/scheduled-events/{event.id}/interested", {"user_id": ids[0]})
    assert again == {"changed": False, "interested": [str(i) for i in ids], "user_count": 3}

    g = event.guild
    assert g is not None
    fetched = await g.fetch_scheduled_event(event.id, with_counts=True)
    assert fetched.user_count == 3
    listed = await g.fetch_scheduled_events(with_counts=True)
    assert [e.user_count for e in listed] == [3]
    assert "user_count" not in await bot.http.get_scheduled_event(g.id, event.id, with_user_count=False)
    assert [u.id async for u in fetched.users()] == ids

    http = bot.http
    page = await http.get_scheduled_event_users(g.id, event.id, limit=2, with_member=False)
    assert [int(u["user"]["id"]) for u in page] == ids[:2]  # ascending user ids
    assert all(u["guild_scheduled_event_id"] == str(event.id) and "member" not in u for u in page)
    rest = await http.get_scheduled_event_users(g.id, event.id, limit=100, with_member=True, after=ids[1])
    assert [int(u["user"]["id"]) for u in rest] == ids[2:]
    assert rest[0]["member"]["user"]["id"] == str(ids[2])
    below = await http.get_scheduled_event_users(
        g.id, event.id, limit=1, with_member=False, before=ids[2], after=ids[0]
    )
    assert [int(u["user"]["id"]) for u in below] == [ids[1]]  # before wins; the users just below it
    with pytest.raises(discord.HTTPException) as too_many:
        await http.get_scheduled_event_users(g.id, event.id, limit=101, with_member=False)
    assert too_many.value.code == 50035

    removed = waiter(bot, "scheduled_event_user_remove")
    answer = await control.post(
        f"/scheduled-events/{event.id}/interested", {"user_id": ids[1], "interested": False}
    )
    assert answer["user_count"] == 2
    seen_event, seen_user = await removed
    assert (seen_event.id, seen_user.id) == (event.id, ids[1])
    assert [u.id async for u in event.users(limit=None)] == [ids[0], ids[2]]
    view = await control.get(f"/guilds/{guild['id']}")
    assert view["scheduled_events"][0]["interested"] == [str(ids[0]), str(ids[2])]
    assert view["scheduled_events"][0]["user_count"] == 2


async def test_marking_interest_refuses_bad_input(
    bot: EmuBot, guild: Json, control: ControlClient, clock: ManualClock
) -> None:
    event = await make_event(bot, guild, clock)
    outsider = await control.post("/guilds", {"name": "Elsewhere"})
    stranger = await control.post(f"/guilds/{outsider['id']}/members", {"username": "stranger"})
    member = await control.post(f"/guilds/{guild['id']}/members", {"username": "alice"})
    path = f"/scheduled-events/{event.id}/interested"
    assert (await control.call("POST", "/scheduled-events/123456789012345678/interested", {"user_id": 1}))[
        0
    ] == 404
    assert (await control.call("POST", path, {"user_id": stranger["user"]["id"]}))[0] == 403
    assert (await control.call("POST", path, {"user_id": member["user"]["id"], "interested": "yes"}))[
        0
    ] == 400
    assert (await control.call("POST", path, {}))[0] == 400
