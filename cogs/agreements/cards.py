"""What an agreement looks like on Discord: its card (in the school team's channel), the Confirm buttons
(persistent, `agr:ok:<id>:team|partner`) and the one-line form of `/agreement list`."""

from __future__ import annotations

from typing import Any

import discord

from bot.persistent import PersistentItem
from core.agreements.rules import Side, confirmed, organization_only
from core.text import quote, safe_text
from core.timeutil import discord_timestamp
from storage.agreements import OPEN, Agreement

LABELS = {Side.TEAM: "Confirm for the team", Side.PARTNER: "Confirm as the partner"}
FOR_ORGANIZATION = "Confirm for the organisation (organizers)"


class ConfirmButton(
    PersistentItem,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"agr:ok:(?P<id>\d{1,20}):(?P<side>team|partner)",
):
    """Confirm one side of an agreement."""

    feature = "Agreements"

    def __init__(self, agreement_id: int, side: Side, *, label: str | None = None) -> None:
        super().__init__(
            discord.ui.Button(
                label=label or LABELS[side],
                style=discord.ButtonStyle.success,
                custom_id=f"agr:ok:{agreement_id}:{side.value}",
            )
        )
        self.agreement_id = agreement_id
        self.side = side

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: Any, /
    ) -> ConfirmButton:
        return cls(int(match["id"]), Side(match["side"]))


def partner_text(agreement: Agreement) -> str:
    """The partner as shown: a mention (never a ping: sends use AllowedMentions.none), the organisation."""
    who = (
        f"<@{agreement.partner_id}>"
        if agreement.partner_id
        else ("a former member" if agreement.partner_former else "")
    )
    org = quote(agreement.organization, 100) if agreement.organization else ""
    if who and org:
        return f"{who} ({org})"
    return who or org or "a partner"


def _side(agreement: Agreement, side: Side) -> str:
    if confirmed(agreement, side):
        by = agreement.team_confirmed_by if side is Side.TEAM else agreement.partner_confirmed_by
        at = agreement.team_confirmed_at if side is Side.TEAM else agreement.partner_confirmed_at
        assert at is not None
        return f"✅ confirmed{f' by <@{by}>' if by else ''} {discord_timestamp(at, 'D')}"
    if side is Side.TEAM:
        return "⏳ waiting for a team member"
    if organization_only(agreement):
        return "⏳ waiting for an organizer to confirm for the organisation"
    return "⏳ waiting for the partner"


def card_text(agreement: Agreement, *, partner_left: bool = False, school_gone: bool = False) -> str:
    lines = [
        f"**Collaboration agreement #{agreement.id}**: {safe_text(agreement.school_name, 100)} team with "
        f"{partner_text(agreement)}",
        f"Status: **{agreement.status.value}**",
        f"The team commits: {quote(agreement.team_commitment, 500)}",
        f"The partner commits: {quote(agreement.partner_commitment, 500)}",
        f"Committed hours per month: {agreement.hours_per_month}",
        f"Starts {discord_timestamp(agreement.starts_at, 'D')}, review {discord_timestamp(agreement.review_at, 'D')}"
        f" ({discord_timestamp(agreement.review_at, 'R')})",
        f"Team side: {_side(agreement, Side.TEAM)}",
        f"Partner side: {_side(agreement, Side.PARTNER)}",
    ]
    if partner_left:
        lines.append("⚠️ The partner has left the server; only the team is reminded of the review.")
    elif agreement.partner_id is None and agreement.partner_former:
        lines.append("The partner is a former member; only the team is reminded of the review.")
    if school_gone:
        lines.append("This school team was removed; the agreement is kept as its record.")
    if agreement.status in OPEN:
        lines.append(
            f"Renew with `/agreement renew id:{agreement.id}`, or mark it done with "
            f"`/agreement complete id:{agreement.id}`."
        )
    return "\n".join(lines)[:2000]


def card_view(agreement: Agreement) -> discord.ui.View | None:
    """The Confirm buttons of the sides still to confirm (none once it is not open)."""
    if agreement.status not in OPEN:
        return None
    sides = [side for side in (Side.TEAM, Side.PARTNER) if not confirmed(agreement, side)]
    if Side.PARTNER in sides and agreement.partner_id is None and not organization_only(agreement):
        sides.remove(Side.PARTNER)  # the partner member's data was deleted: nobody confirms for them
    if not sides:
        return None
    view = discord.ui.View(timeout=None)
    for side in sides:
        label = FOR_ORGANIZATION if side is Side.PARTNER and organization_only(agreement) else None
        view.add_item(ConfirmButton(agreement.id, side, label=label))
    return view


def list_line(agreement: Agreement) -> str:
    return (
        f"**#{agreement.id}** {safe_text(agreement.school_name, 60)} with {partner_text(agreement)}: "
        f"{agreement.status.value}, {agreement.hours_per_month} h/month, review "
        f"{discord_timestamp(agreement.review_at, 'D')}"
    )
