"""`/announce`: what an organizer sees when time or another organizer gets there first."""

from __future__ import annotations

from datetime import timedelta

from storage.announcements import AnnouncementState
from tests.e2e.community import Community
from tests.e2e.steps.announcements import create, schedule, state_of

GENERIC = "Something went wrong"


async def test_confirming_a_preview_after_its_time_passed_answers_the_click(community: Community) -> None:
    preview = await create(community, when="in 1 hour")
    community.clock.advance(timedelta(hours=2))
    answer = await community.organizer.click(preview, "Schedule it")
    assert "passed while the preview was open" in answer.text
    assert answer.buttons == []


async def test_cancelling_an_announcement_that_finished_meanwhile_says_so(community: Community) -> None:
    announcement_id = await schedule(community, when="tomorrow 9am")
    question = await community.organizer.run("announce cancel", id=announcement_id)
    await community.bot.db.execute(
        "UPDATE announcements SET state = 'finished' WHERE id = ?", (announcement_id,)
    )
    answer = await community.organizer.click(question, "Cancel it")
    assert GENERIC not in answer.text
    assert "Cancelled announcement" not in answer.text
    assert "finished" in answer.text
    assert await state_of(community, announcement_id) is AnnouncementState.FINISHED


async def test_an_edit_form_sent_after_the_announcement_was_cancelled_does_not_bring_it_back(
    community: Community,
) -> None:
    announcement_id = await schedule(community, when="tomorrow 9am")
    form = await community.organizer.run(
        "announce edit", id=announcement_id, when="tomorrow 10am", change_text=True
    )
    assert form.is_modal, form.text
    question = await community.organizer.run("announce cancel", id=announcement_id)
    await community.organizer.click(question, "Cancel it")
    answer = await community.organizer.submit(form, {"text": "New text", "title": ""})
    assert "was cancelled" in answer.text
    assert await state_of(community, announcement_id) is AnnouncementState.CANCELLED
    pending = await community.bot.db.fetchval(
        "SELECT COUNT(*) FROM jobs WHERE owner = ? AND state = 'pending'",
        (f"announcement:{announcement_id}",),
    )
    assert pending == 0
