"""The resource library: what was shared, used ("I used this") and rated helpful, by the stakeholder group
of who shared it and of who used it."""

from __future__ import annotations

from core.report.model import Cell, Chart, ChartKind, Section, Series, Table
from core.report.privacy import point
from core.report.scope import Frame
from core.report.words import said
from storage.report import Counted

KEY = "resources"
TITLE = "Resources shared and used"
MARKS = (("used", "Used"), ("helpful", "Marked helpful"))


async def gather(f: Frame) -> tuple[Section, dict[str, Cell]]:
    h = f.held
    shared = await f.figures.shared_by_sector(f.window)
    received = await f.figures.marks_by_sector(f.window, of="sharer")
    given = await f.figures.marks_by_sector(f.window, of="user")
    if not shared and not received and not given:
        return Section(KEY, TITLE, "", empty="No resources were shared, used or rated in this period."), {}

    # By the sharer's group: resources shared, and marks on them (people: the fewer of sharers and markers).
    sharers = f.sector_order(set(shared) | {g for g, _ in received})
    shared_cells = h.column(KEY, [shared.get(g, Counted(0, 0)) for g in sharers])
    received_cells = {
        mark: h.column(
            KEY,
            [Counted(n, min(s, u)) for n, s, u in (received.get((g, mark), (0, 0, 0)) for g in sharers)],
        )
        for mark, _ in MARKS
    }
    # By the user's group: marks they gave (people: who marked).
    users = f.sector_order({g for g, _ in given})
    given_cells = {
        mark: h.column(KEY, [Counted(n, u) for n, _, u in (given.get((g, mark), (0, 0, 0)) for g in users)])
        for mark, _ in MARKS
    }
    total_shared = h.total(KEY, list(shared.values()))
    total_marks = {
        mark: h.count(
            KEY,
            sum(v[0] for (_, m), v in given.items() if m == mark),
            sum(v[2] for (_, m), v in given.items() if m == mark),
        )
        for mark, _ in MARKS
    }
    sharer_names = [f.group_name(g) for g in sharers]
    user_names = [f.group_name(g) for g in users]
    sharer_rows = tuple(
        (name, shared_cells[i], received_cells["used"][i], received_cells["helpful"][i])
        for i, name in enumerate(sharer_names)
    )
    user_rows = tuple(
        (name, given_cells["used"][i], given_cells["helpful"][i]) for i, name in enumerate(user_names)
    )
    charts = []
    if sharers:
        charts.append(
            Chart(
                "sharers",
                ChartKind.BARS,
                "Resources shared, used and marked helpful, by the sharer's stakeholder group",
                tuple(sharer_names),
                (
                    Series("Shared", tuple(point(c) for c in shared_cells)),
                    *(Series(label, tuple(point(c) for c in received_cells[m])) for m, label in MARKS),
                ),
                x_label="Stakeholder group of who shared",
                y_label="Resources or marks",
                note="A missing bar: fewer than 5 people, not shown.",
            )
        )
    if users:
        charts.append(
            Chart(
                "users",
                ChartKind.BARS,
                "Resources used and marked helpful, by the user's stakeholder group",
                tuple(user_names),
                tuple(Series(label, tuple(point(c) for c in given_cells[m])) for m, label in MARKS),
                x_label="Stakeholder group of who used it",
                y_label="Marks",
                note="A missing bar: fewer than 5 people, not shown.",
            )
        )
    summary = (
        f"Members shared {said(total_shared)} resources in this period, said “I used this” "
        f"{said(total_marks['used'])} times and marked resources helpful {said(total_marks['helpful'])} times."
    )
    return (
        Section(
            KEY,
            TITLE,
            summary,
            tables=(
                Table(
                    "By the stakeholder group of who shared",
                    ("Stakeholder group", "Resources shared", "Times used", "Times marked helpful"),
                    sharer_rows,
                    note="Times used and marked helpful in this period, whenever the resource was shared.",
                ),
                Table(
                    "By the stakeholder group of who used it",
                    ("Stakeholder group", "Times they used a resource", "Times they marked one helpful"),
                    user_rows,
                ),
            ),
            charts=tuple(charts),
        ),
        {},
    )
