"""A local Discord API v10 emulator (REST + gateway) for end-to-end tests, benchmarks and demos."""

from emulator.control import ControlActions
from emulator.server import Emulator
from emulator.state import State

__all__ = ["ControlActions", "Emulator", "State"]
