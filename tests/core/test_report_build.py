"""Gathering the evidence report (`core.report.build`) over a seeded school year (`tests/report_year.py`): the
figures equal the database's own counts, a group of 4 is "fewer than 5" wherever it appears, an empty period,
one school, 61 schools × 10 groups, an audience of one group or team, an open survey, the previous report."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from core.report.build import SECTIONS, Audience, PreviousReport, build_report
from core.report.model import FEWER, ChartKind, Period, Report
from core.report.privacy import HELD
from storage.database import Database
from storage.schools import SchoolRepository
from tests.report_year import (
    GUILD,
    NOW,
    ORGANIZERS,
    PERIOD,
    SMALL_GROUP_NAME,
    ZONE,
    Size,
    Year,
    seed_year,
)

NOT_SHOWN = (FEWER, HELD, 0, 0.0, None)  # what a cell about the small group may hold


@pytest.fixture
async def year(db: Database) -> Year:
    return await seed_year(db, Size.small())


async def build(db: Database, **changes: Any) -> Report:
    options: dict[str, Any] = {
        "community": "Statewide STEM network",
        "period": PERIOD,
        "audience": Audience.everyone(),
        "now": NOW,
        "zone": ZONE,
        "previous": None,
        "organizers": ORGANIZERS,
    }
    options.update(changes)
    return await build_report(db, GUILD, **options)


async def count(db: Database, sql: str, *params: Any) -> Any:
    return await db.fetchval(sql, params)


def headline(report: Report) -> dict[str, int | str]:
    return {h.label: h.value for h in report.headline}


def rows_of(report: Report, section: str, title: str) -> list[tuple[Any, ...]]:
    table = next(t for t in report.section(section).tables if t.title == title)
    return [tuple(row) for row in table.rows]


async def test_every_section_in_order_with_the_figures_the_database_holds(db: Database, year: Year) -> None:
    report = await build(db)
    assert [s.key for s in report.sections] == [key for key, _, _ in SECTIONS] == [
        "participation", "coverage", "connections", "meetings", "resources", "surveys", "stories", "goals",
    ]  # fmt: skip
    assert all(s.empty is None and s.tables and s.charts and s.summary for s in report.sections)
    figures = headline(report)
    assert figures["Members"] == await count(
        db, "SELECT COUNT(*) FROM profiles WHERE guild_id = ? AND left_at IS NULL", GUILD
    )
    assert figures["School teams"] == len(year.schools)
    assert figures["Meetings held"] == await count(
        db, "SELECT COUNT(*) FROM meetings WHERE guild_id = ? AND state = 'scheduled'", GUILD
    )
    assert figures["Connections made"] == await count(
        db, "SELECT COUNT(*) FROM connections WHERE guild_id = ?", GUILD
    )
    assert figures["Value stories"] == await count(
        db, "SELECT COUNT(*) FROM stories WHERE guild_id = ?", GUILD
    )

    teachers = year.groups["Teachers"]
    whole = {r[0]: r for r in rows_of(report, "participation", "By stakeholder group, whole period")}
    assert whole["Teachers"][1] == await count(
        db,
        "SELECT COUNT(*) FROM profiles WHERE guild_id = ? AND group_id = ? AND left_at IS NULL",
        GUILD,
        teachers,
    )
    assert whole["Teachers"][3] == await count(
        db,
        "SELECT COUNT(*) FROM meeting_checkins c JOIN profiles p ON p.guild_id = c.guild_id AND p.user_id = c.user_id"
        " JOIN meetings m ON m.id = c.meeting_id WHERE c.guild_id = ? AND p.group_id = ? AND m.state = 'scheduled'",
        GUILD,
        teachers,
    )

    first = rows_of(report, "meetings", "Meetings held")[0]
    meeting = await count(
        db,
        "SELECT id FROM meetings WHERE guild_id = ? AND state = 'scheduled' ORDER BY starts_at LIMIT 1",
        GUILD,
    )
    assert first[2] == await count(
        db, "SELECT COUNT(*) FROM meeting_rsvps WHERE meeting_id = ? AND status = 'going'", meeting
    )
    assert first[4] == await count(db, "SELECT COUNT(*) FROM meeting_checkins WHERE meeting_id = ?", meeting)
    assert first[5] == await count(db, "SELECT COUNT(*) FROM meeting_agenda WHERE meeting_id = ?", meeting)

    shared = {r[0]: r for r in rows_of(report, "resources", "By the stakeholder group of who shared")}
    assert shared["Teachers"][1] == await count(
        db,
        "SELECT COUNT(*) FROM resources r JOIN profiles p ON p.guild_id = r.guild_id AND p.user_id = r.shared_by"
        " WHERE r.guild_id = ? AND p.group_id = ?",
        GUILD,
        teachers,
    )

    grid = report.section("coverage").charts[0]
    assert grid.kind is ChartKind.GRID
    assert len(grid.rows) == len(year.schools)
    present = await SchoolRepository(db).group_grid(GUILD)
    school = year.schools[grid.rows[0]]
    expected = [1.0 if present.get((school, year.groups[name])) else 0.0 for name in grid.categories]
    assert list(grid.series[0].values[: len(grid.categories)]) == expected

    pulse = {r[0]: r for r in rows_of(report, "surveys", "Pulse: interest and knowledge, before and after")}
    average = await count(
        db,
        "SELECT ROUND(AVG(CAST(json_extract(answer, '$[0]') AS REAL)), 2) FROM survey_answers"
        " WHERE survey_id = ? AND question_key = 'int_school'",
        year.surveys["pulse_before"],
    )
    assert pulse["Interest: STEM in schools"][2] == pytest.approx(average)

    cycles = {r[0]: r for r in rows_of(report, "stories", "Value stories by cycle")}
    immediate = await count(
        db, "SELECT COUNT(*) FROM stories WHERE guild_id = ? AND cycle = 'immediate'", GUILD
    )
    assert cycles["It helped right away (a good conversation, an idea)"][1] == immediate

    goals = {r[0]: r for r in rows_of(report, "goals", "Team goals by status today")}
    assert goals["On track"][1] == await count(
        db, "SELECT COUNT(*) FROM goals WHERE guild_id = ? AND status = 'on_track'", GUILD
    )
    assert report.suppressed[0].startswith("Any figure about 1 to 4 people")
    assert report.provisional == ()
    assert report.previous is None


def _cells_about(report: Report, name: str) -> list[Any]:
    """Every figure in a table row or chart value that describes the group `name`."""
    found: list[Any] = []
    for section in report.sections:
        for table in section.tables:
            if table.title == "Groups missing from teams":  # counts teams, not people
                continue
            for row in table.rows:
                labels = [i for i, cell in enumerate(row[:2]) if cell == name]
                if labels:
                    found += [
                        c for c in row[labels[-1] + 1 :] if not isinstance(c, str) or c in (FEWER, HELD)
                    ]
        for chart in section.charts:
            if chart.kind is ChartKind.GRID:
                if section.key == "coverage":  # present or not, no count
                    continue
                width = len(chart.categories)
                for r, row_name in enumerate(chart.rows):
                    for c, column in enumerate(chart.categories):
                        if name in (row_name, column):
                            found.append(chart.series[0].values[r * width + c])
            else:
                found += [v for s in chart.series if s.name == name for v in s.values]
                if name in chart.categories:
                    at = chart.categories.index(name)
                    found += [s.values[at] for s in chart.series]
    return found


async def test_a_group_of_four_is_fewer_than_5_everywhere_it_appears(db: Database, year: Year) -> None:
    report = await build(db)
    about = _cells_about(report, SMALL_GROUP_NAME)
    assert len(about) > 40
    assert FEWER in about
    assert None in about
    assert all(cell in NOT_SHOWN for cell in about), about
    assert any("fewer than 5" in line for line in report.suppressed)

    mine = await build(db, audience=Audience.group(year.groups[SMALL_GROUP_NAME], SMALL_GROUP_NAME))
    assert mine.audience == f"the {SMALL_GROUP_NAME} group"
    figures = headline(mine)
    assert figures["Members"] == FEWER
    assert figures["Value stories"] == FEWER
    theirs = _cells_about(mine, SMALL_GROUP_NAME) + _cells_about(mine, "All members")
    assert theirs
    assert all(cell in NOT_SHOWN for cell in theirs), theirs


async def test_a_period_with_no_data_says_so_in_every_section(db: Database, year: Year) -> None:
    before = Period(date(2024, 8, 1), date(2024, 12, 31), "1 Aug 2024 to 31 Dec 2024")
    report = await build(db, period=before)
    for section in report.sections:
        assert section.empty, section.key
        assert section.empty.endswith(".")
        assert section.tables == ()
        assert section.charts == ()
        assert section.quotes == ()
    assert all(h.value in (0, FEWER) for h in report.headline)
    assert report.provisional == ()


async def test_a_community_of_one_school(db: Database) -> None:
    year = await seed_year(db, Size.small(schools=1))
    report = await build(db)
    coverage = report.section("coverage")
    assert coverage.empty is None
    assert coverage.charts[0].rows == tuple(year.schools)
    assert headline(report)["School teams"] == 1
    assert "1 school team had" in coverage.summary
    assert (
        len(rows_of(report, "surveys", "Readiness self-assessment by school team")) == 2
    )  # the team, everyone


async def test_sixty_one_schools_by_ten_groups_and_names_in_any_script(db: Database) -> None:
    year = await seed_year(
        db, Size(schools=61, members=400, meetings=4, resources=40, connections=30, stories=30, agreements=10)
    )
    report = await build(db)
    grid = report.section("coverage").charts[0]
    assert (len(grid.rows), len(grid.categories), len(grid.series[0].values)) == (61, 10, 610)
    unicode = [name for name in year.schools if re.search(r"[^\x00-\x7f]", name)]
    assert unicode
    assert set(unicode) <= set(grid.rows)
    assert {r[0] for r in rows_of(report, "coverage", "Coverage by school team")} == set(year.schools)


async def test_an_audience_of_one_group_or_one_school_team(db: Database, year: Year) -> None:
    teachers = year.groups["Teachers"]
    report = await build(db, audience=Audience.group(teachers, "Teachers"))
    assert report.audience == "the Teachers group"
    assert headline(report)["Members"] == await count(
        db,
        "SELECT COUNT(*) FROM profiles WHERE guild_id = ? AND left_at IS NULL AND (group_id = ? OR user_id IN"
        " (SELECT user_id FROM group_members WHERE group_id = ?))",
        GUILD,
        teachers,
        teachers,
    )
    assert [r[0] for r in rows_of(report, "resources", "By the stakeholder group of who shared")] == [
        "Teachers"
    ]
    assert report.section("coverage").charts[0].categories == ("Teachers",)

    name, school = next(iter(year.schools.items()))
    team = await build(db, audience=Audience.school(school, name))
    assert team.audience == f"the {name} team"
    assert headline(team)["School teams"] == 1
    assert [r[0] for r in rows_of(team, "coverage", "Coverage by school team")] == [name]
    readiness = rows_of(team, "surveys", "Readiness self-assessment by school team")
    assert [r[0] for r in readiness] == [name]
    members = await count(db, "SELECT COUNT(*) FROM school_members WHERE school_id = ?", school)
    going = sum(r[2] for r in rows_of(team, "meetings", "Meetings held") if isinstance(r[2], int))
    assert going <= 8 * members  # counts only the team's own answers


async def test_an_open_survey_makes_the_report_provisional(db: Database, year: Year) -> None:
    await db.execute(
        "UPDATE surveys SET state = 'open', closed_at = NULL, closes_at = ? WHERE id = ?",
        ("2026-07-15T15:00:00.000000Z", year.surveys["pulse_after"]),
    )
    report = await build(db)
    assert len(report.provisional) == 1
    assert "still open until 15 July 2026" in report.provisional[0]
    assert "provisional" in report.section("surveys").summary
    before_after = rows_of(report, "surveys", "Pulse: interest and knowledge, before and after")
    assert all(isinstance(r[4], float) for r in before_after)  # the answers so far


async def test_the_change_since_the_previous_report(db: Database, year: Year) -> None:
    made = NOW - timedelta(days=30)
    previous = PreviousReport(made, {"Members": 100, "Meetings held": 3, "Value stories": FEWER})
    report = await build(db, previous=previous)
    changes = {h.label: h.change for h in report.headline}
    figures = headline(report)
    assert changes["Members"] == int(figures["Members"]) - 100
    assert changes["Meetings held"] == int(figures["Meetings held"]) - 3
    assert changes["Value stories"] is None
    assert changes["School teams"] is None
    assert report.previous == made
    assert report.generated_at == NOW.astimezone(UTC)


async def test_stories_are_quoted_only_when_shareable_and_named_only_when_the_author_agreed(
    db: Database, year: Year
) -> None:
    await db.execute("UPDATE stories SET text = 'Story number ' || id WHERE guild_id = ?", (GUILD,))
    report = await build(db)
    quotes = report.section("stories").quotes
    assert quotes
    for quote in quotes:
        story_id = int(re.search(r"Story number (\d+)", quote)[1])  # type: ignore[index]
        row = await db.fetchone("SELECT * FROM stories WHERE id = ?", (story_id,))
        assert row is not None
        assert row["consent"] == "shareable"
        named = bool(row["named"]) and not row["group_protected"]
        assert (" — " in quote) == named, quote
        if named:
            name = await count(db, "SELECT name FROM profiles WHERE user_id = ?", row["author_id"])
            assert quote.split("” — ")[1].startswith(name)


async def test_the_report_says_when_it_was_made_and_about_whom(db: Database, year: Year) -> None:
    report = await build(db, now=datetime(2026, 6, 30, 23, 0, tzinfo=UTC))
    assert report.community == "Statewide STEM network"
    assert report.audience == "everyone"
    assert report.period == PERIOD
    assert report.section("participation").charts[0].categories[0] == "Aug 2025"
    assert report.section("participation").charts[0].categories[-1] == "Jun 2026"
