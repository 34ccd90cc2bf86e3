"""Commands that stay in sync by themselves: at start, the bot registers its commands only when they changed.

What Discord is given (every command's payload, as `CommandTree.sync` sends it) is hashed and the hash kept
per scope ("global", or "guild:ID" for `copbot sync --guild`) in the database. A start whose hash matches
the one last registered leaves Discord alone; an upgrade that added or changed a command registers once,
with one log line. `copbot sync` still forces it (and records what it registered).
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from storage.command_syncs import CommandSyncRepository

if TYPE_CHECKING:
    from bot.client import CopBot

log = logging.getLogger(__name__)

__all__ = ["scope_of", "sync_if_changed", "synced", "tree_hash"]


def scope_of(guild_id: int | None) -> str:
    return f"guild:{guild_id}" if guild_id else "global"


def tree_hash(tree: app_commands.CommandTree[CopBot], guild: discord.abc.Snowflake | None = None) -> str:
    """A hash of exactly what `tree.sync(guild=guild)` would send (order aside)."""
    payload = [
        command.to_dict(tree)
        for kind in discord.AppCommandType
        for command in tree.get_commands(guild=guild, type=kind)
    ]
    payload.sort(key=lambda item: (item.get("type", 1), item["name"]))
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


async def synced(bot: CopBot, guild: discord.abc.Snowflake | None = None) -> int:
    """Register the commands now (globally, or in `guild`) and remember what was registered."""
    digest = tree_hash(bot.tree, guild)
    registered = await bot.tree.sync(guild=guild)
    await CommandSyncRepository(bot.db).record(scope_of(guild.id if guild else None), digest, bot.clock.now())
    return len(registered)


async def sync_if_changed(bot: CopBot) -> bool:
    """At start: register the global commands if they differ from those last registered. True when it did.

    A refusal or an outage is logged and the bot starts anyway: members keep the commands they had.
    """
    if bot.application_id is None:
        return False  # not logged in (a check of the tree alone): there is nothing to register with
    digest = tree_hash(bot.tree)
    if await CommandSyncRepository(bot.db).get(scope_of(None)) == digest:
        return False
    try:
        count = await synced(bot)
    except discord.HTTPException as exc:
        log.error(
            "could not register the commands with Discord (%s %s); members see the previous ones until a "
            "start or `copbot sync` succeeds",
            exc.status,
            exc.text or "no reason given",
        )
        return False
    log.info("registered %d commands with Discord: they changed since the last start", count)
    return True
