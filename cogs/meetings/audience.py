"""Who a meeting is for, on Discord: everyone, one stakeholder group or one school team."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.errors import UserError
from bot.options import typed_id
from cogs.meetings.inputs import refused
from core.meetings.audience import Audience, AudienceRules
from core.text import quote, safe_text
from storage.meetings import Meeting


class Audiences(AudienceRules):
    """A meeting's audience on Discord: read from an option, offered in autocomplete, and the private
    channel a protected group's meeting needs (the rules are `core.meetings.audience`)."""

    async def private_channel(
        self, guild: discord.Guild, audience: Audience, chosen: discord.TextChannel | None
    ) -> discord.TextChannel | None:
        """The channel a protected group's meeting must use, or None when the audience isn't protected.

        A meeting card shows its title, place and who is going to whoever can read the channel, so a
        protected group's meeting (Students) goes in a channel @everyone can't read: its own lounge when
        none is `chosen`; a `chosen` channel everyone can read is refused."""
        kind, audience_id = audience
        group = await self.groups.get(guild.id, audience_id) if kind == "group" and audience_id else None
        if group is None or not group.protected:
            return None
        if chosen is not None:
            if chosen.permissions_for(guild.default_role).view_channel:
                lounge = guild.get_channel(group.channel_id) if group.channel_id else None
                where = f", such as {lounge.mention}" if isinstance(lounge, discord.TextChannel) else ""
                raise UserError(
                    f"**{safe_text(group.name, 60)}** is a protected group, and everyone can read "
                    f"{chosen.mention}: its meeting card would show the title, place and who is going. "
                    f"Choose a channel only they and organizers can read{where}."
                )
            return chosen
        lounge = guild.get_channel(group.channel_id) if group.channel_id else None
        if not isinstance(lounge, discord.TextChannel):
            raise UserError(
                f"**{safe_text(group.name, 60)}** is a protected group and its private channel is missing: "
                "run `/groups setup` to restore it, or choose a `channel` only they and organizers can read."
            )
        return lounge

    async def read(self, guild_id: int, text: str | None) -> Audience:
        """An autocomplete value (`all`, `group:3`, `school:7`) or a typed group or school name."""
        value = (text or "").strip()
        if value.lower() in ("", "all", "everyone"):
            return "all", None
        kind, _, ref = value.partition(":")
        if kind in ("group", "school") and (unit_id := typed_id(ref)) is not None:
            unit = await (self.groups if kind == "group" else self.schools).get(guild_id, unit_id)
            if unit is not None:
                return kind, unit.id
        group = await self.groups.by_name(guild_id, value)
        if group is not None:
            return "group", group.id
        school = await self.schools.by_name(guild_id, value)
        if school is not None:
            return "school", school.id
        raise UserError(
            f"I don't know the audience {quote(value, 60)}. Pick **Everyone**, a stakeholder group or a "
            "school team from the list."
        )

    async def check(self, meeting: Meeting, user_id: int) -> None:
        """UserError unless the member belongs to the meeting's audience."""
        with refused():
            await super().check(meeting, user_id)

    async def choices(self, guild_id: int, current: str) -> list[app_commands.Choice[str]]:
        typed = current.strip().lower()
        options = [("Everyone", "all")]
        options += [(f"Group: {g.name}", f"group:{g.id}") for g in await self.groups.all(guild_id)]
        options += [
            (f"School: {s.name}", f"school:{s.id}") for s in await self.schools.search(guild_id, current)
        ]
        matching = [o for o in options if typed in o[0].lower()] or options
        return [app_commands.Choice(name=name[:100], value=value) for name, value in matching[:25]]


__all__ = ["Audience", "Audiences"]
