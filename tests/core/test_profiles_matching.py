"""`/connect` (`core.profiles.matching`): what the member needs, who is suggested, and what is recorded."""

from __future__ import annotations

from core.profiles.matching import TOPIC_LIMIT, Match, need_of, record, school_key, suggest
from storage.database import Database
from storage.profiles import Profile, ProfileRepository
from tests.core.profiles_seed import ALICE, BOB, NOW, SAM, TOM, G, seed

SEED = seed  # the conftest's db fixture seeds with it


def test_the_same_school_is_the_linked_school_else_the_organization_as_typed() -> None:
    assert school_key(Profile(G, ALICE, "A", "Lincoln", school_id=7)) == "school:7"
    assert school_key(Profile(G, ALICE, "A", "  Acme   CORP ")) == school_key(
        Profile(G, BOB, "B", "acme corp")
    )
    assert school_key(Profile(G, ALICE, "A", " ")) is None


def test_the_need_is_the_topic_else_what_the_profile_seeks_else_its_interests() -> None:
    mine = Profile(G, ALICE, "A", seeks="a mentor", interests=("robotics", "art"))
    assert need_of("  kits ", mine) == "kits"
    assert need_of(None, mine) == "a mentor"
    assert need_of("   ", Profile(G, ALICE, "A", interests=("robotics", "art"))) == "robotics, art"
    assert need_of(None, Profile(G, ALICE, "A")) == ""
    assert need_of(None, None) == ""
    assert need_of("grants", None) == "grants"


async def test_suggestions_never_include_the_seeker_protected_or_departed_members(db: Database) -> None:
    profiles = ProfileRepository(db)
    found = await suggest(profiles, G, ALICE, None)  # Alice seeks "grant help"; Sam offers "grant ideas"
    assert found.need == "grant help"
    assert [m.user_id for m in found.matches] == [BOB]
    assert set(found.profiles) == {BOB}
    assert found.matches[0].offered == ("grant",)
    await profiles.hide(G, BOB, NOW)
    assert (await suggest(profiles, G, ALICE, None)).matches == []


async def test_a_member_without_a_profile_can_ask_by_topic(db: Database) -> None:
    profiles = ProfileRepository(db)
    found = await suggest(profiles, G, TOM, "factory visits and robotics")
    assert [m.user_id for m in found.matches] == [BOB, ALICE]  # offering beats sharing an interest
    assert found.matches[1].shared == ("robotics",)
    assert not found.matches[0].other_group  # a seeker without a profile has no sector to differ from
    assert (await suggest(profiles, G, TOM, None)).need == ""


async def test_other_sectors_and_schools_are_named_as_reasons(db: Database) -> None:
    found = await suggest(ProfileRepository(db), G, ALICE, "factory tours")
    (bob,) = found.matches
    assert (bob.other_group, bob.other_school) == (False, True)  # Bob has no group: not "another sector"
    assert bob.reasons() == ["can offer factory, tours", "another school or organization"]


async def test_an_introduction_is_recorded_with_its_topic_cut_and_its_reasons(db: Database) -> None:
    profiles = ProfileRepository(db)
    match = Match(BOB, 3.0, ("grant",), (), other_group=True, other_school=True)
    await record(profiles, G, SAM, "g" * 300, match, group_name="Business", now=NOW)
    row = await db.fetchone("SELECT seeker_id, match_id, topic, reasons FROM connections")
    assert row is not None
    assert (row["seeker_id"], row["match_id"]) == (SAM, BOB)
    assert row["topic"] == "g" * TOPIC_LIMIT
    assert row["reasons"] == "can offer grant; another sector (Business); another school or organization"
    assert await profiles.connection_count(G) == 1
