"""The group picker: at most 25 options per select and 5 selects per message."""

from __future__ import annotations

from cogs.groups.inputs import check_emoji
from cogs.groups.picker import OPTIONS_PER_SELECT, chunks, picker_text, picker_view
from storage.groups import Group


def groups(count: int) -> list[Group]:
    return [Group(n, 1, f"Group {n}", "", None, None, None, False, n) for n in range(1, count + 1)]


async def test_the_picker_splits_beyond_25_groups() -> None:
    assert [len(c) for c in chunks(groups(60))] == [25, 25, 10]
    view = picker_view(groups(60))
    custom_ids = [item.item.custom_id for item in view.children]  # type: ignore[attr-defined]
    assert custom_ids == ["grp:pick:0", "grp:pick:1", "grp:pick:2"]
    assert [len(c) for c in chunks(groups(130))] == [OPTIONS_PER_SELECT] * 5
    assert "5 more groups can be joined with `/groups join`" in picker_text(groups(130))
    assert "No groups yet" in picker_text([])


def test_emoji_check() -> None:
    assert check_emoji("🍎") == "🍎"
    assert check_emoji("<:robot:123456789012345678>") == "<:robot:123456789012345678>"
    assert check_emoji("  ") is None
