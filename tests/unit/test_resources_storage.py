"""The resource library's storage: sharing and duplicates, tags, marks, search, digests, personal data."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from storage.database import Database
from storage.fts import MAX_TERMS, match_query, terms
from storage.resources import (
    STARTER_TAGS,
    Mark,
    NewResource,
    ResourceRepository,
    TagError,
    normalize_tag,
)

NOW = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)
G, OTHER = 1, 2
ALICE, BOB, CARA = 10, 20, 30


@pytest.fixture
def repo(db: Database) -> ResourceRepository:
    return ResourceRepository(db)


def new(title: str, key: str = "", *, guild: int = G, by: int = ALICE, **extra: object) -> NewResource:
    key = key or f"https://example.org/{title.lower().replace(' ', '-')}"
    return NewResource(guild_id=guild, url=key, url_key=key, title=title, shared_by=by, **extra)  # type: ignore[arg-type]


async def add(repo: ResourceRepository, title: str, key: str = "", **extra: object) -> int:
    return (await repo.share(new(title, key, **extra), now=NOW)).resource.id


# -- pure pieces ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Math", "Math"),
        ("  project   based\tlearning ", "project based learning"),
        ("@everyone", "everyone"),
        ("#STEM!!", "STEM"),
        ("Funding & Grants", "Funding & Grants"),
        ("K-12", "K-12"),
        ("C++", "C++"),
        ("<@123> partners", "123 partners"),
        ("snake_case", "snake case"),
        ("Ｍａｔｈ", "Math"),  # full-width letters, NFKC
        ("Éducation", "Éducation"),
        ("x" * 40, "x" * 30),
    ],
)
def test_normalize_tag(typed: str, stored: str) -> None:
    assert normalize_tag(typed) == stored


@pytest.mark.parametrize("typed", ["", "   ", "@@##", "***", "&&", "--", "._."])
def test_a_tag_of_only_punctuation_is_refused(typed: str) -> None:
    with pytest.raises(TagError, match="can't be a tag"):
        normalize_tag(typed)


@pytest.mark.parametrize(
    ("text", "query"),
    [
        ("robotics", '"robotics"*'),
        ("Robotics KIT", '"robotics"* "kit"*'),
        ('"', None),
        ("AND(", '"and"*'),
        ("*", None),
        ("NEAR", '"near"*'),
        ("-", None),
        ("'", None),
        ('robotics" AND( NEAR(kit*', '"robotics"* "kit"*'),
        ("science and math", '"science"* "math"*'),
        ("don't", '"don"* "t"*'),
        ("col:value", '"col"* "value"*'),
    ],
)
def test_match_query_quotes_every_word(text: str, query: str | None) -> None:
    assert match_query(text) == query


def test_a_long_paste_becomes_a_bounded_query() -> None:
    words = terms(" ".join(f"word{i}" for i in range(2000)))
    assert len(words) == MAX_TERMS
    assert match_query("x" * 5000) == '"' + "x" * 48 + '"*'


# -- sharing ----------------------------------------------------------------------------------------------


async def test_share_and_duplicates(repo: ResourceRepository) -> None:
    first = await repo.share(new("NGSS framework", tags=["Math", "Engineering"]), now=NOW)
    assert first.created
    assert first.resource.tags == ("Engineering", "Math")
    again = await repo.share(new("Another title", first.resource.url_key, by=BOB), now=NOW)
    assert not again.created
    assert again.resource.id == first.resource.id
    assert again.resource.title == "NGSS framework"
    other_guild = await repo.share(new("NGSS framework", first.resource.url_key, guild=OTHER), now=NOW)
    assert other_guild.created  # every guild has its own library


async def test_simultaneous_shares_of_one_link_make_one_resource(repo: ResourceRepository) -> None:
    outcomes = await asyncio.gather(
        *(repo.share(new(f"Take {i}", "https://example.org/same", by=i), now=NOW) for i in range(1, 6))
    )
    assert sum(o.created for o in outcomes) == 1
    assert len({o.resource.id for o in outcomes}) == 1
    assert await repo.count(G) == 1


async def test_starter_tags_are_written_once(repo: ResourceRepository) -> None:
    await repo.ensure_starter_tags(G)
    assert [name for name, _ in await repo.tag_counts(G)] == sorted(STARTER_TAGS, key=str.casefold)
    await add(repo, "Robotics grant", tags=["Funding & Grants"])
    await repo.merge_tags(G, "Events", "Professional Development", now=NOW)
    fresh = ResourceRepository(repo.db)  # as after a restart
    await fresh.ensure_starter_tags(G)
    names = [name for name, _ in await fresh.tag_counts(G)]
    assert "Events" not in names  # merged away, not brought back
    assert names[0] == "Funding & Grants"  # most used first


async def test_tags_keep_the_first_spelling(repo: ResourceRepository) -> None:
    await repo.ensure_starter_tags(G)
    assert await repo.canonical_tags(G, ["math", "MATH", "robotics"]) == ["Math", "robotics"]
    assert await repo.tag_names(G, "ma") == ["Math"]
    assert "Family Engagement" in await repo.tag_names(G, "eng")


async def test_add_tags_respects_the_limit(repo: ResourceRepository) -> None:
    resource_id = await add(repo, "Lesson", tags=[f"t{i}" for i in range(9)])
    updated = await repo.add_tags(G, resource_id, ["t1", "new"], now=NOW)
    assert updated is not None
    assert len(updated.tags) == 10
    with pytest.raises(TagError, match="at most 10"):
        await repo.add_tags(G, resource_id, ["one too many"], now=NOW)


# -- marks ------------------------------------------------------------------------------------------------


async def test_marks_toggle_and_count_each_member_once(repo: ResourceRepository) -> None:
    resource_id = await add(repo, "Lesson")
    for user in (ALICE, BOB):
        result = await repo.toggle(G, resource_id, user, Mark.HELPFUL, now=NOW)
        assert result is not None
        assert result[0]
    off = await repo.toggle(G, resource_id, BOB, Mark.HELPFUL, now=NOW)
    assert off is not None
    on, resource = off
    assert not on
    assert resource.helpful_count == 1
    await repo.toggle(G, resource_id, BOB, Mark.USED, now=NOW)
    await repo.toggle(G, resource_id, BOB, Mark.SAVED, now=NOW)
    found = await repo.get(G, resource_id)
    assert found is not None
    assert (found.helpful_count, found.used_count) == (1, 1)
    assert await repo.marks_of(resource_id, BOB) == {Mark.USED, Mark.SAVED}
    assert [r.id for r in await repo.saved(G, BOB)] == [resource_id]
    assert await repo.saved(G, ALICE) == []
    assert await repo.toggle(G, 999, ALICE, Mark.HELPFUL, now=NOW) is None
    assert await repo.toggle(OTHER, resource_id, ALICE, Mark.HELPFUL, now=NOW) is None  # not across guilds


async def test_top_counts_marks_within_the_period_and_tag(repo: ResourceRepository) -> None:
    old = await add(repo, "Old favourite", tags=["Math"])
    new_one = await add(repo, "New favourite")
    for user in (ALICE, BOB, CARA):
        await repo.toggle(G, old, user, Mark.HELPFUL, now=NOW - timedelta(days=40))
    await repo.toggle(G, new_one, ALICE, Mark.HELPFUL, now=NOW)
    all_time = await repo.top(G, Mark.HELPFUL)
    assert [(r.resource.id, r.count) for r in all_time] == [(old, 3), (new_one, 1)]
    month = await repo.top(G, Mark.HELPFUL, since=NOW - timedelta(days=30))
    assert [r.resource.id for r in month] == [new_one]
    assert [r.resource.id for r in await repo.top(G, Mark.HELPFUL, tag="math")] == [old]
    assert await repo.top(G, Mark.USED) == []


# -- search -----------------------------------------------------------------------------------------------


async def test_search_ranks_title_over_tags_over_description(repo: ResourceRepository) -> None:
    in_description = await add(repo, "Family night", description="a robotics showcase for parents")
    in_tags = await add(repo, "Club handbook", tags=["Robotics"])
    in_title = await add(repo, "Robotics starter kit")
    found = [r.id for r in await repo.search(G, "robotics")]
    assert found == [in_title, in_tags, in_description]


async def test_search_tiers_every_word_where_it_matched_then_newest_first(repo: ResourceRepository) -> None:
    anywhere = await add(repo, "Family night", description="a robotics grant showcase")
    one_in_title = await add(repo, "Robotics night", description="grant funded")
    title_and_tags = await add(repo, "Robotics club", tags=["Grants"])
    older_title = await add(repo, "Grant for robotics teams")
    title = await add(repo, "Robotics grant guide")
    found = [r.id for r in await repo.search(G, "robotics grant")]
    assert found == [title, older_title, title_and_tags, one_in_title, anywhere]
    assert [r.id for r in await repo.search(G, "robotics grant", limit=2)] == [title, older_title]


async def test_search_reads_a_page_of_matches_however_many_there_are(repo: ResourceRepository) -> None:
    ids = [await add(repo, f"Robotics kit {n}", f"k{n}") for n in range(60)]
    assert [r.id for r in await repo.search(G, "robot", limit=50)] == ids[::-1][:50]


async def test_search_prefixes_filters_and_guilds(repo: ResourceRepository) -> None:
    lesson = await add(repo, "Bridge engineering lesson", grades="6-8", kind="lesson", tags=["Engineering"])
    for_all = await add(repo, "Bridge design guide", grades="All", kind="guide")
    await add(repo, "Bridge elsewhere", guild=OTHER)
    assert {r.id for r in await repo.search(G, "brid")} == {lesson, for_all}
    assert {r.id for r in await repo.search(G, "bridge", grades="6-8")} == {lesson, for_all}  # All suits 6-8
    assert {r.id for r in await repo.search(G, "bridge", grades="K-2")} == {for_all}
    assert {r.id for r in await repo.search(G, "bridge", kind="lesson")} == {lesson}
    assert {r.id for r in await repo.search(G, "bridge", tag="ENGINEERING")} == {lesson}
    assert await repo.search(G, "bridge", tag="nonexistent") == []
    assert {r.id for r in await repo.search(G, "Brücke bridge")} == set()  # every word must match
    accents = await add(repo, "Éducation scientifique")
    assert [r.id for r in await repo.search(G, "education")] == [accents]


@pytest.mark.parametrize(
    "text", ['"', "AND(", "*", "NEAR", "-", "'", "x" * 5000, "a OR b NOT c", "(((", "^title"]
)
async def test_search_never_raises(repo: ResourceRepository, text: str) -> None:
    await add(repo, "Robotics kit")
    assert isinstance(await repo.search(G, text), list)


async def test_edits_renames_and_merges_reach_the_index(repo: ResourceRepository) -> None:
    resource_id = await add(repo, "Bridge lesson", tags=["Grants"])
    await repo.update(G, resource_id, now=NOW, title="Suspension structures", tags=["Engineering"])
    assert await repo.search(G, "bridge") == []
    assert [r.id for r in await repo.search(G, "suspension")] == [resource_id]
    assert [r.id for r in await repo.search(G, "engineering")] == [resource_id]
    await repo.rename_tag(G, "engineering", "Structural Engineering", now=NOW)
    assert [r.id for r in await repo.search(G, "structural")] == [resource_id]
    other = await add(repo, "Truss lab", tags=["STEM"])
    gone, kept, count = await repo.merge_tags(G, "STEM", "structural engineering", now=NOW)
    assert (gone, kept, count) == ("STEM", "Structural Engineering", 2)
    assert {r.id for r in await repo.search(G, "structural")} == {resource_id, other}
    with pytest.raises(TagError, match="already exists"):
        await repo.rename_tag(G, "Grants", "structural engineering", now=NOW)
    with pytest.raises(TagError, match="same tag"):
        await repo.merge_tags(G, "Grants", "grants", now=NOW)
    removed = await repo.remove(G, other)
    assert removed is not None
    assert [r.id for r in await repo.search(G, "structural")] == [resource_id]


# -- digest and personal data -----------------------------------------------------------------------------


async def test_created_between_is_the_week(repo: ResourceRepository) -> None:
    await repo.share(new("Last month"), now=NOW - timedelta(days=30))
    this_week = (await repo.share(new("This week"), now=NOW - timedelta(days=2))).resource.id
    assert [r.id for r in await repo.created_between(G, NOW - timedelta(days=7), NOW)] == [this_week]
    assert await repo.count_between(G, NOW - timedelta(days=7), NOW) == 1


async def test_member_data_is_exported_and_deleted(repo: ResourceRepository) -> None:
    mine = await add(repo, "Alice's lesson")
    theirs = await add(repo, "Bob's guide", by=BOB, author_id=ALICE)
    await repo.toggle(G, theirs, ALICE, Mark.HELPFUL, now=NOW)
    await repo.toggle(G, theirs, ALICE, Mark.SAVED, now=NOW)
    exported = await repo.export_member(G, ALICE)
    assert [r["id"] for r in exported["shared"]] == [mine]
    assert [r["id"] for r in exported["saved from your messages"]] == [theirs]
    assert [r["id"] for r in exported["helpful"]] == [theirs]
    assert [r["id"] for r in exported["saved"]] == [theirs]
    assert await repo.delete_member(G, ALICE) == 4  # two marks, one credit, one share
    assert await repo.get(G, mine) is None
    kept = await repo.get(G, theirs)
    assert kept is not None
    assert kept.author_id is None
    assert kept.helpful_count == 0
    assert await repo.export_member(G, ALICE) == {}
    assert await repo.search(G, "alice") == []
