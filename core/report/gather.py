"""Gathering a report for `/report`, its monthly digest and `copbot report`: the figures
(`core.report.build`) compared with the last report made for the same audience."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from core.report.build import build_report
from core.report.model import Period, Report
from core.report.scope import Audience, PreviousReport
from storage.database import Database
from storage.reports import MadeReport


async def gather(
    db: Database,
    guild_id: int,
    *,
    community: str,
    period: Period,
    audience: Audience,
    now: datetime,
    zone: str,
    previous: MadeReport | None,
    organizers: Collection[int] = (),
) -> Report:
    return await build_report(
        db,
        guild_id,
        community=community,
        period=period,
        audience=audience,
        now=now,
        zone=zone,
        previous=None if previous is None else PreviousReport(previous.created_at, previous.headline),
        organizers=organizers,
    )
