"""Agenda provenance: for each meeting, how many agenda topics came from members (not organizers) and the
votes they had, so "agendas reflective of needs" is a number.

A topic came from an organizer when its author is an organizer now (the adapter says who is) or created the
meeting; every other topic came from a member. Counts only: no author is named.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from core.text import plural
from storage.meetings import AgendaItem, Meeting, MeetingRepository


@dataclass(frozen=True, slots=True)
class MeetingAgenda:
    meeting_id: int
    title: str
    starts_at: datetime
    items: int
    from_members: int
    member_votes: int

    def summary(self) -> str:
        """`2 of 3 topics came from members (5 votes)`."""
        if not self.items:
            return "no agenda topics yet"
        return f"{self.from_members} of {plural(self.items, 'topic')} came from members ({plural(self.member_votes, 'vote')})"


def from_member(item: AgendaItem, meeting: Meeting, organizers: Collection[int]) -> bool:
    """Whether a topic was suggested by a member rather than an organizer or the meeting's creator."""
    return item.author_id != meeting.created_by and item.author_id not in organizers


def provenance(meeting: Meeting, items: Sequence[AgendaItem], organizers: Collection[int]) -> MeetingAgenda:
    members = [item for item in items if from_member(item, meeting, organizers)]
    return MeetingAgenda(
        meeting_id=meeting.id,
        title=meeting.title,
        starts_at=meeting.starts_at,
        items=len(items),
        from_members=len(members),
        member_votes=sum(item.votes for item in members),
    )


@dataclass(frozen=True, slots=True)
class Overall:
    items: int
    from_members: int
    member_votes: int

    def summary(self) -> str:
        if not self.items:
            return "No meeting in this period has agenda topics yet."
        share = round(100 * self.from_members / self.items)
        return (
            f"{share}% of agenda topics came from members: {self.from_members} of "
            f"{plural(self.items, 'topic')}, with {plural(self.member_votes, 'vote')}."
        )


def overall(agendas: Sequence[MeetingAgenda]) -> Overall:
    return Overall(
        items=sum(a.items for a in agendas),
        from_members=sum(a.from_members for a in agendas),
        member_votes=sum(a.member_votes for a in agendas),
    )


async def agendas_between(
    repo: MeetingRepository, guild_id: int, *, now: datetime, days: int, organizers: Collection[int]
) -> list[MeetingAgenda]:
    """Each meeting (not cancelled) that started in the last `days` days or is still to come, soonest first."""
    since = now - timedelta(days=days)
    meetings = [
        m
        for m in await repo.listing(guild_id, now=now, past=True, include_cancelled=False)
        if m.starts_at >= since
    ]
    meetings.reverse()
    meetings += await repo.listing(guild_id, now=now, include_cancelled=False)
    return [provenance(m, await repo.agenda(m.id), organizers) for m in meetings]
