"""The schools × stakeholder-groups grid as Discord shows it: monospaced embed pages and the gaps' lines,
from the plain data of `core.units.gaps`."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.formatting import embed
from core.text import human_list, plural, safe_text
from core.units.gaps import Coverage, Grid, abbreviations, gaps
from storage.groups import Group
from storage.schools import School

GRID_ROWS_PER_PAGE = 25
GRID_NAME_WIDTH = 18


def grid_pages(
    schools: Sequence[School], groups: Sequence[Group], grid: Grid, sizes: dict[int, int]
) -> list[discord.Embed]:
    """The schools × groups table as monospaced text pages ('·' marks a gap)."""
    short = abbreviations(groups)
    width = max([3, *(len(s) for s in short.values())]) + 1
    head = "School".ljust(GRID_NAME_WIDTH) + " Team" + "".join(short[g.id].rjust(width) for g in groups)
    legend = " · ".join(f"{short[g.id]} {g.name}" for g in groups)
    rows = []
    for school in schools:
        name = (
            school.name if len(school.name) <= GRID_NAME_WIDTH else school.name[: GRID_NAME_WIDTH - 1] + "…"
        )
        cells = "".join((str(grid.get((school.id, g.id), 0) or "·")).rjust(width) for g in groups)
        rows.append(name.ljust(GRID_NAME_WIDTH) + str(sizes.get(school.id, 0)).rjust(5) + cells)
    pages = []
    for start in range(0, max(1, len(rows)), GRID_ROWS_PER_PAGE):
        block = "\n".join([head, *rows[start : start + GRID_ROWS_PER_PAGE]])
        page = embed("School teams × stakeholder groups", f"```\n{block}\n```\n{legend}"[:4096])
        pages.append(page)
    return pages


def gaps_summary(schools: Sequence[School], groups: Sequence[Group], grid: Grid) -> list[str]:
    """Per group: which schools have nobody from it, most-missing first."""
    lines = []
    for gap in gaps(schools, groups, grid):
        names = human_list([safe_text(n, 40) for n in gap.missing[:5]])
        more = f" and {len(gap.missing) - 5} more" if len(gap.missing) > 5 else ""
        lines.append(
            f"**No {safe_text(gap.group.name, 60)}**: {plural(len(gap.missing), 'school')} — {names}{more}"
        )
    return lines


def coverage_line(row: Coverage, size: int) -> str:
    """One school in `/schools list`: its district, team size, and the groups it has and lacks."""
    school = row.school
    where = f" ({safe_text(school.district, 60)})" if school.district else ""
    return (
        f"**{safe_text(school.name, 100)}**{where} — {plural(size, 'member')}\n"
        f"Has: {safe_text(', '.join(row.has), 400) or 'nobody yet'}\n"
        f"Lacks: {safe_text(', '.join(row.lacks), 400) or 'nothing'}"
    )
