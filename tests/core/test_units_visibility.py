"""core.units.visibility: who may see a protected group's members."""

from __future__ import annotations

from core.units.visibility import may_see_members
from storage.groups import Group

STUDENTS = Group(1, 1, "Students", "", None, None, None, True, 0)
TEACHERS = Group(2, 1, "Teachers", "", None, None, None, False, 1)


class Organizer:
    """A fake organizer check that counts how often it is asked."""

    def __init__(self, answer: bool) -> None:
        self.answer = answer
        self.asked = 0

    async def __call__(self) -> bool:
        self.asked += 1
        return self.answer


async def test_anyone_sees_an_open_groups_members_without_asking_who_they_are() -> None:
    check = Organizer(False)
    assert await may_see_members(TEACHERS, 7, [1, 2], check)
    assert check.asked == 0


async def test_a_protected_groups_members_see_each_other() -> None:
    check = Organizer(False)
    assert await may_see_members(STUDENTS, 2, [1, 2], check)
    assert check.asked == 0


async def test_only_organizers_see_a_protected_group_from_outside() -> None:
    assert not await may_see_members(STUDENTS, 7, [1, 2], Organizer(False))
    assert await may_see_members(STUDENTS, 7, [1, 2], Organizer(True))
    assert not await may_see_members(STUDENTS, 7, [], Organizer(False))
