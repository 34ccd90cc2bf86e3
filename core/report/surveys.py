"""Survey results: the readiness self-assessment by school team, and the pulse survey before and after (the
first and the last pulse closing in the period) with the change per question. Counts and the teams shown
follow the survey results' rules (`core.surveys.results`): a team with fewer than 5 answers is not shown,
and a team is hidden when showing it would let a smaller one be worked out from the totals. A survey still
open makes the report provisional."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from core.report.model import FEWER, Cell, Chart, ChartKind, Section, Series, Table
from core.report.privacy import HELD, SMALL, point
from core.report.scope import Frame
from core.report.words import day, said
from core.surveys.questions import Kind, Question, from_json
from core.surveys.results import Answers, shown_cells, shown_units, tally
from storage.surveys import Survey, SurveyRepository, school_members

KEY = "surveys"
TITLE = "Readiness and interest: survey results"


def mean(
    question: Question, answers: Answers, members: Collection[int] | None = None
) -> tuple[int, float | None]:
    """How many answered a 1–5 question, and their average."""
    found = tally(question, answers, members)
    if not found.answered:
        return 0, None
    return found.answered, round(sum(int(v) * n for v, n in found.counts.items()) / found.answered, 2)


def _shown_mean(f: Frame, answered: int, value: float | None) -> Cell:
    if 0 < answered < SMALL:
        f.held.cells[KEY] += 1
        return FEWER
    return value


async def _answers(
    repo: SurveyRepository, survey: Survey, members: set[int] | None
) -> dict[int, Mapping[str, tuple[str, ...]]]:
    found = await repo.all_answers(survey.id)
    return {u: a for u, a in found.items() if members is None or u in members}


def _open(f: Frame, surveys: Sequence[Survey]) -> None:
    for s in surveys:
        if not s.closed:
            f.provisional.append(
                f"The survey “{s.title}” (#{s.id}) is still open until {day(f.local_day(s.closes_at))}: its "
                "figures may still change."
            )


async def _readiness(
    f: Frame, surveys: Sequence[Survey], members: set[int] | None
) -> tuple[list[Table], list[Chart], str]:
    repo = SurveyRepository(f.db)
    merged: dict[int, Mapping[str, tuple[str, ...]]] = {}
    for s in surveys:  # a member's latest answers count
        merged |= await _answers(repo, s, members)
    questions = from_json(surveys[-1].questions)
    likert = [q for q in questions if q.kind is Kind.LIKERT]
    teams = await school_members(f.db, f.guild_id)
    order = [
        s.name
        for s in f.schools
        if s.name in teams and (f.audience.kind != "school" or s.id == f.audience.unit_id)
    ]
    teams = {name: teams[name] for name in order}
    shown = {q.key: shown_units(q, merged, teams) for q in likert}
    rows: list[tuple[Cell, ...]] = []
    grid: list[float | None] = []
    grid_rows: list[str] = []
    for name in order:
        answered = sum(1 for u in teams[name] if u in merged)
        if not answered:
            continue
        cells: list[Cell] = []
        for q in likert:
            visible, hidden = shown[q.key]
            if name in visible:
                cells.append(mean(q, merged, teams[name])[1])
            elif name in hidden:
                f.held.cells[KEY] += 1
                cells.append(HELD)
            else:
                n = tally(q, merged, teams[name]).answered
                cells.append(_shown_mean(f, n, None) if n else None)
        rows.append((name, f.held.people(KEY, answered), *cells))
        grid += [point(c) for c in cells]
        grid_rows.append(name)
    everyone = [_shown_mean(f, *mean(q, merged)) for q in likert]
    answered_all = f.held.people(KEY, len(merged))
    if f.audience.kind != "school":
        rows.append(("Everyone who answered", answered_all, *everyone))
    tables = [
        Table(
            "Readiness self-assessment by school team",
            ("School team", "Members who answered", *(q.label for q in likert)),
            tuple(rows),
            note="Averages from 1 (strongly disagree) to 5 (strongly agree). A team with fewer than 5 answers is "
            "not shown; “hidden”: held back so that a smaller team's answers can't be worked out from the totals.",
        )
    ]
    for q in questions:
        if q.kind in (Kind.SINGLE, Kind.MULTIPLE):
            found = tally(q, merged)
            if not found.answered:
                continue
            cells_by_value = shown_cells(q, found.counts)
            choice_rows = []
            for value, text in q.options:
                shown_text = cells_by_value[value]
                if shown_text in (FEWER, HELD):
                    f.held.cells[KEY] += 1
                choice_rows.append((text, int(shown_text) if shown_text.isdigit() else shown_text))
            tables.append(Table(q.label, ("Answer", "Members"), tuple(choice_rows)))
    charts = []
    if grid_rows:
        charts.append(
            Chart(
                "readiness",
                ChartKind.GRID,
                "Readiness self-assessment: each team's average (1 to 5)",
                tuple(q.label for q in likert),
                (Series("Average", tuple(grid)),),
                x_label="Question",
                y_label="School team",
                rows=tuple(grid_rows),
                note="Grey: fewer than 5 answers from the team, or held back.",
            )
        )
    closing = surveys[-1]
    return (
        tables,
        charts,
        (
            f"{said(answered_all)} members answered the readiness self-assessment "
            f"(“{closing.title}”, closing {day(f.local_day(closing.closes_at))})."
        ),
    )


async def _pulse(
    f: Frame, surveys: Sequence[Survey], members: set[int] | None
) -> tuple[list[Table], list[Chart], str]:
    repo = SurveyRepository(f.db)
    before, after = surveys[0], surveys[-1]
    first = await _answers(repo, before, members)
    questions = [q for q in from_json(after.questions) if q.kind is Kind.LIKERT]
    if len(surveys) == 1:
        one: list[tuple[Cell, ...]] = []
        for q in questions:
            n, value = mean(q, first)
            one.append((q.label, f.held.people(KEY, n), _shown_mean(f, n, value)))
        table = Table(
            f"Pulse: {before.title}",
            ("Question", "Members who answered", "Average (1 to 5)"),
            tuple(one),
            note="Only one pulse survey closed in this period, so there is no change to show yet.",
        )
        chart = Chart(
            "pulse",
            ChartKind.BARS,
            "Pulse: interest and knowledge",
            tuple(q.label for q in questions),
            (Series("Average", tuple(point(r[2]) for r in one)),),
            x_label="Question",
            y_label="Average (1 = none at all, 5 = a great deal)",
        )
        return (
            [table],
            [chart],
            "Only one pulse survey closed in this period, so there is no before and after yet.",
        )
    last = await _answers(repo, after, members)
    before_keys = {q.key for q in from_json(before.questions) if q.kind is Kind.LIKERT}
    rows: list[tuple[str, Cell, Cell, Cell, Cell, float | None]] = []
    for q in questions:
        if q.key not in before_keys:
            continue
        nb, vb = mean(q, first)
        na, va = mean(q, last)
        shown_b, shown_a = _shown_mean(f, nb, vb), _shown_mean(f, na, va)
        change = (
            round(shown_a - shown_b, 2) if isinstance(shown_a, float) and isinstance(shown_b, float) else None
        )
        rows.append((q.label, f.held.people(KEY, nb), shown_b, f.held.people(KEY, na), shown_a, change))
    labels = tuple(r[0] for r in rows)
    table = Table(
        "Pulse: interest and knowledge, before and after",
        (
            "Question",
            f"Answered before ({day(f.local_day(before.closes_at))})",
            "Average before",
            f"Answered after ({day(f.local_day(after.closes_at))})",
            "Average after",
            "Change",
        ),
        tuple(rows),
        note=f"Before: “{before.title}” (#{before.id}); after: “{after.title}” (#{after.id}). Averages from 1 "
        "(none at all) to 5 (a great deal).",
    )
    chart = Chart(
        "pulse",
        ChartKind.BARS,
        "Pulse: interest and knowledge, before and after",
        labels,
        (
            Series("Before", tuple(point(r[2]) for r in rows)),
            Series("After", tuple(point(r[4]) for r in rows)),
        ),
        x_label="Question",
        y_label="Average (1 = none at all, 5 = a great deal)",
        note="A missing bar: fewer than 5 answers, not shown.",
    )
    changes = [r[5] for r in rows if isinstance(r[5], float)]
    words = (
        f"From the first pulse survey to the last, the average answer changed by {sum(changes) / len(changes):+.2f} "
        "points across the questions (1 to 5)."
        if changes
        else "Too few members answered both pulse surveys to show a change."
    )
    return [table], [chart], words


async def gather(f: Frame) -> tuple[Section, dict[str, Cell]]:
    lo, hi = f.window.lo, f.period_end
    readiness = await f.figures.surveys_closing(f.guild_id, lo, hi, "readiness")
    pulse = await f.figures.surveys_closing(f.guild_id, lo, hi, "pulse")
    if not readiness and not pulse:
        return (
            Section(
                KEY, TITLE, "", empty="No readiness self-assessment or pulse survey closed in this period."
            ),
            {},
        )
    members = await f.figures.scope_members(f.window)
    tables: list[Table] = []
    charts: list[Chart] = []
    words: list[str] = []
    if readiness:
        t, c, w = await _readiness(f, readiness, members)
        tables += t
        charts += c
        words.append(w)
        _open(f, readiness)
    if pulse:
        t, c, w = await _pulse(f, pulse, members)
        tables += t
        charts += c
        words.append(w)
        _open(f, [pulse[0], pulse[-1]] if len(pulse) > 1 else pulse)
    if f.provisional:
        words.append("A survey is still open, so these figures are provisional.")
    return Section(KEY, TITLE, " ".join(words), tables=tuple(tables), charts=tuple(charts)), {}
