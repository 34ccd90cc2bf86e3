"""`/announce …` end to end: organizers schedule announcements; the scheduler posts them exactly once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import pytest

from core.announcements.runs import GRACE
from emulator.driver import ControlError, message_text
from storage.announcements import AnnouncementState
from storage.database import Database
from storage.jobs import JobState, to_db_time
from tests.e2e.community import Community, eventually
from tests.e2e.steps.announcements import contents, count_posts, create, repo, schedule, state_of
from tests.e2e.steps.meetings import schedule as schedule_meeting
from tests.e2e.steps.server import make_role

SOON = "in 2 seconds"
SOON_DELAY = timedelta(seconds=2)


# -- helpers ----------------------------------------------------------------------------------------------


def cog(community: Community) -> Any:
    """The loaded cog (discord.py imports extensions afresh, so it is not `cogs.announcements.Announcements`)."""
    found = community.bot.get_cog("Announcements")
    assert found is not None
    return found


class Clock:
    """The community's clock, pinned where a test starts and moved by hand: a weekly series runs in seconds."""

    def __init__(self, community: Community, start: datetime) -> None:
        self.community = community
        community.clock.set(start)

    async def reach(self, moment: datetime) -> None:
        """Let time pass up to `moment`; whatever is due by then has run."""
        await self.community.travel(moment)


async def soon_passes(community: Community) -> None:
    """Let the `SOON` of a post scheduled just now pass."""
    await community.advance(SOON_DELAY)


async def pending_occurrences(community: Community, announcement_id: int) -> list[datetime]:
    rows = await community.bot.db.fetchall(
        "SELECT scheduled_for FROM jobs WHERE owner = ? AND state = 'pending' ORDER BY scheduled_for",
        (f"announcement:{announcement_id}",),
    )
    return [datetime.fromisoformat(r["scheduled_for"]).astimezone(UTC) for r in rows]


async def wait_for(probe: Callable[[], Any], what: str, within: float = 5.0) -> Any:
    return await eventually(probe, within=within, what=what)


# -- creating ----------------------------------------------------------------------------------------------


async def test_a_one_off_is_previewed_confirmed_and_posted_once_at_its_time(community: Community) -> None:
    preview = await create(community, "Kickoff is on {date} in {server}!", when=SOON)
    assert preview.ephemeral
    assert "Kickoff is on" in preview.text
    assert "Arizona STEM Network" in preview.text  # {server} filled in the preview
    assert "{date}" not in preview.text
    assert "Next run" in preview.text
    assert await contents(community) == []
    done = await community.organizer.click(preview, "Schedule it")
    assert "Scheduled announcement **#1**" in done.text
    await soon_passes(community)
    await wait_for(lambda: count_posts(community, "Kickoff is on"), "the post")
    await wait_for(lambda: _state_is(community, 1, AnnouncementState.FINISHED), "finished")
    posts = await community.control.messages(community.general_id)
    assert len(posts) == 1
    assert posts[0]["author"]["bot"] is True
    assert "Arizona STEM Network" in posts[0]["content"]
    history = await community.organizer.run("announce history", id=1)
    assert "posted in" in history.text
    assert f"/channels/{community.guild_id}/{community.general_id}/{posts[0]['id']}" in history.text


async def test_cancelling_the_preview_schedules_nothing(community: Community) -> None:
    preview = await create(community, when="tomorrow 9am")
    answer = await community.organizer.click(preview, "Cancel")
    assert "Nothing was scheduled" in answer.text
    assert await repo(community).list_open(int(community.guild_id)) == []
    assert "No announcements are scheduled" in (await community.organizer.run("announce list")).text


async def test_a_preview_still_waiting_when_the_bot_stops_is_withdrawn(community: Community) -> None:
    preview = await create(community, when="tomorrow 9am")
    await community.runner.stop()  # does not wait for the organizer's click
    shown = (await community.control.interaction(preview.interaction_id)).raw["message"]
    assert "restarting, so this question was withdrawn and nothing was done" in message_text(shown)
    assert not shown.get("components")
    assert not shown.get("embeds")
    await community.restart()
    assert await repo(community).list_open(int(community.guild_id)) == []


