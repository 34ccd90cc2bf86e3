"""core.units.gaps: which school teams lack which stakeholder groups, as plain data."""

from __future__ import annotations

from core.units.gaps import abbreviations, coverage, gaps, grid_rows
from storage.groups import Group
from storage.schools import School


def group(id: int, name: str) -> Group:
    return Group(id, 1, name, "", None, None, None, False, id)


def school(id: int, name: str, district: str = "") -> School:
    return School(id, 1, name, district, None, None)


TEACHERS, PARENTS, STUDENTS = group(1, "Teachers"), group(2, "Parents & Families"), group(3, "Students")
GROUPS = [TEACHERS, PARENTS, STUDENTS]
LINCOLN, ROOSEVELT, ZUNI = school(10, "Lincoln"), school(11, "Roosevelt", "PUSD"), school(12, "Zuni")
SCHOOLS = [LINCOLN, ROOSEVELT, ZUNI]
# Lincoln has teachers and parents, Roosevelt teachers only, Zuni nobody.
GRID = {(10, 1): 2, (10, 2): 1, (11, 1): 3}


def test_gaps_list_the_schools_missing_each_group_most_missing_first() -> None:
    found = gaps(SCHOOLS, GROUPS, GRID)
    assert [(g.group.name, g.missing) for g in found] == [
        ("Students", ["Lincoln", "Roosevelt", "Zuni"]),
        ("Parents & Families", ["Roosevelt", "Zuni"]),
        ("Teachers", ["Zuni"]),
    ]


def test_no_gaps_when_every_team_has_every_group() -> None:
    full = {(s.id, g.id): 1 for s in SCHOOLS for g in GROUPS}
    assert gaps(SCHOOLS, GROUPS, full) == []


def test_ties_keep_the_groups_order_and_zero_counts_are_gaps() -> None:
    found = gaps([LINCOLN], GROUPS, {(10, 2): 0})
    assert [g.group.name for g in found] == ["Teachers", "Parents & Families", "Students"]


def test_coverage_says_what_each_school_has_and_lacks() -> None:
    rows = coverage(SCHOOLS, GROUPS, GRID)
    assert [(r.school.name, r.has, r.lacks) for r in rows] == [
        ("Lincoln", ["Teachers", "Parents & Families"], ["Students"]),
        ("Roosevelt", ["Teachers"], ["Parents & Families", "Students"]),
        ("Zuni", [], ["Teachers", "Parents & Families", "Students"]),
    ]


def test_column_heads_are_unique_initials() -> None:
    heads = abbreviations([*GROUPS, group(4, "Professional Associations"), group(5, "Parent Faculty")])
    assert heads == {1: "T", 2: "PF", 3: "S", 4: "PA", 5: "PF2"}
    assert abbreviations([group(6, "&")]) == {6: "?"}


def test_the_spreadsheet_has_a_row_per_school_with_counts_and_missing_groups() -> None:
    rows = grid_rows(SCHOOLS, GROUPS, GRID, {10: 3, 11: 3})
    assert rows[0] == [
        "school",
        "district",
        "team size",
        "Teachers",
        "Parents & Families",
        "Students",
        "missing groups",
    ]
    assert rows[1] == ["Lincoln", "", 3, 2, 1, 0, "Students"]
    assert rows[2] == ["Roosevelt", "PUSD", 3, 3, 0, 0, "Parents & Families; Students"]
    assert rows[3] == ["Zuni", "", 0, 0, 0, 0, "Teachers; Parents & Families; Students"]
