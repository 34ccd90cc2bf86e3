"""A survey's results: counts per answer, overall and by stakeholder group and school team, with every
count of 1 to 4 people shown as "fewer than 5" (and, when that count alone could be worked out from the
number who answered, the next smallest held back too) and any group or team with fewer than 5 answers shown
only as that, so no student and no member of a small team can be picked out."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from core.surveys.questions import Kind, Question

SMALL = 5
FEWER = "fewer than 5"

Answers = Mapping[int, Mapping[str, tuple[str, ...]]]  # user id -> question key -> values


def shown_count(count: int) -> str:
    """A count of people as organizers see it: 1 to 4 become "fewer than 5"."""
    return FEWER if 0 < count < SMALL else str(count)


@dataclass(frozen=True, slots=True)
class Tally:
    """One question's counts among some members."""

    answered: int  # members who answered it
    counts: dict[str, int]  # value -> members who chose it (text questions: empty)


def tally(question: Question, answers: Answers, members: Collection[int] | None = None) -> Tally:
    counts: Counter[str] = Counter()
    answered = 0
    for user_id, given in answers.items():
        if members is not None and user_id not in members:
            continue
        values = given.get(question.key, ())
        if not values:
            continue
        answered += 1
        if question.kind is not Kind.TEXT:
            counts.update(values)
    return Tally(answered, dict(counts))


HELD = "hidden"  # a count of 5 or more held back so that a smaller one can't be worked out from the total


def shown_cells(question: Question, counts: Mapping[str, int]) -> dict[str, str]:
    """Each choice's count as shown (by value), in one row: the overall totals, or one unit's.

    Counts of 1 to 4 show as "fewer than 5". On a one-answer question (1–5 or one choice) the row's counts
    add up to the number who answered, which is shown, so a single "fewer than 5" could be worked out as
    that number minus the others: then the next smallest count is held back too ("hidden"), which leaves
    two unknowns. A several-answers question's counts don't add up to the number who answered, so nothing
    can be subtracted there."""
    shown = {value: shown_count(counts.get(value, 0)) for value, _ in question.options}
    if question.kind in (Kind.LIKERT, Kind.SINGLE):
        small = [value for value in shown if 0 < counts.get(value, 0) < SMALL]
        if len(small) == 1:
            large = [
                (counts[value], index, value)
                for index, value in enumerate(shown)
                if counts.get(value, 0) >= SMALL
            ]
            if large:
                shown[min(large)[2]] = HELD
    return shown


def _cells(question: Question, found: Tally) -> str:
    if question.kind is Kind.TEXT:
        return f"{shown_count(found.answered)} wrote an answer"
    shown = shown_cells(question, found.counts)
    return " · ".join(
        f"{value if question.kind is Kind.LIKERT else text[:30]}: {shown[value]}"
        for value, text in question.options
    )


HIDDEN = "hidden, so that the smaller groups can't be worked out from the totals"


def shown_units(
    question: Question, answers: Answers, units: Mapping[str, Collection[int]]
) -> tuple[list[str], list[str]]:
    """Which units of one breakdown show their counts (at least 5 answered), and which with 5 or more
    answers are hidden anyway: the overall totals minus the shown units' must describe 0 or at least 5
    people, or a small group's answers could be worked out by subtraction. The smallest shown units are
    hidden until that holds."""
    breakdown = _Breakdown(units)
    return _shown_units(_Counted(_combos(question, answers, _units_of((breakdown,)), 1), 1))[0]


_UnitsOf = Mapping[int, tuple[tuple[str, ...], ...]]  # user id -> their units in each breakdown


def _units_of(breakdowns: Sequence[_Breakdown]) -> _UnitsOf:
    users = set().union(*(b.units_of for b in breakdowns))
    return {user: tuple(b.units_of.get(user, ()) for b in breakdowns) for user in users}


class _Breakdown:
    """One way of splitting members (stakeholder groups, or school teams): each member's units, once."""

    def __init__(self, units: Mapping[str, Collection[int]]) -> None:
        self.names = sorted(units)
        found: dict[int, list[str]] = {}
        for name in self.names:
            for user_id in units[name]:
                found.setdefault(user_id, []).append(name)
        self.units_of: dict[int, tuple[str, ...]] = {user: tuple(names) for user, names in found.items()}


