"""Foundation figures: `copbot --version` wall time, opening and migrating a new database, and a fresh
emulator with the real bot ready. Prints figures; asserts nothing.

    python bench/foundation.py [--runs 20]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bot.local import LocalBot
from emulator import Emulator
from storage.database import Database


def version_times(runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "bot", "--version"], check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return times


async def migrate_times(runs: int) -> list[float]:
    times = []
    with tempfile.TemporaryDirectory() as folder:
        for n in range(runs):
            started = time.perf_counter()
            db = await Database.open(Path(folder) / f"new{n}.db")
            times.append(time.perf_counter() - started)
            await db.close()
    return times


async def ready_times(runs: int) -> list[float]:
    times = []
    with tempfile.TemporaryDirectory() as folder:
        for n in range(runs):
            started = time.perf_counter()
            emulator = Emulator(bot_username="copbot")
            await emulator.start(port=0)
            runner = LocalBot(emulator.url, emulator.bot_token, Path(folder) / f"ready{n}.db")
            await runner.start(sync=False)
            times.append(time.perf_counter() - started)
            await runner.stop()
            await emulator.stop()
    return times


def report(name: str, values: list[float], target_ms: float) -> None:
    median, worst = statistics.median(values) * 1000, max(values) * 1000
    verdict = "ok" if median < target_ms else "OVER TARGET"
    print(
        f"{name:<44} median {median:8.1f} ms   worst {worst:8.1f} ms   target {target_ms:.0f} ms  {verdict}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    report("copbot --version (new process)", version_times(args.runs), 1000)
    report("open + migrate a new database", asyncio.run(migrate_times(args.runs)), 200)
    report("fresh emulator + copbot ready (in-process)", asyncio.run(ready_times(args.runs)), 1000)


if __name__ == "__main__":
    main()
