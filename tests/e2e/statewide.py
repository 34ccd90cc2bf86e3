"""The statewide community at the seed's scale, as members would build it, through the emulator.

One scenario, two sizes: `bench/statewide.py` plays it at the seed's scale (61 school teams, the ten stakeholder
groups, 1 000 members, 200 resources) with Discord-like rate limits and prints each stage's time;
`tests/e2e/test_statewide.py` plays a smaller version on every test run. Nothing here asserts a duration: the
stages check only that nothing was lost, doubled or refused.
"""

from __future__ import annotations

import asyncio
import math
import re
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

from emulator.driver import Actor, Reply, message_text
from storage.groups import GroupRepository
from tests.e2e.community import Community, eventually

T = TypeVar("T")
Report = Callable[[str, float, str], None]
CATEGORY_CAP = 50  # Discord: channels in one category


@dataclass(frozen=True)
class Scale:
    """How big the community is."""

    schools: int = 61
    members: int = 1000
    resources: int = 200
    going: int = 300  # members who answer "Going" to the kickoff
    concurrency: int = 16  # members acting at the same moment
    patience: float = 600.0  # seconds a long organizer command may take under rate limits


SEED = Scale()


def school_names(count: int) -> list[str]:
    """Distinct, realistic school names spread over the alphabet (so categories split by letter)."""
    stems = [
        "Agua Fria", "Buckeye", "Cactus", "Desert View", "Estrella", "Flagstaff", "Globe", "Highland",
        "Ironwood", "Joseph City", "Kingman", "Lake Havasu", "Mesa", "Navajo", "Oracle", "Paradise Valley",
        "Queen Creek", "Red Rock", "Sahuaro", "Tombstone", "Union", "Verde", "Winslow", "Xavier", "Yuma",
        "Zuni",
    ]  # fmt: skip
    kinds = ["Elementary", "Middle School", "High School"]
    names = [f"{stem} {kind}" for kind in kinds for stem in stems]
    if count > len(names):
        names += [f"{stem} Academy {n}" for n in range(count) for stem in stems]
    return sorted(names[:count])


async def bounded(limit: int, items: Iterable[T], act: Callable[[T], Awaitable[Any]]) -> list[Any]:
    """Run `act` on every item, at most `limit` at once (members acting at the same time)."""
    gate = asyncio.Semaphore(limit)

    async def one(item: T) -> Any:
        async with gate:
            return await act(item)

    return list(await asyncio.gather(*(one(i) for i in items)))


