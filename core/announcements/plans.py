"""From the options an organizer typed (`when`, `repeat`, `until`) to a checked schedule and its next runs."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime, timedelta

from core.timeutil import TimeInputError, discord_timestamp, local_description, parse_when
from storage.announcements import Announcement, AnnouncementState, NewAnnouncement, Schedule

from .recurrence import Recurrence, RecurrenceError, anchor_week, parse_recurrence, run_times, shortest_gap

PREVIEW_RUNS = 5
MIN_GAP = timedelta(hours=1)  # more often than hourly is spam, not an announcement
HOW_TO_SCHEDULE = (
    "Give `when` to post once (e.g. `tomorrow 9am`, `2026-12-03 16:00`) or `repeat` to post on a schedule "
    "(e.g. `every Monday at 9:00`, `weekdays at 8am`, `first Tuesday of the month at 16:00`)."
)


class AnnouncementError(Exception):
    """A refusal of the announcements core, written for the organizer; the front end shows it as is."""


@dataclass(frozen=True, slots=True)
class Plan:
    schedule: Schedule
    runs: list[datetime]  # the next runs, UTC
    description: str  # "once" or "every Monday at 9:00 AM"


def make_plan(*, when: str | None, repeat: str | None, until: str | None, zone: str, now: datetime) -> Plan:
    """Check the schedule options; AnnouncementError saying what is wrong and what works."""
    when, repeat, until = (_blank_to_none(v) for v in (when, repeat, until))
    if when and repeat:
        raise AnnouncementError(f"Give either `when` or `repeat`, not both. {HOW_TO_SCHEDULE}")
    if not when and not repeat:
        raise AnnouncementError(f"Say when to post. {HOW_TO_SCHEDULE}")
    if when:
        if until:
            raise AnnouncementError(
                "`until` only applies to repeating announcements (with `repeat`); leave it out."
            )
        run_at = _parse_time(when, zone, now)
        return Plan(Schedule(run_at=run_at), [run_at], "once")
    assert repeat is not None
    try:
        recurrence = parse_recurrence(repeat)
    except RecurrenceError as exc:
        raise AnnouncementError(str(exc)) from None
    end = _parse_time(until, zone, now) if until else None
    runs = run_times(recurrence, zone, after=now, count=PREVIEW_RUNS, until=end)
    if not runs:
        first = run_times(recurrence, zone, after=now, count=1)
        if end is not None and first:
            raise AnnouncementError(
                f"The end you gave ({discord_timestamp(end)}) is before the first run "
                f"({discord_timestamp(first[0])}, {local_description(first[0], zone)}). Give a later `until`."
            )
        raise AnnouncementError(
            f"“{recurrence.description}” never happens. Check the schedule and try again."
        )
    gap = shortest_gap(runs)
    if gap is not None and gap < MIN_GAP:
        raise AnnouncementError(
            f"“{recurrence.description}” would post more than once an hour. Announcements can repeat at most "
            "hourly; try `every Monday at 9:00` or `weekdays at 8am`."
        )
    anchor = anchor_week(runs[0], zone) if recurrence.every_weeks > 1 else None
    schedule = Schedule(
        repeat=repeat.strip(),
        trigger=recurrence.trigger,
        every_weeks=recurrence.every_weeks,
        anchor=anchor,
        until=end,
    )
    return Plan(schedule, runs, recurrence.description)


def _blank_to_none(value: str | None) -> str | None:
    return value if value is not None and value.strip() else None


def _parse_time(text: str, zone: str, now: datetime) -> datetime:
    try:
        return parse_when(text, zone, now=now)
    except TimeInputError as exc:
        raise AnnouncementError(str(exc)) from None


def recurrence_of(announcement: Announcement) -> Recurrence | None:
    """The saved schedule of a recurring announcement (None for a one-off)."""
    if announcement.trigger is None:
        return None
    return Recurrence(
        dict(announcement.trigger), announcement.repeat or "", every_weeks=announcement.every_weeks
    )


def upcoming_runs(announcement: Announcement, *, now: datetime, count: int = PREVIEW_RUNS) -> list[datetime]:
    """When a scheduled announcement posts next (nothing while paused or once it is over)."""
    if announcement.state is not AnnouncementState.SCHEDULED:
        return []
    recurrence = recurrence_of(announcement)
    if recurrence is None:
        return [announcement.run_at] if announcement.run_at is not None else []
    return run_times(
        recurrence,
        announcement.timezone,
        after=now,
        count=count,
        until=announcement.until,
        anchor=announcement.anchor,
    )


def describe(announcement: Announcement) -> str:
    """“once”, or the schedule in words with its end."""
    recurrence = recurrence_of(announcement)
    if recurrence is None:
        return "once"
    try:
        said = parse_recurrence(announcement.repeat or "").description
    except RecurrenceError:
        said = announcement.repeat or "on a schedule"
    if announcement.until is not None:
        said += f", until {discord_timestamp(announcement.until, 'f')}"
    return said


def edit_plan(
    announcement: Announcement,
    *,
    when: str | None,
    repeat: str | None,
    until: str | None,
    zone: str,
    now: datetime,
) -> tuple[Plan | None, bool]:
    """The schedule an edit gives (None: it stays as it is) and whether the edit starts one more running
    repeating announcement (so the guild's limit applies)."""
    if when or repeat:
        plan = make_plan(when=when, repeat=repeat, until=until, zone=zone, now=now)
        reopens = not announcement.recurring or announcement.state is not AnnouncementState.SCHEDULED
        return plan, plan.schedule.trigger is not None and reopens
    if until:
        if not announcement.recurring:
            raise AnnouncementError("`until` only applies to repeating announcements.")
        plan = make_plan(when=None, repeat=announcement.repeat, until=until, zone=zone, now=now)
        # Same series, new end: every-N-weeks keeps counting weeks from where it started.
        plan = dataclasses.replace(
            plan, schedule=dataclasses.replace(plan.schedule, anchor=announcement.anchor)
        )
        return plan, announcement.state is not AnnouncementState.SCHEDULED
    return None, False


def unsaved(new: NewAnnouncement, now: datetime) -> Announcement:
    """An announcement not saved yet, as it will be: for its preview."""
    schedule = new.schedule
    return Announcement(
        id=0,
        guild_id=new.guild_id,
        author_id=new.author_id,
        channel_id=new.channel_id,
        title=new.title,
        body=new.body,
        ping_role_id=new.ping_role_id,
        run_at=schedule.run_at,
        repeat=schedule.repeat,
        trigger=schedule.trigger,
        every_weeks=schedule.every_weeks,
        anchor=schedule.anchor,
        until=schedule.until,
        timezone=new.timezone,
        state=AnnouncementState.SCHEDULED,
        job_id=None,
        series_id=None,
        created_at=now,
        updated_at=now,
    )
