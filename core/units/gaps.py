"""The coverage of school teams by stakeholder groups (`/schools gaps`, `/schools list`) as plain data.

`grid` maps (school id, group id) to how many of the school's team are in that group
(`SchoolRepository.group_grid`); `sizes` maps a school id to its team's size. A missing key is nobody.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from storage.groups import Group
from storage.schools import School

Grid = dict[tuple[int, int], int]


@dataclass(frozen=True, slots=True)
class Gap:
    """A stakeholder group and the schools (names, in the schools' order) with nobody from it."""

    group: Group
    missing: list[str]


@dataclass(frozen=True, slots=True)
class Coverage:
    """One school: the names of the groups its team has someone from, and of those it lacks."""

    school: School
    has: list[str]
    lacks: list[str]


def gaps(schools: Sequence[School], groups: Sequence[Group], grid: Grid) -> list[Gap]:
    """Per group with at least one school missing it: which schools, most-missing group first (ties keep
    the groups' order)."""
    found = [Gap(g, [s.name for s in schools if not grid.get((s.id, g.id))]) for g in groups]
    return sorted((gap for gap in found if gap.missing), key=lambda gap: -len(gap.missing))


def coverage(schools: Sequence[School], groups: Sequence[Group], grid: Grid) -> list[Coverage]:
    """Per school: which groups its team has and lacks."""
    return [
        Coverage(
            s,
            [g.name for g in groups if grid.get((s.id, g.id))],
            [g.name for g in groups if not grid.get((s.id, g.id))],
        )
        for s in schools
    ]


def abbreviations(groups: Sequence[Group]) -> dict[int, str]:
    """Short column heads for the grid: initials of each group's words (Parents & Families → PF), made
    unique with a number (PF, PF2…)."""
    out: dict[int, str] = {}
    used: set[str] = set()
    for group in groups:
        initials = "".join(w[0] for w in group.name.split() if w[0].isalnum()).upper()[:3] or "?"
        short, n = initials, 2
        while short in used:
            short, n = f"{initials}{n}", n + 1
        used.add(short)
        out[group.id] = short
    return out


def grid_rows(
    schools: Sequence[School], groups: Sequence[Group], grid: Grid, sizes: dict[int, int]
) -> list[list[object]]:
    """The grid as spreadsheet rows: a header, then per school its district, team size, the count per
    group and the names of the groups it lacks."""
    rows: list[list[object]] = [
        ["school", "district", "team size", *(g.name for g in groups), "missing groups"]
    ]
    for s in schools:
        counts = [grid.get((s.id, g.id), 0) for g in groups]
        missing = "; ".join(g.name for g, n in zip(groups, counts, strict=True) if not n)
        rows.append([s.name, s.district, sizes.get(s.id, 0), *counts, missing])
    return rows
