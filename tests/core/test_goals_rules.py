"""The team-goal rules alone: who may edit and see, limits, the check-in status rules, prompt times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.goals.rules import (
    MAX_GOALS,
    Cadence,
    GoalRefusal,
    Status,
    Team,
    check_in_note,
    clean,
    may_edit,
    may_see,
    next_prompt,
    parse_cadence,
    parse_status,
    refuse_beyond_limit,
    refuse_unless_editor,
    step,
)

LINCOLN = Team(1, 10, "Lincoln <@&123456789012345678>")
COMMUNITY = Team(1, None, "The whole community")


def test_team_members_edit_their_own_team_and_organizers_every_team() -> None:
    assert may_edit(LINCOLN, teams_of_member={10}, organizer=False)
    assert not may_edit(LINCOLN, teams_of_member={11}, organizer=False)
    assert may_edit(LINCOLN, teams_of_member=set(), organizer=True)
    assert not may_edit(COMMUNITY, teams_of_member={10}, organizer=False)
    assert may_edit(COMMUNITY, teams_of_member=set(), organizer=True)


def test_the_community_is_everyones_to_see_a_school_team_its_members() -> None:
    assert may_see(COMMUNITY, teams_of_member=set(), organizer=False)
    assert not may_see(LINCOLN, teams_of_member={11}, organizer=False)
    assert may_see(LINCOLN, teams_of_member={10}, organizer=False)


def test_refusals_name_the_team_without_pinging() -> None:
    with pytest.raises(GoalRefusal, match="Only members of the Lincoln") as refused:
        refuse_unless_editor(LINCOLN, teams_of_member=set(), organizer=False)
    assert "<@&123456789012345678>" not in str(refused.value)
    with pytest.raises(GoalRefusal, match="Only organizers can change the community's goals"):
        refuse_unless_editor(COMMUNITY, teams_of_member={10}, organizer=False)


def test_at_most_five_goals() -> None:
    refuse_beyond_limit(MAX_GOALS - 1, LINCOLN)
    with pytest.raises(GoalRefusal, match="already has 5 goals"):
        refuse_beyond_limit(MAX_GOALS, LINCOLN)


def test_text_is_trimmed_and_bounded() -> None:
    assert clean("  Robotics  ", what="title", limit=10) == "Robotics"
    with pytest.raises(GoalRefusal, match="title is empty"):
        clean("   ", what="title", limit=10)
    with pytest.raises(GoalRefusal, match="keep it to 10"):
        clean("x" * 11, what="title", limit=10)
    assert clean("", what="vision", limit=10, required=False) == ""


def test_a_note_is_optional_unless_at_risk_or_dropped() -> None:
    assert check_in_note(Status.ON_TRACK, "") == ""
    assert check_in_note(Status.DONE, " yes ") == "yes"
    for status in (Status.AT_RISK, Status.DROPPED):
        with pytest.raises(GoalRefusal, match="Add a short note"):
            check_in_note(status, "  ")
    assert check_in_note(Status.AT_RISK, "x" * 500) == "x" * 500
    with pytest.raises(GoalRefusal, match="keep it to 500"):
        check_in_note(Status.ON_TRACK, "x" * 501)


def test_statuses_and_cadences_are_read_from_their_lists_only() -> None:
    assert parse_status("at_risk") is Status.AT_RISK
    assert parse_cadence("monthly") is Cadence.MONTHLY
    with pytest.raises(GoalRefusal, match="Pick a status"):
        parse_status("great")
    with pytest.raises(GoalRefusal, match="Pick how often"):
        parse_cadence("daily")


def test_cadence_steps() -> None:
    start = datetime(2026, 1, 31, 15, 0, tzinfo=UTC)
    assert step(Cadence.BIWEEKLY, start) == start + timedelta(days=14)
    assert step(Cadence.MONTHLY, start) == datetime(2026, 2, 28, 15, 0, tzinfo=UTC)  # the month's last day
    assert step(Cadence.MONTHLY, datetime(2026, 12, 15, tzinfo=UTC)) == datetime(2027, 1, 15, tzinfo=UTC)
    with pytest.raises(ValueError, match="no next prompt"):
        step(Cadence.OFF, start)


def test_the_next_prompt_skips_what_was_missed_while_offline() -> None:
    planned = datetime(2026, 3, 1, 15, 0, tzinfo=UTC)
    assert next_prompt(Cadence.BIWEEKLY, planned=planned, now=planned) == planned + timedelta(days=14)
    late = planned + timedelta(days=30)  # two prompts' worth of downtime
    assert next_prompt(Cadence.BIWEEKLY, planned=planned, now=late) == planned + timedelta(days=42)
    assert next_prompt(Cadence.MONTHLY, planned=planned, now=late) == datetime(2026, 4, 1, 15, 0, tzinfo=UTC)
