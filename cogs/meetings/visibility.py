"""Who may see a meeting: the one rule every meeting command, autocomplete, calendar file, report, agenda and
vote uses (issue 14).

- Organizers (Manage Server or the organizer role) see every meeting.
- Anyone else sees a meeting only if they can read its channel (Discord's View Channel there: where its card
  is), and, when its audience is a *protected* stakeholder group (Students), only if they belong to it.
- A meeting whose channel is gone is seen by its audience alone (by everyone, for a meeting for everyone).

Someone who can't see a meeting gets the answer given for an unknown id, so its existence doesn't leak.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from bot.checks import is_organizer
from storage.database import Database
from storage.groups import GroupRepository
from storage.meetings import Meeting
from storage.schools import SchoolRepository

if TYPE_CHECKING:
    from bot.client import CopBot


class Sight:
    """What one viewer (a member, or a role such as @everyone) can see of a guild's meetings: made once per
    interaction, then asked about each meeting. Group and school memberships are read only when a meeting
    for a group or school is asked about, and then once."""

    def __init__(
        self,
        db: Database | None,
        guild: discord.Guild | None,
        viewer: discord.Member | discord.Role | None,
        *,
        organizer: bool = False,
    ) -> None:
        self.db = db
        self.guild = guild
        self.viewer = viewer
        self.organizer = organizer
        self._units: tuple[frozenset[int], frozenset[int], frozenset[int]] | None = None

    async def units(self) -> tuple[frozenset[int], frozenset[int], frozenset[int]]:
        """The viewer's groups, their school teams, and the guild's protected groups."""
        if self._units is None:
            groups: frozenset[int] = frozenset()
            schools: frozenset[int] = frozenset()
            protected: frozenset[int] = frozenset()
            if self.db is not None and self.guild is not None:
                repo = GroupRepository(self.db)
                protected = frozenset(g.id for g in await repo.all(self.guild.id) if g.protected)
                if isinstance(self.viewer, discord.Member):
                    groups = frozenset(await repo.unit_ids_of(self.guild.id, self.viewer.id))
                    schools = frozenset(
                        await SchoolRepository(self.db).unit_ids_of(self.guild.id, self.viewer.id)
                    )
            self._units = groups, schools, protected
        return self._units

    async def can_see(self, meeting: Meeting) -> bool:
        if self.guild is None or meeting.guild_id != self.guild.id:
            return False
        if self.organizer:
            return True
        in_audience = True
        if meeting.audience_kind != "all" and meeting.audience_id is not None:
            groups, schools, protected = await self.units()
            in_audience = meeting.audience_id in (groups if meeting.audience_kind == "group" else schools)
            if meeting.audience_kind == "group" and meeting.audience_id in protected and not in_audience:
                return False
        channel = self.guild.get_channel_or_thread(meeting.channel_id)
        if channel is None:
            return in_audience
        return self.viewer is not None and channel.permissions_for(self.viewer).view_channel


async def sight_of(db: Database, interaction: discord.Interaction[CopBot]) -> Sight:
    """What the member behind an interaction can see."""
    guild, user = interaction.guild, interaction.user
    if guild is None or not isinstance(user, discord.Member):
        return Sight(None, None, None)
    try:
        organizer = await is_organizer(interaction)
    except discord.app_commands.CheckFailure:
        organizer = False
    return Sight(db, guild, user, organizer=organizer)


def public_sight(db: Database, guild: discord.Guild) -> Sight:
    """What every member can see (the @everyone role): for what the bot shows the whole server."""
    return Sight(db, guild, guild.default_role)


async def can_see(db: Database, meeting: Meeting, interaction: discord.Interaction[CopBot]) -> bool:
    """Whether the member behind `interaction` may see `meeting` (for one meeting; make a `Sight` for many)."""
    return await (await sight_of(db, interaction)).can_see(meeting)


__all__ = ["Sight", "can_see", "public_sight", "sight_of"]
