"""A resource's card: the embed, its persistent buttons, and posting, refreshing and deleting it.

The card lives in the resources channel: a message in a text channel, or a post (with matching forum
tags) in a forum channel. Its buttons are `DynamicItem`s with the resource id in the custom id
(`res:<action>:<id>`), so they keep working after a restart.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import discord

from bot.formatting import embed
from bot.persistent import PersistentItem
from bot.reach import channel_for, jump_link
from core.text import format_bytes, human_list, plural, safe_text
from storage.guilds import Purpose
from storage.resources import Resource, tag_key

if TYPE_CHECKING:
    from bot.client import CopBot

log = logging.getLogger(__name__)

CUSTOM_ID = re.compile(r"res:(?P<action>helpful|used|save):(?P<id>[0-9]{1,19})")
LABELS = {"helpful": "Helpful", "used": "I used this", "save": "Save"}
EMOJI = {"helpful": "👍", "used": "🛠️", "save": "🔖"}
FILE_TOO_LARGE = 40005  # Discord's "Request entity too large" (with HTTP 413)
MAX_FORUM_TAGS = 5  # Discord applies at most five tags to a forum post


class CardButton(PersistentItem, discord.ui.DynamicItem[discord.ui.Button[Any]], template=CUSTOM_ID.pattern):
    """Helpful, I used this, or Save on a card."""

    feature = "Resources"

    def __init__(self, action: str, resource_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label=LABELS[action],
                emoji=EMOJI[action],
                style=discord.ButtonStyle.primary if action == "helpful" else discord.ButtonStyle.secondary,
                custom_id=f"res:{action}:{resource_id}",
            )
        )
        self.action = action
        self.resource_id = resource_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> CardButton:
        return cls(match["action"], int(match["id"]))


def card_view(resource_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for action in LABELS:
        view.add_item(CardButton(action, resource_id))
    return view


def link_markdown(resource: Resource) -> str:
    """`[Title](url)` safe in an embed: no pings, no broken brackets."""
    title = discord.utils.escape_markdown(safe_text(resource.title, 120)).replace("[", "(").replace("]", ")")
    url = resource.url.replace("(", "%28").replace(")", "%29").replace(" ", "%20")
    return f"[{title}]({url})"


def counts_text(resource: Resource) -> str:
    return (
        f"{EMOJI['helpful']} {plural(resource.helpful_count, 'member')} found it helpful · "
        f"{EMOJI['used']} {plural(resource.used_count, 'member')} used it"
    )


def card_embed(resource: Resource) -> discord.Embed:
    card = embed(safe_text(resource.title, 256), safe_text(resource.description, 2000) or None)
    card.url = resource.url
    if resource.tags:
        card.add_field(name="Tags", value=safe_text(", ".join(resource.tags), 1024), inline=False)
    if resource.grades:
        card.add_field(name="Grades", value=resource.grades)
    if resource.kind:
        card.add_field(name="Kind", value=resource.kind.title())
    if resource.filename:
        card.add_field(name="File", value=safe_text(resource.filename, 200))
    credit = f"<@{resource.shared_by}>"
    if resource.author_id and resource.author_id != resource.shared_by:
        credit = f"<@{resource.author_id}> (saved by <@{resource.shared_by}>)"
    card.add_field(name="Shared by", value=credit, inline=False)
    card.add_field(name="Feedback", value=counts_text(resource), inline=False)
    card.set_footer(text=f"Resource #{resource.id} · find more with /resource search")
    return card


def jump_url(resource: Resource) -> str | None:
    """The link to the card: the forum post, or the message."""
    if resource.card_thread_id:
        return jump_link(resource.guild_id, resource.card_thread_id)
    if resource.card_channel_id and resource.card_message_id:
        return jump_link(resource.guild_id, resource.card_channel_id, resource.card_message_id)
    return None


def card_link(resource: Resource) -> str:
    """The link to the card's message (in its forum post, if it is one), gone or not."""
    where = resource.card_thread_id or resource.card_channel_id
    return jump_link(resource.guild_id, where, resource.card_message_id) if where else "no card recorded"


# -- posting --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Posted:
    channel_id: int
    thread_id: int | None
    message: discord.Message


class CardNotPosted(Exception):
    """The card could not be posted; `member_text` is for the sharer, `organizer_text` for organizers."""

    def __init__(self, member_text: str, organizer_text: str | None = None) -> None:
        super().__init__(member_text)
        self.member_text = member_text
        self.organizer_text = organizer_text


def forum_tags(forum: discord.ForumChannel, resource: Resource) -> list[discord.ForumTag]:
    """The forum's own tags whose names match the resource's tags (at most five)."""
    wanted = {tag_key(t) for t in resource.tags}
    return [t for t in forum.available_tags if tag_key(t.name) in wanted][:MAX_FORUM_TAGS]


async def resources_channel(bot: CopBot, guild: discord.Guild) -> discord.TextChannel | discord.ForumChannel:
    """The guild's resources channel, or CardNotPosted saying what is wrong with it."""
    channel_id = await channel_for(bot, guild.id, Purpose.RESOURCES)
    if channel_id is None:
        raise CardNotPosted(
            "No resources channel is set yet, so there is no card to show it; an organizer can choose "
            "one with `/resource channel`."
        )
    channel = guild.get_channel(channel_id)
    if channel is None:
        raise CardNotPosted(
            "the resources channel was deleted, so I couldn't post its card.",
            "the resources channel was deleted, so new resources get no card. "
            "Choose another with `/resource channel`.",
        )
    if not isinstance(channel, discord.TextChannel | discord.ForumChannel):
        raise CardNotPosted(
            f"{channel.mention} can't hold resource cards.",
            f"{channel.mention} is set as the resources channel but can't hold cards; choose a text or "
            "forum channel with `/resource channel`.",
        )
    return channel


