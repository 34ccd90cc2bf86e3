"""The survey use cases: start one (its row and its jobs in one transaction), open a member's page, save a
page, close. The rules are in the sibling modules; this module applies them to storage."""

from __future__ import annotations

import asyncio
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

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
from core.surveys.questions import (
    Edit,
    Kind,
    Question,
    answers_still_fit,
    check_edit,
    from_json,
    pages,
    to_json,
    wording,
)
from core.surveys.results import Answers, Counts
from storage.database import Database
from storage.groups import GroupRepository
from storage.schools import SchoolRepository
from storage.surveys import (
    MemberAnswers,
    NewSurvey,
    PageSave,
    Survey,
    SurveyRepository,
    group_members,
    school_members,
)

RESULTS_KEPT = 8  # surveys whose counts are kept
QUICK_CHANGES = 200  # members whose changed answers the results view counts in before it answers
CHANGED_MEANWHILE = (
    "This survey's questions changed while you had this page open, so I didn't save it: your answers "
    "could have landed under a different question. Click **Answer the survey** again to see the page as it "
    "is now (your earlier pages are kept)."
)
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
class _Kept:
    """A survey's counts as the results view last showed them, and what they counted."""

    questions: str  # the survey's questions then (an edit counts everything again)
    answers: int  # its answers' revision
    memberships: int  # its guild's memberships' revision
    change: int  # the last change of answers counted (migration 0022)
    counts: Counts
    lines: list[str]


@dataclass(slots=True)
class _Pending:
    """A page waiting for the next batched write."""

    guild_id: int
    survey_id: int
    user_id: int
    page: int
    answers: dict[str, tuple[str, ...]]
    shown: tuple[Question, ...] | None = None  # the page's questions as the member saw them
    future: asyncio.Future[Saved] | None = None


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


def _named(given: MemberAnswers) -> list[dict[str, Any]]:
    """A member's answers to one survey in the survey's order, each with its question's text."""
    questions = from_json(given.questions)
    known = {q.key for q in questions}
    named: list[dict[str, Any]] = []
    for question in questions:
        values = given.answers.get(question.key)
        if not values:
            continue
        shown = [question.shown(v) for v in values] if question.kind is not Kind.TEXT else list(values)
        named.append(
            {
                "question": wording(question),
                "key": question.key,
                "answer": shown if question.kind is Kind.MULTIPLE else shown[0],
            }
        )
    for key, values in given.answers.items():  # a question no longer in the survey: as stored
        if key not in known:
            named.append({"question": key, "key": key, "answer": list(values)})
    return named