async def _state_is(community: Community, announcement_id: int, state: AnnouncementState) -> bool:
    return await state_of(community, announcement_id) == state


async def test_bad_input_is_refused_with_what_works(community: Community) -> None:
    organizer = community.organizer
    cases: list[tuple[dict[str, Any], str]] = [
        ({"when": "someday soonish"}, "couldn't read"),
        ({"when": "2020-01-01 09:00"}, "in the past"),
        ({"when": "tomorrow 9am", "repeat": "daily at 7:30"}, "not both"),
        ({}, "Say when to post"),
        ({"repeat": "whenever it rains"}, "every Monday at 9:00"),
        ({"repeat": "every monday at 9"}, "Add am or pm"),
        ({"repeat": "* * * * *"}, "more than once an hour"),
        ({"repeat": "daily at 7:30", "until": "2020-01-01"}, "in the past"),
        ({"when": "tomorrow 9am", "until": "next week friday"}, "only applies to repeating"),
    ]
    for options, expected in cases:
        reply = await organizer.run("announce create", channel=community.general_id, **options)
        assert not reply.is_modal, options
        assert reply.ephemeral, options
        assert expected in reply.text, (options, reply.text)
    # `until` three hours away ends a monthly series before its first run, except on the first Tuesday of a
    # month shortly before 16:00, when that first run falls inside the three hours.
    for now, refused in (
        (datetime(2026, 12, 2, 17, 0, tzinfo=UTC), True),  # Wednesday after the first Tuesday, 10:00 Phoenix
        (datetime(2026, 12, 1, 21, 30, tzinfo=UTC), False),  # the first Tuesday, 14:30 Phoenix
    ):
        community.clock.set(now)
        soon = (now + timedelta(hours=3)).strftime("%Y-%m-%d %H:%M UTC")
        reply = await organizer.run(
            "announce create",
            channel=community.general_id,
            repeat="first Tuesday of the month at 16:00",
            until=soon,
        )
        assert ("before the first run" in reply.text) is refused, (now, reply.text)
        assert reply.is_modal is not refused
    refused = await community.alice.run("announce create", channel=community.general_id, when="tomorrow 9am")
    assert "Only organizers" in refused.text
    assert "no announcement #42" in (await organizer.run("announce show", id=42)).text
    assert await repo(community).list_open(int(community.guild_id)) == []


async def test_text_length_is_checked_with_the_ping_included(community: Community) -> None:
    modal = await community.organizer.run(
        "announce create", channel=community.general_id, when="tomorrow 9am"
    )
    with pytest.raises(ControlError, match="longer than 2000"):  # the form itself stops a 2,001st character
        await community.organizer.submit(modal, {"text": "x" * 2001})
    role = await make_role(community, "Teachers", mentionable=True)
    over = await create(community, "y" * 1990, when="tomorrow 9am", ping=role)
    assert over.ephemeral
    assert "over Discord's limit of 2000" in over.text
    assert "Schedule it" not in over.buttons
    fits = await create(community, "y" * 1970, when="tomorrow 9am", ping=role)
    assert "Schedule it" in fits.buttons


async def test_the_recurring_limit_is_a_setting(community: Community) -> None:
    cog(community).recurring_limit = 2
    await schedule(community, "one", repeat="daily at 7:30")
    await schedule(community, "two", repeat="weekdays at 8am")
    await schedule(community, "a one-off is not counted", when="tomorrow 9am")
    third = await community.organizer.run(
        "announce create", channel=community.general_id, repeat="daily at 9:00"
    )
    assert not third.is_modal
    assert "the most allowed (2)" in third.text
    assert len(await repo(community).list_open(int(community.guild_id))) == 3
    paused = await community.organizer.run("announce pause", id=1)
    assert "Paused" in paused.text
    await schedule(community, "three", repeat="daily at 9:00")
    resumed = await community.organizer.run("announce resume", id=1)
    assert "the most allowed (2)" in resumed.text
    assert await state_of(community, 1) == AnnouncementState.PAUSED