class Statewide:
    """Plays the scenario stage by stage on a community (see `tests/e2e/conftest.py: Community`)."""

    def __init__(self, community: Community, scale: Scale, report: Report) -> None:
        self.c = community
        self.scale = scale
        self.report = report
        self.members: list[Actor] = []
        self.schools = school_names(scale.schools)

    async def stage(self, name: str, action: Callable[[], Awaitable[str]]) -> None:
        started = time.perf_counter()
        detail = await action()
        self.report(name, time.perf_counter() - started, detail)

    async def play(self) -> None:
        await self.stage("/cop setup", self.setup)
        await self.stage("/groups setup (ten stakeholder groups)", self.groups)
        await self.stage(f"/schools import ({self.scale.schools} school teams)", self.import_schools)
        await self.stage(f"{self.scale.members} members join", self.join)
        await self.stage(f"{self.scale.members} members introduce themselves", self.introduce)
        await self.stage(f"{self.scale.members} members join their school team", self.join_teams)
        await self.stage(f"kickoff meeting: {self.scale.going} RSVPs, two reminders", self.kickoff)
        await self.stage(f"resource fair: {self.scale.resources} resources shared", self.resource_fair)
        await self.stage("weekly announcement over three weeks", self.announcement)

    # -- stages --------------------------------------------------------------------------------------------

    async def organizer_command(self, command: str, done: str, **options: Any) -> Reply:
        reply = await self.c.organizer.run(command, **options)
        return await self.c.control.settled(reply, done, within=self.scale.patience)

    async def setup(self) -> str:
        await self.organizer_command("cop setup", "Setup is complete")
        return "channels and organizer role"

    async def groups(self) -> str:
        await self.organizer_command("groups setup", "ready")
        groups = await GroupRepository(self.c.bot.db).all(int(self.c.guild_id))
        assert len(groups) == 10, [g.name for g in groups]
        return f"{len(groups)} groups"

    async def import_schools(self) -> str:
        rows = "\n".join(f"{name},District {n % 9}" for n, name in enumerate(self.schools))
        csv = f"name,district\n{rows}\n"
        await self.organizer_command(
            "schools import", "Imported", file={"filename": "schools.csv", "content": csv}
        )
        view = await self.c.control.guild(self.c.guild_id)
        channels = view["channels"]
        names = {channel["name"] for channel in channels}
        missing = [s for s in self.schools if slug(s) not in names]
        assert not missing, f"school channels missing: {missing[:5]}"
        per_category: dict[str, int] = {}
        for channel in channels:
            if channel.get("parent_id"):
                per_category[channel["parent_id"]] = per_category.get(channel["parent_id"], 0) + 1
        assert max(per_category.values()) <= CATEGORY_CAP, per_category
        categories = sorted(
            ch["name"] for ch in channels if ch["type"] == 4 and ch["name"].lower().startswith("school")
        )
        return f"{len(channels)} channels, {len(view['roles'])} roles; categories: {', '.join(categories)}"

    async def join(self) -> str:
        for n in range(self.scale.members):
            actor = await self.c.control.add_member(self.c.guild_id, f"member{n:04d}")
            actor.channel_id = self.c.general_id
            self.members.append(actor)
        await eventually(
            lambda: _has_members(self.c, self.scale.members + 4), within=60, what="members in the cache"
        )
        return f"{len(self.members)} members"

    async def introduce(self) -> str:
        groups = await GroupRepository(self.c.bot.db).all(int(self.c.guild_id))
        open_groups = [g for g in groups if not g.protected] or groups

        async def one(n: int) -> None:
            actor = self.members[n]
            form = await actor.run("intro me")
            assert form.is_modal, form.text
            values = {
                "name": f"Member {n:04d}",
                "organization": self.schools[n % len(self.schools)],
                "title": "STEM teacher",
                "interests": "robotics, coding",
                "group": [str(open_groups[n % len(open_groups)].id)],
            }
            reply = await actor.submit(form, values)
            assert "interaction failed" not in reply.text.lower(), reply.raw
            assert reply.raw.get("error") is None, reply.raw

        await bounded(self.scale.concurrency, range(self.scale.members), one)
        count = await self.c.bot.db.fetchone(
            "SELECT COUNT(*) AS n FROM profiles WHERE guild_id = ?", (int(self.c.guild_id),)
        )
        assert count is not None
        assert count["n"] >= self.scale.members, dict(count)
        intros = await self.c.control.channel_id(self.c.guild_id, "introductions")

        async def cards() -> int | None:
            found = sum(1 for m in await self.c.control.messages(intros) if "Member " in message_text(m))
            return found if found >= self.scale.members else None

        found = await eventually(cards, within=self.scale.patience, what="every intro card")
        assert found == self.scale.members, found  # none doubled
        return f"{count['n']} profiles, {found} intro cards"

    async def join_teams(self) -> str:
        async def one(n: int) -> None:
            reply = await self.members[n].run("schools join", school=self.schools[n % len(self.schools)])
            # Introducing yourself with a school's name as organization already puts you on its team.
            assert "joined" in reply.text.lower() or "already in" in reply.text, reply.text

        await bounded(self.scale.concurrency, range(self.scale.members), one)
        rows = await self.c.bot.db.fetchone("SELECT COUNT(*) AS n FROM school_members")
        assert rows is not None
        assert rows["n"] >= self.scale.members, dict(rows)
        return f"{rows['n']} team memberships"

    async def kickoff(self) -> str:
        from tests.e2e.steps.meetings import card, pinged_users, schedule

        _, meeting_id = await schedule(
            self.c, title="Statewide kickoff", when="in 3 days", reminders="1d, 1h", channel=self.c.general_id
        )
        message = await card(self.c, meeting_id, self.c.general_id)
        going = self.members[: self.scale.going]

        async def rsvp(actor: Actor) -> None:
            await actor.click(message, "Going")

        await bounded(self.scale.concurrency, going, rsvp)
        await self.c.advance(timedelta(days=3, minutes=1))
        reminders = await reminder_posts(self.c)
        # Discord: 2 000 characters and at most 100 users in allowed_mentions per message.
        assert len(reminders) >= 2 * math.ceil(len(going) / 100), len(reminders)
        assert all(len(str(p.get("content") or "")) <= 2000 for p in reminders)
        assert all(len(pinged_users(p.get("allowed_mentions") or {})) <= 100 for p in reminders)
        pinged = sorted(u for p in reminders for u in pinged_users(p.get("allowed_mentions") or {}))
        expected = sorted([a.user_id for a in going] * 2)
        assert pinged == expected, (len(pinged), len(expected))
        return f"{len(reminders)} reminder posts, {len(pinged)} mentions"

    async def resource_fair(self) -> str:
        channel = await self.c.control.call(
            "POST", f"/guilds/{self.c.guild_id}/channels", {"name": "resources"}
        )
        await self.c.organizer.run("resource channel", channel=channel["id"])

        async def share(n: int) -> None:
            actor = self.members[n % len(self.members)]
            reply = await actor.run(
                "resource share", title=f"Fair resource {n:03d}", url=f"https://example.org/fair/{n}"
            )
            if reply.type == 5:
                reply = await self.c.control.settled(reply, "#", within=self.scale.patience)
            assert "#" in reply.text, reply.text

        await bounded(self.scale.concurrency, range(self.scale.resources), share)

        async def cards() -> int | None:
            found = sum(
                1 for m in await self.c.control.messages(channel["id"]) if "Fair resource" in message_text(m)
            )
            return found if found >= self.scale.resources else None

        found = await eventually(cards, within=self.scale.patience, what="every resource card")
        assert found == self.scale.resources, found
        return f"{found} resource cards"

    async def announcement(self) -> str:
        from tests.e2e.steps.announcements import count_posts, schedule

        await schedule(self.c, "Statewide weekly: share your win!", repeat="every Monday at 9:00")
        await self.c.advance(timedelta(days=21))
        posted = await count_posts(self.c, "Statewide weekly")
        assert posted == 3, posted
        return f"{posted} posts"


def slug(name: str) -> str:
    return re.sub(r"-{2,}", "-", re.sub(r"[^\w-]+", "-", name.casefold())).strip("-_")


async def _has_members(c: Community, count: int) -> bool:
    guild = c.bot.get_guild(int(c.guild_id))
    return guild is not None and len(guild.members) >= count


async def reminder_posts(community: Community) -> list[dict[str, Any]]:
    """The body of every reminder message sent to #general: the first part of each reminder says
    "Reminder:", the parts after it (more than 100 people) carry its nonce + "c1", "c2"…"""
    posts = [
        r.get("json") or {}
        for r in await community.control.requests()
        if r["method"] == "POST"
        and r["path"].endswith(f"/channels/{community.general_id}/messages")
        and r["status"] < 300
    ]
    firsts = {str(p.get("nonce")) for p in posts if "Reminder:" in str(p.get("content") or "")}
    return [
        p
        for p in posts
        if str(p.get("nonce")) in firsts
        or str(p.get("nonce")).rstrip("0123456789").removesuffix("c") in firsts
    ]
