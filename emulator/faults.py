"""Faults injected on demand into REST answers: 429, 5xx, slow responses, and requests held until released."""

from __future__ import annotations

import asyncio
import itertools
import re
from dataclasses import dataclass, field

from emulator.errors import ControlError
from emulator.models import JSON

KINDS = ("ratelimit", "server_error", "slow", "hold")
_PLACEHOLDER = re.compile(r"\{[^}/]*\}")


@dataclass(slots=True)
class Fault:
    id: int
    kind: str
    route: str | None
    count: int
    retry_after: float = 0.5
    is_global: bool = False
    status: int = 500
    delay: float = 0.0
    held: int = 0  # "hold": requests waiting for release
    released: asyncio.Event = field(default_factory=asyncio.Event)

    def describe(self) -> JSON:
        return {
            "id": self.id,
            "kind": self.kind,
            "route": self.route,
            "count": self.count,
            "retry_after": self.retry_after,
            "global": self.is_global,
            "status": self.status,
            "delay": self.delay,
            "held": self.held,
        }

    async def hold(self) -> None:
        """Keep the request waiting (a test changes the world meanwhile) until `release`."""
        self.held += 1
        try:
            await self.released.wait()
        finally:
            self.held -= 1


class RoutePattern:
    """`"POST /channels/{channel_id}/messages"`: optional method, path template or concrete path."""

    def __init__(self, spec: str) -> None:
        method, _, path = spec.strip().partition(" ")
        if not path:
            method, path = "", method
        self.method = method.upper()
        self.path = "/" + path.strip().removeprefix("/api/v10").lstrip("/")
        self.template = _PLACEHOLDER.sub("{}", self.path)
        pieces = _PLACEHOLDER.split(self.path)
        self.regex = re.compile("^" + "[^/]+".join(re.escape(p) for p in pieces) + "/?$")

    def matches(self, method: str, template: str, path: str) -> bool:
        if self.method and self.method != method.upper():
            return False
        return _PLACEHOLDER.sub("{}", template) == self.template or bool(self.regex.match(path))


class Faults:
    """Queued faults; each fires `count` times on matching requests, oldest first."""

    def __init__(self) -> None:
        self._items: list[tuple[Fault, RoutePattern | None]] = []
        self._holding: list[Fault] = []  # holds taken, kept until released so the test can see them
        self._ids = itertools.count(1)

    def add(self, spec: JSON) -> Fault:
        kind = spec.get("kind")
        if kind not in KINDS:
            raise ControlError(f"kind must be one of {', '.join(KINDS)}")
        route = spec.get("route")
        try:
            fault = Fault(
                id=next(self._ids),
                kind=str(kind),
                route=str(route) if route else None,
                count=int(spec.get("count", 1)),
                retry_after=float(spec.get("retry_after", 0.5)),
                is_global=bool(spec.get("global", False)),
                status=int(spec.get("status", 500)),
                delay=float(spec.get("delay", 1.0 if kind == "slow" else 0.0)),
            )
        except (TypeError, ValueError) as exc:
            raise ControlError(f"bad fault: {exc}") from None
        if fault.kind == "server_error" and not 500 <= fault.status <= 599:
            raise ControlError("status must be 5xx")
        self._items.append((fault, RoutePattern(fault.route) if fault.route else None))
        return fault

    def take(self, method: str, template: str, path: str) -> Fault | None:
        """The first fault matching this request, consuming one of its uses."""
        for index, (fault, pattern) in enumerate(self._items):
            if pattern is None or pattern.matches(method, template, path):
                fault.count -= 1
                if fault.count <= 0:
                    del self._items[index]
                if fault.kind == "hold" and fault not in self._holding:
                    self._holding.append(fault)
                return fault
        return None

    def list(self) -> list[JSON]:
        queued = [f for f, _ in self._items]
        return [f.describe() for f in [*queued, *(f for f in self._holding if f not in queued)]]

    def held(self) -> int:
        """How many requests are being held now."""
        return sum(f.held for f in self._holding)

    def release(self) -> JSON:
        """Let every held request (and any still to come from a hold fault) go on."""
        held = self.held()
        for fault in self._holding:
            fault.released.set()
        for fault, _ in self._items:
            fault.released.set()
        self._holding.clear()
        return {"released": held}

    def clear(self) -> None:
        self.release()
        self._items.clear()
