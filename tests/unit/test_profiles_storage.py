"""Profiles in storage: saving, interests, the directory (FTS5, safe queries), visibility, deletion."""

from __future__ import annotations

from datetime import UTC, datetime

from storage.database import Database
from storage.groups import GroupRepository
from storage.profiles import (
    DirectoryQuery,
    Profile,
    ProfileRepository,
    Viewer,
    any_of,
    directory_match,
    split_interests,
)
from storage.schools import SchoolRepository

NOW = datetime(2026, 9, 1, 16, 0, tzinfo=UTC)
G = 1
ALICE, BOB, SAM, TOM = 10, 11, 12, 13


def test_interests_are_split_trimmed_and_distinct() -> None:
    assert split_interests(" robotics, Coding ;robotics,, ecology\nart ") == (
        "robotics",
        "Coding",
        "ecology",
        "art",
    )
    assert len(split_interests(",".join(f"i{n}" for n in range(30)))) == 15


def test_member_text_becomes_safe_match_expressions() -> None:
    assert directory_match(DirectoryQuery(text='robot" AND( NEAR *')) == '("robot"*)'
    assert (
        directory_match(DirectoryQuery(offering="grant writing"))
        == 'offers : "grant"* AND offers : "writing"*'
    )
    assert directory_match(DirectoryQuery(text='"*(')) is None
    assert any_of("robotics, grants") == '{offers interests} : ("robotics"* OR "grants"*)'


async def seed(db: Database) -> None:
    groups, schools, profiles = GroupRepository(db), SchoolRepository(db), ProfileRepository(db)
    teachers = await groups.add(G, "Teachers", now=NOW)
    students = await groups.add(G, "Students", protected=True, now=NOW)
    lincoln = await schools.add(G, "Lincoln Elementary", now=NOW)
    await schools.add_members(G, SAM, [lincoln.id], NOW)
    await schools.add_members(G, ALICE, [lincoln.id], NOW)
    await groups.add_members(G, SAM, [students.id], NOW)
    for user, name, group, org, interests, offers, seeks in [
        (
            ALICE,
            "Alice Adams",
            teachers.id,
            "Lincoln Elementary",
            "robotics, coding",
            "lesson plans",
            "grant help",
        ),
        (BOB, "Bob Baker", None, "Acme Corp", "manufacturing", "factory tours, grant writing", ""),
        (SAM, "Sam Student", students.id, "Lincoln Elementary", "rockets", "", ""),
    ]:
        await profiles.save(
            Profile(
                G,
                user,
                name,
                org,
                lincoln.id if "Lincoln" in org else None,
                group,
                "",
                split_interests(interests),
                offers,
                seeks,
            ),
            now=NOW,
        )


async def test_directory_filters_text_and_visibility(db: Database) -> None:
    await seed(db)
    profiles = ProfileRepository(db)
    names = lambda page: [e.profile.name for e in page.entries]  # noqa: E731
    stranger, teammate, organizer = Viewer(BOB), Viewer(ALICE), Viewer(TOM, organizer=True)
    assert names(await profiles.directory(G, DirectoryQuery(), stranger)) == ["Alice Adams", "Bob Baker"]
    assert names(await profiles.directory(G, DirectoryQuery(), Viewer(TOM))) == ["Alice Adams", "Bob Baker"]
    assert "Sam Student" in names(await profiles.directory(G, DirectoryQuery(), teammate))
    assert "Sam Student" in names(await profiles.directory(G, DirectoryQuery(), organizer))
    assert names(await profiles.directory(G, DirectoryQuery(school="lincoln"), organizer)) == [
        "Alice Adams",
        "Sam Student",
    ]
    assert names(await profiles.directory(G, DirectoryQuery(interest="ROBO"), stranger)) == ["Alice Adams"]
    assert names(await profiles.directory(G, DirectoryQuery(offering="grant"), stranger)) == ["Bob Baker"]
    assert names(await profiles.directory(G, DirectoryQuery(seeking="grant"), stranger)) == ["Alice Adams"]
    found = await profiles.directory(G, DirectoryQuery(text="factory"), stranger)
    assert found.entries[0].snippet is not None
    assert "\x02factory\x03" in found.entries[0].snippet
    for typed in ['"', "AND(", "*", "NEAR", "NEAR(a", "x OR", "offers:"]:
        await profiles.directory(G, DirectoryQuery(text=typed, offering=typed, seeking=typed), stranger)
    page = await profiles.directory(G, DirectoryQuery(), organizer, limit=1)
    assert (len(page.entries), page.more) == (1, True)  # more match than were asked for: not counted


async def test_text_in_a_name_comes_first_then_organization_or_title_then_anywhere(db: Database) -> None:
    profiles = ProfileRepository(db)
    for user, name, org, interests in [
        (20, "Dana Rivers", "Acme", "river ecology"),
        (21, "Eli Park", "Rivers Museum", ""),
        (22, "Rivera Lopez", "Acme", ""),
        (23, "Fay Lin", "Acme", "rivers"),
    ]:
        await profiles.save(
            Profile(G, user, name, org, None, None, "", split_interests(interests), "", ""), now=NOW
        )
    page = await profiles.directory(G, DirectoryQuery(text="river"), Viewer(ALICE))
    # Names first (the newest first), then an organization, then anywhere.
    assert [e.profile.name for e in page.entries] == ["Rivera Lopez", "Dana Rivers", "Eli Park", "Fay Lin"]
    assert all(e.snippet for e in page.entries)


