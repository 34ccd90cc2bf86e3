"""Team goals and collaboration agreements: counts by status (today's), goal check-ins in the period, and the
hours partners committed (`core.agreements.rules.hours_report`: any group of fewer than 5 agreements hidden)."""

from __future__ import annotations

from core.agreements.rules import hours_report
from core.goals.rules import Status as GoalStatus
from core.report.model import FEWER, Cell, Chart, ChartKind, Section, Series, Table
from core.report.privacy import SMALL, point
from core.report.scope import Frame
from core.report.words import said
from storage.agreements import Status
from storage.report import Counted

KEY = "goals"
TITLE = "Goals and agreements"


async def gather(f: Frame) -> tuple[Section, dict[str, Cell]]:
    h = f.held
    goals = await f.figures.goals_by_status(f.window)
    checkins = await f.figures.goal_checkins(f.window)
    rows = await f.figures.hours_rows(f.window)
    by_status, by_group = hours_report(rows)
    lines = {line.label: line for line in by_status}

    def agreements(n: int) -> Cell:
        if 0 < n < SMALL:
            h.cells[KEY] += 1
            return FEWER
        return n

    def hours(value: int | None, n: int) -> Cell:
        if value is None and n:
            h.cells[KEY] += 1
            return FEWER
        return value or 0

    active = lines.get(Status.ACTIVE.value.capitalize())
    active_hours = hours(active.hours, active.agreements) if active else 0
    if not goals and not rows:
        return (
            Section(
                KEY,
                TITLE,
                "",
                empty="No team goals or collaboration agreements were recorded by the end of this period.",
            ),
            {"hours": active_hours},
        )
    goal_rows = tuple((status.label, *goals.get(status.value, (0, 0))) for status in GoalStatus)
    counts = [lines[s.value.capitalize()].agreements if s.value.capitalize() in lines else 0 for s in Status]
    agreement_rows = [
        (
            status.value.capitalize(),
            cell,
            hours(line.hours, line.agreements) if (line := lines.get(status.value.capitalize())) else 0,
        )
        for status, cell in zip(Status, h.column(KEY, [Counted(n, n) for n in counts]), strict=True)
    ]
    group_rows = tuple(
        (line.label, agreements(line.agreements), hours(line.hours, line.agreements)) for line in by_group
    )
    total_goals = sum(n for n, _ in goals.values())
    summary = (
        f"{said(total_goals)} team goals were set by the end of the period; members checked in on them "
        f"{said(h.of(KEY, checkins))} times during it. {said(agreements(len(rows)))} collaboration agreements "
        f"were open in the period; active ones commit {said(active_hours)} hours a month."
    )
    return (
        Section(
            KEY,
            TITLE,
            summary,
            tables=(
                Table(
                    "Team goals by status today",
                    ("Status", "Goals", "Teams with such goals"),
                    goal_rows,
                    note="Goals set before the period's end; the whole community's own goals count as one team.",
                ),
                Table(
                    "Collaboration agreements by status today",
                    ("Status", "Agreements", "Committed hours a month"),
                    tuple(agreement_rows),
                    note="Agreements made before the period's end and not closed before it began. Hours are not "
                    "shown for fewer than 5 agreements.",
                ),
                Table(
                    "Hours committed in open agreements, by the partner's stakeholder group",
                    ("Partner's stakeholder group", "Agreements", "Committed hours a month"),
                    group_rows,
                ),
            ),
            charts=(
                Chart(
                    "goals",
                    ChartKind.BARS,
                    "Team goals by status",
                    tuple(r[0] for r in goal_rows),
                    (Series("Goals", tuple(float(r[1]) for r in goal_rows)),),
                    x_label="Status",
                    y_label="Goals",
                ),
                Chart(
                    "agreements",
                    ChartKind.BARS,
                    "Collaboration agreements by status",
                    tuple(r[0] for r in agreement_rows),
                    (Series("Agreements", tuple(point(r[1]) for r in agreement_rows)),),
                    x_label="Status",
                    y_label="Agreements",
                    note="A missing bar: fewer than 5 agreements, not shown.",
                ),
            ),
        ),
        {"hours": active_hours},
    )
