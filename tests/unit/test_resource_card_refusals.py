"""Posting a resource card when Discord refuses it for size or its own trouble: CardNotPosted, never a crash.

The emulator has no upload size limit, so the 413 "Request entity too large" answer is checked here.
"""

from __future__ import annotations

import io
from types import SimpleNamespace
from typing import Any
from unittest.mock import AsyncMock, MagicMock

import discord
import pytest

from cogs.resources.cards import CardNotPosted, post_card
from storage.guilds import Purpose
from storage.resources import Resource
from tests.clock import pinned_now

CHANNEL_ID = 55


def refusal(status: int, code: int, message: str) -> discord.HTTPException:
    response: Any = SimpleNamespace(status=status, reason=message)
    return discord.HTTPException(response, {"code": code, "message": message})


def setup(error: discord.HTTPException) -> tuple[Any, Any]:
    channel = MagicMock(spec=discord.TextChannel)
    channel.mention = f"<#{CHANNEL_ID}>"
    channel.permissions_for.return_value = discord.Permissions.all()
    channel.send = AsyncMock(side_effect=error)
    guild = MagicMock(spec=discord.Guild)
    guild.id = 1
    guild.filesize_limit = 10 * 1024 * 1024
    guild.get_channel.return_value = channel
    channel.guild = guild
    settings = SimpleNamespace(channels={Purpose.RESOURCES: CHANNEL_ID})
    bot = SimpleNamespace(guild_settings=SimpleNamespace(get=AsyncMock(return_value=settings)))
    return bot, guild


def resource() -> Resource:
    now = pinned_now()
    return Resource(
        9, 1, "https://cdn.example/rubric.pdf", "file:abc", "Rubric", "", None, None, 2, None, "rubric.pdf",
        None, None, None, None, None, 0, 0, now, now,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (
            refusal(413, 40005, "Request entity too large"),
            "larger than Discord lets me post in <#55> (10.0 MB",
        ),
        (refusal(400, 40005, "Request entity too large"), "(10.0 MB at most)"),
        (refusal(503, 0, "Service Unavailable"), "Discord had a problem just now"),
        (refusal(400, 50035, "Invalid Form Body"), "Discord refused its card in <#55> (Invalid Form Body)"),
    ],
)
async def test_a_refused_card_becomes_a_note_for_the_member(
    error: discord.HTTPException, expected: str
) -> None:
    bot, guild = setup(error)
    with pytest.raises(CardNotPosted) as refused:
        await post_card(bot, guild, resource(), discord.File(io.BytesIO(b"%PDF-1.4"), filename="rubric.pdf"))
    assert expected in refused.value.member_text
    assert refused.value.organizer_text is None  # nothing an organizer could fix
