"""What organizers see: messages per channel kind and per group, small groups shown as "fewer than 5"."""

from __future__ import annotations

from datetime import UTC, date, datetime

from core.activity.counting import ActivityCounter, Posted
from core.activity.summary import NO_GROUP, SUPPRESSED, period, shown_count, summarise
from storage.activity import ActivityRepository
from storage.database import Database
from storage.groups import GroupRepository
from storage.guilds import GuildRepository
from storage.schools import SchoolRepository

GUILD = 1
NOW = datetime(2026, 10, 14, 17, 0, tzinfo=UTC)


def test_small_counts_are_not_shown() -> None:
    assert shown_count(12, 4) == SUPPRESSED
    assert shown_count(12, 5) == "12 messages"
    assert shown_count(1, 9) == "1 message"


def test_the_period_ends_today_in_the_guilds_zone() -> None:
    assert period(NOW, "America/Phoenix", 7) == (date(2026, 10, 8), date(2026, 10, 14))
    assert period(datetime(2026, 10, 15, 3, 0, tzinfo=UTC), "America/Phoenix", 1) == (
        date(2026, 10, 14),
        date(2026, 10, 14),
    )


async def test_summary_by_kind_and_group(db: Database) -> None:
    groups = GroupRepository(db)
    teachers = await groups.add(GUILD, "Teachers", now=NOW)
    students = await groups.add(GUILD, "Students", protected=True, now=NOW)
    await groups.set_channel(teachers.id, 10)
    school = await SchoolRepository(db).add(GUILD, "Desert High", now=NOW)
    await SchoolRepository(db).set_channel(school.id, 20)
    for user in range(100, 106):
        await groups.add_members(GUILD, user, [teachers.id], NOW)
    await groups.add_members(GUILD, 200, [students.id], NOW)
    counter = ActivityCounter(ActivityRepository(db), GuildRepository(db))
    await counter.record(
        [Posted(GUILD, 10, 100, NOW), Posted(GUILD, 20, 200, NOW), Posted(GUILD, 30, 300, NOW)]
        + [Posted(GUILD, 30, 101, NOW)] * 3
    )
    members = [*range(100, 106), 200, *range(300, 310)]
    found = await summarise(
        groups,
        SchoolRepository(db),
        ActivityRepository(db),
        GuildRepository(db),
        GUILD,
        now=NOW,
        days=7,
        members=members,
    )
    assert found.total == 6
    assert found.by_kind == [("Group lounges", 1), ("School team channels", 1), ("General channels", 4)]
    shown = {g.name: g.text for g in found.by_group}
    assert shown == {"Teachers": "4 messages", "Students": SUPPRESSED, NO_GROUP: "1 message"}
    # Nothing older than the period: the same counts a week later are gone from a 7-day summary.
    later = await summarise(
        groups,
        SchoolRepository(db),
        ActivityRepository(db),
        GuildRepository(db),
        GUILD,
        now=datetime(2026, 10, 21, 17, 0, tzinfo=UTC),
        days=7,
        members=members,
    )
    assert later.total == 0
