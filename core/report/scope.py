"""Whom and when a report is about: the audience (everyone, a stakeholder group, a school team), the previous
report it is compared with, and the frame every section gathers its figures in (the period as UTC instants
and months in the guild's zone, the groups and schools, what was held back)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.report.model import Period
from core.report.privacy import Held
from storage.database import Database
from storage.groups import Group
from storage.report import NO_UNIT, Month, ReportFigures, Scope, Window
from storage.schools import School

NO_GROUP = "No group given"


@dataclass(frozen=True, slots=True)
class Audience:
    """Everyone, or one stakeholder group's or school team's members; `label` is how the report names it."""

    kind: str  # 'everyone' | 'group' | 'school'
    unit_id: int | None = None
    label: str = "everyone"

    @classmethod
    def everyone(cls) -> Audience:
        return cls("everyone")

    @classmethod
    def group(cls, group_id: int, name: str) -> Audience:
        return cls("group", group_id, f"the {name} group")

    @classmethod
    def school(cls, school_id: int, name: str) -> Audience:
        return cls("school", school_id, f"the {name} team")

    @property
    def key(self) -> str:
        """As the reports table keeps it: 'everyone', 'group:<id>' or 'school:<id>'."""
        return self.kind if self.kind == "everyone" else f"{self.kind}:{self.unit_id}"

    @property
    def scope(self) -> Scope:
        return Scope(self.kind, self.unit_id)


@dataclass(frozen=True, slots=True)
class PreviousReport:
    """The report this one is compared with: when it was made and its headline values by label."""

    made_at: datetime
    values: Mapping[str, int | str]


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    """The first instant of a day in the zone, in UTC."""
    return datetime.combine(day, time(0), zone).astimezone(UTC)


def window_of(guild_id: int, period: Period, audience: Audience, *, now: datetime, zone: str) -> Window:
    """The period's days as UTC instants, never past `now` (nothing after it has happened yet)."""
    tz = ZoneInfo(zone)
    lo = local_midnight(period.start, tz)
    hi = min(local_midnight(period.end + timedelta(days=1), tz), now.astimezone(UTC))
    return Window(guild_id, lo, max(lo, hi), audience.scope)


def months_of(window: Window, zone: str) -> list[tuple[Month, date]]:
    """The calendar months (in the zone) the window touches, each cut to the window, with its first day."""
    tz = ZoneInfo(zone)
    first = window.lo.astimezone(tz).date().replace(day=1)
    last = (max(window.lo, window.hi - timedelta(microseconds=1))).astimezone(tz).date()
    found: list[tuple[Month, date]] = []
    day = first
    while day <= last:
        following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
        lo = max(local_midnight(day, tz), window.lo)
        hi = min(local_midnight(following, tz), window.hi)
        found.append(((f"{day:%Y-%m}", lo, max(lo, hi)), day))
        day = following
    return found


@dataclass(slots=True)
class Frame:
    """What every section reads its figures with."""

    db: Database
    figures: ReportFigures
    guild_id: int
    period: Period
    audience: Audience
    window: Window
    period_end: datetime  # the period's last instant + 1 (UTC), even when after now
    now: datetime
    zone: str
    groups: list[Group]
    schools: list[School]
    organizers: Collection[int]
    held: Held = field(default_factory=Held)
    provisional: list[str] = field(default_factory=list)

    @property
    def months(self) -> list[tuple[Month, date]]:
        return months_of(self.window, self.zone)

    def group_name(self, group_id: int) -> str:
        if group_id == NO_UNIT:
            return NO_GROUP
        return next((g.name for g in self.groups if g.id == group_id), NO_GROUP)

    def sector_order(self, present: Collection[int]) -> list[int]:
        """The sectors with any figure, in the groups' order, "no group given" last."""
        ordered = [g.id for g in self.groups if g.id in present]
        return ordered + ([NO_UNIT] if NO_UNIT in present else [])

    def local_day(self, when: datetime) -> date:
        return when.astimezone(ZoneInfo(self.zone)).date()
