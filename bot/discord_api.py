"""Where discord.py sends its REST calls and opens its gateway: Discord itself, or a local emulator."""

from __future__ import annotations

import discord.gateway
import discord.http
from yarl import URL

from bot.settings import DISCORD_API_URL

_DEFAULT_REST = discord.http.Route.BASE
_DEFAULT_GATEWAY = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY


def point_discord_at(base_url: str) -> None:
    """Move both REST and the gateway to `base_url` (process-wide: discord.py keeps them on classes)."""
    if base_url.rstrip("/") == DISCORD_API_URL:
        discord.http.Route.BASE = _DEFAULT_REST
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = _DEFAULT_GATEWAY
        return
    url = URL(base_url)
    discord.http.Route.BASE = str(url / "api" / "v10")
    scheme = "wss" if url.scheme == "https" else "ws"
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = url.with_scheme(scheme).with_path("/")
