"""Point discord.py at a Discord emulator, or back at Discord: where its REST calls and gateway go.

discord.py keeps both on classes (`discord.http.Route.BASE`, `DiscordWebSocket.DEFAULT_GATEWAY`), so this is
process-wide: call it before the bot logs in.

    from emulator.discord_target import point_discord_at
    point_discord_at(emu.url)               # http://127.0.0.1:PORT → …/api/v10 and ws://127.0.0.1:PORT/
    point_discord_at("https://discord.com")  # back to Discord
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import discord.gateway
import discord.http
from yarl import URL

DISCORD_URL = "https://discord.com"
_DEFAULT_REST = discord.http.Route.BASE
_DEFAULT_GATEWAY = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY


def point_discord_at(base_url: str) -> None:
    """Move both REST (`base_url`/api/v10) and the gateway (ws[s]://host/) to `base_url`; Discord's URL resets."""
    if base_url.rstrip("/") == DISCORD_URL:
        discord.http.Route.BASE = _DEFAULT_REST
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = _DEFAULT_GATEWAY
        return
    url = URL(base_url)
    discord.http.Route.BASE = str(url / "api" / "v10")
    scheme = "wss" if url.scheme == "https" else "ws"
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = url.with_scheme(scheme).with_path("/")


@contextlib.contextmanager
def pointed_at(base_url: str) -> Iterator[None]:
    """`point_discord_at(base_url)` for the block, then back to wherever discord.py pointed before."""
    rest, gateway = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    point_discord_at(base_url)
    try:
        yield
    finally:
        discord.http.Route.BASE = rest
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = gateway
