"""bot.spreadsheets: cells a spreadsheet app would run as formulas are written as text."""

from __future__ import annotations

import csv
import io

import pytest

from bot.spreadsheets import csv_bytes, safe_cell


@pytest.mark.parametrize(
    "cell",
    ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd", " =1+1", "＝1+1"],
)
def test_formula_starts_become_text(cell: str) -> None:
    assert safe_cell(cell) == f"'{cell}"


@pytest.mark.parametrize("cell", ["Lincoln Elementary", "", "a=b", "100%", 42, -3, 0.5])
def test_ordinary_cells_and_numbers_stay(cell: object) -> None:
    assert safe_cell(cell) == cell


def test_a_whole_file_reads_back_with_every_formula_neutralised() -> None:
    data = csv_bytes([["name", "=cmd|' /C calc'!A0"], ["@x", 7]]).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(data))) == [["name", "'=cmd|' /C calc'!A0"], ["'@x", "7"]]
