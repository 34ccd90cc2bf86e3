"""`/survey`: organizers start a survey from a template for everyone, one stakeholder group or one school
team; members answer privately through the post's button, a form per page; organizers see totals with
small groups suppressed, and a CSV without member ids. The rules are the core's (`core.surveys`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.arguments import GuildTime, TypedTime
from bot.checks import organizer_only
from bot.client import CopBot
from bot.errors import UserError
from bot.reach import jump_link, post_target
from bot.spreadsheets import csv_file
from bot.ui import Paginator, confirm, paginate_lines
from cogs.groups.inputs import GroupArg
from cogs.schools.inputs import SchoolArg
from core.surveys.audience import MAX_REMINDERS, AudienceKind, check_times
from core.surveys.custom import parse_questions, write_questions
from core.surveys.errors import SurveyRefusal
from core.surveys.questions import Question, edit_note, to_json
from core.surveys.results import export as export_answers
from core.surveys.results import shown_count
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
from storage.groups import Group, GroupRepository
from storage.schools import School
from storage.surveys import NewSurvey, Survey

from .arguments import ID_HELP, SurveyArg, refusals
from .buttons import AnswerButton, PageButton, answer_view, next_view
from .cards import mark_closed, post_text, refresh_post
from .forms import FixView, Given, PageModal, QuestionsModal, Written
from .jobs import CLOSE_GRACE, REMIND_GRACE, SurveyJobs

CLOSES_HELP = "When it closes, e.g. 'next Friday 5pm' or '2026-12-18 17:00'"
OPENS_HELP = "When members can start answering (default: now)"
GROUP_HELP = "Only for this stakeholder group (leave empty for everyone)"
SCHOOL_HELP = "Only for this school team (leave empty for everyone)"
CHANNEL_HELP = "Where to post it (default: the announcements channel)"
REMINDERS_HELP = f"How many reminders to DM to those who haven't finished (0 to {MAX_REMINDERS})"
KEEP_IDS_HELP = "Include member ids in the CSV export (the post says so). Default: no"


@dataclass(frozen=True, slots=True)
class Setup:
    """The options of `/survey start` and `/survey new`, checked."""

    channel: discord.TextChannel
    kind: AudienceKind
    unit_id: int | None
    unit_name: str
    opens_at: datetime
    closes_at: datetime
    reminders: int
    keep_ids: bool


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
            "surveys", export=self.service.export_member, delete=self.repo.delete_member
        )

    async def cog_unload(self) -> None:
        self.bot.scheduler.unregister(CLOSE_KIND)
        self.bot.scheduler.unregister(REMIND_KIND)
        self.bot.remove_dynamic_items(AnswerButton, PageButton)
        self.bot.personal_data.unregister("surveys")
        await self.service.flush()

    def now(self) -> datetime:
        return self.bot.clock.now()

    # -- start -------------------------------------------------------------------------------------------

    @survey.command(name="start")
    @organizer_only()
    @app_commands.choices(template=TEMPLATE_CHOICES)
    @app_commands.describe(
        template="Which survey to run",
        closes=CLOSES_HELP,
        opens=OPENS_HELP,
        group=GROUP_HELP,
        school=SCHOOL_HELP,
        channel=CHANNEL_HELP,
        reminders=REMINDERS_HELP,
        keep_ids=KEEP_IDS_HELP,
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
        chosen = TEMPLATES.get(template.value)
        if chosen is None:
            raise UserError("Pick one of the offered templates.")
        setup = await self._setup(interaction, closes, opens, group, school, channel, reminders, keep_ids)
        await self._launch(
            interaction,
            setup,
            template=chosen.key,
            title=chosen.title,
            intro=chosen.intro,
            questions=chosen.questions,
        )

    @survey.command(name="new")
    @organizer_only()
    @app_commands.describe(
        closes=CLOSES_HELP,
        opens=OPENS_HELP,
        group=GROUP_HELP,
        school=SCHOOL_HELP,
        channel=CHANNEL_HELP,
        reminders=REMINDERS_HELP,
        keep_ids=KEEP_IDS_HELP,
    )
    async def new(
        self,
        interaction: discord.Interaction[CopBot],
        closes: app_commands.Transform[TypedTime, GuildTime],
        opens: app_commands.Transform[TypedTime, GuildTime] | None = None,
        group: app_commands.Transform[Group, GroupArg] | None = None,
        school: app_commands.Transform[School, SchoolArg] | None = None,
        channel: discord.TextChannel | None = None,
        reminders: app_commands.Range[int, 0, MAX_REMINDERS] = 0,
        keep_ids: bool = False,
    ) -> None:
        """Start a survey of your own questions: you write them next, one per line."""
        setup = await self._setup(interaction, closes, opens, group, school, channel, reminders, keep_ids)
        await interaction.response.send_modal(QuestionsModal("New survey", partial(self._written, setup)))

    async def _written(
        self, setup: Setup, interaction: discord.Interaction[CopBot], written: Written
    ) -> None:
        try:
            questions = parse_questions(written.questions)
            if not written.title:
                raise SurveyRefusal("Give the survey a title.")
        except SurveyRefusal as refusal:
            await self._refused(
                interaction,
                str(refusal),
                lambda: QuestionsModal("New survey", partial(self._written, setup), written),
            )
            return
        await self._launch(
            interaction, setup, template=None, title=written.title, intro=written.intro, questions=questions
        )

    async def _refused(
        self, interaction: discord.Interaction[CopBot], text: str, reopen: Callable[[], QuestionsModal]
    ) -> None:
        """A refused form, with a button that opens it again holding what was typed."""
        view = FixView(interaction.user.id, reopen)
        view.interaction = interaction
        await interaction.response.send_message(
            f"{text}\nNothing was saved yet. **Fix it** opens the form again with what you wrote.",
            view=view,
            ephemeral=True,
        )

    @survey.command(name="edit")
    @organizer_only()
    @app_commands.rename(survey="id")
    @app_commands.describe(survey=ID_HELP)
    async def edit(self, interaction: discord.Interaction[CopBot], survey: SurveyArg) -> None:
        """Fix the wording of a survey of your own questions (its kinds stay once members answered)."""
        if survey.template is not None:
            raise UserError(
                "Surveys from a template keep the template's wording. To ask other questions, start a survey "
                "of your own with `/survey new`."
            )
        if survey.closed:
            raise UserError(f"Survey #{survey.id} is closed, so it can't be changed any more.")
        written = Written(survey.title, survey.intro, write_questions(questions_of(survey)))
        await interaction.response.send_modal(self._edit_form(survey, written))

    def _edit_form(self, survey: Survey, written: Written) -> QuestionsModal:
        return QuestionsModal(f"Edit survey #{survey.id}", partial(self._edited, survey), written)

    async def _edited(
        self, survey: Survey, interaction: discord.Interaction[CopBot], written: Written
    ) -> None:
        try:
            if not written.title:
                raise SurveyRefusal("Give the survey a title.")
            questions = parse_questions(written.questions, keys=[q.key for q in questions_of(survey)])
            edit = await self.service.edit(survey, written.title, written.intro, questions)
        except SurveyRefusal as refusal:
            await self._refused(interaction, str(refusal), lambda: self._edit_form(survey, written))
            return
        current = await self.repo.get(survey.guild_id, survey.id)
        shown = current is not None and await refresh_post(self.bot, current)
        text = f"Survey **#{survey.id}** is updated."
        if edit.answered:
            text += " " + edit_note(edit)
        if not shown:
            text += " I couldn't update its post; members see the new wording when they answer."
        await interaction.response.send_message(text, ephemeral=True)

    async def _setup(
        self,
        interaction: discord.Interaction[CopBot],
        closes: TypedTime,
        opens: TypedTime | None,
        group: Group | None,
        school: School | None,
        channel: discord.TextChannel | None,
        reminders: int,
        keep_ids: bool,
    ) -> Setup:
        """The options every way of starting a survey shares, checked before anything is written."""
        assert interaction.guild is not None
        if group is not None and school is not None:
            raise UserError(
                "A survey is for everyone, one group or one school team: choose a group or a school."
            )
        target = await post_target(interaction, channel, what="the survey")
        now = self.now()
        opens_at = max(opens.at, now) if opens is not None else now
        if closes.at <= opens_at:
            raise UserError("The closing time must come after the opening time.")
        with refusals():
            check_times(opens_at, closes.at, now=now)
        if group is not None:
            return Setup(
                target, AudienceKind.GROUP, group.id, group.name, opens_at, closes.at, reminders, keep_ids
            )
        if school is not None:
            return Setup(
                target, AudienceKind.SCHOOL, school.id, school.name, opens_at, closes.at, reminders, keep_ids
            )
        return Setup(target, AudienceKind.EVERYONE, None, "", opens_at, closes.at, reminders, keep_ids)

    async def _launch(
        self,
        interaction: discord.Interaction[CopBot],
        setup: Setup,
        *,
        template: str | None,
        title: str,
        intro: str,
        questions: Sequence[Question],
    ) -> None:
        """Save the survey with its jobs, post it with the Answer button, tell the organizer."""
        assert interaction.guild is not None
        guild, target = interaction.guild, setup.channel
        new = NewSurvey(
            guild_id=guild.id,
            author_id=interaction.user.id,
            template=template,
            title=title,
            intro=intro + (" This survey keeps who answered in its export." if setup.keep_ids else ""),
            questions=to_json(questions),
            audience=setup.kind.value,
            unit_id=setup.unit_id,
            unit_name=setup.unit_name,
            opens_at=setup.opens_at,
            closes_at=setup.closes_at,
            reminders=setup.reminders,
            keep_ids=setup.keep_ids,
            channel_id=target.id,
        )
        with refusals():
            survey = await self.service.start(new)
        try:
            post = await target.send(
                post_text(survey, opened=survey.opens_at <= self.now()), view=answer_view(survey.id)
            )
        except discord.HTTPException:
            await self.service.close(survey)
            raise UserError(
                f"I couldn't post in {target.mention}, so the survey was not started. Check that I may send "
                "messages there, then try again."
            ) from None
        await self.repo.set_message(survey.id, post.id)
        reminders = setup.reminders
        await interaction.response.send_message(
            f"Survey **#{survey.id}** is posted in {target.mention}: {jump_link(guild.id, target.id, post.id)}\n"
            f"It's for {audience_of(survey).describe()} and closes {discord_timestamp(survey.closes_at)}"
            + (f", with {plural(reminders, 'reminder')} to those who haven't finished." if reminders else ".")
            + " `/survey results` shows the totals.",
            ephemeral=True,
        )

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
                interaction.guild_id,
                page.survey.id,
                interaction.user.id,
                page.number,
                given,
                shown=page.questions,
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
            over = survey.closed or self.now() >= survey.closes_at
            state = "closed" if over else f"open until {discord_timestamp(survey.closes_at, 'f')}"
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
        counted = await self.service.kept_results(survey)
        if counted is None:  # counting thousands of answers can take longer than Discord waits
            await interaction.response.defer(ephemeral=True, thinking=True)
            counted = await self.service.results(survey)
        started, done = await self.repo.response_counts(survey.id)
        lines = [
            f"{shown_count(started)} answered ({shown_count(done)} finished). Any count of fewer than 5 "
            "people shows as “fewer than 5”, and where that alone could be worked out from the total, the "
            "next smallest count shows as “hidden”.",
            *counted,
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
        protected = await GroupRepository(self.bot.db).protected_user_ids(survey.guild_id)
        made = export_answers(questions_of(survey), answers, with_ids=survey.keep_ids, protected=protected)
        left_out = (
            f" {plural(made.left_out, 'member')} of protected groups (such as students) "
            f"{'is' if made.left_out == 1 else 'are'} left out of this file, so that nobody in them can be "
            "picked out; their answers still count in `/survey results`."
            if made.left_out
            else ""
        )
        if not made.members:
            raise UserError(
                f"Nobody has answered survey #{survey.id} yet, so there is nothing to export."
                if not answers
                else f"Everyone who has answered survey #{survey.id} so far belongs to a protected group (such "
                "as students). This survey's export names members, so it leaves them out, and there is nothing "
                "to export yet. Their answers count in `/survey results`."
            )
        await interaction.response.send_message(
            f"The answers to survey **#{survey.id}**, {plural(made.members, 'member')}"
            + (
                " (with member ids, as the survey said when it opened)." + left_out
                if survey.keep_ids
                else ", without names."
            ),
            file=csv_file(made.rows, f"survey-{survey.id}.csv"),
            ephemeral=True,
        )