async def test_connect_candidates_exclude_self_protected_and_hidden(db: Database) -> None:
    await seed(db)
    profiles = ProfileRepository(db)
    found = await profiles.connect_candidates(G, "grant rockets", exclude=ALICE)
    assert [p.name for p in found] == ["Bob Baker"]  # Sam (protected) never listed
    await profiles.hide(G, BOB, NOW)
    assert await profiles.connect_candidates(G, "grant", exclude=ALICE) == []
    assert await profiles.get(G, BOB) is None
    assert (await profiles.get(G, BOB, include_hidden=True)) is not None
    assert await profiles.unhide(G, BOB)


async def test_connect_candidates_who_offer_every_word_come_before_newer_ones_who_offer_one(
    db: Database,
) -> None:
    profiles = ProfileRepository(db)
    for user, offers, interests in [
        (30, "grant writing, robotics mentors", ""),
        (31, "robotics", ""),
        (32, "", "grant"),
    ]:
        await profiles.save(
            Profile(G, user, f"M{user}", "", None, None, "", split_interests(interests), offers, ""), now=NOW
        )
    found = await profiles.connect_candidates(G, "robotics grant", exclude=ALICE)
    assert [p.user_id for p in found] == [30, 31, 32]
    assert [
        p.user_id for p in await profiles.connect_candidates(G, "robotics grant", exclude=ALICE, limit=1)
    ] == [30]


async def test_the_kept_organization_counts_match_a_fresh_count_through_every_change(db: Database) -> None:
    profiles = ProfileRepository(db)

    async def fresh() -> list[tuple[str, int]]:
        rows = await db.fetchall(
            "SELECT lower(organization) AS k, COUNT(*) AS n FROM profiles WHERE guild_id = ? AND left_at IS NULL"
            " AND organization != '' GROUP BY lower(organization) ORDER BY k",
            (G,),
        )
        return [(r["k"], r["n"]) for r in rows]

    async def kept() -> list[tuple[str, int]]:
        rows = await db.fetchall(
            "SELECT key, members FROM profile_organizations WHERE guild_id = ? ORDER BY key", (G,)
        )
        return [(r["key"], r["members"]) for r in rows]

    async def save(user: int, organization: str) -> None:
        await profiles.save(Profile(G, user, f"M{user}", organization, None, None, "", (), "", ""), now=NOW)

    for user, organization in [(1, "Acme Corp"), (2, "ACME corp"), (3, "Lincoln"), (4, ""), (5, "Lincoln")]:
        await save(user, organization)
        assert await kept() == await fresh()
    assert await profiles.organizations_like(G, "") == ["Acme Corp", "Lincoln"]  # the most named first
    assert await profiles.organizations_like(G, "linc") == ["Lincoln"]
    steps = [
        lambda: save(3, "Acme Corp"),  # moved
        lambda: save(4, "Lincoln"),  # named one
        lambda: profiles.hide(G, 5, NOW),  # left the server
        lambda: profiles.unhide(G, 5),
        lambda: profiles.hide(G, 1, NOW),
        lambda: profiles.delete_member(G, 1),  # deleted while hidden
        lambda: profiles.delete_member(G, 2),
        lambda: save(2, "Zeta Labs"),
    ]
    for step in steps:
        await step()
        assert await kept() == await fresh()
    assert await profiles.organizations_like(G, "") == ["Lincoln", "Acme Corp", "Zeta Labs"]


async def test_resave_keeps_needs_and_card_and_delete_removes_everything(db: Database) -> None:
    await seed(db)
    profiles = ProfileRepository(db)
    await profiles.set_card(G, ALICE, 5, 6)
    assert await profiles.set_needs(G, ALICE, "kits", "mentor", now=NOW)
    again = await profiles.save(
        Profile(G, ALICE, "Alice B.", "Lincoln Elementary", interests=("art",)), now=NOW
    )
    assert (again.offers, again.seeks, again.card_message_id, again.interests) == (
        "kits",
        "mentor",
        6,
        ("art",),
    )
    assert await profiles.interests_like(G, "ro", Viewer(ALICE)) == ["rockets"]  # Sam's teammate
    assert await profiles.interests_like(G, "ro", Viewer(BOB)) == []  # Sam is protected
    await profiles.record_connection(G, BOB, ALICE, "grants", "", now=NOW)
    await profiles.mark_reminded(G, [ALICE], now=NOW)
    exported = await profiles.export_member(G, ALICE)
    assert exported is not None
    assert exported["profile"]["name"] == "Alice B."
    assert await profiles.delete_member(G, ALICE) == 4  # 1 interest, profile, connection, reminder
    assert await profiles.export_member(G, ALICE) is None
    total, by_group, by_school = await profiles.counts(G)
    assert total == 2
    assert by_group == {"No group": 1, "Students": 1}
    assert by_school == {"Acme Corp": 1, "Lincoln Elementary": 1}