# -- recurring, with the scheduler's clock moved by hand ----------------------------------------------------


async def test_a_daily_series_posts_each_occurrence_once(community: Community) -> None:
    clock = Clock(community, datetime(2026, 5, 4, 12, 0, tzinfo=UTC))  # Phoenix: 05:00
    announcement = await schedule(community, "Good morning! Today is {date}.", repeat="daily at 7:30")
    listing = await community.organizer.run("announce list")
    assert f"#{announcement}" in listing.text
    assert "every day at 7:30 AM" in listing.text
    assert f"<t:{int(datetime(2026, 5, 4, 14, 30, tzinfo=UTC).timestamp())}:f>" in listing.text
    for day in (4, 5, 6):
        due = datetime(2026, 5, day, 14, 30, tzinfo=UTC)  # 7:30 in Phoenix (no DST)
        await clock.reach(due)
        await wait_for(partial(count_posts, community, f"May {day}, 2026"), f"the post of May {day}")
    assert await count_posts(community, "Good morning!") == 3
    assert await pending_occurrences(community, announcement) == [datetime(2026, 5, 7, 14, 30, tzinfo=UTC)]
    history = await community.organizer.run("announce history", id=announcement)
    assert history.text.count("posted in") == 3


async def test_a_weekly_series_keeps_local_time_across_the_dst_change(community: Community) -> None:
    await community.bot.guild_settings.set_timezone(int(community.guild_id), "America/New_York")
    clock = Clock(community, datetime(2026, 2, 27, 12, 0, tzinfo=UTC))  # DST starts Sunday March 8, 2026
    preview = await create(community, "Weekly check-in", repeat="every Monday at 9:00")
    assert "Monday, March 2, 2026 9:00 AM EST" in preview.text
    assert "Monday, March 9, 2026 9:00 AM EDT" in preview.text
    assert "Monday, March 30, 2026 9:00 AM EDT" in preview.text  # five runs
    await community.organizer.click(preview, "Schedule it")
    before, after = datetime(2026, 3, 2, 14, 0, tzinfo=UTC), datetime(2026, 3, 9, 13, 0, tzinfo=UTC)
    assert await pending_occurrences(community, 1) == [before]
    await clock.reach(before)
    await wait_for(lambda: count_posts(community, "Weekly check-in"), "the EST post")
    await wait_for(lambda: _pending_is(community, 1, [after]), "the next occurrence at 9:00 EDT = 13:00 UTC")
    await clock.reach(after)
    await wait_for(lambda: _count_is(community, "Weekly check-in", 2), "the EDT post")
    rows = await community.bot.db.fetchall(
        "SELECT scheduled_for FROM announcement_runs WHERE announcement_id = 1 ORDER BY scheduled_for"
    )
    assert [r["scheduled_for"] for r in rows] == [to_db_time(before), to_db_time(after)]


async def test_every_two_weeks_posts_on_alternate_weeks_only(community: Community) -> None:
    clock = Clock(community, datetime(2026, 6, 1, 12, 0, tzinfo=UTC))  # a Monday
    preview = await create(community, "Fortnightly digest", repeat="every 2 weeks on Friday at 15:00")
    for day in ("June 5", "June 19", "July 3", "July 17", "July 31"):
        assert f"Friday, {day}, 2026 3:00 PM" in preview.text
    assert "June 12" not in preview.text
    await community.organizer.click(preview, "Schedule it")
    first, off, second = (datetime(2026, 6, d, 22, 0, tzinfo=UTC) for d in (5, 12, 19))
    await clock.reach(first)
    await wait_for(lambda: count_posts(community, "Fortnightly digest"), "the first post")
    await wait_for(lambda: _pending_is(community, 1, [off]), "the off-week occurrence")
    await clock.reach(off)
    await wait_for(lambda: _pending_is(community, 1, [second]), "the off week to pass")
    assert await count_posts(community, "Fortnightly digest") == 1
    await clock.reach(second)
    await wait_for(lambda: _count_is(community, "Fortnightly digest", 2), "the second post")


