"""Feature cogs: one module or package per feature; every module here with a `setup` is loaded."""
