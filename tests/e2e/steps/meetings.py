"""Meeting steps: schedule one, find its card, its reminders, its calendar file and its Discord event."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from icalendar import Calendar

from emulator.driver import Actor, Reply, message_text
from storage.meetings import MeetingRepository
from tests.e2e.community import Community, eventually
from tests.e2e.steps.server import download


async def schedule(community: Community, **options: Any) -> tuple[Reply, int]:
    """The organizer runs `/meeting schedule` (a "Resource fair" in 3 days unless told); the answer and the id."""
    return await schedule_as(community, community.organizer, **options)


async def schedule_as(community: Community, organizer: Actor, **options: Any) -> tuple[Reply, int]:
    """`schedule`, run by `organizer` (an organizer by role, say)."""
    options.setdefault("title", "Resource fair")
    options.setdefault("when", "in 3 days")
    reply = await organizer.run("meeting schedule", **options)
    reply = await community.control.settled(reply, "Scheduled")
    match = re.search(r"meeting #(\d+)", reply.text)
    assert match, reply.text
    return reply, int(match[1])


async def card(community: Community, meeting_id: int, channel_id: str | None = None) -> dict[str, Any]:
    async def find() -> dict[str, Any] | None:
        for message in await community.control.messages(channel_id or community.general_id):
            if any(
                f"Meeting #{meeting_id} " in (e.get("footer") or {}).get("text", "")
                for e in message["embeds"]
            ):
                return message
        return None

    return await eventually(find, what=f"the card of meeting {meeting_id}")


async def allowed_mentions(community: Community, contains: str) -> list[dict[str, Any]]:
    """The allowed_mentions the bot sent with each channel message whose content contains `contains`."""
    found = []
    for request in await community.control.requests():
        body = request.get("json") or {}
        if (
            request["method"] == "POST"
            and request["path"].endswith(f"/channels/{community.general_id}/messages")
            and request["status"] < 300
            and contains in str(body.get("content") or "")
        ):
            found.append(body.get("allowed_mentions") or {})
    return found


def pinged_users(mentions: dict[str, Any]) -> list[str]:
    assert mentions.get("parse", []) == [], mentions
    assert not mentions.get("roles"), mentions
    return [str(u) for u in mentions.get("users", [])]


async def card_says(community: Community, meeting_id: int, text: str) -> bool:
    return text in message_text(await card(community, meeting_id))


async def events(community: Community) -> list[dict[str, Any]]:
    return list((await community.control.guild(community.guild_id))["scheduled_events"])


async def calendar_of(community: Community, reply: Reply) -> Calendar:
    message = reply.raw.get("message") or {}
    [attachment] = message.get("attachments") or reply.data["attachments"]
    assert attachment["filename"].endswith(".ics")
    return Calendar.from_ical(await download(community, attachment))


def vevents(calendar: Calendar) -> list[Any]:
    return [c for c in calendar.walk("VEVENT")]


async def jobs(community: Community, meeting_id: int) -> list[Any]:
    rows = await community.bot.db.fetchall(
        "SELECT id, kind, state, due_at, last_error FROM jobs WHERE owner = ? ORDER BY due_at",
        (f"meeting:{meeting_id}",),
    )
    return [dict(r) for r in rows]


async def starts_of(community: Community, meeting_id: int) -> datetime:
    """When the stored meeting starts."""
    meeting = await MeetingRepository(community.bot.db).get(int(community.guild_id), meeting_id)
    assert meeting is not None
    return meeting.starts_at
