"""What the agreements' commands and job share: the refusal of the core as a `UserError`, the card edit."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING

import discord

from bot.delivery import job_guild
from bot.errors import UserError
from core.agreements.rules import Refused
from core.scheduler import RetryableJobError
from storage.agreements import Agreement
from storage.schools import SchoolRepository

from .cards import card_text, card_view

if TYPE_CHECKING:
    from bot.client import CopBot

log = logging.getLogger(__name__)


@contextlib.contextmanager
def refusals() -> Iterator[None]:
    try:
        yield
    except Refused as exc:
        raise UserError(str(exc)) from None


async def partner_left(bot: CopBot, agreement: Agreement) -> bool:
    """Whether the partner member has left the server. Read from the server once it has arrived in full
    (a job at start-up runs before Discord sends it, waiting for it, bounded): while it is not known, or
    the bot is not in it, nobody is called gone."""
    if not agreement.partner_id:
        return False
    try:
        guild = await job_guild(bot, agreement.guild_id)
    except RetryableJobError:
        return False
    return guild is not None and guild.get_member(agreement.partner_id) is None


def can_view(channel: object, user_id: int) -> bool:
    """Whether the member can see `channel` (a mention where they can't would reach no one)."""
    if not isinstance(channel, discord.abc.GuildChannel):
        return False
    member = channel.guild.get_member(user_id)
    return member is not None and channel.permissions_for(member).view_channel


async def render_card(bot: CopBot, agreement: Agreement) -> tuple[str, discord.ui.View | None]:
    """The card's text and its Confirm buttons (None: no button is left to click)."""
    gone = await SchoolRepository(bot.db).get(agreement.guild_id, agreement.school_id) is None
    view = None if gone else card_view(agreement)
    return card_text(agreement, partner_left=await partner_left(bot, agreement), school_gone=gone), view


async def refresh_card(bot: CopBot, agreement: Agreement) -> None:
    """Edit the agreement's card to its current state, best effort (it may have been deleted)."""
    if not agreement.card_channel_id or not agreement.card_message_id:
        return
    message = bot.get_partial_messageable(agreement.card_channel_id).get_partial_message(
        agreement.card_message_id
    )
    try:
        content, view = await render_card(bot, agreement)
        await message.edit(content=content, view=view)
    except discord.HTTPException as exc:
        log.info("could not update the card of agreement %s: %s", agreement.id, exc)
