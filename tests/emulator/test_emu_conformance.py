"""The conformance check: recorded requests validated against Discord's OpenAPI spec, and its pytest plugin."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from emulator import Emulator, conformance
from emulator.conformance import SPEC_GAPS, Spec, check, check_record, default_spec_path
from emulator.recording import read_records, set_current_test

ROOT = Path(__file__).resolve().parents[2]
SPEC_PATH = default_spec_path(ROOT)
needs_spec = pytest.mark.skipif(not SPEC_PATH.exists(), reason=f"no Discord API spec at {SPEC_PATH}")


@pytest.fixture(scope="module")
def spec() -> Spec:
    if not SPEC_PATH.exists():
        pytest.skip(f"no Discord API spec at {SPEC_PATH}")
    return Spec.load(SPEC_PATH)


def record(method: str, path: str, body: Any, **extra: Any) -> dict[str, Any]:
    return {
        "method": method,
        "route": path,
        "path": path,
        "body": body,
        "status": 200,
        "test": "t::x",
        **extra,
    }


def problems(spec: Spec, entry: dict[str, Any]) -> list[tuple[str, str]]:
    return [(v.field, v.problem) for v in check_record(entry, spec)]


def test_a_valid_message_passes(spec: Spec) -> None:
    body = {"content": "hi", "embeds": [{"title": "T", "color": 0x2ECC71}], "allowed_mentions": {"parse": []}}
    assert problems(spec, record("POST", "/channels/123/messages", body)) == []


def test_a_wrong_type_fails_with_its_path(spec: Spec) -> None:
    body = {"content": "hi", "embeds": [{"title": "T", "color": "green"}]}
    [violation] = check_record(record("POST", "/channels/123/messages", body), spec)
    assert violation.route == "POST /channels/123/messages"
    assert violation.field == "$.embeds[0].color"
    assert violation.value == '"green"'
    assert "not of type 'integer'" in violation.problem
    assert violation.test == "t::x"
    assert "$.embeds[0].color" in violation.line()
    assert "t::x" in violation.line()


def test_a_too_long_string_fails_and_its_value_is_truncated(spec: Spec) -> None:
    button = {"type": 2, "style": 1, "custom_id": "go", "label": "x" * 81}
    body = {"components": [{"type": 1, "components": [button]}]}
    [violation] = check_record(record("POST", "/channels/1/messages", body), spec)
    assert violation.field == "$.components[0].components[0].label"
    assert "too long" in violation.problem
    assert len(violation.value) <= 80
    assert violation.value.endswith("…")


def test_an_unknown_enum_value_fails(spec: Spec) -> None:
    [(field, problem)] = problems(spec, record("POST", "/guilds/1/channels", {"name": "x", "type": 99}))
    assert field == "$.type"
    assert "99 is not one of [0, 2, 4, 5, 13, 14, 15]" in problem


def test_an_interaction_callback_is_checked_against_the_kind_it_names(spec: Spec) -> None:
    ok = {"type": 4, "data": {"content": "Saved.", "flags": 64}}
    assert problems(spec, record("POST", "/interactions/1/tok/callback", ok)) == []
    bad = {"type": 4, "data": {"content": 5}}
    assert problems(spec, record("POST", "/interactions/1/tok/callback", bad)) == [
        ("$.data.content", "5 is not of type 'string', 'null'")
    ]


def command_with_channel_types(types: list[int]) -> list[dict[str, Any]]:
    option = {"type": 7, "name": "where", "description": "A channel", "channel_types": types}
    return [{"name": "post", "description": "Post", "type": 1, "options": [option]}]


def test_channel_type_16_is_allowed_by_name_and_nothing_else(spec: Spec) -> None:
    assert {gap.name for gap in SPEC_GAPS} >= {"channel-type-16", "forum-thread-use-nested-fields"}
    assert "channel-type-16" in spec.gaps_amended
    path = "/applications/1/commands"
    assert problems(spec, record("PUT", path, command_with_channel_types([0, 15, 16]))) == []
    [(field, _)] = problems(spec, record("PUT", path, command_with_channel_types([17])))
    assert field == "$[0].options[0].channel_types[0]"


def test_every_allowance_is_still_needed_and_without_them_type_16_fails(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if not SPEC_PATH.exists():
        pytest.skip(f"no Discord API spec at {SPEC_PATH}")
    document = json.loads(SPEC_PATH.read_text(encoding="utf-8"))
    for gap in SPEC_GAPS:  # each finds its gap in the published spec (False would mean: fixed upstream)
        assert gap.amend(json.loads(json.dumps(document))["components"]["schemas"]) is True, gap.name
    monkeypatch.setattr(conformance, "SPEC_GAPS", ())
    published = Spec(document)
    assert published.gaps_amended == []
    assert problems(published, record("PUT", "/applications/1/commands", command_with_channel_types([16])))


def test_use_nested_fields_on_a_forum_thread_is_allowed_even_with_closed_objects() -> None:
    if not SPEC_PATH.exists():
        pytest.skip(f"no Discord API spec at {SPEC_PATH}")
    closed = Spec.load(SPEC_PATH, closed_objects=True)
    assert "forum-thread-use-nested-fields" in closed.gaps_amended
    body = {"name": "Week 1", "auto_archive_duration": 1440, "message": {"content": "hi"}}
    assert problems(closed, record("POST", "/channels/1/threads", {**body, "use_nested_fields": True})) == []
    [(field, problem)] = problems(closed, record("POST", "/channels/1/threads", {**body, "nested": True}))
    assert field == "$"
    assert "'nested' was unexpected" in problem


def test_snowflakes_as_integers_and_permissions_as_strings_are_what_discord_takes(spec: Spec) -> None:
    body = {
        "name": "team",
        "parent_id": 1577684835579859006,
        "permission_overwrites": [{"id": 1577684834216710147, "type": 0, "allow": "1024", "deny": 0}],
    }
    assert problems(spec, record("POST", "/guilds/1/channels", body)) == []
    assert problems(spec, record("POST", "/guilds/1/roles", {"name": "r", "permissions": "0"})) == []
    assert problems(spec, record("POST", "/guilds/1/roles", {"name": "r", "permissions": "lots"}))
    assert problems(spec, record("POST", "/guilds/1/channels", {"name": "x", "parent_id": -1}))


def test_a_refusal_is_a_violation_unless_the_test_expects_it(spec: Spec) -> None:
    errors = {
        "embeds": {"0": {"title": {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH", "message": "Too long"}]}}}
    }
    entry = record("POST", "/channels/1/messages", {"embeds": [{"title": "t" * 10}]})
    entry.update(status=400, code=50035, errors=errors)
    [violation] = check_record(entry, spec)
    assert violation.field == "$.embeds[0].title"
    assert violation.value == json.dumps("t" * 10)
    assert "refused" in violation.problem
    assert "BASE_TYPE_MAX_LENGTH" in violation.problem
    report = check([entry], spec, refusal_expected=lambda test: test == "t::x")
    assert report.violations == []
    assert report.validated == 1


def test_requests_of_excluded_tests_are_counted_apart(spec: Spec) -> None:
    bad = record("POST", "/channels/1/messages", {"content": 5})
    report = check([bad, {**bad, "test": "other::y"}], spec, in_scope=lambda test: test != "t::x")
    assert (report.validated, report.skipped, len(report.violations)) == (1, 1, 1)
    assert report.summary() == "conformance: 1 requests validated, 1 violations"


def test_unknown_operations_and_bad_json_are_violations(spec: Spec) -> None:
    [(_, problem)] = problems(spec, record("POST", "/nowhere/1", {"a": 1}))
    assert "no such operation" in problem
    [(_, problem)] = problems(spec, {**record("POST", "/channels/1/messages", None), "unparsable": "{"})
    assert "not valid JSON" in problem


async def test_the_emulator_records_json_multipart_and_unread_bodies(tmp_path: Path) -> None:
    target = tmp_path / "record.jsonl"
    emulator = Emulator(record_to=target)
    await emulator.start()
    set_current_test("tests/x.py::test_y")
    try:
        guild = emulator.control.create_guild({"name": "G"})
        channel = guild["system_channel_id"]
        auth = {"Authorization": f"Bot {emulator.bot_token}"}
        async with aiohttp.ClientSession() as http:
            url = f"{emulator.api_url}/channels/{channel}/messages"
            await http.post(url, json={"content": "plain"}, headers=auth)
            form = aiohttp.FormData()
            payload = {"content": "with a file", "attachments": [{"id": 0, "filename": "a.txt"}]}
            form.add_field("payload_json", json.dumps(payload), content_type="application/json")
            form.add_field("files[0]", b"hello", filename="a.txt", content_type="text/plain")
            await http.post(url, data=form, headers=auth)
            await http.post(url, json={"content": "never read"}, headers={"Authorization": "Bot wrong"})
    finally:
        set_current_test(None)
        await emulator.stop()
    plain, multipart, unauthorized = list(read_records(target))
    assert plain["route"] == "/channels/{channel_id}/messages"
    assert plain["method"] == "POST"
    assert plain["body"] == {"content": "plain"}
    assert plain["multipart"] is False
    assert plain["test"] == "tests/x.py::test_y"
    assert plain["status"] == 200
    assert multipart["body"] == payload
    assert multipart["multipart"] is True
    assert unauthorized["body"] == {"content": "never read"}  # the handler never ran
    assert (unauthorized["status"], unauthorized["code"]) == (401, 0)
    assert emulator.rest.requests[-1]["json"] == {"content": "never read"}


async def test_a_refused_request_is_recorded_with_its_code_and_errors(tmp_path: Path) -> None:
    target = tmp_path / "record.jsonl"
    emulator = Emulator(record_to=target)
    await emulator.start()
    try:
        channel = emulator.control.create_guild({"name": "G"})["system_channel_id"]
        async with aiohttp.ClientSession() as http:
            await http.post(
                f"{emulator.api_url}/channels/{channel}/messages",
                json={"content": "x" * 2001},
                headers={"Authorization": f"Bot {emulator.bot_token}"},
            )
    finally:
        await emulator.stop()
    [refused] = read_records(target)
    assert (refused["status"], refused["code"]) == (400, 50035)
    assert "content" in refused["errors"]


# -- the plugin, in a pytest of its own -------------------------------------------------------------

INNER_TEST = """
import asyncio, aiohttp, pytest
from emulator import Emulator

