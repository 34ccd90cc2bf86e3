"""The survey use cases: start one (its row and its jobs in one transaction), open a member's page, save a
page, close. The rules are in the sibling modules; this module applies them to storage."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from core.clock import Clock
from core.scheduler import Jobs
from core.surveys.answers import read_answer
from core.surveys.audience import (
    Audience,
    AudienceKind,
    check_can_answer,
    check_times,
    reminder_times,
)
from core.surveys.errors import SurveyRefusal
from core.surveys.questions import Edit, Question, check_edit, from_json, pages, to_json
from storage.database import Database
from storage.groups import GroupRepository
from storage.schools import SchoolRepository
from storage.surveys import NewSurvey, Survey, SurveyRepository

CLOSE_KIND = "survey.close"
REMIND_KIND = "survey.remind"


def questions_of(survey: Survey) -> tuple[Question, ...]:
    return from_json(survey.questions)


def audience_of(survey: Survey) -> Audience:
    return Audience(AudienceKind(survey.audience), survey.unit_id, survey.unit_name)


@dataclass(frozen=True, slots=True)
class PageToFill:
    """The page a member is shown next, with what they answered before (to fill it in)."""

    survey: Survey
    number: int  # 0-based
    count: int  # pages in all
    questions: tuple[Question, ...]
    earlier: dict[str, tuple[str, ...]]
    again: bool  # they had finished: this is a change of their answers


@dataclass(frozen=True, slots=True)
class Saved:
    survey: Survey
    page: int
    count: int

    @property
    def next_page(self) -> int | None:
        return self.page + 1 if self.page + 1 < self.count else None


def to_remind(audience: Collection[int], finished: Collection[int], reached: Collection[int]) -> list[int]:
    """Who a reminder is for: the audience, less those who finished and those this reminder reached."""
    done = set(finished) | set(reached)
    return sorted(u for u in set(audience) if u not in done)


class SurveyService:
    def __init__(self, db: Database, jobs: Jobs, clock: Clock) -> None:
        self.db = db
        self.jobs = jobs
        self.clock = clock
        self.repo = SurveyRepository(db)

    async def start(self, new: NewSurvey) -> Survey:
        """Save the survey with its close job and reminders, in one transaction."""
        now = self.clock.now()
        check_times(new.opens_at, new.closes_at, now=now)
        async with self.db.transaction():
            survey_id = await self.repo.create(new, now=now)
            owner = f"survey:{survey_id}"
            await self.jobs.schedule(
                CLOSE_KIND, new.closes_at, {"survey_id": survey_id}, guild_id=new.guild_id, owner=owner
            )
            for at in reminder_times(max(new.opens_at, now), new.closes_at, new.reminders):
                await self.jobs.schedule(
                    REMIND_KIND, at, {"survey_id": survey_id}, guild_id=new.guild_id, owner=owner
                )
            survey = await self.repo.get(new.guild_id, survey_id)
        assert survey is not None
        return survey

    async def member_in(self, survey: Survey, user_id: int) -> bool:
        audience = audience_of(survey)
        if audience.kind is AudienceKind.EVERYONE:
            return True
        groups = await GroupRepository(self.db).unit_ids_of(survey.guild_id, user_id)
        schools = await SchoolRepository(self.db).unit_ids_of(survey.guild_id, user_id)
        return audience.includes(groups, schools)

    async def _check(self, survey: Survey, user_id: int) -> None:
        check_can_answer(
            closed=survey.closed,
            opens=survey.opens_at,
            closes=survey.closes_at,
            now=self.clock.now(),
            audience=audience_of(survey),
            member_in=await self.member_in(survey, user_id),
        )

    async def find(self, guild_id: int, survey_id: int) -> Survey:
        survey = await self.repo.get(guild_id, survey_id)
        if survey is None:
            raise SurveyRefusal(f"There's no survey #{survey_id} on this server.")
        return survey

    async def page_for(
        self, guild_id: int, survey_id: int, user_id: int, page: int | None = None
    ) -> PageToFill:
        """The page to show: `page` when asked (the Next page button), else where the member stopped; a
        member who finished starts again at page 1 with their answers filled in."""
        survey = await self.find(guild_id, survey_id)
        await self._check(survey, user_id)
        split = pages(questions_of(survey))
        progress = await self.repo.progress(survey.id, user_id)
        finished = progress is not None and progress.finished
        if page is None:
            page = 0 if progress is None or finished else min(progress.pages_saved, len(split) - 1)
        page = max(0, min(page, len(split) - 1))
        return PageToFill(
            survey, page, len(split), split[page], await self.repo.answers_of(survey.id, user_id), finished
        )

    async def save(
        self, guild_id: int, survey_id: int, user_id: int, page: int, given: Mapping[str, Sequence[str]]
    ) -> Saved:
        """Check every answer of the page, then save them all in one transaction that finds the survey
        still open (a survey closed while the member filled the page refuses; their earlier pages stay)."""
        survey = await self.find(guild_id, survey_id)
        split = pages(questions_of(survey))
        if not 0 <= page < len(split):
            raise SurveyRefusal(
                "That page of the survey no longer exists. Click **Answer the survey** again."
            )
        answers = {q.key: read_answer(q, given.get(q.key, ())) for q in split[page]}
        async with self.db.transaction():
            current = await self.find(guild_id, survey_id)
            await self._check(current, user_id)
            await self.repo.save_page(
                current, user_id, answers, page=page, last_page=page == len(split) - 1, now=self.clock.now()
            )
        return Saved(current, page, len(split))

    async def close(self, survey: Survey) -> bool:
        """Close the survey and cancel its reminders; False when it was closed already."""
        async with self.db.transaction():
            closed = await self.repo.close(survey.id, now=self.clock.now())
            if closed:
                await self.jobs.cancel(owner=survey.owner, guild_id=survey.guild_id)
        return closed

    async def edit(self, survey: Survey, title: str, intro: str, questions: Sequence[Question]) -> Edit:
        """Change an open survey of own questions: anything before the first answer, only wording after
        (`check_edit`), in one transaction that re-reads whether anyone answered."""
        if survey.template is not None:
            raise SurveyRefusal(
                "Surveys from a template keep the template's wording. To ask other questions, start a survey "
                "of your own with `/survey new`."
            )
        async with self.db.transaction():
            current = await self.find(survey.guild_id, survey.id)
            if current.closed:
                raise SurveyRefusal(f"Survey #{survey.id} is closed, so it can't be changed any more.")
            edit = check_edit(
                questions_of(current), questions, answered=await self.repo.has_answers(current.id)
            )
            await self.repo.update(current.id, title=title, intro=intro, questions=to_json(edit.questions))
        return edit
