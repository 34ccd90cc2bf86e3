"""Introduction fields: limits and checks on what members type, and the intro card (embed) built from them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import discord

from bot.arguments import TextArgument
from bot.errors import UserError
from bot.formatting import EMBED_COLOUR
from storage.profiles import Profile, split_interests

if TYPE_CHECKING:
    from bot.client import CopBot

# Discord's modal inputs allow up to 4000 characters; these keep a card inside an embed's limits.
NAME_LIMIT = 80
ORGANIZATION_LIMIT = 100
TITLE_LIMIT = 100
INTERESTS_LIMIT = 300
NEEDS_LIMIT = 1000  # an embed field holds 1024
WELCOME_LIMIT = 1500
URL = re.compile(r"(https?://|www\.)\S+|discord\.gg/\S+", re.IGNORECASE)

DEFAULT_WELCOME = (
    "Welcome to **{server}**, {member}! 👋 This is a community of practice: teachers, coaches, families, "
    "students, business and community partners working on STEM together. Take a minute to introduce yourself "
    "so others can find you."
)


def literal(text: str) -> str:
    """Member text shown exactly as typed: markdown and mentions are escaped, nothing can ping."""
    return discord.utils.escape_mentions(discord.utils.escape_markdown(text))


@dataclass(frozen=True, slots=True)
class IntroFields:
    name: str
    organization: str
    title: str
    interests: tuple[str, ...]


def _one_line(text: str) -> str:
    return " ".join(text.split())


def check_intro(name: str, organization: str, title: str, interests: str) -> IntroFields:
    """Tidy and check the first form; a UserError says exactly what to change."""
    fields = {
        "Your name": (_one_line(name), NAME_LIMIT, True),
        "School or organization": (_one_line(organization), ORGANIZATION_LIMIT, True),
        "Role or title": (_one_line(title), TITLE_LIMIT, False),
        "STEM interests": (_one_line(interests), INTERESTS_LIMIT, False),
    }
    for label, (value, limit, required) in fields.items():
        if required and not value:
            raise UserError(f"**{label}** is empty. Please fill it in and send the form again.")
        if len(value) > limit:
            raise UserError(f"**{label}** is {len(value)} characters long; keep it to {limit}.")
        if URL.search(value):
            raise UserError(f"Links aren't allowed in **{label}**. You can share links under “I can offer”.")
    return IntroFields(
        fields["Your name"][0],
        fields["School or organization"][0],
        fields["Role or title"][0],
        split_interests(fields["STEM interests"][0]),
    )


def check_needs(offers: str, seeks: str) -> tuple[str, str]:
    offers, seeks = offers.strip(), seeks.strip()
    for label, value in (("I can offer", offers), ("I'm looking for", seeks)):
        if len(value) > NEEDS_LIMIT:
            raise UserError(f"**{label}** is {len(value)} characters long; keep it to {NEEDS_LIMIT}.")
    if URL.search(seeks):
        raise UserError(
            "Links aren't allowed in **I'm looking for**. You can share links under “I can offer”."
        )
    return offers, seeks


def check_welcome(text: str) -> str:
    text = text.strip()
    if not text:
        raise UserError("The welcome text is empty.")
    if len(text) > WELCOME_LIMIT:
        raise UserError(f"The welcome text is {len(text)} characters; keep it to {WELCOME_LIMIT}.")
    return text


class WelcomeText(TextArgument):
    """`/intro settings welcome`: the organizer's welcome text, trimmed and checked (`check_welcome`)."""

    min_length, max_length = 1, 2000

    async def transform(self, interaction: discord.Interaction[CopBot], value: str) -> str:
        return check_welcome(value)


def welcome_text(template: str | None, member: discord.Member) -> str:
    """The organizer's welcome with {member} (a mention) and {server}; other braces are left alone."""
    text = template or DEFAULT_WELCOME
    text = discord.utils.escape_mentions(text)  # an organizer's @everyone in the template does not ping
    return text.replace("{member}", member.mention).replace("{server}", literal(member.guild.name))[:2000]


def first_name(name: str) -> str:
    return name.split()[0] if name.split() else name


def card(
    profile: Profile,
    *,
    group: str | None,
    school: str | None,
    protected: bool,
    avatar_url: str | None = None,
) -> discord.Embed:
    """The intro card. A protected member's card shows only first name, school and group."""
    shown_name = first_name(profile.name) if protected else profile.name
    card = discord.Embed(title=literal(shown_name)[:256], colour=EMBED_COLOUR)
    if not protected:
        line = " · ".join(literal(p) for p in (profile.title, profile.organization) if p)
        card.description = f"<@{profile.user_id}>" + (f"\n{line}" if line else "")
        if avatar_url:
            card.set_thumbnail(url=avatar_url)
    card.add_field(name="Stakeholder group", value=literal(group or "not chosen"), inline=True)
    card.add_field(
        name="School or organization",
        value=literal(school or profile.organization or "—")[:1024],
        inline=True,
    )
    if protected:
        card.set_footer(text="Student profile: details are shown only to organizers and their school team.")
        return card
    if profile.interests:
        card.add_field(
            name="STEM interests", value=literal(", ".join(profile.interests))[:1024], inline=False
        )
    if profile.offers:
        card.add_field(name="I can offer", value=_field(profile.offers), inline=False)
    if profile.seeks:
        card.add_field(name="I'm looking for", value=_field(profile.seeks), inline=False)
    card.set_footer(text="Introduce yourself with /intro me · find people with /directory and /connect")
    return card


def _field(text: str) -> str:
    shown = literal(text)
    return shown if len(shown) <= 1024 else shown[:1023] + "…"
