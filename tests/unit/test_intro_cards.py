"""Introduction fields: limits, required fields, links, literal display; the card for protected members."""

from __future__ import annotations

import pytest

from bot.errors import UserError
from cogs.introductions.cards import card, check_intro, check_needs, check_welcome, first_name, literal
from storage.profiles import Profile


def test_intro_fields_are_tidied_and_checked() -> None:
    fields = check_intro("  Alice   Adams ", "Lincoln  Elementary", "", "robotics, Coding, robotics")
    assert (fields.name, fields.organization, fields.title) == ("Alice Adams", "Lincoln Elementary", "")
    assert fields.interests == ("robotics", "Coding")
    for args, expected in [
        (("", "Lincoln", "", ""), "**Your name** is empty"),
        (("Al", " ", "", ""), "**School or organization** is empty"),
        (("A" * 81, "Lincoln", "", ""), "81 characters long; keep it to 80"),
        (("Al", "L" * 101, "", ""), "keep it to 100"),
        (("Al", "Lincoln", "T" * 101, ""), "**Role or title** is 101"),
        (("Al", "Lincoln", "", "x" * 301), "**STEM interests** is 301"),
        (("Al", "see www.x.org", "", ""), "Links aren't allowed in **School or organization**"),
        (("Al", "Lincoln", "https://x.org", ""), "Links aren't allowed in **Role or title**"),
    ]:
        with pytest.raises(UserError) as error:
            check_intro(*args)
        assert expected in str(error.value)


def test_needs_allow_links_only_in_offers() -> None:
    assert check_needs(" kits https://example.org ", "") == ("kits https://example.org", "")
    with pytest.raises(UserError, match="Links aren't allowed"):
        check_needs("", "visit https://spam.example")
    with pytest.raises(UserError, match="keep it to 1000"):
        check_needs("x" * 1001, "")
    with pytest.raises(UserError, match="empty"):
        check_welcome("   ")


def test_member_text_is_literal() -> None:
    assert literal("@everyone **hi** <@&123456789012345678>") == (
        "@\u200beveryone \\*\\*hi\\*\\* <@\u200b&123456789012345678>"
    )


def test_protected_card_shows_first_name_school_and_group_only() -> None:
    profile = Profile(
        1, 2, "Sam Student", "Lincoln", title="Junior", interests=("rockets",), offers="x", seeks="y"
    )
    shown = card(profile, group="Students", school="Lincoln Elementary", protected=True).to_dict()
    assert shown["title"] == "Sam"
    assert [f["name"] for f in shown["fields"]] == ["Stakeholder group", "School or organization"]
    assert "description" not in shown
    full = card(profile, group="Students", school=None, protected=False).to_dict()
    assert "Junior" in full["description"]
    assert [f["name"] for f in full["fields"]][2:] == ["STEM interests", "I can offer", "I'm looking for"]
    assert first_name("  ") == "  "
