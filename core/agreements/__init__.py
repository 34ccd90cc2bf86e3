"""Collaboration agreements between a school team and a partner: `rules` (confirming, completing, lapsing,
dates, hours, the hours report) and `service` (`AgreementService`: the writes and the review jobs)."""
