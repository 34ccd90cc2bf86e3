"""Who may see a meeting (`core.meetings.visibility`): organizers all; others only meetings whose channel they
can read; a protected group's meeting only for its members; a meeting whose channel is gone, its audience."""

from __future__ import annotations

from core.meetings.visibility import Visibility
from storage.database import Database
from storage.groups import GroupRepository
from storage.meetings import Meeting
from storage.schools import SchoolRepository
from tests.core.meetings_data import NOW, meeting

GUILD, MEMBER = 1, 40
OPEN, HIDDEN, GONE = 2, 3, 4


class Views:
    """The platform's answer for one viewer: which channels they can read, and which no longer exist."""

    def __init__(self, readable: set[int]) -> None:
        self.readable = readable
        self.asked: list[int] = []

    async def can_view(self, channel_id: int) -> bool | None:
        self.asked.append(channel_id)
        if channel_id == GONE:
            return None
        return channel_id in self.readable


async def test_organizers_see_every_meeting_of_their_guild_only(db: Database) -> None:
    sight = Visibility(db, GUILD, MEMBER, Views(set()), organizer=True)
    assert await sight.can_see(meeting(channel_id=HIDDEN))
    assert not await sight.can_see(meeting(guild_id=GUILD + 1))
    assert not await Visibility(None, None, None, None).can_see(meeting())


async def test_members_see_the_meetings_whose_channel_they_can_read(db: Database) -> None:
    views = Views({OPEN})
    sight = Visibility(db, GUILD, MEMBER, views)
    assert await sight.can_see(meeting(channel_id=OPEN))
    assert not await sight.can_see(meeting(channel_id=HIDDEN))
    assert views.asked == [OPEN, HIDDEN]


async def test_a_protected_groups_meeting_is_for_its_members_even_in_a_readable_channel(db: Database) -> None:
    groups = GroupRepository(db)
    students = await groups.add(GUILD, "Students", protected=True, now=NOW)
    teachers = await groups.add(GUILD, "Teachers", now=NOW)
    for_students = meeting(channel_id=OPEN, audience_kind="group", audience_id=students.id)
    for_teachers = meeting(channel_id=OPEN, audience_kind="group", audience_id=teachers.id)
    outsider = Visibility(db, GUILD, MEMBER, Views({OPEN}))
    assert not await outsider.can_see(for_students)
    assert await outsider.can_see(for_teachers)  # not protected: the channel decides
    await groups.add_members(GUILD, MEMBER + 1, [students.id], NOW)
    student = Visibility(db, GUILD, MEMBER + 1, Views({OPEN}))
    assert await student.can_see(for_students)
    everyone = Visibility(db, GUILD, None, Views({OPEN}))  # what the whole server sees
    assert not await everyone.can_see(for_students)


async def test_with_its_channel_gone_a_meeting_is_seen_by_its_audience(db: Database) -> None:
    schools = SchoolRepository(db)
    school = await schools.add(GUILD, "Desert View High", now=NOW)
    await schools.add_members(GUILD, MEMBER, [school.id], NOW)
    for_school = meeting(channel_id=GONE, audience_kind="school", audience_id=school.id)
    assert await Visibility(db, GUILD, MEMBER, Views(set())).can_see(for_school)
    assert not await Visibility(db, GUILD, MEMBER + 1, Views(set())).can_see(for_school)
    assert await Visibility(db, GUILD, MEMBER + 1, Views(set())).can_see(meeting(channel_id=GONE))


async def test_the_first_meetings_seen_are_read_past_the_hidden_ones(db: Database) -> None:
    meetings = [meeting(i, channel_id=HIDDEN if i <= 5 else OPEN) for i in range(1, 12)]
    asked: list[int] = []

    async def fetch(limit: int) -> list[Meeting]:
        asked.append(limit)
        return meetings[:limit]

    sight = Visibility(db, GUILD, MEMBER, Views({OPEN}))
    assert [m.id for m in await sight.first_seen(fetch, 3)] == [6, 7, 8]
    assert asked == [3, 12]  # the first three were hidden: read four times as many
    assert [m.id for m in await sight.first_seen(fetch, 10)] == [6, 7, 8, 9, 10, 11]  # all there are
