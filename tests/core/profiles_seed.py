"""A small community for the profile core's tests (`tests/core/test_profiles_*.py`): a real SQLite file."""

from __future__ import annotations

from datetime import UTC, datetime

from storage.database import Database
from storage.groups import GroupRepository
from storage.profiles import Profile, ProfileRepository, split_interests
from storage.schools import SchoolRepository

NOW = datetime(2026, 9, 1, 16, 0, tzinfo=UTC)
G = 1
ALICE, BOB, SAM, TOM, UMA = 10, 11, 12, 13, 14  # teacher, business, student, no profile, another student


async def seed(db: Database) -> ProfileRepository:
    """Alice (Teachers, Lincoln), Bob (no group, Acme Corp), Sam and Uma (Students, protected; Sam at
    Lincoln's team, Uma at Roosevelt's). Tom has no profile."""
    groups, schools, profiles = GroupRepository(db), SchoolRepository(db), ProfileRepository(db)
    teachers = await groups.add(G, "Teachers", now=NOW)
    students = await groups.add(G, "Students", protected=True, now=NOW)
    lincoln = await schools.add(G, "Lincoln Elementary", now=NOW)
    roosevelt = await schools.add(G, "Roosevelt Middle", now=NOW)
    await schools.add_members(G, ALICE, [lincoln.id], NOW)
    await schools.add_members(G, SAM, [lincoln.id], NOW)
    await schools.add_members(G, UMA, [roosevelt.id], NOW)
    await groups.add_members(G, SAM, [students.id], NOW)
    for user, name, group, school, org, interests, offers, seeks in [
        (
            ALICE,
            "Alice Adams",
            teachers.id,
            lincoln.id,
            "Lincoln Elementary",
            "robotics, coding",
            "lesson plans",
            "grant help",
        ),
        (BOB, "Bob Baker", None, None, "Acme Corp", "manufacturing", "factory tours, grant writing", ""),
        (SAM, "Sam Student", students.id, lincoln.id, "Lincoln Elementary", "rockets", "grant ideas", ""),
        (UMA, "Uma Young", students.id, roosevelt.id, "Roosevelt Middle", "rockets, drones", "", ""),
    ]:
        await profiles.save(
            Profile(G, user, name, org, school, group, "", split_interests(interests), offers, seeks), now=NOW
        )
    return profiles
