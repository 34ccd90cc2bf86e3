"""`/agreement` end to end: proposing, both sides confirming with buttons (in the team channel and by DM),
show, list, complete, renew, the review reminders and lapses (with the clock moved, and after a restart),
closed DMs, a partner who left, a removed school team, the hours report and personal data."""

from __future__ import annotations

from datetime import timedelta

from emulator.driver import message_text
from storage.agreements import Status
from storage.jobs import JobState
from tests.e2e.community import Community, eventually
from tests.e2e.steps.agreements import (
    PARTNER_TEXT,
    REVIEW_IN,
    TEAM_TEXT,
    agreement,
    card,
    card_says,
    day,
    dms_saying,
    posts_in,
    propose,
    remind_at,
    review_at,
    school_team,
    sent_mentions,
)
from tests.e2e.steps.introductions import introduce, ready
from tests.e2e.steps.server import start_before_the_guild_arrives


async def _jobs(community: Community, agreement_id: int = 1) -> list[tuple[str, str]]:
    rows = await community.bot.db.fetchall(
        "SELECT payload, state FROM jobs WHERE owner = ? ORDER BY due_at, id", (f"agreement:{agreement_id}",)
    )
    return [(r["payload"], r["state"]) for r in rows]


async def test_a_team_member_proposes_and_both_sides_confirm(community: Community) -> None:
    channel = await school_team(community, community.alice)
    done = await propose(community, community.alice, community.bob, organization="Honeywell Aerospace")
    assert done.ephemeral
    assert "Proposed agreement **#1**" in done.text
    assert "sent the partner a DM" in done.text
    saved = await agreement(community)
    assert saved.status is Status.PROPOSED
    assert saved.team_commitment == TEAM_TEXT
    assert saved.partner_commitment == PARTNER_TEXT
    assert saved.hours_per_month == 8
    assert saved.review_at == review_at(community)
    assert saved.organization == "Honeywell Aerospace"
    posted = await card(community, channel)
    text = message_text(posted)
    assert TEAM_TEXT in text
    assert PARTNER_TEXT in text
    assert "Honeywell Aerospace" in text
    assert "waiting for a team member" in text
    assert "waiting for the partner" in text
    # Two jobs: the reminder a week before and the lapse at the review date.
    assert [state for _, state in await _jobs(community)] == [JobState.PENDING.value] * 2

    # The organizer is not on the team: they cannot confirm for it; alice cannot confirm for the partner.
    wrong = await community.organizer.click(posted, "Confirm for the team")
    assert wrong.ephemeral
    assert "Only members of the Lincoln Elementary team" in wrong.text
    not_partner = await community.alice.click(posted, "Confirm as the partner")
    assert "Only the partner" in not_partner.text

    team = await community.alice.click(posted, "Confirm for the team")
    assert team.ephemeral
    assert "Waiting for the other side" in team.text
    assert "already confirmed" in (await community.alice.run("agreement confirm", id=1)).text
    assert (await agreement(community)).status is Status.PROPOSED

    # The partner confirms from the DM the bot sent.
    dm = (await dms_saying(community.bob, "proposed a collaboration agreement with you"))[0]
    assert PARTNER_TEXT in message_text(dm)
    partner = await community.bob.click(dm, "Confirm as the partner")
    assert "now **active**" in partner.text
    confirmed = await agreement(community)
    assert confirmed.status is Status.ACTIVE
    assert confirmed.team_confirmed_by == int(community.alice.user_id)
    assert confirmed.partner_confirmed_by == int(community.bob.user_id)
    await eventually(lambda: card_says(community, channel, "Status: **active**"), what="the card updated")
    assert not (await card(community, channel)).get("components")  # nothing left to confirm
    # Nobody was pinged by the card.
    assert all(not m.get("users") for m in await sent_mentions(community, channel, "Collaboration agreement"))


