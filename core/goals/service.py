"""The team-goal use cases that write: a team's vision, its goals, check-ins and the check-in prompts' cadence.

Each checks who may do it (`rules.may_edit`), then writes in one transaction, with the job of the next
prompt when the cadence changes or a prompt ran. The scheduler is reached through `core.scheduler.Jobs`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.goals.rules import (
    OUTCOME_LIMIT,
    TITLE_LIMIT,
    VISION_LIMIT,
    Cadence,
    GoalRefusal,
    Status,
    Team,
    check_in_note,
    clean,
    next_prompt,
    refuse_beyond_limit,
    refuse_unless_editor,
    step,
)
from core.scheduler import Jobs
from storage.goals import Goal, GoalRepository

PROMPT_KIND = "goals.prompt"


def prompt_owner(school_id: int | None) -> str:
    return f"goals:{school_id or 0}"


@dataclass(frozen=True, slots=True)
class Editor:
    """Who is acting: their id, the school teams they belong to, and whether they organize."""

    user_id: int
    teams: frozenset[int]
    organizer: bool


class GoalService:
    def __init__(self, repo: GoalRepository, jobs: Jobs) -> None:
        self.repo = repo
        self.jobs = jobs

    def _allow(self, team: Team, editor: Editor) -> None:
        refuse_unless_editor(team, teams_of_member=set(editor.teams), organizer=editor.organizer)

    async def goal_of(self, team: Team, goal_id: int) -> Goal:
        goal = await self.repo.goal(team.guild_id, goal_id)
        if goal is None or goal.school_id != team.school_id:
            raise GoalRefusal(f"There is no goal #{goal_id} among the goals of {team.called}.")
        return goal

    async def set_vision(self, team: Team, text: str, editor: Editor, *, now: datetime) -> str:
        self._allow(team, editor)
        vision = clean(text, what="vision", limit=VISION_LIMIT, required=False)
        await self.repo.set_vision(team.guild_id, team.school_id, vision, by=editor.user_id, now=now)
        return vision

    async def add_goal(self, team: Team, title: str, outcome: str, editor: Editor, *, now: datetime) -> int:
        self._allow(team, editor)
        title = clean(title, what="goal's title", limit=TITLE_LIMIT)
        outcome = clean(outcome, what="desired outcome", limit=OUTCOME_LIMIT)
        async with self.repo.db.transaction():
            refuse_beyond_limit(await self.repo.count(team.guild_id, team.school_id), team)
            return await self.repo.add_goal(
                team.guild_id, team.school_id, title, outcome, by=editor.user_id, now=now
            )

    async def edit_goal(
        self, team: Team, goal_id: int, title: str, outcome: str, editor: Editor, *, now: datetime
    ) -> None:
        self._allow(team, editor)
        title = clean(title, what="goal's title", limit=TITLE_LIMIT)
        outcome = clean(outcome, what="desired outcome", limit=OUTCOME_LIMIT)
        async with self.repo.db.transaction():
            await self.goal_of(team, goal_id)
            await self.repo.edit_goal(team.guild_id, goal_id, title, outcome, now=now)

    async def remove_goal(self, team: Team, goal_id: int, editor: Editor) -> None:
        self._allow(team, editor)
        async with self.repo.db.transaction():
            await self.goal_of(team, goal_id)
            await self.repo.remove_goal(team.guild_id, goal_id)

    async def check_in(
        self, team: Team, goal_id: int, status: Status, note: str, editor: Editor, *, now: datetime
    ) -> str:
        """Record a check-in and make its status the goal's; the note as kept."""
        self._allow(team, editor)
        kept = check_in_note(status, note)
        async with self.repo.db.transaction():
            await self.goal_of(team, goal_id)
            await self.repo.add_checkin(
                team.guild_id, goal_id, status.value, kept, by=editor.user_id, now=now
            )
            await self.repo.set_status(team.guild_id, goal_id, status.value, now=now)
        return kept

    async def set_cadence(
        self, team: Team, cadence: Cadence, editor: Editor, *, now: datetime
    ) -> datetime | None:
        """Set how often the team is prompted to check in; the first prompt's time (None when off)."""
        self._allow(team, editor)
        first = None if cadence is Cadence.OFF else step(cadence, now)
        async with self.repo.db.transaction():
            await self.jobs.cancel(owner=prompt_owner(team.school_id), guild_id=team.guild_id)
            await self.repo.set_cadence(team.guild_id, team.school_id, cadence.value, first, now=now)
            if first is not None:
                await self.jobs.schedule(
                    PROMPT_KIND,
                    first,
                    {"school_id": team.school_id, "name": team.name},
                    guild_id=team.guild_id,
                    owner=prompt_owner(team.school_id),
                )
        return first

    async def prompt_wanted(self, guild_id: int, school_id: int | None) -> bool:
        """Whether the team still wants check-in prompts (its cadence is on)."""
        return (await self.repo.plan(guild_id, school_id)).cadence != Cadence.OFF

    async def prompt_ran(
        self, guild_id: int, school_id: int | None, name: str, *, planned: datetime, now: datetime
    ) -> datetime | None:
        """The prompt planned for `planned` was posted: plan the next one, once (a rerun of the same prompt
        finds it moved already). The next prompt's time, or None when nothing was planned."""
        async with self.repo.db.transaction():
            plan = await self.repo.plan(guild_id, school_id)
            if plan.cadence == Cadence.OFF:
                return None
            nxt = next_prompt(Cadence(plan.cadence), planned=planned, now=now)
            if not await self.repo.move_prompt(guild_id, school_id, planned, nxt):
                return None
            await self.jobs.schedule(
                PROMPT_KIND,
                nxt,
                {"school_id": school_id, "name": name},
                guild_id=guild_id,
                owner=prompt_owner(school_id),
            )
        return nxt
