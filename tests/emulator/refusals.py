"""Helpers for the refusal tests: raw REST calls to the emulator, and Discord's 50035 error shape."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import aiohttp

from emulator import Emulator

Json = dict[str, Any]
Rest = Callable[..., Awaitable[tuple[int, Any]]]


@asynccontextmanager
async def rest_client(emu: Emulator) -> AsyncIterator[Rest]:
    """`call(method, path, body=None, headers=None) -> (status, json)` with the bot's token."""
    async with aiohttp.ClientSession() as session:

        async def call(
            method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
        ) -> tuple[int, Any]:
            sent = {"Authorization": f"Bot {emu.bot_token}", **(headers or {})}
            async with session.request(method, emu.api_url + path, json=body, headers=sent) as resp:
                return resp.status, (await resp.json() if resp.status != 204 else None)

        yield call


def assert_refused(status: int, data: Any, path: str, error_code: str | None = None) -> None:
    """400 50035 "Invalid Form Body" with an `_errors` leaf at the dotted `path` ("" = the body itself)."""
    assert status == 400, (status, data)
    assert data["code"] == 50035, data
    assert data["message"] == "Invalid Form Body"
    node = data["errors"]
    for key in path.split(".") if path else []:
        assert key in node, (path, data["errors"])
        node = node[key]
    leaves = node["_errors"]
    assert leaves, node
    assert all(leaf["code"] and leaf["message"] for leaf in leaves), leaves
    if error_code is not None:
        assert error_code in [leaf["code"] for leaf in leaves], leaves


def assert_accepted(status: int, data: Any) -> None:
    assert status in (200, 201, 204), (status, data)
