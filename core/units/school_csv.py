"""Reading the CSV of schools an organizer attaches to `/schools import`: bytes in, rows and refusals out.

Pure: no Discord, no database. The rows (`storage.schools.CsvRow`) are what `SchoolRepository.add_many` saves.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from core.units.names import NAME_LIMIT
from storage.schools import CsvRow
from storage.units import name_key

DISTRICT_LIMIT = 100


@dataclass(slots=True)
class CsvReading:
    """What a school CSV holds: good rows, and the lines refused with the reason."""

    rows: list[CsvRow] = field(default_factory=list)
    invalid: list[tuple[int, str]] = field(default_factory=list)  # (line, reason)
    duplicates: list[tuple[int, str]] = field(default_factory=list)  # repeated within the file


class UnreadableCsv(ValueError):
    """The file is not a text CSV (a spreadsheet, a PDF…); the text says what to do instead."""


NOT_TEXT = (
    "That file isn't a plain CSV text file (it looks like a spreadsheet or another kind of document). "
    "In Excel or Google Sheets, choose File → Save as / Download → **CSV (comma-separated values)**, "
    "then attach that file."
)


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text": UTF-16 with a BOM
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise UnreadableCsv(NOT_TEXT) from None
    if b"\x00" in data:
        raise UnreadableCsv(NOT_TEXT)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_school_csv(data: bytes, *, max_rows: int = 1000) -> CsvReading:
    """Parse `name,district` rows (a header row is optional; extra columns are ignored).

    Comma-, semicolon- or tab-separated; any line endings (Excel for Mac writes bare CRs). UnreadableCsv
    for a file that is not text at all.
    """
    text = _decode(data).rstrip("\x1a")  # old DOS files end with Ctrl-Z
    if any(ord(ch) < 32 and ch not in "\t\r\n" for ch in text):
        raise UnreadableCsv(NOT_TEXT)
    first = text.lstrip("\ufeff").splitlines()[0] if text.strip() else ""
    delimiter = next((d for d in ("\t", ";") if d in first and "," not in first), ",")
    reading = CsvReading()
    seen: set[str] = set()
    try:
        # newline="" lets the csv module see every kind of line ending (\n, \r\n and a bare \r).
        lines = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:
        raise UnreadableCsv(
            "I couldn't read that file as CSV: check that quotes are balanced, or save it again as "
            "**CSV (comma-separated values)** from your spreadsheet."
        ) from None
    for number, cells in enumerate(lines, start=1):
        cells = [c.strip() for c in cells]
        if not any(cells):
            continue
        if number == 1 and cells[0].casefold() in ("name", "school", "school name"):
            continue
        name = " ".join(cells[0].split())
        district = " ".join(cells[1].split()) if len(cells) > 1 else ""
        if len(reading.rows) + len(reading.duplicates) + len(reading.invalid) >= max_rows:
            reading.invalid.append((number, f"more than {max_rows} rows: the rest were not read"))
            break
        if not name:
            reading.invalid.append((number, "the name is empty"))
        elif len(name) > NAME_LIMIT:
            reading.invalid.append((number, f"the name is longer than {NAME_LIMIT} characters"))
        elif len(district) > DISTRICT_LIMIT:
            reading.invalid.append((number, f"the district is longer than {DISTRICT_LIMIT} characters"))
        elif not any(ch.isalnum() for ch in name):
            reading.invalid.append((number, "the name has no letters or digits"))
        elif name_key(name) in seen:
            reading.duplicates.append((number, name))
        else:
            seen.add(name_key(name))
            reading.rows.append(CsvRow(number, name, district))
    return reading
