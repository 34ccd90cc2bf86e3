"""The report as an Excel workbook (openpyxl): an "About" sheet first, then one sheet per section.

An evaluator opens it in Excel, LibreOffice or Google Sheets and works with the figures: numbers are numbers,
dates are real dates, every table has its title and headers that say what they count, the header row is
frozen. Nothing a member typed ever becomes a formula: every text cell is stored as text, and text that a
spreadsheet would run (`=`, `+`, `-`, `@`, a tab, a line break) also carries the quote prefix, so even editing
the cell keeps it text. openpyxl is imported on the first workbook, not at start-up.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from core.report.model import FEWER, Cell, Chart, ChartKind, Report, Section, Table
from core.text import looks_like_formula

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["ABOUT", "chart_table", "sheet_names", "workbook_bytes"]

ABOUT = "About"
FEWER_MEANS = "A cell reading “fewer than 5” describes 1 to 4 people: the number is not shown, so no one can be recognised."
EMPTY_CELL_MEANS = "An empty cell: fewer than 5 people (not shown), or nothing to count."
MAX_SHEET_NAME = 31
MAX_CELL = 32_767  # Excel's longest cell text
_BAD_IN_NAME = re.compile(r"[\[\]:*?/\\]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def workbook_bytes(report: Report) -> bytes:
    """The whole report as an .xlsx file."""
    from openpyxl import Workbook

    book = Workbook()
    about = book.active
    assert about is not None  # a new workbook has one sheet
    about.title = ABOUT
    names = sheet_names([section.title for section in report.sections])
    _about(about, report, names)
    for section, name in zip(report.sections, names, strict=True):
        _section(book.create_sheet(name), section)
    book.properties.creator = "copbot"
    book.properties.title = _text(f"Evidence report: {report.community}", 250)
    book.properties.created = _naive(report.generated_at)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def sheet_names(titles: Iterable[str], taken: Iterable[str] = (ABOUT,)) -> list[str]:
    """A sheet name per title: what comes before a colon, at most 31 characters (cut at a word when it can be),
    none of `[]:*?/\\`, no apostrophe at either end, not "History" (Excel keeps it), unique without regard to
    case (" (2)" added), never blank."""
    used = {name.casefold() for name in taken}
    names: list[str] = []
    for index, title in enumerate(titles, start=1):
        head = _text(title).split(":", 1)[0]  # "Meetings: RSVPs, attendance…" → "Meetings"
        name = " ".join(_BAD_IN_NAME.sub("-", head).split()).strip("'- ")
        if not name:
            name = f"Section {index}"
        if name.casefold() == "history":
            name = "History (section)"
        base = _cut(name, MAX_SHEET_NAME)
        candidate, number = base, 2
        while candidate.casefold() in used:
            suffix = f" ({number})"
            candidate = _cut(base, MAX_SHEET_NAME - len(suffix)).rstrip() + suffix
            number += 1
        used.add(candidate.casefold())
        names.append(candidate)
    return names


def _cut(text: str, units: int) -> str:
    """`text` within `units` UTF-16 code units (Excel counts an emoji as two), at a word when one ends past
    two thirds of the way."""
    out = ""
    for char in text:
        if len((out + char).encode("utf-16-le")) // 2 > units:
            space = out.rfind(" ")
            if space > units * 2 // 3:
                out = out[:space]
            break
        out += char
    return out.strip("'").rstrip(" -,;")


def _text(value: str, limit: int = MAX_CELL) -> str:
    """Text a workbook can hold: no control characters (XML 1.0 refuses them), no lone surrogates."""
    value = _CONTROL.sub("", value).encode("utf-8", "replace").decode("utf-8")
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _naive(moment: datetime) -> datetime:
    """Excel has no time zones: an aware time as UTC wall time."""
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


# --- writing cells ----------------------------------------------------------------------------------------


class _Writer:
    """Writes rows down a sheet and remembers how wide each column's figures are."""

    def __init__(self, sheet: Worksheet) -> None:
        self.sheet = sheet
        self.row = 1
        self.widths: dict[int, int] = {}

    def put(
        self,
        column: int,
        value: Cell | datetime,
        *,
        bold: bool = False,
        italic: bool = False,
        size: float | None = None,
        measure: bool = True,
        wrap: bool = False,
    ) -> None:
        from openpyxl.styles import Alignment, Font

        if value is None or (isinstance(value, float) and not math.isfinite(value)):
            return
        cell = self.sheet.cell(row=self.row, column=column)
        shown: str
        if isinstance(value, datetime):
            cell.value = _naive(value)
            cell.number_format = "yyyy-mm-dd hh:mm"
            shown = "0000-00-00 00:00"
        elif isinstance(value, date):
            cell.value = value
            cell.number_format = "yyyy-mm-dd"
            shown = "0000-00-00"
        elif isinstance(value, bool):  # not a Cell, but never a 1 or a 0 by accident
            cell.value = "yes" if value else "no"
            shown = cell.value
        elif isinstance(value, int | float):
            cell.value = value
            if isinstance(value, int):
                cell.number_format = "#,##0"
            shown = f"{value:,}"
        else:
            text = _text(str(value))
            cell.value = text
            cell.data_type = "s"  # text stays text: never a formula ("=…") or an error code ("#N/A")
            if looks_like_formula(text):
                cell.quotePrefix = True  # and stays text when someone edits the cell
            shown = text
            if text == FEWER:
                italic = True
                cell.alignment = Alignment(horizontal="right")
        if bold or italic or size:
            cell.font = Font(
                bold=bold, italic=italic, size=size, color="555555" if italic and not bold else None
            )
        if wrap:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        if measure:
            longest = max((len(line) for line in shown.splitlines()), default=0)
            self.widths[column] = max(self.widths.get(column, 0), longest)

    def line(
        self, value: Cell, *, bold: bool = False, italic: bool = False, size: float | None = None
    ) -> None:
        """A line of text in the first column, left to overflow to the right (not measured)."""
        self.put(1, value, bold=bold, italic=italic, size=size, measure=False)
        self.row += 1

    def skip(self) -> None:
        self.row += 1

    def table(self, table: Table) -> int:
        """A titled table: its header row (bold, shaded, wrapped), rows, then its note. Returns the row of the
        first figures (for freezing the header above)."""
        from openpyxl.styles import Alignment, Border, PatternFill, Side

        self.line(table.title, bold=True, size=12)
        fill = PatternFill("solid", fgColor="E8EEF4")
        rule = Border(bottom=Side(style="thin", color="7F8FA6"))
        for column, header in enumerate(table.headers, start=1):
            self.put(column, header, bold=True, measure=False)
            cell = self.sheet.cell(row=self.row, column=column)
            cell.fill = fill
            cell.border = rule
            cell.alignment = Alignment(wrap_text=True, vertical="bottom")
            self.widths[column] = max(self.widths.get(column, 0), min(len(_text(header)), 24))
        self.row += 1
        first = self.row
        for row in table.rows:
            for column, value in enumerate(row, start=1):
                self.put(column, value, wrap=isinstance(value, str) and len(value) > 60)
            self.row += 1
        if not table.rows:
            self.line("Nothing to count in this period.", italic=True)
        if table.note:
            self.line(table.note, italic=True)
        self.skip()
        return first

    def finish(self, frozen: str | None = None) -> None:
        from openpyxl.utils import get_column_letter

        for column, width in self.widths.items():
            self.sheet.column_dimensions[get_column_letter(column)].width = max(9, min(60, width + 2))
        if frozen:
            self.sheet.freeze_panes = frozen


