"""A report's charts as PNG images (matplotlib, drawn headless with Agg).

matplotlib is imported on the first chart, never at start-up: the bot's idle memory stays small. Figures are
built with the object API (`Figure` + `FigureCanvasAgg`, no pyplot), so nothing is kept in a global registry
and two reports drawn at once in two threads share no figure.

Every size is decided from the chart alone (`size_of`), before drawing: a chart's PNG always has the same
pixels, and a grid of 61 schools × 10 groups grows taller rather than smaller. Labels are made drawable first
(`drawable`): characters no installed font has are dropped or shown as □ (the workbook and the page keep the
full names), `$` is plain text (no mathtext), control characters are gone, long labels end with "…".
"""

from __future__ import annotations

import atexit
import io
import math
import multiprocessing
import re
import textwrap
import threading
import time
import unicodedata
from collections.abc import Callable, Sequence
from concurrent.futures import CancelledError as FutureCancelled
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from core.report.model import Chart, ChartKind, Report, Section

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.colors import Colormap, Normalize
    from matplotlib.figure import Figure

__all__ = [
    "chart_images",
    "chart_name",
    "chart_png",
    "drawable",
    "has_data",
    "size_of",
]

DPI = 100
PX = 25  # every side is a multiple of 25 px (a quarter inch: exact in floating point, so exact in pixels)
WIDTH = 1000  # bars and lines
MAX_SIDE = 6000  # a chart is never taller or wider than this (a few hundred rows still fit)
SUPPRESSED = "#c4c4c4"  # a cell or point describing fewer than 5 people
FIGURES_UP_TO = 12  # a grid of at most this many columns shows each cell's figure (wider cells are too small)
SUPPRESSED_LABEL = "grey: fewer than 5 people, not shown"
MISSING_NOTE = "Some names hold characters this image can't draw (shown as □); the workbook and the page have them in full."
BOX = "□"
# The fonts tried, in order, for every glyph. DejaVu Sans ships with matplotlib; the others are used when the
# system has them (Noto's CJK fonts and emoji, as packaged by Debian/Ubuntu's fonts-noto-*).
FONTS = (
    "DejaVu Sans",
    "Noto Sans",
    "Noto Sans CJK JP",
    "Noto Sans CJK SC",
    "Noto Sans CJK KR",
    "WenQuanYi Zen Hei",
    "Droid Sans Fallback",
    "Noto Sans Symbols 2",
    "Noto Emoji",
)
COLOURS = (  # Okabe & Ito's colour-blind-safe palette, then matplotlib's tab10 for more series
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
    "#8c564b",
    "#17becf",
    "#7f7f7f",
    "#bcbd22",
)

_SLUG = re.compile(r"[^A-Za-z0-9_-]+")
_lock = threading.Lock()  # matplotlib is not thread-safe: one chart drawn at a time
_setup = threading.Lock()  # matplotlib set up once


def chart_name(section: Section | str, chart: Chart | str) -> str:
    """`<section>-<chart key>.png`, safe as an attachment name."""
    section_key = section if isinstance(section, str) else section.key
    chart_key = chart if isinstance(chart, str) else chart.key
    return f"{_SLUG.sub('_', section_key)}-{_SLUG.sub('_', chart_key)}.png"


def has_data(chart: Chart) -> bool:
    """Whether there is anything to draw: a chart whose every value is missing or suppressed is not drawn (its
    section says so in words instead)."""
    check(chart)
    if not chart.categories or (chart.kind is ChartKind.GRID and not chart.rows):
        return False
    return any(value is not None for series in chart.series for value in series.values)


def check(chart: Chart) -> None:
    """A chart whose values do not match its categories is a mistake in gathering, said plainly."""
    if chart.kind is ChartKind.GRID:
        if len(chart.series) != 1 or len(chart.series[0].values) != len(chart.rows) * len(chart.categories):
            raise ValueError(
                f"grid chart {chart.key!r}: needs one series of {len(chart.rows)} × {len(chart.categories)} values"
            )
        return
    for series in chart.series:
        if len(series.values) != len(chart.categories):
            raise ValueError(
                f"chart {chart.key!r}: series {series.name!r} has {len(series.values)} values "
                f"for {len(chart.categories)} categories"
            )


