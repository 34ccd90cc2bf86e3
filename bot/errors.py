"""One place where failures become what a member sees: a clear ephemeral message, never a traceback."""

from __future__ import annotations

import difflib
import logging
import secrets
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ui import Item

if TYPE_CHECKING:
    from bot.client import CopBot

log = logging.getLogger(__name__)

MESSAGE_LIMIT = 2000  # Discord: characters in a message
UNKNOWN_INTERACTION = 10062  # Discord: the interaction expired (not answered within 3 s) or is unknown


class UserError(Exception):
    """An expected failure (bad input, missing setup). Its text is shown to the member as is, privately."""


class NotOrganizer(app_commands.CheckFailure):
    """The member is not an organizer of this community."""


GENERIC_CHECK_FAILURE = "You can't use this command here."


def _friendly(error: BaseException) -> str | None:
    """The text for an expected failure, or None when the failure is a bug."""
    if isinstance(error, UserError | NotOrganizer):
        return str(error)
    if isinstance(error, app_commands.NoPrivateMessage):
        return "This command works inside a server, not in direct messages."
    if isinstance(error, app_commands.MissingPermissions):
        needed = ", ".join(p.replace("_", " ").title() for p in error.missing_permissions)
        return f"You need the **{needed}** permission for this."
    if isinstance(error, app_commands.BotMissingPermissions):
        needed = ", ".join(p.replace("_", " ").title() for p in error.missing_permissions)
        return f"I need the **{needed}** permission for this. A server admin can grant it in Server Settings → Roles."
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Slow down a little: try again in {error.retry_after:.0f} seconds."
    if isinstance(error, app_commands.TransformerError):
        return (
            f"I couldn't understand “{discord.utils.escape_mentions(str(error.value))[:80]}” for that option."
        )
    if isinstance(error, app_commands.CheckFailure):
        return GENERIC_CHECK_FAILURE
    if isinstance(error, app_commands.CommandSignatureMismatch):
        return (
            f"`/{error.command.qualified_name}` changed in this version of copbot, and Discord still shows the "
            "old one. Ask a server admin to run `copbot sync`, then try again."
        )
    return None


def unknown_command(interaction: discord.Interaction[CopBot], error: app_commands.CommandNotFound) -> str:
    """A command copbot does not have (mistyped through the emulator, or left over from an older version):
    say which ones are close."""
    typed = " ".join(_typed_path(dict(interaction.data or {})) or [*error.parents, error.name])
    tree = getattr(interaction.client, "tree", None)
    known = [f"{c.qualified_name}" for c in tree.walk_commands()] if tree is not None else []
    close = difflib.get_close_matches(typed, known, n=3, cutoff=0.6)
    hint = f" Did you mean {' or '.join(f'`/{c}`' for c in close)}?" if close else ""
    return (
        f"I don't have a `/{discord.utils.escape_markdown(typed)[:100]}` command.{hint} Type `/` to pick "
        "from copbot's commands; if this one was in that list, it is from an older copbot and a server admin "
        "can refresh the list with `copbot sync`."
    )


async def send_private(interaction: discord.Interaction[CopBot], text: str) -> None:
    """Reply (or follow up) privately; an interaction that already expired is only logged. A text over
    Discord's 2 000 characters is cut (with "…") rather than refused, which members would see as
    "interaction failed"; refusals keep lists short with `bot.formatting.short_list`."""
    if len(text) > MESSAGE_LIMIT:
        text = text[: MESSAGE_LIMIT - 1] + "…"
    try:
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True)
        else:
            await interaction.response.send_message(text, ephemeral=True)
    except discord.HTTPException as exc:
        log.warning("could not deliver an error message to %s: %s", interaction.user.id, exc)


async def report_error(interaction: discord.Interaction[CopBot], error: BaseException) -> None:
    """Show an expected failure as is; log anything else with a reference the member can pass on."""
    if isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    if isinstance(error, app_commands.TransformerError) and isinstance(error.__cause__, UserError):
        error = error.__cause__  # an argument transformer's refusal (bot/arguments.py), shown as it says
    metrics = getattr(interaction.client, "metrics", None)
    if isinstance(error, discord.NotFound) and error.code == UNKNOWN_INTERACTION:
        # Answered after Discord's 3 s: the interaction is gone, and nothing can reach the member through it
        # (Discord told them it failed; clicking again works).
        if metrics is not None:
            metrics.finished(interaction, "late")
        log.warning(
            "answered too late (Discord's 3 s had passed) in %s in guild %s",
            _what(interaction),
            interaction.guild_id,
        )
        return
    text = unknown_command(interaction, error) if isinstance(error, app_commands.CommandNotFound) else None
    text = text or _friendly(error)
    if metrics is not None:
        metrics.finished(interaction, "refused" if text is not None else "failed")
    if text is None:
        reference = secrets.token_hex(3).upper()
        log.error(
            "unexpected error (ref %s) in %s by user %s in guild %s",
            reference,
            _what(interaction),
            interaction.user.id,
            interaction.guild_id,
            exc_info=error,
        )
        text = (
            # Not "nothing was changed": a command may fail after some of its writes.
            f"Something went wrong on my side and I couldn't finish. Please try again; if it keeps "
            f"happening, tell an organizer and give them this reference: `{reference}`."
        )
    await send_private(interaction, text)


def _typed_path(data: dict[str, Any]) -> list[str]:
    """The command and subcommand names an interaction carries: ["cops", "settings"]."""
    path = [str(data.get("name") or "")] if data.get("name") else []
    options = data.get("options") or []
    while options and options[0].get("type") in (1, 2):  # a subcommand or a subcommand group
        path.append(str(options[0].get("name")))
        options = options[0].get("options") or []
    return path


def _what(interaction: discord.Interaction[CopBot]) -> str:
    if interaction.command is not None:
        return f"/{interaction.command.qualified_name}"
    data: dict[str, Any] = dict(interaction.data or {})
    return f"component {data.get('custom_id', '?')}"


class ErrorReportingView(discord.ui.View):
    """A view whose callback errors go through the same reporting as slash commands."""

    async def on_error(
        self, interaction: discord.Interaction[Any], error: Exception, item: Item[Any], /
    ) -> None:
        await report_error(interaction, error)


class ErrorReportingModal(discord.ui.Modal):
    """A modal whose submit errors go through the same reporting as slash commands."""

    async def on_error(self, interaction: discord.Interaction[CopBot], error: Exception, /) -> None:  # type: ignore[override]
        await report_error(interaction, error)


class ReportsErrors:
    """Mixin for `DynamicItem`s: failures in `respond` reach the member like a slash command's.

    discord.py only logs exceptions raised by a dynamic item's callback, so the member would see
    "This interaction failed". Subclasses implement `respond` instead of `callback`.
    """

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        try:
            await self.respond(interaction)
        except Exception as error:
            await report_error(interaction, error)

    async def respond(self, interaction: discord.Interaction[CopBot]) -> None:
        raise NotImplementedError