async def test_show_list_complete_and_who_may_see(community: Community) -> None:
    await school_team(community, community.alice)
    await propose(community, community.alice, community.bob)
    shown = await community.bob.run("agreement show", id=1)  # the partner sees it
    assert shown.ephemeral
    assert TEAM_TEXT in shown.text
    listed = await community.alice.run("agreement list")
    assert "**#1** Lincoln Elementary with" in listed.text
    assert "#1" in (await community.organizer.run("agreement list", school="Lincoln Elementary")).text
    carol = await community.control.add_member(community.guild_id, "carol_parent")
    carol.channel_id = community.general_id
    assert "I don't know agreement #1" in (await carol.run("agreement show", id=1)).text
    assert "No agreements to show" in (await carol.run("agreement list")).text
    assert "I don't know agreement #99" in (await community.organizer.run("agreement show", id=99)).text
    assert (
        "I don't know a school" in (await community.alice.run("agreement list", school="Nowhere High")).text
    )

    completed = await community.bob.run("agreement complete", id=1)
    assert "now **completed**" in completed.text
    assert (await agreement(community)).status is Status.COMPLETED
    assert [state for _, state in await _jobs(community)] == [JobState.CANCELLED.value] * 2
    again = await community.organizer.run("agreement complete", id=1)
    assert "already completed" in again.text


async def test_bad_input_is_refused_and_nothing_is_saved(community: Community) -> None:
    await school_team(community, community.alice)
    outsider = await propose(community, community.bob, community.alice)
    assert outsider.ephemeral
    assert "Only members of the Lincoln Elementary team" in outsider.text
    assert (
        "review date must come after the start"
        in (
            await propose(community, community.alice, community.bob, starts=day(community, REVIEW_IN + 17))
        ).text
    )
    assert (
        "in the past" in (await propose(community, community.alice, community.bob, review="2020-01-01")).text
    )
    assert (
        "couldn't read" in (await propose(community, community.alice, community.bob, review="someday")).text
    )
    assert (
        "I don't know a school"
        in (await propose(community, community.alice, community.bob, school="Nowhere High")).text
    )
    assert "can't be the partner" in (await propose(community, community.alice, community.alice)).text
    empty = await propose(community, community.alice, community.bob, team="   ")
    assert "neither can be empty" in empty.text
    assert await AgreementCount.of(community) == 0
    hostile = await propose(
        community, community.alice, community.bob, team="@everyone <@&1> come", partner_text="@here"
    )
    assert "Proposed agreement" in hostile.text
    assert "@everyone" not in message_text(await card(community, await _team_channel(community)))
    await community.alice.run("agreement complete", id=1)
    # An organizer proposes for any school team.
    assert "Proposed agreement" in (await propose(community, community.organizer, community.bob)).text


async def _team_channel(community: Community) -> str:
    found = await community.bot.db.fetchval("SELECT channel_id FROM schools")
    return str(found)


class AgreementCount:
    @staticmethod
    async def of(community: Community) -> int:
        return int(await community.bot.db.fetchval("SELECT COUNT(*) FROM agreements"))


async def test_both_sides_are_reminded_once_a_week_before_and_it_lapses(community: Community) -> None:
    channel = await school_team(community, community.alice)
    await propose(community, community.alice, community.bob)
    remind, review = remind_at(community), review_at(community)  # read once: they count from today
    await community.travel(remind - timedelta(minutes=1))
    assert await dms_saying(community.bob, "Reminder:") == []
    await community.travel(remind + timedelta(minutes=1))
    await eventually(lambda: dms_saying(community.bob, "Reminder:"), what="the partner's reminder")
    team = await eventually(lambda: posts_in(community, channel, "Reminder for the team"), what="the team's")
    assert len(team) == 1
    assert "/agreement renew id:1" in message_text(team[0])
    await community.travel(review + timedelta(minutes=1))
    await eventually(lambda: posts_in(community, channel, "has lapsed"), what="the lapse note")
    assert (await agreement(community)).status is Status.LAPSED
    assert await card_says(community, channel, "Status: **lapsed**")
    assert len(await dms_saying(community.bob, "Reminder:")) == 1
    assert len(await posts_in(community, channel, "Reminder for the team")) == 1
    assert (
        "lapsed"
        in (await community.alice.run("agreement renew", id=1, review=day(community, REVIEW_IN + 168))).text
    )


async def test_renewing_moves_the_review_and_it_does_not_lapse(community: Community) -> None:
    channel = await school_team(community, community.alice)
    await propose(community, community.alice, community.bob)
    early = await community.alice.run("agreement renew", id=1, review=day(community, REVIEW_IN - 14))
    assert "must come after the current one" in early.text
    renewed = await community.alice.run("agreement renew", id=1, review=day(community, REVIEW_IN + 76))
    assert "Renewed agreement #1" in renewed.text
    await community.travel(review_at(community) + timedelta(hours=1))
    assert (await agreement(community)).status is Status.PROPOSED
    assert await posts_in(community, channel, "Reminder for the team") == []
    assert await posts_in(community, channel, "has lapsed") == []


