"""copbot's posts about a member on Discord: the intro card hidden while they are away, and everything taken
down with their data (the card, the welcome, their mention in reminders), best effort."""

from __future__ import annotations

import logging

import discord

from bot.client import CopBot
from bot.reach import jump_link
from core.personal_data import Deleted
from core.text import plural
from storage.profiles import ProfileRepository

log = logging.getLogger(__name__)


def remind_mentions(user_ids: list[int]) -> str:
    """The reminder posted in the introductions channel for members whose DMs are closed."""
    return " ".join(f"<@{u}>" for u in user_ids) + " — welcome! Please take a minute to introduce yourself."


class MemberPosts:
    """The profile feature's personal-data delete handler, and the card of a member who left."""

    def __init__(self, bot: CopBot, profiles: ProfileRepository) -> None:
        self.bot = bot
        self.profiles = profiles

    async def delete_member(self, guild_id: int, user_id: int) -> Deleted:
        """The member's intro card, the welcome and reminders that mention them (best effort), then their rows."""
        profile = await self.profiles.get(guild_id, user_id, include_hidden=True)
        posts: list[str] = []
        remains: list[str] = []
        if profile is not None and profile.card_channel_id and profile.card_message_id:
            link = jump_link(guild_id, profile.card_channel_id, profile.card_message_id)
            if await self._take_down(profile.card_channel_id, profile.card_message_id, "intro card"):
                posts.append("your intro card")
            else:
                remains.append(f"your intro card ({link})")
        reminders = 0
        for post in await self.profiles.posts_of(guild_id, user_id):
            link = jump_link(guild_id, post.channel_id, post.message_id)
            others = [u for u in await self.profiles.mentioned_in(post.message_id) if u != user_id]
            if post.kind == "remind" and others:  # a reminder to several members: only their mention goes
                done = await self._take_down(
                    post.channel_id, post.message_id, "reminder", content=remind_mentions(others)
                )
            else:
                done = await self._take_down(post.channel_id, post.message_id, post.kind)
            if post.kind == "welcome":
                (posts if done else remains).append("your welcome message" + ("" if done else f" ({link})"))
            elif done:
                reminders += 1
            else:
                remains.append(f"a reminder that mentions you ({link})")
        if reminders:
            posts.append(f"your mention in {plural(reminders, 'reminder')}")
        rows = await self.profiles.delete_member(guild_id, user_id)
        return Deleted(rows, tuple(posts), tuple(remains))

    async def _take_down(
        self, channel_id: int, message_id: int, what: str, *, content: str | None = None
    ) -> bool:
        """Delete one of copbot's messages (or replace its content); whether it is gone (or changed)."""
        message = self.bot.get_partial_messageable(channel_id).get_partial_message(message_id)
        try:
            if content is None:
                await message.delete()
            else:
                await message.edit(content=content, allowed_mentions=discord.AllowedMentions.none())
        except discord.NotFound:
            return content is None  # deleted already; a reminder that is gone no longer mentions anyone
        except discord.HTTPException as exc:  # 50001/50013: no access any more; 5xx: Discord had trouble
            log.info("could not take down %s %s: %s", what, message_id, exc)
            return False
        return True

    async def hide_card(self, guild_id: int, user_id: int) -> None:
        """The member left: their card says so while their profile is hidden."""
        profile = await self.profiles.get(guild_id, user_id, include_hidden=True)
        guild = self.bot.get_guild(guild_id)
        if guild is None or profile is None:
            return
        channel = guild.get_channel(profile.card_channel_id) if profile.card_channel_id else None
        if not isinstance(channel, discord.TextChannel) or profile.card_message_id is None:
            return
        try:
            await channel.get_partial_message(profile.card_message_id).edit(
                embed=discord.Embed(
                    description="This member has left the server; their introduction is hidden."
                )
            )
        except discord.HTTPException as exc:
            log.info("could not update intro card %s: %s", profile.card_message_id, exc)
