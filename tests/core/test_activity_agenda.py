"""Agenda provenance: topics from members (not organizers or the meeting's creator) and their votes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from core.activity.agenda import agendas_between, overall
from storage.database import Database
from storage.meetings import MeetingRepository, NewMeeting

GUILD = 1
NOW = datetime(2026, 10, 14, 17, 0, tzinfo=UTC)
CREATOR, ORGANIZER, ALICE, BOB = 1, 2, 3, 4


async def meeting(repo: MeetingRepository, title: str, starts: datetime) -> int:
    new = NewMeeting(GUILD, title, starts, starts + timedelta(hours=1), "America/Phoenix", 50, CREATOR)
    return (await repo.create(new, now=NOW - timedelta(days=60))).id


async def test_topics_from_members_and_their_votes(db: Database) -> None:
    repo = MeetingRepository(db)
    soon = await meeting(repo, "Kickoff", NOW + timedelta(days=2))
    old = await meeting(repo, "Last spring", NOW - timedelta(days=90))
    empty = await meeting(repo, "No agenda", NOW - timedelta(days=3))
    mine = await repo.suggest(GUILD, soon, CREATOR, "Welcome", now=NOW)
    theirs = await repo.suggest(GUILD, soon, ALICE, "Robotics grants", now=NOW)
    await repo.suggest(GUILD, soon, ORGANIZER, "Budget", now=NOW)
    await repo.suggest(GUILD, old, ALICE, "Long ago", now=NOW)
    for voter in (ALICE, BOB):
        await repo.toggle_vote(GUILD, theirs, voter)
    await repo.toggle_vote(GUILD, mine, BOB)

    found = await agendas_between(repo, GUILD, now=NOW, days=30, organizers={ORGANIZER})

    assert [a.meeting_id for a in found] == [empty, soon]
    assert found[0].summary() == "no agenda topics yet"
    assert (found[1].items, found[1].from_members, found[1].member_votes) == (3, 1, 2)
    assert found[1].summary() == "1 of 3 topics came from members (2 votes)"
    assert overall(found).summary() == "33% of agenda topics came from members: 1 of 3 topics, with 2 votes."


def test_no_topics_at_all() -> None:
    assert overall([]).summary() == "No meeting in this period has agenda topics yet."
