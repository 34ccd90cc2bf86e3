"""What the report may show about people, decided while the figures are gathered.

* A count describing 1 to 4 people is `FEWER` ("fewer than 5"); in a chart it is `None` (left out). A count
  of things (check-ins, resources, votes) is held back the same way when 1 to 4 people did them.
* In a breakdown whose total is shown (a column of stakeholder groups, meetings, pairs of groups), a single
  "fewer than 5" could be worked out as the total minus the others: then the smallest other figure is held
  back too ("hidden"), as the survey results do (`core.surveys.results.HELD`).
* `Held` counts, per section, what was held back, for the report's first page (`Report.suppressed`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from core.report.model import FEWER, SMALL, Cell
from core.surveys.results import HELD
from storage.report import Counted

__all__ = ["FEWER", "HELD", "SMALL", "Held", "point"]


def small(people: int) -> bool:
    return 0 < people < SMALL


def point(cell: Cell) -> float | None:
    """A cell as a chart value: None when held back (or not a number)."""
    if isinstance(cell, bool) or not isinstance(cell, int | float):
        return None
    return float(cell)


class Held:
    """Shows counts under the rules above and remembers, per section, how many it held back."""

    def __init__(self) -> None:
        self.cells: Counter[str] = Counter()
        self.notes: list[str] = []

    def people(self, section: str, people: int) -> Cell:
        """A number of people."""
        return self.count(section, people, people)

    def count(self, section: str, count: int, people: int) -> Cell:
        """A number of things done by `people` people."""
        if small(people):
            self.cells[section] += 1
            return FEWER
        return count

    def of(self, section: str, counted: Counted) -> Cell:
        return self.count(section, counted.count, counted.people)

    def column(self, section: str, counts: Sequence[Counted]) -> list[Cell]:
        """A breakdown whose total is shown: each count under the rule, and when exactly one is "fewer than
        5", the smallest shown one hidden too, so that it can't be worked out by subtraction."""
        cells = [self.of(section, c) for c in counts]
        if sum(1 for c in cells if c == FEWER) == 1:
            shown = [(c, i) for i, c in enumerate(cells) if isinstance(c, int) and c > 0]
            if shown:
                cells[min(shown)[1]] = HELD
                self.cells[section] += 1
        return cells

    def total(self, section: str, counts: Sequence[Counted]) -> Cell:
        """The total of a breakdown (each person in one part): "fewer than 5" when it is about 1 to 4 people."""
        return self.count(section, sum(c.count for c in counts), sum(c.people for c in counts))

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def sentences(self, titles: Sequence[tuple[str, str]]) -> tuple[str, ...]:
        """What was held back, for the first page: the rule, then per section (key, title) in order."""
        lines = [
            "Any figure about 1 to 4 people is shown as “fewer than 5” (left out of the charts, in grey) so "
            "that nobody can be picked out; where a total is shown, one more figure may be hidden so that a "
            "small one can't be worked out from it. Students are only ever counted together with others, "
            "never one by one, and no table lists members."
        ]
        for key, title in titles:
            held = self.cells.get(key, 0)
            if held:
                lines.append(f"{title}: {held} figure{'s' if held != 1 else ''} held back.")
        return (*lines, *self.notes)
