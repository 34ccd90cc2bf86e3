"""The evidence report's files (`core.report.render`): chart PNGs of a known size, the workbook, the page."""

from __future__ import annotations

import base64
import io
import re
import subprocess
import sys
import warnings
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime
from html.parser import HTMLParser

import pytest
from openpyxl import load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet
from PIL import Image

from core.report import charts
from core.report.model import FEWER, Chart, ChartKind, Files, Report, Section, Series, Table
from core.report.page import NO_CHART, page_html
from core.report.render import HTML, WORKBOOK, render
from core.report.workbook import ABOUT, sheet_names, workbook_bytes
from tests.core.report_sample import EMPTY_GOALS, FORMULA, SCHOOLS, SCRIPT, sample_report

REPORT = sample_report()


@pytest.fixture(scope="module")
def files() -> Files:
    """The sample report rendered once for the module (a second or two: matplotlib draws nine charts)."""
    return render(REPORT)


def drawn(report: Report) -> list[tuple[Section, Chart]]:
    return [
        (section, chart)
        for section in report.sections
        if section.empty is None
        for chart in section.charts
        if charts.has_data(chart)
    ]


def cells(sheet: Worksheet) -> list[object]:
    return [cell.value for row in sheet.iter_rows() for cell in row if cell.value is not None]


# --- charts -----------------------------------------------------------------------------------------------


def test_every_chart_with_data_is_a_png_of_its_announced_size(files: Files) -> None:
    pngs = [name for name in files.files if name.endswith(".png")]
    assert pngs == [charts.chart_name(section, chart) for section, chart in drawn(REPORT)]
    assert len(pngs) == 9
    for section, chart in drawn(REPORT):
        png = files.files[charts.chart_name(section, chart)]
        image = Image.open(io.BytesIO(png))
        image.verify()
        assert image.format == "PNG"
        assert image.size == charts.size_of(chart)
        assert len(png) < 1_000_000


def test_the_61_by_10_grid_grows_taller_with_its_rows_and_stays_legible(files: Files) -> None:
    grid = REPORT.section("coverage").charts[0]
    width, height = Image.open(io.BytesIO(files.files["coverage-grid.png"])).size
    assert (width, height) == charts.size_of(grid)
    assert height >= 61 * 30  # 30 px (0.3 in) a row: labels at 9 pt, a figure in each cell
    small = replace(grid, rows=grid.rows[:10], series=(Series("Members", grid.series[0].values[:100]),))
    assert charts.size_of(small)[1] < height
    assert charts.size_of(small)[0] == width  # the width follows the columns and the labels, not the rows


