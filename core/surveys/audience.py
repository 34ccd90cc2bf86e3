"""Who a survey is for, when it can be answered, and when its reminders go out."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from core.surveys.errors import SurveyRefusal
from core.timeutil import discord_timestamp

MAX_REMINDERS = 5
MIN_OPEN = timedelta(minutes=10)
MAX_OPEN = timedelta(days=366)


class AudienceKind(StrEnum):
    EVERYONE = "everyone"
    GROUP = "group"  # one stakeholder group
    SCHOOL = "school"  # one school team


@dataclass(frozen=True, slots=True)
class Audience:
    kind: AudienceKind
    unit_id: int | None = None  # the group's or school's id
    name: str = ""  # its name when the survey started, for messages

    def includes(self, group_ids: Collection[int], school_ids: Collection[int]) -> bool:
        if self.kind is AudienceKind.EVERYONE:
            return True
        if self.kind is AudienceKind.GROUP:
            return self.unit_id in group_ids
        return self.unit_id in school_ids

    def describe(self) -> str:
        if self.kind is AudienceKind.EVERYONE:
            return "everyone"
        what = "the stakeholder group" if self.kind is AudienceKind.GROUP else "the school team"
        return f"{what} **{self.name}**"


def check_times(opens: datetime, closes: datetime, *, now: datetime) -> None:
    """A survey opens now or later and closes at least 10 minutes after it opens, within a year."""
    if closes <= now:
        raise SurveyRefusal(f"The closing time {discord_timestamp(closes)} has already passed.")
    if closes - opens < MIN_OPEN:
        raise SurveyRefusal("A survey must stay open at least 10 minutes: choose a later closing time.")
    if closes - opens > MAX_OPEN:
        raise SurveyRefusal("A survey can stay open at most a year: choose an earlier closing time.")


def check_can_answer(
    *, closed: bool, opens: datetime, closes: datetime, now: datetime, audience: Audience, member_in: bool
) -> None:
    """Refuses an answer to a closed or not yet open survey, or from someone outside its audience."""
    if closed or now >= closes:
        raise SurveyRefusal(
            f"This survey closed {discord_timestamp(closes)}. Any pages you had already saved were kept "
            "and count in the results."
        )
    if now < opens:
        raise SurveyRefusal(f"This survey opens {discord_timestamp(opens)}. Come back then!")
    if not member_in:
        raise SurveyRefusal(
            f"This survey is for {audience.describe()}, so it isn't one for you to answer. "
            "If you belong there, join it first (`/groups join`, or ask an organizer about your school team)."
        )


def reminder_times(opens: datetime, closes: datetime, count: int) -> list[datetime]:
    """`count` reminders spread evenly between opening and closing (none at either end)."""
    count = max(0, min(count, MAX_REMINDERS))
    span = closes - opens
    return [opens + span * i / (count + 1) for i in range(1, count + 1)]
