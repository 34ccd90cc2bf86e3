"""A member's data in the library deleted on Discord too: the rows go (`storage.resources`), then the cards of
what they shared, and their name on cards saved from their messages; what could not be taken off is named."""

from __future__ import annotations

from bot.client import CopBot
from core.personal_data import Deleted
from core.text import plural
from storage.resources import ResourceRepository

from .cards import card_link, delete_card, refresh_card


async def delete_member(bot: CopBot, repo: ResourceRepository, guild_id: int, user_id: int) -> Deleted:
    """The personal-data delete handler of the resource library."""
    cards = await repo.member_cards(guild_id, user_id)
    credited = await repo.saved_from_member(guild_id, user_id)
    removed = await repo.delete_member(guild_id, user_id)
    gone = 0
    remains: list[str] = []
    for resource in cards:
        if resource.card_message_id is None:
            continue
        if await delete_card(bot, resource):
            gone += 1
        else:
            remains.append(f"the card of a resource you shared ({card_link(resource)})")
    for resource_id in credited:  # their cards still named the member as the author
        kept = await repo.get(guild_id, resource_id)
        if kept is not None and not await refresh_card(bot, kept):
            remains.append(f"your name on a resource card ({card_link(kept)})")
    posts = (f"{plural(gone, 'resource card')} you shared",) if gone else ()
    return Deleted(removed, posts, tuple(remains))
