"""Jobs that fell due while the bot was down, run at start-up before Discord has sent the guilds."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from bot.client import CopBot
from storage.jobs import JobState
from tests.e2e.community import Community, eventually
from tests.e2e.steps.meetings import schedule, starts_of
from tests.e2e.steps.server import posts


async def _job_rows(bot: CopBot, owner: str) -> list[dict[str, Any]]:
    rows = await bot.db.fetchall(
        "SELECT id, kind, state, last_error FROM jobs WHERE owner = ? ORDER BY due_at", (owner,)
    )
    return [dict(r) for r in rows]


async def test_overdue_reminders_wait_for_a_held_gateway(community: Community) -> None:
    _, meeting_id = await schedule(
        community, title="Held gateway fair", when="in 3 hours", reminders="1h, 2h"
    )
    starts = await starts_of(community, meeting_id)
    await community.runner.stop()
    community.clock.set(starts - timedelta(minutes=30))  # both reminders fell due while the bot was down
    await community.control.call("POST", "/gateway", {"action": "drop", "hold": True})
    starting = asyncio.create_task(community.runner.start(sync=False))
    owner = f"meeting:{meeting_id}"

    async def reminders_running() -> bool:
        bot = community.runner.bot
        if bot is None or not hasattr(bot, "scheduler") or not bot.scheduler.running:
            return False
        rows = await _job_rows(bot, owner)
        reminders = [r for r in rows if r["kind"] == "meeting.reminder"]
        assert not [r for r in reminders if r["state"] == JobState.FAILED.value], reminders
        return len(reminders) == 2 and all(r["state"] == JobState.RUNNING.value for r in reminders)

    # The overdue reminders have started while the gateway is held: nothing of the guild is known yet.
    await eventually(reminders_running, within=10, what="the overdue reminders to start")
    assert community.bot.get_guild(int(community.guild_id)) is None
    await community.control.call("POST", "/gateway", {"action": "release"})
    await starting
    sent = await eventually(lambda: _two(posts(community, "Reminder:")), within=10, what="both reminders")
    assert all("Held gateway fair" in m["content"] for m in sent)
    await community.bot.scheduler.idle()
    rows = await _job_rows(community.bot, owner)
    reminders = [r for r in rows if r["kind"] == "meeting.reminder"]
    assert [r["state"] for r in reminders] == [JobState.DONE.value] * 2, reminders
    assert not [r for r in rows if r["state"] == JobState.FAILED.value], rows
    assert len(await posts(community, "Reminder:")) == 2  # each exactly once


async def _two(found: Any) -> list[dict[str, Any]] | None:
    messages = await found
    return messages if len(messages) >= 2 else None


async def test_reminders_that_come_after_the_start_are_skipped_and_organizers_told_once(
    community: Community,
) -> None:
    await community.organizer.run("cop channel", purpose="announcements", channel=community.general_id)
    _, meeting_id = await schedule(community, title="Too late fair", when="in 3 hours", reminders="1h, 2h")
    starts = await starts_of(community, meeting_id)
    await community.runner.stop()
    community.clock.set(starts + timedelta(minutes=10))  # down until after the meeting started
    await community.restart()
    await community.bot.scheduler.idle()
    notices = await eventually(
        lambda: posts(community, "could no longer be useful"), within=10, what="the organizers' notice"
    )
    await community.bot.scheduler.idle()
    [notice] = await posts(community, "could no longer be useful")  # once, for both reminders
    assert notices[0]["id"] == notice["id"]
    assert notice["content"].count("Too late fair") == 2
    assert "1 hour reminder" in notice["content"]
    assert "2 hours reminder" in notice["content"]
    assert "already started" in notice["content"]
    assert await posts(community, "Reminder:") == []
    rows = await _job_rows(community.bot, f"meeting:{meeting_id}")
    reminders = [r for r in rows if r["kind"] == "meeting.reminder"]
    assert [r["state"] for r in reminders] == [JobState.SKIPPED.value] * 2
