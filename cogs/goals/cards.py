"""What members see of team goals: a team's card (vision, goals, latest check-ins), the check-in prompt and
the organizers' overview lines."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.formatting import embed
from core.goals.rules import MIN_GOALS, STATUS_ICONS, Cadence, Status, Team
from core.text import plural, safe_text
from core.timeutil import discord_timestamp
from storage.goals import CheckIn, Goal, TeamCounts, TeamPlan


def status_text(status: str) -> str:
    known = Status(status)
    return f"{STATUS_ICONS[known]} {known.label}"


def goal_card(team: Team, plan: TeamPlan, goals: Sequence[Goal], latest: dict[int, CheckIn]) -> discord.Embed:
    """The team's vision and goals, each with its status and latest check-in."""
    vision = (
        safe_text(plan.vision, 1500)
        if plan.vision
        else "No shared vision yet: write one with `/goals vision`."
    )
    card = embed(f"Goals · {safe_text(team.name, 200)}", f"**Vision**\n{vision}")
    for goal in goals:
        lines = [
            f"**Desired outcome:** {safe_text(goal.outcome, 300)}",
            f"**Status:** {status_text(goal.status)}",
        ]
        checkin = latest.get(goal.id)
        if checkin is not None:
            note = f": {safe_text(checkin.note, 300)}" if checkin.note else ""
            lines.append(f"Last check-in {discord_timestamp(checkin.at, 'R')}{note}")
        else:
            lines.append("No check-in yet: `/goals checkin`.")
        card.add_field(
            name=f"#{goal.id} · {safe_text(goal.title, 200)}", value="\n".join(lines)[:1024], inline=False
        )
    if len(goals) < MIN_GOALS:
        card.add_field(
            name="Goals",
            value=f"A team sets {MIN_GOALS} to 5 goals, each with the outcome it hopes for. Add one with `/goals add`.",
            inline=False,
        )
    cadence = Cadence(plan.cadence)
    if cadence is Cadence.OFF or plan.next_prompt_at is None:
        footer = "Check-in prompts: off (turn them on with /goals cadence)"
    else:
        footer = f"Check-in prompts: {cadence.label}"
    card.set_footer(text=footer)
    return card


def prompt_text(team: Team) -> str:
    return (
        f"🎯 Time for a check-in on {team.called}'s goals! How is each one going? "
        "Press **Check in** to give a goal its status and a short note (or use `/goals checkin`)."
    )


def overview_line(name: str, counts: TeamCounts | None) -> str:
    """One team in the organizers' overview: its goals by status (no people)."""
    if counts is None or not counts.by_status:
        return f"**{safe_text(name, 100)}** — no goals yet"
    total = sum(counts.by_status.values())
    parts = [
        f"{counts.by_status[s.value]} {s.label.lower()}" for s in Status if counts.by_status.get(s.value)
    ]
    last = (
        f" · last check-in {discord_timestamp(counts.last_checkin, 'R')}"
        if counts.last_checkin
        else " · no check-ins yet"
    )
    return f"**{safe_text(name, 100)}** — {plural(total, 'goal')}: {', '.join(parts)}{last}"
