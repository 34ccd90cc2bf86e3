"""Every form the bot opens uses Discord's current layout: each input inside a Label (type 18), none in an
action row, with the custom_ids the submit handlers and the tests rely on."""

from __future__ import annotations

from typing import Any

import discord

from cogs.announcements.cog import MessageModal
from cogs.introductions.flow import IntroModal, NeedsModal
from cogs.resources.forms import EditModal, ShareForm, ShareModal
from storage.groups import Group
from storage.profiles import Profile
from storage.resources import Resource
from tests.clock import pinned_now

BOT: Any = None  # the forms only keep it for their submit handler
LABEL, TEXT_INPUT = 18, 4


async def _nothing(*_: Any) -> None:
    return None


def layout(modal: discord.ui.Modal) -> list[tuple[str, str]]:
    """(label text, inner custom_id) for each top-level component; fails on anything but a Label."""
    out = []
    for top in modal.to_components():
        assert top["type"] == LABEL, top
        inner = top["component"]
        assert 1 <= len(top["label"]) <= 45
        if inner["type"] == TEXT_INPUT:
            assert inner.get("label") is None, inner  # the Label carries the name now
        out.append((top["label"], inner["custom_id"]))
    return out


async def test_the_introduction_forms_put_every_input_in_a_label() -> None:
    group = Group(3, 1, "Teachers", "K-12 educators", None, None, None, False, 0)
    profile = Profile(1, 2, "Alice")
    assert layout(IntroModal(BOT, 1, [group], profile)) == [
        ("Your name", "name"),
        ("School or organization", "organization"),
        ("Stakeholder group", "group"),
        ("Role or title", "title"),
        ("STEM interests (comma separated)", "interests"),
    ]
    assert [cid for _, cid in layout(IntroModal(BOT, 1, [], None))] == [
        "name",
        "organization",
        "title",
        "interests",
    ]
    assert layout(NeedsModal(BOT, 1, profile)) == [("I can offer", "offers"), ("I'm looking for", "seeks")]


async def test_the_resource_forms_put_every_input_in_a_label() -> None:
    share = ShareModal(ShareForm("T", "https://example.org", "", ""), _nothing)
    assert layout(share) == [
        ("Title", "title"),
        ("Link", "link"),
        ("Description", "description"),
        ("Tags (separated by commas)", "tags"),
    ]
    now = pinned_now()
    resource = Resource(
        7, 1, "https://example.org", "example.org", "T", "D", None, None, 2, None, None, None,
        None, None, None, None, 0, 0, now, now,
    )  # fmt: skip
    assert [cid for _, cid in layout(EditModal(resource, _nothing))] == ["title", "description", "tags"]


async def test_the_announcement_form_puts_every_input_in_a_label() -> None:
    assert layout(MessageModal("New announcement", _nothing)) == [
        ("Title (optional: posts it as a card)", "title"),
        ("Message", "text"),
    ]
