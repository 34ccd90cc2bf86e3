"""What of a rendered report fits in one Discord reply (`cogs.report.summary`): the page and the workbook first,
then charts, within 10 files and the server's upload limit, and what the reply says about the rest."""

from __future__ import annotations

from datetime import UTC, date, datetime

from cogs.report.summary import MAX_FILES, attachments, files_note, summary_embed
from core.report.model import Files, Headline, Period, Report, Section

MB = 1024 * 1024


def _files(**sizes: int) -> Files:
    return Files({name.replace("_", "."): b"x" * size for name, size in sizes.items()})


def test_the_page_and_workbook_come_first_then_charts_within_ten_files() -> None:
    charts = {f"chart{n:02d}_png": 1000 for n in range(15)}
    attached = attachments(_files(report_html=5000, report_xlsx=4000, **charts), limit_bytes=10 * MB)
    names = [f.filename for f in attached.files]
    assert names[:2] == ["report.html", "report.xlsx"]
    assert len(names) == MAX_FILES
    assert len(attached.left_out) == 7
    assert "did not fit in one reply; every chart is in report.html" in files_note(attached, guild_id=5)


def test_files_over_the_upload_limit_are_left_out_and_the_reply_says_how_to_get_them() -> None:
    attached = attachments(_files(report_html=9 * MB, report_xlsx=2 * MB, a_png=100), limit_bytes=10 * MB)
    assert [f.filename for f in attached.files] == ["report.html", "a.png"]
    note = files_note(attached, guild_id=77)
    assert "report.xlsx" in note
    assert "copbot report 77 --out reports" in note
    nothing = attachments(_files(report_html=11 * MB), limit_bytes=10 * MB)
    assert nothing.files == []
    assert "report.html" in files_note(nothing, guild_id=77)


def test_the_summary_shows_each_figure_with_its_change_and_what_is_provisional() -> None:
    report = Report(
        community="Arizona STEM Network",
        period=Period(date(2026, 8, 1), date(2026, 12, 3), "school year 2026–27 (to 3 Dec 2026)"),
        audience="everyone",
        generated_at=datetime(2026, 12, 3, 17, tzinfo=UTC),
        headline=(Headline("Members", 812, 35), Headline("School teams", 61, 0), Headline("Stories", 40)),
        sections=(Section("stories", "Value stories", "", empty="No stories in this period."),),
        suppressed=("Students are always counted together.",),
        provisional=("Survey #3 is still open.",),
        previous=datetime(2026, 11, 1, tzinfo=UTC),
    )
    card = summary_embed(report).to_dict()
    text = str(card)
    assert "**Members:** 812 (+35)" in text
    assert "**School teams:** 61 (no change)" in text
    assert "**Stories:** 40" in text
    assert "Provisional" in card["description"]
    assert "No stories in this period." in text
    assert "Students are always counted together." in text
    assert len(card["title"]) <= 256