# --- sheets -----------------------------------------------------------------------------------------------


def _about(sheet: Worksheet, report: Report, names: Sequence[str]) -> None:
    out = _Writer(sheet)
    out.line("Evidence report", bold=True, size=16)
    out.skip()
    facts: list[tuple[str, Cell | datetime]] = [
        ("Community", report.community),
        ("Period", report.period.label),
        ("First day", report.period.start),
        ("Last day", report.period.end),
        ("Audience", report.audience),
        ("Made (UTC)", report.generated_at),
        ("Compared with the report made (UTC)", report.previous or "no earlier report"),
    ]
    for label, value in facts:
        out.put(1, label, bold=True)
        out.put(2, value)
        out.skip()
    out.skip()
    no_change = "not comparable" if report.previous else "no earlier report"
    if report.headline:
        out.table(
            Table(
                "Headline figures",
                ("Figure", "Now", "Change since the previous report"),
                tuple(
                    (h.label, h.value, no_change if h.change is None else h.change) for h in report.headline
                ),
            )
        )
    out.line("What was held back, and why", bold=True, size=12)
    for reason in report.suppressed or ("Nothing was held back.",):
        out.line(reason)
    out.line(FEWER_MEANS, italic=True)
    out.skip()
    out.line("Figures that may still change", bold=True, size=12)
    for note in report.provisional or ("None noted.",):
        out.line(note)
    out.skip()
    out.table(
        Table(
            "Sheets",
            ("Sheet", "What it answers", "In this period"),
            tuple(
                (name, section.title, section.empty or "figures below")
                for name, section in zip(names, report.sections, strict=True)
            ),
        )
    )
    out.widths[1] = max(out.widths.get(1, 0), 34)
    out.finish()


def _section(sheet: Worksheet, section: Section) -> None:
    out = _Writer(sheet)
    out.line(section.title, bold=True, size=14)
    out.line(section.summary)
    out.skip()
    if section.empty is not None:
        out.line(section.empty, italic=True)
        out.finish()
        return
    first: int | None = None
    for table in section.tables:
        row = out.table(table)
        first = first or row
    for chart in section.charts:
        row = out.table(chart_table(chart))
        first = first or row
    if section.quotes:
        out.table(
            Table(
                "Shareable value stories, as their authors agreed to share them",
                ("Story",),
                tuple((q,) for q in section.quotes),
            )
        )
    out.finish(frozen=f"B{first}" if first else None)


def chart_table(chart: Chart) -> Table:
    """A chart's figures as a table (for anyone who wants to draw it again); whole numbers as integers."""
    if chart.kind is ChartKind.GRID:
        columns = len(chart.categories)
        values = chart.series[0].values if chart.series else ()
        rows = tuple(
            (label, *values[index * columns : (index + 1) * columns])
            for index, label in enumerate(chart.rows)
        )
        headers = (chart.y_label or "Row", *chart.categories)
    else:
        rows = tuple(
            (category, *(series.values[index] for series in chart.series))
            for index, category in enumerate(chart.categories)
        )
        headers = (chart.x_label or "Category", *(series.name for series in chart.series))
    note = " ".join(part for part in (chart.note, EMPTY_CELL_MEANS) if part)
    figures: tuple[tuple[Cell, ...], ...] = tuple(tuple(_whole(value) for value in row) for row in rows)
    return Table(f"Chart: {chart.title}", headers, figures, note=note)


def _whole(value: Cell) -> Cell:
    return int(value) if isinstance(value, float) and value.is_integer() else value