def chart_images(report: Report) -> dict[str, bytes]:
    """Every chart of the report that has data, as `<section>-<key>.png` → PNG, in the report's order. An empty
    section's charts are not drawn.

    Two or more charts are drawn in the worker processes (`_workers`), the costliest first; the same bytes as
    drawing them here, which is what happens when the workers can't be started or break."""
    wanted: dict[str, Chart] = {}
    for section in report.sections:
        if section.empty is not None:
            continue
        for chart in section.charts:
            name = chart_name(section, chart)
            if name in wanted:
                raise ValueError(f"two charts would both be named {name}")
            if has_data(chart):
                wanted[name] = chart
    drawn: dict[str, bytes | None] = {}
    pool = _workers() if len(wanted) > 1 else None
    if pool is not None:
        _using(+1)
        try:
            costliest_first = sorted(wanted, key=lambda name: -_cost(wanted[name]))
            futures = {name: pool.submit(chart_png, wanted[name]) for name in costliest_first}
            deadline = time.monotonic() + DEADLINE
            drawn = {
                name: future.result(max(0.0, deadline - time.monotonic())) for name, future in futures.items()
            }
        except (BrokenProcessPool, FutureTimeout, FutureCancelled, OSError, RuntimeError):
            _stop_workers(
                broken=True
            )  # a worker died, hangs, or another report found them broken: drawn here
            drawn = {}
        finally:
            _using(-1)
    images: dict[str, bytes] = {}
    for name, chart in wanted.items():
        png = drawn[name] if name in drawn else chart_png(chart)
        if png is not None:
            images[name] = png
    return images


# --- worker processes ---------------------------------------------------------------------------------------

WORKERS = 2  # processes drawing charts (matplotlib draws one chart at a time per process)
DEADLINE = (
    120.0  # seconds the workers get for one report's charts (all of them take a few) before it is drawn here
)
RESTARTS = 2  # a pool that breaks more often than this is not started again: charts are drawn in-process
_pool: ProcessPoolExecutor | None = None
_pool_failed = False
_pool_breaks = 0
_pool_lock = threading.Lock()
IDLE = (
    15 * 60.0
)  # seconds without a report after which the workers stop (each holds ~140 MB): the next starts them
_users = 0  # reports drawing in the workers now
_idle_timer: threading.Timer | None = None


def _using(change: int) -> None:
    """Count a report in or out of the workers; when the last is out, stop them after `IDLE` seconds unless
    another report comes."""
    global _users, _idle_timer
    with _pool_lock:
        _users += change
        if _idle_timer is not None:
            _idle_timer.cancel()
            _idle_timer = None
        if _users == 0 and _pool is not None:
            _idle_timer = threading.Timer(IDLE, _stop_when_idle)
            _idle_timer.daemon = True
            _idle_timer.start()


def _stop_when_idle() -> None:
    with _pool_lock:
        if _users:  # a report started just as the timer fired
            return
    _stop_workers()


def _cost(chart: Chart) -> int:
    """A rough drawing cost (pixels plus labels), to hand out the biggest charts first."""
    width, height = size_of(chart)
    return width * height + 20_000 * (len(chart.categories) + len(chart.rows)) * max(1, len(chart.series))


def _warm() -> None:
    """A worker's start: matplotlib imported and set up, the fonts read, before its first chart."""
    _matplotlib()
    _drawable_codepoints()


def _workers() -> ProcessPoolExecutor | None:
    """The pool of `WORKERS` processes, started on the first report and kept (None if it can't start). The
    processes are started with "forkserver" (or "spawn"), never "fork": the bot runs threads."""
    global _pool, _pool_failed
    with _pool_lock:
        if _pool is None and not _pool_failed:
            try:
                methods = multiprocessing.get_all_start_methods()
                context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
                _pool = ProcessPoolExecutor(WORKERS, mp_context=context, initializer=_warm)
                if not _pool_breaks:
                    atexit.register(_stop_workers)
            except (OSError, RuntimeError, ValueError, NotImplementedError):
                _pool_failed = True
        return _pool


