"""The marks behind a card's buttons (`core.resources.library.Library.toggle`): Helpful, I used this and Save
set or take back the member's mark, each member counts once, saving is no vote, and a removed resource is
refused. A real SQLite file: the counts are stored."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.resources.errors import Refused
from core.resources.library import MARK_OF, Library, link_of
from storage.resources import Mark, NewResource, Resource

NOW = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)
G, OTHER = 1, 2
ALICE, BOB, CARA = 10, 20, 30


async def add(library: Library, title: str) -> Resource:
    new = NewResource(guild_id=G, url="", url_key="", title=title, shared_by=ALICE)
    return (await library.share(new, link_of(f"https://example.org/{title.lower()}"), [])).resource


def test_each_button_sets_one_mark() -> None:
    assert MARK_OF == {"helpful": Mark.HELPFUL, "used": Mark.USED, "save": Mark.SAVED}


async def test_marks_toggle_and_each_member_counts_once(library: Library) -> None:
    shared = await add(library, "Lesson")
    on = await library.toggle(G, shared.id, BOB, "helpful")
    assert (on.mark, on.on, on.resource.helpful_count) == (Mark.HELPFUL, True, 1)
    off = await library.toggle(G, shared.id, BOB, "helpful")
    assert (off.on, off.resource.helpful_count) == (False, 0)
    await library.toggle(G, shared.id, BOB, "used")
    await library.toggle(G, shared.id, CARA, "used")
    saved = await library.toggle(G, shared.id, BOB, "save")
    assert saved.mark is Mark.SAVED
    assert saved.on
    assert (saved.resource.used_count, saved.resource.helpful_count) == (2, 0)  # saving counts no vote
    assert [r.id for r in await library.repo.saved(G, BOB)] == [shared.id]


async def test_a_click_on_a_removed_resource_is_refused(library: Library) -> None:
    shared = await add(library, "Lesson")
    await library.repo.remove(G, shared.id)
    with pytest.raises(Refused, match="This resource was removed from the library"):
        await library.toggle(G, shared.id, BOB, "helpful")
    with pytest.raises(Refused):
        await library.toggle(OTHER, shared.id, BOB, "save")
