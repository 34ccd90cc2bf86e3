"""Members who leave (`core.profiles.departures`): hidden at once, purged after the hidden period unless they
came back; the purge job names the departure, never the member."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from core.personal_data import PersonalDataRegistry
from core.profiles.departures import PURGE_KIND, come_back, leave, purge, purge_due, purge_owner
from storage.database import Database
from storage.profiles import IntroSettings, ProfileRepository
from tests.core.fakes import FakeJobs
from tests.core.profiles_seed import ALICE, BOB, NOW, TOM, G, seed


@dataclass
class FakePresence:
    members: set[tuple[int, int]] = field(default_factory=set)

    async def is_member(self, guild_id: int, user_id: int) -> bool:
        return (guild_id, user_id) in self.members


SEED = seed  # the conftest's db fixture seeds with it


def registry(profiles: ProfileRepository, deleted: list[tuple[int, int]]) -> PersonalDataRegistry:
    async def delete(guild_id: int, user_id: int) -> int:
        deleted.append((guild_id, user_id))
        return await profiles.delete_member(guild_id, user_id)

    data = PersonalDataRegistry()
    data.register("profile", export=profiles.export_member, delete=delete)
    return data


def test_data_is_deleted_the_hidden_period_after_leaving() -> None:
    assert purge_due(NOW, 30) == NOW + timedelta(days=30)
    assert purge_due(NOW, 1) == NOW + timedelta(days=1)


async def test_leaving_hides_the_profile_and_schedules_the_purge_by_departure_not_member(
    db: Database,
) -> None:
    profiles, jobs = ProfileRepository(db), FakeJobs()
    departure = await leave(db, profiles, jobs, G, BOB, now=NOW)
    assert await profiles.get(G, BOB) is None
    assert (await profiles.get(G, BOB, include_hidden=True)) is not None
    ((kind, due, payload, guild_id, owner),) = jobs.scheduled
    assert (kind, due, payload, guild_id) == (
        PURGE_KIND,
        NOW + timedelta(days=30),
        {"departure": departure},
        G,
    )
    assert owner == purge_owner(departure)
    assert str(BOB) not in owner + str(payload)


async def test_the_guilds_hidden_period_decides_when(db: Database) -> None:
    profiles, jobs = ProfileRepository(db), FakeJobs()
    await profiles.save_settings(IntroSettings(G, hidden_days=7))
    await leave(db, profiles, jobs, G, TOM, now=NOW)  # no profile: memberships still go later
    assert jobs.scheduled[0][1] == NOW + timedelta(days=7)


async def test_coming_back_shows_the_profile_and_cancels_the_purge(db: Database) -> None:
    profiles, jobs = ProfileRepository(db), FakeJobs()
    assert not await come_back(profiles, jobs, G, BOB)  # never left
    assert jobs.cancelled == []
    departure = await leave(db, profiles, jobs, G, BOB, now=NOW)
    assert await come_back(profiles, jobs, G, BOB)
    assert jobs.cancelled == [(purge_owner(departure), G)]
    assert await profiles.get(G, BOB) is not None
    deleted: list[tuple[int, int]] = []
    assert await purge(profiles, FakePresence(), registry(profiles, deleted), G, departure) is None
    assert deleted == []  # a stale purge finds no departure


async def test_the_purge_deletes_everything_of_a_member_still_away(db: Database) -> None:
    profiles, deleted = ProfileRepository(db), []
    departure = await leave(db, profiles, FakeJobs(), G, BOB, now=NOW)
    removed = await purge(profiles, FakePresence({(G, ALICE)}), registry(profiles, deleted), G, departure)
    assert deleted == [(G, BOB)]
    assert removed is not None
    assert removed["profile"] >= 2  # the profile, its interest and the departure
    assert await profiles.get(G, BOB, include_hidden=True) is None
    assert await profiles.departure(G, departure) is None
    again = await purge(profiles, FakePresence(), registry(profiles, deleted), G, departure)
    assert again is None  # it ran once


async def test_a_purge_that_finds_the_member_back_forgets_the_departure_instead(db: Database) -> None:
    profiles, deleted = ProfileRepository(db), []
    departure = await leave(db, profiles, FakeJobs(), G, BOB, now=NOW)
    back = FakePresence({(G, BOB)})  # rejoined while the bot was away: no join event was seen
    assert await purge(profiles, back, registry(profiles, deleted), G, departure) is None
    assert deleted == []
    assert await profiles.get(G, BOB) is not None
    assert await profiles.departure(G, departure) is None
