"""The JSON log format: one object per line, a failure's traceback inside it, guild and command when given."""

from __future__ import annotations

import json
import logging

import pytest

from bot.logs import JsonLines
from bot.settings import SettingsError, load_settings


def record(message: str, **extra: object) -> logging.LogRecord:
    made = logging.getLogger("bot.test").makeRecord("bot.test", logging.ERROR, __file__, 1, message, (), None)
    for key, value in extra.items():
        setattr(made, key, value)
    return made


def test_a_record_is_one_line_of_json_with_its_context() -> None:
    line = JsonLines().format(record("guild 1: /cop about done in 3 ms", guild=1, command="cop about"))
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "ERROR"
    assert entry["logger"] == "bot.test"
    assert (entry["guild"], entry["command"]) == (1, "cop about")
    assert entry["time"].endswith("+00:00")


def test_a_traceback_stays_on_the_line() -> None:
    try:
        raise ValueError("boom\nsecond line")
    except ValueError:
        import sys

        failed = record("unexpected error")
        failed.exc_info = sys.exc_info()
    line = JsonLines().format(failed)
    assert "\n" not in line
    assert "ValueError: boom" in json.loads(line)["exception"]


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("COPBOT_LOG_FORMAT", "xml", "must be text"),
        ("COPBOT_HEALTH_PORT", "70000", "COPBOT_HEALTH_PORT"),
        ("COPBOT_BACKUP_TIME", "25:00", "HH:MM"),
        ("COPBOT_BACKUP_KEEP", "0", "COPBOT_BACKUP_KEEP"),
    ],
)
def test_bad_settings_are_named(monkeypatch: pytest.MonkeyPatch, name: str, value: str, says: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=says):
        load_settings(_env_file=None)


def test_the_health_port_is_off_unless_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COPBOT_HEALTH_PORT", "")
    monkeypatch.setenv("COPBOT_BACKUP_TIME", "3:30")
    settings = load_settings(_env_file=None)
    assert settings.health_port is None
    assert settings.health_host == "127.0.0.1"
    assert settings.backup_time == "03:30"
