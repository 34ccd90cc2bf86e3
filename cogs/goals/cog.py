"""`/goals`: team members keep their school team's shared vision, 2 to 5 goals and check-ins; organizers keep
the community's and see every team's. The rules and writes are the core's (`core.goals`); this reads
Discord's options, opens the forms and answers."""

from __future__ import annotations

from functools import partial

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import organizer_only
from bot.client import CopBot
from bot.errors import UserError
from bot.ui import Paginator, confirm, paginate_lines
from core.goals.rules import (
    STATUS_LABELS,
    Cadence,
    Team,
    parse_cadence,
    parse_status,
    refuse_beyond_limit,
    refuse_unless_editor,
    refuse_unless_viewer,
)
from core.goals.service import PROMPT_KIND, GoalService
from core.text import quote
from core.timeutil import discord_timestamp
from storage.goals import GoalRepository
from storage.schools import SchoolRepository

from .buttons import COMMUNITY_ID, CheckInButton
from .cards import goal_card, overview_line, status_text
from .forms import CheckInModal, GoalModal, VisionModal
from .inputs import (
    COMMUNITY,
    TEAM_HELP,
    community,
    editor_of,
    find_goal,
    find_team,
    goal_choices,
    refusals,
    team_choices,
)
from .prompts import PROMPT_GRACE, run_prompt

GOAL_HELP = "The goal (start typing its title, or its number from /goals show)"
STATUS_CHOICES = [app_commands.Choice(name=label, value=s.value) for s, label in STATUS_LABELS.items()]
CADENCE_CHOICES = [
    app_commands.Choice(name="Off", value=Cadence.OFF.value),
    app_commands.Choice(name="Every 2 weeks", value=Cadence.BIWEEKLY.value),
    app_commands.Choice(name="Monthly", value=Cadence.MONTHLY.value),
]


