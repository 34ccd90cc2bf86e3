"""What organizers see: messages per channel kind and per group, small groups shown as "fewer than 5"."""

from __future__ import annotations

from datetime import UTC, date, datetime

from core.activity.counting import ActivityCounter, Posted
from core.activity.summary import (
    EXPLAINED,
    FEW_CAN_POST,
    KIND_WITHHELD,
    NO_GROUP,
    SUPPRESSED,
    WITHHELD,
    KindLine,
    period,
    shown_count,
    summarise,
    withheld,
    withheld_parts,
)
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
    # The school channel has no team members in it (only the student posted there): hidden; the lounges
    # too, or the total less the general channels would be the student's message.
    assert found.by_kind == [
        KindLine("Group lounges", KIND_WITHHELD),
        KindLine("School team channels", FEW_CAN_POST),
        KindLine("General channels", "4 messages"),
    ]
    # 17 members, 6 teachers and 10 in no group: the total less those two lines would be the one student's.
    shown = {g.name: g.text for g in found.by_group}
    assert shown == {"Teachers": WITHHELD, "Students": SUPPRESSED, NO_GROUP: "1 message"}
    assert EXPLAINED in "\n".join(found.lines())
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


async def test_totals_show_with_every_group_when_nothing_can_be_subtracted(db: Database) -> None:
    groups = GroupRepository(db)
    teachers = await groups.add(GUILD, "Teachers", now=NOW)
    students = await groups.add(GUILD, "Students", protected=True, now=NOW)
    await groups.set_channel(teachers.id, 10)
    for user in range(100, 106):
        await groups.add_members(GUILD, user, [teachers.id], NOW)
    for user in range(200, 205):
        await groups.add_members(GUILD, user, [students.id], NOW)
    counter = ActivityCounter(ActivityRepository(db), GuildRepository(db))
    await counter.record([Posted(GUILD, 10, 100, NOW)] * 3 + [Posted(GUILD, 30, 200, NOW)] * 2)
    found = await summarise(
        groups,
        SchoolRepository(db),
        ActivityRepository(db),
        GuildRepository(db),
        GUILD,
        now=NOW,
        days=7,
        members=[*range(100, 106), *range(200, 205)],
    )
    assert found.by_kind == [
        KindLine("Group lounges", "3 messages"),
        KindLine("School team channels", "0 messages"),
        KindLine("General channels", "2 messages"),
    ]
    shown = {g.name: g.text for g in found.by_group}
    assert shown == {"Teachers": "3 messages", "Students": "2 messages", NO_GROUP: SUPPRESSED}
    # Every member is in a shown group: the totals less the groups reveal nothing, and nothing more is
    # hidden. The line of members in no group (none) is, and the summary says why.
    assert EXPLAINED in "\n".join(found.lines())


def test_the_rest_after_the_shown_lines_is_none_or_at_least_five() -> None:
    everyone = set(range(20))
    big, other, small = set(range(0, 8)), set(range(8, 17)), {17, 18, 19}
    # Groups split people: 3 people in no shown line could be subtracted out, so the smallest goes.
    assert withheld({"big": big, "other": other, "small": small}, covered=everyone) == {"big"}
    assert withheld({"big": big, "other": other | small}, covered=everyone) == set()
    # A member in several groups: the rest is who is in no shown group.
    assert withheld({"a": set(range(0, 6)), "b": set(range(3, 20))}, covered=everyone) == set()
    assert withheld({"a": set(range(0, 16)), "b": {16, 17}}, covered=everyone) == {"a"}
    # Teachers (7) inside Educators (10): Educators less Teachers would be 3 people's messages.
    nested = {"educators": set(range(10)), "teachers": set(range(7)), "partners": set(range(10, 20))}
    assert withheld(nested, covered=everyone) == {"teachers"}
    nested["educators"] = set(range(12))  # 5 more: nothing to single out
    assert withheld(nested, covered=everyone) == set()
    # Kinds split messages: the rest is who can post in the hidden kinds, even if they post elsewhere too.
    lounge, general = {1, 2}, everyone
    assert withheld_parts({"lounge": lounge, "general": general, "school": set()}) == {"general"}
    assert withheld_parts({"lounge": set(range(6)), "general": general}) == set()
