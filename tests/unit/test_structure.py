"""Channel slugs and names for groups and schools."""

from __future__ import annotations

import pytest

from bot.errors import UserError
from cogs._units import channel_slug, clean_name, slug_note


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Teachers", "teachers"),
        ("Parents & Families", "parents-families"),
        ("  STEM   Experts ", "stem-experts"),
        ("Robotics & AI!!", "robotics-ai"),
        ("Escuela Peñasco", "escuela-peñasco"),
        ("K-12 / Pre-K", "k-12-pre-k"),
        ("!!!", ""),
    ],
)
def test_channel_slug(name: str, slug: str) -> None:
    assert channel_slug(name) == slug


def test_clean_name_and_note() -> None:
    assert clean_name("  Business   & Industry ", "group") == "Business & Industry"
    for bad, expected in [("", "empty"), ("x" * 101, "at most 100"), ("?!", "letter or digit")]:
        with pytest.raises(UserError, match=expected):
            clean_name(bad, "group")
    assert slug_note("Lincoln Elementary") == ""
    assert "#robotics-ai" in slug_note("Robotics & AI!!")