def _stop_workers(broken: bool = False) -> None:
    """Stop the worker processes (at exit, or after one broke: the next report starts new ones, up to
    `RESTARTS` times)."""
    global _pool, _pool_breaks, _pool_failed
    with _pool_lock:
        pool, _pool = _pool, None
        if broken:
            _pool_breaks += 1
            _pool_failed = _pool_breaks > RESTARTS
    if pool is None:
        return
    if broken:
        # A worker killed while it waited for work dies holding the task queue's lock: on Python 3.11 the others
        # then wait for that lock forever and shutting the pool down waits for them. Kill them all first.
        processes: dict[int, multiprocessing.process.BaseProcess] = getattr(pool, "_processes", None) or {}
        for process in list(processes.values()):
            process.kill()
    pool.shutdown(wait=not broken, cancel_futures=True)


# --- labels -----------------------------------------------------------------------------------------------


@cache
def _drawable_codepoints() -> frozenset[int]:
    """Every character some font in the fallback list can draw."""
    _matplotlib()
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    codepoints: set[int] = set()
    for path in _font_paths():
        try:
            codepoints.update(FT2Font(path).get_charmap())
        except (OSError, RuntimeError, ValueError):  # an unreadable font file: skip it
            continue
    if not codepoints:  # no font read at all: matplotlib's own default
        codepoints.update(FT2Font(font_manager.findfont("DejaVu Sans")).get_charmap())
    return frozenset(codepoints)


def _font_paths() -> list[str]:
    from matplotlib import font_manager

    by_name: dict[str, str] = {}
    for entry in font_manager.fontManager.ttflist:
        if entry.style == "normal" and entry.weight in (400, "normal", "regular", "book"):
            by_name.setdefault(entry.name, entry.fname)
    return [by_name[name] for name in FONTS if name in by_name]


def _installed_fonts() -> list[str]:
    from matplotlib import font_manager

    names = {entry.name for entry in font_manager.fontManager.ttflist}
    return [name for name in FONTS if name in names] or ["DejaVu Sans"]


def drawable(
    text: str, limit: int = 60, codepoints: Callable[[], frozenset[int]] | None = None
) -> tuple[str, bool]:
    """`text` as a label that draws: control and format characters gone, whitespace one space, characters no
    font has dropped (symbols, emoji) or shown as □ (letters), cut to `limit` characters with "…". Returns the
    label and whether something could not be drawn."""
    known = (codepoints or _drawable_codepoints)()
    out: list[str] = []
    lost = False
    for char in text:
        category = unicodedata.category(char)
        if char.isspace() or category == "Zs":
            if out and out[-1] != " ":
                out.append(" ")
            continue
        if ord(char) in known:
            out.append(char)
            continue
        if category[0] == "C" or category in ("Mn", "Me", "Sk"):  # controls, format marks, lone surrogates
            continue
        lost = True
        if category[0] == "S":  # an emoji or a symbol: decoration, left out
            continue
        if not (out and out[-1] == BOX):
            out.append(BOX)
    label = "".join(out).strip()
    if len(label) > limit:
        label = label[: limit - 1].rstrip() + "…"
    return label or (BOX if lost else ""), lost


def _width(label: str) -> float:
    """A label's width in "average characters" (a wide East Asian character counts two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in label)


# --- sizes --------------------------------------------------------------------------------------------------

CHAR = 0.075  # inches per average character at 9 pt
ROW = 0.3  # inches per row of a grid
LINE = 0.2  # inches per line of 8–9 pt text


@dataclass(frozen=True, slots=True)
class Layout:
    """Where everything goes, in inches (left, bottom: the plot's lower-left corner from the figure's)."""

    width: float
    height: float
    left: float
    bottom: float
    plot_width: float
    plot_height: float
    horizontal: bool = False  # bars drawn sideways (many or long categories)
    tick_rotation: int = 0
    legend_rows: int = 0
    legend_columns: int = 1
    note_lines: tuple[str, ...] = ()
    title_lines: tuple[str, ...] = ()
    label_band: float = 0.0  # a grid's column labels, above the plot
    row_font: float = 9.0  # a grid's row labels and figures (smaller when hundreds of rows are squeezed)


def _round_up(inches: float) -> float:
    pixels = min(MAX_SIDE, max(PX, math.ceil(inches * DPI / PX) * PX))
    return pixels / DPI


def size_of(chart: Chart) -> tuple[int, int]:
    """The PNG's width and height in pixels, decided from the chart before drawing."""
    layout = _layout(chart, _labels(chart))
    return round(layout.width * DPI), round(layout.height * DPI)


