"""Which connections formed across stakeholder groups and schools: /connect introductions, meetings where
members of two groups checked in together, agreements (partner and team) and resources one member shared
and another used. A pair's figure is held back when fewer than 5 people are on either side of it."""

from __future__ import annotations

from collections.abc import Sequence

from core.report.model import Cell, Chart, ChartKind, Section, Series, Table
from core.report.privacy import point
from core.report.scope import Frame
from core.report.words import said
from core.text import plural
from storage.report import Counted, PairRow

KEY = "connections"
TITLE = "Connections across groups and schools"
Pair = tuple[int, int]

KINDS: tuple[tuple[str, str, str], ...] = (
    ("connect", "Introductions", "/connect introductions between stakeholder groups"),
    ("meetings", "Meetings together", "Meetings where members of both groups checked in"),
    (
        "agreement",
        "Agreements",
        "Collaboration agreements between a partner's group and a team member's group",
    ),
    ("reuse", "Resources reused", "Resources shared by one group and used by the other"),
)


def _counted(rows: Sequence[PairRow]) -> dict[str, dict[Pair, Counted]]:
    found: dict[str, dict[Pair, Counted]] = {}
    for r in rows:
        found.setdefault(r.kind, {})[(r.x, r.y)] = Counted(r.count, min(r.people_x, r.people_y))
    return found


def _shown(f: Frame, counts: dict[Pair, Counted]) -> tuple[dict[Pair, Cell], Cell]:
    """Each pair's figure, and the total across different units (its breakdown guarded by `column`)."""
    cross = sorted(p for p in counts if p[0] != p[1])
    same = sorted(p for p in counts if p[0] == p[1])
    shown: dict[Pair, Cell] = dict(zip(cross, f.held.column(KEY, [counts[p] for p in cross]), strict=True))
    shown |= {p: f.held.of(KEY, counts[p]) for p in same}
    total = f.held.count(
        KEY, sum(counts[p].count for p in cross), max((counts[p].people for p in cross), default=0)
    )
    return shown, total


def _grid(
    key: str, title: str, units: Sequence[int], names: Sequence[str], shown: dict[Pair, Cell], axis: str
) -> Chart:
    values = []
    for a in units:
        for b in units:
            cell = shown.get((min(a, b), max(a, b)), 0)
            values.append(point(cell))
    return Chart(
        key,
        ChartKind.GRID,
        title,
        tuple(names),
        (Series("Connections", tuple(values)),),
        x_label=axis,
        y_label=axis,
        rows=tuple(names),
        note="Grey: fewer than 5 people on one side, not shown.",
    )


async def gather(f: Frame) -> tuple[Section, dict[str, Cell]]:
    pairs = _counted(await f.figures.pairs(f.window, by="group"))
    pairs["meetings"] = await f.figures.co_attendance(f.window)
    by_school = _counted(await f.figures.pairs(f.window, by="school", merge=True)).get("all", {})
    introductions = await f.figures.connect_count(f.window)
    made = f.held.of(KEY, introductions)
    if not any(pairs.values()) and not by_school:
        return (
            Section(
                KEY,
                TITLE,
                "",
                empty="No introductions, meetings attended together, agreements or reused resources linked members in this period.",
            ),
            {"connections": made},
        )

    shown: dict[str, dict[Pair, Cell]] = {}
    totals: dict[str, Cell] = {}
    for kind, _, _ in KINDS:
        shown[kind], totals[kind] = _shown(f, pairs.get(kind, {}))
    sectors = f.sector_order({u for counts in pairs.values() for pair in counts for u in pair})
    names = [f.group_name(g) for g in sectors]
    charts = [
        _grid(kind, title, sectors, names, shown[kind], "Stakeholder group")
        for kind, _, title in KINDS
        if pairs.get(kind)
    ]
    table_rows: list[tuple[Cell, ...]] = []
    for i, x in enumerate(sectors):
        for y in sectors[i:]:
            cells = [shown[kind].get((x, y), 0) for kind, _, _ in KINDS]
            if any(c != 0 for c in cells):
                table_rows.append((f.group_name(x), f.group_name(y), *cells))
    tables = [
        Table(
            "Connections between stakeholder groups",
            ("Stakeholder group", "Other group", *(column for _, column, _ in KINDS)),
            tuple(table_rows),
            note="A member counts under one group (their profile's, else the first they joined). Pairs within "
            "one group are counted too. Meetings together: meetings where members of both groups checked in.",
        )
    ]

    school_shown, school_total = _shown(f, by_school)
    known = {s.id: s.name for s in f.schools}
    schools = [s.id for s in f.schools if any(s.id in pair for pair in by_school)]
    if schools:
        charts.append(
            _grid(
                "schools",
                "Connections between school teams (introductions, agreements and resources reused)",
                schools,
                [known[s] for s in schools],
                school_shown,
                "School team",
            )
        )
        between = [
            (p, c) for p, c in school_shown.items() if p[0] != p[1] and p[0] in known and p[1] in known
        ]
        ranked = sorted(
            ((p, c) for p, c in between if isinstance(c, int) and c > 0),
            key=lambda pc: (-int(pc[1] or 0), known[pc[0][0]], known[pc[0][1]]),
        )
        few = sum(1 for _, c in between if not isinstance(c, int))
        tables.append(
            Table(
                "Connections between school teams",
                ("School team", "Other school team", "Introductions, agreements and resources reused"),
                tuple((known[x], known[y], cell) for (x, y), cell in ranked),
                note="A member counts under one school: their profile's, else the first team they joined."
                + (
                    f" {plural(few, 'more pair', 'more pairs')} of teams are connected through fewer than 5 people "
                    "(in grey in the chart)."
                    if few
                    else ""
                ),
            )
        )

    summary = (
        f"Across different stakeholder groups, members made {said(totals['connect'])} /connect introductions, "
        f"{said(totals['agreement'])} agreements, reused each other's resources {said(totals['reuse'])} times, "
        f"and members of two different groups checked in at the same meeting {said(totals['meetings'])} times "
        "(a meeting counts once for each pair of groups)."
        + (f" Between different school teams: {said(school_total)} connections." if by_school else "")
    )
    return Section(KEY, TITLE, summary, tables=tuple(tables), charts=tuple(charts)), {"connections": made}
