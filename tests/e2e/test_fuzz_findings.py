"""What the command fuzz (test_fuzz.py) found, each as a focused test that failed before its fix."""

from __future__ import annotations

import asyncio
from collections import Counter

from tests.e2e.community import Community


async def _counts(community: Community) -> tuple[Counter[str], Counter[str]]:
    guild = await community.control.guild(community.guild_id)
    return Counter(r["name"] for r in guild["roles"]), Counter(c["name"] for c in guild["channels"])


async def test_a_time_zone_typed_in_any_case_is_stored_as_iana_spells_it(community: Community) -> None:
    # Stored as typed, "ASIA/KOLKATA" passed the (case-forgiving) check, then zoneinfo refused it in every
    # job and calendar: /resource digest and /meeting calendar answered "Something went wrong".
    reply = await community.organizer.run("cop timezone", zone="  ASIA/KOLKATA ")
    assert "Time zone set to `Asia/Kolkata`" in reply.text, reply.text
    settings = await community.bot.guild_settings.get(int(community.guild_id))
    assert settings.timezone == "Asia/Kolkata"
    for command, options in (("resource digest", {"enabled": True}), ("meeting calendar", {})):
        answer = await community.organizer.run(command, **options)
        assert "error" not in answer.raw, answer.raw
        assert "Something went wrong" not in answer.text, (command, answer.text)


async def test_overlapping_group_builds_make_everything_once(community: Community) -> None:
    # Builds of one kind in one guild take turns: ten overlapping runs made ten copies of every lounge, and
    # together passed a category's 50 channels (Discord refused with 400).
    since = len(await community.control.requests())
    names = [f"Circle {n:02d}" for n in range(8)]
    replies = await asyncio.gather(
        community.organizer.run("groups setup"),
        *(community.organizer.run("groups add", name=name) for name in names),
        community.organizer.run("groups setup"),
    )
    for reply in replies:
        assert "error" not in reply.raw, reply.raw
    await community.control.settled(replies[0], "ready", within=20)
    await community.control.settled(replies[-1], "ready", within=20)
    for reply in replies[1:-1]:
        await community.control.settled(reply, "Added the group", within=20)
    roles, channels = await _counts(community)
    for name in names:
        assert roles[name] == 1, roles
        assert channels[name.lower().replace(" ", "-")] == 1, channels
    assert not [r for r in (await community.control.requests())[since:] if r["status"] == 400]
