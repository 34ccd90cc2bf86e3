"""Rate limit buckets and the X-RateLimit-* headers discord.py reads."""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass


@dataclass(slots=True)
class Window:
    remaining: int
    reset_at: float


class RateLimits:
    """Fixed windows per route bucket (route template + major parameter).

    Defaults are generous so normal traffic never waits; set `limit` low to exercise real 429s.
    """

    def __init__(self, limit: int = 50, window: float = 1.0) -> None:
        self.limit = limit
        self.window = window
        self._windows: dict[str, Window] = {}

    @staticmethod
    def bucket_hash(template: str) -> str:
        return hashlib.sha1(template.encode()).hexdigest()[:16]

    def hit(self, template: str, major: str) -> tuple[dict[str, str], float | None]:
        """Count a request; returns headers and, if over the limit, the seconds to wait."""
        now = time.time()
        key = f"{template}:{major}"
        win = self._windows.get(key)
        if win is None or now >= win.reset_at:
            if len(self._windows) > 4096:
                self._windows = {k: w for k, w in self._windows.items() if w.reset_at > now}
            win = self._windows[key] = Window(self.limit, now + self.window)
        reset_after = max(0.0, win.reset_at - now)
        over = win.remaining <= 0
        if not over:
            win.remaining -= 1
        headers = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(max(0, win.remaining)),
            "X-RateLimit-Reset": f"{win.reset_at:.3f}",
            "X-RateLimit-Reset-After": f"{reset_after:.3f}",
            "X-RateLimit-Bucket": self.bucket_hash(template),
        }
        return headers, (reset_after if over else None)


def ratelimited_headers(template: str, retry_after: float, is_global: bool, limit: int) -> dict[str, str]:
    """Headers of a 429: `Via` (else discord.py assumes a Cloudflare ban) and consistent X-RateLimit-*."""
    headers = {
        "Via": "1.1 google",
        "Retry-After": str(max(1, math.ceil(retry_after))),
        "X-RateLimit-Scope": "global" if is_global else "user",
    }
    if is_global:
        headers["X-RateLimit-Global"] = "true"
    else:
        headers.update(
            {
                "X-RateLimit-Limit": str(limit),
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset": f"{time.time() + retry_after:.3f}",
                "X-RateLimit-Reset-After": f"{retry_after:.3f}",
                "X-RateLimit-Bucket": RateLimits.bucket_hash(template),
            }
        )
    return headers
