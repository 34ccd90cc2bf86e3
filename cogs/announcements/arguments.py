"""The `id` option of `/announce` commands: an announcement of this guild, found once and refused the same
way everywhere (`UserError`, shown as is by `report_error`), with its autocomplete."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.arguments import IdArgument
from bot.errors import UserError
from core.announcements.plans import AnnouncementError
from core.announcements.service import find_announcement
from storage.announcements import Announcement, AnnouncementRepository
from storage.database import Database

if TYPE_CHECKING:
    from bot.client import CopBot

ID_HELP = "The announcement's number (see /announce list)"


@contextmanager
def refusals() -> Iterator[None]:
    """The core's refusals (`AnnouncementError`) reach the member as a `UserError`, their text as is."""
    try:
        yield
    except AnnouncementError as exc:
        raise UserError(str(exc)) from None


async def find(db: Database, guild_id: int, announcement_id: int) -> Announcement:
    """The guild's announcement, or the refusal every command and button gives for an unknown id."""
    with refusals():
        return await find_announcement(AnnouncementRepository(db), guild_id, announcement_id)


class AnnouncementTransformer(IdArgument[Announcement]):
    """An announcement number typed or picked: the guild's announcement with that id."""

    async def find(
        self, interaction: discord.Interaction[CopBot], guild_id: int, number: int
    ) -> Announcement:
        return await find(interaction.client.db, guild_id, number)

    async def autocomplete(  # type: ignore[override]
        self, interaction: discord.Interaction[CopBot], value: int | float | str, /
    ) -> list[app_commands.Choice[int]]:
        if interaction.guild_id is None:
            return []
        repo = AnnouncementRepository(interaction.client.db)
        found = await repo.search_ids(interaction.guild_id, str(value).strip().lstrip("#"))
        return [
            app_commands.Choice(
                name=f"#{a.id} {' '.join((a.title or a.body).split())[:60]} ({a.state.value})"[:100],
                value=a.id,
            )
            for a in found
        ]


AnnouncementArg = app_commands.Transform[Announcement, AnnouncementTransformer]
