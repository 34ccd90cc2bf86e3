"""The one refusal of the surveys core: its text is written for the member and shown as is."""

from __future__ import annotations


class SurveyRefusal(ValueError):
    """Bad input or a rule that says no (closed survey, outside the audience, an answer out of range)."""
