"""The forms of `/goals`: a team's vision, a goal (new or edited) and a check-in (from the prompt's button)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import discord

from bot.errors import ErrorReportingModal
from bot.ui import add_field, form_id
from core.goals.rules import NOTE_LIMIT, OUTCOME_LIMIT, STATUS_LABELS, TITLE_LIMIT, VISION_LIMIT, Status
from core.text import prefill
from storage.goals import Goal

Submit = Callable[..., Awaitable[None]]


class VisionModal(ErrorReportingModal):
    def __init__(self, team_name: str, vision: str, on_submit: Submit) -> None:
        super().__init__(
            title=f"Vision · {team_name}"[:45], custom_id=form_id("goal:vision"), timeout=15 * 60
        )
        self.submit = on_submit
        self.vision: discord.ui.TextInput[VisionModal] = discord.ui.TextInput(
            custom_id="vision",
            style=discord.TextStyle.paragraph,
            max_length=VISION_LIMIT,
            required=False,
            default=prefill(vision, VISION_LIMIT),
            placeholder="Where the team wants to be, in a few sentences",
        )
        add_field(self, "Shared vision", self.vision)

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        await self.submit(interaction, self.vision.value)


class GoalModal(ErrorReportingModal):
    def __init__(self, heading: str, on_submit: Submit, *, title: str = "", outcome: str = "") -> None:
        super().__init__(title=heading[:45], custom_id=form_id("goal:goal"), timeout=15 * 60)
        self.submit = on_submit
        self.goal_title: discord.ui.TextInput[GoalModal] = discord.ui.TextInput(
            custom_id="title", max_length=TITLE_LIMIT, default=prefill(title, TITLE_LIMIT)
        )
        self.outcome: discord.ui.TextInput[GoalModal] = discord.ui.TextInput(
            custom_id="outcome",
            style=discord.TextStyle.paragraph,
            max_length=OUTCOME_LIMIT,
            default=prefill(outcome, OUTCOME_LIMIT),
            placeholder="What will be different when the goal is met?",
        )
        add_field(self, "Goal", self.goal_title)
        add_field(self, "Desired outcome", self.outcome)

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        await self.submit(interaction, self.goal_title.value, self.outcome.value)


class CheckInModal(ErrorReportingModal):
    def __init__(self, team_name: str, goals: Sequence[Goal], on_submit: Submit) -> None:
        super().__init__(
            title=f"Check-in · {team_name}"[:45], custom_id=form_id("goal:checkin"), timeout=15 * 60
        )
        self.submit = on_submit
        self.goal: discord.ui.Select[CheckInModal] = discord.ui.Select(
            custom_id="goal",
            options=[
                discord.SelectOption(label=f"#{g.id} · {g.title}"[:100], value=str(g.id)) for g in goals[:25]
            ],
        )
        self.status: discord.ui.Select[CheckInModal] = discord.ui.Select(
            custom_id="status",
            options=[discord.SelectOption(label=label, value=s.value) for s, label in STATUS_LABELS.items()],
        )
        self.note: discord.ui.TextInput[CheckInModal] = discord.ui.TextInput(
            custom_id="note",
            style=discord.TextStyle.paragraph,
            max_length=NOTE_LIMIT,
            required=False,
            placeholder="What happened since the last check-in (needed when at risk or dropped)",
        )
        add_field(self, "Goal", self.goal)
        add_field(self, "Status", self.status)
        add_field(self, "Note", self.note)

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        goal = self.goal.values[0] if self.goal.values else ""
        status = self.status.values[0] if self.status.values else Status.ON_TRACK.value
        await self.submit(interaction, goal, status, self.note.value)
