"""The agreements' rules: confirming both sides, completing, renewing, lapsing, dates, hours and the report's
suppression of small groups; and the service's writes with the review jobs in one transaction."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from core.agreements import rules
from core.agreements.rules import KIND, Refused, Side
from core.agreements.service import AgreementService
from core.clock import ManualClock
from storage.agreements import Agreement, AgreementRepository, HoursRow, NewAgreement, Status
from storage.database import Database
from tests.core.fakes import FakeJobs

NOW = datetime(2026, 10, 14, 17, tzinfo=UTC)
REVIEW = datetime(2027, 5, 31, 16, tzinfo=UTC)
PARTNER, TEAMMATE, STRANGER = 20, 30, 40


def agreement(**changes: object) -> Agreement:
    base = Agreement(
        id=1,
        guild_id=1,
        school_id=7,
        school_name="Lincoln Elementary",
        partner_id=PARTNER,
        partner_former=False,
        organization="Honeywell",
        team_commitment="host a science night",
        partner_commitment="two engineers judge the fair",
        hours_per_month=8,
        starts_at=NOW,
        review_at=REVIEW,
        status=Status.PROPOSED,
        team_confirmed_by=None,
        team_confirmed_at=None,
        partner_confirmed_by=None,
        partner_confirmed_at=None,
        card_channel_id=None,
        card_message_id=None,
        created_by=TEAMMATE,
        created_at=NOW,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_it_becomes_active_only_once_both_sides_confirmed() -> None:
    fresh = agreement()
    assert rules.confirm(fresh, Side.TEAM, TEAMMATE, team_ids=[TEAMMATE]) is Status.PROPOSED
    half = agreement(team_confirmed_by=TEAMMATE, team_confirmed_at=NOW)
    assert rules.confirm(half, Side.PARTNER, PARTNER, team_ids=[TEAMMATE]) is Status.ACTIVE
    # A confirmation whose confirmer's data was deleted still counts (the time stays).
    erased = agreement(team_confirmed_by=None, team_confirmed_at=NOW)
    assert rules.confirm(erased, Side.PARTNER, PARTNER, team_ids=[]) is Status.ACTIVE


@pytest.mark.parametrize(
    ("side", "user", "team", "words"),
    [
        (Side.PARTNER, TEAMMATE, [TEAMMATE], "Only the partner"),
        (Side.TEAM, STRANGER, [TEAMMATE], "Only members of the Lincoln Elementary team"),
        (Side.TEAM, PARTNER, [TEAMMATE, PARTNER], "can't also confirm for the team"),
    ],
)
def test_only_the_right_people_confirm_each_side(side: Side, user: int, team: list[int], words: str) -> None:
    with pytest.raises(Refused, match=words):
        rules.confirm(agreement(), side, user, team_ids=team)


def test_an_organizer_confirms_for_an_organisation_without_a_partner_member() -> None:
    org = agreement(partner_id=None, organization="Desert Museum")
    assert rules.organization_only(org)
    assert not rules.organization_only(agreement())
    assert not rules.organization_only(agreement(partner_id=None, organization=""))  # a former member
    with pytest.raises(Refused, match="an organizer confirms for Desert Museum"):
        rules.confirm(org, Side.PARTNER, TEAMMATE, team_ids=[TEAMMATE])
    assert rules.confirm(org, Side.PARTNER, STRANGER, team_ids=[TEAMMATE], organizer=True) is Status.PROPOSED
    # Nobody confirms both sides.
    team_done = replace(org, team_confirmed_by=TEAMMATE, team_confirmed_at=NOW)
    with pytest.raises(Refused, match="another organizer"):
        rules.confirm(team_done, Side.PARTNER, TEAMMATE, team_ids=[TEAMMATE], organizer=True)
    assert rules.confirm(team_done, Side.PARTNER, STRANGER, team_ids=[TEAMMATE], organizer=True) is (
        Status.ACTIVE
    )
    org_done = replace(org, partner_confirmed_by=TEAMMATE, partner_confirmed_at=NOW)
    with pytest.raises(Refused, match="another member of the team"):
        rules.confirm(org_done, Side.TEAM, TEAMMATE, team_ids=[TEAMMATE])
    # `/agreement confirm`: which side an organizer confirms.
    assert rules.partner_side_for(org, STRANGER, team_ids=[TEAMMATE], organizer=True)
    assert not rules.partner_side_for(org, TEAMMATE, team_ids=[TEAMMATE], organizer=True)
    assert rules.partner_side_for(team_done, TEAMMATE, team_ids=[TEAMMATE], organizer=True)
    assert not rules.partner_side_for(org, STRANGER, team_ids=[TEAMMATE], organizer=False)
    assert rules.partner_side_for(agreement(), PARTNER, team_ids=[], organizer=False)


def test_a_side_confirms_once_and_closed_agreements_not_at_all() -> None:
    with pytest.raises(Refused, match="already confirmed"):
        rules.confirm(agreement(partner_confirmed_at=NOW), Side.PARTNER, PARTNER, team_ids=[])
    for status in (Status.COMPLETED, Status.LAPSED):
        with pytest.raises(Refused, match=status.value):
            rules.confirm(agreement(status=status), Side.PARTNER, PARTNER, team_ids=[])


def test_completed_by_either_side_or_an_organizer() -> None:
    for user, team, organizer in ((PARTNER, [], False), (TEAMMATE, [TEAMMATE], False), (STRANGER, [], True)):
        rules.complete(agreement(status=Status.ACTIVE), user, team_ids=team, organizer=organizer)
    with pytest.raises(Refused, match="Only the partner"):
        rules.complete(agreement(), STRANGER, team_ids=[TEAMMATE], organizer=False)
    with pytest.raises(Refused, match="already lapsed"):
        rules.complete(agreement(status=Status.LAPSED), PARTNER, team_ids=[], organizer=False)


def test_dates_and_hours() -> None:
    rules.check_dates(NOW - timedelta(days=30), REVIEW, now=NOW)  # a start in the past is fine
    with pytest.raises(Refused, match="in the future"):
        rules.check_dates(NOW - timedelta(days=30), NOW - timedelta(days=1), now=NOW)
    with pytest.raises(Refused, match="after the start"):
        rules.check_dates(REVIEW + timedelta(days=1), REVIEW, now=NOW)
    with pytest.raises(Refused, match="five years"):
        rules.check_dates(NOW, NOW + timedelta(days=6 * 365), now=NOW)
    assert rules.check_hours(0) == 0
    assert rules.check_hours(1000) == 1000
    for bad in (-1, 1001):
        with pytest.raises(Refused, match="between 0 and 1000"):
            rules.check_hours(bad)


def test_reminder_a_week_before_and_lapsing_at_the_review() -> None:
    assert rules.reminder_time(REVIEW, now=NOW) == REVIEW - timedelta(days=7)
    assert rules.reminder_time(NOW + timedelta(days=3), now=NOW) is None  # too close: no reminder
    open_one = agreement(status=Status.ACTIVE)
    assert not rules.lapses(open_one, REVIEW, now=REVIEW - timedelta(seconds=1))
    assert rules.lapses(open_one, REVIEW, now=REVIEW)
    renewed = agreement(review_at=REVIEW + timedelta(days=90))
    assert not rules.lapses(renewed, REVIEW, now=REVIEW)  # the old date's job does nothing
    assert not rules.lapses(agreement(status=Status.COMPLETED), REVIEW, now=REVIEW)


def test_renewing_needs_a_later_date_and_an_open_agreement() -> None:
    later = REVIEW + timedelta(days=60)
    rules.renew(agreement(), later, PARTNER, team_ids=[], organizer=False, now=NOW)
    with pytest.raises(Refused, match="after the current one"):
        rules.renew(agreement(), REVIEW, PARTNER, team_ids=[], organizer=False, now=NOW)
    with pytest.raises(Refused, match="propose a new one"):
        rules.renew(agreement(status=Status.LAPSED), later, PARTNER, team_ids=[], organizer=False, now=NOW)
    with pytest.raises(Refused, match="Only the partner"):
        rules.renew(agreement(), later, STRANGER, team_ids=[], organizer=False, now=NOW)


def test_who_sees_an_agreement() -> None:
    a = agreement()
    assert rules.can_see(a, PARTNER, school_ids=[], organizer=False)
    assert rules.can_see(a, TEAMMATE, school_ids=[7], organizer=False)
    assert rules.can_see(a, STRANGER, school_ids=[], organizer=True)
    assert not rules.can_see(a, STRANGER, school_ids=[8], organizer=False)


def test_the_hours_report_hides_groups_of_fewer_than_five() -> None:
    rows = [HoursRow(Status.ACTIVE, 10, "Business & Industry")] * 5
    rows += [HoursRow(Status.ACTIVE, 3, "Students")] * 5
    rows += [HoursRow(Status.COMPLETED, 7, None)]
    by_status, by_group = rules.hours_report(rows)
    assert [line.text() for line in by_status] == [
        "Active: 65 hours a month (10 agreements)",
        "Completed: fewer than 5 agreements",
    ]
    assert [line.text() for line in by_group] == [
        "Business & Industry: 50 hours a month (5 agreements)",
        "Students: 15 hours a month (5 agreements)",
    ]
    assert rules.hours_report([]) == ([], [])


def test_the_hours_report_hides_more_when_a_small_group_could_be_subtracted() -> None:
    # Active 62 hours less Business & Industry 50 would be the 4 students' 12 hours.
    rows = [HoursRow(Status.ACTIVE, 10, "Business & Industry")] * 5
    rows += [HoursRow(Status.ACTIVE, 3, "Students")] * 4
    by_status, by_group = rules.hours_report(rows)
    assert [line.text() for line in by_status] == ["Active: 62 hours a month (9 agreements)"]
    assert [line.text() for line in by_group] == [
        f"Business & Industry: {rules.WITHHELD}",
        "Students: fewer than 5 agreements",
    ]
    # Proposed and active together are the open agreements, which the sectors add up to: 3 proposed
    # beside 6 active would be the sectors' total less the active hours.
    rows = [HoursRow(Status.ACTIVE, 2, "Business & Industry")] * 6
    rows += [HoursRow(Status.PROPOSED, 4, "Business & Industry")] * 3
    by_status, by_group = rules.hours_report(rows)
    assert [line.text() for line in by_status] == [
        f"Active: {rules.WITHHELD}",
        "Proposed: fewer than 5 agreements",
    ]
    assert [line.text() for line in by_group] == ["Business & Industry: 24 hours a month (9 agreements)"]
    # The rest after the shown lines is 0 or at least 5: nothing more is hidden.
    assert rules.withheld({"A": 5, "B": 6}) == set()
    assert rules.withheld({"A": 5, "B": 6, "C": 2, "D": 3}) == set()
    assert rules.withheld({"A": 5, "B": 6, "C": 2}) == {"A"}
    assert rules.withheld({"A": 5, "B": 9, "C": 1}) == {"A"}
    assert rules.withheld({"A": 1, "B": 2}) == set()


def new(**changes: object) -> NewAgreement:
    base = NewAgreement(
        guild_id=1,
        school_id=7,
        school_name="Lincoln Elementary",
        partner_id=PARTNER,
        organization="",
        team_commitment="t",
        partner_commitment="p",
        hours_per_month=4,
        starts_at=NOW,
        review_at=REVIEW,
        created_by=TEAMMATE,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


async def test_the_service_plans_renews_completes_and_lapses(db: Database) -> None:
    jobs, clock = FakeJobs(), ManualClock(NOW)
    service = AgreementService(db, jobs, clock)
    saved = await service.propose(new())
    assert [(kind, due, payload["step"]) for kind, due, payload, _, _ in jobs.scheduled] == [
        (KIND, REVIEW - timedelta(days=7), "remind"),
        (KIND, REVIEW, "lapse"),
    ]
    with pytest.raises(Refused):
        await service.propose(new(hours_per_month=5000))
    assert len(await AgreementRepository(db).listed(1)) == 1  # nothing half-written

    half = await service.confirm(saved.id, Side.TEAM, TEAMMATE, team_ids=[TEAMMATE])
    assert not half.became_active
    both = await service.confirm(saved.id, Side.PARTNER, PARTNER, team_ids=[TEAMMATE])
    assert both.became_active
    assert both.agreement.status is Status.ACTIVE

    later = REVIEW + timedelta(days=30)
    renewed = await service.renew(saved.id, later, PARTNER, team_ids=[], organizer=False)
    assert renewed.review_at == later
    assert jobs.cancelled == [(saved.owner, 1)]
    assert await service.lapse(saved.id, REVIEW) is None  # the old date's lapse is stale
    clock.set(later)
    lapsed = await service.lapse(saved.id, later)
    assert lapsed is not None
    assert lapsed.status is Status.LAPSED
    assert await service.lapse(saved.id, later) is None  # once

    other = await service.propose(new(review_at=later + timedelta(days=30)))
    done = await service.complete(other.id, STRANGER, team_ids=[], organizer=True)
    assert done.status is Status.COMPLETED
    assert done.closed_at == later


async def test_personal_data_leaves_the_teams_record(db: Database) -> None:
    service = AgreementService(db, FakeJobs(), ManualClock(NOW))
    saved = await service.propose(new())
    await service.confirm(saved.id, Side.PARTNER, PARTNER, team_ids=[])
    repo = AgreementRepository(db)
    exported = await repo.export_member(1, PARTNER)
    assert exported[0]["you"] == ["partner", "confirmed for the partner"]
    assert await repo.export_member(1, STRANGER) == []
    assert await repo.forget_member(1, PARTNER) == 1
    kept = await repo.get(1, saved.id)
    assert kept is not None
    assert kept.partner_id is None
    assert kept.partner_confirmed_by is None
    assert kept.partner_former
    assert kept.partner_confirmed_at is not None  # the side stays confirmed
    assert kept.created_by == TEAMMATE
    assert await repo.export_member(1, PARTNER) == []