def test_names_in_any_script_draw_without_a_missing_glyph() -> None:
    chart = Chart(
        "unicode",
        ChartKind.BARS,
        "Schools 🏫 of every kind: $5 \x07 grants",
        ("北京第一中学", "مدرسة النور", "בית ספר הדר", "Escuela 🚀 Cohete", "Ørsted\u200b Skole", "x" * 200),
        (Series("Members 👩‍🏫", (6.0, 7.0, None, 9.0, 10.0, 11.0)),),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns of each glyph no font has
        png = charts.chart_png(chart)
    assert png is not None
    assert Image.open(io.BytesIO(png)).size == charts.size_of(chart)


def test_a_label_keeps_what_a_font_can_draw() -> None:
    latin = frozenset(map(ord, "École $5grant "))
    assert charts.drawable("北京 🚀 École\x07", codepoints=lambda: latin) == ("□ École", True)
    assert charts.drawable("$5 grant", codepoints=lambda: latin) == ("$5 grant", False)
    assert charts.drawable("grant " * 20, limit=12, codepoints=lambda: latin) == ("grant grant…", False)
    assert charts.drawable("🚀", codepoints=lambda: latin) == ("□", True)  # never an empty label for a name


def test_a_chart_is_drawn_the_same_every_time() -> None:
    chart = REPORT.section("stories").charts[0]
    assert charts.chart_png(chart) == charts.chart_png(chart)


def test_two_reports_drawn_at_once_in_two_threads_get_their_own_charts() -> None:
    stories, pulse = REPORT.section("stories").charts[0], REPORT.section("surveys").charts[0]
    with ThreadPoolExecutor(2) as pool:
        drawn_at_once = list(pool.map(charts.chart_png, [stories, pulse, stories, pulse]))
    assert drawn_at_once == [charts.chart_png(stories), charts.chart_png(pulse)] * 2


def test_a_chart_without_data_is_not_drawn_and_the_page_says_so() -> None:
    hidden = Chart(
        "rated", ChartKind.BARS, "Resources rated", ("Teachers", "Families"), (Series("Rated", (None, None)),)
    )
    nothing = Chart("none", ChartKind.LINES, "Nothing at all", (), ())
    resources = replace(REPORT.section("resources"), charts=(hidden, nothing))
    report = replace(REPORT, sections=(resources,))
    assert charts.chart_png(hidden) is None
    assert charts.chart_png(nothing) is None
    images = charts.chart_images(report)
    assert "resources-rated.png" not in images
    assert "resources-none.png" not in images
    page = page_html(report, images)
    assert f"<strong>Resources rated</strong>: {NO_CHART}" in page


def test_a_chart_whose_values_do_not_match_is_refused() -> None:
    wrong = Chart(
        "grid", ChartKind.GRID, "Grid", ("a", "b"), (Series("n", (1.0, 2.0, 3.0)),), rows=("x", "y")
    )
    with pytest.raises(ValueError, match="2 × 2 values"):
        charts.chart_png(wrong)
    bars = Chart("bars", ChartKind.BARS, "Bars", ("a", "b"), (Series("n", (1.0,)),))
    with pytest.raises(ValueError, match="1 values for 2 categories"):
        charts.has_data(bars)


def test_the_empty_section_says_so_and_draws_nothing(files: Files) -> None:
    assert not [name for name in files.files if name.startswith("goals-")]
    page = files.files[HTML].decode()
    shown = page[page.index('id="section-goals"') :]
    shown = shown[: shown.index("</section>")]
    assert EMPTY_GOALS in shown
    assert "<img" not in shown
    # charts given to an empty section by mistake are not drawn either
    goals = replace(REPORT.section("goals"), charts=REPORT.section("stories").charts)
    report = replace(REPORT, sections=(goals,))
    assert charts.chart_images(report) == {}


def test_a_period_without_data_makes_only_the_workbook_and_the_page() -> None:
    report = replace(
        REPORT,
        sections=tuple(
            replace(s, tables=(), charts=(), quotes=(), empty="Nothing in this period.")
            for s in REPORT.sections
        ),
        headline=(),
        suppressed=(),
        provisional=(),
        previous=None,
    )
    files = render(report)
    assert sorted(files.files) == [HTML, WORKBOOK]
    page = files.files[HTML].decode()
    assert page.count("Nothing in this period.") == len(report.sections)
    assert "Nothing was held back." in page
    book = load_workbook(io.BytesIO(files.files[WORKBOOK]))
    assert len(book.sheetnames) == 1 + len(report.sections)


def test_start_up_imports_no_chart_workbook_or_template_library() -> None:
    code = "import sys, core.report.render; print(sorted({'matplotlib', 'openpyxl', 'jinja2'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# --- workbook ---------------------------------------------------------------------------------------------


def test_the_workbook_has_an_about_sheet_then_one_sheet_per_section(files: Files) -> None:
    book = load_workbook(io.BytesIO(files.files[WORKBOOK]))
    assert book.sheetnames[0] == ABOUT
    assert len(book.sheetnames) == 1 + len(REPORT.sections)
    for name in book.sheetnames:
        assert len(name) <= 31
        assert not set(name) & set("[]:*?/\\")
    assert len({name.casefold() for name in book.sheetnames}) == len(book.sheetnames)
    for name, section in zip(book.sheetnames[1:], REPORT.sections, strict=True):
        assert book[name]["A1"].value == section.title
    about = cells(book[ABOUT])
    for text in (
        REPORT.community,
        REPORT.period.label,
        REPORT.audience,
        *REPORT.suppressed,
        *REPORT.provisional,
    ):
        assert text in about
    assert REPORT.period.start in [value.date() for value in about if isinstance(value, datetime)]
    assert "not comparable" in about  # a headline without a change, when there was an earlier report
    assert book[ABOUT]["B8"].value == datetime(2027, 6, 30, 17, 5)  # made at, as UTC


def test_the_workbook_keeps_dates_numbers_and_fewer_than_5(files: Files) -> None:
    book = load_workbook(io.BytesIO(files.files[WORKBOOK]))
    meetings = book[book.sheetnames[4]]
    dates = [cell for row in meetings.iter_rows() for cell in row if isinstance(cell, Cell) and cell.is_date]
    assert len(dates) == 40
    assert dates[0].value == datetime(2026, 9, 3)
    assert dates[0].number_format == "yyyy-mm-dd"
    coverage = book[book.sheetnames[2]]
    values = cells(coverage)
    assert FEWER in values
    assert SCHOOLS[1] in values  # 北京第一中学, as typed
    assert any(isinstance(v, int) and not isinstance(v, bool) for v in values)
    assert coverage.freeze_panes == "B6"  # title, summary, a blank, the table's title, its headers
    fewer = next(cell for row in coverage.iter_rows() for cell in row if cell.value == FEWER)
    assert fewer.data_type == "s"


def test_member_text_that_looks_like_a_formula_stays_text(files: Files) -> None:
    data = files.files[WORKBOOK]
    book = load_workbook(io.BytesIO(data))
    found = [
        cell
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@"))
    ]
    assert FORMULA in [cell.value for cell in found]
    for cell in found:
        assert cell.data_type == "s"
        assert cell.quotePrefix
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert "<f>" not in archive.read(name).decode()


def test_sheet_names_follow_excels_rules() -> None:
    names = sheet_names(
        ["A" * 40, "A" * 40, "a" * 40, "x[y]z*?/\\w: more", "History", "", "'quoted'", "About", "🚀" * 20]
    )
    assert names == [
        "A" * 31,
        "A" * 27 + " (2)",
        "a" * 27 + " (3)",
        "x-y-z----w",
        "History (section)",
        "Section 6",
        "quoted",
        "About (2)",
        "🚀" * 15,  # 31 UTF-16 units at most: an emoji is two
    ]
    assert sheet_names(
        ["Coverage: schools × groups", "Partners who could fill the gaps of every school team"]
    ) == [
        "Coverage",
        "Partners who could fill the",  # cut at a word
    ]


def test_text_a_workbook_or_a_page_cannot_hold_is_cleaned() -> None:
    bad = "Lone \ud800 surrogate and a bell \x07 and =1+1"
    section = Section("odd", bad, bad, tables=(Table(bad, (bad,), ((bad,), (float("nan"),))),), quotes=(bad,))
    report = replace(REPORT, community=bad, sections=(section,))
    book = load_workbook(io.BytesIO(workbook_bytes(report)))
    assert book[book.sheetnames[1]]["A1"].value == "Lone ? surrogate and a bell  and =1+1"
    page = page_html(report, {})
    page.encode("utf-8")  # no lone surrogate left
    assert "Lone \ufffd surrogate" in page


# --- page -------------------------------------------------------------------------------------------------


class Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.headings: list[str] = []
        self.images: list[dict[str, str | None]] = []
        self.references: list[str] = []
        self._heading = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "h2":
            self._heading = True
            self.headings.append("")
        if tag == "img":
            self.images.append(found)
        for attribute in ("src", "href", "action", "data", "poster"):
            if found.get(attribute):
                self.references.append(str(found[attribute]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "h2":
            self._heading = False

    def handle_data(self, data: str) -> None:
        if self._heading:
            self.headings[-1] += data


def test_the_page_has_every_section_and_an_image_per_chart(files: Files) -> None:
    page = files.files[HTML].decode()
    parsed = Page()
    parsed.feed(page)
    for section in REPORT.sections:
        assert section.title in parsed.headings
    assert parsed.headings[0] == "What this report holds back, and why"  # first, before any figure
    assert parsed.headings[1] == "Figures that may still change"
    pngs = [data for name, data in files.files.items() if name.endswith(".png")]
    assert len(parsed.images) == len(pngs)
    for image, png in zip(parsed.images, pngs, strict=True):
        src = str(image["src"])
        assert src.startswith("data:image/png;base64,")
        assert base64.b64decode(src.split(",", 1)[1]) == png
        assert image["alt"]
        assert (int(str(image["width"])), int(str(image["height"]))) == Image.open(io.BytesIO(png)).size
    for reason in REPORT.suppressed:
        assert reason in page


def test_the_page_is_self_contained_and_member_text_is_only_text(files: Files) -> None:
    page = files.files[HTML].decode()
    parsed = Page()
    parsed.feed(page)
    assert all(ref.startswith(("data:image/png;base64,", "#")) for ref in parsed.references)
    assert not re.search(r"https?://", page)
    assert "<script" not in page
    assert "<link" not in page
    assert "@import" not in page
    assert "url(" not in page
    assert SCRIPT not in page
    assert "&lt;script&gt;alert(&#39;copbot&#39;)&lt;/script&gt;" in page
    assert "&lt;@123456789012345678&gt;" in page  # a mention in a quote is shown as typed, never markup


def test_a_wide_table_is_split_into_column_groups_for_print(files: Files) -> None:
    page = files.files[HTML].decode()
    assert "Members by school team and stakeholder group (columns 2–7 of 11)" in page
    assert "Members by school team and stakeholder group (columns 8–11 of 11)" in page
    assert "@media print" in page
    assert "break-before: page" in page


def test_a_grid_of_hundreds_of_rows_is_squeezed_within_the_largest_image() -> None:
    rows = tuple(f"School {n}" for n in range(220))
    grid = Chart(
        "big",
        ChartKind.GRID,
        "Big",
        ("A", "B"),
        (Series("n", tuple(float(n % 9) for n in range(440))),),
        rows=rows,
    )
    width, height = charts.size_of(grid)
    assert height <= charts.MAX_SIDE
    png = charts.chart_png(grid)
    assert png is not None
    assert Image.open(io.BytesIO(png)).size == (width, height)


def in_process(report: Report) -> dict[str, bytes]:
    """Every chart drawn here, one after another, as `chart_images` would without its workers."""
    return {
        charts.chart_name(section, chart): png
        for section in report.sections
        if section.empty is None
        for chart in section.charts
        if (png := charts.chart_png(chart)) is not None
    }


def test_the_workers_draw_the_same_bytes_as_drawing_here() -> None:
    images = charts.chart_images(REPORT)
    assert charts._workers() is not None  # the pool started (and is kept for the next report)
    assert list(images) == list(in_process(REPORT))  # the report's order, not the order they were drawn in
    assert images == in_process(REPORT)


def test_charts_are_drawn_here_when_the_workers_cannot_start(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("no processes here")

    charts._stop_workers()
    monkeypatch.setattr(charts, "ProcessPoolExecutor", refuse)
    monkeypatch.setattr(charts, "_pool_failed", False)
    assert charts.chart_images(REPORT) == in_process(REPORT)
    assert charts._workers() is None


def test_a_broken_worker_costs_the_report_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    import os
    import signal

    pool = charts._workers()
    assert pool is not None
    pool.submit(os.getpid).result()  # the workers are up
    for process in list(pool._processes.values()):
        os.kill(process.pid, signal.SIGKILL)
    monkeypatch.setattr(charts, "_pool_breaks", 0)
    assert charts.chart_images(REPORT) == in_process(REPORT)
    assert charts._pool_breaks == 1  # it will be started again for the next report


def test_workers_that_hang_cost_the_report_a_deadline_not_the_report(monkeypatch: pytest.MonkeyPatch) -> None:
    import os
    import signal

    pool = charts._workers()
    assert pool is not None
    pool.submit(os.getpid).result()  # the workers are up
    for process in list(pool._processes.values()):
        os.kill(process.pid, signal.SIGSTOP)  # they take the work and never answer
    monkeypatch.setattr(charts, "DEADLINE", 0.2)
    monkeypatch.setattr(charts, "_pool_breaks", 0)
    assert charts.chart_images(REPORT) == in_process(REPORT)
    assert charts._pool_breaks == 1  # stopped workers were killed; the next report starts new ones


def test_idle_workers_stop_and_the_next_report_starts_them_again(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    stopped = threading.Event()
    stop = charts._stop_workers

    def stopping(broken: bool = False) -> None:
        stop(broken)
        stopped.set()

    monkeypatch.setattr(charts, "_stop_workers", stopping)
    monkeypatch.setattr(charts, "IDLE", 0.0)  # stop as soon as the report is drawn
    assert charts.chart_images(REPORT) == in_process(REPORT)
    assert stopped.wait(60)
    assert charts._pool is None
    assert charts.chart_images(REPORT) == in_process(REPORT)  # started again


def test_workers_in_use_are_not_stopped_as_idle() -> None:
    pool = charts._workers()
    assert pool is not None
    charts._using(+1)
    try:
        charts._stop_when_idle()  # as if the timer fired just as a report began
        assert charts._pool is pool
    finally:
        charts._using(-1)


def test_a_wide_grid_leaves_its_figures_to_the_workbook_and_the_page(monkeypatch: pytest.MonkeyPatch) -> None:
    marked: list[int] = []
    monkeypatch.setattr(charts, "_cell_marks", lambda axes, marks, size: marked.append(len(marks)))

    def grid(columns: int) -> Chart:
        names = tuple(f"School {n}" for n in range(columns))
        values = tuple(float(n % 7) for n in range(columns * 3))
        return Chart("g", ChartKind.GRID, "Grid", names, (Series("n", values),), rows=("A", "B", "C"))

    assert charts.chart_png(grid(charts.FIGURES_UP_TO)) is not None
    assert charts.chart_png(grid(charts.FIGURES_UP_TO + 1)) is not None
    assert marked == [charts.FIGURES_UP_TO * 3]  # the wider grid is drawn, colours only