@dataclass(frozen=True, slots=True)
class Labels:
    title: str
    categories: tuple[str, ...]
    rows: tuple[str, ...]
    series: tuple[str, ...]
    x_label: str
    y_label: str
    note: str
    lost: bool


def _labels(chart: Chart, codepoints: Callable[[], frozenset[int]] | None = None) -> Labels:
    lost = False

    def clean(text: str, limit: int) -> str:
        nonlocal lost
        label, missing = drawable(text, limit, codepoints)
        lost = lost or missing
        return label

    title = clean(chart.title, 160)
    categories = tuple(clean(c, 40) for c in chart.categories)
    rows = tuple(clean(r, 44) for r in chart.rows)
    series = tuple(clean(s.name, 30) for s in chart.series)
    single = chart.series[0].name if len(chart.series) == 1 and chart.kind is not ChartKind.GRID else ""
    x_label = clean(chart.x_label, 80)
    y_label = clean(chart.y_label or single, 60)  # one series has no legend: its name labels the values
    note = clean(chart.note, 400)
    suppressed = any(v is None for s in chart.series for v in s.values)
    if chart.kind is not ChartKind.GRID and suppressed and "fewer than 5" not in note.lower():
        hint = "A gap in a line" if chart.kind is ChartKind.LINES else "“<5”"
        note = f"{note} {hint}: fewer than 5 people, not shown.".strip()
    if lost:
        note = f"{note} {MISSING_NOTE}".strip()
    return Labels(title, categories, rows, series, x_label, y_label, note, lost)


def _wrap(text: str, width_in: float, per_char: float, most: int) -> tuple[str, ...]:
    if not text:
        return ()
    lines = textwrap.wrap(text, max(20, int(width_in / per_char)))
    if len(lines) > most:
        lines = [*lines[: most - 1], lines[most - 1][:-1] + "…"]
    return tuple(lines)


def _layout(chart: Chart, labels: Labels) -> Layout:
    if chart.kind is ChartKind.GRID:
        return _grid_layout(chart, labels)
    count = len(labels.categories)
    longest = max((_width(c) for c in labels.categories), default=0)
    horizontal = chart.kind in (ChartKind.BARS, ChartKind.STACKED) and (
        count > 16 or (longest > 22 and count > 4)
    )
    width = WIDTH / DPI
    title_lines = _wrap(labels.title, width - 0.6, 0.11, 2)
    note_lines = _wrap(labels.note, width - 0.6, 0.065, 4)
    series = max(1, len(labels.series))
    legend_columns = max(1, min(series, 4))
    legend_rows = math.ceil(series / legend_columns) if series > 1 else 0
    top = 0.25 + 0.3 * len(title_lines)
    legend = 0.25 * legend_rows + (0.15 if legend_rows else 0)
    note = LINE * len(note_lines) + (0.1 if note_lines else 0)
    if horizontal:
        left = 0.35 + CHAR * min(longest, 44) + (0.3 if labels.y_label else 0)
        per = 0.3 if chart.kind is ChartKind.STACKED else max(0.3, 0.15 * series + 0.08)
        bottom = 0.55 + (0.3 if labels.x_label else 0) + legend + note
        plot_height = min(per * count, MAX_SIDE / DPI - top - bottom)  # hundreds of bars: thinner ones
        rotation = 0
    else:
        left = 0.85 + (0.3 if labels.y_label else 0)
        plot_height = 3.9
        rotation = 0 if longest * count * CHAR < (width - left - 0.3) * 0.85 and longest <= 16 else 35
        ticks = 0.35 if rotation == 0 else 0.25 + CHAR * min(longest, 40) * 0.58
        bottom = ticks + (0.3 if labels.x_label else 0) + legend + note + 0.1
    height = _round_up(top + plot_height + bottom)
    plot_height = height - top - bottom  # rounding up adds a little room to the plot
    return Layout(
        width=width,
        height=height,
        left=left,
        bottom=bottom,
        plot_width=width - left - 0.35,
        plot_height=plot_height,
        horizontal=horizontal,
        tick_rotation=rotation,
        legend_rows=legend_rows,
        legend_columns=legend_columns,
        note_lines=note_lines,
        title_lines=title_lines,
    )