class Goals(commands.Cog):
    """Team goals: vision, goals, check-ins and check-in prompts."""

    goals = app_commands.Group(
        name="goals", description="Your team's shared vision, goals and progress check-ins.", guild_only=True
    )

    def __init__(self, bot: CopBot) -> None:
        self.bot = bot
        self.repo = GoalRepository(bot.db)
        self.service = GoalService(self.repo, bot.scheduler)

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(CheckInButton)
        self.bot.scheduler.register(
            PROMPT_KIND, partial(run_prompt, self.bot, self.service), grace=PROMPT_GRACE
        )
        self.bot.personal_data.register(
            "team goals", export=self.repo.export_member, delete=self.repo.delete_member
        )

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(CheckInButton)
        self.bot.scheduler.unregister(PROMPT_KIND)
        self.bot.personal_data.unregister("team goals")

    async def _team_autocomplete(
        self, interaction: discord.Interaction[CopBot], current: str
    ) -> list[app_commands.Choice[str]]:
        return await team_choices(interaction, current)

    async def _goal_autocomplete(
        self, interaction: discord.Interaction[CopBot], current: str
    ) -> list[app_commands.Choice[str]]:
        return await goal_choices(interaction, current)

    async def _editable(self, interaction: discord.Interaction[CopBot], team: Team) -> None:
        editor = await editor_of(interaction)
        with refusals():
            refuse_unless_editor(team, teams_of_member=set(editor.teams), organizer=editor.organizer)

    async def _card(self, team: Team) -> discord.Embed:
        plan = await self.repo.plan(team.guild_id, team.school_id)
        goals = await self.repo.goals(team.guild_id, team.school_id)
        latest = await self.repo.latest_checkins(team.guild_id, [g.id for g in goals])
        return goal_card(team, plan, goals, latest)

    # -- seeing ---------------------------------------------------------------------------------------------

    @goals.command(name="show")
    @app_commands.describe(team=TEAM_HELP)
    @app_commands.autocomplete(team=_team_autocomplete)
    async def show(self, interaction: discord.Interaction[CopBot], team: str | None = None) -> None:
        """A team's vision and goals with their latest check-ins (your own team's by default)."""
        found = await find_team(interaction, team)
        editor = await editor_of(interaction)
        with refusals():
            refuse_unless_viewer(found, teams_of_member=set(editor.teams), organizer=editor.organizer)
        await interaction.response.send_message(embed=await self._card(found), ephemeral=True)

    @goals.command(name="overview")
    @organizer_only()
    async def overview(self, interaction: discord.Interaction[CopBot]) -> None:
        """Every team's goals counted by status (organizers)."""
        assert interaction.guild_id is not None
        counts = {c.school_id: c for c in await self.repo.counts(interaction.guild_id)}
        schools = await SchoolRepository(self.bot.db).all(interaction.guild_id)
        lines = [overview_line(COMMUNITY, counts.get(None))]
        lines += [overview_line(s.name, counts.get(s.id)) for s in schools]
        with_goals = sum(1 for s in schools if s.id in counts)
        title = f"Team goals · {with_goals} of {len(schools)} school teams have goals"
        await Paginator(interaction.user.id, paginate_lines(title, lines, per_page=15)).send(interaction)

    # -- the vision and the goals ----------------------------------------------------------------------------

    @goals.command(name="vision")
    @app_commands.describe(team=TEAM_HELP)
    @app_commands.autocomplete(team=_team_autocomplete)
    async def vision(self, interaction: discord.Interaction[CopBot], team: str | None = None) -> None:
        """Write or change your team's shared vision (a form opens)."""
        found = await find_team(interaction, team)
        await self._editable(interaction, found)
        plan = await self.repo.plan(found.guild_id, found.school_id)

        async def save(answer: discord.Interaction[CopBot], text: str) -> None:
            with refusals():
                vision = await self.service.set_vision(
                    found, text, await editor_of(answer), now=self.bot.clock.now()
                )
            said = "Saved the shared vision" if vision else "Cleared the shared vision"
            await answer.response.send_message(
                f"{said} of {found.called}.", embed=await self._card(found), ephemeral=True
            )

        await interaction.response.send_modal(VisionModal(found.name, plan.vision, save))

    @goals.command(name="add")
    @app_commands.describe(team=TEAM_HELP)
    @app_commands.autocomplete(team=_team_autocomplete)
    async def add(self, interaction: discord.Interaction[CopBot], team: str | None = None) -> None:
        """Add a goal with its desired outcome to your team (a form opens; at most 5 goals)."""
        found = await find_team(interaction, team)
        await self._editable(interaction, found)
        with refusals():
            refuse_beyond_limit(await self.repo.count(found.guild_id, found.school_id), found)

        async def save(answer: discord.Interaction[CopBot], title: str, outcome: str) -> None:
            with refusals():
                goal_id = await self.service.add_goal(
                    found, title, outcome, await editor_of(answer), now=self.bot.clock.now()
                )
            await answer.response.send_message(
                f"Added goal #{goal_id} {quote(title.strip(), 100)} to {found.called}. "
                "Record progress with `/goals checkin`.",
                embed=await self._card(found),
                ephemeral=True,
            )

        await interaction.response.send_modal(GoalModal(f"New goal · {found.name}", save))

    @goals.command(name="edit")
    @app_commands.describe(goal=GOAL_HELP)
    @app_commands.autocomplete(goal=_goal_autocomplete)
    async def edit(self, interaction: discord.Interaction[CopBot], goal: str) -> None:
        """Change a goal's title or desired outcome (a form opens)."""
        team, found = await find_goal(interaction, goal)
        await self._editable(interaction, team)

        async def save(answer: discord.Interaction[CopBot], title: str, outcome: str) -> None:
            with refusals():
                await self.service.edit_goal(
                    team, found.id, title, outcome, await editor_of(answer), now=self.bot.clock.now()
                )
            await answer.response.send_message(
                f"Saved goal #{found.id} of {team.called}.", embed=await self._card(team), ephemeral=True
            )

        await interaction.response.send_modal(
            GoalModal(f"Goal #{found.id}", save, title=found.title, outcome=found.outcome)
        )

    @goals.command(name="remove")
    @app_commands.describe(goal=GOAL_HELP)
    @app_commands.autocomplete(goal=_goal_autocomplete)
    async def remove(self, interaction: discord.Interaction[CopBot], goal: str) -> None:
        """Remove a goal and its check-ins from your team (asks first)."""
        team, found = await find_goal(interaction, goal)
        await self._editable(interaction, team)
        answer = await confirm(
            interaction,
            f"Remove goal #{found.id} {quote(found.title, 100)} of {team.called}, with its check-ins? "
            "To keep its history, check in with the status “Dropped” instead.",
            declined="Nothing was removed.",
            confirm_label="Remove goal",
        )
        if answer is None:
            return
        with refusals():
            await self.service.remove_goal(team, found.id, await editor_of(answer))
        await answer.response.edit_message(
            content=f"Removed goal #{found.id} {quote(found.title, 100)} of {team.called}.", view=None
        )

    # -- check-ins -------------------------------------------------------------------------------------------

    @goals.command(name="checkin")
    @app_commands.describe(
        goal=GOAL_HELP,
        status="How the goal is going now",
        note="A short note: what happened, what's next (needed when at risk or dropped; up to 500 characters)",
    )
    @app_commands.choices(status=STATUS_CHOICES)
    @app_commands.autocomplete(goal=_goal_autocomplete)
    async def checkin(
        self, interaction: discord.Interaction[CopBot], goal: str, status: str, note: str = ""
    ) -> None:
        """Record how one of your team's goals is going: a status and a short note."""
        team, found = await find_goal(interaction, goal)
        await self._record(interaction, team, str(found.id), status, note)

    async def _record(
        self, interaction: discord.Interaction[CopBot], team: Team, goal: str, status: str, note: str
    ) -> None:
        with refusals():
            chosen = parse_status(status)
            goal_id = int(goal) if goal.isdigit() and len(goal) < 16 else 0
            await self.service.check_in(
                team, goal_id, chosen, note, await editor_of(interaction), now=self.bot.clock.now()
            )
        saved = await self.repo.goal(team.guild_id, goal_id)
        title = quote(saved.title, 100) if saved else ""
        await interaction.response.send_message(
            f"Checked in on goal #{goal_id} {title} of {team.called}: {status_text(chosen.value)}.",
            embed=await self._card(team),
            ephemeral=True,
        )

    async def on_component(self, interaction: discord.Interaction[CopBot], item: CheckInButton) -> None:
        """The Check in button of a prompt: the team's members (and organizers) get the check-in form."""
        assert interaction.guild_id is not None
        if item.school_id == COMMUNITY_ID:
            team = community(interaction.guild_id)
        else:
            school = await SchoolRepository(self.bot.db).get(interaction.guild_id, item.school_id)
            if school is None:
                raise UserError("This school team was removed, so its goals can't take check-ins any more.")
            team = Team(interaction.guild_id, school.id, school.name)
        await self._editable(interaction, team)
        goals = await self.repo.goals(team.guild_id, team.school_id)
        if not goals:
            raise UserError(
                f"{team.called[0].upper()}{team.called[1:]} has no goals yet: add them with `/goals add`."
            )

        async def save(answer: discord.Interaction[CopBot], goal: str, status: str, note: str) -> None:
            await self._record(answer, team, goal, status, note)

        await interaction.response.send_modal(CheckInModal(team.name, goals, save))

    # -- prompts ---------------------------------------------------------------------------------------------

    @goals.command(name="cadence")
    @app_commands.describe(every="How often the bot asks the team to check in", team=TEAM_HELP)
    @app_commands.choices(every=CADENCE_CHOICES)
    @app_commands.autocomplete(team=_team_autocomplete)
    async def cadence(
        self, interaction: discord.Interaction[CopBot], every: str, team: str | None = None
    ) -> None:
        """How often the bot asks your team (in its channel) or the community for a goal check-in."""
        found = await find_team(interaction, team)
        with refusals():
            chosen = parse_cadence(every)
            first = await self.service.set_cadence(
                found, chosen, await editor_of(interaction), now=self.bot.clock.now()
            )
        where = "in the announcements channel" if found.is_community else "in its channel"
        if first is None:
            text = f"Check-in prompts for {found.called} are off."
        else:
            text = (
                f"{found.called[0].upper()}{found.called[1:]} will be asked to check in {chosen.label}, "
                f"{where}; the first time {discord_timestamp(first, 'F')}."
            )
        await interaction.response.send_message(text, ephemeral=True)
