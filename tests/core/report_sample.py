"""A rich evidence report for the renderers' tests (`core.report.charts`, `workbook`, `page`, `render`): every
section and chart kind, the coverage grid of a statewide community (61 schools × 10 stakeholder groups),
names in any script, "fewer than 5" cells, suppressed chart values, one empty section, and member text that
looks like markup, a formula or a mention. Built the same every time (a seeded random)."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from core.report.model import (
    FEWER,
    Cell,
    Chart,
    ChartKind,
    Headline,
    Period,
    Report,
    Section,
    Series,
    Table,
)

GROUPS = (
    "Teachers",
    "Students",
    "Higher education",
    "Informal STEM educators",
    "Business & industry",
    "Families",
    "Nonprofits",
    "School leaders",
    "Government",
    "Philanthropy",
)
SPECIAL_SCHOOLS = (
    "École Sainte-Anne-des-Plaines",
    "北京第一中学",
    "مدرسة النور",
    "בית ספר הדר",
    "Escuela 🚀 Cohete",
    "Şişli Fen Lisesi",
    "Ørsted Skole",
    "$5 Charter =SUM(A1)",
    "The Extraordinarily Long-Named Regional Science, Technology, Engineering and Mathematics Magnet Academy",
)
SCHOOLS = (
    *SPECIAL_SCHOOLS,
    *(f"Washington County School {n}" for n in range(1, 61 - len(SPECIAL_SCHOOLS) + 1)),
)
FORMULA = '=HYPERLINK("evil.example/grant","Free grant")'
SCRIPT = "<script>alert('copbot')</script>"
EMPTY_GOALS = "No goals or agreements were recorded in this period."
MONTHS = tuple(date(2026 + (m > 12), (m - 1) % 12 + 1, 1) for m in range(8, 19))  # Aug 2026 … Jun 2027
TITLES = {
    "participation": "Who takes part: stakeholder groups over the year",
    "coverage": "Coverage: schools × stakeholder groups — who is present, who is missing",
    "connections": "Connections across sectors",
    "meetings": "Meetings: RSVPs, attendance and members' agenda items",
    "resources": "Resources: shared, used and rated [by sector/role]?",
    "surveys": "Survey results",
    "stories": "Value stories",
    "goals": "Goals and agreements",
}


def count(rng: random.Random, high: int = 40) -> int | None:
    """A count of people: 0, or suppressed (None) when 1 to 4, else itself."""
    n = rng.choice((0, *range(1, high)))
    return None if 0 < n < 5 else n


def cell(n: int | None) -> Cell:
    return FEWER if n is None else n


def sample_report() -> Report:
    rng = random.Random(17)
    return Report(
        community="Arizona STEM Network — Red de Ciencia 🌵",
        period=Period(date(2026, 8, 1), date(2027, 6, 30), "school year 2026–27"),
        audience="everyone",
        generated_at=datetime(2027, 6, 30, 17, 5, tzinfo=UTC),
        headline=(
            Headline("Members with a profile", 1000, 120),
            Headline("School teams", 61, 0),
            Headline("Meetings held", 40, None),
            Headline("Shareable value stories", 12, -2),
            Headline("Share of agenda items from members", "64%", None),
        ),
        sections=(
            participation(rng),
            coverage(rng),
            connections(rng),
            meetings(rng),
            resources(rng),
            surveys(rng),
            stories(),
            Section(
                "goals", TITLES["goals"], "Goals and agreements: none in this period.", empty=EMPTY_GOALS
            ),
        ),
        suppressed=(
            "Any figure describing 1 to 4 people is shown as “fewer than 5”, so no one can be recognised.",
            "Students are counted only as a group, never one by one.",
            "Resource reuse between two sectors is left out where either side has fewer than 5 members.",
        ),
        provisional=(
            "The spring pulse survey is still open until 15 July 2027: its figures may still change.",
        ),
        previous=datetime(2027, 1, 31, 17, 0, tzinfo=UTC),
    )


def participation(rng: random.Random) -> Section:
    active = {group: [count(rng, 120) for _ in MONTHS] for group in GROUPS}
    return Section(
        "participation",
        TITLES["participation"],
        "1 000 members have a profile, 120 more than at the last report. Teachers and higher education take part "
        "most; families least.",
        tables=(
            Table(
                "Active members by month and stakeholder group",
                ("Month", *(f"Active {g} (posted or attended)" for g in GROUPS)),
                tuple((month, *(cell(active[g][i]) for g in GROUPS)) for i, month in enumerate(MONTHS)),
                note="A member is active in a month when they posted, checked in or answered a survey in it.",
            ),
        ),
        charts=(
            Chart(
                "active",
                ChartKind.LINES,
                "Active members by month",
                tuple(f"{m:%b %Y}" for m in MONTHS),
                tuple(
                    Series(g, tuple(float(v) if v is not None else None for v in active[g])) for g in GROUPS
                ),
                x_label="Month",
                y_label="Active members",
                note="Gaps: fewer than 5 people that month, not shown.",
            ),
        ),
    )


def coverage(rng: random.Random) -> Section:
    grid = [[count(rng, 30) for _ in GROUPS] for _ in SCHOOLS]
    return Section(
        "coverage",
        TITLES["coverage"],
        "Every school has teachers; 23 schools have no business or industry partner yet.",
        tables=(
            Table(
                "Members by school team and stakeholder group",
                ("School team", *(f"{g} (members)" for g in GROUPS)),
                tuple((school, *(cell(n) for n in row)) for school, row in zip(SCHOOLS, grid, strict=True)),
                note="0: nobody of that group in the team yet — a gap.",
            ),
            Table(
                "Gaps and the partners who could fill them",
                ("School team", "Missing stakeholder groups", "Members whose offers match the team's needs"),
                tuple(
                    (
                        school,
                        ", ".join(g for g, n in zip(GROUPS, row, strict=True) if n == 0),
                        cell(count(rng, 12)),
                    )
                    for school, row in zip(SCHOOLS, grid, strict=True)
                    if 0 in row
                ),
            ),
        ),
        charts=(
            Chart(
                "grid",
                ChartKind.GRID,
                "Members by school team and stakeholder group",
                GROUPS,
                (Series("Members", tuple(None if n is None else float(n) for row in grid for n in row)),),
                rows=SCHOOLS,
                x_label="Stakeholder group",
                y_label="School team",
                note="Grey: fewer than 5 people, not shown. 0: a gap.",
            ),
        ),
    )


def connections(rng: random.Random) -> Section:
    pairs = [[count(rng, 25) for _ in GROUPS] for _ in GROUPS]
    return Section(
        "connections",
        TITLES["connections"],
        "412 introductions through /connect; 38 collaboration agreements joined a school with a partner.",
        tables=(
            Table(
                "Connections between sectors",
                (
                    "From sector",
                    "To sector",
                    "Introductions (/connect)",
                    "Met at the same meeting",
                    "Agreements",
                ),
                tuple(
                    (a, b, cell(pairs[i][j]), cell(count(rng)), cell(count(rng, 8)))
                    for i, a in enumerate(GROUPS)
                    for j, b in enumerate(GROUPS)
                    if i <= j
                ),
            ),
        ),
        charts=(
            Chart(
                "sectors",
                ChartKind.GRID,
                "Introductions between sectors",
                GROUPS,
                (
                    Series(
                        "Introductions", tuple(None if n is None else float(n) for row in pairs for n in row)
                    ),
                ),
                rows=GROUPS,
                x_label="To sector",
                y_label="From sector",
                note="Grey: fewer than 5 people, not shown.",
            ),
            Chart(
                "kinds",
                ChartKind.BARS,
                "Connections by kind",
                ("Introductions", "Co-attendance", "Agreements", "Resources reused"),
                (
                    Series("Within a sector", (210.0, 640.0, 12.0, 88.0)),
                    Series("Across sectors", (202.0, 910.0, 26.0, None)),
                ),
                y_label="Connections",
            ),
        ),
    )


def meetings(rng: random.Random) -> Section:
    days = [date(2026, 9, 3) + timedelta(weeks=w) for w in range(40)]
    names = [f"Meetup {n + 1}" for n in range(40)]
    names[3], names[7], names[11] = SCRIPT + " night", FORMULA, "+1 555 0100 call-in"
    going = [rng.randint(8, 90) for _ in days]
    came: list[int | None] = [max(0, g - rng.randint(0, 20)) for g in going]
    came[5] = None  # a meeting of fewer than 5
    return Section(
        "meetings",
        TITLES["meetings"],
        "40 meetings; on average 71% of those who said Going came. 64% of agenda items came from members.",
        tables=(
            Table(
                "Meetings, RSVPs and attendance",
                (
                    "Date",
                    "Meeting",
                    "Said Going",
                    "Checked in",
                    "Agenda items",
                    "Share of agenda items from members",
                ),
                tuple(
                    (day, name, g, cell(c), rng.randint(2, 8), round(rng.random(), 2))
                    for day, name, g, c in zip(days, names, going, came, strict=True)
                ),
                note="Checked in: members who pressed “I'm here” or were marked present by an organizer.",
            ),
        ),
        charts=(
            Chart(
                "attendance",
                ChartKind.BARS,
                "RSVPs and attendance per meeting",
                tuple(f"{d:%d %b}: {n}" for d, n in zip(days, names, strict=True)),
                (
                    Series("Said Going", tuple(float(g) for g in going)),
                    Series("Checked in", tuple(None if c is None else float(c) for c in came)),
                ),
                y_label="Members",
            ),
        ),
    )


def resources(rng: random.Random) -> Section:
    shared = [count(rng, 60) for _ in GROUPS]
    used = [count(rng, 90) for _ in GROUPS]
    return Section(
        "resources",
        TITLES["resources"],
        "500 resources shared; 1 240 “I used this” marks, 31% of them across sectors.",
        tables=(
            Table(
                "Resources by sector of the sharer",
                ("Sector of the sharer", "Resources shared", "“I used this” marks", "Average rating (1–5)"),
                tuple(
                    (g, cell(s), cell(u), round(3 + rng.random() * 2, 1))
                    for g, s, u in zip(GROUPS, shared, used, strict=True)
                ),
            ),
        ),
        charts=(
            Chart(
                "by-sector",
                ChartKind.STACKED,
                "Resources shared and used, by sector",
                GROUPS,
                (
                    Series("Shared", tuple(None if v is None else float(v) for v in shared)),
                    Series("Used", tuple(None if v is None else float(v) for v in used)),
                ),
                y_label="Resources",
            ),
        ),
    )


def surveys(rng: random.Random) -> Section:
    questions = (
        "I know whom to ask for a STEM partner",
        "My students see STEM careers",
        "I feel confident teaching engineering",
        "Our school has a STEM plan",
        "I share resources with other schools",
    )
    before = [round(2 + rng.random() * 2, 2) for _ in questions]
    after = [round(b + rng.random() - 0.3, 2) for b in before]
    teams = SCHOOLS[:12]
    dimensions = ("Vision", "Leadership", "Partners", "Curriculum", "Time", "Evaluation")
    readiness = [
        None if rng.random() < 0.1 else round(1 + rng.random() * 3, 1) for _ in range(len(teams) * 6)
    ]
    return Section(
        "surveys",
        TITLES["surveys"],
        "Pulse: four of five questions rose between the autumn and the spring survey.",
        tables=(
            Table(
                "Pulse before and after (average, 1–5)",
                ("Question", "Autumn (before)", "Spring (after)", "Change"),
                tuple((q, b, a, round(a - b, 2)) for q, b, a in zip(questions, before, after, strict=True)),
            ),
        ),
        charts=(
            Chart(
                "pulse",
                ChartKind.BARS,
                "Pulse before and after",
                questions,
                (Series("Autumn", tuple(before)), Series("Spring", tuple(after))),
                y_label="Average answer (1–5)",
            ),
            Chart(
                "readiness",
                ChartKind.GRID,
                "Readiness self-assessment by team",
                dimensions,
                (Series("Average (1–4)", tuple(readiness)),),
                rows=teams,
                note="Grey: fewer than 5 answers.",
            ),
        ),
    )


def stories() -> Section:
    cycles = ("Immediate", "Potential", "Applied", "Realized", "Transformative")
    return Section(
        "stories",
        TITLES["stories"],
        "57 value stories; 12 shared with permission to quote.",
        tables=(
            Table(
                "Value stories by cycle",
                ("Cycle of value", "Stories", "Shareable stories"),
                (
                    ("Immediate", 21, 5),
                    ("Potential", 14, FEWER),
                    ("Applied", 12, FEWER),
                    ("Realized", 10, FEWER),
                ),
            ),
            Table(
                "Shareable stories",
                ("Story, as the member wrote it", "Cycle of value"),
                (
                    (FORMULA, "Applied"),
                    ("@everyone <@123456789012345678> " + SCRIPT, "Immediate"),
                    ("-5 days to plan, +3 partners", "Realized"),
                ),
            ),
        ),
        charts=(
            Chart(
                "cycles",
                ChartKind.STACKED,
                "Value stories by cycle",
                cycles,
                (
                    Series("Private", (16.0, 10.0, 9.0, 6.0, None)),
                    Series("Shareable", (5.0, None, None, None, None)),
                ),
            ),
        ),
        quotes=(
            "“Our robotics club doubled after we met the engineers.” — Ana Lucía Pérez (Teachers)",
            f"“<@123456789012345678> showed me how: {FORMULA}” — 李明 (Higher education)",
            f"“{SCRIPT} @everyone” — shared without a name",
            "“שיתוף פעולה מצוין עם המכללה” — נועה כהן",
        ),
    )