def _grid_layout(chart: Chart, labels: Labels) -> Layout:
    rows, columns = len(labels.rows), len(labels.categories)
    cell_width = 0.85 if columns <= 12 else max(0.4, 10.0 / columns)
    longest_row = max((_width(r) for r in labels.rows), default=0)
    longest_column = max((_width(c) for c in labels.categories), default=0)
    left = 0.35 + CHAR * min(longest_row, 44) + (0.3 if labels.y_label else 0)
    plot_width = cell_width * columns
    width = _round_up(max(8.0, left + plot_width + 0.4 + CHAR * min(longest_column, 30) * 0.7))
    title_lines = _wrap(labels.title, width - 0.6, 0.11, 2)
    note_lines = _wrap(labels.note, width - 0.6, 0.065, 4)
    column_labels = 0.25 + CHAR * min(longest_column, 30) * 0.7
    top = 0.25 + 0.3 * len(title_lines) + column_labels + (0.3 if labels.x_label else 0)
    repeat = rows > 25  # a long grid shows its column labels below it too
    bottom = (column_labels if repeat else 0.15) + 0.45 + LINE * len(note_lines) + 0.1
    # 0.3 in a row (9 pt labels); a grid of hundreds of rows is squeezed to stay within MAX_SIDE
    cell_height = min(ROW, (MAX_SIDE / DPI - top - bottom) / rows)
    height = _round_up(top + rows * cell_height + bottom)
    return Layout(
        width=width,
        height=height,
        left=left,
        bottom=height - top - rows * cell_height,
        plot_width=plot_width,
        plot_height=rows * cell_height,
        tick_rotation=45,
        note_lines=note_lines,
        title_lines=title_lines,
        label_band=column_labels,
        row_font=min(9.0, cell_height * 72 * 0.7),
    )


# --- drawing ------------------------------------------------------------------------------------------------


_ready = False


def _matplotlib() -> None:
    """Import matplotlib and set what every chart shares (once, on the first chart): the headless backend, the
    fonts and their fallbacks, text that is never mathtext."""
    global _ready
    with _setup:
        if _ready:
            return
        import matplotlib

        matplotlib.use("Agg", force=False)
        matplotlib.rcParams.update(
            {
                "font.family": "sans-serif",
                "font.sans-serif": [*_installed_fonts(), "DejaVu Sans"],
                "font.size": 9,
                "text.parse_math": False,  # "$5 grant" is text, not a formula
                "text.usetex": False,
                "axes.spines.top": False,
                "axes.spines.right": False,
                "axes.titlelocation": "left",
            }
        )
        _ready = True


def chart_png(chart: Chart) -> bytes | None:
    """The chart as PNG bytes, `size_of(chart)` pixels; None when it has nothing to draw."""
    if not has_data(chart):
        return None
    _matplotlib()
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    labels = _labels(chart)
    layout = _layout(chart, labels)
    with _lock:
        figure = Figure(figsize=(layout.width, layout.height), dpi=DPI, facecolor="white")
        canvas = FigureCanvasAgg(figure)
        try:
            _title(figure, layout)
            if chart.kind is ChartKind.GRID:
                _grid(figure, chart, labels, layout)
            else:
                axes = figure.add_axes(_box(layout))
                if chart.kind is ChartKind.LINES:
                    _lines(axes, chart, labels, layout)
                else:
                    _bars(axes, chart, labels, layout)
                _legend(figure, axes, layout, labels)
            _note(figure, layout)
            return _png(canvas)
        finally:
            figure.clear()  # drop the artists now rather than at the next garbage collection


def _png(canvas: FigureCanvasAgg) -> bytes:
    """The drawn figure as an RGB PNG (no alpha: a quarter smaller and quicker to pack), with no "Software"
    stamp, so the same chart is the same bytes."""
    from PIL import Image

    raw = io.BytesIO()
    canvas.figure.savefig(raw, format="rgba", dpi=DPI)
    size = canvas.get_width_height(physical=True)
    out = io.BytesIO()
    Image.frombytes("RGBA", size, raw.getvalue()).convert("RGB").save(out, format="png", compress_level=3)
    return out.getvalue()


def _box(layout: Layout) -> tuple[float, float, float, float]:
    return (
        layout.left / layout.width,
        layout.bottom / layout.height,
        layout.plot_width / layout.width,
        layout.plot_height / layout.height,
    )


