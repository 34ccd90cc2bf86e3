"""Stakeholder groups and school teams in storage: names, memberships, the grid, personal-data deletion."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from storage.database import Database
from storage.groups import DEFAULT_GROUPS, DuplicateName, GroupRepository
from storage.schools import CsvRow, SchoolRepository

NOW = datetime(2026, 9, 1, 16, 0, tzinfo=UTC)
GUILD, OTHER = 1, 2
ALICE, BOB = 10, 11


async def test_defaults_only_when_a_guild_has_no_groups(db: Database) -> None:
    groups = GroupRepository(db)
    created = await groups.add_defaults(GUILD, NOW)
    assert [g.name for g in created] == [name for name, *_ in DEFAULT_GROUPS]
    assert [g.name for g in created if g.protected] == ["Students"]
    assert await groups.add_defaults(GUILD, NOW) == []
    assert await groups.all(OTHER) == []


async def test_names_are_unique_without_case_per_guild(db: Database) -> None:
    groups = GroupRepository(db)
    first = await groups.add(GUILD, "Robotics", now=NOW)
    with pytest.raises(DuplicateName):
        await groups.add(GUILD, "ROBOTICS", now=NOW)
    await groups.add(OTHER, "robotics", now=NOW)  # another guild may use it
    second = await groups.add(GUILD, "Makers", now=NOW)
    with pytest.raises(DuplicateName):
        await groups.update(GUILD, second.id, name="robotics")
    assert (await groups.by_name(GUILD, "  robotics ")) == first
    assert second.position == first.position + 1


async def test_memberships_join_leave_and_removed_groups(db: Database) -> None:
    groups = GroupRepository(db)
    a = await groups.add(GUILD, "A", now=NOW)
    b = await groups.add(GUILD, "B", now=NOW)
    assert await groups.add_members(GUILD, ALICE, [a.id, b.id], NOW) == [a.id, b.id]
    assert await groups.add_members(GUILD, ALICE, [a.id], NOW) == []  # idempotent
    assert await groups.add_members(GUILD, ALICE, [9999], NOW) == []  # a group that no longer exists
    assert await groups.add_members(OTHER, BOB, [a.id], NOW) == []  # another guild's group
    assert await groups.member_counts(GUILD) == {a.id: 1, b.id: 1}
    assert await groups.remove_members(GUILD, ALICE, [b.id, b.id]) == [b.id]
    assert [g.name for g in await groups.groups_of(GUILD, ALICE)] == ["A"]
    assert await groups.remove(GUILD, a.id) == [ALICE]
    assert await groups.groups_of(GUILD, ALICE) == []


async def test_role_and_channel_forgotten_when_deleted(db: Database) -> None:
    groups = GroupRepository(db)
    g = await groups.add(GUILD, "A", now=NOW)
    await groups.set_role(g.id, 500)
    await groups.set_channel(g.id, 600)
    assert await groups.forget_role(OTHER, 500) == 0
    assert await groups.forget_role(GUILD, 500) == 1
    assert await groups.forget_channel(GUILD, 600) == 1
    again = await groups.get(GUILD, g.id)
    assert again is not None
    assert (again.role_id, again.channel_id) == (None, None)
    await groups.set_category(GUILD, 700)
    await groups.set_category(GUILD, 701)
    assert await groups.category(GUILD) == 701
    assert await SchoolRepository(db).category(GUILD) is None  # each kind has its own


async def test_grid_teammates_protected_and_personal_data(db: Database) -> None:
    groups, schools = GroupRepository(db), SchoolRepository(db)
    teachers = await groups.add(GUILD, "Teachers", now=NOW)
    students = await groups.add(GUILD, "Students", protected=True, now=NOW)
    created, known = await schools.add_many(
        GUILD,
        [CsvRow(1, "Lincoln", "Phoenix"), CsvRow(2, "Roosevelt", ""), CsvRow(3, "lincoln", "")],
        now=NOW,
    )
    assert [s.name for s in created] == ["Lincoln", "Roosevelt"]
    assert [r.line for r in known] == [3]
    lincoln = created[0]
    await schools.add_members(GUILD, ALICE, [lincoln.id], NOW)
    await schools.add_members(GUILD, BOB, [lincoln.id], NOW)
    await groups.add_members(GUILD, ALICE, [teachers.id], NOW)
    await groups.add_members(GUILD, BOB, [teachers.id, students.id], NOW)
    assert await schools.group_grid(GUILD) == {(lincoln.id, teachers.id): 2, (lincoln.id, students.id): 1}
    assert await schools.teammates(GUILD, ALICE) == {ALICE, BOB}
    assert await groups.protected_user_ids(GUILD) == {BOB}
    assert [s.name for s in await schools.search(GUILD, "LIN")] == ["Lincoln"]
    assert await schools.search(GUILD, "%") == []  # LIKE wildcards are literal

    assert await groups.delete_member(GUILD, BOB) == 2
    assert await schools.delete_member(GUILD, BOB) == 1
    for table in ("group_members", "school_members"):
        assert await db.fetchval(f"SELECT COUNT(*) FROM {table} WHERE user_id = ?", (BOB,)) == 0


async def test_a_members_export_names_each_group_and_school(db: Database) -> None:
    groups, schools = GroupRepository(db), SchoolRepository(db)
    teachers = await groups.add(GUILD, "Teachers", now=NOW)
    parents = await groups.add(GUILD, "Parents & Families", now=NOW)
    lincoln = await schools.add(GUILD, "Lincoln Elementary", now=NOW)
    await groups.add_members(GUILD, 7, [teachers.id, parents.id], NOW)
    await schools.add_members(GUILD, 7, [lincoln.id], NOW)
    await groups.add_members(GUILD, 8, [teachers.id], NOW)
    assert await groups.export_member(GUILD, 7) == [
        {"group": "Parents & Families", "joined_at": NOW.isoformat()},
        {"group": "Teachers", "joined_at": NOW.isoformat()},
    ]
    assert await schools.export_member(GUILD, 7) == [
        {"school": "Lincoln Elementary", "joined_at": NOW.isoformat()}
    ]
    assert await schools.export_member(OTHER, 7) == []
