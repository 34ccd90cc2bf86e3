"""Scheduling and changing meetings: a new meeting or series, and an edit of one meeting or of it and the
later meetings of its series, planned first (what changes where) and then saved in one transaction with the
jobs moved along."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from core.meetings.errors import MeetingRefusal
from core.meetings.reminders import schedule_jobs
from core.meetings.rsvp import promote, seats_by_member
from core.meetings.series import MAX_OCCURRENCES, Repeat, moved_series_starts, series_start_times
from core.scheduler import Jobs
from storage.meetings import Meeting, MeetingRepository, NewMeeting


@dataclass
class EditPlan:
    """What an edit will change: fields per meeting (this one first), and a new repeat's effect."""

    meeting: Meeting
    edits: list[tuple[Meeting, dict[str, Any]]]
    replaced: list[Meeting] = field(default_factory=list)  # later meetings a new repeat replaces
    new_starts: list[datetime] = field(default_factory=list)  # the meetings a new repeat adds
    repeat_changed: bool = False
    capped: bool = False  # the new repeat was cut at the 52-meeting cap


@dataclass
class EditResult:
    updated: list[Meeting] = field(default_factory=list)
    cancelled: list[Meeting] = field(default_factory=list)
    created: list[Meeting] = field(default_factory=list)
    seats: dict[int, list[Meeting]] = field(default_factory=dict)  # member -> meetings they got a seat in

    def head(self, meeting: Meeting) -> Meeting:
        """The edited meeting as saved (`meeting` itself when none of its fields changed)."""
        return next((m for m in self.updated if m.id == meeting.id), meeting)


def later_in_series(meeting: Meeting, series: list[Meeting], now: datetime) -> list[Meeting]:
    """The meetings of the series after this one that have not started and still take place: those an
    edit of the series changes too."""
    return [m for m in series if m.starts_at > meeting.starts_at and m.starts_at > now and not m.cancelled]


def plan_edit(
    meeting: Meeting,
    changes: dict[str, Any],
    start: datetime | None,
    length: timedelta | None,
    later: list[Meeting],
) -> EditPlan:
    """The fields to change on this meeting and on each of `later` (the rest of its series, when the edit
    is for the series): a new start moves each later meeting to its place in the rule from the new start."""
    targets = [meeting, *later]
    new_start = start or meeting.starts_at
    starts = [new_start]
    if later:
        starts += (
            moved_series_starts(
                meeting.starts_at,
                new_start,
                meeting.timezone,
                str((meeting.repeat_rule or {}).get("every")),
                [m.starts_at for m in later],
                limit=2 * MAX_OCCURRENCES,
            )
            if start is not None
            else [m.starts_at for m in later]
        )
    edits: list[tuple[Meeting, dict[str, Any]]] = []
    for target, begins in zip(targets, starts, strict=True):
        fields = dict(changes)
        if begins != target.starts_at:
            fields["starts_at"] = begins
        if start is not None or length is not None:
            fields["ends_at"] = begins + (length or target.duration)
        edits.append((target, fields))
    return EditPlan(meeting, edits)


def plan_repeat(plan: EditPlan, repeat: Repeat | None, series: list[Meeting]) -> None:
    """A new repeat replaces the later meetings: they are cancelled (and leave the series) and new ones
    follow this meeting's new time; `None` just cancels them. `series`: every meeting of its series (just
    the meeting when it doesn't repeat)."""
    meeting = plan.meeting
    if repeat is None and not meeting.repeat_rule:
        raise MeetingRefusal("That meeting doesn't repeat, so there is nothing to stop.")
    members = series if meeting.repeat_rule else [meeting]
    earlier = [m for m in members if m.id != meeting.id and m.starts_at <= meeting.starts_at]
    plan.replaced = [m for m in members if m.id != meeting.id and m.starts_at > meeting.starts_at]
    fields = plan.edits[0][1]
    if repeat is None:
        if not earlier:
            fields["repeat_rule"] = None  # the series is now this one meeting
        plan.repeat_changed = True
        return
    room = MAX_OCCURRENCES - len(earlier)
    if repeat.count is not None and repeat.count > room:
        raise MeetingRefusal(
            f"A series has at most {MAX_OCCURRENCES} meetings and {len(earlier)} "
            f"meeting{'' if len(earlier) == 1 else 's'} "
            f"of this one came before it, so `repeat_count` can be at most {room}."
        )
    start = fields.get("starts_at", meeting.starts_at)
    starts = series_start_times(
        start, meeting.timezone, repeat.every, count=repeat.count, until=repeat.until, limit=room
    )
    if len(starts) < 2:
        raise MeetingRefusal("That repeat ends before a second meeting: choose a later `repeat_until`.")
    fields["repeat_rule"] = repeat.rule()
    plan.new_starts = starts[1:]
    plan.capped = repeat.count is None and len(starts) == room
    plan.repeat_changed = True


