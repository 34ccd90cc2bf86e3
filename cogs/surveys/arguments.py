"""The survey a command names (its number), and the core's refusals as `UserError`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import discord
from discord import app_commands

from bot.arguments import IdArgument
from bot.errors import UserError
from core.surveys.errors import SurveyRefusal
from storage.surveys import Survey, SurveyRepository

if TYPE_CHECKING:
    from bot.client import CopBot

ID_HELP = "The survey's number (see /survey list)"


@contextmanager
def refusals() -> Iterator[None]:
    """The core's refusals reach the member as a `UserError`, their text as is."""
    try:
        yield
    except SurveyRefusal as exc:
        raise UserError(str(exc)) from None


class SurveyTransformer(IdArgument[Survey]):
    async def find(self, interaction: discord.Interaction[CopBot], guild_id: int, number: int) -> Survey:
        survey = await SurveyRepository(interaction.client.db).get(guild_id, number)
        if survey is None:
            raise UserError(f"There's no survey #{number} on this server. `/survey list` shows them.")
        return survey


SurveyArg = Annotated[Survey, app_commands.Transform[Survey, SurveyTransformer]]
