"""The counting rules: which groups a message counts under, the day in the guild's zone, channel kinds,
and a batch written as counts that name no one."""

from __future__ import annotations

from datetime import UTC, date, datetime

from core.activity.counting import (
    ActivityCounter,
    ChannelKind,
    Posted,
    channel_kind,
    counted_groups,
    local_day,
    tally,
)
from storage.activity import ActivityRepository
from storage.database import Database
from storage.groups import GroupRepository
from storage.guilds import GuildRepository

GUILD = 1
NOW = datetime(2026, 10, 14, 17, 0, tzinfo=UTC)


def test_a_member_in_several_groups_counts_once_in_each() -> None:
    assert counted_groups([3, 1, 3]) == [1, 3]


def test_a_member_in_no_group_counts_under_none() -> None:
    assert counted_groups([]) == [None]


def test_the_day_is_the_guilds_local_day() -> None:
    # 06:30 UTC is still the evening before in Phoenix (UTC-7), already that morning in Berlin.
    at = datetime(2026, 10, 15, 6, 30, tzinfo=UTC)
    assert local_day(at, "America/Phoenix") == date(2026, 10, 14)
    assert local_day(at, "Europe/Berlin") == date(2026, 10, 15)
    assert local_day(datetime(2026, 10, 15, 7, 0, tzinfo=UTC), "America/Phoenix") == date(2026, 10, 15)


def test_channel_kinds() -> None:
    assert channel_kind(10, lounges={10}, schools={20}) is ChannelKind.LOUNGE
    assert channel_kind(20, lounges={10}, schools={20}) is ChannelKind.SCHOOL
    assert channel_kind(30, lounges={10}, schools={20}) is ChannelKind.GENERAL


def test_tally_counts_messages_once_and_groups_each() -> None:
    posts = [
        Posted(GUILD, 5, 100, NOW),
        Posted(GUILD, 5, 100, NOW),
        Posted(GUILD, 5, 200, NOW),
        Posted(GUILD, 6, 300, NOW),
    ]
    counts = tally(
        posts, zones={GUILD: "America/Phoenix"}, groups_of={(GUILD, 100): [1, 2], (GUILD, 200): [2]}
    )
    day = date(2026, 10, 14)
    assert counts.messages == {(GUILD, 5, day): 3, (GUILD, 6, day): 1}
    assert counts.groups == {
        (GUILD, 5, day, 1): 2,
        (GUILD, 5, day, 2): 3,
        (GUILD, 6, day, None): 1,
    }


async def test_record_adds_up_across_batches_and_keeps_no_author(db: Database) -> None:
    teachers = await GroupRepository(db).add(GUILD, "Teachers", now=NOW)
    students = await GroupRepository(db).add(GUILD, "Students", protected=True, now=NOW)
    await GroupRepository(db).add_members(GUILD, 100, [teachers.id, students.id], NOW)
    repo = ActivityRepository(db)
    counter = ActivityCounter(repo, GuildRepository(db))
    await counter.record([Posted(GUILD, 5, 100, NOW), Posted(GUILD, 5, 999, NOW)])
    await counter.record([Posted(GUILD, 5, 100, NOW)])
    day = date(2026, 10, 14)
    assert await repo.messages_by_channel(GUILD, day, day) == {5: 3}
    assert await repo.messages_by_group(GUILD, day, day) == {teachers.id: 2, students.id: 2, None: 1}
    for table in ("activity_messages", "activity_group_counts"):
        columns = {r[1] for r in await db.fetchall(f"PRAGMA table_info({table})")}
        assert not columns & {"user_id", "author_id", "content"}, columns