async def test_reminders_due_during_a_restart_arrive_exactly_once(community: Community) -> None:
    channel = await school_team(community, community.alice)
    await propose(community, community.alice, community.bob)
    remind, review = remind_at(community), review_at(community)  # read once: they count from today
    await community.runner.stop()
    community.clock.set(remind + timedelta(hours=2))  # the reminder fell due while the bot was down
    await start_before_the_guild_arrives(community, "agreement.review")  # it runs before the server came
    await eventually(
        lambda: posts_in(community, channel, "Reminder for the team"), within=15, what="reminder"
    )
    # bob is still there: neither the reminder nor the card calls him gone.
    [reminded] = await posts_in(community, channel, "Reminder for the team")
    assert "left the server" not in message_text(reminded)
    assert not await card_says(community, channel, "left the server")
    await community.bot.scheduler.idle()
    await community.restart()
    await community.bot.scheduler.idle()
    assert len(await posts_in(community, channel, "Reminder for the team")) == 1
    assert len(await dms_saying(community.bob, "Reminder:")) == 1
    states = [state for _, state in await _jobs(community)]
    assert states == [JobState.DONE.value, JobState.PENDING.value]
    # The review date passes while the bot is down again: it lapses once, its note posted once.
    await community.runner.stop()
    community.clock.set(review + timedelta(days=2))
    await community.runner.start(sync=False)
    await eventually(lambda: posts_in(community, channel, "has lapsed"), within=15, what="the lapse")
    await community.bot.scheduler.idle()
    await community.restart()
    await community.bot.scheduler.idle()
    assert (await agreement(community)).status is Status.LAPSED
    assert len(await posts_in(community, channel, "has lapsed")) == 1
    assert [state for _, state in await _jobs(community)] == [JobState.DONE.value] * 2


async def test_closed_dms_fall_back_to_a_mention_in_the_team_channel(community: Community) -> None:
    carl = await community.control.add_member(community.guild_id, "carl_closed", dms_open=False)
    carl.channel_id = community.general_id
    channel = await school_team(community, community.alice, carl)
    done = await propose(community, community.alice, carl, in_channel=channel)
    assert "DMs are closed, so I mentioned them in a channel they can see" in done.text
    asked = await eventually(
        lambda: posts_in(community, channel, "proposed collaboration agreement #1"), what="it"
    )
    assert f"<@{carl.user_id}>" in message_text(asked[0])
    assert await _pinged(community, channel, "proposed collaboration") == [[carl.user_id]]
    confirmed = await carl.run("agreement confirm", id=1)
    assert "for the partner side" in confirmed.text
    await community.travel(remind_at(community) + timedelta(minutes=1))
    reminded = await eventually(
        lambda: posts_in(community, channel, "Reminder for the team"), what="reminder"
    )
    assert f"<@{carl.user_id}>" in message_text(reminded[0])
    assert await _pinged(community, channel, "Reminder for the team") == [[carl.user_id]]
    # carl deletes his data: the posts mentioning him go, the card no longer names him.
    erased = await community.bot.personal_data.erase(int(community.guild_id), int(carl.user_id))
    assert "your mention in 2 agreement messages" in erased.posts
    assert await posts_in(community, channel, carl.user_id) == []
    assert len(await posts_in(community, channel, "Reminder for the team")) == 1  # the team's reminder stays
    assert await card_says(community, channel, "a former member")


async def test_a_post_discord_kept_is_taken_down_by_the_next_delete(community: Community) -> None:
    carl = await community.control.add_member(community.guild_id, "carl_closed", dms_open=False)
    carl.channel_id = community.general_id
    channel = await school_team(community, community.alice, carl)
    await propose(community, community.alice, carl, in_channel=channel)
    [asked] = await eventually(
        lambda: posts_in(community, channel, "proposed collaboration agreement #1"), what="the mention"
    )
    # Discord fails the deletion once: the member is told, and the post's record is kept.
    await community.control.fault(
        "server_error", route=f"DELETE /channels/{channel}/messages/{asked['id']}", count=1, status=503
    )
    first = await community.bot.personal_data.erase(int(community.guild_id), int(carl.user_id))
    assert any(asked["id"] in remain for remain in first.remains)
    assert len(await posts_in(community, channel, "proposed collaboration agreement #1")) == 1
    # The next /profile delete finds it and takes it down.
    second = await community.bot.personal_data.erase(int(community.guild_id), int(carl.user_id))
    assert "your mention in 1 agreement message" in second.posts
    assert not any(asked["id"] in remain for remain in second.remains)
    assert await posts_in(community, channel, "proposed collaboration agreement #1") == []
    assert not await community.bot.db.fetchval("SELECT COUNT(*) FROM agreement_posts")


