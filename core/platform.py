"""What the features ask of the chat platform, as small protocols the front end implements (for Discord:
`bot.reach.DiscordPlatform`, available as `bot.platform`). Use cases in `core/` take the smallest one they
need instead of a Discord object, so the same rule runs under another front end and in unit tests with a
small fake.

A feature that needs something only it uses declares its own protocol in its package (`core/<feature>/`,
e.g. `core.meetings.visibility.ChannelViews`); what use cases need of the scheduler is `core.scheduler.Jobs`.
"""

from __future__ import annotations

from typing import Protocol

from storage.guilds import Purpose


class Members(Protocol):
    """Who is in a server."""

    async def is_member(self, guild_id: int, user_id: int) -> bool:
        """Whether the user is in the server now (False too when the bot is no longer in it)."""
        ...


class Messenger(Protocol):
    """Reaching people: the organizers, one member, the channel configured for a purpose."""

    async def channel_for(self, guild_id: int, *purposes: Purpose) -> int | None:
        """The first channel configured for one of `purposes`, or None."""
        ...

    async def tell_organizers(
        self, guild_id: int, text: str, *, nonce: str | None = None, purposes: tuple[Purpose, ...] = ()
    ) -> bool:
        """Tell the organizers `text` (once per `nonce`); False when it could not be posted."""
        ...

    async def send_dm(self, user_id: int, text: str, *, nonce: str | None = None) -> bool:
        """A private message to one member; False when they do not accept one."""
        ...


class Platform(Members, Messenger, Protocol):
    """Everything above: what `bot.platform` offers."""
