"""The rules of value stories, on plain data: who is prompted after a meeting, who gets the follow-up, what
organizers may see of a story (consent and naming), and the counts they see (small groups suppressed)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from storage.stories import TEXT_LIMIT, Consent, Cycle, Story

PROMPT_KIND = "story.prompt"
FOLLOWUP_KIND = "story.followup"
PROMPT_GRACE = timedelta(days=2)  # a prompt two days after the meeting is still worth sending
FOLLOWUP_GRACE = timedelta(days=7)
SMALL = 5  # a count of fewer people than this is shown as "fewer than 5"
FEWER = f"fewer than {SMALL}"

CYCLE_WORDS: dict[Cycle, str] = {
    Cycle.IMMEDIATE: "It helped right away (a good conversation, an idea)",
    Cycle.POTENTIAL: "I got something I plan to use",
    Cycle.APPLIED: "I tried it in my classroom or work",
    Cycle.REALIZED: "It made a difference (students, school, results)",
}
CYCLE_SHORT: dict[Cycle, str] = {
    Cycle.IMMEDIATE: "right away",
    Cycle.POTENTIAL: "plan to use",
    Cycle.APPLIED: "tried it",
    Cycle.REALIZED: "made a difference",
}


class Refused(Exception):
    """A story or a choice the member must change; the text is for them."""


def owner(meeting_id: int) -> str:
    """The scheduler owner of a meeting's prompt job."""
    return f"story-meeting:{meeting_id}"


def check_text(text: str | None) -> str:
    """The story as typed (trimmed), or Refused when empty or too long."""
    cleaned = (text or "").strip()
    if not cleaned:
        raise Refused(
            "Your story was empty. Write a sentence or two about what happened, then send it again."
        )
    if len(cleaned) > TEXT_LIMIT:
        raise Refused(
            f"Your story is {len(cleaned)} characters long; the most is {TEXT_LIMIT}. Shorten it a little."
        )
    return cleaned


def to_prompt(
    checked_in: Iterable[int], going: Iterable[int], prompts_off: Iterable[int], already: Iterable[int]
) -> list[int]:
    """Who gets a prompt after a meeting: those who checked in or answered Going, in that order, except those
    who turned prompts off and those already prompted for this meeting."""
    skip = set(prompts_off) | set(already)
    return [u for u in dict.fromkeys([*checked_in, *going]) if u not in skip]


def followup_due(answered_at: datetime, days: int) -> datetime:
    return answered_at + timedelta(days=days)


def wants_followup(answered_before: bool, prompts_on: bool) -> bool:
    """A follow-up is planned the first time a prompt is answered, for members who still want prompts."""
    return not answered_before and prompts_on


def visible_author(story: Story) -> int | None:
    """The author organizers may name when posting: only for a shareable story whose author agreed, and never
    for a member of a protected group (students)."""
    if story.consent is Consent.SHAREABLE and story.named and not story.group_protected:
        return story.author_id
    return None


def shown_count(people: int) -> str:
    return FEWER if people < SMALL else str(people)


@dataclass(frozen=True, slots=True)
class Count:
    label: str
    stories: str  # the count, or "fewer than 5"


@dataclass(frozen=True, slots=True)
class Report:
    total: str
    by_cycle: list[Count]
    by_group: list[Count]
    shareable: list[Story]


def report(stories: Sequence[Story]) -> Report:
    """What organizers see: the shareable stories, and counts by cycle and by stakeholder group. A count is
    shown only when at least five people told those stories (else "fewer than 5"); protected groups are
    one line, "a protected group", never named."""

    def count(group: Sequence[Story]) -> str:
        people = len({s.author_id for s in group})
        return FEWER if people < SMALL else str(len(group))

    cycles: dict[Cycle, list[Story]] = defaultdict(list)
    groups: dict[str, list[Story]] = defaultdict(list)
    for story in stories:
        cycles[story.cycle].append(story)
        label = "a protected group" if story.group_protected else (story.group_name or "no group given")
        groups[label].append(story)
    return Report(
        total=count(stories) if stories else "0",
        by_cycle=[Count(CYCLE_SHORT[c], count(cycles[c])) for c in Cycle if cycles[c]],
        by_group=[Count(label, count(groups[label])) for label in sorted(groups)],
        shareable=[s for s in stories if s.consent is Consent.SHAREABLE],
    )
