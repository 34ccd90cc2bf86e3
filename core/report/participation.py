"""Who takes part, from which stakeholder groups, month by month: profiles, active members and meeting
attendance."""

from __future__ import annotations

from core.report.model import Cell, Chart, ChartKind, Section, Series, Table
from core.report.privacy import point
from core.report.scope import Frame
from core.report.words import day, said
from storage.report import Counted

KEY = "participation"
TITLE = "Who takes part"
ACTIVE = (
    "A member is active in a month when they checked in at a meeting, answered a meeting's RSVP, suggested an "
    "agenda topic, shared, used or rated a resource, asked for a /connect introduction, told a value story, "
    "answered a survey, checked in on a goal or confirmed an agreement."
)


async def gather(f: Frame) -> tuple[Section, dict[str, Cell]]:
    months = f.months
    keys = [m for m, _ in months]
    whole = [("all", f.window.lo, f.window.hi)]
    profiles = await f.figures.profiles_by_month(f.window, keys)
    active = await f.figures.active_by_month(f.window, keys)
    attendance = await f.figures.attendance_by_month(f.window, keys)
    end_profiles = {g: n for (_, g), n in (await f.figures.profiles_by_month(f.window, whole)).items()}
    end_active = {g: n for (_, g), n in (await f.figures.active_by_month(f.window, whole)).items()}
    end_attendance = {g: c for (_, g), c in (await f.figures.attendance_by_month(f.window, whole)).items()}
    h = f.held
    members = h.total(KEY, [Counted(n, n) for n in end_profiles.values()])
    if not (profiles or active or attendance):
        return (
            Section(
                KEY,
                TITLE,
                "",
                empty="Nobody had introduced themselves or taken part in anything copbot records by the end of this period.",
            ),
            {"members": members},
        )
    sectors = f.sector_order({g for _, g in profiles} | {g for _, g in active} | {g for _, g in attendance})
    names = [f.group_name(g) for g in sectors]

    rows: list[tuple[Cell, ...]] = []
    lines: dict[str, dict[int, list[float | None]]] = {"profiles": {}, "active": {}, "attendance": {}}
    for (key, _, _), first in months:
        for g in sectors:
            p = h.people(KEY, profiles.get((key, g), 0))
            a = h.people(KEY, active.get((key, g), 0))
            c = h.of(KEY, attendance.get((key, g), Counted(0, 0)))
            lines["profiles"].setdefault(g, []).append(point(p))
            lines["active"].setdefault(g, []).append(point(a))
            lines["attendance"].setdefault(g, []).append(point(c))
            if any(v != 0 for v in (p, a, c)):
                rows.append((first, f.group_name(g), p, a, c))

    by_group_profiles = h.column(
        KEY, [Counted(end_profiles.get(g, 0), end_profiles.get(g, 0)) for g in sectors]
    )
    by_group_active = h.column(KEY, [Counted(end_active.get(g, 0), end_active.get(g, 0)) for g in sectors])
    by_group_checkins = h.column(KEY, [end_attendance.get(g, Counted(0, 0)) for g in sectors])
    total_active = h.total(KEY, [Counted(n, n) for n in end_active.values()])
    total_checkins = h.total(KEY, list(end_attendance.values()))
    whole_rows: list[tuple[Cell, ...]] = [
        (name, p, a, c)
        for name, p, a, c in zip(names, by_group_profiles, by_group_active, by_group_checkins, strict=True)
    ]
    whole_rows.append(("All members", members, total_active, total_checkins))

    categories = tuple(f"{first:%b %Y}" for _, first in months)

    def chart(key: str, title: str, y_label: str) -> Chart:
        return Chart(
            key,
            ChartKind.LINES,
            title,
            categories,
            tuple(Series(f.group_name(g), tuple(lines[key][g])) for g in sectors),
            x_label="Month",
            y_label=y_label,
            note="A gap in a line: fewer than 5 people that month, not shown.",
        )

    summary = (
        f"By {day(f.period.end)}, {said(members)} members had introduced themselves; "
        f"{said(total_active)} took part in something during the period, and members checked in "
        f"{said(total_checkins)} times at meetings."
    )
    return (
        Section(
            KEY,
            TITLE,
            summary,
            tables=(
                Table(
                    "By stakeholder group, whole period",
                    (
                        "Stakeholder group",
                        "Members with a profile at the end",
                        "Active members during the period",
                        "Check-ins at meetings",
                    ),
                    tuple(whole_rows),
                    note="Each member counts under one group: the one their profile names, else the first they joined. "
                    + ACTIVE,
                ),
                Table(
                    "Month by month",
                    (
                        "Month",
                        "Stakeholder group",
                        "Members with a profile at the month's end",
                        "Active members that month",
                        "Check-ins at that month's meetings",
                    ),
                    tuple(rows),
                    note="Months with nothing to show for a group are left out.",
                ),
            ),
            charts=(
                chart("profiles", "Members with a profile, by stakeholder group", "Members"),
                chart("active", "Active members each month, by stakeholder group", "Members"),
                chart("attendance", "Check-ins at meetings each month, by stakeholder group", "Check-ins"),
            ),
        ),
        {"members": members},
    )
