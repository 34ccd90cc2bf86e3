"""How the process logs: one line per event, readable text by default, or one JSON object per line
(COPBOT_LOG_FORMAT=json) for people who ship logs somewhere. Lines about an interaction carry its `guild`
and `command` (as `extra`); no line ever holds the token or text that members typed."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

__all__ = ["JsonLines", "configure"]

TEXT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


class JsonLines(logging.Formatter):
    """A record as one JSON object on one line: time (UTC), level, logger, message, guild and command when
    known, and a failure's traceback as one string."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in ("guild", "command"):
            value = getattr(record, field, None)
            if value is not None:
                entry[field] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure(level: int, form: str) -> None:
    logging.basicConfig(level=level, format=TEXT, datefmt="%Y-%m-%d %H:%M:%S")
    if form == "json":
        for handler in logging.getLogger().handlers:
            handler.setFormatter(JsonLines())
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # it logs every timer at INFO
