"""Faults injected on demand into REST answers: 429, 5xx, slow responses."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from emulator.errors import ControlError
from emulator.models import JSON

KINDS = ("ratelimit", "server_error", "slow")
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
        }


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
                return fault
        return None

    def list(self) -> list[JSON]:
        return [f.describe() for f, _ in self._items]

    def clear(self) -> None:
        self._items.clear()
