"""Refusals stay within Discord's 2 000 characters however much there is to list or however long the input:
a longer answer is refused by Discord and members would see "interaction failed"."""

from __future__ import annotations

import pytest

from storage.groups import GroupRepository
from storage.schools import SchoolRepository
from tests.e2e.community import Community


async def test_a_typo_among_sixty_groups_is_answered_briefly(community: Community) -> None:
    repo = GroupRepository(community.bot.db)
    for n in range(60):
        await repo.add(
            int(community.guild_id), f"Regional partnership circle number {n:02d}", now=community.clock.now()
        )
    typo = await community.alice.run("groups members", group="Zebra keepers")
    assert typo.ephemeral
    assert len(typo.text) <= 2000
    assert "There's no group called “Zebra keepers”" in typo.text
    assert "and 52 more (`/groups list` shows them all)" in typo.text
    near = await community.alice.run("groups members", group="Regional partnership circle number 7")
    assert "Did you mean" in near.text
    assert "error" not in near.raw


async def test_leaving_one_of_many_school_teams_asks_which_briefly(community: Community) -> None:
    schools = SchoolRepository(community.bot.db)
    guild = int(community.guild_id)
    for n in range(40):
        school = await schools.add(guild, f"{'Long name ' * 8}academy {n:02d}", "", now=community.clock.now())
        await schools.add_members(guild, int(community.alice.user_id), [school.id], community.clock.now())
    asked = await community.alice.run("schools leave")
    assert asked.ephemeral
    assert "error" not in asked.raw
    assert len(asked.text) <= 2000
    assert "and 32 more: say which one to leave" in asked.text


async def test_tag_commands_quote_a_huge_input_briefly(community: Community) -> None:
    huge = "x" * 5000
    for command, options in (
        ("resource tag-rename", {"old": huge, "new": "robotics"}),
        ("resource tag-merge", {"a": huge, "b": "robotics"}),
    ):
        reply = await community.organizer.run(command, **options)
        assert reply.ephemeral
        assert "error" not in reply.raw
        assert "There is no tag “xxxxxxxx" in reply.text
        assert len(reply.text) < 200


async def test_huge_numbers_never_reach_the_database(community: Community) -> None:
    from emulator.driver import ControlError

    # The Discord client refuses an integer option beyond ±2^53 (or the option's own bounds).
    for command, options in (
        ("meeting show", {"id": 2**63}),
        ("announce show", {"id": 2**63}),
        ("resource remove", {"id": 2**64}),
    ):
        with pytest.raises(ControlError, match=r"2\^53|max_value"):
            await community.organizer.run(command, **options)
    biggest = await community.organizer.run("meeting show", id=2**53 - 1)
    assert "There is no meeting #9007199254740991" in biggest.text
    # Typed text reaches autocomplete and "group:…" audiences as it is.
    choices = await community.organizer.autocomplete("resource remove", "id", id="9" * 20)
    assert choices == []
    refused = await community.organizer.run(
        "meeting schedule", title="Huge", when="in 3 days", audience="group:" + "9" * 25
    )
    assert "error" not in refused.raw
    assert refused.ephemeral
