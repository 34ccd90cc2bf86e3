"""Who a meeting is for: everyone, one stakeholder group or one school team (stored by those features), and
the rule that only its audience answers, votes and suggests topics."""

from __future__ import annotations

from core.meetings.errors import MeetingRefusal
from storage.database import Database
from storage.groups import GroupRepository
from storage.meetings import Meeting
from storage.schools import SchoolRepository

Audience = tuple[str, int | None]  # ("all", None) | ("group", id) | ("school", id)


class AudienceRules:
    """Names a meeting's audience, finds its role, and refuses members outside it."""

    def __init__(self, db: Database) -> None:
        self.groups = GroupRepository(db)
        self.schools = SchoolRepository(db)

    async def label(self, meeting: Meeting) -> str:
        if meeting.audience_kind == "group" and meeting.audience_id is not None:
            group = await self.groups.get(meeting.guild_id, meeting.audience_id)
            return f"Stakeholder group: {group.name}" if group else "A stakeholder group that was removed"
        if meeting.audience_kind == "school" and meeting.audience_id is not None:
            school = await self.schools.get(meeting.guild_id, meeting.audience_id)
            return f"School team: {school.name}" if school else "A school team that was removed"
        return "Everyone"

    async def role_id(self, meeting: Meeting) -> int | None:
        """The platform role of the meeting's group or school, if it has one."""
        return await self.role_of(meeting.guild_id, meeting.audience_kind, meeting.audience_id)

    async def role_of(self, guild_id: int, kind: str, audience_id: int | None) -> int | None:
        """The platform role of a group or school audience, if it has one."""
        if kind == "group" and audience_id is not None:
            group = await self.groups.get(guild_id, audience_id)
            return group.role_id if group else None
        if kind == "school" and audience_id is not None:
            school = await self.schools.get(guild_id, audience_id)
            return school.role_id if school else None
        return None

    async def check(self, meeting: Meeting, user_id: int) -> None:
        """MeetingRefusal unless the member belongs to the meeting's audience."""
        if meeting.audience_kind == "all" or meeting.audience_id is None:
            return
        repo = self.groups if meeting.audience_kind == "group" else self.schools
        if meeting.audience_id in await repo.unit_ids_of(meeting.guild_id, user_id):
            return
        label = await self.label(meeting)
        how = "/groups" if meeting.audience_kind == "group" else "/schools"
        raise MeetingRefusal(
            f"This meeting is only for members of one group ({label}). If you belong there, join it with "
            f"`{how}` first, or ask an organizer."
        )
