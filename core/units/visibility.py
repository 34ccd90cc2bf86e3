"""Who may see a stakeholder group's members (`/groups members`).

A protected group (`Students` by default) shows its members only to those members and to organizers;
any other group's members are visible to everyone in the server.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection

from storage.groups import Group


async def may_see_members(
    group: Group, viewer_id: int, member_ids: Collection[int], is_organizer: Callable[[], Awaitable[bool]]
) -> bool:
    """Whether `viewer_id` may see who is in `group` (whose members are `member_ids`). `is_organizer` is
    asked only when the answer depends on it."""
    if not group.protected or viewer_id in member_ids:
        return True
    return await is_organizer()
