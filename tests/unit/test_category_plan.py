"""core.units.categories: which alphabetical category each team's channel goes in."""

from __future__ import annotations

import random
import string

import pytest

from core.units import categories as cp
from tests.e2e.statewide import school_names


def names_of(starts: list[str]) -> list[str]:
    return [cp.category_name("School teams", starts, i) for i in range(len(starts))]


def test_up_to_fifty_keep_one_category_with_its_usual_name() -> None:
    assert cp.plan(school_names(50)) == [""]
    assert names_of([""]) == ["School teams"]
    assert cp.plan([]) == [""]


def test_the_seed_communitys_sixty_one_teams_split_a_to_k_and_l_to_z() -> None:
    names = school_names(61)
    starts = cp.plan(names)
    assert names_of(starts) == ["School teams A–K", "School teams L–Z"]
    assert cp.counts(starts, names) == [31, 30]


def test_a_teams_place_is_predictable_from_its_name() -> None:
    starts = ["", "l"]
    assert cp.range_index(starts, "Kingman High") == 0
    assert cp.range_index(starts, "Lake Havasu Middle") == 1
    assert cp.range_index(starts, "  lake havasu") == 1
    assert cp.range_index(starts, "21st Century Academy") == 0  # digits go with A
    assert cp.range_index(starts, "Él Mirage School") == 0  # accents are read as the plain letter
    assert cp.range_index(starts, "Zuni") == 1


def test_names_crowding_one_letter_split_by_the_letters_that_follow() -> None:
    names = [f"S{a}{b} School" for a in "aeimoux" for b in "abcdefghij"][:70]
    starts = cp.plan(names)
    shown = names_of(starts)
    assert all(n <= cp.TARGET for n in cp.counts(starts, names))
    assert shown == ["School teams A–Sl", "School teams Sm–Z"]


def test_identical_leading_words_split_by_later_characters() -> None:
    names = [f"Saint Mary {n:03d}" for n in range(120)]
    starts = cp.plan(names)
    assert all(n <= cp.LIMIT for n in cp.counts(starts, names))
    assert len(starts) >= 3


@pytest.mark.parametrize("seed", range(30))
def test_any_list_of_names_fits_within_fifty_per_category(seed: int) -> None:
    rng = random.Random(seed)
    count = rng.randrange(1, 400)
    alphabet = rng.choice([string.ascii_letters, "abcST", "Ss", string.ascii_letters + "éü0123456789 .'"])
    names = [
        "".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 12))) + f" {n}" for n in range(count)
    ]
    starts = cp.plan(names)
    assert starts[0] == ""
    assert starts == sorted(starts)
    assert len(set(starts)) == len(starts)
    assert all(n <= cp.LIMIT for n in cp.counts(starts, names)), (seed, starts)
    if count <= cp.LIMIT:
        assert starts == [""]
    labels = names_of(starts)
    assert len(set(labels)) == len(labels)
    assert all(len(label) <= 100 for label in labels)
