"""When a meeting's jobs fall due and whom a reminder reaches.

Each meeting has one-off jobs: a reminder per offset before the start (those still ahead), the start notice,
and the check-in window opening (15 minutes before) and closing (at the end). A reminder reaches the members
going or maybe coming, each as they chose (`/meeting reminders`: in the channel with a mention, by DM, or
off); a job finds out when it runs whether it still makes sense.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from core.scheduler import Jobs, StaleJob
from storage.meetings import CHECKIN_OPENS_BEFORE, Meeting, RsvpStatus

REMINDER_KIND = "meeting.reminder"
START_KIND = "meeting.start"
CHECKIN_KIND = "meeting.checkin"
REMINDER_GRACE = timedelta(days=1)  # the handler also refuses any reminder once the meeting started
START_GRACE = timedelta(hours=1)
CHECKIN_GRACE = timedelta(days=1)
REMINDED = (RsvpStatus.GOING, RsvpStatus.MAYBE)  # whom reminders and start notices reach
TOLD_OF_CANCELLING = (RsvpStatus.GOING, RsvpStatus.MAYBE, RsvpStatus.WAITLIST)


@dataclass(frozen=True, slots=True)
class PlannedJob:
    kind: str
    due: datetime
    payload: dict[str, Any]


def planned_jobs(meeting: Meeting, now: datetime) -> list[PlannedJob]:
    """The jobs a meeting needs from `now` on: reminders still ahead, the start notice unless it started (an
    edit while it runs, a longer duration, must not announce it again), check-in opening if still ahead,
    and check-in closing."""
    ref = {"meeting_id": meeting.id}
    jobs = [
        PlannedJob(REMINDER_KIND, due, {**ref, "offset": offset})
        for offset in meeting.reminder_offsets
        if (due := meeting.starts_at - timedelta(seconds=offset)) > now
    ]
    if meeting.starts_at > now:
        jobs.append(PlannedJob(START_KIND, meeting.starts_at, dict(ref)))
    opens = meeting.starts_at - CHECKIN_OPENS_BEFORE
    if opens > now:
        jobs.append(PlannedJob(CHECKIN_KIND, opens, {**ref, "phase": "open"}))
    jobs.append(PlannedJob(CHECKIN_KIND, meeting.ends_at, {**ref, "phase": "close"}))
    return jobs


async def schedule_jobs(scheduler: Jobs, meeting: Meeting, now: datetime) -> None:
    """Write the meeting's jobs (inside the caller's transaction, with the meeting's row)."""
    for job in planned_jobs(meeting, now):
        await scheduler.schedule(
            job.kind, job.due, job.payload, guild_id=meeting.guild_id, owner=meeting.owner
        )


def live(meeting: Meeting | None) -> Meeting:
    """The meeting a job is about, unless it was deleted or cancelled (then the job is stale)."""
    if meeting is None:
        raise StaleJob("the meeting was deleted")
    if meeting.cancelled:
        raise StaleJob("the meeting was cancelled")
    return meeting


def _moved(planned: datetime, scheduled_for: datetime) -> bool:
    return abs((planned - scheduled_for).total_seconds()) > 1


def check_reminder(meeting: Meeting, offset: int, scheduled_for: datetime, now: datetime) -> None:
    """StaleJob unless the reminder is still useful: never once the meeting started (missed), nor for a
    time the meeting no longer has."""
    if now >= meeting.starts_at:
        raise StaleJob("the meeting had already started", missed=True)
    if _moved(meeting.starts_at - timedelta(seconds=offset), scheduled_for):
        raise StaleJob("the meeting was moved")


def check_start(meeting: Meeting, scheduled_for: datetime, now: datetime) -> None:
    """StaleJob unless the start notice is still useful: not once the meeting is over, nor for an old time."""
    if now >= meeting.ends_at:
        raise StaleJob("the meeting was already over", missed=True)
    if _moved(meeting.starts_at, scheduled_for):
        raise StaleJob("the meeting was moved")


@dataclass(frozen=True, slots=True)
class Reach:
    """How a message about a meeting reaches each member."""

    dm: list[int] = field(default_factory=list)  # by DM (a mention in the channel if their DMs are closed)
    mention: list[int] = field(default_factory=list)  # with a mention in the meeting's channel


def reach(user_ids: Sequence[int], modes: Mapping[int, str]) -> Reach:
    """Each member as they chose: "dm", "channel" (the default) or "off" (left out). Without `modes` (a
    move or a cancelling, which everyone answered hears of), everyone in the channel."""
    found = Reach()
    for user_id in user_ids:
        mode = modes.get(user_id, "channel")
        if mode == "dm":
            found.dm.append(user_id)
        elif mode != "off":
            found.mention.append(user_id)
    return found


def next_in_series(meeting: Meeting, series: Sequence[Meeting]) -> Meeting | None:
    """The meeting of the series after `meeting` that still takes place: its card goes up when this one
    starts."""
    if not meeting.repeat_rule:
        return None
    return next((m for m in series if m.starts_at > meeting.starts_at and not m.cancelled), None)
