"""Stakeholder groups and school teams without Discord: the rules both kinds of unit follow.

- `names`: cleaning a typed name, the channel name Discord makes of it, duplicates, "did you mean".
- `categories`: which category each unit's channel goes in (alphabetical ranges of at most 50).
- `layout`: on a rerun, which categories to keep, reuse, adopt or create, and which channels stay put.
- `room`: whether an operation fits Discord's caps on roles, channels and channels per category.
- `visibility`: who may see a protected group's members.
- `gaps`: the schools × groups coverage (`/schools gaps`, `/schools list`) as plain data.
- `school_csv`: reading the schools CSV of `/schools import`.

The Discord side (roles, channels, categories made and repaired) is `bot/structure.py`; the commands are in
`cogs/groups/` and `cogs/schools/`, sharing `cogs/units.py`.
"""
