"""The statewide scenario (`tests/e2e/statewide.py`) at a size every test run can afford.

All 61 school teams and the ten stakeholder groups (so school channels span two categories), fewer members and
resources than the seed. `python bench/statewide.py` plays the seed's full size and prints the stage times.
"""

from __future__ import annotations

from tests.e2e.community import Community
from tests.e2e.statewide import Scale, Statewide

SMALL = Scale(schools=61, members=40, resources=25, going=30, concurrency=8, patience=120.0)


async def test_the_statewide_community_at_small_scale(community: Community) -> None:
    stages: list[str] = []
    scenario = Statewide(community, SMALL, lambda name, _seconds, detail: stages.append(f"{name}: {detail}"))
    await scenario.play()
    assert len(stages) == 9, stages
