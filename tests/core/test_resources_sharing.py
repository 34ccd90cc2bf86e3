"""The rules of sharing (`core.resources`): one source, links and files reduced to one key, what members type,
duplicates and their new tags, and who may change a resource. A real SQLite file where a rule reads one."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.resources.errors import Refused
from core.resources.files import FileRefused, check_file
from core.resources.inputs import MAX_TITLE, clean_description, clean_title, parse_tags, split_tags
from core.resources.library import (
    MAX_FILE_BYTES,
    Library,
    check_may_change,
    check_size,
    file_link,
    find,
    link_of,
    may_change,
    one_source,
)
from storage.resources import MAX_TAGS, NewResource

NOW = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)
G, OTHER = 1, 2
ALICE, BOB = 10, 20


def new(title: str, *, guild: int = G, by: int = ALICE) -> NewResource:
    return NewResource(guild_id=guild, url="", url_key="", title=title, shared_by=by)


async def never_asked() -> bool:
    raise AssertionError("the sharer is never asked whether they organize")


async def organizer() -> bool:
    return True


async def member() -> bool:
    return False


def test_a_share_has_exactly_one_source() -> None:
    one_source("https://example.org", False)
    one_source(None, True)
    with pytest.raises(Refused, match="either a link or a file, not both"):
        one_source("https://example.org", True)
    with pytest.raises(Refused, match="Give a link in `url`"):
        one_source(None, False)
    with pytest.raises(Refused):
        one_source("", False)


def test_files_are_one_resource_per_content_and_size_is_capped() -> None:
    same = file_link("https://cdn/a.pdf", b"%PDF-1.7 lesson")
    renamed = file_link("https://cdn/b.pdf", b"%PDF-1.7 lesson")
    assert same.key == renamed.key
    assert same.key.startswith("file:")
    assert file_link("https://cdn/a.pdf", b"%PDF-1.7 other").key != same.key
    check_size(MAX_FILE_BYTES)
    with pytest.raises(Refused, match="25 MB"):
        check_size(MAX_FILE_BYTES + 1)
    with pytest.raises(FileRefused, match="programs, scripts"):
        check_file("setup.exe", None)
    with pytest.raises(FileRefused, match="Linux program"):
        check_file("notes.txt", "text/plain", b"\x7fELF\x02\x01")


def test_titles_and_descriptions() -> None:
    assert clean_title("  Forces   and\nmotion ") == "Forces and motion"
    with pytest.raises(Refused, match="The title is empty"):
        clean_title(" \n ")
    with pytest.raises(Refused, match="keep it to 256"):
        clean_title("x" * (MAX_TITLE + 1))
    assert clean_description(None) == ""
    with pytest.raises(Refused, match="description is 2,001 characters"):
        clean_description("x" * 2001)


def test_tags_are_cleaned_deduplicated_and_limited() -> None:
    assert split_tags("Math, ; Science\nArt,") == ["Math", "Science", "Art"]
    read = parse_tags("Math, math, Robotics!!, Project-Based Learning")
    assert read.tags == ["Math", "Robotics", "Project-Based Learning"]  # first spelling kept
    assert read.changed == [("Robotics!!", "Robotics")]
    with pytest.raises(Refused, match="can't be a tag"):
        parse_tags("Math, !!!")
    with pytest.raises(Refused, match=f"at most {MAX_TAGS}"):
        parse_tags(", ".join(f"tag{n}" for n in range(MAX_TAGS + 1)))


async def test_a_duplicate_returns_the_first_with_the_tags_it_lacks(library: Library) -> None:
    link = link_of("https://example.org/lesson")
    first = await library.share(new("Lesson"), link, ["Math"])
    assert first.created
    assert first.resource.tags == ("Math",)
    again = await library.share(
        new("Same lesson", by=BOB), link_of("example.org/lesson/"), ["math", "Robotics"]
    )
    assert not again.created
    assert again.resource.id == first.resource.id
    assert again.resource.shared_by == ALICE
    assert again.new_tags == ["Robotics"]  # "math" is the tag it has
    other_guild = await library.share(new("Lesson", guild=OTHER), link, [])
    assert other_guild.created  # each community has its own library


async def test_starter_tags_keep_their_spelling(library: Library) -> None:
    shared = await library.share(
        new("Grant list"), link_of("https://example.org/grants"), ["funding & grants"]
    )
    assert shared.resource.tags == ("Funding & Grants",)


async def test_adding_a_duplicates_tags(library: Library) -> None:
    shared = await library.share(new("Lesson"), link_of("https://example.org/l"), ["Math"])
    updated = await library.add_tags(G, shared.resource.id, ["Robotics"])
    assert updated.tags == ("Math", "Robotics")
    with pytest.raises(Refused, match=f"at most {MAX_TAGS}"):
        await library.add_tags(G, shared.resource.id, [f"t{n}" for n in range(MAX_TAGS)])
    await library.repo.remove(G, shared.resource.id)
    with pytest.raises(Refused, match="removed from the library in the meantime"):
        await library.add_tags(G, shared.resource.id, ["Art"])


async def test_only_the_sharer_or_an_organizer_may_change_it(library: Library) -> None:
    shared = (await library.share(new("Lesson"), link_of("https://example.org/l"), [])).resource
    assert may_change(shared, ALICE, organizer=False)
    assert may_change(shared, BOB, organizer=True)
    assert not may_change(shared, BOB, organizer=False)
    await check_may_change(shared, ALICE, "edit", organizer=never_asked)
    await check_may_change(shared, BOB, "edit", organizer=organizer)
    with pytest.raises(
        Refused, match=f"Only <@{ALICE}>, who shared #{shared.id}, or an organizer can remove it"
    ):
        await check_may_change(shared, BOB, "remove", organizer=member)
    assert (await library.editable(G, shared.id, ALICE, "edit", organizer=never_asked)).id == shared.id


async def test_a_number_no_resource_of_the_guild_has_is_refused(library: Library) -> None:
    shared = (await library.share(new("Lesson"), link_of("https://example.org/l"), [])).resource
    assert (await find(library.repo, G, shared.id)).title == "Lesson"
    with pytest.raises(Refused, match=f"There is no resource #{shared.id}"):
        await find(library.repo, OTHER, shared.id)  # another community's resource is unknown here
    with pytest.raises(Refused, match="There is no resource #999"):
        await library.editable(G, 999, ALICE, "edit", organizer=organizer)


async def test_edits_and_tag_renames_read_what_was_typed(library: Library) -> None:
    shared = (await library.share(new("Lesson"), link_of("https://example.org/l"), ["Math"])).resource
    updated, read = await library.edit(
        G, shared.id, title=" New  title ", description="d", tags="math, Art!", grades="6-8", kind=None
    )
    assert (updated.title, updated.tags, updated.grades) == ("New title", ("Art", "Math"), "6-8")
    assert read.changed == [("Art!", "Art")]
    with pytest.raises(Refused, match="exactly one new name"):
        await library.rename_tag(G, "Art", "Arts, Crafts")
    count, _ = await library.rename_tag(G, "art", "Arts")
    assert count == 1
    with pytest.raises(Refused, match="There is no tag"):
        await library.rename_tag(G, "Nothing", "Else")
    with pytest.raises(Refused, match="the same tag"):
        await library.merge_tags(G, "Arts", "arts")
