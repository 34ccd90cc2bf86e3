"""core.units.categories: the alphabetical ranges of categories that school teams' and groups' channels go in."""

from __future__ import annotations

from core.units import categories as cp


def test_sort_keys_ignore_case_accents_and_punctuation() -> None:
    assert cp.sort_key("St. Mary’s") == "stmarys"
    assert cp.sort_key("Él Mirage") == "elmirage"
    assert cp.sort_key("  21st Century ") == "21stcentury"


def test_fifty_one_names_are_split_in_two_balanced_ranges_with_room_left() -> None:
    names = [f"{letter}{n} School" for letter in "abcdefghijklmnopqrstuvwxyz" for n in range(2)][:51]
    starts = cp.plan(names)
    assert starts[0] == ""
    assert len(starts) == 2
    sizes = cp.counts(starts, names)
    assert sum(sizes) == 51
    assert all(n <= cp.TARGET for n in sizes)
    assert cp.fits(starts, names)
    assert not cp.fits([""], names)


def test_labels_name_each_range_by_its_first_and_last_letters() -> None:
    starts = ["", "l", "sn"]
    assert [cp.label(starts, i) for i in range(3)] == ["A–K", "L–Sm", "Sn–Z"]
    assert cp.label([""], 0) == ""
    assert cp.category_name("School teams", [""], 0) == "School teams"
    assert cp.category_name("Stakeholder lounges", starts, 1) == "Stakeholder lounges L–Sm"


def test_a_single_letter_range_is_named_once() -> None:
    assert cp.label(["", "b", "c"], 1) == "B"
