"""core.units.names: typed names of groups and schools, tidied or refused, and their channel names."""

from __future__ import annotations

import pytest

from core.units.names import (
    NameRefused,
    channel_slug,
    clean_name,
    closest_names,
    custom_emoji_id,
    looks_like_emoji,
    new_names,
    slug_changed,
)


def test_names_are_tidied_and_refused_with_the_reason() -> None:
    assert clean_name("  Lincoln    Elementary ", "school") == "Lincoln Elementary"
    with pytest.raises(NameRefused, match="The school name is empty"):
        clean_name(" \t ", "school")
    with pytest.raises(NameRefused, match="101 characters long; Discord allows at most 100"):
        clean_name("x" * 101, "group")
    with pytest.raises(NameRefused, match="at least one letter or digit"):
        clean_name("!!! ???", "group")
    with pytest.raises(NameRefused) as refused:
        clean_name("?" * 99, "group")
    assert str(refused.value).startswith("“" + "?" * 59 + "…” can't be used")


def test_the_channel_name_is_what_discord_makes_of_it() -> None:
    assert channel_slug("Parents & Families") == "parents-families"
    assert not slug_changed("Lincoln Elementary")
    assert slug_changed("Robotics & AI!!")


def test_new_names_leave_out_known_ones_without_case_or_spaces() -> None:
    assert new_names(["Lincoln Elementary", "roosevelt  middle", "Zuni High"], ["ROOSEVELT Middle"]) == [
        "Lincoln Elementary",
        "Zuni High",
    ]


def test_closest_names_suggest_typos_and_parts() -> None:
    known = ["Lincoln Elementary", "Lincoln High", "Roosevelt Middle"]
    assert closest_names("Lincon Elementary", known)[0] == "Lincoln Elementary"
    assert set(closest_names("lincoln", known)) == {"Lincoln Elementary", "Lincoln High"}
    assert closest_names("Astronauts", known) == []


def test_an_emoji_is_one_pictograph_or_a_server_emoji() -> None:
    assert custom_emoji_id("<:robot:123456789012345678>") == 123456789012345678
    assert custom_emoji_id("<a:dance:123456789012345678>") == 123456789012345678
    assert custom_emoji_id(":robot:") is None
    for emoji in ("🍎", "👩🏽‍🔬", "3️⃣", "🏛️"):
        assert looks_like_emoji(emoji), emoji
    for text in (":)", "apple", "🍎 apple", "🍎" * 9):
        assert not looks_like_emoji(text), text