def missing_permissions(channel: discord.TextChannel | discord.ForumChannel, *, with_file: bool) -> list[str]:
    have = channel.permissions_for(channel.guild.me)
    needed = {"view_channel": "View Channel", "send_messages": "Send Messages", "embed_links": "Embed Links"}
    if with_file:
        needed["attach_files"] = "Attach Files"
    return [label for name, label in needed.items() if not getattr(have, name)]


def _not_allowed(channel: discord.abc.GuildChannel, missing: list[str]) -> CardNotPosted:
    labels = human_list([f"**{m}**" for m in missing])
    return CardNotPosted(
        f"I'm not allowed to post in {channel.mention}, so its card isn't there yet.",
        f"I couldn't post a resource card in {channel.mention}: my role needs {labels} there "
        "(channel settings → Permissions).",
    )


async def post_card(
    bot: CopBot, guild: discord.Guild, resource: Resource, file: discord.File | None
) -> Posted:
    """Post the card in the resources channel; CardNotPosted with the reason if it can't be."""
    channel = await resources_channel(bot, guild)
    missing = missing_permissions(channel, with_file=file is not None)
    if missing:
        raise _not_allowed(channel, missing)
    extra: dict[str, Any] = {"file": file} if file is not None else {}
    try:
        if isinstance(channel, discord.ForumChannel):
            created = await channel.create_thread(
                name=resource.title[:100],
                embed=card_embed(resource),
                view=card_view(resource.id),
                applied_tags=forum_tags(channel, resource),
                **extra,
            )
            return Posted(channel.id, created.thread.id, created.message)
        message = await channel.send(embed=card_embed(resource), view=card_view(resource.id), **extra)
        return Posted(channel.id, None, message)
    except discord.Forbidden:
        raise _not_allowed(channel, ["View Channel", "Send Messages"]) from None
    except discord.NotFound:
        raise CardNotPosted(
            "the resources channel was deleted, so I couldn't post its card.",
            "the resources channel was deleted, so new resources get no card. "
            "Choose another with `/resource channel`.",
        ) from None
    except discord.HTTPException as exc:  # 413/40005: too large a file; 5xx: after discord.py's retries
        log.warning("could not post the card of resource %s: %s", resource.id, exc)
        raise _refused(channel, exc) from None


def _refused(
    channel: discord.TextChannel | discord.ForumChannel, error: discord.HTTPException
) -> CardNotPosted:
    """Discord refused the card for a reason other than permissions: too large a file, or its own trouble."""
    if error.status == 413 or error.code == FILE_TOO_LARGE:
        limit = format_bytes(channel.guild.filesize_limit)
        return CardNotPosted(
            f"the file is larger than Discord lets me post in {channel.mention} ({limit} at most), so it has no "
            "card there. To give it one, remove it with `/resource remove` and share a smaller file, or a link to it."
        )
    if error.status >= 500:
        return CardNotPosted(
            f"Discord had a problem just now and its card couldn't be posted in {channel.mention}; "
            "people can still find it with `/resource search`."
        )
    return CardNotPosted(
        f"Discord refused its card in {channel.mention} ({safe_text(error.text or str(error.status), 200)})."
    )


async def _card_message(bot: CopBot, resource: Resource) -> discord.PartialMessage | None:
    where = resource.card_thread_id or resource.card_channel_id
    if where is None or resource.card_message_id is None:
        return None
    channel = bot.get_channel(where)
    if channel is None:
        try:
            channel = await bot.fetch_channel(where)
        except discord.HTTPException:
            return None
    if not isinstance(channel, discord.TextChannel | discord.Thread):
        return None
    return channel.get_partial_message(resource.card_message_id)


async def refresh_card(bot: CopBot, resource: Resource, *, retitle: bool = False) -> bool:
    """Show the resource as it now is on its card (best effort: a card that is gone stays gone); whether the
    card shows it now (True when there is no card)."""
    if resource.card_message_id is None:
        return True
    message = await _card_message(bot, resource)
    if message is None:
        return False
    try:
        await message.edit(embed=card_embed(resource), view=card_view(resource.id))
        thread = message.channel
        if retitle and isinstance(thread, discord.Thread) and isinstance(thread.parent, discord.ForumChannel):
            await thread.edit(name=resource.title[:100], applied_tags=forum_tags(thread.parent, resource))
    except discord.NotFound:
        return True
    except discord.HTTPException as exc:
        log.info("could not refresh the card of resource %s: %s", resource.id, exc)
        return False
    return True


async def delete_card(bot: CopBot, resource: Resource) -> bool:
    """Delete the card (the whole post in a forum); whether it is gone."""
    message = await _card_message(bot, resource)
    if message is None:
        return False
    try:
        if resource.card_thread_id and isinstance(message.channel, discord.Thread):
            try:
                await message.channel.delete()
                return True
            except discord.Forbidden:
                pass  # without Manage Threads: delete the starter message at least
        await message.delete()
        return True
    except discord.NotFound:
        return True
    except discord.HTTPException as exc:
        log.info("could not delete the card of resource %s: %s", resource.id, exc)
        return False


__all__ = [
    "CUSTOM_ID",
    "LABELS",
    "CardButton",
    "CardNotPosted",
    "Posted",
    "card_embed",
    "card_link",
    "card_view",
    "counts_text",
    "delete_card",
    "forum_tags",
    "jump_url",
    "link_markdown",
    "post_card",
    "refresh_card",
    "resources_channel",
]
