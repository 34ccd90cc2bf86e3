"""Survey jobs end to end: reminders by DM to those in the audience who haven't finished, at most the number
chosen, each exactly once across restarts; the closing time closes the survey even after downtime."""

from __future__ import annotations

from datetime import timedelta

from storage.surveys import SurveyRepository
from tests.e2e.community import Community, eventually
from tests.e2e.steps.server import posts, start_before_the_guild_arrives
from tests.e2e.steps.surveys import PAGE_ONE, answer_all, open_page, post, start

DAY = timedelta(days=1)


async def _reminders(actor: object) -> int:
    return sum("friendly reminder" in m["content"] for m in await actor.dms())  # type: ignore[attr-defined]


UNREACHED = "couldn't reach 1 member who hasn't finished"


async def test_reminders_reach_who_has_not_finished_once_each_across_restarts(community: Community) -> None:
    await community.organizer.run("cop channel", purpose="announcements", channel=community.general_id)
    closed_dms = await community.control.add_member(community.guild_id, "cleo_closed_dms", dms_open=False)
    opened = community.clock.now()
    survey_id = await start(community, closes="in 3 days", reminders=2)
    await answer_all(community, community.alice, survey_id)
    # bob saves one page only: he has not finished, so he is reminded.
    saved = await community.bob.submit(await open_page(community, community.bob, survey_id), PAGE_ONE)

    await community.travel(opened + DAY + timedelta(minutes=1))
    await eventually(lambda: _reminders(community.bob), what="bob's first reminder")
    dm = (await community.bob.dms())[-1]["content"]
    assert "picks up where you stopped" in dm
    assert "<@" not in dm  # nobody named or pinged
    assert await _reminders(community.alice) == 0  # she finished
    assert await closed_dms.dms() == []
    # Her DMs are closed: the organizers hear how many weren't reached, never who.
    [told] = await eventually(lambda: posts(community, UNREACHED), what="the organizers told")
    assert "DMs are closed" in told["content"]
    assert "<@" not in told["content"]
    assert "cleo" not in told["content"]

    await community.restart()
    await community.travel(opened + 2 * DAY + timedelta(minutes=1))
    await eventually(lambda: _at_least(community, 2), what="bob's second reminder")
    await community.restart()
    await community.travel(opened + 3 * DAY + timedelta(minutes=1))
    assert await _reminders(community.bob) == 2  # the number chosen, each once
    assert await _reminders(community.alice) == 0
    assert len(await posts(community, UNREACHED)) == 2  # once for each reminder, across the restarts
    survey = await SurveyRepository(community.bot.db).get(int(community.guild_id), survey_id)
    assert survey is not None
    assert survey.closed
    assert "closed" in (await post(community, survey_id))["content"]
    # bob's saved page counts; his Next page button now says it closed.
    assert (await SurveyRepository(community.bot.db).response_counts(survey_id)) == (2, 1)
    late = await community.bob.click(saved, "Next page")
    assert late.ephemeral
    assert "This survey closed" in late.text


async def _at_least(community: Community, count: int) -> bool:
    return await _reminders(community.bob) >= count


async def test_the_close_runs_after_downtime_and_the_button_survives_a_restart(community: Community) -> None:
    opened = community.clock.now()
    survey_id = await start(community, closes="in 2 days")
    await community.restart()
    page = await open_page(community, community.alice, survey_id)
    assert page.is_modal
    assert "page 1 of 2" in page.data["title"]
    await community.alice.submit(page, PAGE_ONE)
    await community.runner.stop()
    community.clock.set(opened + 5 * DAY)  # the bot was down past the closing time
    await community.runner.start(sync=False)
    await community.bot.scheduler.idle()
    await eventually(lambda: _closed(community, survey_id), what="the survey closed after downtime")
    assert "closed" in (await post(community, survey_id))["content"]


async def _closed(community: Community, survey_id: int) -> bool:
    survey = await SurveyRepository(community.bot.db).get(int(community.guild_id), survey_id)
    return survey is not None and survey.closed


async def test_a_reminder_due_during_downtime_reaches_everyone_once(community: Community) -> None:
    opened = community.clock.now()
    survey_id = await start(community, closes="in 3 days", reminders=2)  # one a day
    await answer_all(community, community.alice, survey_id)
    await community.runner.stop()
    community.clock.set(opened + DAY + timedelta(hours=1))  # the first fell due while the bot was down
    await start_before_the_guild_arrives(community, "survey.remind")
    await eventually(lambda: _reminders(community.bob), within=15, what="bob's reminder after downtime")
    await community.bot.scheduler.idle()
    await community.restart()
    await community.bot.scheduler.idle()
    assert await _reminders(community.bob) == 1
    assert await _reminders(community.organizer) == 1  # everyone: the organizer too has not answered
    assert await _reminders(community.alice) == 0


async def test_a_survey_closed_at_start_up_is_marked_closed_on_its_post(community: Community) -> None:
    opened = community.clock.now()
    survey_id = await start(community, opens="in 1 day", closes="in 2 days")
    before = (await post(community, survey_id))["content"]
    assert "**Open from:**" in before  # still true once it opened: the post isn't edited then
    assert "Opens" not in before
    await community.runner.stop()
    community.clock.set(opened + 4 * DAY)  # closed while the bot was down
    await start_before_the_guild_arrives(community, "survey.close")
    await eventually(lambda: _closed(community, survey_id), within=15, what="the survey closed")

    async def marked() -> bool:
        message = await post(community, survey_id)
        return "Thank you to everyone who answered" in message["content"] and not message["components"]

    await eventually(marked, within=15, what="the post marked closed")
