"""copbot's features without Discord: their rules and use cases, taking and returning plain data.

Nothing here imports `discord` (an import contract in pyproject.toml checks it): what a feature needs from
the chat platform it asks through the protocols in `core.platform`, which the Discord adapter (`bot/`,
`cogs/`) implements. Below it only `storage/` (the SQL). A second front end (Slack) calls the same core.
"""