async def test_until_ends_a_series_after_its_last_run(community: Community) -> None:
    clock = Clock(community, datetime(2026, 5, 4, 12, 0, tzinfo=UTC))
    announcement = await schedule(
        community, "Two mornings only", repeat="daily at 7:30", until="2026-05-05 12:00"
    )
    await clock.reach(datetime(2026, 5, 4, 14, 30, tzinfo=UTC))
    await wait_for(lambda: count_posts(community, "Two mornings only"), "the first")
    await clock.reach(datetime(2026, 5, 5, 14, 30, tzinfo=UTC))
    await wait_for(lambda: _count_is(community, "Two mornings only", 2), "the last")
    await wait_for(lambda: _state_is(community, announcement, AnnouncementState.FINISHED), "finished")
    assert await pending_occurrences(community, announcement) == []


async def test_pause_skips_what_it_misses_and_resume_goes_on_from_the_next_run(community: Community) -> None:
    clock = Clock(community, datetime(2026, 5, 4, 12, 0, tzinfo=UTC))
    announcement = await schedule(community, "Daily prompt", repeat="daily at 7:30")
    paused = await community.organizer.run("announce pause", id=announcement)
    assert "Paused announcement **#1**" in paused.text
    assert await pending_occurrences(community, announcement) == []
    assert "paused" in (await community.organizer.run("announce list")).text
    await clock.reach(datetime(2026, 5, 4, 14, 30, tzinfo=UTC))
    await clock.reach(datetime(2026, 5, 6, 15, 0, tzinfo=UTC))  # three mornings pass while paused
    resumed = await community.organizer.run("announce resume", id=announcement)
    assert "Resumed" in resumed.text
    nxt = datetime(2026, 5, 7, 14, 30, tzinfo=UTC)
    assert await pending_occurrences(community, announcement) == [nxt]
    await clock.reach(nxt)
    await wait_for(lambda: count_posts(community, "Daily prompt"), "the post after resuming")
    assert await count_posts(community, "Daily prompt") == 1  # nothing missed was burst out
    again = await community.organizer.run("announce resume", id=announcement)
    assert "isn't paused" in again.text


async def test_send_now_posts_without_changing_the_series(community: Community) -> None:
    clock = Clock(community, datetime(2026, 5, 4, 12, 0, tzinfo=UTC))
    announcement = await schedule(community, "Share your win", repeat="daily at 7:30")
    planned = await pending_occurrences(community, announcement)
    reply = await community.organizer.run("announce send-now", id=announcement)
    assert reply.ephemeral
    assert "now" in reply.text
    await wait_for(lambda: count_posts(community, "Share your win"), "the post sent now")
    assert await pending_occurrences(community, announcement) == planned
    history = await community.organizer.run("announce history", id=announcement)
    assert "send-now" in history.text
    await clock.reach(planned[0])
    await wait_for(lambda: _count_is(community, "Share your win", 2), "the scheduled post as planned")


# -- editing and cancelling ----------------------------------------------------------------------------------


