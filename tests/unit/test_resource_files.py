"""Which files the resource library keeps (core/resources/files.py): pure logic."""

from __future__ import annotations

import pytest

from core.resources.files import FileRefused, check_file, refusal_by_content, refusal_by_name, safe_filename


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("\u202egnp.exe", "gnp.exe"),  # shows as "exe.png" with the override
        ("lesson\u2066\u2069\u200e\u200f\u202a\u202b\u202c\u202d.pdf", "lesson.pdf"),
        ("report\u2067fdp.exe\u2069.pdf", "reportfdp.exe.pdf"),
        ("..\\..\\windows\\evil.pdf", "evil.pdf"),
        ("../notes.txt", "notes.txt"),
        ("tab\there\n.pdf", "tabhere.pdf"),
        ("\u202e", "file"),
        ("Matemáticas 4º grado.pdf", "Matemáticas 4º grado.pdf"),
        ("x" * 300 + ".pptx", "x" * 195 + ".pptx"),
    ],
)
def test_safe_filename(raw: str, safe: str) -> None:
    assert safe_filename(raw) == safe


@pytest.mark.parametrize(
    "name",
    ["setup.exe", "RUN.BAT", "a.cmd", "b.com", "c.msi", "d.scr", "e.ps1", "f.sh", "g.js", "h.vbs", "i.jar",
     "page.html", "page.HTM", "logo.svg", "grades.xlsm", "notes.pdf.exe", "app.dmg", "shortcut.lnk"],
)  # fmt: skip
def test_programs_scripts_and_web_pages_are_refused_by_name(name: str) -> None:
    assert refusal_by_name(name) is not None


@pytest.mark.parametrize(
    "name",
    ["rubric.pdf", "lesson.docx", "slides.pptx", "budget.xlsx", "roster.csv", "photo.JPG", "diagram.png",
     "talk.mp4", "kit.zip", "README", "notes.txt", "exe.png", "bridge.stl", "game.sb3"],
)  # fmt: skip
def test_documents_slides_spreadsheets_and_images_are_welcome(name: str) -> None:
    assert refusal_by_name(name) is None
    check_file(name, None, b"%PDF-1.7 or any plain content")


@pytest.mark.parametrize(
    "content_type",
    ["application/x-msdownload", "text/html; charset=utf-8", "image/svg+xml", "application/x-sh"],
)
def test_a_declared_program_or_web_page_is_refused(content_type: str) -> None:
    assert refusal_by_name("harmless.pdf", content_type) is not None


@pytest.mark.parametrize(
    "data",
    [
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00",
        b"\x7fELF\x02\x01\x01\x00",
        b"#!/bin/sh\nrm -rf ~\n",
        b"#! /usr/bin/env python3\n",
        b"\xcf\xfa\xed\xfe\x07\x00\x00\x01",
        b"\xef\xbb\xbf  <!DOCTYPE html><html><script>alert(1)</script>",
        b"<?xml version='1.0'?>\n<!-- drawn by hand -->\n<svg xmlns='http://www.w3.org/2000/svg' onload='x()'/>",
        b"<HTML><body>",
    ],
)
def test_programs_and_scripts_are_refused_by_content_whatever_their_name(data: bytes) -> None:
    assert refusal_by_content(data) is not None
    with pytest.raises(FileRefused, match="Welcome are documents"):
        check_file("worksheet.pdf", "application/pdf", data)


@pytest.mark.parametrize(
    "data",
    [b"%PDF-1.4", b"PK\x03\x04 a docx or a zip", b"MZ Lesson notes, plain text", b"# Heading\n<html> in text",
     b"\x89PNG\r\n\x1a\n", b"name,district\n"],
)  # fmt: skip
def test_ordinary_content_is_kept(data: bytes) -> None:
    assert refusal_by_content(data) is None