_Unit = tuple[int, str]  # (breakdown, name)


def _shown_units(counted: _Counted) -> list[tuple[list[str], list[str]]]:
    """Per breakdown: the units whose counts show (at least 5 answered) and those with 5 or more hidden
    anyway, so that no group of 1 to 4 people can be worked out by subtracting shown counts:
    - the totals less the shown units of a breakdown must describe 0 or at least 5 people;
    - a unit within another (every member who answered in one is in the other, in either breakdown: a
      school team all of whose answering members are teachers, a group nested in a larger one) must
      differ from it by 0 or at least 5 people; so must a unit and the members outside the other
      breakdown's shown units, which the totals less those units give.
    Subtractions over three or more units at once are not checked.
    The smallest shown unit that breaks a rule is hidden, and the rules are checked again, until both hold."""
    breakdowns = len(counted.answered_in)
    sizes = {(i, name): size for i in range(breakdowns) for name, size in counted.answered_in[i].items()}
    shown = {unit for unit, size in sizes.items() if size >= SMALL}
    hidden: set[_Unit] = set()
    while True:
        breaking: list[_Unit] = []
        for index in range(breakdowns):
            showing = {name for i, name in shown if i == index}
            if showing and _rest_breaks(counted, index, showing):
                breaking.extend((index, name) for name in showing)
        if not breaking:
            breaking = _nested_within(counted.overlaps, sizes, shown)
        if not breaking:
            breaking = _nested_in_rest(counted, sizes, shown)
        if not breaking:
            break
        smallest = min(breaking, key=lambda unit: (sizes[unit], unit))
        shown.discard(smallest)
        hidden.add(smallest)
    return [
        (sorted(n for i, n in shown if i == index), sorted(n for i, n in hidden if i == index))
        for index in range(breakdowns)
    ]


def _rest_breaks(counted: _Counted, index: int, showing: set[str]) -> bool:
    rest = sum(
        people for units, people in counted.by_units[index].items() if not any(n in showing for n in units)
    )
    return 0 < rest < SMALL


def _nested_in_rest(counted: _Counted, sizes: Mapping[_Unit, int], shown: set[_Unit]) -> list[_Unit]:
    """The same for the members outside a breakdown's shown units (the totals less those units): a shown
    unit of another breakdown that holds them, or that they hold, with 1 to 4 people between."""
    found: list[_Unit] = []
    for index in range(len(counted.by_units)):
        showing = {name for i, name in shown if i == index}
        rest = 0
        within: Counter[_Unit] = Counter()  # units of the other breakdowns -> their members in the rest
        for units_each, people in counted.joint.items():
            if any(name in showing for name in units_each[index]):
                continue
            rest += people
            for other, among in enumerate(units_each):
                if other != index:
                    for name in among:
                        within[(other, name)] += people
        for unit, both in within.items():
            if unit in shown and (
                (both == rest and 0 < sizes[unit] - both < SMALL)
                or (both == sizes[unit] and 0 < rest - both < SMALL)
            ):
                found.append(unit)
    return found


def _nested_within(
    overlaps: Mapping[tuple[_Unit, _Unit], int], sizes: Mapping[_Unit, int], shown: set[_Unit]
) -> list[_Unit]:
    """Shown units inside another shown unit that differs from them by 1 to 4 people: both of each pair."""
    found: list[_Unit] = []
    for (a, b), both in overlaps.items():
        if a not in shown or b not in shown:
            continue
        for inner, outer in ((a, b), (b, a)):
            if both == sizes[inner] and 0 < sizes[outer] - both < SMALL:
                found.extend((inner, outer))
    return found


_Combo = tuple[tuple[tuple[str, ...], ...], tuple[str, ...]]  # (a member's units in each breakdown, answer)


def _combo(
    question: Question, units: tuple[tuple[str, ...], ...], given: Mapping[str, tuple[str, ...]]
) -> _Combo | None:
    values = given.get(question.key)
    if not values:
        return None
    return (units, values if question.kind is not Kind.TEXT else ())


