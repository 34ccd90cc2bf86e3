"""The evidence report as plain data, the one contract between what gathers the figures (`core.report.build`)
and what renders them (`core.report.charts` → PNG, `core.report.workbook` → .xlsx, `core.report.page` → HTML,
and the Discord summary embed).

A report is a list of sections; a section holds plain-language text, tables and charts, never raw rows about
members. Privacy is decided when the figures are gathered: a cell describing 1 to 4 people already holds
`FEWER` ("fewer than 5"), a suppressed chart value is `None`, and `Report.suppressed` says in words what was
held back and why. Renderers show what they are given and add nothing about people.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

SMALL = 5  # a count of 1 to SMALL-1 people is never shown
FEWER = "fewer than 5"

Cell = str | int | float | date | None  # None: nothing to show (an empty cell)


@dataclass(frozen=True, slots=True)
class Table:
    """Rows under headers that explain themselves ("Members who checked in", not "n"). A number of people
    below 5 is the string `FEWER`; dates are `date`s, so a workbook stores real dates."""

    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    note: str = ""  # one sentence under the table: what it counts, what it leaves out


class ChartKind(StrEnum):
    BARS = "bars"  # categories on x, one bar per series side by side
    STACKED = "stacked"  # categories on x, series stacked
    LINES = "lines"  # categories (periods) on x, one line per series
    GRID = "grid"  # a heatmap: `rows` × `categories`, `series[0].values` row by row (len(rows) * len(categories))


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    values: tuple[float | None, ...]  # None: suppressed (fewer than 5) or not applicable


@dataclass(frozen=True, slots=True)
class Chart:
    """One chart. `key` names its PNG (`<section>-<key>.png`)."""

    key: str
    kind: ChartKind
    title: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    x_label: str = ""
    y_label: str = ""
    rows: tuple[str, ...] = ()  # GRID only: the row labels
    note: str = ""  # shown under the chart: e.g. "Grey: fewer than 5 people, not shown."


@dataclass(frozen=True, slots=True)
class Section:
    """One question the report answers. `empty` set: the period has no data for it, said plainly, and the
    section has no tables or charts."""

    key: str  # participation, coverage, connections, meetings, resources, surveys, stories, goals
    title: str
    summary: str  # a few plain sentences with the headline figures
    tables: tuple[Table, ...] = ()
    charts: tuple[Chart, ...] = ()
    quotes: tuple[str, ...] = ()  # shareable value stories, already with their byline (or none)
    empty: str | None = None


@dataclass(frozen=True, slots=True)
class Period:
    start: date  # first day, in the guild's zone
    end: date  # last day, inclusive
    label: str  # "school year 2026–27", "1 Aug 2026 to 31 Dec 2026", "since the last report (…)"


@dataclass(frozen=True, slots=True)
class Headline:
    """A figure for the summary: what it is now and, when there was a previous report, the change."""

    label: str
    value: int | str
    change: int | None = None  # vs the previous report; None when there was none or it can't be compared


@dataclass(frozen=True, slots=True)
class Report:
    community: str  # the server's name
    period: Period
    audience: str  # "everyone", "the Teachers group", "the Lincoln Elementary team"
    generated_at: datetime  # aware UTC
    headline: tuple[Headline, ...]
    sections: tuple[Section, ...]
    suppressed: tuple[str, ...] = ()  # what was held back and why, in words, for the first page
    provisional: tuple[str, ...] = ()  # why figures may still change, e.g. "Survey #3 is still open."
    previous: datetime | None = None  # when the report it is compared with was made

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)


@dataclass(frozen=True, slots=True)
class Files:
    """The rendered report: file name → bytes (PNG charts, `report.xlsx`, `report.html`)."""

    files: dict[str, bytes] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return sum(len(b) for b in self.files.values())
