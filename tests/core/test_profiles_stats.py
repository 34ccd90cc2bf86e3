"""`/cop stats` as data and `/intro remind`'s audience (`core.profiles.stats`, `core.profiles.reminders`)."""

from __future__ import annotations

from core.profiles.reminders import remind_audience
from core.profiles.stats import ProfileStats, profile_stats
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
