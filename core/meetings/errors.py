"""What the meeting rules refuse, for the member who asked."""

from __future__ import annotations


class MeetingRefusal(Exception):
    """A rule refused what a member asked; its text is written for them (what was wrong, what works). The
    front end shows it as is (on Discord: as a `UserError`)."""