def _like(head: Meeting, begins: datetime, created_by: int) -> NewMeeting:
    """A new meeting of `head`'s series at `begins`."""
    return NewMeeting(
        guild_id=head.guild_id,
        title=head.title,
        starts_at=begins,
        ends_at=begins + head.duration,
        timezone=head.timezone,
        channel_id=head.channel_id,
        created_by=created_by,
        description=head.description,
        location=head.location,
        audience_kind=head.audience_kind,
        audience_id=head.audience_id,
        ping_audience=head.ping_audience,
        capacity=head.capacity,
        reminder_offsets=head.reminder_offsets,
        series_id=head.series_id or head.id,
        repeat_rule=head.repeat_rule,
    )


async def schedule(
    repo: MeetingRepository, scheduler: Jobs, new: NewMeeting, starts: list[datetime], *, now: datetime
) -> Meeting:
    """A meeting at each of `starts` (the first is the series' head), with their jobs, in one transaction;
    the first meeting."""
    length = new.ends_at - new.starts_at
    first: Meeting | None = None
    async with repo.db.transaction():
        for begins in starts:
            series_id = first.id if first else None
            created = await repo.create(
                replace(new, starts_at=begins, ends_at=begins + length, series_id=series_id), now=now
            )
            first = first or created
            await schedule_jobs(scheduler, created, now)
    assert first is not None
    return first


async def apply_edit(
    repo: MeetingRepository, scheduler: Jobs, plan: EditPlan, organizer_id: int, *, now: datetime
) -> EditResult:
    """One transaction: every change checked against the version read (`EditConflict` otherwise), jobs moved
    with their meetings, the meetings a new repeat replaces cancelled and its new ones created."""
    result = EditResult()
    promotions: list[tuple[Meeting, tuple[int, ...]]] = []
    async with repo.db.transaction():
        for target, fields in plan.edits:
            if not fields:
                continue
            updated = await repo.update(target, now=now, **fields)
            result.updated.append(updated)
            if "capacity" in fields:  # a larger capacity, or none, frees seats
                promotions.append((updated, await promote(repo, updated, now=now)))
            if {"starts_at", "ends_at", "reminder_offsets"} & set(fields):
                await scheduler.cancel(owner=target.owner, guild_id=target.guild_id)
                await schedule_jobs(scheduler, updated, now)
        head = result.head(plan.meeting)
        for old in plan.replaced:
            gone: dict[str, Any] = {"series_id": None, "repeat_rule": None}
            if not old.cancelled:
                gone |= {"state": "cancelled", "cancel_reason": "The series was changed."}
                await scheduler.cancel(owner=old.owner, guild_id=old.guild_id)
            cancelled = await repo.update(old, now=now, **gone)
            if not old.cancelled:
                result.cancelled.append(cancelled)
        for begins in plan.new_starts:
            created = await repo.create(_like(head, begins, organizer_id), now=now)
            await schedule_jobs(scheduler, created, now)
            result.created.append(created)
    result.seats = seats_by_member(promotions)
    return result


async def cancel(
    repo: MeetingRepository,
    scheduler: Jobs,
    targets: list[Meeting],
    reason: str | None,
    *,
    now: datetime,
) -> list[Meeting]:
    """Cancel each meeting and stop its jobs, in one transaction (`EditConflict` if one changed meanwhile)."""
    cancelled = []
    async with repo.db.transaction():
        for target in targets:
            updated = await repo.update(target, now=now, state="cancelled", cancel_reason=reason)
            await scheduler.cancel(owner=target.owner, guild_id=target.guild_id)
            cancelled.append(updated)
    return cancelled
