"""Gathering the evidence report's figures: `build_report` reads the period's aggregates (`storage.report`)
section by section and returns a `Report` (`core.report.model`) whose every figure about 1 to 4 people is
already "fewer than 5". The sections, in order:

participation (who takes part, month by month), coverage (schools × stakeholder groups and who could fill
the gaps), connections (across groups and schools), meetings (RSVPs, check-ins, agendas), resources,
surveys (readiness by team, pulse before and after), stories (by cycle, shareable ones quoted) and goals
(goals and agreements by status, committed hours).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from core.report import connections, coverage, goals, meetings, participation, resources, stories, surveys
from core.report.model import Cell, Headline, Period, Report, Section
from core.report.scope import Audience, Frame, PreviousReport, local_midnight, window_of
from core.report.words import sentences
from storage.database import Database
from storage.groups import GroupRepository
from storage.report import ReportFigures
from storage.schools import SchoolRepository

__all__ = ["HEADLINE", "SECTIONS", "Audience", "PreviousReport", "build_report"]

Gather = Callable[[Frame], Awaitable[tuple[Section, dict[str, Cell]]]]

SECTIONS: tuple[tuple[str, str, Gather], ...] = tuple(
    (m.KEY, m.TITLE, m.gather)
    for m in (participation, coverage, connections, meetings, resources, surveys, stories, goals)
)

# (key the sections fill, label): the summary's figures, in order.
HEADLINE: tuple[tuple[str, str], ...] = (
    ("members", "Members"),
    ("teams", "School teams"),
    ("meetings", "Meetings held"),
    ("connections", "Connections made"),
    ("stories", "Value stories"),
    ("hours", "Hours a month committed"),
)


def _change(label: str, value: int | str, previous: PreviousReport | None) -> int | None:
    before = None if previous is None else previous.values.get(label)
    if isinstance(value, int) and isinstance(before, int) and not isinstance(before, bool):
        return value - before
    return None


async def build_report(
    db: Database,
    guild_id: int,
    *,
    community: str,
    period: Period,
    audience: Audience,
    now: datetime,
    zone: str,
    previous: PreviousReport | None,
    organizers: Collection[int] = (),
) -> Report:
    """The report of `period` about `audience`, as of `now`. `organizers`: who organizes today (agenda topics
    they suggested don't count as members'); `previous`: the report to compare the headline with."""
    figures = ReportFigures(db)
    window = window_of(guild_id, period, audience, now=now, zone=zone)
    frame = Frame(
        db=db,
        figures=figures,
        guild_id=guild_id,
        period=period,
        audience=audience,
        window=window,
        period_end=local_midnight(period.end + timedelta(days=1), ZoneInfo(zone)),
        now=now,
        zone=zone,
        groups=await GroupRepository(db).all(guild_id),
        schools=await SchoolRepository(db).all(guild_id),
        organizers=frozenset(organizers),
    )
    values: dict[str, Cell] = {"teams": await figures.teams_with_members(window)}
    sections = []
    for _, _, gather in SECTIONS:
        section, found = await gather(frame)
        sections.append(replace(section, summary=sentences(section.summary)))
        values |= found
    headline = []
    for key, label in HEADLINE:
        raw = values.get(key, 0)
        value: int | str = raw if isinstance(raw, int | str) else 0
        headline.append(Headline(label, value, _change(label, value, previous)))
    return Report(
        community=community,
        period=period,
        audience=audience.label,
        generated_at=now.astimezone(UTC),
        headline=tuple(headline),
        sections=tuple(sections),
        suppressed=frame.held.sentences([(key, title) for key, title, _ in SECTIONS]),
        provisional=tuple(dict.fromkeys(frame.provisional)),
        previous=None if previous is None else previous.made_at,
    )
