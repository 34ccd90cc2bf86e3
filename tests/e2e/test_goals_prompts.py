"""Goal check-in prompts end to end: posted in the team's channel on the team's cadence, exactly once even
across restarts, with a Check in button that works after a restart for the team's members only; the whole
community's in the announcements channel, for organizers; a removed school's prompts stop and organizers hear
of it once."""

from __future__ import annotations

from datetime import timedelta

from storage.jobs import to_db_time
from tests.e2e.community import Community, eventually
from tests.e2e.steps.goals import PROMPT, add_goal, goal_ids, prompts, repo, school_team
from tests.e2e.steps.introductions import ready
from tests.e2e.steps.server import posts

DAY = timedelta(days=1)


async def _prompt_mentions(community: Community) -> list[object]:
    """The allowed_mentions of each prompt the bot posted."""
    return [
        (r.get("json") or {}).get("allowed_mentions")
        for r in await community.control.requests()
        if r["method"] == "POST" and r["status"] < 300 and PROMPT in str((r.get("json") or {}).get("content"))
    ]


async def _pending(community: Community) -> list[str]:
    rows = await community.bot.db.fetchall(
        "SELECT scheduled_for FROM jobs WHERE kind = 'goals.prompt' AND state = 'pending' ORDER BY scheduled_for"
    )
    return [r["scheduled_for"] for r in rows]


async def test_prompts_come_on_the_cadence_once_and_the_button_opens_the_check_in(
    community: Community,
) -> None:
    alice, bob = community.alice, community.bob
    lincoln = await school_team(community, "Lincoln Elementary", alice)
    await add_goal(alice, "Robotics club")
    await add_goal(alice, "Family STEM night")
    first, _ = await goal_ids(community, lincoln)
    start = community.clock.now()

    set_ = await alice.run("goals cadence", every="biweekly")
    assert "will be asked to check in every 2 weeks" in set_.text
    assert set_.ephemeral
    await community.restart()
    await community.travel(start + 13 * DAY)
    assert await prompts(community, lincoln) == []
    await community.travel(start + 15 * DAY)
    [prompt] = await eventually(lambda: prompts(community, lincoln), what="the first prompt")
    assert "the Lincoln Elementary team" in prompt["content"]
    assert await _prompt_mentions(community) == [{"parse": []}]  # pings nobody
    assert len(await _pending(community)) == 1

    await community.restart()  # the button still works
    # Bob still sees the channel (his role is there) but copbot's records no longer count him in the team.
    assert "You joined" in (await bob.run("schools join", school="Lincoln Elementary")).text
    await community.bot.db.execute("DELETE FROM school_members WHERE user_id = ?", (int(bob.user_id),))
    refused = await bob.click(prompt, "Check in")
    assert not refused.is_modal
    assert "Only members of the Lincoln Elementary team" in refused.text
    form = await alice.click(prompt, "Check in")
    assert form.is_modal
    done = await alice.submit(form, {"goal": [str(first)], "status": ["done"], "note": "We did it"})
    assert "Checked in on goal" in done.text
    assert "Done" in done.text
    goal = await repo(community).goal(int(community.guild_id), first)
    assert goal is not None
    assert goal.status == "done"

    await community.travel(start + 29 * DAY)
    assert len(await prompts(community, lincoln)) == 2
    assert len(await _pending(community)) == 1

    off = await alice.run("goals cadence", every="off")
    assert "are off" in off.text
    assert await _pending(community) == []
    await community.travel(start + 60 * DAY)
    assert len(await prompts(community, lincoln)) == 2
    assert "Check-in prompts: off" in (await alice.run("goals show")).embeds[0]["footer"]["text"]


