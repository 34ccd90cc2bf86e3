"""`copbot demo`: the offline demo runs end to end in a fresh process and prints a readable transcript."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path


def test_demo_runs_the_scenario_and_exits_zero(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COPBOT_", "DISCORD_"))}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "demo"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "== What happened ==" in out
    assert "▶ olivia_organizer runs /cop setup" in out
    assert "Created #introductions, #announcements, #meetings and #resources." in out
    assert "Only organizers can do this" in out  # a teacher tried an organizer command
    assert "Did you mean `America/Phoenix`" in out
    assert "== The channels now ==" in out
    assert "#resources" in out
    assert "<#" not in out  # mentions are shown as names
    assert "<t:" not in out  # times are shown in the community's zone
    assert "Traceback" not in result.stderr
    assert "Demo finished" in out
    # Each step shows what the member saw then: the duplicate question with its button, then the click,
    # then the result (not the resource's final state before the click that caused it).
    share = out.index("▶ carlos_coach runs /resource share")
    click = out.index("▶ carlos_coach clicks “Add Engineering to it”")
    asked = out[share:click]
    assert "That's already in the library as #1" in asked
    assert "[buttons: Add Engineering to it]" in asked
    assert "Tags: Professional Development, Science Framework" in asked
    assert "Added **Engineering**" not in asked
    after = out[click : out.index("▶", click + 1)]
    assert "(only they see this)" in after
    assert "Added **Engineering** to #1" in after
    assert "Tags: Engineering, Professional Development, Science Framework" in after
    setup = out[out.index("▶ olivia_organizer runs /groups setup") :]
    assert "Stakeholder groups are ready" in setup[: setup.index("▶", 1)]  # the finished answer, not progress
    # The evidence scene: a survey answered through its button and pages, a story shared without a name.
    assert "▶ tara_teacher clicks “Answer the survey”" in out
    assert "Your answers to **School team readiness self-assessment** are saved" in out
    assert "Posted story #1 in #announcements, without its author's name" in out
    assert "Evidence collected: Surveys: 1 survey (1 open), 1 completed answer" in out
    assert not list(tmp_path.iterdir())  # leaves nothing behind


async def test_demo_serve_keeps_running_until_asked_to_stop(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COPBOT_", "DISCORD_"))}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "demo",
        "--serve",
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    seen = ""
    try:
        async with asyncio.timeout(60):
            while "Press Ctrl-C to stop." not in seen:
                line = await process.stdout.readline()
                assert line, f"demo --serve ended early: {seen[-2000:]}"
                seen += line.decode()
        url = re.search(r"Control API: (http://127\.0\.0\.1:\d+)/_emulator", seen)
        guild = re.search(r"guild (\d+); members", seen)
        assert url, seen
        assert guild, seen
        body = await asyncio.to_thread(
            lambda: urllib.request.urlopen(f"{url[1]}/_emulator/guilds/{guild[1]}", timeout=10).read()
        )
        assert "meetings" in [c["name"] for c in json.loads(body)["channels"]]
        who = re.search(r'"channel_id":"(\d+)","user_id":"(\d+)"', seen)
        assert who, seen

        def run(command: str) -> str:
            request = urllib.request.Request(
                f"{url[1]}/_emulator/interactions",
                data=json.dumps(
                    {"guild_id": guild[1], "channel_id": who[1], "user_id": who[2], "command": command}
                ).encode(),
                headers={"Content-Type": "application/json"},
            )
            answer = json.loads(urllib.request.urlopen(request, timeout=10).read())
            return json.dumps(answer["response"]["data"], ensure_ascii=False)

        # As a member types it, with the slash; and mistyped: a helpful answer, not "went wrong on my side".
        assert "Settings for **Arizona STEM Network (demo)**." in await asyncio.to_thread(
            run, "/cop settings"
        )
        mistyped = await asyncio.to_thread(run, "cops settings")
        assert "I don't have a `/cops settings` command. Did you mean `/cop settings`" in mistyped
        assert "Something went wrong" not in mistyped
    finally:
        process.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 0, err.decode()
    assert not err.decode().strip(), err.decode()  # quiet: no warnings ("Can't keep up …"), no errors
