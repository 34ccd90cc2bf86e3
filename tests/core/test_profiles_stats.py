"""`/cop stats` as data and `/intro remind`'s audience (`core.profiles.stats`, `core.profiles.reminders`)."""

from __future__ import annotations

from datetime import UTC, datetime

from core.activity.agenda import Overall
from core.profiles.reminders import remind_audience
from core.profiles.stats import ProfileStats, evidence_lines, profile_stats
from storage.database import Database
from storage.evidence import EvidenceRepository
from storage.profiles import ProfileRepository
from tests.core.profiles_seed import ALICE, BOB, NOW, SAM, TOM, UMA, G, seed

NEWCOMER, OTHER = 20, 21


SEED = seed  # the conftest's db (and profiles) fixture seeds with it


async def test_stats_count_shown_profiles_by_group_and_school(profiles: ProfileRepository) -> None:
    await profiles.hide(G, BOB, NOW)  # departed: not counted
    await profiles.record_connection(G, ALICE, SAM, "grants", "can offer grant", now=NOW)
    assert await profile_stats(profiles, G, members=9) == ProfileStats(
        introduced=3,
        members=9,
        connections=1,
        by_group={"Students": 2, "Teachers": 1},
        by_school={"Lincoln Elementary": 2, "Roosevelt Middle": 1},
    )


async def test_stats_of_an_empty_community(profiles: ProfileRepository) -> None:
    assert await profile_stats(profiles, G + 1, members=3) == ProfileStats(0, 3, 0, {}, {})


async def test_stats_name_members_without_a_group_or_school(profiles: ProfileRepository) -> None:
    stats = await profile_stats(profiles, G, members=5)
    assert stats.by_group["No group"] == 1  # Bob
    assert stats.by_school["Acme Corp"] == 1  # the organization as typed when no school is linked


async def test_reminders_go_to_members_without_a_profile_not_reminded_before(
    profiles: ProfileRepository,
) -> None:
    members = [NEWCOMER, ALICE, TOM, BOB, OTHER]
    assert await remind_audience(profiles, G, members, again=False) == [NEWCOMER, TOM, OTHER]
    await profiles.mark_reminded(G, [TOM], now=NOW)
    assert await remind_audience(profiles, G, members, again=False) == [NEWCOMER, OTHER]
    assert await remind_audience(profiles, G, members, again=True) == [NEWCOMER, TOM, OTHER]


async def test_a_departed_members_hidden_profile_still_counts_as_introduced(
    profiles: ProfileRepository,
) -> None:
    await profiles.hide(G, UMA, NOW)
    assert await remind_audience(profiles, G, [UMA, NEWCOMER], again=True) == [NEWCOMER]


async def test_evidence_lines_count_messages_of_the_last_30_days_in_the_guilds_zone(db: Database) -> None:
    for day, messages in (("2026-09-14", 5), ("2026-09-15", 7), ("2026-10-14", 1)):
        await db.execute(
            "INSERT INTO activity_messages (guild_id, channel_id, day, messages) VALUES (?, 9, ?, ?)",
            (G, day, messages),
        )
    # 2026-10-14 03:00 UTC is still 2026-10-13 in Phoenix: the period is 2026-09-14 … 2026-10-13 there.
    now = datetime(2026, 10, 14, 3, 0, tzinfo=UTC)
    agendas = Overall(items=4, from_members=3, member_votes=7)
    lines = await evidence_lines(EvidenceRepository(db), G, now=now, zone="America/Phoenix", agendas=agendas)
    assert lines[-2] == "Activity: 13 messages by members in the last 30 days"
    assert lines[-1] == (
        "Agendas (meetings of the last 30 days and coming ones): 75% of agenda topics came from members: "
        "3 of 4 topics, with 7 votes."
    )
    assert lines[0] == "Surveys: 0 surveys (0 open), 0 completed answers"
    assert "Value stories: 0 stories" in lines
