"""The report's files: every chart as a PNG, the workbook and the page (`render`).

Pure and blocking (matplotlib and openpyxl do their work on the calling thread, about a second or two for a
statewide year): a Discord command runs it in a worker thread (`asyncio.to_thread`), the CLI calls it directly.
"""

from __future__ import annotations

from core.report.charts import chart_images
from core.report.model import Files, Report
from core.report.page import page_bytes
from core.report.workbook import workbook_bytes

__all__ = ["HTML", "WORKBOOK", "render"]

WORKBOOK = "report.xlsx"
HTML = "report.html"


def render(report: Report) -> Files:
    """`<section>-<chart key>.png` for each chart that has data (in the report's order), then `report.xlsx`
    and `report.html` (which embeds the same PNGs)."""
    images = chart_images(report)
    files = dict(images)
    files[WORKBOOK] = workbook_bytes(report)
    files[HTML] = page_bytes(report, images)
    return Files(files)
