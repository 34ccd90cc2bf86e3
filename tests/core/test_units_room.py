"""core.units.room: whether an operation fits Discord's caps, on counts alone."""

from __future__ import annotations

from core.units.room import CATEGORY_LIMIT, MAX_CHANNELS, MAX_ROLES, Crowded, Short, shortfall


def test_everything_that_fits_passes() -> None:
    assert shortfall(roles_now=1, channels_now=3, roles=61, channels=61, categories=2) is None
    assert shortfall(roles_now=MAX_ROLES - 5, channels_now=0, roles=5, channels=0) is None
    assert shortfall(roles_now=0, channels_now=MAX_CHANNELS - 3, roles=0, channels=2, categories=1) is None
    assert shortfall(roles_now=0, channels_now=0, roles=0, channels=0, crowded=[Crowded("A", 50, 10)]) is None


def test_too_many_roles_says_how_many_fit_and_how_many_to_delete() -> None:
    short = shortfall(roles_now=240, channels_now=0, roles=15, channels=15)
    assert short is not None
    assert (short.short, short.have, short.need, short.cap) == (Short.ROLES, 240, 15, MAX_ROLES)
    assert (short.free, short.excess) == (10, 5)


def test_categories_count_as_channels() -> None:
    short = shortfall(roles_now=0, channels_now=495, roles=0, channels=5, categories=1)
    assert short is not None
    assert short.short is Short.CHANNELS
    assert (short.have, short.need, short.excess) == (495, 6, 1)


def test_roles_are_checked_before_channels_and_channels_before_categories() -> None:
    both = shortfall(roles_now=250, channels_now=500, roles=1, channels=1, crowded=[Crowded("A", 60)])
    assert both is not None
    assert both.short is Short.ROLES
    channels = shortfall(roles_now=0, channels_now=500, roles=1, channels=1, crowded=[Crowded("A", 60)])
    assert channels is not None
    assert channels.short is Short.CHANNELS


def test_a_crowded_category_names_itself_and_its_other_channels() -> None:
    short = shortfall(
        roles_now=0,
        channels_now=0,
        roles=0,
        channels=0,
        crowded=[Crowded("School teams A–K", 40), Crowded("School teams L–Z", 52, 7)],
    )
    assert short is not None
    assert short.short is Short.CATEGORY
    assert (short.name, short.have, short.others, short.cap) == ("School teams L–Z", 52, 7, CATEGORY_LIMIT)
