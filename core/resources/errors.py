"""The library's one refusal: what a member asked for can't be done, and the text says why and what works."""

from __future__ import annotations


class Refused(ValueError):
    """A share, an edit, a search or a click the library refuses; its text is for the member, as it is.

    The Discord adapter shows it as a `UserError` (`cogs/resources/replies.py: refusals`)."""
