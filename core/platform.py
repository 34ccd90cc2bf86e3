"""What the features ask of the chat platform, as protocols the front end implements (for Discord:
`bot.reach.DiscordPlatform`). Use cases in `core/` take one of these instead of a Discord object, so the same
rule runs under another front end and in unit tests with a small fake.

A feature that needs something only it uses declares its own protocol in its package (`core/<feature>/`).
"""

from __future__ import annotations

from typing import Protocol

from storage.guilds import Purpose


class Platform(Protocol):
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

    async def can_view(self, guild_id: int, channel_id: int, user_id: int) -> bool:
        """Whether the member can read the channel."""
        ...