async def test_edit_moves_the_time_channel_text_and_ping(community: Community) -> None:
    other = await _channel(community, "showcase")
    teachers = await make_role(community, "Teachers", mentionable=True)
    announcement = await schedule(community, "Old text", when="in 2 hours")
    old = await repo(community).get(int(community.guild_id), announcement)
    assert old is not None
    assert old.job_id is not None
    modal = await community.organizer.run(
        "announce edit", id=announcement
    )  # no changes given: the text opens
    assert modal.is_modal
    edited = await community.organizer.submit(modal, {"text": "New text for {server}", "title": "Showcase"})
    assert "New text for Arizona STEM Network" in edited.text
    pinged = await community.organizer.run("announce edit", id=announcement, ping=teachers)
    assert f"Ping: <@&{teachers}>" in pinged.text
    unpinged = await community.organizer.run("announce edit", id=announcement, remove_ping=True)
    assert "Ping: No one" in unpinged.text
    await community.organizer.run("announce edit", id=announcement, ping=teachers)
    moved = await community.organizer.run("announce edit", id=announcement, when=SOON, channel=other)
    await soon_passes(community)
    assert moved.ephemeral
    assert "updated" in moved.text
    old_job = await community.bot.scheduler.jobs.get(old.job_id)
    assert old_job is not None
    assert old_job.state is JobState.CANCELLED
    await wait_for(
        lambda: count_posts(community, "New text for", other), "the edited post in the new channel"
    )
    assert await count_posts(community, "Old text", other) == 0
    assert await contents(community, community.general_id) == []
    posted = (await community.control.messages(other))[0]
    assert posted["embeds"][0]["title"] == "Showcase"
    assert posted["content"] == f"<@&{teachers}>"


async def test_edit_turns_a_one_off_into_a_series_and_back(community: Community) -> None:
    clock = Clock(community, datetime(2026, 5, 4, 12, 0, tzinfo=UTC))
    announcement = await schedule(community, "Flexible", when="2026-05-10 09:00")
    reply = await community.organizer.run("announce edit", id=announcement, repeat="weekdays at 8am")
    assert "every weekday (Monday to Friday) at 8:00 AM" in reply.text
    assert await pending_occurrences(community, announcement) == [datetime(2026, 5, 4, 15, 0, tzinfo=UTC)]
    back = await community.organizer.run("announce edit", id=announcement, when="2026-05-10 09:00")
    assert "once" in back.text
    assert await pending_occurrences(community, announcement) == [datetime(2026, 5, 10, 16, 0, tzinfo=UTC)]
    series = await community.bot.db.fetchval(
        "SELECT COUNT(*) FROM job_series WHERE active = 1 AND guild_id = ?", (int(community.guild_id),)
    )
    assert series == 0  # (the bot-wide daily backup is a series too, of no server)
    await clock.reach(datetime(2026, 5, 4, 15, 0, tzinfo=UTC))
    assert await count_posts(community, "Flexible") == 0


async def test_cancel_asks_first_and_then_nothing_more_is_posted(community: Community) -> None:
    doomed = await schedule(community, "never posted", when=SOON)
    question = await community.organizer.run("announce cancel", id=doomed)
    kept = await community.organizer.click(question, "Cancel")  # the "no" button of the question
    assert "Kept" in kept.text
    question = await community.organizer.run("announce cancel", id=doomed)
    done = await community.organizer.click(question, "Cancel it")
    assert "Cancelled announcement **#1**" in done.text
    await schedule(community, "sentinel", when="in 3 seconds")
    await community.advance(timedelta(seconds=3))
    await wait_for(lambda: count_posts(community, "sentinel"), "the sentinel")
    assert await count_posts(community, "never posted") == 0
    assert await state_of(community, doomed) == AnnouncementState.CANCELLED
    assert "already cancelled" in (await community.organizer.run("announce cancel", id=doomed)).text


# -- mentions ----------------------------------------------------------------------------------------------


async def test_only_the_chosen_role_is_pinged(community: Community) -> None:
    teachers = await make_role(community, "Teachers", mentionable=True)
    parents = await make_role(community, "Parents", mentionable=True)
    text = f"Hello @everyone and @here and <@&{parents}>: the fair is on!"
    await schedule(community, text, when=SOON, ping=teachers)
    await soon_passes(community)
    await wait_for(lambda: count_posts(community, "the fair is on"), "the post")
    posted = (await community.control.messages(community.general_id))[0]
    assert posted["content"].startswith(f"<@&{teachers}>")
    sends = [r for r in await community.control.requests() if _is_send(r)]
    body = sends[-1]["json"]
    assert body["allowed_mentions"]["parse"] == []
    assert body["allowed_mentions"]["roles"] == [str(teachers)] or body["allowed_mentions"]["roles"] == [
        teachers
    ]
    assert "@\u200beveryone" in body["content"]
    assert "@\u200bhere" in body["content"]
    await schedule(community, "Nobody is pinged <@&" + str(parents) + ">", when=SOON)
    await soon_passes(community)
    await wait_for(lambda: count_posts(community, "Nobody is pinged"), "the second post")
    quiet = [r for r in await community.control.requests() if _is_send(r)]
    assert quiet[-1]["json"]["allowed_mentions"] == {"parse": []} or not quiet[-1]["json"][
        "allowed_mentions"
    ].get("roles")