async def test_an_organisation_without_a_partner_member_is_confirmed_by_an_organizer(
    community: Community,
) -> None:
    await community.organizer.run("cop channel", purpose="announcements", channel=community.general_id)
    channel = await school_team(community, community.alice, community.bob)
    neither = await propose(community, community.alice, None)
    assert neither.ephemeral
    assert "Name the partner: a member with `partner`, an organisation with `organization`" in neither.text
    assert await community.bot.db.fetchval("SELECT COUNT(*) FROM agreements") == 0

    done = await propose(community, community.alice, None, organization="Desert <@&1> Museum", hours=6)
    assert "an organizer (for the organisation)" in done.text
    assert "I let the organizers know" in done.text
    [told] = await eventually(
        lambda: posts_in(community, community.general_id, "no partner member is named"), what="the notice"
    )
    assert "/agreement confirm id:1" in message_text(told)
    posted = await card(community, channel)
    assert "waiting for an organizer to confirm for the organisation" in message_text(posted)
    assert "Desert" in message_text(posted)
    # A team member can't confirm for the organisation; the team side is theirs.
    refused = await community.bob.click(posted, "Confirm for the organisation (organizers)")
    assert refused.ephemeral
    assert "an organizer confirms for" in refused.text
    team = await community.alice.run("agreement confirm", id=1)
    assert "for the team side" in team.text
    # The organizer (not on the team) confirms for the organisation: it is active.
    organizer = await community.organizer.run("agreement confirm", id=1)
    assert "for the organisation's side" in organizer.text
    assert "now **active**" in organizer.text
    found = await agreement(community)
    assert found.status is Status.ACTIVE
    assert found.partner_id is None
    assert found.partner_confirmed_by == int(community.organizer.user_id)
    report = await community.organizer.run("agreement hours")
    assert "Active: fewer than 5 agreements" in report.text


async def test_closed_dms_and_a_private_team_channel_fall_back_to_here(community: Community) -> None:
    await school_team(community, community.alice)
    carl = await community.control.add_member(community.guild_id, "carl_closed", dms_open=False)
    carl.channel_id = community.general_id
    done = await propose(community, community.alice, carl)  # alice runs it in #general, which carl sees
    assert "mentioned them in a channel they can see" in done.text
    here = await posts_in(community, community.general_id, "proposed collaboration agreement #1")
    assert len(here) == 1
    assert "/agreement confirm id:1" in message_text(here[0])
    assert "for the partner side" in (await carl.run("agreement confirm", id=1)).text
    assert "now **active**" in (await community.alice.run("agreement confirm", id=1)).text


async def _pinged(community: Community, channel: str, text: str) -> list[list[str]]:
    return [[str(u) for u in m.get("users", [])] for m in await sent_mentions(community, channel, text)]


async def test_a_partner_who_left_the_team_is_still_reminded(community: Community) -> None:
    channel = await school_team(community, community.alice)
    await propose(community, community.alice, community.bob)
    remind = remind_at(community)  # read once: it counts from today, and the clock moves
    # bob leaves two days before the reminder (before his data is purged, 30 days after leaving).
    await community.travel(remind - timedelta(days=2))
    await community.control.remove_member(community.guild_id, community.bob.user_id)
    await eventually(lambda: _gone_from_cache(community), what="bob gone")
    await community.travel(remind + timedelta(minutes=1))
    reminded = await eventually(
        lambda: posts_in(community, channel, "Reminder for the team"), what="reminder"
    )
    assert "The partner has left the server" in message_text(reminded[0])
    assert await dms_saying(community.bob, "Reminder:") == []
    await eventually(
        lambda: card_says(community, channel, "The partner has left the server"), what="the card saying so"
    )


