"""Who may see whom (`core.profiles.directory`): protected members only to organizers, themselves and their
school teammates; departed members to nobody."""

from __future__ import annotations

from core.profiles.directory import (
    DirectoryQuery,
    Viewer,
    can_see,
    interests_for,
    search,
    shown_in_full,
    summary,
)
from storage.profiles import Profile, ProfileRepository
from tests.core.profiles_seed import ALICE, BOB, NOW, SAM, TOM, UMA, G, seed

SEED = seed  # the conftest's db (and profiles) fixture seeds with it


async def _profile(profiles: ProfileRepository, user_id: int) -> Profile:
    found = await profiles.get(G, user_id, include_hidden=True)
    assert found is not None
    return found


async def test_a_protected_member_is_seen_by_organizers_themselves_and_school_teammates_only(
    profiles: ProfileRepository,
) -> None:
    sam = await _profile(profiles, SAM)
    assert await can_see(profiles, sam, Viewer(TOM, organizer=True))
    assert await can_see(profiles, sam, Viewer(SAM))
    assert await can_see(profiles, sam, Viewer(ALICE))  # Lincoln's team, as Sam
    assert not await can_see(profiles, sam, Viewer(BOB))
    assert not await can_see(profiles, sam, Viewer(UMA))  # a student too, but another school
    assert not await can_see(profiles, sam, Viewer(TOM))


async def test_unprotected_members_are_seen_by_everyone(profiles: ProfileRepository) -> None:
    bob = await _profile(profiles, BOB)
    for viewer in (Viewer(TOM), Viewer(SAM), Viewer(ALICE), Viewer(TOM, organizer=True)):
        assert await can_see(profiles, bob, viewer)


async def test_a_departed_member_is_seen_by_nobody_not_even_organizers(profiles: ProfileRepository) -> None:
    await profiles.hide(G, BOB, NOW)
    bob = await _profile(profiles, BOB)
    assert not await can_see(profiles, bob, Viewer(TOM, organizer=True))
    assert not await can_see(profiles, bob, Viewer(BOB))
    page = await search(profiles, G, DirectoryQuery(), Viewer(TOM, organizer=True))
    assert BOB not in {e.profile.user_id for e in page.entries}


async def test_the_directory_lists_and_counts_only_whom_the_viewer_may_see(
    profiles: ProfileRepository,
) -> None:
    def names(page: object) -> list[str]:
        return [e.profile.name for e in page.entries]  # type: ignore[attr-defined]

    stranger = await search(profiles, G, DirectoryQuery(), Viewer(TOM))
    assert (names(stranger), stranger.more) == (["Alice Adams", "Bob Baker"], False)
    teammate = await search(profiles, G, DirectoryQuery(), Viewer(ALICE))
    assert names(teammate) == ["Alice Adams", "Bob Baker", "Sam Student"]
    organizer = await search(profiles, G, DirectoryQuery(), Viewer(TOM, organizer=True))
    assert len(organizer.entries) == 4
    # A search for a protected member's words does not reveal them to a stranger.
    assert (await search(profiles, G, DirectoryQuery(text="rockets"), Viewer(BOB))).entries == []


async def test_interest_suggestions_come_only_from_visible_profiles(profiles: ProfileRepository) -> None:
    assert await interests_for(profiles, G, "", Viewer(BOB)) == ["coding", "manufacturing", "robotics"]
    assert await interests_for(profiles, G, "ro", Viewer(ALICE)) == ["robotics", "rockets"]
    assert await interests_for(profiles, G, "rock", Viewer(TOM, organizer=True)) == ["rockets"]
    assert await interests_for(profiles, G, "dro", Viewer(UMA)) == ["drones"]


async def test_a_protected_members_card_is_not_shown_in_full(profiles: ProfileRepository) -> None:
    assert await shown_in_full(profiles, G, ALICE)
    assert not await shown_in_full(profiles, G, SAM)  # by the profile's group and by membership
    assert not await shown_in_full(profiles, G, UMA)  # by the profile's group only


def test_a_line_without_matched_words_says_what_the_member_offers_else_seeks_else_likes() -> None:
    base = Profile(G, ALICE, "Alice", title="Teacher")
    assert summary(base) == "Teacher"
    assert (
        summary(Profile(G, ALICE, "Alice", interests=("robotics", "art"), title="Teacher")) == "robotics, art"
    )
    assert summary(Profile(G, ALICE, "Alice", seeks="a mentor", interests=("art",))) == "a mentor"
    assert summary(Profile(G, ALICE, "Alice", offers="kits", seeks="a mentor")) == "kits"
    long = summary(Profile(G, ALICE, "Alice", offers="x" * 150))
    assert long == "x" * 100 + "…"
    assert summary(Profile(G, ALICE, "Alice", offers="y" * 100)) == "y" * 100
