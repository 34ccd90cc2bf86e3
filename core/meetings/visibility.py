"""Who may see a meeting: the one rule every meeting command, autocomplete, calendar file, report, agenda and
vote uses (issue 14).

- Organizers see every meeting.
- Anyone else sees a meeting only if they can read its channel (where its card is), and, when its audience is
  a *protected* stakeholder group (Students), only if they belong to it.
- A meeting whose channel is gone is seen by its audience alone (by everyone, for a meeting for everyone).

Someone who can't see a meeting gets the answer given for an unknown id, so its existence doesn't leak. Who
can read a channel is the platform's to say (`ChannelViews`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

from storage.database import Database
from storage.groups import GroupRepository
from storage.meetings import Meeting
from storage.schools import SchoolRepository


class ChannelViews(Protocol):
    """What one viewer (a member, or everyone) can read on the platform."""

    async def can_view(self, channel_id: int) -> bool | None:
        """Whether the viewer can read the channel; None when the channel no longer exists."""
        ...


class Visibility:
    """What one viewer can see of one guild's meetings: made once per request, then asked about each
    meeting. Group and school memberships are read only when a meeting for a group or school is asked
    about, and then once. `user_id` None is everyone (no memberships); `guild_id` None sees nothing."""

    def __init__(
        self,
        db: Database | None,
        guild_id: int | None,
        user_id: int | None,
        views: ChannelViews | None,
        *,
        organizer: bool = False,
    ) -> None:
        self.db = db
        self.guild_id = guild_id
        self.user_id = user_id
        self.views = views
        self.organizer = organizer
        self._units: tuple[frozenset[int], frozenset[int], frozenset[int]] | None = None

    async def units(self) -> tuple[frozenset[int], frozenset[int], frozenset[int]]:
        """The viewer's groups, their school teams, and the guild's protected groups."""
        if self._units is None:
            groups: frozenset[int] = frozenset()
            schools: frozenset[int] = frozenset()
            protected: frozenset[int] = frozenset()
            if self.db is not None and self.guild_id is not None:
                repo = GroupRepository(self.db)
                protected = frozenset(g.id for g in await repo.all(self.guild_id) if g.protected)
                if self.user_id is not None:
                    groups = frozenset(await repo.unit_ids_of(self.guild_id, self.user_id))
                    schools = frozenset(
                        await SchoolRepository(self.db).unit_ids_of(self.guild_id, self.user_id)
                    )
            self._units = groups, schools, protected
        return self._units

    async def can_see(self, meeting: Meeting) -> bool:
        if self.guild_id is None or meeting.guild_id != self.guild_id:
            return False
        if self.organizer:
            return True
        in_audience = True
        if meeting.audience_kind != "all" and meeting.audience_id is not None:
            groups, schools, protected = await self.units()
            in_audience = meeting.audience_id in (groups if meeting.audience_kind == "group" else schools)
            if meeting.audience_kind == "group" and meeting.audience_id in protected and not in_audience:
                return False
        readable = await self.views.can_view(meeting.channel_id) if self.views is not None else False
        if readable is None:
            return in_audience
        return readable

    async def first_seen(self, fetch: Callable[[int], Awaitable[list[Meeting]]], limit: int) -> list[Meeting]:
        """Up to `limit` meetings the viewer may see, in `fetch`'s order (`fetch(n)`: the first n meetings),
        reading further while hidden ones took the places."""
        batch = limit
        while True:
            found = await fetch(batch)
            seen = [m for m in found if await self.can_see(m)]
            if len(seen) >= limit or len(found) < batch:
                return seen[:limit]
            batch *= 4
