"""`/cop stats` as plain data: how many members introduced themselves, by stakeholder group and by school,
and a line per kind of evidence (surveys, value stories, team goals, agreements, activity)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from core.activity.agenda import Overall
from core.text import plural
from storage.evidence import EvidenceRepository
from storage.profiles import ProfileRepository


@dataclass(frozen=True, slots=True)
class ProfileStats:
    introduced: int  # profiles shown (departed members' hidden profiles are not counted)
    members: int  # members of the server who are people, not bots
    connections: int  # introductions made through /connect
    by_group: dict[str, int] = field(
        default_factory=dict
    )  # group name (or "No group") -> profiles, most first
    by_school: dict[str, int] = field(
        default_factory=dict
    )  # school or organization (or "Not given") -> profiles


async def profile_stats(profiles: ProfileRepository, guild_id: int, *, members: int) -> ProfileStats:
    """The counts for organizers; `members` is how many people the server has (the platform knows)."""
    total, by_group, by_school = await profiles.counts(guild_id)
    return ProfileStats(total, members, await profiles.connection_count(guild_id), by_group, by_school)


ACTIVITY_DAYS = 30  # the period the messages line counts


async def evidence_lines(
    evidence: EvidenceRepository, guild_id: int, *, now: datetime, zone: str, agendas: Overall
) -> list[str]:
    """One line per kind of evidence the community collects, counts only (nothing names a member);
    `agendas`: where the topics of the last `ACTIVITY_DAYS` days' meetings and the coming ones came from."""
    since = (now.astimezone(ZoneInfo(zone)) - timedelta(days=ACTIVITY_DAYS - 1)).date().isoformat()
    c = await evidence.counts(guild_id, since_day=since)
    return [
        f"Surveys: {plural(c['surveys'], 'survey')} ({c['surveys_open']} open), "
        f"{plural(c['survey_answers'], 'completed answer')}",
        f"Value stories: {plural(c['stories'], 'story', 'stories')}",
        f"Team goals: {plural(c['goals'], 'goal')} across {plural(c['goal_teams'], 'team')}",
        f"Agreements: {plural(c['agreements_active'], 'active agreement')}, "
        f"{plural(c['hours_active'], 'hour')} a month committed",
        f"Activity: {plural(c['messages'], 'message')} by members in the last {ACTIVITY_DAYS} days",
        f"Agendas (meetings of the last {ACTIVITY_DAYS} days and coming ones): {agendas.summary()}",
    ]
