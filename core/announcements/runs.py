"""What a due occurrence of an announcement does: post it, skip it as stale (a pause, an edit, its end), or
pass over an off week; after it, whether the announcement is finished; and when a failure is told to the
organizers, decided on the failure's cause (`core.scheduler.Cause`), never on its words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from core.scheduler import Cause
from storage.announcements import Announcement, AnnouncementState, Run, RunOutcome

from .plans import recurrence_of
from .recurrence import in_cycle, run_times

KIND = "announcement.post"
# An occurrence found later than this (the bot was offline) is skipped: a two-hour-old "good morning" helps no one.
GRACE = timedelta(hours=2)


@dataclass(frozen=True, slots=True)
class Due:
    """The verdict on a due job: post it, or not (`stale` says why; `finish` ends the announcement too)."""

    post: bool
    stale: str | None = None
    finish: bool = False


POST = Due(post=True)
OFF_WEEK = Due(post=False)  # an off week of an every-N-weeks series: nothing to post, nothing wrong


def check_due(
    announcement: Announcement | None,
    *,
    job_id: int,
    series_id: int | None,
    scheduled_for: datetime,
    manual: bool,
) -> Due:
    """Whether the job for the occurrence at `scheduled_for` posts. A job left over from before a pause or
    an edit is stale; send-now (`manual`) posts whatever the schedule says, unless the announcement is gone."""
    if announcement is None or announcement.state is AnnouncementState.CANCELLED:
        return Due(post=False, stale="the announcement was cancelled")
    if manual:
        return POST
    if announcement.state is not AnnouncementState.SCHEDULED:
        return Due(post=False, stale=f"the announcement is {announcement.state.value}")
    current = announcement.series_id == series_id if announcement.recurring else announcement.job_id == job_id
    if not current:
        return Due(post=False, stale="the announcement's schedule was changed")
    if announcement.until is not None and scheduled_for > announcement.until:
        return Due(post=False, stale="past the announcement's end", finish=True)
    recurrence = recurrence_of(announcement)
    if recurrence is not None and not in_cycle(
        recurrence, scheduled_for, announcement.timezone, announcement.anchor
    ):
        return OFF_WEEK
    return POST


def ends_after(announcement: Announcement, scheduled_for: datetime, *, failed: bool = False) -> bool:
    """After the occurrence at `scheduled_for` (posted, failed, or an off week): whether the announcement is
    finished. A one-off is finished once posted (a failed one stays until `/announce list` closes it); a
    series is finished when no run is left before its end."""
    recurrence = recurrence_of(announcement)
    if recurrence is None:
        return not failed
    if announcement.until is None:
        return False
    later = run_times(
        recurrence,
        announcement.timezone,
        after=scheduled_for,
        count=1,
        until=announcement.until,
        anchor=announcement.anchor,
        inclusive=False,
    )
    return not later


def failure_notice(announcement: Announcement, cause: Cause, reason: str, previous: Run | None) -> str | None:
    """What the organizers are told when an occurrence could not be posted, or None: they hear of a broken
    announcement once, not at every occurrence that fails the same way. `reason` is the failure's text as it
    may be shown (quoted, unable to ping)."""
    if previous is not None and previous.outcome is RunOutcome.FAILED:
        return None
    where = f"<#{announcement.channel_id}>"
    if cause is Cause.CHANNEL_DELETED:
        problem = f"the channel it was meant for ({where}) was deleted"
    elif cause is Cause.NOT_ALLOWED:
        problem = (
            f"I'm not allowed to post in {where}: give my role **View Channel** and **Send Messages** there"
        )
    else:
        problem = f"Discord would not accept it ({reason})"
    follow_up = " Later occurrences will still be tried." if announcement.recurring else ""
    return (
        f"announcement #{announcement.id} could not be posted: {problem}. Choose another channel with "
        f"`/announce edit id:{announcement.id} channel:`, or see `/announce history id:{announcement.id}`."
        f"{follow_up}"
    )