def _title(figure: Figure, layout: Layout) -> None:
    if layout.title_lines:
        figure.text(
            0.3 / layout.width,
            1 - 0.2 / layout.height,
            "\n".join(layout.title_lines),
            fontsize=13,
            fontweight="bold",
            va="top",
            ha="left",
            linespacing=1.25,
        )


def _note(figure: Figure, layout: Layout) -> None:
    if layout.note_lines:
        figure.text(
            0.3 / layout.width,
            0.12 / layout.height,
            "\n".join(layout.note_lines),
            fontsize=8.5,
            color="#444444",
            va="bottom",
            ha="left",
            linespacing=1.35,
        )


def _legend(figure: Figure, axes: Axes, layout: Layout, labels: Labels) -> None:
    if not layout.legend_rows:
        return
    note = LINE * len(layout.note_lines) + (0.1 if layout.note_lines else 0)
    axes.legend(
        loc="lower left",
        bbox_to_anchor=(0.3 / layout.width, (note + 0.1) / layout.height),
        bbox_transform=figure.transFigure,
        ncols=layout.legend_columns,
        frameon=False,
        fontsize=9,
        borderaxespad=0,
        handlelength=1.5,
        columnspacing=1.5,
    )


def _number(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}"


def _integers(chart: Chart) -> bool:
    return all(v is None or float(v).is_integer() for s in chart.series for v in s.values)


def _bars(axes: Axes, chart: Chart, labels: Labels, layout: Layout) -> None:
    from matplotlib.ticker import MaxNLocator

    count, series = len(chart.categories), len(chart.series)
    positions = list(range(count))
    stacked = chart.kind is ChartKind.STACKED
    thickness = 0.8 if stacked else 0.8 / series
    base = [0.0] * count
    bars_total = count * series
    for index, (one, name) in enumerate(zip(chart.series, labels.series, strict=True)):
        values = [0.0 if v is None else float(v) for v in one.values]
        offsets = positions if stacked else [p - 0.4 + thickness * (index + 0.5) for p in positions]
        colour = COLOURS[index % len(COLOURS)]
        if layout.horizontal:
            drawn = axes.barh(
                offsets, values, height=thickness, left=base if stacked else None, color=colour, label=name
            )
        else:
            drawn = axes.bar(
                offsets, values, width=thickness, bottom=base if stacked else None, color=colour, label=name
            )
        if not stacked and bars_total <= 40:
            axes.bar_label(drawn, labels=[_number(v) if v else "" for v in values], fontsize=7.5, padding=2)
        if not stacked:
            for offset, value in zip(offsets, one.values, strict=True):
                if value is None:
                    _suppressed_mark(axes, offset, 0.0, layout.horizontal)
        if stacked:
            base = [b + v for b, v in zip(base, values, strict=True)]
    if stacked:
        for position, total, parts in zip(
            positions, base, zip(*(s.values for s in chart.series), strict=True), strict=True
        ):
            if any(v is None for v in parts):
                _suppressed_mark(axes, position, total, layout.horizontal, text="+ <5")
            elif count <= 30:
                _total_mark(axes, position, total, layout.horizontal)
    value_axis = axes.xaxis if layout.horizontal else axes.yaxis
    if _integers(chart):
        value_axis.set_major_locator(MaxNLocator(integer=True))
    if layout.horizontal:
        axes.set_yticks(positions, labels.categories)
        axes.set_ylim(count - 0.5, -0.5)  # the first category on top
        axes.grid(axis="x", color="#e5e5e5", linewidth=0.8)
        axes.set_xlabel(labels.y_label)
        axes.set_ylabel(labels.x_label)
    else:
        axes.set_xticks(
            positions,
            labels.categories,
            rotation=layout.tick_rotation,
            ha="right" if layout.tick_rotation else "center",
            rotation_mode="anchor",
        )
        axes.set_xlim(-0.6, count - 0.4)
        axes.grid(axis="y", color="#e5e5e5", linewidth=0.8)
        axes.set_xlabel(labels.x_label)
        axes.set_ylabel(labels.y_label)
    axes.set_axisbelow(True)
    if layout.horizontal:
        axes.margins(x=0.08)
    else:
        axes.margins(y=0.08)


