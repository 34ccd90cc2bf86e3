"""Scenes of `copbot demo`, one module per feature. Each has `ORDER: int` and `async def play(stage)`."""
