"""The survey rules alone: questions within Discord's form limits, pages of at most 5, reading an answer
per kind, who may answer and when, reminders' times, wording-only edits once answered, results that show
every count of fewer than 5 people as "fewer than 5" (never one left to subtraction), and exports."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.surveys.answers import read_answer
from core.surveys.audience import Audience, AudienceKind, check_can_answer, check_times, reminder_times
from core.surveys.errors import SurveyRefusal
from core.surveys.questions import AGREE_SCALE, Kind, Question, check_edit, from_json, pages, to_json
from core.surveys.results import (
    FEWER,
    Tally,
    export,
    export_rows,
    result_lines,
    shown_cells,
    shown_count,
    shown_units,
    tally,
)
from core.surveys.templates import PULSE, READINESS, TEMPLATES

NOW = datetime(2026, 10, 14, 17, 0, tzinfo=UTC)
LIKERT = Question("q", Kind.LIKERT, "We meet often", choices=AGREE_SCALE)
SINGLE = Question("s", Kind.SINGLE, "Your stage", choices=("Start", "Going", "Mentor"))
MULTI = Question("m", Kind.MULTIPLE, "Help wanted", choices=("Ideas", "Partners", "Money"))
TEXT = Question("t", Kind.TEXT, "Anything else?", required=False)


# -- questions and templates -------------------------------------------------------------------------------


@pytest.mark.parametrize("template", list(TEMPLATES.values()), ids=list(TEMPLATES))
def test_templates_fit_discord_forms(template: object) -> None:
    assert template in (READINESS, PULSE)
    questions = template.questions  # type: ignore[attr-defined]
    assert len({q.key for q in questions}) == len(questions)
    for question in questions:
        assert len(question.label) <= 45
        assert len(question.detail) <= 100
        assert len(question.options) <= 25
    assert all(len(page) <= 5 for page in pages(questions))
    assert from_json(to_json(questions)) == tuple(questions)


def test_the_readiness_template_asks_what_the_issue_names() -> None:
    labels = " ".join(q.label for q in READINESS.questions)
    assert "shared vision" in labels
    assert "partners" in labels
    assert "meeting rhythm" in labels
    assert {q.kind for q in READINESS.questions} == set(Kind)


def test_pages_hold_at_most_five_in_order() -> None:
    questions = [Question(f"k{n}", Kind.TEXT, f"Question {n}") for n in range(11)]
    split = pages(questions)
    assert [len(p) for p in split] == [5, 5, 1]
    assert [q.key for p in split for q in p] == [q.key for q in questions]
    assert pages([]) == []


def test_questions_outside_discords_limits_are_refused() -> None:
    with pytest.raises(ValueError, match="45"):
        Question("x", Kind.TEXT, "x" * 46)
    with pytest.raises(ValueError, match="five labels"):
        Question("x", Kind.LIKERT, "Scale", choices=("a", "b"))
    with pytest.raises(ValueError, match="2 to 25"):
        Question("x", Kind.SINGLE, "Pick", choices=tuple(str(n) for n in range(26)))
    with pytest.raises(ValueError, match="differ"):
        Question("x", Kind.SINGLE, "Pick", choices=("a", "a"))


def test_likert_options_show_number_and_label() -> None:
    assert LIKERT.options[0] == ("1", "1 — Strongly disagree")
    assert SINGLE.options == [("1", "Start"), ("2", "Going"), ("3", "Mentor")]
    assert SINGLE.shown("2") == "Going"


# -- reading answers -------------------------------------------------------------------------------------


def test_answers_are_read_per_kind() -> None:
    assert read_answer(LIKERT, ["4"]) == ("4",)
    assert read_answer(SINGLE, ["3"]) == ("3",)
    assert read_answer(MULTI, ["1", "3", "1"]) == ("1", "3")
    assert read_answer(TEXT, ["  We meet monthly  "]) == ("We meet monthly",)
    assert read_answer(TEXT, [""]) == ()


@pytest.mark.parametrize(
    ("question", "given", "says"),
    [
        (LIKERT, ["6"], "number from 1 to 5"),
        (LIKERT, ["0"], "number from 1 to 5"),
        (LIKERT, [], "needs an answer"),
        (SINGLE, ["1", "2"], "takes one answer"),
        (SINGLE, ["Start"], "one of the choices"),
        (MULTI, ["4"], "one of the choices"),
        (TEXT, ["x" * 1001], "under 1000"),
    ],
)
def test_bad_answers_are_refused_clearly(question: Question, given: list[str], says: str) -> None:
    with pytest.raises(SurveyRefusal, match=says):
        read_answer(question, given)


# -- audience and times ----------------------------------------------------------------------------------


def test_the_audience_rule() -> None:
    assert Audience(AudienceKind.EVERYONE).includes([], [])
    teachers = Audience(AudienceKind.GROUP, 3, "Teachers")
    assert teachers.includes([1, 3], [])
    assert not teachers.includes([1], [3])  # a school with the same id is not the group
    lincoln = Audience(AudienceKind.SCHOOL, 7, "Lincoln")
    assert lincoln.includes([], [7])
    assert not lincoln.includes([7], [])
    assert "school team **Lincoln**" in lincoln.describe()


def _can(**changes: object) -> None:
    args: dict[str, object] = {
        "closed": False,
        "opens": NOW - timedelta(hours=1),
        "closes": NOW + timedelta(days=1),
        "now": NOW,
        "audience": Audience(AudienceKind.GROUP, 3, "Teachers"),
        "member_in": True,
    }
    args.update(changes)
    check_can_answer(**args)  # type: ignore[arg-type]


def test_who_may_answer_and_when() -> None:
    _can()
    with pytest.raises(SurveyRefusal, match=r"closed .* already saved were kept"):
        _can(closed=True)
    with pytest.raises(SurveyRefusal, match="closed"):
        _can(closes=NOW)  # at the closing time, before the close job ran
    with pytest.raises(SurveyRefusal, match="opens"):
        _can(opens=NOW + timedelta(minutes=1))
    with pytest.raises(SurveyRefusal, match="stakeholder group \\*\\*Teachers\\*\\*"):
        _can(member_in=False)


def test_open_and_close_times() -> None:
    check_times(NOW, NOW + timedelta(days=7), now=NOW)
    with pytest.raises(SurveyRefusal, match="already passed"):
        check_times(NOW - timedelta(days=2), NOW - timedelta(days=1), now=NOW)
    with pytest.raises(SurveyRefusal, match="at least 10 minutes"):
        check_times(NOW, NOW + timedelta(minutes=5), now=NOW)
    with pytest.raises(SurveyRefusal, match="at most a year"):
        check_times(NOW, NOW + timedelta(days=400), now=NOW)


def test_reminders_spread_between_open_and_close() -> None:
    closes = NOW + timedelta(days=4)
    assert reminder_times(NOW, closes, 3) == [NOW + timedelta(days=d) for d in (1, 2, 3)]
    assert reminder_times(NOW, closes, 0) == []
    assert len(reminder_times(NOW, closes, 99)) == 5


# -- edits after answers ---------------------------------------------------------------------------------


def test_edits_after_answers_allow_wording_only() -> None:
    reworded = Question("q", Kind.LIKERT, "Our team meets often", choices=AGREE_SCALE)
    edit = check_edit([LIKERT, SINGLE], [reworded, SINGLE], answered=True)
    assert edit.reworded == ("q",)
    as_text = Question("q", Kind.TEXT, "We meet often")
    assert check_edit([LIKERT], [as_text], answered=False).questions == (as_text,)
    with pytest.raises(SurveyRefusal, match=r"type can.t change now.*fix its wording"):
        check_edit([LIKERT], [as_text], answered=True)
    with pytest.raises(SurveyRefusal, match="can't be moved, inserted or removed"):
        check_edit([LIKERT, SINGLE], [LIKERT], answered=True)
    fewer = Question("s", Kind.SINGLE, "Your stage", choices=("Start", "Going"))
    with pytest.raises(SurveyRefusal, match="choices can't be moved, inserted or removed"):
        check_edit([SINGLE], [fewer], answered=True)


# -- results ---------------------------------------------------------------------------------------------


def test_counts_under_five_are_suppressed() -> None:
    assert [shown_count(n) for n in (0, 1, 4, 5, 12)] == ["0", FEWER, FEWER, "5", "12"]


def _answers(values: dict[int, str]) -> dict[int, dict[str, tuple[str, ...]]]:
    return {user: {"q": (value,)} for user, value in values.items()}


def test_results_overall_by_group_and_school_hide_small_cells() -> None:
    # Six teachers said 4; one student and four members in no group said 2.
    answers = _answers(
        {1: "4", 2: "4", 3: "4", 4: "4", 5: "4", 6: "4", 7: "2", 8: "2", 9: "2", 10: "2", 11: "2"}
    )
    lines = result_lines(
        [LIKERT],
        answers,
        groups={"Teachers": {1, 2, 3, 4, 5, 6}, "Students": {7}},
        schools={"Lincoln": {1, 7}, "Nobody's school": {99}},
    )
    text = "\n".join(lines)
    assert "**1. We meet often** — 11 answered" in text
    assert "4 — Agree: 6" in text
    assert "2 — Disagree: 5" in text
    assert "1 — Strongly disagree: 0" in text
    assert "Teachers (6 answered): 1: 0 · 2: 0 · 3: 0 · 4: 6 · 5: 0" in text
    assert f"Students: {FEWER} answered" in text
    assert f"Lincoln: {FEWER} answered" in text
    assert "Nobody's school" not in text  # no answers: not listed


def test_a_group_is_hidden_when_a_smaller_one_could_be_worked_out() -> None:
    # Six teachers said 4 and one student said 2: overall minus Teachers would be the student's answer.
    answers = _answers({1: "4", 2: "4", 3: "4", 4: "4", 5: "4", 6: "4", 7: "2"})
    units = {"Teachers": {1, 2, 3, 4, 5, 6}, "Students": {7}}
    assert shown_units(LIKERT, answers, units) == ([], ["Teachers"])
    text = "\n".join(result_lines([LIKERT], answers, groups=units, schools={}))
    assert "Teachers: hidden, so that the smaller groups can't be worked out" in text
    assert "Teachers (6" not in text
    assert f"2 — Disagree: {FEWER}" in text
    # With two large groups and a small rest, only the smallest large one is hidden.
    more = _answers({n: "3" for n in range(20)})
    units = {"A": set(range(0, 10)), "B": set(range(10, 17)), "C": {17, 18}}
    assert shown_units(LIKERT, more, units) == (["A"], ["B"])
    # Nobody outside the shown groups: nothing to work out.
    assert shown_units(LIKERT, more, {"All": set(range(20))}) == (["All"], [])


def test_a_unit_inside_another_that_differs_by_fewer_than_5_is_hidden() -> None:
    # 20 answered. Educators (10) holds every Teacher (7): Educators minus Teachers would be 3 people.
    answers = _answers({n: "4" if n < 7 else "2" for n in range(20)})
    groups = {"Educators": set(range(10)), "Teachers": set(range(7)), "Partners": set(range(10, 20))}
    assert shown_units(LIKERT, answers, groups) == (["Educators", "Partners"], ["Teachers"])
    # Across the breakdowns: Adams' six who answered are all Partners (8 answered): 8 - 6 = 2 people.
    answers = _answers({n: "3" for n in range(16)})
    groups = {"Teachers": set(range(8)), "Partners": set(range(8, 16))}
    schools = {"Adams": set(range(8, 14)), "Baker": set(range(0, 8)) | {14, 15}}
    text = "\n".join(result_lines([LIKERT], answers, groups=groups, schools=schools))
    assert "Adams: hidden, so that the smaller groups can't be worked out" in text
    assert "Teachers: hidden" in text  # Baker's 10 hold the 8 Teachers and 2 more
    # With Adams hidden, the totals less Baker are Adams' six, all inside Partners' eight: Partners is hidden
    # too; what is left shows (Baker's 10, and 16 - 10 = 6 outside it).
    assert "Partners: hidden" in text
    assert "Baker (10 answered)" in text
    # Far apart (a difference of 5 or more), both show.
    groups = {"Everyone": set(range(16)), "Teachers": set(range(8))}
    assert shown_units(LIKERT, answers, groups) == (["Everyone", "Teachers"], [])


def test_a_large_group_shows_small_choices_as_fewer_than_five() -> None:
    answers = _answers({n: "5" if n < 2 else "3" for n in range(8)})
    text = "\n".join(result_lines([LIKERT], answers, groups={"Partners": set(range(8))}, schools={}))
    # 8 answered, 6 said 3: the 5s alone would be 8 - 6, so the 3s are held back too.
    assert f"Partners (8 answered): 1: 0 · 2: 0 · 3: hidden · 4: 0 · 5: {FEWER}" in text


def test_a_single_small_count_is_never_left_to_subtraction() -> None:
    # 11 answered: ten said 4 and one said 5. "5: fewer than 5" next to "4: 10" would be exactly 1.
    answers = _answers({n: "4" if n < 10 else "5" for n in range(11)})
    lines = result_lines([LIKERT], answers, groups={}, schools={})
    assert "  4 — Agree: hidden" in lines
    assert f"  5 — Strongly agree: {FEWER}" in lines
    assert "  1 — Strongly disagree: 0" in lines  # zeros stay: they don't make the two unknowns known
    # The next smallest count is the one held back, the larger ones stay.
    counts = {"4": 10, "3": 6, "5": 1}
    assert shown_cells(LIKERT, counts) == {"1": "0", "2": "0", "3": "hidden", "4": "10", "5": FEWER}
    # Two small counts already leave two unknowns: nothing more is hidden.
    assert shown_cells(LIKERT, {"4": 10, "5": 1, "1": 2}) == {
        "1": FEWER,
        "2": "0",
        "3": "0",
        "4": "10",
        "5": FEWER,
    }
    # Equal next smallest counts: the first choice's is held back.
    assert shown_cells(SINGLE, {"1": 7, "2": 7, "3": 2}) == {"1": "hidden", "2": "7", "3": FEWER}
    # No other count at all: the small one is all there is, and the total shows "fewer than 5" too.
    assert shown_cells(SINGLE, {"3": 2}) == {"1": "0", "2": "0", "3": FEWER}
    # Several answers each: the counts don't add up to who answered, nothing can be subtracted.
    assert shown_cells(MULTI, {"1": 9, "2": 6, "3": 1}) == {"1": "9", "2": "6", "3": FEWER}


def test_a_units_row_holds_back_a_second_count_too() -> None:
    # Teachers: 7 answered, 6 said 2, 1 said 3; the 7 others (no group) all said 4.
    answers = _answers({n: ("2" if n < 6 else "3") if n < 7 else "4" for n in range(14)})
    teachers = set(range(7))
    lines = result_lines([LIKERT], answers, groups={"Teachers": teachers}, schools={})
    assert f"  Teachers (7 answered): 1: 0 · 2: hidden · 3: {FEWER} · 4: 0 · 5: 0" in lines
    assert "  2 — Disagree: hidden" in lines  # overall: 6, 1 and 7, so the 6 is held back there as well
    assert "  4 — Agree: 7" in lines
    assert tally(LIKERT, answers, teachers) == Tally(7, {"2": 6, "3": 1})


def test_text_answers_are_counted_not_shown() -> None:
    answers = {n: {"t": (f"secret {n}",)} for n in range(6)}
    text = "\n".join(result_lines([TEXT], answers, groups={}, schools={}))
    assert "secret" not in text
    assert "6 answered" in text
    assert tally(TEXT, answers).answered == 6


def test_the_export_names_nobody_unless_the_survey_said_so() -> None:
    answers = {
        11: {"s": ("2",), "m": ("1", "3"), "t": ("=HYPERLINK(1)",)},
        10: {"s": ("1",)},
    }
    rows = export_rows([SINGLE, MULTI, TEXT], answers, with_ids=False)
    assert rows[0] == ["Your stage", "Help wanted", "Anything else?"]
    assert rows[1:] == [["Going", "Ideas; Money", "=HYPERLINK(1)"], ["Start", "", ""]]
    named = export_rows([SINGLE], answers, with_ids=True, protected={10})
    assert named == [["member id", "Your stage"], ["11", "Going"]]
    assert export_rows([SINGLE], answers, with_ids=True) == [
        ["member id", "Your stage"],
        ["10", "Start"],
        ["11", "Going"],
    ]


def test_a_named_export_leaves_students_out_entirely_and_counts_them() -> None:
    # A student's row without an id among named rows would be theirs by elimination: it isn't there at all.
    answers = {n: {"s": (str(1 + n % 3),)} for n in range(8)}
    named = export([SINGLE], answers, with_ids=True, protected={2, 5, 99})
    assert (named.members, named.left_out) == (6, 2)
    assert [row[0] for row in named.rows[1:]] == sorted(str(n) for n in (0, 1, 3, 4, 6, 7))
    assert all(row[0] != "" for row in named.rows[1:])
    # Without ids, everyone's answers are in (no row can be tied to anyone), students' too.
    anonymous = export([SINGLE], answers, with_ids=False, protected={2, 5})
    assert (anonymous.members, anonymous.left_out) == (8, 0)
    assert len(anonymous.rows) == 9