def _suppressed_mark(axes: Axes, position: float, at: float, horizontal: bool, text: str = "<5") -> None:
    if horizontal:
        axes.annotate(
            text,
            (at, position),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            ha="left",
            fontsize=7,
            color="#777777",
        )
    else:
        axes.annotate(
            text,
            (position, at),
            xytext=(0, 2),
            textcoords="offset points",
            va="bottom",
            ha="center",
            fontsize=7,
            color="#777777",
        )


def _total_mark(axes: Axes, position: float, total: float, horizontal: bool) -> None:
    if horizontal:
        axes.annotate(
            _number(total),
            (total, position),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            ha="left",
            fontsize=7.5,
        )
    else:
        axes.annotate(
            _number(total),
            (position, total),
            xytext=(0, 2),
            textcoords="offset points",
            va="bottom",
            ha="center",
            fontsize=7.5,
        )


def _lines(axes: Axes, chart: Chart, labels: Labels, layout: Layout) -> None:
    from matplotlib.ticker import MaxNLocator

    count = len(chart.categories)
    positions = list(range(count))
    for index, (one, name) in enumerate(zip(chart.series, labels.series, strict=True)):
        values = [math.nan if v is None else float(v) for v in one.values]
        axes.plot(
            positions,
            values,
            marker="o",
            markersize=4,
            linewidth=1.8,
            color=COLOURS[index % len(COLOURS)],
            label=name,
        )
    step = max(1, math.ceil(count / 14))
    shown = positions[::step]
    axes.set_xticks(
        shown,
        [labels.categories[p] for p in shown],
        rotation=layout.tick_rotation,
        ha="right" if layout.tick_rotation else "center",
        rotation_mode="anchor",
    )
    axes.set_xlim(-0.3, max(0.3, count - 0.7))
    if _integers(chart):
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_ylim(bottom=min(0.0, *(v for s in chart.series for v in s.values if v is not None)))
    axes.grid(axis="y", color="#e5e5e5", linewidth=0.8)
    axes.set_axisbelow(True)
    axes.set_xlabel(labels.x_label)
    axes.set_ylabel(labels.y_label)


def _grid(figure: Figure, chart: Chart, labels: Labels, layout: Layout) -> None:
    import numpy as np
    from matplotlib import colormaps
    from matplotlib.colors import Normalize, TwoSlopeNorm
    from matplotlib.patches import Patch

    rows, columns = len(chart.rows), len(chart.categories)
    raw = chart.series[0].values
    values = np.ma.masked_invalid(
        np.array([math.nan if v is None else float(v) for v in raw]).reshape(rows, columns)
    )
    shown = [float(v) for v in raw if v is not None]
    low, high = min(shown), max(shown)
    if low < 0 < high or (low < 0 and high <= 0):
        reach = max(abs(low), abs(high)) or 1.0
        norm: Normalize = TwoSlopeNorm(vcenter=0.0, vmin=-reach, vmax=reach)
        cmap = colormaps["RdBu"].with_extremes(bad=SUPPRESSED)
    else:
        norm = Normalize(vmin=min(0.0, low), vmax=high if high > min(0.0, low) else min(0.0, low) + 1)
        cmap = colormaps["YlGnBu"].with_extremes(bad=SUPPRESSED)
    axes = figure.add_axes(_box(layout))
    image = axes.imshow(values, cmap=cmap, norm=norm, aspect="auto", interpolation="nearest")
    # The labels are plain texts rather than ticks: a grid of 61 rows would build 71 tick objects.
    axes.set_xticks([])
    axes.set_yticks([])
    for spine in axes.spines.values():
        spine.set_visible(False)
    across, down = axes.get_xaxis_transform(), axes.get_yaxis_transform()
    gap_x, gap_y = 0.08 / layout.plot_width, 0.08 / layout.plot_height
    for row, label in enumerate(labels.rows):
        axes.text(
            -gap_x,
            row,
            label,
            transform=down,
            ha="right",
            va="center",
            fontsize=layout.row_font,
            clip_on=False,
        )
    repeat = rows > 25  # a long grid shows its column labels below it too
    for column, label in enumerate(labels.categories):
        axes.text(
            column,
            1 + gap_y,
            label,
            transform=across,
            rotation=45,
            rotation_mode="anchor",
            ha="left",
            va="bottom",
            clip_on=False,
        )
        if repeat:
            axes.text(
                column,
                -gap_y,
                label,
                transform=across,
                rotation=45,
                rotation_mode="anchor",
                ha="right",
                va="top",
                clip_on=False,
            )
    # white lines between the cells (two line collections: far quicker than a minor tick per line)
    axes.vlines([x - 0.5 for x in range(1, columns)], -0.5, rows - 0.5, colors="white", linewidth=1.2)
    axes.hlines([y - 0.5 for y in range(1, rows)], -0.5, columns - 0.5, colors="white", linewidth=1.2)
    axes.set_xlim(-0.5, columns - 0.5)
    axes.set_ylim(rows - 0.5, -0.5)
    middle_x = (layout.left + layout.plot_width / 2) / layout.width
    if labels.x_label:
        above = layout.bottom + layout.plot_height + layout.label_band + 0.05
        figure.text(middle_x, above / layout.height, labels.x_label, ha="center", va="bottom")
    if labels.y_label:
        middle_y = (layout.bottom + layout.plot_height / 2) / layout.height
        figure.text(0.12 / layout.width, middle_y, labels.y_label, rotation=90, ha="left", va="center")
    if (
        columns <= FIGURES_UP_TO
    ):  # a wider grid's figures are too small to read: the workbook and page have them
        _cell_figures(axes, raw, cmap, norm, columns, layout)
    scale_height = min(layout.plot_height, 3.0)
    scale = figure.add_axes(
        (
            (layout.left + layout.plot_width + 0.35) / layout.width,
            (layout.bottom + layout.plot_height - scale_height) / layout.height,
            0.18 / layout.width,
            scale_height / layout.height,
        )
    )
    bar = figure.colorbar(image, cax=scale)
    bar.set_label(labels.series[0] if labels.series else "")
    if _integers(chart):
        from matplotlib.ticker import MaxNLocator

        bar.locator = MaxNLocator(integer=True)
        bar.update_ticks()
    if any(v is None for v in raw):
        figure.legend(
            handles=[Patch(facecolor=SUPPRESSED, label=SUPPRESSED_LABEL)],
            loc="lower left",
            bbox_to_anchor=(0.3 / layout.width, (LINE * len(layout.note_lines) + 0.2) / layout.height),
            frameon=False,
            fontsize=9,
            borderaxespad=0,
        )


