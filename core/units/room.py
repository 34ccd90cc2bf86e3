"""Room on the server: whether an operation fits Discord's caps, decided on counts alone.

Discord holds at most 250 roles and 500 channels (categories count) per server and 50 channels per
category. Whatever creates roles or channels asks `shortfall` first, with what exists and what it would add,
and refuses before creating anything when the answer is not None.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from core.units.categories import LIMIT as CATEGORY_LIMIT

MAX_CHANNELS = 500
MAX_ROLES = 250

__all__ = ["CATEGORY_LIMIT", "MAX_CHANNELS", "MAX_ROLES", "Crowded", "Short", "Shortfall", "shortfall"]


class Short(enum.StrEnum):
    """Which cap an operation would pass."""

    ROLES = "roles"
    CHANNELS = "channels"
    CATEGORY = "category"


@dataclass(frozen=True, slots=True)
class Crowded:
    """A category as planned: its name, the channels it would hold, and how many of those are not ours."""

    name: str
    count: int
    others: int = 0


@dataclass(frozen=True, slots=True)
class Shortfall:
    """The first cap an operation would pass: `have` exist, `need` more are asked for, `cap` fit, so at
    least `excess` must go. For a category, `name` and its `others` (channels already in it, not ours)."""

    short: Short
    have: int
    need: int
    cap: int
    name: str = ""
    others: int = 0

    @property
    def excess(self) -> int:
        return self.have + self.need - self.cap

    @property
    def free(self) -> int:
        return max(0, self.cap - self.have)


def shortfall(
    *,
    roles_now: int,
    channels_now: int,
    roles: int,
    channels: int,
    categories: int = 0,
    crowded: Sequence[Crowded] = (),
) -> Shortfall | None:
    """The first of Discord's caps that `roles` new roles, `channels` new channels and `categories` new
    categories would pass on a server holding `roles_now` roles and `channels_now` channels (categories
    included), or a category of `crowded` past 50; None when everything fits. Roles are checked first, then
    the server's channels, then each category in order."""
    if roles_now + roles > MAX_ROLES:
        return Shortfall(Short.ROLES, roles_now, roles, MAX_ROLES)
    if channels_now + channels + categories > MAX_CHANNELS:
        return Shortfall(Short.CHANNELS, channels_now, channels + categories, MAX_CHANNELS)
    for category in crowded:
        if category.count > CATEGORY_LIMIT:
            return Shortfall(
                Short.CATEGORY, category.count, 0, CATEGORY_LIMIT, name=category.name, others=category.others
            )
    return None
