"""`/survey`: organizers start a survey from a template for everyone, one stakeholder group or one school
team; members answer privately through the post's button, a form per page; organizers see totals with
small groups suppressed, and a CSV without member ids. The rules are the core's (`core.surveys`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.arguments import GuildTime, TypedTime
from bot.checks import organizer_only
from bot.client import CopBot
from bot.errors import UserError
from bot.permissions import require_bot_permissions
from bot.reach import channel_for, jump_link
from bot.spreadsheets import csv_file
from bot.ui import Paginator, confirm, paginate_lines
from cogs.groups.inputs import GroupArg
from cogs.schools.inputs import SchoolArg
from core.surveys.audience import MAX_REMINDERS, AudienceKind
from core.surveys.questions import to_json
from core.surveys.results import export_rows, result_lines, shown_count
from core.surveys.service import (
    CLOSE_KIND,
    REMIND_KIND,
    PageToFill,
    SurveyService,
    audience_of,
    questions_of,
)
from core.surveys.templates import TEMPLATES
from core.text import plural, safe_text
from core.timeutil import discord_timestamp
from storage.groups import Group
from storage.guilds import Purpose
from storage.schools import School
from storage.surveys import NewSurvey, group_members, school_members

from .arguments import ID_HELP, SurveyArg, refusals
from .buttons import AnswerButton, PageButton, answer_view, next_view
from .cards import mark_closed, post_text
from .forms import Given, PageModal
from .jobs import CLOSE_GRACE, REMIND_GRACE, SurveyJobs

TEMPLATE_CHOICES = [app_commands.Choice(name=t.title[:100], value=t.key) for t in TEMPLATES.values()]


class Surveys(commands.Cog):
    """Surveys with private answers and totals for organizers."""

    survey = app_commands.Group(name="survey", description="Surveys: start one, answer, see the totals.")

    def __init__(self, bot: CopBot) -> None:
        self.bot = bot
        self.service = SurveyService(bot.db, bot.scheduler, bot.clock)
        self.repo = self.service.repo
        self.jobs = SurveyJobs(bot, self.service)

    async def cog_load(self) -> None:
        self.bot.scheduler.register(CLOSE_KIND, self.jobs.close, grace=CLOSE_GRACE)
        self.bot.scheduler.register(REMIND_KIND, self.jobs.remind, grace=REMIND_GRACE)
        self.bot.add_dynamic_items(AnswerButton, PageButton)
        self.bot.personal_data.register(
            "surveys", export=self.repo.export_member, delete=self.repo.delete_member
        )

    async def cog_unload(self) -> None:
        self.bot.scheduler.unregister(CLOSE_KIND)
        self.bot.scheduler.unregister(REMIND_KIND)
        self.bot.remove_dynamic_items(AnswerButton, PageButton)
        self.bot.personal_data.unregister("surveys")

    def now(self) -> datetime:
        return self.bot.clock.now()

    # -- start -------------------------------------------------------------------------------------------

    @survey.command(name="start")
    @organizer_only()
    @app_commands.choices(template=TEMPLATE_CHOICES)
    @app_commands.describe(
        template="Which survey to run",
        closes="When it closes, e.g. 'next Friday 5pm' or '2026-12-18 17:00'",
        opens="When members can start answering (default: now)",
        group="Only for this stakeholder group (leave empty for everyone)",
        school="Only for this school team (leave empty for everyone)",
        channel="Where to post it (default: the announcements channel)",
        reminders=f"How many reminders to send by DM to those who haven't finished (0 to {MAX_REMINDERS})",
        keep_ids="Include member ids in the CSV export (members are told when they answer). Default: no",
    )
    async def start(
        self,
        interaction: discord.Interaction[CopBot],
        template: app_commands.Choice[str],
        closes: app_commands.Transform[TypedTime, GuildTime],
        opens: app_commands.Transform[TypedTime, GuildTime] | None = None,
        group: app_commands.Transform[Group, GroupArg] | None = None,
        school: app_commands.Transform[School, SchoolArg] | None = None,
        channel: discord.TextChannel | None = None,
        reminders: app_commands.Range[int, 0, MAX_REMINDERS] = 0,
        keep_ids: bool = False,
    ) -> None:
        """Start a survey from a template and post it with an Answer button."""
        assert interaction.guild is not None
        guild = interaction.guild
        chosen = TEMPLATES.get(template.value)
        if chosen is None:
            raise UserError("Pick one of the offered templates.")
        if group is not None and school is not None:
            raise UserError(
                "A survey is for everyone, one group or one school team: choose a group or a school."
            )
        target = await self._channel(guild, channel, interaction)
        kind, unit_id, unit_name = AudienceKind.EVERYONE, None, ""
        if group is not None:
            kind, unit_id, unit_name = AudienceKind.GROUP, group.id, group.name
        elif school is not None:
            kind, unit_id, unit_name = AudienceKind.SCHOOL, school.id, school.name
        now = self.now()
        opens_at = max(opens.at, now) if opens is not None else now
        new = NewSurvey(
            guild_id=guild.id,
            author_id=interaction.user.id,
            template=chosen.key,
            title=chosen.title,
            intro=chosen.intro + (" This survey keeps who answered in its export." if keep_ids else ""),
            questions=to_json(chosen.questions),
            audience=kind.value,
            unit_id=unit_id,
            unit_name=unit_name,
            opens_at=opens_at,
            closes_at=closes.at,
            reminders=reminders,
            keep_ids=keep_ids,
            channel_id=target.id,
        )
        with refusals():
            survey = await self.service.start(new)
        try:
            post = await target.send(
                post_text(survey, opened=survey.opens_at <= now), view=answer_view(survey.id)
            )
        except discord.HTTPException:
            await self.service.close(survey)
            raise UserError(
                f"I couldn't post in {target.mention}, so the survey was not started. Check that I may send "
                "messages there, then try again."
            ) from None
        await self.repo.set_message(survey.id, post.id)
        await interaction.response.send_message(
            f"Survey **#{survey.id}** is posted in {target.mention}: {jump_link(guild.id, target.id, post.id)}\n"
            f"It's for {audience_of(survey).describe()} and closes {discord_timestamp(survey.closes_at)}"
            + (f", with {plural(reminders, 'reminder')} to those who haven't finished." if reminders else ".")
            + " `/survey results` shows the totals.",
            ephemeral=True,
        )

    async def _channel(
        self,
        guild: discord.Guild,
        channel: discord.TextChannel | None,
        interaction: discord.Interaction[CopBot],
    ) -> discord.TextChannel:
        if channel is None:
            found = await channel_for(self.bot, guild.id, Purpose.ANNOUNCEMENTS)
            candidate = guild.get_channel(found) if found else interaction.channel
            if not isinstance(candidate, discord.TextChannel):
                raise UserError("Choose the text channel to post the survey in (the `channel` option).")
            channel = candidate
        require_bot_permissions(channel, "view_channel", "send_messages", doing="post the survey there")
        return channel

    # -- answering -------------------------------------------------------------------------------------

    async def on_component(self, interaction: discord.Interaction[CopBot], item: Any) -> None:
        """The Answer button and Next page: the clicker's page, as a form."""
        if interaction.guild_id is None:
            raise UserError("Surveys are answered in the server.")
        with refusals():
            page = await self.service.page_for(
                interaction.guild_id, item.survey_id, interaction.user.id, item.page
            )
        await interaction.response.send_modal(PageModal(page, self._saved))

    async def _saved(self, interaction: discord.Interaction[CopBot], page: PageToFill, given: Given) -> None:
        assert interaction.guild_id is not None
        with refusals():
            saved = await self.service.save(
                interaction.guild_id, page.survey.id, interaction.user.id, page.number, given
            )
        closes = discord_timestamp(saved.survey.closes_at)
        if saved.next_page is not None:
            await interaction.response.send_message(
                f"Page {saved.page + 1} of {saved.count} is saved. Continue whenever you like: **Next page**, "
                f"or **Answer the survey** on the post later picks up here (until {closes}).",
                view=next_view(saved.survey.id, saved.next_page),
                ephemeral=True,
            )
            return
        await interaction.response.send_message(
            f"Thank you! Your answers to **{safe_text(saved.survey.title, 200)}** are saved. You can change "
            f"them until it closes {closes}: click **Answer the survey** again.",
            ephemeral=True,
        )

    # -- close and list --------------------------------------------------------------------------------

    @survey.command(name="close")
    @organizer_only()
    @app_commands.rename(survey="id")
    @app_commands.describe(survey=ID_HELP)
    async def close(self, interaction: discord.Interaction[CopBot], survey: SurveyArg) -> None:
        """Close a survey now: no more answers; what was saved counts."""
        if survey.closed:
            raise UserError(f"Survey #{survey.id} is already closed. `/survey results` shows its totals.")
        answer = await confirm(
            interaction,
            f"Close survey **#{survey.id}** ({safe_text(survey.title, 200)}) now? Members can't answer "
            "after this; every page already saved counts.",
            declined="The survey stays open.",
            confirm_label="Close it",
        )
        if answer is None:
            return
        if await self.service.close(survey):
            closed = await self.repo.get(survey.guild_id, survey.id)
            await mark_closed(self.bot, closed or survey)
        await answer.response.edit_message(
            content=f"Survey **#{survey.id}** is closed. `/survey results` shows its totals.", view=None
        )

    @survey.command(name="list")
    @organizer_only()
    async def list_surveys(self, interaction: discord.Interaction[CopBot]) -> None:
        """Every survey on this server, newest first, with how many answered."""
        assert interaction.guild_id is not None
        lines = []
        for survey in await self.repo.all(interaction.guild_id):
            started, done = await self.repo.response_counts(survey.id)
            state = "closed" if survey.closed else f"open until {discord_timestamp(survey.closes_at, 'f')}"
            lines.append(
                f"**#{survey.id}** {safe_text(survey.title, 120)} — for {audience_of(survey).describe()}, "
                f"{state}; {shown_count(done)} finished, {shown_count(started - done)} part way"
            )
        pages = paginate_lines("Surveys", lines, empty="No surveys yet: start one with `/survey start`.")
        await Paginator(interaction.user.id, pages).send(interaction)

    # -- results -------------------------------------------------------------------------------------

    @survey.command(name="results")
    @organizer_only()
    @app_commands.rename(survey="id")
    @app_commands.describe(survey=ID_HELP)
    async def results(self, interaction: discord.Interaction[CopBot], survey: SurveyArg) -> None:
        """Totals per answer, overall and by stakeholder group and school team (small groups hidden)."""
        started, done = await self.repo.response_counts(survey.id)
        lines = [
            f"{shown_count(started)} answered ({shown_count(done)} finished). Any count of fewer than 5 "
            "people shows as “fewer than 5”.",
            *result_lines(
                questions_of(survey),
                await self.repo.all_answers(survey.id),
                groups=await group_members(self.bot.db, survey.guild_id),
                schools=await school_members(self.bot.db, survey.guild_id),
            ),
        ]
        pages = paginate_lines(f"Results of survey #{survey.id}", lines, per_page=25)
        await Paginator(interaction.user.id, pages).send(interaction)

    @survey.command(name="export")
    @organizer_only()
    @app_commands.rename(survey="id")
    @app_commands.describe(survey=ID_HELP)
    async def export(self, interaction: discord.Interaction[CopBot], survey: SurveyArg) -> None:
        """The answers as a CSV file, one row per member, without who answered."""
        answers = await self.repo.all_answers(survey.id)
        if len(answers) < 5 and not survey.keep_ids:
            raise UserError(
                f"{'Nobody has' if not answers else 'Fewer than 5 members have'} answered survey "
                f"#{survey.id} yet, so there is nothing to export without showing who said what. "
                "`/survey results` shows the totals."
            )
        rows = export_rows(questions_of(survey), answers, with_ids=survey.keep_ids)
        await interaction.response.send_message(
            f"The answers to survey **#{survey.id}**, {plural(len(answers), 'member')}"
            + (
                " (with member ids, as the survey said when it opened)."
                if survey.keep_ids
                else ", without names."
            ),
            file=csv_file(rows, f"survey-{survey.id}.csv"),
            ephemeral=True,
        )
