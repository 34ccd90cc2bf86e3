"""Reading a school list CSV and suggesting the closest known school names."""

from __future__ import annotations

import pytest

from core.units.school_csv import UnreadableCsv, read_school_csv
from storage.schools import closest_names


def test_header_optional_rows_duplicates_and_invalid() -> None:
    data = (
        "Name,District\n"
        "Lincoln Elementary ,  Phoenix   Unified\n"
        "\n"
        "LINCOLN  elementary,Other\n"
        ",Nowhere\n"
        f"{'x' * 101},Far\n"
        "Roosevelt,\n"
        "---,Dashes\n"
        "Mesa High,District,extra,columns\n"
    ).encode()
    reading = read_school_csv(data)
    assert [(r.line, r.name, r.district) for r in reading.rows] == [
        (2, "Lincoln Elementary", "Phoenix Unified"),
        (7, "Roosevelt", ""),
        (9, "Mesa High", "District"),
    ]
    assert reading.duplicates == [(4, "LINCOLN elementary")]
    assert [line for line, _ in reading.invalid] == [5, 6, 8]
    assert "longer than 100" in reading.invalid[1][1]


def test_encodings_bom_quotes_and_row_cap() -> None:
    reading = read_school_csv('\ufeff"Smith, Jones Academy",X\n'.encode())
    assert [r.name for r in reading.rows] == ["Smith, Jones Academy"]
    latin = read_school_csv("Escuela Peñasco,Sur\n".encode("cp1252"))
    assert [r.name for r in latin.rows] == ["Escuela Peñasco"]
    capped = read_school_csv("\n".join(f"S{n}" for n in range(12)).encode(), max_rows=10)
    assert len(capped.rows) == 10
    assert "more than 10 rows" in capped.invalid[0][1]


def test_closest_names() -> None:
    names = ["Lincoln Elementary", "Roosevelt Middle School", "Lincoln High"]
    assert closest_names("Lincon Elementary", names)[0] == "Lincoln Elementary"
    assert "Lincoln High" in closest_names("lincoln", names)
    assert closest_names("Zebra Academy", names) == []


def test_line_endings_separators_utf16_and_binary_files() -> None:
    mac = read_school_csv(b"name,district\rLincoln,D1\rMesa High,D2\r")
    assert [(r.name, r.district) for r in mac.rows] == [("Lincoln", "D1"), ("Mesa High", "D2")]
    unicode_text = read_school_csv("name\tdistrict\r\nEscuela Peñasco\tSur\r\n".encode("utf-16"))
    assert [(r.name, r.district) for r in unicode_text.rows] == [("Escuela Peñasco", "Sur")]
    semicolons = read_school_csv(b"Lincoln;D1\n")
    assert [(r.name, r.district) for r in semicolons.rows] == [("Lincoln", "D1")]
    for binary in (b"PK\x03\x04\x00\x00Sheet1\nLincoln,D1\n", b"Lincoln,\x01\x02\n"):
        with pytest.raises(UnreadableCsv, match="isn't a plain CSV"):
            read_school_csv(binary)