def _combos(question: Question, answers: Answers, units: _UnitsOf, breakdowns: int) -> Counter[_Combo]:
    """How many members gave each answer from each combination of units (a few thousand at most)."""
    nowhere: tuple[tuple[str, ...], ...] = ((),) * breakdowns
    combos: Counter[_Combo] = Counter()
    for user_id, given in answers.items():
        combo = _combo(question, units.get(user_id, nowhere), given)
        if combo is not None:
            combos[combo] += 1
    return combos


class _Counted:
    """One question's counts, overall and per unit of each breakdown, every one taken from the counts per
    combination of units and answer (`_combos`)."""

    def __init__(self, combos: Mapping[_Combo, int], breakdowns: int) -> None:
        self.answered = 0
        self.counts: Counter[str] = Counter()
        self.answered_in: list[Counter[str]] = [Counter() for _ in range(breakdowns)]
        self.counts_in: list[dict[str, Counter[str]]] = [{} for _ in range(breakdowns)]
        self.by_units: list[Counter[tuple[str, ...]]] = [Counter() for _ in range(breakdowns)]
        self.overlaps: Counter[tuple[_Unit, _Unit]] = Counter()  # pairs of units -> members in both
        self.joint: Counter[tuple[tuple[str, ...], ...]] = Counter()  # units in every breakdown -> members
        chosen: dict[tuple[tuple[str, ...], ...], Counter[str]] = {}  # units in every breakdown -> answers
        for (units_each, values), people in combos.items():
            self.answered += people
            self.joint[units_each] += people
            answers = chosen.get(units_each)
            if answers is None:
                answers = chosen[units_each] = Counter()
            for value in values:
                answers[value] += people
        for units_each, people in self.joint.items():
            answers = chosen[units_each]
            self.counts.update(answers)
            units = [(i, name) for i, among in enumerate(units_each) for name in among]
            if len(units) > 1:
                for pair in itertools.combinations(sorted(units), 2):
                    self.overlaps[pair] += people
            for index, among in enumerate(units_each):
                self.by_units[index][among] += people
                for name in among:
                    self.answered_in[index][name] += people
                    in_unit = self.counts_in[index].get(name)
                    if in_unit is None:
                        in_unit = self.counts_in[index][name] = Counter()
                    in_unit.update(answers)

    def tally(self, index: int, name: str) -> Tally:
        return Tally(self.answered_in[index][name], dict(self.counts_in[index].get(name, {})))


def _breakdown(
    question: Question,
    counted: _Counted,
    index: int,
    breakdown: _Breakdown,
    decided: tuple[list[str], list[str]],
) -> list[str]:
    shown, hidden = decided
    rows = []
    for name in breakdown.names:
        unit = counted.tally(index, name)
        if unit.answered == 0:
            continue
        if name in shown:
            rows.append(f"  {name} ({unit.answered} answered): {_cells(question, unit)}")
        elif name in hidden:
            rows.append(f"  {name}: {HIDDEN}")
        else:
            rows.append(f"  {name}: {FEWER} answered")
    return rows


HEADINGS = ("By stakeholder group", "By school team")


def result_lines(
    questions: Sequence[Question],
    answers: Answers,
    *,
    groups: Mapping[str, Collection[int]],
    schools: Mapping[str, Collection[int]],
) -> list[str]:
    """The lines of the results, question by question: overall counts, then by group and by school.

    `groups` and `schools` map a name to its members' ids. A group or team with fewer than 5 answers to a
    question shows only "fewer than 5 answered"; within the others, counts under 5 show as "fewer than 5",
    with a second count held back when one alone could be worked out from the total (`shown_cells`); and a
    group is hidden when showing it would let a smaller one be worked out (`shown_units`)."""
    return Counts(questions, answers, groups=groups, schools=schools).lines()


