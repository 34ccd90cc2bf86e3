"""The team-goal use cases on a real SQLite file: permissions, the five-goal limit in one transaction,
check-ins setting the goal's status, the prompt's job written once, personal data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.goals.rules import Cadence, GoalRefusal, Status, Team
from core.goals.service import PROMPT_KIND, Editor, GoalService, prompt_owner
from storage.database import Database
from storage.goals import GoalRepository
from storage.schools import SchoolRepository
from tests.core.fakes import FakeJobs

NOW = datetime(2026, 10, 14, 17, 0, tzinfo=UTC)
GUILD = 1
ALICE = Editor(100, frozenset(), False)
ORGANIZER = Editor(900, frozenset(), True)


async def _lincoln(db: Database) -> tuple[Team, Editor]:
    school = await SchoolRepository(db).add(GUILD, "Lincoln Elementary", now=NOW)
    return Team(GUILD, school.id, school.name), Editor(100, frozenset({school.id}), False)


async def test_members_add_edit_check_in_and_remove_their_teams_goals(db: Database) -> None:
    team, alice = await _lincoln(db)
    service = GoalService(GoalRepository(db), FakeJobs())
    goal_id = await service.add_goal(team, " Robotics ", "A club of 20", alice, now=NOW)
    await service.edit_goal(team, goal_id, "Robotics club", "A club of 20", alice, now=NOW)
    kept = await service.check_in(team, goal_id, Status.AT_RISK, " 8 so far ", alice, now=NOW)
    assert kept == "8 so far"
    repo = service.repo
    goal = await repo.goal(GUILD, goal_id)
    assert goal is not None
    assert (goal.title, goal.status) == ("Robotics club", "at_risk")
    assert (await repo.latest_checkins(GUILD, [goal_id]))[goal_id].note == "8 so far"
    assert [c.by_status for c in await repo.counts(GUILD)] == [{"at_risk": 1}]
    await service.remove_goal(team, goal_id, alice)
    assert await repo.goals(GUILD, team.school_id) == []


async def test_others_are_refused_and_nothing_is_written(db: Database) -> None:
    team, _ = await _lincoln(db)
    service = GoalService(GoalRepository(db), FakeJobs())
    with pytest.raises(GoalRefusal, match="Only members of the Lincoln Elementary team"):
        await service.add_goal(team, "Sneaky", "x", ALICE, now=NOW)
    with pytest.raises(GoalRefusal, match="Only organizers"):
        await service.set_vision(Team(GUILD, None, "Community"), "Ours", ALICE, now=NOW)
    assert await service.repo.count(GUILD, team.school_id) == 0
    assert await service.repo.count(GUILD, None) == 0


async def test_a_goal_of_another_team_is_not_found_through_this_one(db: Database) -> None:
    team, alice = await _lincoln(db)
    service = GoalService(GoalRepository(db), FakeJobs())
    community = Team(GUILD, None, "The whole community")
    goal_id = await service.add_goal(community, "Showcase", "All teams", ORGANIZER, now=NOW)
    with pytest.raises(GoalRefusal, match=f"no goal #{goal_id} among the goals of the Lincoln"):
        await service.check_in(team, goal_id, Status.DONE, "", alice, now=NOW)
    assert await service.repo.latest_checkins(GUILD, [goal_id]) == {}


async def test_the_sixth_goal_is_refused(db: Database) -> None:
    team, alice = await _lincoln(db)
    service = GoalService(GoalRepository(db), FakeJobs())
    for n in range(5):
        await service.add_goal(team, f"Goal {n}", "x", alice, now=NOW)
    with pytest.raises(GoalRefusal, match="already has 5 goals"):
        await service.add_goal(team, "Goal 6", "x", alice, now=NOW)
    assert await service.repo.count(GUILD, team.school_id) == 5


async def test_a_cadence_writes_one_job_and_a_prompt_plans_the_next_once(db: Database) -> None:
    team, alice = await _lincoln(db)
    jobs = FakeJobs()
    service = GoalService(GoalRepository(db), jobs)
    first = await service.set_cadence(team, Cadence.BIWEEKLY, alice, now=NOW)
    assert first == NOW + timedelta(days=14)
    owner = prompt_owner(team.school_id)
    assert jobs.cancelled == [(owner, GUILD)]
    assert jobs.scheduled == [
        (PROMPT_KIND, first, {"school_id": team.school_id, "name": team.name}, GUILD, owner)
    ]

    later = first + timedelta(minutes=5)
    nxt = await service.prompt_ran(GUILD, team.school_id, team.name, planned=first, now=later)
    assert nxt == first + timedelta(days=14)
    # The same prompt run again (after a crash) plans nothing more.
    assert await service.prompt_ran(GUILD, team.school_id, team.name, planned=first, now=later) is None
    assert len(jobs.scheduled) == 2

    assert await service.set_cadence(team, Cadence.OFF, alice, now=later) is None
    assert len(jobs.scheduled) == 2
    assert not await service.prompt_wanted(GUILD, team.school_id)
    assert await service.prompt_ran(GUILD, team.school_id, team.name, planned=nxt, now=nxt) is None


async def test_the_community_has_prompts_too_set_by_organizers(db: Database) -> None:
    jobs = FakeJobs()
    service = GoalService(GoalRepository(db), jobs)
    whole = Team(GUILD, None, "Community")
    first = await service.set_cadence(whole, Cadence.MONTHLY, ORGANIZER, now=NOW)
    assert first is not None
    assert [(kind, payload["school_id"], owner) for kind, _, payload, _, owner in jobs.scheduled] == [
        (PROMPT_KIND, None, prompt_owner(None))
    ]
    assert (await service.repo.plan(GUILD, None)).cadence == Cadence.MONTHLY.value
    member = Editor(5, frozenset(), False)
    with pytest.raises(GoalRefusal):
        await service.set_cadence(whole, Cadence.OFF, member, now=NOW)


async def test_a_removed_schools_goals_go_with_it(db: Database) -> None:
    team, alice = await _lincoln(db)
    service = GoalService(GoalRepository(db), FakeJobs())
    goal_id = await service.add_goal(team, "Robotics", "x", alice, now=NOW)
    await service.check_in(team, goal_id, Status.DONE, "", alice, now=NOW)
    assert team.school_id is not None
    await SchoolRepository(db).remove(GUILD, team.school_id)
    assert await service.repo.goal(GUILD, goal_id) is None
    assert await service.repo.counts(GUILD) == []


async def test_personal_data_keeps_the_teams_goals_without_the_author(db: Database) -> None:
    team, alice = await _lincoln(db)
    service = GoalService(GoalRepository(db), FakeJobs())
    await service.set_vision(team, "Build real things", alice, now=NOW)
    goal_id = await service.add_goal(team, "Robotics", "A club", alice, now=NOW)
    await service.check_in(team, goal_id, Status.AT_RISK, "Few sign-ups", alice, now=NOW)
    exported = await service.repo.export_member(GUILD, alice.user_id)
    assert exported is not None
    assert exported["check-ins"][0]["note"] == "Few sign-ups"
    assert exported["goals you added"][0]["title"] == "Robotics"
    assert exported["visions you wrote"] == ["Build real things"]
    assert await service.repo.export_member(GUILD, 555) is None

    assert await service.repo.delete_member(GUILD, alice.user_id) == 3
    assert await service.repo.export_member(GUILD, alice.user_id) is None
    goal = await service.repo.goal(GUILD, goal_id)
    assert goal is not None
    assert goal.status == "at_risk"  # the team's goal stays as it was
    assert (await service.repo.plan(GUILD, team.school_id)).vision == "Build real things"
    assert await service.repo.latest_checkins(GUILD, [goal_id]) == {}
