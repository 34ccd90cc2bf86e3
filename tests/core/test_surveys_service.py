"""The survey use cases on a real SQLite file with a fake scheduler: starting writes its close job and
reminders, pages are saved whole or not at all, resuming and changing answers, the audience, closing mid-way
and a member's data exported and deleted."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from core.clock import ManualClock
from core.surveys.custom import parse_questions
from core.surveys.errors import SurveyRefusal
from core.surveys.questions import Kind, to_json
from core.surveys.service import CLOSE_KIND, REMIND_KIND, SurveyService
from core.surveys.templates import READINESS
from storage.database import Database
from storage.groups import GroupRepository
from storage.surveys import NewSurvey
from tests.core.fakes import FakeJobs

NOW = datetime(2026, 10, 14, 17, 0, tzinfo=UTC)
GUILD, ALICE, BOB = 1, 100, 200
PAGE_ONE = {"vision": ["4"], "partners": ["3"], "rhythm": ["5"], "roles": ["2"], "leaders": ["4"]}
PAGE_TWO = {"families": ["3"], "evidence": ["2"], "stage": ["2"], "support": ["1", "4"], "next": [""]}


def _new(**changes: object) -> NewSurvey:
    fields: dict[str, object] = {
        "guild_id": GUILD,
        "author_id": 9,
        "template": READINESS.key,
        "title": READINESS.title,
        "intro": READINESS.intro,
        "questions": to_json(READINESS.questions),
        "audience": "everyone",
        "unit_id": None,
        "unit_name": "",
        "opens_at": NOW,
        "closes_at": NOW + timedelta(days=4),
        "reminders": 3,
        "keep_ids": False,
        "channel_id": 5,
    }
    fields.update(changes)
    return NewSurvey(**fields)  # type: ignore[arg-type]


@pytest.fixture
def jobs() -> FakeJobs:
    return FakeJobs()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(NOW)


@pytest.fixture
def service(db: Database, jobs: FakeJobs, clock: ManualClock) -> SurveyService:
    return SurveyService(db, jobs, clock)


async def test_starting_schedules_the_close_and_the_reminders(service: SurveyService, jobs: FakeJobs) -> None:
    survey = await service.start(_new())
    kinds = [(kind, due) for kind, due, _, _, _ in jobs.scheduled]
    assert kinds[0] == (CLOSE_KIND, NOW + timedelta(days=4))
    assert kinds[1:] == [(REMIND_KIND, NOW + timedelta(days=d)) for d in (1, 2, 3)]
    assert {owner for *_, owner in jobs.scheduled} == {survey.owner}


async def test_a_past_closing_time_is_refused_and_nothing_is_saved(
    service: SurveyService, jobs: FakeJobs
) -> None:
    with pytest.raises(SurveyRefusal, match="already passed"):
        await service.start(_new(closes_at=NOW - timedelta(hours=1)))
    assert await service.repo.all(GUILD) == []
    assert jobs.scheduled == []


async def test_pages_resume_and_answers_change(service: SurveyService) -> None:
    survey = await service.start(_new())
    first = await service.page_for(GUILD, survey.id, ALICE)
    assert (first.number, first.count, first.again) == (0, 2, False)
    saved = await service.save(GUILD, survey.id, ALICE, 0, PAGE_ONE)
    assert saved.next_page == 1
    resumed = await service.page_for(GUILD, survey.id, ALICE)
    assert resumed.number == 1
    assert resumed.earlier["vision"] == ("4",)
    done = await service.save(GUILD, survey.id, ALICE, 1, PAGE_TWO)
    assert done.next_page is None
    again = await service.page_for(GUILD, survey.id, ALICE)
    assert (again.number, again.again) == (0, True)
    await service.save(GUILD, survey.id, ALICE, 0, {**PAGE_ONE, "vision": ["1"]})
    stored = await service.repo.answers_of(survey.id, ALICE)
    assert stored["vision"] == ("1",)
    assert "next" not in stored  # the optional text left empty is not stored
    progress = await service.repo.progress(survey.id, ALICE)
    assert progress is not None
    assert progress.finished


async def test_a_page_with_one_bad_answer_saves_nothing(service: SurveyService) -> None:
    survey = await service.start(_new())
    with pytest.raises(SurveyRefusal, match="number from 1 to 5"):
        await service.save(GUILD, survey.id, ALICE, 0, {**PAGE_ONE, "roles": ["9"]})
    assert await service.repo.answers_of(survey.id, ALICE) == {}
    assert await service.repo.progress(survey.id, ALICE) is None
    with pytest.raises(SurveyRefusal, match="no longer exists"):
        await service.save(GUILD, survey.id, ALICE, 7, PAGE_ONE)


async def test_the_audience_is_checked_when_opening_and_saving(db: Database, service: SurveyService) -> None:
    groups = GroupRepository(db)
    teachers = await groups.add(GUILD, "Teachers", now=NOW)
    await groups.add_members(GUILD, ALICE, [teachers.id], NOW)
    survey = await service.start(_new(audience="group", unit_id=teachers.id, unit_name="Teachers"))
    assert (await service.page_for(GUILD, survey.id, ALICE)).number == 0
    with pytest.raises(SurveyRefusal, match="isn't one for you"):
        await service.page_for(GUILD, survey.id, BOB)
    with pytest.raises(SurveyRefusal, match="isn't one for you"):
        await service.save(GUILD, survey.id, BOB, 0, PAGE_ONE)
    with pytest.raises(SurveyRefusal, match="no survey #99"):
        await service.page_for(GUILD, 99, ALICE)
    with pytest.raises(SurveyRefusal, match="no survey"):
        await service.page_for(GUILD + 1, survey.id, ALICE)  # another server's survey


async def test_closing_mid_way_keeps_saved_pages(service: SurveyService, jobs: FakeJobs) -> None:
    survey = await service.start(_new())
    await service.save(GUILD, survey.id, ALICE, 0, PAGE_ONE)
    assert await service.close(survey)
    assert jobs.cancelled == [(survey.owner, GUILD)]
    assert not await service.close(survey)  # already closed
    with pytest.raises(SurveyRefusal, match=r"closed .* already saved were kept"):
        await service.save(GUILD, survey.id, ALICE, 1, PAGE_TWO)
    assert set(await service.repo.answers_of(survey.id, ALICE)) == set(PAGE_ONE)
    assert await service.repo.response_counts(survey.id) == (1, 0)


async def test_not_open_yet_and_past_closing(service: SurveyService, clock: ManualClock) -> None:
    survey = await service.start(_new(opens_at=NOW + timedelta(days=1)))
    with pytest.raises(SurveyRefusal, match="opens"):
        await service.page_for(GUILD, survey.id, ALICE)
    clock.set(NOW + timedelta(days=4))
    with pytest.raises(SurveyRefusal, match="closed"):
        await service.page_for(GUILD, survey.id, ALICE)


async def test_a_members_data_is_exported_and_deleted(service: SurveyService) -> None:
    survey = await service.start(_new(author_id=ALICE))
    await service.save(GUILD, survey.id, ALICE, 0, PAGE_ONE)
    await service.save(GUILD, survey.id, BOB, 0, PAGE_ONE)
    await service.repo.mark_reminded(survey, 1, ALICE)
    exported = await service.export_member(GUILD, ALICE)
    [given] = exported["answers"]
    assert (given["survey"], given["title"]) == (survey.id, READINESS.title)
    assert len(given["answers"]) == 5
    assert exported["surveys started"][0]["id"] == survey.id
    removed = await service.repo.delete_member(GUILD, ALICE)
    assert removed == 5 + 1 + 1 + 1  # answers, progress, reminder mark, authorship
    assert await service.export_member(GUILD, ALICE) == {}
    assert len(await service.repo.answers_of(survey.id, BOB)) == 5
    kept = await service.repo.get(GUILD, survey.id)
    assert kept is not None
    assert kept.author_id is None


async def test_edits_keep_answers_with_their_questions(service: SurveyService) -> None:
    own = parse_questions("We meet often [1-5]\nStage [choice: Start, Going]")
    survey = await service.start(_new(template=None, questions=to_json(own)))
    before = await service.edit(survey, "New title", "", parse_questions("Anything? [text]"))
    assert [q.kind for q in before.questions] == [Kind.TEXT]  # no answers yet: anything goes
    await service.edit(survey, "Title", "", own)
    await service.save(GUILD, survey.id, ALICE, 0, {"q1": ["4"], "q2": ["1"]})
    with pytest.raises(SurveyRefusal, match="type can't change"):
        await service.edit(survey, "Title", "", parse_questions("We meet often [text]\nStage [choice: A, B]"))
    edit = await service.edit(
        survey, "Title", "", parse_questions("Our team meets often [1-5]\nStage [choice: Start, Going]")
    )
    assert edit.reworded == ("q1",)
    assert (await service.repo.answers_of(survey.id, ALICE))["q1"] == ("4",)
    template = await service.start(_new())
    with pytest.raises(SurveyRefusal, match="keep the template's wording"):
        await service.edit(template, "x", "", own)
    await service.close(survey)
    with pytest.raises(SurveyRefusal, match="closed"):
        await service.edit(survey, "Title", "", own)


async def test_pages_submitted_at_once_are_saved_together_each_with_its_own_outcome(
    db: Database, service: SurveyService
) -> None:
    groups = GroupRepository(db)
    teachers = await groups.add(GUILD, "Teachers", now=NOW)
    members = list(range(1000, 1040))
    for user in members:
        await groups.add_members(GUILD, user, [teachers.id], NOW)
    survey = await service.start(_new(audience="group", unit_id=teachers.id, unit_name="Teachers"))
    outcomes = await asyncio.gather(
        *(service.save(GUILD, survey.id, user, 0, PAGE_ONE) for user in members),
        service.save(GUILD, survey.id, BOB, 0, PAGE_ONE),  # not a teacher
        service.save(GUILD, survey.id, members[0], 1, PAGE_TWO),
        return_exceptions=True,
    )
    assert all(getattr(o, "page", None) == 0 for o in outcomes[:40])
    assert isinstance(outcomes[40], SurveyRefusal)
    assert getattr(outcomes[41], "next_page", "?") is None
    assert await service.repo.response_counts(survey.id) == (40, 1)
    assert await service.repo.progress(survey.id, BOB) is None
    assert len(await service.repo.answers_of(survey.id, members[0])) == 9  # both pages (no optional text)


async def test_a_survey_closed_before_a_batch_is_written_refuses_every_page_in_it(
    db: Database, service: SurveyService
) -> None:
    survey = await service.start(_new())
    await service.save(GUILD, survey.id, ALICE, 0, PAGE_ONE)
    waiting = [asyncio.ensure_future(service.save(GUILD, survey.id, u, 0, PAGE_ONE)) for u in (BOB, 300)]
    async with db.transaction():  # holds the writer: the pages above are checked and queued, not written
        for _ in range(2000):
            if service.unwritten == 2:  # both passed the first check, against the open survey
                break
            await asyncio.sleep(0.001)
        assert service.unwritten == 2
        assert await service.repo.close(survey.id, now=NOW)
    for page in waiting:
        with pytest.raises(SurveyRefusal, match="closed"):
            await page
    assert await service.repo.response_counts(survey.id) == (1, 0)


async def test_results_are_counted_again_only_when_what_they_count_changed(
    db: Database, service: SurveyService
) -> None:
    groups = GroupRepository(db)
    teachers = await groups.add(GUILD, "Teachers", now=NOW)
    survey = await service.start(_new())
    for user in range(1000, 1006):
        await groups.add_members(GUILD, user, [teachers.id], NOW)
        await service.save(GUILD, survey.id, user, 0, PAGE_ONE)
    assert await service.kept_results(survey) is None
    first = await service.results(survey)
    assert "  Teachers (6 answered): 1: 0 · 2: 0 · 3: 0 · 4: 6 · 5: 0" in first
    assert await service.kept_results(survey) is first
    assert await service.results(survey) is first
    await service.save(GUILD, survey.id, 1000, 0, {**PAGE_ONE, "vision": ["5"]})  # a changed answer
    changed = await service.kept_results(survey)  # counted in at once: only that member is read again
    assert changed is not None
    assert changed == await service.results(survey)
    assert "  4 — Agree: hidden" in changed  # 6 answered: 5 and "fewer than 5" would give 6 - 5 = 1
    assert "  Teachers (6 answered): 1: 0 · 2: 0 · 3: 0 · 4: hidden · 5: fewer than 5" in changed
    await groups.add_members(GUILD, ALICE, [teachers.id], NOW)  # a membership
    assert await service.kept_results(survey) is None
    await service.results(survey)
    await db.execute("UPDATE stakeholder_groups SET name = 'Educators' WHERE id = ?", (teachers.id,))
    assert await service.kept_results(survey) is None
    assert any(line.startswith("  Educators (6 answered)") for line in await service.results(survey))
    await service.repo.delete_member(GUILD, 1001)  # /profile delete
    assert await service.kept_results(survey) is None
    assert any(line.startswith("  Educators (5 answered)") for line in await service.results(survey))


async def test_a_page_queued_while_an_edit_moves_its_questions_is_refused(
    db: Database, service: SurveyService
) -> None:
    own = parse_questions("We meet often [1-5]\nWe share resources [1-5]")
    survey = await service.start(_new(template=None, questions=to_json(own)))
    page = await service.page_for(GUILD, survey.id, ALICE)
    waiting = asyncio.ensure_future(
        service.save(GUILD, survey.id, ALICE, 0, {"q1": ["5"], "q2": ["1"]}, shown=page.questions)
    )
    async with db.transaction():  # the page passed its first check and waits for the writer
        for _ in range(2000):
            if service.unwritten == 1:
                break
            await asyncio.sleep(0.001)
        assert service.unwritten == 1
        swapped = parse_questions("We share resources [1-5]\nWe meet often [1-5]")
        await service.repo.update(survey.id, title="t", intro="", questions=to_json(swapped))
    with pytest.raises(SurveyRefusal, match="changed while you had this page open"):
        await waiting
    assert await service.repo.answers_of(survey.id, ALICE) == {}
    # Reworded only: the same page as shown is still saved.
    page = await service.page_for(GUILD, survey.id, ALICE)
    reworded = parse_questions("We share our resources [1-5]\nWe meet often [1-5]")
    await service.repo.update(survey.id, title="t", intro="", questions=to_json(reworded))
    await service.save(GUILD, survey.id, ALICE, 0, {"q1": ["5"], "q2": ["1"]}, shown=page.questions)
    assert await service.repo.answers_of(survey.id, ALICE) == {"q1": ("5",), "q2": ("1",)}


async def test_a_question_added_at_the_end_after_answers_gets_a_new_key_and_page(
    service: SurveyService,
) -> None:
    five = "\n".join(f"Question {n} [1-5]" for n in range(1, 6))
    survey = await service.start(_new(template=None, questions=to_json(parse_questions(five))))
    await service.save(GUILD, survey.id, ALICE, 0, {f"q{n}": ["3"] for n in range(1, 6)})
    keys = [f"q{n}" for n in range(1, 6)]
    edit = await service.edit(survey, "t", "", parse_questions(five + "\nOne more [text]", keys=keys))
    assert edit.added == ("q6",)
    changed = await service.find(GUILD, survey.id)
    page = await service.page_for(GUILD, changed.id, BOB)
    assert page.count == 2
    assert (await service.repo.answers_of(survey.id, ALICE))["q5"] == ("3",)
    with pytest.raises(SurveyRefusal, match="was question 1 and is now question 2"):
        await service.edit(changed, "t", "", parse_questions("New first [1-5]\n" + five, keys=keys))


async def test_a_members_export_names_each_question_and_answer_as_asked(service: SurveyService) -> None:
    survey = await service.start(_new())
    await service.save(GUILD, survey.id, ALICE, 0, PAGE_ONE)
    await service.save(GUILD, survey.id, ALICE, 1, {**PAGE_TWO, "next": ["Meet monthly"]})
    own = parse_questions(
        "How confident are you explaining engineering careers to your students? [1-5]\n"
        "Would you come? [choice: Yes, No]"
    )
    other = await service.start(_new(template=None, title="Family night", questions=to_json(own)))
    await service.save(GUILD, other.id, ALICE, 0, {"q1": ["2"], "q2": ["1"]})
    exported = await service.export_member(GUILD, ALICE)
    first, second = exported["answers"]
    assert first["title"] == "School team readiness self-assessment"
    assert first["answers"][0] == {
        "question": "Our team has a shared vision for STEM",
        "key": "vision",
        "answer": "4 — Agree",
    }
    by_key = {a["key"]: a for a in first["answers"]}
    assert [a["key"] for a in first["answers"]] == [q.key for q in READINESS.questions]  # the survey's order
    assert by_key["stage"]["answer"] == "Building momentum"
    assert by_key["support"]["answer"] == ["Meeting ideas and agendas", "Funding and grants"]
    assert by_key["next"] == {
        "question": "One next step your team will take",
        "key": "next",
        "answer": "Meet monthly",
    }
    assert second["title"] == "Family night"
    assert second["answers"] == [
        {
            "question": "How confident are you explaining engineering careers to your students?",
            "key": "q1",
            "answer": "2 — Disagree",
        },
        {"question": "Would you come?", "key": "q2", "answer": "Yes"},
    ]


async def test_results_counted_in_step_by_step_equal_a_count_of_everything(
    db: Database, service: SurveyService
) -> None:
    """Answers saved, changed and cleared, members joining and leaving groups and teams, a profile deleted,
    a row changed behind the bot's back: after each, the kept counts equal counting everything afresh."""
    import random

    from core.surveys.results import result_lines
    from storage.schools import SchoolRepository
    from storage.surveys import group_members, school_members

    rng = random.Random(16)
    groups = [await GroupRepository(db).add(GUILD, name, now=NOW) for name in ("Teachers", "Parents")]
    schools = [await SchoolRepository(db).add(GUILD, name, now=NOW) for name in ("Adams", "Baker")]
    survey = await service.start(_new())
    members = list(range(1000, 1040))
    page = {k: list(v) for k, v in PAGE_ONE.items()}

    async def fresh() -> list[str]:
        return result_lines(
            [q for q in READINESS.questions],
            await service.repo.all_answers(survey.id),
            groups=await group_members(db, GUILD),
            schools=await school_members(db, GUILD),
        )

    full_reads = 0
    last_change = service.repo.last_change

    async def reading_everything(survey_id: int) -> int:  # called only when everything is read again
        nonlocal full_reads
        full_reads += 1
        return await last_change(survey_id)

    service.repo.last_change = reading_everything  # type: ignore[method-assign]
    for step in range(120):
        user = rng.choice(members)
        action = rng.random()
        if action < 0.3:
            await service.save(GUILD, survey.id, user, 0, {key: [rng.choice("12345")] for key in page})
        elif action < 0.5:
            given = {key: list(values) for key, values in PAGE_TWO.items()}
            given["support"] = rng.sample(["1", "2", "3", "4"], rng.randint(1, 3))
            given["next"] = [rng.choice(["", "", "more partners"])]  # often cleared: optional
            await service.save(GUILD, survey.id, user, 1, given)
        elif action < 0.7:
            table, unit = rng.choice([("group_members", "group_id"), ("school_members", "school_id")])
            chosen = rng.choice(groups if table == "group_members" else schools).id
            await db.execute(
                f"INSERT OR IGNORE INTO {table} (guild_id, {unit}, user_id, joined_at) VALUES (?, ?, ?, ?)",
                (GUILD, chosen, user, "2026-10-14T17:00:00+00:00"),
            )
        elif action < 0.8:
            await db.execute("DELETE FROM group_members WHERE user_id = ?", (user,))
        elif action < 0.9:
            await db.execute(
                "UPDATE survey_answers SET answer = ? WHERE survey_id = ? AND user_id = ? AND question_key = ?",
                ('["1"]', survey.id, user, "vision"),
            )
        else:
            await service.repo.delete_member(GUILD, user)
            assert (
                await db.fetchval("SELECT COUNT(*) FROM survey_answer_changes WHERE user_id = ?", (user,))
                == 0
            )
        if step % 3 == 0:
            assert await service.results(survey) == await fresh(), f"step {step}"
    assert await service.results(survey) == await fresh()
    assert 0 < full_reads < 10  # the first view, and after each deleted profile: not the 40 others
    # what was counted is forgotten: the change list keeps nothing counted, and nobody deleted
    assert await db.fetchval("SELECT COUNT(*) FROM survey_answer_changes") == 0