class Counts:
    """A survey's results (`result_lines`) kept counted: `update` replaces some members' answers and only
    the questions whose counts that changed are counted again, from their counts per combination of units
    and answer, so a changed answer among ten thousand costs that member, not a recount of all of them.

    It holds the answers it counted (`answers`), to be counted again with other units when memberships
    change."""

    def __init__(
        self,
        questions: Sequence[Question],
        answers: Answers,
        *,
        groups: Mapping[str, Collection[int]],
        schools: Mapping[str, Collection[int]],
    ) -> None:
        self.questions = tuple(questions)
        self._breakdowns = (_Breakdown(groups), _Breakdown(schools))
        self._units = _units_of(self._breakdowns)
        self.answers: dict[int, Mapping[str, tuple[str, ...]]] = dict(answers)
        self._combos = [
            _combos(question, self.answers, self._units, len(self._breakdowns)) for question in self.questions
        ]
        self._lines: list[list[str] | None] = [None] * len(self.questions)

    def update(self, answers: Mapping[int, Mapping[str, tuple[str, ...]] | None]) -> None:
        """Members' answers as they are now (None or empty: they have none any more)."""
        nowhere: tuple[tuple[str, ...], ...] = ((),) * len(self._breakdowns)
        for user_id, given in answers.items():
            before = self.answers.pop(user_id, None) or {}
            if given:
                self.answers[user_id] = given
            units = self._units.get(user_id, nowhere)
            for index, question in enumerate(self.questions):
                old, new = _combo(question, units, before), _combo(question, units, given or {})
                if old == new:
                    continue
                combos = self._combos[index]
                if old is not None:
                    combos[old] -= 1
                    if combos[old] <= 0:
                        del combos[old]
                if new is not None:
                    combos[new] += 1
                self._lines[index] = None

    def lines(self) -> list[str]:
        lines: list[str] = []
        for index, question in enumerate(self.questions):
            kept = self._lines[index]
            if kept is None:
                kept = self._lines[index] = self._question_lines(index + 1, question, self._combos[index])
            lines.extend(kept)
        return lines

    def _question_lines(self, number: int, question: Question, combos: Mapping[_Combo, int]) -> list[str]:
        counted = _Counted(combos, len(self._breakdowns))
        lines = [f"**{number}. {question.label}** — {shown_count(counted.answered)} answered"]
        if question.kind is Kind.TEXT:
            lines.append("  Written answers are in `/survey export`.")
        else:
            shown = shown_cells(question, counted.counts)
            for value, text in question.options:
                lines.append(f"  {text}: {shown[value]}")
        decided = _shown_units(counted)
        for index, (heading, breakdown) in enumerate(zip(HEADINGS, self._breakdowns, strict=True)):
            rows = _breakdown(question, counted, index, breakdown, decided[index])
            if rows:
                lines.append(f"  *{heading}*")
                lines.extend(rows)
        return lines


@dataclass(frozen=True, slots=True)
class Export:
    """The CSV's rows (a header first), how many members they hold, and how many were left out."""

    rows: list[list[object]]
    members: int
    left_out: int  # members of protected groups, left out of an export with member ids


def export(
    questions: Sequence[Question],
    answers: Answers,
    *,
    with_ids: bool,
    protected: Collection[int] = (),
) -> Export:
    """The CSV: a header and one row per member who answered anything, without member ids unless the
    survey said at its start that it would keep them. An export with ids leaves out members of protected
    groups (students) entirely: a row without an id among named rows would single them out. Rows are sorted
    by their answers, not by member or time, so their order tells nothing about who answered."""
    header: list[object] = ["member id"] if with_ids else []
    header += [q.label for q in questions]
    body: list[list[object]] = []
    left_out = 0
    for user_id, given in answers.items():
        if with_ids and user_id in protected:
            left_out += 1
            continue
        cells: list[object] = []
        for question in questions:
            values = given.get(question.key, ())
            cells.append(
                "; ".join(question.shown(v) for v in values)
                if question.kind is not Kind.TEXT
                else (values[0] if values else "")
            )
        body.append(([str(user_id)] if with_ids else []) + cells)
    body.sort(key=lambda row: [str(c) for c in row])
    return Export([header, *body], len(body), left_out)


def export_rows(
    questions: Sequence[Question],
    answers: Answers,
    *,
    with_ids: bool,
    protected: Collection[int] = (),
) -> list[list[object]]:
    """`export`'s rows alone."""
    return export(questions, answers, with_ids=with_ids, protected=protected).rows
