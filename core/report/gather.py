"""Who a report is about (`Scope`) and gathering it: the figures (`core.report.build`) for a period and a
scope, compared with the last report made for the same scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.report.model import Period, Report
from core.text import safe_text
from storage.database import Database
from storage.groups import Group
from storage.reports import MadeReport
from storage.schools import School


@dataclass(frozen=True, slots=True)
class Scope:
    """Everyone, one stakeholder group's members, or one school team's. `key` files the reports made for it
    (the monthly digest keeps its own, so it never becomes "the last report" of `/report`)."""

    key: str
    label: str
    group_id: int | None = None
    school_id: int | None = None

    @classmethod
    def of(cls, *, group: Group | None = None, school: School | None = None) -> Scope:
        if group is not None:
            return cls(f"group:{group.id}", f"the {safe_text(group.name, 80)} group", group_id=group.id)
        if school is not None:
            return cls(f"school:{school.id}", f"the {safe_text(school.name, 80)} team", school_id=school.id)
        return cls("everyone", "everyone")

    @classmethod
    def digest(cls) -> Scope:
        return cls("digest", "everyone")


async def gather(
    db: Database,
    guild_id: int,
    *,
    community: str,
    period: Period,
    scope: Scope,
    now: datetime,
    zone: str,
    previous: MadeReport | None,
) -> Report:
    from core.report.build import build_report  # noqa: PLC0415 - written beside this module

    return await build_report(
        db, guild_id, community=community, period=period, scope=scope, now=now, zone=zone, previous=previous
    )