async def test_a_role_that_is_not_mentionable_needs_mention_everyone(community: Community) -> None:
    hidden = await make_role(community, "Quiet", mentionable=False)
    guild = await community.control.guild(community.guild_id)
    everyone = next(r for r in guild["roles"] if str(r["id"]) == community.guild_id)
    without = int(everyone["permissions"]) & ~(1 << 17)  # no Mention Everyone for @everyone
    await community.control.call(
        "PATCH", f"/guilds/{community.guild_id}/roles/{community.guild_id}", {"permissions": str(without)}
    )
    await eventually(lambda: _bot_cannot_mention(community), what="the permission change in the cache")
    reply = await community.organizer.run(
        "announce create", channel=community.general_id, when="tomorrow 9am", ping=hidden
    )
    assert not reply.is_modal
    assert "Mention @everyone, @here and All Roles" in reply.text


# -- restarts ----------------------------------------------------------------------------------------------


async def test_restart_before_the_due_time_posts_once(community: Community) -> None:
    announcement = await schedule(community, "after the restart", when=SOON)
    await community.restart()
    await soon_passes(community)
    await wait_for(lambda: count_posts(community, "after the restart"), "the post after restart")
    await wait_for(lambda: _state_is(community, announcement, AnnouncementState.FINISHED), "finished")
    assert await count_posts(community, "after the restart") == 1


async def test_a_crash_after_sending_does_not_post_twice(community: Community) -> None:
    announcement = await schedule(community, "sent just before the crash", when="in 2 hours")
    saved = await repo(community).get(int(community.guild_id), announcement)
    assert saved is not None
    assert saved.job_id is not None
    channel = community.bot.get_channel(int(community.general_id))
    first = await channel.send("sent just before the crash", nonce=f"job-{saved.job_id}")  # type: ignore[union-attr]
    await community.runner.stop()
    past = to_db_time(community.clock.now() - timedelta(seconds=5))
    db = await Database.open(community.runner.database)
    try:  # as if the process died between claiming the job and finishing it
        await db.execute(
            "UPDATE jobs SET state = 'running', attempts = 1, due_at = ?, scheduled_for = ? WHERE id = ?",
            (past, past, saved.job_id),
        )
    finally:
        await db.close()
    await community.runner.start(sync=False)
    await wait_for(lambda: _state_is(community, announcement, AnnouncementState.FINISHED), "the rerun")
    assert await count_posts(community, "sent just before the crash") == 1
    history = await community.organizer.run("announce history", id=announcement)
    assert f"/{first.id})" in history.text


async def test_downtime_within_grace_posts_late_and_past_grace_skips(community: Community) -> None:
    late = await schedule(community, "late but useful", when="in 2 hours")
    stale = await schedule(community, "too old", when="in 3 hours")
    await community.runner.stop()
    now = community.clock.now()
    db = await Database.open(community.runner.database)
    try:
        for owner, due in ((late, now - timedelta(minutes=10)), (stale, now - GRACE - timedelta(minutes=1))):
            await db.execute(
                "UPDATE jobs SET due_at = ?, scheduled_for = ? WHERE owner = ?",
                (to_db_time(due), to_db_time(due), f"announcement:{owner}"),
            )
    finally:
        await db.close()
    await community.runner.start(sync=False)
    await wait_for(lambda: count_posts(community, "late but useful"), "the late post")
    assert "sent late because copbot was offline" in (await contents(community))[0]
    await wait_for(lambda: _skipped(community, stale), "the stale occurrence skipped")
    assert await count_posts(community, "too old") == 0
    history = await community.organizer.run("announce history", id=stale)
    assert "skipped: missed while the bot was offline" in history.text
    assert "late, planned for" in (await community.organizer.run("announce history", id=late)).text
    listing = await community.organizer.run("announce list")
    assert "too old" not in listing.text  # a missed one-off is over, not upcoming


