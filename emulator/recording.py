"""The conformance record: every REST request and interaction callback a bot sent, one JSON line each.

An Emulator records when it is given `record_to=PATH` or when `EMULATOR_RECORD_TO=PATH` is set in its
environment (so an emulator in a child process, such as an offline demo, records into the same file). Each
line holds the method, the route template (`POST /channels/{channel_id}/messages`), the concrete path, the
JSON body (a multipart request's `payload_json`; also bodies the handler never read), whether it was
multipart, the answer's status and error code, and the test that caused it: `set_current_test` (the pytest
plugin calls it around every test) or, in a child process, `EMULATOR_RECORD_TEST` inherited from the parent.

Lines are appended with one `write` each, so several emulators and processes can share one file.
`emulator.conformance` reads the file back and validates it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

RECORD_ENV = "EMULATOR_RECORD_TO"
TEST_ENV = "EMULATOR_RECORD_TEST"

_current: dict[str, str | None] = {"test": None}


def set_current_test(nodeid: str | None) -> None:
    """Name the test (a pytest node id) that the following requests belong to; None when between tests.

    Also exported as EMULATOR_RECORD_TEST, so child processes started during the test inherit it.
    """
    _current["test"] = nodeid
    if nodeid is None:
        os.environ.pop(TEST_ENV, None)
    else:
        os.environ[TEST_ENV] = nodeid


def current_test() -> str | None:
    return _current["test"] or os.environ.get(TEST_ENV) or None


class Recorder:
    """Appends one JSON line per request to `path`."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.count = 0

    @classmethod
    def configured(cls, record_to: str | os.PathLike[str] | None = None) -> Recorder | None:
        """A recorder for `record_to`, else for $EMULATOR_RECORD_TO, else None (not recording)."""
        target = record_to if record_to is not None else os.environ.get(RECORD_ENV, "").strip()
        return cls(target) if target else None

    def record(self, entry: dict[str, Any]) -> None:
        entry.setdefault("test", current_test())
        line = (json.dumps(entry, separators=(",", ":"), ensure_ascii=False, default=str) + "\n").encode()
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            view = memoryview(line)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
        self.count += 1


def read_records(path: str | os.PathLike[str]) -> Iterator[dict[str, Any]]:
    """The records in a file written by Recorder, in order (a missing file has none)."""
    try:
        handle = open(path, encoding="utf-8")  # noqa: SIM115 - closed below, read lazily
    except FileNotFoundError:
        return
    with handle:
        for line in handle:
            if line.strip():
                record = json.loads(line)
                if isinstance(record, dict):
                    yield record
