"""What members find (`core.resources.library`): a search needs words and sees only this community's
resources, best matches first and at most RESULTS; filters; `/resource top` by period; the id autocomplete.
A real SQLite file: these rules read one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.clock import ManualClock
from core.resources.errors import Refused
from core.resources.library import RESULTS, Library, link_of, period_start
from storage.resources import Mark, NewResource, Resource

NOW = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)
G, OTHER = 1, 2
ALICE, BOB, CARA = 10, 20, 30


async def add(
    library: Library,
    title: str,
    *,
    description: str = "",
    tags: tuple[str, ...] = (),
    guild: int = G,
    grades: str | None = None,
    kind: str | None = None,
) -> Resource:
    new = NewResource(
        guild_id=guild,
        url="",
        url_key="",
        title=title,
        shared_by=ALICE,
        description=description,
        grades=grades,
        kind=kind,
    )
    slug = title.lower().replace(" ", "-")
    return (await library.share(new, link_of(f"https://example.org/{guild}/{slug}"), tags)).resource


async def search(library: Library, query: str, **filters: str) -> list[str]:
    found = await library.search(
        G, query, tag=filters.get("tag"), grades=filters.get("grades"), kind=filters.get("kind")
    )
    return [r.title for r in found]


async def test_a_search_without_words_is_refused(library: Library) -> None:
    for query in ("", "   ", "*** ()", '"'):
        with pytest.raises(Refused, match="no words in that search"):
            await search(library, query)


async def test_a_search_sees_only_this_communitys_resources(library: Library) -> None:
    await add(library, "Robotics club guide")
    await add(library, "Robotics grant", guild=OTHER)
    assert await search(library, "robotics") == ["Robotics club guide"]


async def test_titles_rank_first_and_words_match_as_prefixes(library: Library) -> None:
    await add(library, "Lesson plans", description="a robotics unit")
    await add(library, "Robotics lesson")
    await add(library, "Engineering", tags=("Robotics",))
    assert await search(library, "robot") == ["Robotics lesson", "Engineering", "Lesson plans"]


async def test_at_most_results_are_shown(library: Library) -> None:
    for n in range(RESULTS + 3):
        await add(library, f"Science kit {n}")
    assert len(await search(library, "science")) == RESULTS


async def test_filters_by_tag_kind_and_grades(library: Library) -> None:
    await add(library, "Math for all", grades="All", kind="lesson")
    await add(library, "Math middle", grades="6-8", kind="guide", tags=("Algebra",))
    await add(library, "Math early", grades="K-2", kind="lesson")
    assert set(await search(library, "math", grades="6-8")) == {"Math for all", "Math middle"}
    assert await search(library, "math", kind="guide") == ["Math middle"]
    assert await search(library, "math", tag="algebra") == ["Math middle"]
    assert await search(library, "math", tag="No such tag") == []


def test_periods_of_top() -> None:
    assert period_start("week", NOW) == NOW - timedelta(days=7)
    assert period_start("year", NOW) == NOW - timedelta(days=365)
    assert period_start("all", NOW) is None
    assert period_start("whatever", NOW) is None


async def test_top_counts_the_periods_votes(library: Library) -> None:
    clock = library.clock
    assert isinstance(clock, ManualClock)
    old = await add(library, "Old favourite")
    new = await add(library, "New favourite")
    for user in (ALICE, BOB, CARA):
        await library.toggle(G, old.id, user, "helpful")
    clock.advance(timedelta(days=10))
    await library.toggle(G, new.id, ALICE, "helpful")
    await library.toggle(G, new.id, BOB, "used")
    week = await library.top(G, "week", None)
    assert [(r.resource.title, r.count) for r in week[Mark.HELPFUL]] == [("New favourite", 1)]
    assert [r.resource.title for r in week[Mark.USED]] == ["New favourite"]
    ever = await library.top(G, "all", None)
    assert [(r.resource.title, r.count) for r in ever[Mark.HELPFUL]] == [
        ("Old favourite", 3),
        ("New favourite", 1),
    ]


async def test_id_candidates(library: Library) -> None:
    first = await add(library, "Robotics guide")
    second = await add(library, "Grant list")
    assert [r.id for r in await library.candidates(G, "12", None)] == []  # a number no resource can have
    assert [r.id for r in await library.candidates(G, f"#{first.id}", first.id)] == [first.id]
    assert [r.id for r in await library.candidates(G, "robo", None)] == [first.id]
    assert {r.id for r in await library.candidates(G, "  ", None)} == {first.id, second.id}
    assert await library.candidates(OTHER, "", None) == []