# -- delivery faults ---------------------------------------------------------------------------------------


async def test_a_deleted_channel_fails_tells_organizers_once_and_the_series_goes_on(
    community: Community,
) -> None:
    await community.control.settled(await community.organizer.run("cop setup"), "Setup is complete")
    notices_channel = await community.control.channel_id(community.guild_id, "announcements")
    target = await _channel(community, "doomed")
    clock = Clock(community, datetime(2026, 5, 4, 12, 0, tzinfo=UTC))
    announcement = await schedule(community, "into the void", repeat="daily at 7:30", channel=target)
    await community.control.call("DELETE", f"/channels/{target}")
    for day in (4, 5):
        await clock.reach(datetime(2026, 5, day, 14, 30, tzinfo=UTC))
        await wait_for(partial(_failed_runs, community, announcement, day - 3), f"failure {day - 3}")
    await wait_for(
        lambda: _pending_is(community, announcement, [datetime(2026, 5, 6, 14, 30, tzinfo=UTC)]), "next"
    )
    notices = await contents(community, notices_channel)
    assert len(notices) == 1
    assert f"announcement #{announcement}" in notices[0]
    assert "deleted" in notices[0]
    history = await community.organizer.run("announce history", id=announcement)
    assert history.text.count("failed") == 2
    assert await state_of(community, announcement) == AnnouncementState.SCHEDULED


async def test_a_channel_the_bot_cannot_write_in_fails_with_the_reason(community: Community) -> None:
    await community.control.settled(await community.organizer.run("cop setup"), "Setup is complete")
    notices_channel = await community.control.channel_id(community.guild_id, "announcements")
    target = await _channel(community, "locked")
    announcement = await schedule(community, "locked out", when=SOON, channel=target)
    bot_role = next(
        r["id"] for r in (await community.control.guild(community.guild_id))["roles"] if r["name"] == "copbot"
    )
    await community.control.call(
        "PATCH",
        f"/channels/{target}",
        {"permission_overwrites": [{"id": bot_role, "type": 0, "allow": "0", "deny": str(1 << 11)}]},
    )
    await soon_passes(community)
    await wait_for(lambda: _failed_runs(community, announcement, 1), "the failure")
    notices = await wait_for(lambda: contents(community, notices_channel), "the notice")
    assert "not allowed to post" in notices[0]
    assert "failed" in (await community.organizer.run("announce history", id=announcement)).text


async def test_rate_limits_and_gateway_drops_still_post_exactly_once(community: Community) -> None:
    route = "POST /channels/{channel_id}/messages"
    await community.control.fault("ratelimit", route=route, count=1, retry_after=0.2)
    await schedule(community, "through a rate limit", when=SOON)
    await community.control.gateway("drop")
    await soon_passes(community)
    await wait_for(lambda: count_posts(community, "through a rate limit"), "the post", within=10)
    await community.control.fault("server_error", route=route, count=1, status=502)
    await schedule(community, "through a 502", when=SOON)
    await soon_passes(community)
    await wait_for(lambda: count_posts(community, "through a 502"), "the post after a 502", within=10)
    assert await count_posts(community, "through a rate limit") == 1
    assert await count_posts(community, "through a 502") == 1


