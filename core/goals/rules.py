"""The rules of team goals, as plain data: limits, statuses, who may edit a team's goals and when the next
check-in prompt is due. A rule that refuses raises `GoalRefusal`, whose text is written for the member."""

from __future__ import annotations

import calendar
import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from core.text import safe_text

MIN_GOALS = 2
MAX_GOALS = 5
TITLE_LIMIT = 100
OUTCOME_LIMIT = 400
VISION_LIMIT = 1000
NOTE_LIMIT = 500


class GoalRefusal(Exception):
    """A goal rule refused; the text is shown to the member as it is."""


class Status(enum.StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    DONE = "done"
    DROPPED = "dropped"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    Status.ON_TRACK: "On track",
    Status.AT_RISK: "At risk",
    Status.DONE: "Done",
    Status.DROPPED: "Dropped",
}
STATUS_ICONS = {Status.ON_TRACK: "🟢", Status.AT_RISK: "🟠", Status.DONE: "✅", Status.DROPPED: "⚪"}


class Cadence(enum.StrEnum):
    OFF = "off"
    BIWEEKLY = "biweekly"
    MONTHLY = "monthly"

    @property
    def label(self) -> str:
        return {"off": "off", "biweekly": "every 2 weeks", "monthly": "monthly"}[self.value]


@dataclass(frozen=True, slots=True)
class Team:
    """A school team (`school_id`) or the whole community (`school_id` None), with the name members see."""

    guild_id: int
    school_id: int | None
    name: str

    @property
    def is_community(self) -> bool:
        return self.school_id is None

    @property
    def called(self) -> str:
        """The team in a sentence: "the Lincoln Elementary team", "the whole community"."""
        return "the whole community" if self.is_community else f"the {safe_text(self.name, 100)} team"


def may_edit(team: Team, *, teams_of_member: set[int], organizer: bool) -> bool:
    """Team members edit their own team's goals; organizers edit every team's, and alone the community's."""
    if organizer:
        return True
    return team.school_id is not None and team.school_id in teams_of_member


def may_see(team: Team, *, teams_of_member: set[int], organizer: bool) -> bool:
    """The community's goals are everyone's to see; a school team's, its members' and the organizers'."""
    return team.is_community or may_edit(team, teams_of_member=teams_of_member, organizer=organizer)


def refuse_unless_editor(team: Team, *, teams_of_member: set[int], organizer: bool) -> None:
    if may_edit(team, teams_of_member=teams_of_member, organizer=organizer):
        return
    if team.is_community:
        raise GoalRefusal(
            "Only organizers can change the community's goals. You can see them with `/goals show`."
        )
    raise GoalRefusal(
        f"Only members of {team.called} (and organizers) can change its goals. "
        "Join your own school's team with `/schools join`, then work on its goals."
    )


def refuse_unless_viewer(team: Team, *, teams_of_member: set[int], organizer: bool) -> None:
    if not may_see(team, teams_of_member=teams_of_member, organizer=organizer):
        raise GoalRefusal(
            f"The goals of {team.called} are for its members and the organizers. "
            "See your own team's with `/goals show`."
        )


def clean(text: str, *, what: str, limit: int, required: bool = True) -> str:
    """Typed text trimmed and checked against its limit."""
    cleaned = text.strip()
    if required and not cleaned:
        raise GoalRefusal(f"The {what} is empty: write a few words.")
    if len(cleaned) > limit:
        raise GoalRefusal(f"The {what} is {len(cleaned)} characters long; keep it to {limit}.")
    return cleaned


def refuse_beyond_limit(count: int, team: Team) -> None:
    """A team keeps at most `MAX_GOALS` goals."""
    if count >= MAX_GOALS:
        raise GoalRefusal(
            f"{team.called[0].upper()}{team.called[1:]} already has {MAX_GOALS} goals, the most a team keeps. "
            "Remove one with `/goals remove` (or mark it done with `/goals checkin`) before adding another."
        )


def check_in_note(status: Status, note: str) -> str:
    """A check-in's note: optional, at most `NOTE_LIMIT`; a goal at risk or dropped says why."""
    cleaned = clean(note, what="note", limit=NOTE_LIMIT, required=False)
    if not cleaned and status in (Status.AT_RISK, Status.DROPPED):
        raise GoalRefusal(
            f"Add a short note when a goal is {status.label.lower()}: what is in the way, or why it was dropped."
        )
    return cleaned


def parse_status(value: str) -> Status:
    try:
        return Status(value)
    except ValueError:
        raise GoalRefusal("Pick a status from the list: on track, at risk, done or dropped.") from None


def parse_cadence(value: str) -> Cadence:
    try:
        return Cadence(value)
    except ValueError:
        raise GoalRefusal("Pick how often from the list: off, every 2 weeks or monthly.") from None


def _add_month(when: datetime) -> datetime:
    year, month = (when.year + 1, 1) if when.month == 12 else (when.year, when.month + 1)
    day = min(when.day, calendar.monthrange(year, month)[1])
    return when.replace(year=year, month=month, day=day)


def step(cadence: Cadence, after: datetime) -> datetime:
    """One cadence step after `after` (UTC): 14 days, or the same day next month (its last day if shorter)."""
    if cadence is Cadence.BIWEEKLY:
        return after + timedelta(days=14)
    if cadence is Cadence.MONTHLY:
        return _add_month(after)
    raise ValueError("a cadence that is off has no next prompt")


def next_prompt(cadence: Cadence, *, planned: datetime, now: datetime) -> datetime:
    """The prompt after the one planned for `planned`: the first step past `now`, so prompts missed while the
    bot was offline are not caught up one after another."""
    nxt = step(cadence, planned)
    while nxt <= now:
        nxt = step(cadence, nxt)
    return nxt