async def _gone_from_cache(community: Community) -> bool:
    guild = community.bot.get_guild(int(community.guild_id))
    return guild is not None and guild.get_member(int(community.bob.user_id)) is None


async def test_a_removed_school_team_keeps_its_record_and_refuses_changes(community: Community) -> None:
    await school_team(community, community.alice)
    await propose(community, community.alice, community.bob)
    asked = await community.organizer.run("schools remove", name="Lincoln Elementary")
    await community.organizer.click(asked, "Remove school")
    await eventually(lambda: _gone(community), what="the school removed")
    dm = (await dms_saying(community.bob, "proposed a collaboration agreement with you"))[0]
    click = await community.bob.click(dm, "Confirm as the partner")
    assert click.ephemeral
    assert "was removed" in click.text
    assert (
        "was removed"
        in (await community.bob.run("agreement renew", id=1, review=day(community, REVIEW_IN + 168))).text
    )
    assert "I don't know a school" in (await propose(community, community.organizer, community.bob)).text
    shown = await community.organizer.run("agreement show", id=1)
    assert "school team was removed" in shown.text
    assert (await agreement(community)).status is Status.PROPOSED
    await community.travel(review_at(community) + timedelta(minutes=1))
    assert (await agreement(community)).status is Status.LAPSED  # the record still lapses


async def _gone(community: Community) -> bool:
    return not await community.bot.db.fetchval("SELECT COUNT(*) FROM schools")


async def test_hours_report_is_organizer_only_and_hides_small_groups(community: Community) -> None:
    await school_team(community, community.alice)
    for hours in (4, 6, 10, 2, 8):
        await propose(community, community.alice, community.bob, hours=hours)
    await propose(community, community.alice, community.organizer, hours=5)
    await community.organizer.run("agreement complete", id=6)
    report = await community.organizer.run("agreement hours")
    assert report.ephemeral
    assert "Proposed: 30 hours a month (5 agreements)" in report.text
    assert "Completed: fewer than 5 agreements" in report.text
    assert "No stakeholder group: 30 hours a month (5 agreements)" in report.text
    assert "a larger group is hidden too" in report.text  # says what it hides and why
    assert "Only organizers" in (await community.alice.run("agreement hours")).text


async def test_personal_data_export_and_delete_keep_the_teams_record(community: Community) -> None:
    channel = await school_team(community, community.alice)
    await propose(community, community.alice, community.bob)
    posted = await card(community, channel)
    await community.alice.click(posted, "Confirm for the team")
    exported = await community.bot.personal_data.export(int(community.guild_id), int(community.bob.user_id))
    assert exported["collaboration agreements"][0]["you"] == ["partner"]
    await community.bot.personal_data.erase(int(community.guild_id), int(community.bob.user_id))
    kept = await agreement(community)
    assert kept.partner_id is None
    assert kept.partner_former
    assert kept.team_confirmed_by == int(community.alice.user_id)
    await eventually(lambda: card_says(community, channel, "a former member"), what="the card without bob")
    assert community.bob.user_id not in message_text(await card(community, channel))


async def test_the_confirm_buttons_work_after_a_restart(community: Community) -> None:
    channel = await school_team(community, community.alice)
    await propose(community, community.alice, community.bob)
    await community.restart()
    team = await community.alice.click(await card(community, channel), "Confirm for the team")
    assert "Waiting for the other side" in team.text
    dm = (await dms_saying(community.bob, "proposed a collaboration agreement with you"))[0]
    assert "now **active**" in (await community.bob.click(dm, "Confirm as the partner")).text


async def test_sectors_come_from_the_partners_introductions(community: Community) -> None:
    await ready(community)
    await introduce(
        community, community.bob, group="Business & Industry", name="Bob B", organization="Honeywell"
    )
    await school_team(community, community.alice)
    choices = await community.alice.autocomplete("agreement propose", "organization", organization="honey")
    assert [c["value"] for c in choices] == ["Honeywell"]
    for hours in (1, 2, 3, 4, 5):
        await propose(community, community.alice, community.bob, hours=hours, organization="Honeywell")
    report = await community.organizer.run("agreement hours")
    assert "Business & Industry: 15 hours a month (5 agreements)" in report.text
    await community.alice.run("agreement complete", id=1)
    report = await community.organizer.run("agreement hours")
    assert "Business & Industry: fewer than 5 agreements" in report.text
    assert "Completed: fewer than 5 agreements" in report.text
