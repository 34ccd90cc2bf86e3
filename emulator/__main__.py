"""`python -m emulator --port 8765`: run the emulator alone and print how to point a bot at it."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging

from emulator.server import Emulator


async def _run(args: argparse.Namespace) -> None:
    emu = Emulator(
        bot_token=args.token, bot_username=args.bot_name, interaction_timeout=args.interaction_timeout
    )
    await emu.start(port=args.port)
    for name in args.guild or []:
        guild = emu.control.create_guild({"name": name})
        print(f"guild {name!r}: id {guild['id']}, #general {guild['system_channel_id']}")
    print(f"base URL: {emu.url}  (REST {emu.api_url}, gateway {emu.ws_url})")
    print(f"bot token: {emu.bot_token}")
    print(f"discord.py: emulator.discord_target.point_discord_at({emu.url!r}) before the bot starts")
    print(f"control API: {emu.url}/_emulator  (Ctrl-C to stop)", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await emu.stop()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m emulator", description="Local Discord API v10 emulator")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--token", default=None, help="bot token to accept (default: random)")
    parser.add_argument("--bot-name", default="bot", help="the bot user's (and application's) name")
    parser.add_argument(
        "--guild", action="append", help="create a guild with this name at start (repeatable)"
    )
    parser.add_argument("--interaction-timeout", type=float, default=3.0)
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_run(args))


if __name__ == "__main__":
    main()
