"""A survey's results: counts per answer, overall and by stakeholder group and school team, with every
count of 1 to 4 people shown as "fewer than 5" and any group or team with fewer than 5 answers shown only as
that, so no student and no member of a small team can be picked out."""

from __future__ import annotations

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


def _cells(question: Question, found: Tally) -> str:
    if question.kind is Kind.TEXT:
        return f"{shown_count(found.answered)} wrote an answer"
    return " · ".join(
        f"{value if question.kind is Kind.LIKERT else text[:30]}: {shown_count(found.counts.get(value, 0))}"
        for value, text in question.options
    )


HIDDEN = "hidden, so that the smaller groups can't be worked out from the totals"


def _answered(question: Question, answers: Answers) -> set[int]:
    return {user for user, given in answers.items() if given.get(question.key)}


def shown_units(
    question: Question, answers: Answers, units: Mapping[str, Collection[int]]
) -> tuple[list[str], list[str]]:
    """Which units of one breakdown show their counts (at least 5 answered), and which with 5 or more
    answers are hidden anyway: the overall totals minus the shown units' must describe 0 or at least 5
    people, or a small group's answers could be worked out by subtraction. The smallest shown units are
    hidden until that holds."""
    respondents = _answered(question, answers)
    sizes = {name: len(respondents & set(members)) for name, members in units.items()}
    shown = sorted((n for n, size in sizes.items() if size >= SMALL), key=lambda n: (sizes[n], n))
    hidden: list[str] = []
    while shown:
        covered: set[int] = set()
        for name in shown:
            covered |= set(units[name])
        rest = len(respondents - covered)
        if rest == 0 or rest >= SMALL:
            break
        hidden.append(shown.pop(0))
    return sorted(shown), hidden


def _breakdown(question: Question, answers: Answers, units: Mapping[str, Collection[int]]) -> list[str]:
    shown, hidden = shown_units(question, answers, units)
    rows = []
    for name, members in sorted(units.items()):
        found = tally(question, answers, set(members))
        if found.answered == 0:
            continue
        if name in shown:
            rows.append(f"  {name} ({found.answered} answered): {_cells(question, found)}")
        elif name in hidden:
            rows.append(f"  {name}: {HIDDEN}")
        else:
            rows.append(f"  {name}: {FEWER} answered")
    return rows


def result_lines(
    questions: Sequence[Question],
    answers: Answers,
    *,
    groups: Mapping[str, Collection[int]],
    schools: Mapping[str, Collection[int]],
) -> list[str]:
    """The lines of the results, question by question: overall counts, then by group and by school.

    `groups` and `schools` map a name to its members' ids. A group or team with fewer than 5 answers to a
    question shows only "fewer than 5 answered"; within the others, counts under 5 show as "fewer than 5";
    and a group is hidden when showing it would let a smaller one be worked out (`shown_units`)."""
    lines: list[str] = []
    for number, question in enumerate(questions, start=1):
        overall = tally(question, answers)
        lines.append(f"**{number}. {question.label}** — {shown_count(overall.answered)} answered")
        if question.kind is Kind.TEXT:
            lines.append("  Written answers are in `/survey export`.")
        else:
            for value, text in question.options:
                lines.append(f"  {text}: {shown_count(overall.counts.get(value, 0))}")
        for heading, units in (("By stakeholder group", groups), ("By school team", schools)):
            rows = _breakdown(question, answers, units)
            if rows:
                lines.append(f"  *{heading}*")
                lines.extend(rows)
    return lines


def export_rows(
    questions: Sequence[Question],
    answers: Answers,
    *,
    with_ids: bool,
    protected: Collection[int] = (),
) -> list[list[object]]:
    """The CSV: a header and one row per member who answered anything, without member ids unless the
    survey said at its start that it would keep them, and never the id of a member of a protected group
    (students). Rows are sorted by their answers, not by member or time, so their order tells nothing
    about who answered."""
    header: list[object] = ["member id"] if with_ids else []
    header += [q.label for q in questions]
    body: list[list[object]] = []
    for user_id, given in answers.items():
        cells: list[object] = []
        for question in questions:
            values = given.get(question.key, ())
            cells.append(
                "; ".join(question.shown(v) for v in values)
                if question.kind is not Kind.TEXT
                else (values[0] if values else "")
            )
        shown_id = "" if user_id in protected else str(user_id)
        body.append(([shown_id] if with_ids else []) + cells)
    body.sort(key=lambda row: [str(c) for c in row])
    return [header, *body]
