"""The value stories' rules: who is prompted, one prompt per meeting, the follow-up's audience, consent and
naming, small counts suppressed, and the use cases on a real database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.clock import ManualClock
from core.stories import rules
from core.stories.service import StoryService
from storage.database import Database
from storage.stories import Consent, Cycle, NewStory, Story, StoryRepository
from tests.core.fakes import FakeJobs

NOW = datetime(2026, 10, 14, 17, 0, tzinfo=UTC)


def story(author: int, **fields: object) -> Story:
    values: dict[str, object] = {"guild_id": 1, "author_id": author, "cycle": Cycle.POTENTIAL, "text": "x"}
    values.update(fields)
    return Story(**values)  # type: ignore[arg-type]


def test_checked_in_or_going_are_prompted_once_and_never_when_off() -> None:
    assert rules.to_prompt([3, 1], [1, 2, 4], prompts_off=[4], already=[]) == [3, 1, 2]
    assert rules.to_prompt([3, 1], [1, 2], prompts_off=[], already=[1, 2, 3]) == []


def test_follow_up_only_for_a_first_answer_of_someone_with_prompts_on() -> None:
    assert rules.wants_followup(answered_before=False, prompts_on=True)
    assert not rules.wants_followup(answered_before=True, prompts_on=True)
    assert not rules.wants_followup(answered_before=False, prompts_on=False)
    assert rules.followup_due(NOW, 28) == NOW + timedelta(days=28)


def test_only_agreed_shareable_stories_name_their_author_and_never_a_student() -> None:
    assert rules.visible_author(story(7, consent=Consent.SHAREABLE, named=True)) == 7
    assert rules.visible_author(story(7, consent=Consent.SHAREABLE, named=False)) is None
    assert rules.visible_author(story(7, consent=Consent.PRIVATE, named=True)) is None
    assert rules.visible_author(story(7, consent=Consent.SHAREABLE, named=True, group_protected=True)) is None


def test_counts_of_fewer_than_five_people_are_suppressed_and_protected_groups_unnamed() -> None:
    stories = [story(a, group_name="Teachers") for a in range(5)]
    stories += [story(9, group_name="Students", group_protected=True, cycle=Cycle.APPLIED)]
    stories += [story(9, consent=Consent.SHAREABLE, group_name="Parents")] * 3  # one person, three stories
    found = rules.report(stories)
    groups = {c.label: c.stories for c in found.by_group}
    assert groups == {"Teachers": "5", "a protected group": rules.FEWER, "Parents": rules.FEWER}
    cycles = {c.label: c.stories for c in found.by_cycle}
    assert cycles == {"plan to use": "8", "tried it": rules.FEWER}
    assert len(found.shareable) == 3


def test_text_is_kept_as_typed_within_the_limit() -> None:
    text = "@everyone <@123> " * 10
    assert rules.check_text(f"  {text}  ") == text.strip()
    with pytest.raises(rules.Refused, match="empty"):
        rules.check_text("   ")
    with pytest.raises(rules.Refused, match="4000"):
        rules.check_text("x" * 4001)


async def test_a_meeting_end_plans_prompts_once_and_an_answer_one_follow_up(db: Database) -> None:
    jobs = FakeJobs()
    service = StoryService(db, jobs, ManualClock(NOW))
    assert await service.meeting_ended(1, 42)
    assert not await service.meeting_ended(1, 42)
    assert [(k, p) for k, _, p, _, _ in jobs.scheduled] == [(rules.PROMPT_KIND, {"meeting_id": 42})]
    repo = StoryRepository(db)
    await repo.add_prompts(1, 42, [5, 6], now=NOW)
    await repo.add_prompts(1, 42, [5], now=NOW)  # never a second prompt
    prompt = await repo.prompt_for(42, 5)
    assert prompt is not None
    assert len(await repo.prompts_of_meeting(42)) == 2
    told = await service.tell(NewStory(1, 5, Cycle.POTENTIAL, "an idea"), prompt=prompt)
    assert told.followup_at == NOW + timedelta(days=28)
    again = await service.tell(NewStory(1, 5, Cycle.POTENTIAL, "another"), prompt=prompt)
    assert again.followup_at is None
    assert [k for k, *_ in jobs.scheduled].count(rules.FOLLOWUP_KIND) == 1
    await repo.set_prompts(1, 6, on=False)
    other = await repo.prompt_for(42, 6)
    assert other is not None
    assert (await service.tell(NewStory(1, 6, Cycle.POTENTIAL, "x"), prompt=other)).followup_at is None
