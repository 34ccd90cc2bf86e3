"""The text rules of a post: placeholders for the occurrence, in any case, and typed mass mentions defused."""

from __future__ import annotations

from datetime import UTC, datetime

from core.announcements.text import fill_placeholders, neutralise

WHEN = datetime(2026, 3, 9, 13, 0, tzinfo=UTC)  # Monday 9:00 in New York


def test_placeholders_are_filled_for_the_occurrence_in_the_guilds_zone() -> None:
    text = "Today is {date} on {SERVER}; next: {Next_Meeting}. {unknown} stays."
    filled = fill_placeholders(
        text, when=WHEN, zone="America/New_York", server="STEM CoP", next_meeting="Kickoff"
    )
    assert filled == "Today is Monday, March 9, 2026 on STEM CoP; next: Kickoff. {unknown} stays."
    late_evening = fill_placeholders(
        "{date}", when=WHEN.replace(hour=3), zone="America/Phoenix", server="", next_meeting=""
    )
    assert late_evening == "Sunday, March 8, 2026"  # the local date, not the UTC one


def test_typed_everyone_and_here_stay_visible_but_cannot_ping() -> None:
    assert neutralise("Hi @everyone and @HERE, <@&5>") == "Hi @\u200beveryone and @\u200bHERE, <@&5>"