async def send(body):
    emulator = Emulator()
    await emulator.start()
    try:
        channel = emulator.control.create_guild({"name": "G"})["system_channel_id"]
        async with aiohttp.ClientSession() as http:
            await http.post(f"{emulator.api_url}/channels/{channel}/messages", json=body,
                            headers={"Authorization": f"Bot {emulator.bot_token}"})
    finally:
        await emulator.stop()

def test_good():
    asyncio.run(send({"content": "fine"}))

def test_wrong_type():
    asyncio.run(send({"content": "hi", "embeds": [{"color": "green"}]}))

@pytest.mark.discord_refusal_expected
def test_refused_on_purpose():
    asyncio.run(send({"content": "x" * 2001}))
"""


def run_inner(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "test_inner.py").write_text(textwrap.dedent(INNER_TEST), encoding="utf-8")
    command = [sys.executable, "-m", "pytest", "-p", "emulator.pytest_plugin", "-p", "no:cacheprovider"]
    return subprocess.run(
        [*command, "-q", "-o", "addopts=", *args, str(tmp_path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@needs_spec
def test_the_plugin_fails_the_run_listing_each_violation(tmp_path: Path) -> None:
    result = run_inner(tmp_path, "--discord-spec", str(SPEC_PATH))
    out = result.stdout
    assert "3 passed" in out
    assert result.returncode == 1, out
    assert "conformance: 3 requests validated, 1 violations" in out
    [line] = [line for line in out.splitlines() if line.startswith("POST /channels/{channel_id}/messages")]
    assert "$.embeds[0].color" in line
    assert '"green"' in line
    assert "test_inner.py::test_wrong_type" in line


def test_the_plugin_says_it_is_skipped_without_a_spec(tmp_path: Path) -> None:
    result = run_inner(tmp_path, "--discord-spec", str(tmp_path / "absent.json"), "-k", "good")
    assert result.returncode == 0, result.stdout
    assert "conformance: skipped: no Discord API spec at" in result.stdout
