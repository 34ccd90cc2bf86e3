"""The evidence report over a statewide year: gathering the figures, drawing the charts, the whole report.

    python bench/report.py [--runs 5] [--json PATH]

Seeds the year `tests/report_year.py` writes (61 school teams, ten stakeholder groups, 1 000 members, 40
meetings, 500 resources, /connect introductions, readiness and pulse surveys, value stories, goals, agreements)
into a fresh database, then times, `--runs` times each: `build_report` (every section's figures from SQLite),
the charts alone (`core.report.charts`), and `render` (charts, workbook, page). The first render is timed apart:
it pays for importing matplotlib, openpyxl and jinja2. Prints medians and the files' sizes; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the seeded year lives with the tests

from core.report import charts
from core.report.build import build_report
from core.report.render import render
from core.report.scope import Audience
from storage.database import Database
from tests.report_year import NOW, PERIOD, ZONE, Size, seed_year


def rss_mb(pid: int | str = "self") -> float | None:
    """A process's resident memory in MB (Linux's /proc; None elsewhere)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    kb = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), None)
    return None if kb is None else round(kb / 1024, 1)


def median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 1)


async def run(runs: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        db = await Database.open(Path(folder) / "year.db")
        try:
            started = time.perf_counter()
            year = await seed_year(db, Size())
            seeded = time.perf_counter() - started
            builds: list[float] = []
            report = None
            for _ in range(runs):
                started = time.perf_counter()
                report = await build_report(
                    db,
                    year.guild_id,
                    community="Arizona STEM Network",
                    period=PERIOD,
                    audience=Audience.everyone(),
                    now=NOW,
                    zone=ZONE,
                    previous=None,
                )
                builds.append(time.perf_counter() - started)
        finally:
            await db.close()
    assert report is not None
    started = time.perf_counter()
    files = render(report)
    first_render = time.perf_counter() - started
    drawing: list[float] = []
    renders: list[float] = []
    every_chart = [c for s in report.sections for c in s.charts]
    for _ in range(runs):
        started = time.perf_counter()
        charts.chart_images(report)
        drawing.append(time.perf_counter() - started)
        started = time.perf_counter()
        files = render(report)
        renders.append(time.perf_counter() - started)
    pool = charts._workers()
    workers = [rss_mb(p.pid) for p in (pool._processes.values() if pool is not None else ()) if p.pid]
    return {
        "workers_rss_mb": [mb for mb in workers if mb is not None],
        "process_rss_mb": rss_mb(),
        "seed_s": round(seeded, 2),
        "charts": len(every_chart),
        "build_median_ms": median_ms(builds),
        "charts_median_ms": median_ms(drawing),
        "render_first_ms": round(first_render * 1000, 1),
        "render_median_ms": median_ms(renders),
        "report_median_ms": round(median_ms(builds) + median_ms(renders), 1),
        "files": {name: len(data) for name, data in sorted(files.files.items())},
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    figures = asyncio.run(run(args.runs))
    print(f"a statewide year seeded in {figures['seed_s']:.1f} s; {figures['charts']} charts")
    print(f"  gathering the figures (build_report): median {figures['build_median_ms']:.0f} ms")
    print(f"  the charts alone: median {figures['charts_median_ms']:.0f} ms")
    print(
        f"  rendering everything (charts, workbook, page): median {figures['render_median_ms']:.0f} ms"
        f" (the first, importing the libraries: {figures['render_first_ms']:.0f} ms)"
    )
    print(f"  the whole report (gather + render): median {figures['report_median_ms']:.0f} ms")
    if figures["workers_rss_mb"]:
        shown = " + ".join(f"{mb:.0f}" for mb in figures["workers_rss_mb"])
        print(f"  memory: this process {figures['process_rss_mb']:.0f} MB; the chart workers {shown} MB")
    total = sum(figures["files"].values())
    print(f"  files: {len(figures['files'])}, {total / 1024 / 1024:.1f} MB in all")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
