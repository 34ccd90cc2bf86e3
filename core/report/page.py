"""The report as one self-contained HTML page (jinja2, autoescaped): readable offline, printable to PDF.

Everything is in the file: the styles, the charts as base64 PNG `<img>`s with alt text, the tables. Nothing is
fetched (no CDN, no web font, no script), so the page opens the same on a laptop without a network, and a
browser's "Print to PDF" makes a paper report: a page per section, A4 or Letter, a wide table split into
column groups that each repeat the first column. Member text is escaped by the template (autoescape on), so
a quote reading `<script>` shows as text. jinja2 is imported on the first page, not at start-up.
"""

from __future__ import annotations

import base64
import re
import struct
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from core.report.charts import chart_name, has_data
from core.report.model import FEWER, Cell, Chart, ChartKind, Report, Section, Table
from core.report.workbook import chart_table
from core.text import short_list

if TYPE_CHECKING:
    from jinja2 import Environment

__all__ = ["NO_CHART", "PRINT_COLUMNS", "page_bytes", "page_html"]

TEMPLATES = Path(__file__).with_name("templates")
PRINT_COLUMNS = 7  # on paper a wide table is split into groups of this many columns (the first repeated)
NO_CHART = "Nothing to chart: every figure is fewer than 5 people or missing."
KINDS = {
    ChartKind.BARS: "Bar chart",
    ChartKind.STACKED: "Stacked bar chart",
    ChartKind.LINES: "Line chart",
    ChartKind.GRID: "Grid (a heatmap)",
}
_SLUG = re.compile(r"[^A-Za-z0-9_-]+")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


@dataclass(frozen=True, slots=True)
class Shown:
    """A cell as the page shows it."""

    text: str
    kind: str  # "num", "fewer", "date", "text", "blank"


@dataclass(frozen=True, slots=True)
class TableView:
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Shown, ...], ...]
    note: str
    parts: tuple[TableView, ...] = ()  # for print: column groups, each with the first column (empty: fits)


@dataclass(frozen=True, slots=True)
class ChartView:
    title: str
    note: str
    src: str | None  # a data: URI, or None when the chart has nothing to draw
    alt: str
    width: int
    height: int
    figures: TableView


@dataclass(frozen=True, slots=True)
class SectionView:
    anchor: str
    title: str
    paragraphs: tuple[str, ...]
    empty: str | None
    tables: tuple[TableView, ...]
    charts: tuple[ChartView, ...]
    quotes: tuple[str, ...]


def page_html(report: Report, images: Mapping[str, bytes]) -> str:
    """The page, with each chart's PNG taken from `images` (`<section>-<key>.png`, as `charts.chart_images`
    names them); a chart with no data, or no image, is a sentence instead."""
    template = _environment().get_template("report.html.j2")
    text = template.render(
        report=report,
        made=_moment(report.generated_at),
        previous=_moment(report.previous) if report.previous else None,
        headline=[
            (h.label, _shown(h.value).text, _change(h.change, report.previous)) for h in report.headline
        ],
        sections=[_section(section, images) for section in report.sections],
        fewer=FEWER,
        no_chart=NO_CHART,
    )
    return _SURROGATE.sub("\ufffd", text)


def page_bytes(report: Report, images: Mapping[str, bytes]) -> bytes:
    return page_html(report, images).encode("utf-8")


@cache
def _environment() -> Environment:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,  # member text is text, never markup
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _moment(moment: datetime) -> str:
    utc = moment.astimezone(UTC)
    return f"{utc.day} {utc:%B %Y}, {utc:%H:%M} UTC"


def _change(change: int | None, previous: datetime | None) -> str:
    if change is None:
        return "not comparable" if previous else "—"
    if change == 0:
        return "no change"
    return f"+{change:,}" if change > 0 else f"−{-change:,}"


def _shown(value: Cell) -> Shown:
    if value is None:
        return Shown("", "blank")
    if isinstance(value, bool):
        return Shown("yes" if value else "no", "text")
    if isinstance(value, int):
        return Shown(f"{value:,}", "num")
    if isinstance(value, float):
        if value != value:  # NaN
            return Shown("", "blank")
        if value.is_integer():
            return Shown(f"{int(value):,}", "num")
        return Shown(f"{value:,.2f}".rstrip("0").rstrip("."), "num")
    if isinstance(value, datetime):
        return Shown(_moment(value), "date")
    if isinstance(value, date):
        return Shown(f"{value.day} {value:%b %Y}", "date")
    if value == FEWER:
        return Shown(value, "fewer")
    return Shown(value, "text")


def _table(table: Table) -> TableView:
    rows = tuple(tuple(_shown(value) for value in row) for row in table.rows)
    view = TableView(table.title, table.headers, rows, table.note)
    groups = column_groups(table.headers)
    if len(groups) == 1:
        return view
    parts = [
        TableView(
            f"{table.title} (columns {group[1] + 1}–{group[-1] + 1} of {len(table.headers)})",
            tuple(table.headers[c] for c in group),
            tuple(tuple(row[c] if c < len(row) else Shown("", "blank") for c in group) for row in rows),
            table.note if group is groups[-1] else "",
        )
        for group in groups
    ]
    return TableView(view.title, view.headers, view.rows, view.note, tuple(parts))


def _section(section: Section, images: Mapping[str, bytes]) -> SectionView:
    paragraphs = tuple(p.strip() for p in re.split(r"\n\s*\n", section.summary) if p.strip())
    anchor = "section-" + _SLUG.sub("-", section.key)
    if section.empty is not None:
        return SectionView(anchor, section.title, paragraphs, section.empty, (), (), ())
    return SectionView(
        anchor,
        section.title,
        paragraphs,
        None,
        tuple(_table(table) for table in section.tables),
        tuple(_chart(section, chart, images) for chart in section.charts),
        section.quotes,
    )


def _chart(section: Section, chart: Chart, images: Mapping[str, bytes]) -> ChartView:
    png = images.get(chart_name(section, chart)) if has_data(chart) else None
    width, height = _png_size(png) if png else (0, 0)
    src = "data:image/png;base64," + base64.b64encode(png).decode("ascii") if png else None
    return ChartView(chart.title, chart.note, src, alt_text(chart), width, height, _table(chart_table(chart)))


def _png_size(png: bytes) -> tuple[int, int]:
    """A PNG's width and height, read from its IHDR chunk."""
    if len(png) < 24 or png[:8] != b"\x89PNG\r\n\x1a\n":
        return 0, 0
    width, height = struct.unpack(">II", png[16:24])
    return int(width), int(height)


def alt_text(chart: Chart) -> str:
    """What a chart shows, for someone who can't see it; the figures follow it as a table."""
    names = [series.name for series in chart.series]
    if chart.kind is ChartKind.GRID:
        what = (
            f"{len(chart.rows)} rows ({short_list(list(chart.rows), 3)}) by {len(chart.categories)} columns "
            f"({short_list(list(chart.categories), 3)}), shaded by {names[0] if names else 'value'}"
        )
    else:
        what = f"{short_list(names, 4)} for {len(chart.categories)} categories ({short_list(list(chart.categories), 4)})"
    return f"{KINDS[chart.kind]}: {chart.title}. {what}. The figures are in the table that follows."


def column_groups(headers: Sequence[str]) -> list[list[int]]:
    """The column indexes of each printed part of a table with these headers (the first column in each)."""
    if len(headers) <= PRINT_COLUMNS:
        return [list(range(len(headers)))]
    rest = list(range(1, len(headers)))
    step = PRINT_COLUMNS - 1
    return [[0, *rest[start : start + step]] for start in range(0, len(rest), step)]