def _cell_figures(
    axes: Axes, raw: Sequence[float | None], cmap: Colormap, norm: Normalize, columns: int, layout: Layout
) -> None:
    """Each cell's figure ("<5" where suppressed), white on the dark colours."""
    import numpy as np

    colours = cmap(norm(np.array([0.0 if v is None else float(v) for v in raw])))
    dark = colours[:, :3] @ np.array([0.299, 0.587, 0.114]) < 0.55
    marks = [
        (index % columns, index // columns, "<5", "#555555")
        if value is None
        else (index % columns, index // columns, _number(value), "white" if dark[index] else "#1a1a1a")
        for index, value in enumerate(raw)
    ]
    _cell_marks(axes, marks, min(8.0, layout.row_font))


def _cell_marks(axes: Axes, marks: Sequence[tuple[int, int, str, str]], size: float) -> None:
    """Each cell's figure, centred, as one collection of text outlines: a grid of 610 cells draws in a
    fraction of the time 610 text artists take (each distinct figure is shaped once)."""
    from matplotlib.collections import PathCollection
    from matplotlib.font_manager import FontProperties
    from matplotlib.path import Path
    from matplotlib.textpath import TextPath
    from matplotlib.transforms import Affine2D

    font = FontProperties(size=size)
    shapes: dict[str, Path] = {}
    for _, _, text, _ in marks:
        if text not in shapes:
            path = TextPath((0, 0), text, prop=font)
            low, high = path.vertices.min(axis=0), path.vertices.max(axis=0)  # the outline's control points
            shapes[text] = path.transformed(Affine2D().translate(*(-(low + high) / 2)))
    collection = PathCollection(
        [shapes[text] for _, _, text, _ in marks],
        offsets=[(x, y) for x, y, _, _ in marks],
        offset_transform=axes.transData,
        facecolors=[colour for _, _, _, colour in marks],
        edgecolors="none",
        linewidths=0,
    )
    collection.set_transform(Affine2D().scale(DPI / 72))  # outlines are in points
    axes.add_collection(collection, autolim=False)
