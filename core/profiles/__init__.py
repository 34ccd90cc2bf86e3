"""Profiles without Discord: matching members for `/connect`, who may see whom in the directory, the
community's counts, intro reminders' audience, and what happens to the data of members who leave.

The Discord adapters are `cogs/introductions/` and `cogs/profiles.py` (and `/cop stats` in `cogs/admin.py`).
"""
