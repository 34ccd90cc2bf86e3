"""`/goals` end to end: team members keep their school team's vision, goals and check-ins; other teams' members
are refused; organizers keep the community's goals and see every team's counts."""

from __future__ import annotations

import json

from tests.e2e.community import Community, eventually
from tests.e2e.steps.goals import add_goal, goal_ids, repo, school_team


async def test_a_team_keeps_its_vision_goals_and_check_ins(community: Community) -> None:
    alice, bob = community.alice, community.bob
    lincoln = await school_team(community, "Lincoln Elementary", alice)
    await school_team(community, "Roosevelt Middle School", bob)

    form = await alice.run("goals vision")
    assert form.is_modal
    saved = await alice.submit(form, {"vision": "Every student builds something real <@everyone>"})
    assert "Saved the shared vision of the Lincoln Elementary team" in saved.text
    assert saved.ephemeral
    added = await add_goal(alice, "Robotics club", "A club of 20 students by May")
    assert "Added goal #" in added.text
    await add_goal(alice, "Family STEM night")
    first, second = await goal_ids(community, lincoln)

    shown = await alice.run("goals show")
    assert shown.ephemeral
    card = shown.embeds[0]
    assert card["title"] == "Goals · Lincoln Elementary"
    assert "Every student builds something real" in card["description"]
    assert "@everyone" not in card["description"].replace("@\u200beveryone", "")
    assert [f["name"] for f in card["fields"]] == [
        f"#{first} · Robotics club",
        f"#{second} · Family STEM night",
    ]
    assert "A club of 20 students by May" in card["fields"][0]["value"]
    assert "On track" in card["fields"][0]["value"]

    choices = await alice.autocomplete("goals edit", "goal", goal="robot")
    assert [c["value"] for c in choices] == [str(first)]
    assert await bob.autocomplete("goals edit", "goal", goal="") == []

    risky = await alice.run("goals checkin", goal=str(first), status="at_risk")
    assert "Add a short note when a goal is at risk" in risky.text
    assert risky.ephemeral
    checked = await alice.run(
        "goals checkin", goal=str(first), status="at_risk", note="Only 8 signed up so far"
    )
    assert "Checked in on goal" in checked.text
    assert "At risk" in checked.text
    goal = await repo(community).goal(int(community.guild_id), first)
    assert goal is not None
    assert goal.status == "at_risk"
    card = (await alice.run("goals show")).embeds[0]
    assert "Only 8 signed up so far" in card["fields"][0]["value"]
    too_long = await alice.run("goals checkin", goal=str(first), status="on_track", note="x" * 501)
    assert "keep it to 500" in too_long.text

    form = await alice.run("goals edit", goal=str(second))
    assert form.is_modal
    edited = await alice.submit(form, {"title": "Family STEM nights", "outcome": "Two nights, 100 families"})
    assert "Saved goal" in edited.text
    goal = await repo(community).goal(int(community.guild_id), second)
    assert goal is not None
    assert goal.outcome == "Two nights, 100 families"

    # Bob is in another team: refused everywhere, nothing written.
    for reply in (
        await bob.run("goals show", team="Lincoln Elementary"),
        await bob.run("goals add", team="Lincoln Elementary"),
        await bob.run("goals vision", team="Lincoln Elementary"),
        await bob.run("goals edit", goal=str(first)),
        await bob.run("goals remove", goal=str(first)),
        await bob.run("goals checkin", goal=str(first), status="done"),
        await bob.run("goals cadence", every="monthly", team="Lincoln Elementary"),
    ):
        assert not reply.is_modal
        assert reply.ephemeral
        assert "Lincoln Elementary team" in reply.text, reply.text
    assert (await repo(community).goal(int(community.guild_id), first)).status == "at_risk"  # type: ignore[union-attr]
    unknown = await bob.run("goals show", team="Lincon Elementary")
    assert "Did you mean **Lincoln Elementary**?" in unknown.text
    nonsense = await alice.run("goals checkin", goal="nine", status="done")
    assert "I don't know that goal" in nonsense.text

    asked = await alice.run("goals remove", goal=str(second))
    assert "Remove goal" in asked.buttons
    removed = await alice.click(asked, "Remove goal")
    assert "Removed goal" in removed.text
    assert await goal_ids(community, lincoln) == [first]
    card = (await alice.run("goals show")).embeds[0]
    assert any("A team sets 2 to 5 goals" in f["value"] for f in card["fields"])


