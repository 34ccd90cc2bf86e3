"""End-to-end steps that read like the story they tell:

    organizer, alice, bob = cast(community)
    meeting_id = await organizer.schedules(title="Kickoff", when="in 3 days", capacity=1)
    going = await alice.clicks("Going", on=await card(community, meeting_id))
    reply = await bob.runs("/resource share", title="NGSS", url=NGSS)

Each is a thin wrapper over `emulator.driver.Actor` and the feature steps beside it (`schedule`, `introduce`,
`share`, `join`), so a test reads as who does what and then what they see.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from emulator.driver import Actor, Reply
from tests.e2e.community import Community
from tests.e2e.steps import groups, introductions, meetings, resources


@dataclass(frozen=True)
class Member:
    """One member of the community, acting through the emulator as they would in Discord."""

    community: Community
    actor: Actor

    @property
    def user_id(self) -> str:
        return self.actor.user_id

    async def runs(self, command: str, **options: Any) -> Reply:
        """Run a slash command as typed, e.g. `runs("/resource share", title=…)`; its first answer."""
        return await self.actor.run(command.removeprefix("/"), **options)

    async def clicks(
        self, button: str, *, on: Reply | dict[str, Any] | str, values: list[str] | None = None
    ) -> Reply:
        """Click a button (by label or custom id), or choose `values` in a select, on a message or reply."""
        return await self.actor.click(on, button, values=values)

    async def fills(self, form: Reply, values: dict[str, Any] | None = None, **fields: Any) -> Reply:
        """Fill in and submit the form `form` opened: fields by custom id (keywords) or label (`values`)."""
        return await self.actor.submit(form, {**(values or {}), **fields})

    async def introduces(self, *, group: str | None = "Teachers", **fields: Any) -> Reply:
        """Fill in `/intro me` (and `/intro needs` for offers and seeks); see `introductions.introduce`."""
        return await introductions.introduce(self.community, self.actor, group=group, **fields)

    async def shares(self, **options: Any) -> Reply:
        """`/resource share`, waiting for the final answer when it was deferred."""
        return await resources.share(self.community, self.actor, **options)

    async def joins(self, *names: str) -> Reply:
        """Choose the stakeholder groups `names` in the `/groups join` menu."""
        return await groups.join(self.actor, *names)

    async def dms(self) -> list[dict[str, Any]]:
        """The direct messages the bot has sent this member."""
        return await self.actor.dms()


@dataclass(frozen=True)
class Organizer(Member):
    """The community's organizer (Manage Server): a member who can also run the organizer commands."""

    async def schedules(self, **options: Any) -> int:
        """`/meeting schedule` (a "Resource fair" in 3 days unless told otherwise); the new meeting's id."""
        _, meeting_id = await meetings.schedule_as(self.community, self.actor, **options)
        return meeting_id


def cast(community: Community) -> tuple[Organizer, Member, Member]:
    """The community's organizer, alice and bob."""
    return (
        Organizer(community, community.organizer),
        Member(community, community.alice),
        Member(community, community.bob),
    )


def member(community: Community, actor: Actor) -> Member:
    """Any other member (e.g. one added with `control.add_member`) as a `Member`."""
    return Member(community, actor)