async def test_show_lists_the_schedule_and_next_runs(community: Community) -> None:
    Clock(community, datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    announcement = await schedule(community, "Team showcase", repeat="first Tuesday of the month at 16:00")
    shown = await community.organizer.run("announce show", id=announcement)
    assert shown.ephemeral
    assert "on the first Tuesday of each month at 4:00 PM" in shown.text
    for day in ("March 3", "April 7", "May 5", "June 2", "July 7"):
        assert f"Tuesday, {day}, 2026 4:00 PM MST" in shown.text
    choices = await community.organizer.autocomplete("announce show", "id", id="show")
    assert [c["value"] for c in choices] == [announcement]


# -- small helpers ------------------------------------------------------------------------------------------


def _is_send(request: dict[str, Any]) -> bool:
    return bool(request["method"] == "POST" and request["route"] == "/channels/{channel_id}/messages")


async def _bot_cannot_mention(community: Community) -> bool:
    guild = community.bot.get_guild(int(community.guild_id))
    return guild is not None and not guild.me.guild_permissions.mention_everyone


async def _channel(community: Community, name: str) -> str:
    channel = await community.control.call("POST", f"/guilds/{community.guild_id}/channels", {"name": name})
    channel_id = str(channel["id"])
    await eventually(lambda: _has_channel(community, int(channel_id)), what=f"#{name} in the bot's cache")
    return channel_id


async def _has_channel(community: Community, channel_id: int) -> bool:
    return community.bot.get_channel(channel_id) is not None


async def _pending_is(community: Community, announcement_id: int, expected: list[datetime]) -> bool:
    return await pending_occurrences(community, announcement_id) == expected


async def _count_is(community: Community, text: str, count: int) -> bool:
    return await count_posts(community, text) == count


async def _failed_runs(community: Community, announcement_id: int, count: int) -> bool:
    runs = await repo(community).runs(announcement_id)
    return sum(run.outcome.value == "failed" for run in runs) >= count


async def _skipped(community: Community, announcement_id: int) -> bool:
    state = await community.bot.db.fetchval(
        "SELECT state FROM jobs WHERE owner = ?", (f"announcement:{announcement_id}",)
    )
    return bool(state == JobState.SKIPPED.value)


async def test_show_buttons_work_after_a_restart(community: Community) -> None:
    announcement = await schedule(community, "Button post", repeat="daily at 7:30")
    shown = await community.organizer.run("announce show", id=announcement)
    assert shown.buttons == ["Send now", "Pause"]
    await community.restart()
    paused = await community.organizer.click(shown, "Pause")
    assert "Paused announcement" in paused.text
    assert await state_of(community, announcement) == AnnouncementState.PAUSED
    sent = await community.organizer.click(shown, "Send now")
    assert "Posting announcement" in sent.text
    await wait_for(lambda: count_posts(community, "Button post"), "the post from the button")
    assert await count_posts(community, "Button post") == 1
    again = await community.organizer.run("announce show", id=announcement)
    assert again.buttons == ["Send now", "Resume"]
    resumed = await community.organizer.click(again, "Resume")
    assert "Resumed announcement" in resumed.text


async def test_next_meeting_names_only_a_meeting_everyone_may_see(community: Community) -> None:
    guild = await community.control.guild(community.guild_id)
    bot_can = str((1 << 10) | (1 << 11) | (1 << 14))  # View Channel, Send Messages, Embed Links
    planning = await community.control.call(
        "POST",
        f"/guilds/{community.guild_id}/channels",
        {
            "name": "organizers",
            "private": True,
            "permission_overwrites": [{"id": guild["bot_role_id"], "type": 0, "allow": bot_can, "deny": "0"}],
        },
    )
    await eventually(lambda: _cached_channel(community, planning["id"]), what="the private channel")
    await schedule_meeting(community, title="Budget planning", when="tomorrow 9am", channel=planning["id"])
    await schedule_meeting(community, title="Open lab night", when="in 3 days")
    await schedule(community, "Coming up: {next_meeting}", when=SOON)
    await soon_passes(community)
    await wait_for(lambda: count_posts(community, "Coming up:"), "the post")
    [post] = [c for c in await contents(community) if "Coming up:" in c]
    assert "Open lab night" in post
    assert "Budget planning" not in post


async def _cached_channel(community: Community, channel_id: str) -> bool:
    return community.bot.get_channel(int(channel_id)) is not None
