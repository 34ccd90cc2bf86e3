"""Steps of `/agreement`: a school team with alice in it, a proposal filled in, the card, the DMs."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from emulator.driver import Actor, Reply, message_text
from storage.agreements import Agreement, AgreementRepository
from storage.schools import SchoolRepository
from tests.clock import pinned_now
from tests.e2e.community import Community, eventually

SCHOOL = "Lincoln Elementary"
# The guild's zone is America/Phoenix (UTC-7 all year); a date alone is read as 9:00 there, 16:00 UTC.
ZONE = ZoneInfo("America/Phoenix")
STARTS_IN, REVIEW_IN = 18, 62  # days from the test's today: the proposal's start and review dates


def day(community: Community, days: int) -> str:
    """The date `days` after the day the test started, in the guild's zone, as a member types it: fixed for
    the whole test however far its clock moves (it starts at `tests.clock.pinned_now`)."""
    return (pinned_now().astimezone(ZONE).date() + timedelta(days=days)).isoformat()


def at_nine(community: Community, days: int) -> datetime:
    """9:00 in the guild's zone on `day(community, days)`: when a date alone is due."""
    local = datetime.combine(datetime.fromisoformat(day(community, days)).date(), time(9), tzinfo=ZONE)
    return local.astimezone(UTC)


def review_at(community: Community) -> datetime:
    return at_nine(community, REVIEW_IN)


def remind_at(community: Community) -> datetime:
    """A week before the review."""
    return review_at(community) - timedelta(days=7)


TEAM_TEXT = "host a family science night each semester"
PARTNER_TEXT = "two engineers judge the science fair"


async def school_team(community: Community, *members: Actor, name: str = SCHOOL) -> str:
    """Add the school (its channel made) and let `members` join; the team channel's id."""
    added = await community.organizer.run("schools add", name=name)
    await community.control.settled(added, "Added", within=15)
    for member in members:
        await member.run("schools join", school=name)
    school = await SchoolRepository(community.bot.db).by_name(int(community.guild_id), name)
    assert school is not None
    assert school.channel_id is not None
    return str(school.channel_id)


async def propose(
    community: Community,
    actor: Actor,
    partner: Actor | None,
    *,
    school: str = SCHOOL,
    hours: int = 8,
    starts: str | None = None,
    review: str | None = None,
    team: str = TEAM_TEXT,
    partner_text: str = PARTNER_TEXT,
    **options: Any,
) -> Reply:
    """`/agreement propose`, then the commitments form; the final answer (or the refusal). Without a
    `partner` member, give an `organization`."""
    if partner is not None:
        options["partner"] = partner
    form = await actor.run(
        "agreement propose",
        school=school,
        hours=hours,
        starts=day(community, STARTS_IN) if starts is None else starts,
        review=day(community, REVIEW_IN) if review is None else review,
        **options,
    )
    if not form.is_modal:
        return form
    answer = await actor.submit(form, {"team": team, "partner": partner_text})
    return await community.control.settled(answer, "agreement", within=15)


async def agreement(community: Community, agreement_id: int = 1) -> Agreement:
    found = await AgreementRepository(community.bot.db).get(int(community.guild_id), agreement_id)
    assert found is not None
    return found


async def card(community: Community, channel_id: str, agreement_id: int = 1) -> dict[str, Any]:
    async def find() -> dict[str, Any] | None:
        for message in await community.control.messages(channel_id):
            if f"Collaboration agreement #{agreement_id}" in message_text(message):
                return message
        return None

    return await eventually(find, what=f"the card of agreement {agreement_id}")


async def card_says(community: Community, channel_id: str, text: str, agreement_id: int = 1) -> bool:
    return text in message_text(await card(community, channel_id, agreement_id))


async def dms_saying(actor: Actor, text: str) -> list[dict[str, Any]]:
    return [m for m in await actor.dms() if text in message_text(m)]


async def posts_in(community: Community, channel_id: str, text: str) -> list[dict[str, Any]]:
    return [m for m in await community.control.messages(channel_id) if text in message_text(m)]


async def sent_mentions(community: Community, channel_id: str, contains: str) -> list[dict[str, Any]]:
    """The allowed_mentions of each message the bot posted in `channel_id` containing `contains`."""
    found = []
    for request in await community.control.requests():
        body = request.get("json") or {}
        if (
            request["method"] == "POST"
            and request["path"].endswith(f"/channels/{channel_id}/messages")
            and request["status"] < 300
            and contains in str(body.get("content") or "")
        ):
            found.append(body.get("allowed_mentions") or {})
    return found
