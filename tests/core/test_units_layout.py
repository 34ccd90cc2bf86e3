"""core.units.layout: which categories a rerun keeps, reuses, adopts or creates, on ids and names alone."""

from __future__ import annotations

import string

from core.units.layout import Placed, Server, moved_by_hand, plan_layout
from core.units.room import Crowded

BASE = "School teams"


def names(count: int) -> list[str]:
    letters = string.ascii_uppercase
    return [f"{letters[n % 26]}{n:03d} School" for n in range(count)]


def test_a_first_run_plans_one_category_to_create() -> None:
    plan = plan_layout(BASE, names(3), [None] * 3, [False] * 3, [], Server({}, {}))
    assert (plan.starts, plan.categories, plan.names, plan.rename) == ([""], [None], [BASE], set())
    assert plan.target == [0, 0, 0]
    assert plan.crowded == [Crowded(BASE, 3, 0)]


def test_a_category_with_the_planned_name_is_adopted_and_its_other_channels_count() -> None:
    server = Server({4: "General", 5: BASE}, {4: [40], 5: [50, 51]})
    plan = plan_layout(BASE, names(3), [None] * 3, [False] * 3, [], server)
    assert plan.categories == [5]
    assert plan.crowded == [Crowded(BASE, 5, 2)]


def test_recorded_ranges_are_kept_while_they_fit() -> None:
    server = Server({5: BASE}, {5: list(range(100, 110))})
    placed = [Placed(100 + n, 5) for n in range(10)]
    plan = plan_layout(BASE, names(10), placed, [False] * 10, [("", 5)], server)
    assert (plan.starts, plan.categories, plan.rename) == ([""], [5], set())
    assert plan.crowded == [Crowded(BASE, 10, 0)]


def test_past_fifty_the_names_are_planned_again_reusing_the_category_holding_most() -> None:
    count = 60
    server = Server({5: BASE}, {5: list(range(100, 100 + count))})
    placed = [Placed(100 + n, 5) for n in range(count)]
    plan = plan_layout(BASE, names(count), placed, [False] * count, [("", 5)], server)
    assert len(plan.starts) == 2
    assert plan.categories.count(5) == 1
    assert plan.categories.count(None) == 1
    assert plan.rename == {plan.categories.index(5)}
    assert all(name.startswith(f"{BASE} ") for name in plan.names)
    assert plan.fits
    assert sum(c.count for c in plan.crowded) == count


def test_a_deleted_category_is_made_again_and_its_channels_were_not_moved_by_hand() -> None:
    server = Server({}, {})
    assert not moved_by_hand(5, None, {5}, server)
    plan = plan_layout(BASE, names(2), [Placed(100, None), None], [False, False], [("", 5)], server)
    assert plan.categories == [None]
    assert plan.crowded == [Crowded(BASE, 2, 0)]


def test_a_channel_moved_by_hand_stays_and_counts_only_where_it_is() -> None:
    server = Server({5: BASE, 9: "Elsewhere"}, {5: [100], 9: [101, 900]})
    assert moved_by_hand(5, 9, {5}, server)
    assert not moved_by_hand(5, 5, {5}, server)
    assert moved_by_hand(None, 9, {5}, server)  # never placed by copbot, found in someone else's category
    assert not moved_by_hand(None, None, {5}, server)
    placed = [Placed(100, 5), Placed(101, 9)]
    plan = plan_layout(BASE, names(2), placed, [False, True], [("", 5)], server)
    assert plan.crowded == [Crowded(BASE, 1, 0)]
