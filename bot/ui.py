"""Shared interactive pieces: a confirm step and a paginated list, both private to the member who asked, and
the one way a form (modal) gets its fields."""

from __future__ import annotations

import contextlib
import secrets
import weakref
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any

import discord

from bot.errors import ErrorReportingView

if TYPE_CHECKING:
    from bot.client import CopBot

# Interaction tokens live 15 minutes; stop a little before so the last edit (disabling buttons) still works.
PRIVATE_VIEW_TIMEOUT = 14 * 60
NOT_YOURS = "These buttons belong to someone else's command. Run it yourself to get your own."
WITHDRAWN = "copbot is restarting, so this question was withdrawn and nothing was done. Run the command again in a minute."
_asking: weakref.WeakSet[ConfirmView] = weakref.WeakSet()  # questions waiting for a click (`confirm`)


def form_id(prefix: str) -> str:
    """A custom_id for one open form (modal): `prefix` and a random part.

    discord.py finds the open form a submit belongs to by its custom_id alone, so a fixed one shared by two
    members filling the form at once hands one member's answers to the other's form and leaves the other's
    unanswered. Forms are not persistent (they live in memory until they time out): nothing needs a fixed id.
    """
    return f"{prefix}:{secrets.token_hex(8)}"


def add_field(
    modal: discord.ui.Modal, text: str, item: discord.ui.Item[Any], *, description: str | None = None
) -> None:
    """Add `item` (a text input or select) to `modal` inside a Label (type 18), as Discord recommends.

    The Label carries the field's name (`text`, up to 45 characters) and an optional `description` (up to
    100); the input keeps its custom_id, so submit handlers read `item.value` / `item.values` as before.
    """
    modal.add_item(discord.ui.Label(text=text, description=description, component=item))


class OwnedView(ErrorReportingView):
    """A view only its owner may use; on timeout its buttons are disabled in place."""

    def __init__(self, owner_id: int, *, timeout: float = PRIVATE_VIEW_TIMEOUT) -> None:
        super().__init__(timeout=timeout)
        self.owner_id = owner_id
        self.interaction: discord.Interaction[CopBot] | None = None  # the one whose reply carries this view

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        if interaction.user.id != self.owner_id:
            await interaction.response.send_message(NOT_YOURS, ephemeral=True)
            return False
        return True

    def disable(self) -> None:
        for item in self.children:
            if isinstance(item, discord.ui.Button | discord.ui.Select):
                item.disabled = True

    async def on_timeout(self) -> None:
        self.disable()
        if self.interaction is not None:
            # The message may be gone or the token expired: then there is nothing to tidy.
            with contextlib.suppress(discord.HTTPException):
                await self.interaction.edit_original_response(view=self)


class ConfirmView(OwnedView):
    """“Are you sure?” with Confirm and Cancel. Await `wait()`, then read `confirmed`.

    The clicking interaction is kept in `answer` so the caller can edit the message with the outcome.
    """

    def __init__(self, owner_id: int, *, confirm_label: str = "Confirm", danger: bool = True) -> None:
        super().__init__(owner_id, timeout=5 * 60)
        self.confirmed: bool | None = None
        self.answer: discord.Interaction[CopBot] | None = None
        self.withdrawn = False  # the bot is stopping (`withdraw_questions`)
        self.confirm.label = confirm_label
        self.confirm.style = discord.ButtonStyle.danger if danger else discord.ButtonStyle.primary

    @discord.ui.button(label="Confirm", style=discord.ButtonStyle.danger)
    async def confirm(
        self, interaction: discord.Interaction[CopBot], button: discord.ui.Button[ConfirmView]
    ) -> None:
        await self._decide(interaction, True)

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(
        self, interaction: discord.Interaction[CopBot], button: discord.ui.Button[ConfirmView]
    ) -> None:
        await self._decide(interaction, False)

    async def _decide(self, interaction: discord.Interaction[CopBot], confirmed: bool) -> None:
        self.confirmed = confirmed
        self.answer = interaction
        self.disable()
        self.stop()


async def confirm(
    interaction: discord.Interaction[CopBot],
    question: str | None,
    *,
    declined: str,
    confirm_label: str = "Confirm",
    danger: bool = True,
    embeds: Sequence[discord.Embed] = (),
) -> discord.Interaction[CopBot] | None:
    """Ask privately (`question`, and `embeds` such as a preview). Returns the interaction of the Confirm
    click, which the caller must answer (e.g. `response.edit_message(content=…, view=None)`); None when the
    member declined (the question is then replaced by `declined`, e.g. "Nothing was removed.") or let it time
    out (the buttons are disabled)."""
    view = ConfirmView(interaction.user.id, confirm_label=confirm_label, danger=danger)
    view.interaction = interaction
    shown = list(embeds) if embeds else discord.utils.MISSING
    if interaction.response.is_done():
        await interaction.followup.send(
            question or discord.utils.MISSING, embeds=shown, view=view, ephemeral=True
        )
    else:
        await interaction.response.send_message(question, embeds=shown, view=view, ephemeral=True)
    _asking.add(view)
    try:
        await view.wait()
    finally:
        _asking.discard(view)
    if view.answer is None:
        if view.withdrawn:
            with contextlib.suppress(discord.HTTPException):
                await interaction.edit_original_response(
                    content=WITHDRAWN, embeds=[] if embeds else discord.utils.MISSING, view=None
                )
        return None
    if not view.confirmed:
        await view.answer.response.edit_message(
            content=declined, embeds=[] if embeds else discord.utils.MISSING, view=None
        )
        return None
    return view.answer


