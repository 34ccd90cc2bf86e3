"""`/survey …` end to end: organizers start a survey, members answer privately page by page (resuming,
changing answers), closing stops answers but keeps saved pages, the audience (a stakeholder group, a school
team) is enforced, a survey opening later waits for its time, results hide small groups, the CSV names
nobody (and a named one leaves students out)."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

from emulator.driver import Actor
from storage.groups import GroupRepository
from storage.schools import SchoolRepository
from storage.surveys import SurveyRepository
from tests.e2e.community import Community, eventually
from tests.e2e.steps.server import download, message_saying, person
from tests.e2e.steps.surveys import (
    PAGE_ONE,
    PAGE_TWO,
    answer_all,
    answers,
    every_page,
    fields,
    open_page,
    post,
    start,
)


async def test_start_posts_the_survey_with_an_answer_button(community: Community) -> None:
    survey_id = await start(community)
    message = await post(community, survey_id)
    assert "School team readiness self-assessment" in message["content"]
    assert "**For:** everyone" in message["content"]
    assert "fewer than 5" in message["content"]
    buttons = [c for row in message["components"] for c in row["components"]]
    assert [b["custom_id"] for b in buttons] == [f"svy:answer:{survey_id}"]
    refused = await community.alice.run("survey start", template="readiness", closes="in 3 days")
    assert refused.ephemeral
    assert "Only organizers" in refused.text


async def test_a_member_answers_two_pages_resumes_and_changes_an_answer(community: Community) -> None:
    alice = community.alice
    survey_id = await start(community)
    page_one = await open_page(community, alice, survey_id)
    assert page_one.is_modal
    assert "page 1 of 2" in page_one.data["title"]
    assert set(fields(page_one)) == set(PAGE_ONE)
    saved = await alice.submit(page_one, PAGE_ONE)
    assert saved.ephemeral
    assert "Page 1 of 2 is saved" in saved.text
    assert "Next page" in saved.buttons

    # She comes back later through the post: it resumes at page 2.
    resumed = await open_page(community, alice, survey_id)
    assert "page 2 of 2" in resumed.data["title"]
    done = await alice.submit(resumed, PAGE_TWO)
    assert "Thank you" in done.text
    stored = await answers(community, survey_id, alice)
    assert stored["vision"] == ("4",)
    assert stored["support"] == ("1", "4")
    assert stored["next"] == ("Meet monthly",)
    progress = await SurveyRepository(community.bot.db).progress(survey_id, int(alice.user_id))
    assert progress is not None
    assert progress.finished

    # Changing her mind: page 1 again, filled in with what she said.
    again = await open_page(community, alice, survey_id)
    assert "page 1 of 2" in again.data["title"]
    vision = fields(again)["vision"]
    assert [o["value"] for o in vision["options"] if o.get("default")] == ["4"]
    await alice.submit(again, {**PAGE_ONE, "vision": ["2"]})
    assert (await answers(community, survey_id, alice))["vision"] == ("2",)
    assert (await answers(community, survey_id, alice))["families"] == ("3",)


async def test_next_page_works_after_a_restart_and_a_long_answer_fits(community: Community) -> None:
    survey_id = await start(community)
    saved = await community.alice.submit(await open_page(community, community.alice, survey_id), PAGE_ONE)
    await community.restart()
    form = await community.alice.click(saved, "Next page")
    assert form.is_modal
    assert "page 2 of 2" in form.data["title"]
    written = "@everyone " + "x" * 990
    done = await community.alice.submit(form, {**PAGE_TWO, "next": written})
    assert "Thank you" in done.text
    assert (await answers(community, survey_id, community.alice))["next"] == (written,)


async def test_closing_while_a_member_is_mid_page_keeps_her_saved_pages(community: Community) -> None:
    alice = community.alice
    survey_id = await start(community)
    saved = await alice.submit(await open_page(community, alice, survey_id), PAGE_ONE)
    page_two = await alice.click(saved, "Next page")
    assert page_two.is_modal

    asked = await community.organizer.run("survey close", id=survey_id)
    closed = await community.organizer.click(asked, "Close it")
    assert "is closed" in closed.text

    late = await alice.submit(page_two, PAGE_TWO)
    assert late.ephemeral
    assert "This survey closed" in late.text
    assert "already saved were kept" in late.text
    stored = await answers(community, survey_id, alice)
    assert set(stored) == set(PAGE_ONE)  # page 1 counts, page 2 was not saved
    message = await post(community, survey_id)
    assert "closed" in message["content"]
    assert not message["components"]
    results = await community.organizer.run("survey results", id=survey_id)
    assert "fewer than 5 answered" in results.text


async def test_someone_outside_the_audience_is_refused(community: Community) -> None:
    guild = int(community.guild_id)
    groups = GroupRepository(community.bot.db)
    teachers = await groups.add(guild, "Teachers", now=community.clock.now())
    await groups.add_members(guild, int(community.alice.user_id), [teachers.id], community.clock.now())
    survey_id = await start(community, template="pulse", group="Teachers")
    assert "the stakeholder group **Teachers**" in (await post(community, survey_id))["content"]
    refused = await open_page(community, community.bob, survey_id)
    assert refused.ephemeral
    assert not refused.is_modal
    assert "isn't one for you to answer" in refused.text
    assert await SurveyRepository(community.bot.db).progress(survey_id, int(community.bob.user_id)) is None
    assert (await open_page(community, community.alice, survey_id)).is_modal


async def _members(community: Community, count: int) -> list[Actor]:
    return [await person(community, f"teacher_{n}") for n in range(count)]


async def test_results_hide_small_groups_and_the_csv_names_nobody(community: Community) -> None:
    guild = int(community.guild_id)
    now = community.clock.now()
    groups = GroupRepository(community.bot.db)
    schools = SchoolRepository(community.bot.db)
    teachers = await groups.add(guild, "Teachers", now=now)
    students = await groups.add(guild, "Students", protected=True, now=now)
    lincoln = await schools.add(guild, "Lincoln Elementary", now=now)
    members = await _members(community, 6)
    for actor in members:
        await groups.add_members(guild, int(actor.user_id), [teachers.id], now)
    await groups.add_members(guild, int(community.alice.user_id), [students.id], now)
    await schools.add_members(guild, int(community.alice.user_id), [lincoln.id], now)
    await schools.add_members(guild, int(members[0].user_id), [lincoln.id], now)

    survey_id = await start(community)
    for actor in members:
        await answer_all(community, actor, survey_id)
    await answer_all(community, community.alice, survey_id, vision=["5"])

    # Overall minus Teachers would be alice's answers alone: Teachers are hidden too.
    early = await every_page(
        community.organizer, await community.organizer.run("survey results", id=survey_id)
    )
    assert "Teachers: hidden, so that the smaller groups can't be worked out" in early
    assert "Teachers (6 answered)" not in early

    others = [await person(community, f"partner_{n}") for n in range(4)]
    for actor in others:
        await answer_all(community, actor, survey_id)
    shown = await community.organizer.run("survey results", id=survey_id)
    assert shown.ephemeral
    text = await every_page(community.organizer, shown)
    assert "11 answered (11 finished)" in text
    # Ten said 4 to the first question and alice alone said 5: "10" next to "11 answered" would give her
    # away, so the 10 is held back too.
    assert "5 — Strongly agree: fewer than 5" in text
    assert "4 — Agree: hidden" in text
    assert "4 — Agree: 10" not in text
    assert "the next smallest count shows as “hidden”" in text
    assert "Teachers (6 answered): 1: 0 · 2: 0 · 3: 0 · 4: 6 · 5: 0" in text
    assert "Students: fewer than 5 answered" in text
    assert "Lincoln Elementary: fewer than 5 answered" in text
    assert text.count("Students: fewer than 5 answered") == 10  # every question: alice is never singled out

    exported = await community.organizer.run("survey export", id=survey_id)
    assert exported.ephemeral
    assert "without names" in exported.text
    files = (exported.raw.get("message") or {}).get("attachments") or []  # as stored, with its URL
    assert [f["filename"] for f in files] == [f"survey-{survey_id}.csv"], exported.raw
    rows = list(csv.reader(io.StringIO((await download(community, files[0])).decode("utf-8-sig"))))
    assert rows[0][0] == "Our team has a shared vision for STEM"
    assert len(rows) == 12
    ids = {a.user_id for a in [*members, *others, community.alice]}
    assert not any(cell in ids for row in rows for cell in row)
    assert sorted(row[0] for row in rows[1:]) == ["4 — Agree"] * 10 + ["5 — Strongly agree"]
    assert rows[1][8] == "Meeting ideas and agendas; Funding and grants"


async def test_an_export_names_members_only_when_the_survey_said_so_and_never_students(
    community: Community,
) -> None:
    guild = int(community.guild_id)
    groups = GroupRepository(community.bot.db)
    students = await groups.add(guild, "Students", protected=True, now=community.clock.now())
    await groups.add_members(guild, int(community.alice.user_id), [students.id], community.clock.now())
    quiet = await start(community)
    await answer_all(community, community.bob, quiet)
    refused = await community.organizer.run("survey export", id=quiet)
    assert refused.ephemeral
    assert "Fewer than 5 members have answered" in refused.text

    named = await start(community, keep_ids=True)
    assert "keeps who answered in its export" in (await post(community, named))["content"]
    await answer_all(community, community.alice, named)
    only_students = await community.organizer.run("survey export", id=named)
    assert only_students.ephemeral
    assert "Everyone who has answered survey" in only_students.text
    assert "belongs to a protected group" in only_students.text
    assert not (only_students.raw.get("message") or {}).get("attachments")

    await answer_all(community, community.bob, named)
    exported = await community.organizer.run("survey export", id=named)
    assert exported.ephemeral
    assert "1 member (with member ids" in exported.text
    assert "1 member of protected groups (such as students) is left out of this file" in exported.text
    assert "still count in `/survey results`" in exported.text
    files = (exported.raw.get("message") or {}).get("attachments") or []
    rows = list(csv.reader(io.StringIO((await download(community, files[0])).decode("utf-8-sig"))))
    assert rows[0][0] == "member id"
    assert [row[0] for row in rows[1:]] == [community.bob.user_id]  # alice (a student) is not in it at all
    results = await every_page(community.organizer, await community.organizer.run("survey results", id=named))
    assert "2 answered (2 finished)" not in results  # counts of 2 show as "fewer than 5"
    assert "fewer than 5 answered (fewer than 5 finished)" in results


async def test_a_members_answers_are_exported_and_deleted_with_their_data(community: Community) -> None:
    token = "zebracrossing"
    survey_id = await start(community)
    await answer_all(community, community.alice, survey_id)
    saved = await community.alice.submit(
        await community.alice.click(
            await community.alice.submit(await open_page(community, community.alice, survey_id), PAGE_ONE),
            "Next page",
        ),
        {**PAGE_TWO, "next": f"Plan a {token} night"},
    )
    assert "Thank you" in saved.text
    await answer_all(community, community.bob, survey_id)

    exported = await community.alice.run("profile export")
    attachment = exported.raw["message"]["attachments"][0]
    document = json.loads(community.emulator.state.attachment_data[int(attachment["id"])])
    [mine] = document["data"]["surveys"]["answers"]
    assert (mine["survey"], mine["title"]) == (survey_id, "School team readiness self-assessment")
    assert {
        "question": "One next step your team will take",
        "key": "next",
        "answer": f"Plan a {token} night",
    } in mine["answers"]
    assert {
        "question": "Our team has a shared vision for STEM",
        "key": "vision",
        "answer": "4 — Agree",
    } in mine["answers"]

    path = community.bot.db.path
    await community.bot.db.fetchone("PRAGMA wal_checkpoint(TRUNCATE)")
    assert token.encode() in path.read_bytes(), "the scan must find her words before the deletion"

    asked = await community.alice.run("profile delete")
    await community.alice.click(asked, "Delete my data")
    await eventually(
        lambda: message_saying(community, community.alice, asked, "Deleted"),
        within=10,
        what="the confirmation",
    )
    assert await answers(community, survey_id, community.alice) == {}
    assert len(await answers(community, survey_id, community.bob)) == 10
    await community.bot.db.fetchone("PRAGMA wal_checkpoint(TRUNCATE)")
    for file in (path, path.with_name(path.name + "-wal")):
        if file.exists():
            assert token.encode() not in file.read_bytes()


async def test_a_survey_for_one_school_team_is_answered_by_its_members_only(community: Community) -> None:
    guild = int(community.guild_id)
    now = community.clock.now()
    schools = SchoolRepository(community.bot.db)
    lincoln = await schools.add(guild, "Lincoln Elementary", now=now)
    roosevelt = await schools.add(guild, "Roosevelt Middle", now=now)
    await schools.add_members(guild, int(community.alice.user_id), [lincoln.id], now)
    await schools.add_members(guild, int(community.bob.user_id), [roosevelt.id], now)
    survey_id = await start(community, school="Lincoln Elementary")
    message = await post(community, survey_id)
    assert "**For:** the school team **Lincoln Elementary**" in message["content"]
    stored = await SurveyRepository(community.bot.db).get(guild, survey_id)
    assert stored is not None
    assert (stored.audience, stored.unit_id) == ("school", lincoln.id)

    # bob is on another school's team: kindly told, nothing saved.
    refused = await open_page(community, community.bob, survey_id)
    assert refused.ephemeral
    assert not refused.is_modal
    assert "This survey is for the school team **Lincoln Elementary**" in refused.text
    assert "isn't one for you to answer" in refused.text
    assert "ask an organizer about your school team" in refused.text
    assert await SurveyRepository(community.bot.db).progress(survey_id, int(community.bob.user_id)) is None

    # alice, on the team, answers both pages.
    done = await answer_all(community, community.alice, survey_id)
    assert "Thank you" in done.text
    assert (await answers(community, survey_id, community.alice))["vision"] == ("4",)
    results = await community.organizer.run("survey results", id=survey_id)
    assert "fewer than 5 answered" in results.text  # one teammate: never shown as a count


async def test_a_survey_opening_later_refuses_answers_until_it_opens(community: Community) -> None:
    survey_id = await start(community, opens="in 2 days", closes="in 5 days")
    stored = await SurveyRepository(community.bot.db).get(int(community.guild_id), survey_id)
    assert stored is not None
    opens = stored.opens_at
    assert opens > community.clock.now()
    message = await post(community, survey_id)
    assert f"**Open from:** <t:{int(opens.timestamp())}:" in message["content"]

    early = await open_page(community, community.alice, survey_id)
    assert early.ephemeral
    assert not early.is_modal
    assert f"This survey opens <t:{int(opens.timestamp())}:F>. Come back then!" in early.text
    assert await SurveyRepository(community.bot.db).progress(survey_id, int(community.alice.user_id)) is None

    await community.travel(opens - timedelta(minutes=1))
    assert (
        "opens" in (await open_page(community, community.alice, survey_id)).text
    )  # a minute early: still no

    await community.travel(opens + timedelta(minutes=1))
    page = await open_page(community, community.alice, survey_id)
    assert page.is_modal
    assert "page 1 of 2" in page.data["title"]
    saved = await community.alice.submit(page, PAGE_ONE)
    assert "Page 1 of 2 is saved" in saved.text