class SurveyService:
    def __init__(self, db: Database, jobs: Jobs, clock: Clock) -> None:
        self.db = db
        self.jobs = jobs
        self.clock = clock
        self.repo = SurveyRepository(db)
        self._pending: list[_Pending] = []
        self._writer: asyncio.Task[None] | None = None
        self.unwritten = 0  # pages submitted and checked, waiting for their batch to be written
        # the counts of each recently viewed survey, oldest first (`results`)
        self._results: dict[int, _Kept] = {}
        self._counting = asyncio.Lock()

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
        self,
        guild_id: int,
        survey_id: int,
        user_id: int,
        page: int,
        given: Mapping[str, Sequence[str]],
        *,
        shown: Sequence[Question] | None = None,
    ) -> Saved:
        """Check every answer of the page, then save them in a transaction that finds the survey still open
        (a survey closed while the member filled the page refuses; their earlier pages stay). `shown` is the
        page as the member saw it: if an edit meanwhile moved or replaced its questions, nothing is saved
        (`answers_still_fit`), so an answer never lands under a question the member didn't see.

        Pages submitted at the same moment share one transaction (`_write_pending`): a thousand members
        answering at once cost a few statements per batch, not a few per member, on the one writer."""
        survey = await self.find(guild_id, survey_id)
        split = pages(questions_of(survey))
        if not 0 <= page < len(split):
            raise SurveyRefusal(
                "That page of the survey no longer exists. Click **Answer the survey** again."
            )
        if shown is not None and not answers_still_fit(shown, split[page]):
            raise SurveyRefusal(CHANGED_MEANWHILE)
        answers = {q.key: read_answer(q, given.get(q.key, ())) for q in split[page]}
        await self._check(survey, user_id)
        pending = _Pending(
            guild_id, survey_id, user_id, page, answers, None if shown is None else tuple(shown)
        )
        if self.db.in_transaction:  # the caller's transaction must hold the write: no batching
            outcome = (await self._write([pending]))[0]
            if isinstance(outcome, Exception):
                raise outcome
            return outcome
        loop = asyncio.get_running_loop()
        pending.future = loop.create_future()
        self._pending.append(pending)
        self.unwritten += 1
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_pending(), name="survey-pages")
        return await pending.future

    async def flush(self) -> None:
        """Wait for pages already submitted to be written (before the database closes)."""
        if self._writer is not None:
            await asyncio.shield(self._writer)

    async def _write_pending(self) -> None:
        while self._pending:
            batch, self._pending = self._pending, []
            try:
                outcomes = await self._write(batch)
            except asyncio.CancelledError:  # shutting down mid-write: rolled back, nobody told it saved
                self.unwritten -= len(batch)
                for pending in batch:
                    if pending.future is not None:
                        pending.future.cancel()
                raise
            except Exception as exc:  # the database failed: every member of the batch is told
                outcomes = [exc] * len(batch)
            self.unwritten -= len(batch)
            for pending, outcome in zip(batch, outcomes, strict=True):
                assert pending.future is not None
                if pending.future.done():  # its member's handler was cancelled meanwhile
                    continue
                if isinstance(outcome, Exception):
                    pending.future.set_exception(outcome)
                else:
                    pending.future.set_result(outcome)

    async def _write(self, batch: Sequence[_Pending]) -> list[Saved | Exception]:
        """Save a batch in one transaction, re-reading each survey inside it; one outcome per page."""
        outcomes: list[Saved | Exception] = []
        saves: list[PageSave] = []
        now = self.clock.now()
        async with self.db.transaction():
            current: dict[int, Survey | SurveyRefusal] = {}
            split: dict[int, list[tuple[Question, ...]]] = {}
            for pending in batch:
                if pending.survey_id not in current:
                    try:
                        current[pending.survey_id] = await self.find(pending.guild_id, pending.survey_id)
                    except SurveyRefusal as refusal:
                        current[pending.survey_id] = refusal
                survey = current[pending.survey_id]
                try:
                    if isinstance(survey, SurveyRefusal):
                        raise survey
                    # membership was checked before the batch; what can change meanwhile is open or closed
                    check_can_answer(
                        closed=survey.closed,
                        opens=survey.opens_at,
                        closes=survey.closes_at,
                        now=now,
                        audience=audience_of(survey),
                        member_in=True,
                    )
                    # an edit may have committed since the page was checked: its pages as they are now
                    if survey.id not in split:
                        split[survey.id] = pages(questions_of(survey))
                    now_pages = split[survey.id]
                    if pending.page >= len(now_pages) or (
                        pending.shown is not None
                        and not answers_still_fit(pending.shown, now_pages[pending.page])
                    ):
                        raise SurveyRefusal(CHANGED_MEANWHILE)
                except SurveyRefusal as refusal:
                    outcomes.append(refusal)
                    continue
                count = len(now_pages)
                last_page = pending.page == count - 1
                saves.append(PageSave(survey, pending.user_id, pending.answers, pending.page, last_page))
                outcomes.append(Saved(survey, pending.page, count))
            if saves:
                await self.repo.save_pages(saves, now=now)
        return outcomes

    async def kept_results(self, survey: Survey) -> list[str] | None:
        """The survey's results when they can be had at once: nothing they count changed since the last
        view, or only a few members' answers (those are counted in). None when all must be counted, or
        while another count runs (the caller defers rather than wait for it)."""
        if self._counting.locked():
            return None
        return await self._count(survey, quick=True)

    async def results(self, survey: Survey) -> list[str]:
        """`result_lines` for the survey (see `_count`)."""
        lines = await self._count(survey, quick=False)
        assert lines is not None
        return lines

    async def _count(self, survey: Survey, *, quick: bool) -> list[str] | None:
        """`result_lines` for the survey. The counts are kept (`Counts`, for the last `RESULTS_KEPT`
        surveys viewed): when members' answers changed since, only theirs are read and counted again
        (migration 0022 lists whose); when memberships or unit names changed, the kept answers are counted
        again with the new units; after a restart, a question edit or a deleted profile, everything is read
        and counted, on a worker thread so the bot keeps answering others meanwhile. `quick`: None rather
        than a count of more than `QUICK_CHANGES` members."""
        async with self._counting:  # two organizers at once: one counts, the other gets the same count
            answers, memberships = await self.repo.results_revision(survey.id)
            kept = self._results.get(survey.id)
            if kept is not None and kept.questions != survey.questions:
                kept = None
            if kept is not None and (answers, memberships) == (kept.answers, kept.memberships):
                return kept.lines
            last, changed = (
                (0, None) if kept is None else await self.repo.answer_changes(survey.id, kept.change)
            )
            if kept is None or changed is None:  # everything is read and counted
                if quick:
                    return None
                last = await self.repo.last_change(survey.id)
                counts = await self._counted(survey, await self.repo.all_answers(survey.id))
            elif memberships != kept.memberships:  # the kept answers, with the changed ones, in new units
                if quick:
                    return None
                given = {user: a for user, a in kept.counts.answers.items() if user not in changed}
                given.update(await self.repo.answers_for(survey.id, changed))
                counts = await self._counted(survey, given)
            else:  # only the changed members are counted again
                if quick and len(changed) > QUICK_CHANGES:
                    return None
                counts = kept.counts
                found = await self.repo.answers_for(survey.id, changed)
                counts.update({user: found.get(user) for user in changed})
            lines = counts.lines() if quick else await asyncio.to_thread(counts.lines)
            self._results.pop(survey.id, None)
            self._results[survey.id] = _Kept(survey.questions, answers, memberships, last, counts, lines)
            while len(self._results) > RESULTS_KEPT:
                self._results.pop(next(iter(self._results)))
            if last > (0 if kept is None else kept.change):
                await self.repo.forget_changes(survey.id, last)
            return lines

    async def _counted(self, survey: Survey, answers: Answers) -> Counts:
        """`Counts` of these answers with the guild's groups and teams as they are, on a worker thread."""
        groups = await group_members(self.db, survey.guild_id)
        schools = await school_members(self.db, survey.guild_id)
        return await asyncio.to_thread(Counts, questions_of(survey), answers, groups=groups, schools=schools)

    async def export_member(self, guild_id: int, user_id: int) -> dict[str, Any]:
        """The member's survey data for `/profile export`, readable: each survey's title, each question as
        it was asked and the answer as it was shown (a choice's text, "4 — Agree"), with the question's key."""
        data = await self.repo.member_data(guild_id, user_id)
        found: dict[str, Any] = {}
        if data.answers:
            found["answers"] = [
                {"survey": given.survey_id, "title": given.title, "answers": _named(given)}
                for given in data.answers
            ]
        if data.started:
            found["surveys started"] = data.started
        return found

    async def close(self, survey: Survey) -> bool:
        """Close the survey and cancel its reminders; False when it was closed already."""
        async with self.db.transaction():
            closed = await self.repo.close(survey.id, now=self.clock.now())
            if closed:
                await self.jobs.cancel(owner=survey.owner, guild_id=survey.guild_id)
        return closed

    async def edit(self, survey: Survey, title: str, intro: str, questions: Sequence[Question]) -> Edit:
        """Change an open survey of own questions: anything before the first answer; after it, only what
        keeps every answer with its question and choice (`check_edit`: wording in place, new questions and
        choices at the end), in one transaction that re-reads the questions and whether anyone answered."""
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
