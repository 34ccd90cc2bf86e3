"""`copbot report GUILD_ID --out DIR`: the report's files from the database alone, and its mistakes said in one
line. The files are written in-process with the clock pinned (the seeded year is 2025–26); the refusals run as
a real subprocess, as staff would run them."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.cli import CliError
from bot.report_cli import write_report
from bot.settings import Settings
from core.clock import ManualClock
from storage.database import Database
from storage.guilds import GuildRepository
from tests.report_year import NOW, ZONE, Size, seed_year
from tests.unit.test_cli import copbot


async def _seed(path: Path) -> int:
    db = await Database.open(path)
    try:
        year = await seed_year(db, Size.small())
        await GuildRepository(db).set_timezone(year.guild_id, ZONE)
        return year.guild_id
    finally:
        await db.close()


@pytest.fixture
def seeded(tmp_path: Path) -> tuple[Settings, int]:
    database = tmp_path / "cop.db"
    guild_id = asyncio.run(_seed(database))
    return Settings(COPBOT_DATABASE=database), guild_id


def test_the_files_are_written_to_the_folder(
    seeded: tuple[Settings, int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings, guild_id = seeded
    out = tmp_path / "reports" / "june"  # created, parents too
    assert (
        write_report(settings, guild_id, str(out), None, None, "Arizona STEM Network", ManualClock(NOW)) == 0
    )
    names = sorted(p.name for p in out.iterdir())
    assert "report.html" in names
    assert "report.xlsx" in names
    assert any(name.endswith(".png") for name in names)
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "Arizona STEM Network" in page
    assert "school year 2025–26" in page
    assert load_workbook(out / "report.xlsx").sheetnames[0] == "About"
    said = capsys.readouterr().out
    assert f"to {out}: {len(names)} files" in said
    assert "report.html" in said


def test_dates_given_choose_the_period(seeded: tuple[Settings, int], tmp_path: Path) -> None:
    settings, guild_id = seeded
    out = tmp_path / "autumn"
    assert write_report(settings, guild_id, str(out), "2025-09-01", "2025-11-30", None, ManualClock(NOW)) == 0
    assert "1 Sep 2025" in (out / "report.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("start", "end", "said"),
    [
        ("2026-09-01", None, "hasn.t come yet"),  # after the pinned today, 30 June 2026
        ("2026-03-01", "2026-02-01", "before"),
    ],
)
def test_a_period_in_the_future_or_reversed_writes_nothing(
    seeded: tuple[Settings, int], tmp_path: Path, start: str, end: str | None, said: str
) -> None:
    settings, guild_id = seeded
    out = tmp_path / "out"
    with pytest.raises(CliError, match=said):
        write_report(settings, guild_id, str(out), start, end, None, ManualClock(NOW))
    assert not out.exists()


def test_mistakes_are_one_line_and_write_nothing(tmp_path: Path) -> None:
    assert copbot("migrate", cwd=tmp_path, COPBOT_DATABASE="cop.db").returncode == 0
    (tmp_path / "a-file").write_text("not a folder")
    for args, said in [
        (["report", "42", "--out", "out"], "has no server 42"),
        (["report", "42", "--out", "a-file"], "is a file"),
        (["report", "42", "--out", "out", "--start", "someday"], "not a date like 2026-09-01"),
    ]:
        result = copbot(*args, cwd=tmp_path, COPBOT_DATABASE="cop.db")
        assert result.returncode == 2, result.stderr
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, lines
        assert said in lines[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file", "cop.db"]
    assert sqlite3.connect(tmp_path / "cop.db").execute("PRAGMA integrity_check").fetchone()[0] == "ok"
