"""The rules of a collaboration agreement, on plain data.

* An agreement is *proposed* until both sides confirmed: the partner member for the partner side, a member
  of the school team for the team side. Then it is *active*.
* The partner is a member, an organisation (named in profiles), or both. With an organisation and no
  partner member, an organizer confirms for the organisation: what an organisation commits counts as
  human capital support, so a team can't record it alone.
* The partner never confirms for the team, even when they are on it; nobody confirms both sides.
* Either side or an organizer may mark an open (proposed or active) agreement *completed*.
* At its review date an open agreement *lapses* unless it was renewed (a new, later review date) before.
* Both sides are reminded a week before the review date.
* Hours per month are 0 to 1000; the hours report hides any group of fewer than 5 agreements, and a
  larger one too when the small ones could be worked out by subtraction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from core.text import safe_text
from storage.agreements import OPEN, Agreement, HoursRow, Status

MAX_HOURS = 1000
REMIND_BEFORE = timedelta(days=7)
MAX_LENGTH = timedelta(days=5 * 366)
SMALL = 5  # fewer agreements than this in a group: "fewer than 5"
NO_GROUP = "No stakeholder group"
KIND = "agreement.review"


class Refused(Exception):
    """A rule said no; the text is for the member."""


class Side(StrEnum):
    TEAM = "team"
    PARTNER = "partner"


def check_hours(hours: int) -> int:
    if not 0 <= hours <= MAX_HOURS:
        raise Refused(f"Committed hours per month must be between 0 and {MAX_HOURS}.")
    return hours


def check_dates(starts: datetime, review: datetime, *, now: datetime) -> None:
    """The review date must be in the future, after the start, and within five years of it."""
    if review <= now:
        raise Refused("The review date must be in the future.")
    if review <= starts:
        raise Refused("The review date must come after the start date.")
    if review - starts > MAX_LENGTH:
        raise Refused("The review date must be within five years of the start date.")


def confirmed(agreement: Agreement, side: Side) -> bool:
    at = agreement.team_confirmed_at if side is Side.TEAM else agreement.partner_confirmed_at
    return at is not None


def organization_only(agreement: Agreement) -> bool:
    """An organisation is the partner and no partner member is named (none was, or their data was deleted):
    an organizer confirms for it."""
    return agreement.partner_id is None and bool(agreement.organization)


def partner_side_for(agreement: Agreement, user_id: int, *, team_ids: Iterable[int], organizer: bool) -> bool:
    """Whether `/agreement confirm` by `user_id` is for the partner side (else the team's): the partner's
    own, or an organizer's for an organisation unless they are on the team and it still waits for them."""
    if user_id == agreement.partner_id:
        return True
    if not (organizer and organization_only(agreement)):
        return False
    return user_id not in set(team_ids) or confirmed(agreement, Side.TEAM)


def confirm(
    agreement: Agreement, side: Side, user_id: int, *, team_ids: Iterable[int], organizer: bool = False
) -> Status:
    """The status after `user_id` confirms `side`; refused when they may not or it is not open."""
    if agreement.status not in OPEN:
        raise Refused(f"Agreement #{agreement.id} is {agreement.status.value}, so it can't be confirmed.")
    if side is Side.PARTNER and organization_only(agreement):
        if not organizer:
            raise Refused(
                f"No partner member is named in agreement #{agreement.id}, so an organizer confirms for "
                f"{safe_text(agreement.organization, 100)}."
            )
        if user_id == agreement.team_confirmed_by:
            raise Refused("You confirmed for the team, so another organizer confirms for the organisation.")
    elif side is Side.PARTNER and user_id != agreement.partner_id:
        raise Refused("Only the partner named in this agreement can confirm for the partner side.")
    if side is Side.TEAM and user_id == agreement.partner_id:
        raise Refused("The partner can't also confirm for the team: another member of the team has to.")
    if side is Side.TEAM and organization_only(agreement) and user_id == agreement.partner_confirmed_by:
        raise Refused(
            "You confirmed for the organisation, so another member of the team confirms for the team."
        )
    if side is Side.TEAM and user_id not in set(team_ids):
        raise Refused(
            f"Only members of the {safe_text(agreement.school_name, 100)} team can confirm for the team side. "
            "Join the team with `/schools join` first."
        )
    if confirmed(agreement, side):
        raise Refused(f"The {side.value} side of agreement #{agreement.id} is already confirmed.")
    other = Side.PARTNER if side is Side.TEAM else Side.TEAM
    return Status.ACTIVE if confirmed(agreement, other) else Status.PROPOSED


def may_act(agreement: Agreement, user_id: int, *, team_ids: Iterable[int], organizer: bool) -> bool:
    """Either side (the partner, a team member) or an organizer."""
    return organizer or user_id == agreement.partner_id or user_id in set(team_ids)


def complete(agreement: Agreement, user_id: int, *, team_ids: Iterable[int], organizer: bool) -> None:
    if not may_act(agreement, user_id, team_ids=team_ids, organizer=organizer):
        raise Refused(
            "Only the partner, a member of the school team or an organizer can complete this agreement."
        )
    if agreement.status not in OPEN:
        raise Refused(f"Agreement #{agreement.id} is already {agreement.status.value}.")


def renew(
    agreement: Agreement,
    review: datetime,
    user_id: int,
    *,
    team_ids: Iterable[int],
    organizer: bool,
    now: datetime,
) -> None:
    if not may_act(agreement, user_id, team_ids=team_ids, organizer=organizer):
        raise Refused(
            "Only the partner, a member of the school team or an organizer can renew this agreement."
        )
    if agreement.status not in OPEN:
        raise Refused(
            f"Agreement #{agreement.id} is {agreement.status.value}; propose a new one with `/agreement propose`."
        )
    if review <= agreement.review_at:
        raise Refused("The new review date must come after the current one.")
    check_dates(agreement.starts_at, review, now=now)


def reminder_time(review: datetime, *, now: datetime) -> datetime | None:
    """When both sides are reminded: a week before the review, or None when that has already passed."""
    at = review - REMIND_BEFORE
    return at if at > now else None


def lapses(agreement: Agreement, review_at: datetime, *, now: datetime) -> bool:
    """Whether the review job planned for `review_at` lapses the agreement now (not renewed, still open)."""
    return agreement.status in OPEN and agreement.review_at == review_at and now >= review_at


def can_see(agreement: Agreement, user_id: int, *, school_ids: Iterable[int], organizer: bool) -> bool:
    """Organizers, the partner and members of the school team see an agreement; nobody else."""
    return organizer or user_id == agreement.partner_id or agreement.school_id in set(school_ids)


WITHHELD = "hidden too, so that the smaller groups can't be worked out from the other lines"


@dataclass(frozen=True, slots=True)
class HoursLine:
    label: str
    agreements: int
    hours: int | None  # None: hidden (fewer than SMALL agreements, or `withheld`)
    withheld: bool = False  # SMALL or more, hidden so that the smaller lines can't be subtracted out

    def text(self) -> str:
        if self.withheld:
            return f"{self.label}: {WITHHELD}"
        if self.hours is None:
            return f"{self.label}: fewer than {SMALL} agreements"
        return f"{self.label}: {self.hours} hours a month ({self.agreements} agreements)"


def withheld(sizes: Mapping[str, int]) -> set[str]:
    """Lines of one breakdown (each agreement in exactly one) shown in full but hidden anyway: what the
    hidden lines hold together is the total less the shown ones, so it must be 0 or at least `SMALL`
    agreements, or a small group could be worked out by subtraction. The smallest shown lines are
    hidden until that holds (the rule of survey results, `core.surveys.results.shown_units`)."""
    shown = sorted((n for n, size in sizes.items() if size >= SMALL), key=lambda n: (sizes[n], n))
    rest = sum(size for n, size in sizes.items() if size < SMALL)
    hidden: set[str] = set()
    while shown and 0 < rest < SMALL:
        name = shown.pop(0)
        hidden.add(name)
        rest += sizes[name]
    return hidden


def _lines(groups: dict[str, list[int]], withhold: Collection[str] = ()) -> list[HoursLine]:
    return [
        HoursLine(
            label,
            len(hours),
            sum(hours) if len(hours) >= SMALL and label not in withhold else None,
            withheld=label in withhold,
        )
        for label, hours in sorted(groups.items())
    ]


def hours_report(rows: Iterable[HoursRow]) -> tuple[list[HoursLine], list[HoursLine]]:
    """Committed hours per month by status, and of open agreements by the partner's stakeholder group;
    groups of fewer than `SMALL` agreements hidden. The open agreements appear in both (proposed and
    active are their statuses), so each of the two splits of them keeps what its hidden lines hold
    together at 0 or at least `SMALL` agreements (`withheld`): neither the statuses nor the sectors can
    be subtracted from the other's total."""
    by_status: dict[str, list[int]] = defaultdict(list)
    by_group: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        by_status[row.status.value.capitalize()].append(row.hours_per_month)
        if row.status in OPEN:
            by_group[row.group_name or NO_GROUP].append(row.hours_per_month)
    open_labels = {status.value.capitalize() for status in OPEN}
    open_sizes = {label: len(hours) for label, hours in by_status.items() if label in open_labels}
    group_sizes = {label: len(hours) for label, hours in by_group.items()}
    return _lines(by_status, withheld(open_sizes)), _lines(by_group, withheld(group_sizes))
