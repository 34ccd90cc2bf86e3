"""copbot: a Discord bot for a community of practice."""

__version__ = "0.1.0"