def withdraw_questions() -> None:
    """Every `confirm` still waiting for a click ends as withdrawn (the bot is stopping): its command
    finishes now, having done nothing, instead of holding the shutdown until the member clicks."""
    for view in list(_asking):
        if view.answer is None:
            view.withdrawn = True
            view.stop()


LIVE_LISTS = 3  # paged answers a member keeps working at once; an older one's buttons are turned off


class Paginator(OwnedView):
    """Pages of embeds with Previous / Next, private to the member who ran the command.

    Each member keeps their last `LIVE_LISTS` paged answers working (their pages stay in memory until the
    buttons time out); opening another turns the oldest one's buttons off and lets its pages go, so a busy
    organizer's lists don't pile up for 14 minutes each.

    `rest`, when given, reads every page (the first again) the first time Next is clicked: a long list then
    costs one page until someone turns it (`pages` holds just the first)."""

    def __init__(
        self,
        owner_id: int,
        pages: Sequence[discord.Embed],
        *,
        rest: Callable[[], Awaitable[Sequence[discord.Embed]]] | None = None,
    ) -> None:
        super().__init__(owner_id)
        if not pages:
            raise ValueError("a paginator needs at least one page")
        self.index = 0
        self._lists: dict[int, deque[Any]] = {}  # the bot's `live_lists`, once sent
        self._rest = rest
        self._number(pages)
        if rest is not None:
            self.pages[0].set_footer(text="Page 1 · Next for more")
        self._sync_buttons()

    def _number(self, pages: Sequence[discord.Embed]) -> None:
        self.pages = list(pages)
        for number, page in enumerate(self.pages, start=1):
            if len(self.pages) > 1:
                page.set_footer(text=f"Page {number} of {len(self.pages)}")

    def _sync_buttons(self) -> None:
        self.previous.disabled = self.index == 0
        self.next.disabled = self._rest is None and self.index >= len(self.pages) - 1

    @discord.ui.button(label="Previous", style=discord.ButtonStyle.secondary)
    async def previous(
        self, interaction: discord.Interaction[CopBot], button: discord.ui.Button[Paginator]
    ) -> None:
        await self._show(interaction, self.index - 1)

    @discord.ui.button(label="Next", style=discord.ButtonStyle.secondary)
    async def next(
        self, interaction: discord.Interaction[CopBot], button: discord.ui.Button[Paginator]
    ) -> None:
        await self._show(interaction, self.index + 1)

    async def _show(self, interaction: discord.Interaction[CopBot], index: int) -> None:
        if self._rest is not None:
            rest, self._rest = self._rest, None
            self._number(await rest())
        self.index = max(0, min(index, len(self.pages) - 1))
        self._sync_buttons()
        await interaction.response.edit_message(embed=self.pages[self.index], view=self)

    async def send(self, interaction: discord.Interaction[CopBot]) -> None:
        """Answer `interaction` privately with the first page (buttons only when there is more than one)."""
        self.interaction = interaction
        view = self if len(self.pages) > 1 or self._rest is not None else discord.utils.MISSING
        if interaction.response.is_done():
            await interaction.followup.send(embed=self.pages[0], view=view, ephemeral=True)
        else:
            await interaction.response.send_message(embed=self.pages[0], view=view, ephemeral=True)
        if view is self:
            self._lists = interaction.client.live_lists
            live = self._lists.setdefault(self.owner_id, deque())
            live.append(self)
            while len(live) > LIVE_LISTS:
                oldest = live.popleft()
                oldest.stop()
                await oldest.on_timeout()  # its buttons turned off in place
                oldest.pages = []  # no click can reach it now: its pages can go

    def _forget(self) -> None:
        live = self._lists.get(self.owner_id)
        if live is not None:
            with contextlib.suppress(ValueError):
                live.remove(self)
            if not live:
                del self._lists[self.owner_id]

    async def on_timeout(self) -> None:
        self._forget()
        await super().on_timeout()


def paginate_lines(
    title: str,
    lines: Sequence[str],
    *,
    per_page: int = 10,
    empty: str = "Nothing to show.",
    colour: int = 0x2E86AB,
) -> list[discord.Embed]:
    """Split lines into embeds of `per_page` lines each, within Discord's 4096-character description."""
    if not lines:
        return [discord.Embed(title=title, description=empty, colour=colour)]
    pages: list[discord.Embed] = []
    chunk: list[str] = []
    for line in lines:
        candidate = "\n".join([*chunk, line])
        if chunk and (len(chunk) >= per_page or len(candidate) > 4000):
            pages.append(discord.Embed(title=title, description="\n".join(chunk), colour=colour))
            chunk = []
        chunk.append(line[:4000])
    pages.append(discord.Embed(title=title, description="\n".join(chunk), colour=colour))
    return pages
