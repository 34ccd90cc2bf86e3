"""Announcement steps: an organizer creating and scheduling one, its state, the posts it made."""

from __future__ import annotations

import re
from typing import Any

from emulator.driver import Reply, message_text
from storage.announcements import AnnouncementRepository, AnnouncementState
from tests.e2e.community import Community


async def create(
    community: Community, text: str = "Share your win this week!", *, title: str = "", **options: Any
) -> Reply:
    """Run `/announce create`, fill in the form and return the preview (not yet confirmed)."""
    options.setdefault("channel", community.general_id)
    modal = await community.organizer.run("announce create", **options)
    assert modal.is_modal, modal.text
    return await community.organizer.submit(modal, {"text": text, "title": title})


async def schedule(community: Community, text: str = "Share your win this week!", **options: Any) -> int:
    """Create and confirm; the new announcement's id."""
    preview = await create(community, text, **options)
    assert "Schedule it" in preview.buttons, preview.text
    done = await community.organizer.click(preview, "Schedule it")
    match = re.search(r"announcement \*\*#(\d+)\*\*", done.text)
    assert match, done.text
    return int(match.group(1))


async def contents(community: Community, channel_id: str | None = None) -> list[str]:
    return [message_text(m) for m in await community.control.messages(channel_id or community.general_id)]


async def count_posts(community: Community, text: str, channel_id: str | None = None) -> int:
    return sum(text in c for c in await contents(community, channel_id))


def repo(community: Community) -> AnnouncementRepository:
    return AnnouncementRepository(community.bot.db)


async def state_of(community: Community, announcement_id: int) -> AnnouncementState:
    found = await repo(community).get(int(community.guild_id), announcement_id)
    assert found is not None
    return found.state