async def test_a_prompt_due_while_the_bot_was_down_or_rerun_is_posted_once(community: Community) -> None:
    alice = community.alice
    lincoln = await school_team(community, "Lincoln Elementary", alice)
    await add_goal(alice, "Robotics club")
    start = community.clock.now()
    await alice.run("goals cadence", every="monthly")

    await community.runner.stop()
    community.clock.set(start + 70 * DAY)  # two monthly prompts fell due while the bot was down
    await community.runner.start(sync=False)
    await eventually(lambda: prompts(community, lincoln), within=10, what="the overdue prompt")
    await community.bot.scheduler.idle()
    assert len(await prompts(community, lincoln)) == 1  # the missed ones are not caught up one by one
    [next_due] = await _pending(community)
    assert next_due > to_db_time(community.clock.now())

    # As if the bot died after posting but before finishing the job: it runs again, posts nothing new and
    # plans the next prompt only once.
    await community.bot.db.execute(
        "UPDATE jobs SET state = 'running' WHERE id = (SELECT MAX(id) FROM jobs WHERE kind = 'goals.prompt'"
        " AND state = 'done')"
    )
    await community.restart()
    await community.bot.scheduler.idle()
    assert len(await prompts(community, lincoln)) == 1
    assert await _pending(community) == [next_due]


async def test_a_removed_schools_prompts_stop_and_organizers_hear_once(community: Community) -> None:
    alice = community.alice
    await community.organizer.run("cop channel", purpose="announcements", channel=community.general_id)
    lincoln = await school_team(community, "Lincoln Elementary", alice)
    await add_goal(alice, "Robotics club")
    start = community.clock.now()
    await alice.run("goals cadence", every="biweekly")

    asked = await community.organizer.run("schools remove", name="Lincoln Elementary")
    assert "shared vision and 1 goal with their check-ins are deleted with it" in asked.text
    await community.organizer.click(asked, "Remove school")
    await eventually(lambda: community.channel("archived-lincoln-elementary"), what="the archive")
    assert await repo(community).goals(int(community.guild_id), lincoln.id) == []
    gone = await alice.run("goals show", team="Lincoln Elementary")
    assert "I don't know a school called" in gone.text
    assert "I don't know a school called" in (await alice.run("goals add", team="Lincoln Elementary")).text

    await community.travel(start + 15 * DAY)
    told = await eventually(
        lambda: posts(
            community, "check-in prompts of **Lincoln Elementary** have stopped", community.general_id
        ),
        what="the organizers' notice",
    )
    assert len(told) == 1
    await community.restart()
    await community.travel(start + 60 * DAY)
    assert len(await posts(community, "have stopped", community.general_id)) == 1
    assert await _pending(community) == []
    assert await prompts(community, lincoln) == []


async def test_the_whole_communitys_prompts_go_to_the_announcements_channel_for_organizers(
    community: Community,
) -> None:
    await ready(community)  # /cop setup: the announcements channel
    announcements = await community.control.channel_id(community.guild_id, "announcements")
    organizer, alice = community.organizer, community.alice
    await add_goal(organizer, "Statewide showcase", team="The whole community")
    start = community.clock.now()
    set_ = await organizer.run("goals cadence", every="monthly", team="The whole community")
    assert "The whole community will be asked to check in monthly, in the announcements channel" in set_.text

    async def community_prompts() -> list[dict[str, object]]:
        messages = await community.control.messages(announcements)
        return [m for m in messages if PROMPT in str(m.get("content") or "")]

    await community.runner.stop()
    community.clock.set(start + 32 * DAY)  # due while the bot was down
    await community.runner.start(sync=False)
    [prompt] = await eventually(community_prompts, within=10, what="the community's prompt")
    assert "the whole community" in str(prompt["content"])
    await community.bot.scheduler.idle()
    await community.restart()
    await community.bot.scheduler.idle()
    assert len(await community_prompts()) == 1  # exactly once
    assert len(await _pending(community)) == 1  # the next one is planned

    refused = await alice.click(prompt, "Check in")
    assert not refused.is_modal
    assert "Only organizers" in refused.text
    form = await organizer.click(prompt, "Check in")
    assert form.is_modal
    [goal] = await repo(community).goals(int(community.guild_id), None)
    done = await organizer.submit(form, {"goal": [str(goal.id)], "status": ["at_risk"], "note": "Venue?"})
    assert "Checked in on goal" in done.text
    checked = await repo(community).goal(int(community.guild_id), goal.id)
    assert checked is not None
    assert checked.status == "at_risk"