async def test_at_most_five_goals_refused_before_and_after_the_form(community: Community) -> None:
    alice = community.alice
    lincoln = await school_team(community, "Lincoln Elementary", alice)
    late_form = None
    for number in range(5):
        if number == 4:
            late_form = await alice.run("goals add")  # opened while there is still room
        else:
            await add_goal(alice, f"Goal {number}")
    assert late_form is not None
    await add_goal(alice, "Goal 4")
    refused = await alice.run("goals add")
    assert not refused.is_modal
    assert "already has 5 goals" in refused.text
    late = await alice.submit(late_form, {"title": "One too many", "outcome": "x"})
    assert "already has 5 goals" in late.text
    assert len(await goal_ids(community, lincoln)) == 5
    empty = await alice.submit(
        await alice.run("goals edit", goal=str((await goal_ids(community, lincoln))[0])),
        {"title": "  ", "outcome": "y"},
    )
    assert "title is empty" in empty.text


async def test_the_community_goals_are_the_organizers(community: Community) -> None:
    alice = community.alice
    refused = await alice.run("goals add", team="The whole community")
    assert "Only organizers can change the community's goals" in refused.text
    assert (
        "Only organizers" in (await alice.run("goals add")).text
    )  # in no team: the community is hers to see
    await add_goal(community.organizer, "Statewide showcase", team="The whole community")
    await add_goal(community.organizer, "61 teams with a plan", team="community")
    shown = await alice.run("goals show")
    assert shown.embeds[0]["title"] == "Goals · The whole community"
    assert len(shown.embeds[0]["fields"]) == 2
    choices = await alice.autocomplete("goals show", "team", team="whole")
    assert choices[0]["value"] == "The whole community"
    refused = await alice.run("goals cadence", every="monthly", team="The whole community")
    assert "Only organizers" in refused.text


async def test_organizers_overview_counts_goals_by_status(community: Community) -> None:
    alice, bob = community.alice, community.bob
    lincoln = await school_team(community, "Lincoln Elementary", alice)
    await school_team(community, "Roosevelt Middle School", bob)
    await add_goal(alice, "Robotics club")
    await add_goal(alice, "Family STEM night")
    first, _ = await goal_ids(community, lincoln)
    await alice.run("goals checkin", goal=str(first), status="done", note="20 students!")

    overview = await community.organizer.run("goals overview")
    assert overview.ephemeral
    text = overview.embeds[0]["description"]
    assert "**Lincoln Elementary** — 2 goals: 1 on track, 1 done · last check-in <t:" in text
    assert "**Roosevelt Middle School** — no goals yet" in text
    assert "**The whole community** — no goals yet" in text
    assert "alice" not in text.lower()
    assert overview.embeds[0]["title"] == "Team goals · 1 of 2 school teams have goals"
    assert "Only organizers" in (await alice.run("goals overview")).text


async def test_overview_of_many_teams_is_paginated(community: Community) -> None:
    csv = "\n".join(f"School {n:02d},District" for n in range(30))
    reply = await community.organizer.run("schools import", file={"filename": "s.csv", "content": csv})
    await community.control.settled(reply, "Imported", within=30)
    overview = await community.organizer.run("goals overview")
    assert "Next" in overview.buttons
    assert overview.embeds[0]["footer"]["text"] == "Page 1 of 3"
    page = await community.organizer.click(overview, "Next")
    assert "School 14" in page.embeds[0]["description"]


async def test_a_members_check_ins_are_exported_and_deleted_the_teams_goals_stay(
    community: Community,
) -> None:
    alice = community.alice
    lincoln = await school_team(community, "Lincoln Elementary", alice)
    await add_goal(alice, "Robotics club", "A club of 20")
    [goal_id] = await goal_ids(community, lincoln)
    note = "Qv9xnote only eight so far"
    await alice.run("goals checkin", goal=str(goal_id), status="at_risk", note=note)

    exported = await alice.run("profile export")
    attachment = exported.raw["message"]["attachments"][0]
    document = json.loads(community.emulator.state.attachment_data[int(attachment["id"])])
    mine = document["data"]["team goals"]
    assert mine["check-ins"][0]["note"] == note
    assert mine["goals you added"][0]["title"] == "Robotics club"

    asked = await alice.run("profile delete")
    await alice.click(asked, "Delete my data")
    await eventually(lambda: _no_checkins(community), within=10, what="the check-ins deleted")
    goal = await repo(community).goal(int(community.guild_id), goal_id)
    assert goal is not None  # the team's goal stays, its status too
    assert goal.status == "at_risk"
    row = await community.bot.db.fetchone("SELECT created_by FROM goals WHERE id = ?", (goal_id,))
    assert row is not None
    assert row["created_by"] is None
    await community.bot.db.fetchone("PRAGMA wal_checkpoint(TRUNCATE)")
    path = community.bot.db.path
    for file in (path, path.with_name(path.name + "-wal")):
        if file.exists():
            assert b"qv9xnote" not in file.read_bytes().lower()


async def _no_checkins(community: Community) -> bool:
    return not await community.bot.db.fetchval("SELECT COUNT(*) FROM goal_checkins")
