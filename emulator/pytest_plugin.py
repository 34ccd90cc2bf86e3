"""pytest plugin: Discord emulator fixtures and an end-of-run conformance check against Discord's spec.

Load it with `-p emulator.pytest_plugin` (or `pytest_plugins = ["emulator.pytest_plugin"]` in the root
conftest). Then:

- fixtures `discord_emulator` (a started Emulator, stopped after the test; override
  `discord_emulator_options` to pass it keyword arguments) and `discord_pointed` (discord.py pointed at it
  for the test) — they need pytest-asyncio;
- every REST request and interaction callback sent to any Emulator during the run — in this process or in a
  child process, which inherits $EMULATOR_RECORD_TO — is recorded with the test that caused it, and at the
  end validated by `emulator.conformance`. Any violation fails the run (exit status 1) and is listed with
  route, field, value and test; "conformance: N requests validated, M violations" is printed always.

Options: `--discord-spec PATH` (or ini `emulator_discord_spec`, or $EMULATOR_DISCORD_SPEC; default
`../shared/discord-api-spec/openapi.json` beside the rootdir: when it is absent the check says so and is
skipped), `--emulator-record PATH` keeps the record (JSON lines), `--discord-spec-closed` also counts
properties the spec does not describe, `--no-conformance` turns it all off.
Ini `emulator_conformance_exclude`: node-id prefixes whose requests are not checked (tests of an emulator
that send refused payloads on purpose). Mark a test `@pytest.mark.discord_refusal_expected` when it
provokes a 400 / 50035 on purpose (its bodies are still validated against the schema).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import AsyncIterator, Generator, Iterator
from pathlib import Path
from typing import Any

import pytest

from emulator import recording
from emulator.conformance import Report, Spec, check, default_spec_path

REFUSAL_MARKER = "discord_refusal_expected"
PLUGIN_NAME = "emulator-conformance"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("emulator", "Discord emulator conformance")
    group.addoption("--discord-spec", default=None, help="Discord's openapi.json for the conformance check")
    group.addoption("--emulator-record", default=None, help="keep the conformance record (JSON lines) here")
    group.addoption(
        "--discord-spec-closed",
        action="store_true",
        help="also count properties the spec does not describe (an audit: discord.py sends a few)",
    )
    group.addoption(
        "--no-conformance",
        action="store_true",
        help="neither record requests nor check them against the spec",
    )
    parser.addini("emulator_discord_spec", "Discord's openapi.json (relative to the rootdir)", default="")
    parser.addini(
        "emulator_conformance_exclude",
        "node-id prefixes whose requests the conformance check skips",
        type="linelist",
        default=[],
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{REFUSAL_MARKER}: the test makes the emulator answer 400 / 50035 on purpose (not a conformance "
        "violation; its request bodies are still validated against the spec)",
    )
    if not config.getoption("no_conformance") and not hasattr(config, "workerinput"):
        config.pluginmanager.register(ConformanceCheck(config), PLUGIN_NAME)


class ConformanceCheck:
    """Records during the run (through $EMULATOR_RECORD_TO) and validates at the end."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        kept = config.getoption("emulator_record")
        if kept:
            self.path = Path(kept).resolve()
            self.path.unlink(missing_ok=True)
            self.temporary = False
        else:
            handle, name = tempfile.mkstemp(prefix="emulator-conformance-", suffix=".jsonl")
            os.close(handle)
            self.path = Path(name)
            self.temporary = True
        self.previous = os.environ.get(recording.RECORD_ENV)
        os.environ[recording.RECORD_ENV] = str(self.path)
        self.exclude = tuple(str(p) for p in config.getini("emulator_conformance_exclude"))
        self.refusal_ok: set[str] = set()
        self.report: Report | None = None
        self.skipped: str | None = None

    def spec_path(self) -> Path:
        given = self.config.getoption("discord_spec") or self.config.getini("emulator_discord_spec")
        if given:
            path = Path(str(given))
            return path if path.is_absolute() else self.config.rootpath / path
        return default_spec_path(self.config.rootpath)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item) -> Generator[None, object, object]:
        if item.get_closest_marker(REFUSAL_MARKER) is not None:
            self.refusal_ok.add(item.nodeid)
        recording.set_current_test(item.nodeid)
        try:
            return (yield)
        finally:
            recording.set_current_test(None)

    def in_scope(self, test: str | None) -> bool:
        return test is None or not test.startswith(self.exclude)

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        path = self.spec_path()
        try:
            spec = Spec.load(path, closed_objects=bool(self.config.getoption("discord_spec_closed")))
        except FileNotFoundError:
            self.skipped = f"no Discord API spec at {path} (a clone without ../shared?)"
            return
        with _not_measured():  # under coverage, tracing jsonschema's validation of every body costs minutes
            self.report = check(
                recording.read_records(self.path),
                spec,
                refusal_expected=lambda test: test in self.refusal_ok,
                in_scope=self.in_scope,
            )
        if self.report.violations and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if self.skipped is not None:
            terminalreporter.write_line(f"conformance: skipped: {self.skipped}")
            return
        report = self.report
        if report is None:
            return
        if report.violations:
            terminalreporter.write_sep("=", "Discord conformance violations", red=True)
            for violation in report.violations:
                terminalreporter.write_line(violation.line())
        gaps = f"; spec gaps allowed: {', '.join(report.gaps_amended)}" if report.gaps_amended else ""
        skipped = f", {report.skipped} of excluded tests not checked" if report.skipped else ""
        terminalreporter.write_line(
            f"{report.summary()} ({report.bodies} bodies against the schema{skipped}{gaps})",
            red=bool(report.violations),
        )

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        if self.previous is None:
            os.environ.pop(recording.RECORD_ENV, None)
        else:
            os.environ[recording.RECORD_ENV] = self.previous
        if self.temporary:
            self.path.unlink(missing_ok=True)


# -- fixtures -------------------------------------------------------------------------------------------

try:
    import pytest_asyncio
except ImportError:  # pragma: no cover - the conformance check works without it, the fixtures do not
    pass
else:
    from emulator.server import Emulator

    @pytest.fixture
    def discord_emulator_options() -> dict[str, Any]:
        """Keyword arguments for `discord_emulator`'s Emulator; override it to pass a clock, limits…"""
        return {}

    @pytest_asyncio.fixture
    async def discord_emulator(discord_emulator_options: dict[str, Any]) -> AsyncIterator[Emulator]:
        """A started Emulator on a free 127.0.0.1 port, stopped after the test."""
        emulator = Emulator(**discord_emulator_options)
        await emulator.start(port=0)
        try:
            yield emulator
        finally:
            await emulator.stop()

    @pytest.fixture
    def discord_pointed(discord_emulator: Emulator) -> Iterator[Emulator]:
        """discord.py's REST and gateway pointed at `discord_emulator` for the test, then back."""
        from emulator.discord_target import pointed_at

        with pointed_at(discord_emulator.url):
            yield discord_emulator


@contextlib.contextmanager
def _not_measured() -> Iterator[None]:
    """Pause coverage (when the run is measured) for work that is not the code under test."""
    try:
        import coverage
    except ImportError:
        yield
        return
    current = coverage.Coverage.current()
    if current is None:
        yield
        return
    current.stop()
    try:
        yield
    finally:
        current.start()
