"""Where the gaps are: which stakeholder groups each school team has someone from (`core.units.gaps`), and
how many members could fill each gap (`core.profiles.matching`: their offers answer what the team's members
look for), or are in no team yet. Partners are counted, never named."""

from __future__ import annotations

from core.profiles import matching
from core.report.model import Cell, Chart, ChartKind, Section, Series, Table
from core.report.scope import Frame
from core.report.words import day, said
from core.text import plural
from core.units import gaps
from storage.report import Candidate

KEY = "coverage"
TITLE = "Where the gaps are"


def _candidate(c: Candidate) -> matching.Candidate:
    return matching.Candidate(
        c.user_id, c.offers, c.interests, c.group_id, f"school:{c.school_id}" if c.school_id else None
    )


async def gather(f: Frame) -> tuple[Section, dict[str, Cell]]:
    h = f.held
    grid, sizes = await f.figures.coverage_grid(f.window)
    schools = [s for s in f.schools if f.audience.kind != "school" or s.id == f.audience.unit_id]
    groups = [g for g in f.groups if f.audience.kind != "group" or g.id == f.audience.unit_id]
    if not schools or not groups:
        missing = "school teams" if not schools else "stakeholder groups"
        return Section(
            KEY, TITLE, "", empty=f"There are no {missing} yet, so there is no coverage to show."
        ), {}
    if not any(sizes.get(s.id) for s in schools):
        return (
            Section(KEY, TITLE, "", empty="No school team had members by the end of this period."),
            {},
        )
    covered = gaps.coverage(schools, groups, grid)
    missing_groups = gaps.gaps(schools, groups, grid)

    school_rows = tuple(
        (
            c.school.name,
            c.school.district,
            h.people(KEY, sizes.get(c.school.id, 0)),
            len(c.has),
            "; ".join(c.lacks),
        )
        for c in covered
    )
    grid_chart = Chart(
        "grid",
        ChartKind.GRID,
        "School teams × stakeholder groups: who is present",
        tuple(g.name for g in groups),
        (
            Series(
                "Present",
                tuple(1.0 if grid.get((s.id, g.id)) else 0.0 for s in schools for g in groups),
            ),
        ),
        x_label="Stakeholder group",
        y_label="School team",
        rows=tuple(s.name for s in schools),
        note="Filled: the team has at least one member from that group; empty: nobody yet. How many is not shown.",
    )

    # Who could fill each gap: members of the missing group whose offers answer what the team looks for
    # (the /connect rule), or who are in no team yet. Protected groups' members are never suggested.
    candidates = await f.figures.partner_candidates(f.window)
    needs = await f.figures.team_needs(f.window)
    # The /connect rule judges each word of a need on its own, so every candidate is scored once against
    # the words of all the teams' needs together (each word standing for itself), and a candidate answers
    # a team's need when a word they offer is one of that team's.
    wanted = {c.school.id: set(matching.keywords(needs.get(c.school.id, ""))) for c in covered}
    words = {stem: stem for stems in wanted.values() for stem in stems}
    everyone = matching.Seeker(0, " ".join(words))
    pool: dict[int, list[tuple[int, bool, frozenset[str]]]] = {}
    for found in candidates:
        match = matching.score(everyone, _candidate(found), words) if words else None
        offered = frozenset(match.offered) if match else frozenset()
        pool.setdefault(found.group_id, []).append((found.user_id, not found.in_team, offered))
    protected = {g.id for g in groups if g.protected}
    by_name = {g.name: g for g in groups}
    partner_rows: list[tuple[Cell, ...]] = []
    for c in covered:
        needed = wanted[c.school.id]
        for name in c.lacks:
            group = by_name[name]
            if group.id in protected:
                continue
            free = {user for user, alone, _ in pool.get(group.id, []) if alone}
            offering = {user for user, _, offered in pool.get(group.id, []) if offered & needed}
            partner_rows.append(
                (
                    c.school.name,
                    name,
                    h.people(KEY, len(free | offering)),
                    h.people(KEY, len(free)),
                    h.people(KEY, len(offering)),
                )
            )
    if any(gap.group.id in protected for gap in missing_groups):
        h.note(
            "Where the gaps are: members of protected groups (students) are never suggested as partners, "
            "so their gaps have no partner counts."
        )
    h.note("Where the gaps are: members who could fill a gap are counted, never named.")

    complete = sum(1 for c in covered if not c.lacks)
    most = missing_groups[0] if missing_groups else None
    groups_words = "every stakeholder group" if len(groups) > 1 else f"the {groups[0].name} group"
    summary = (
        f"By {day(f.period.end)}, {complete} of {plural(len(covered), 'school team')} had someone from {groups_words}."
        + (
            f" The group missing from most teams is {most.group.name} ({plural(len(most.missing), 'team')})."
            if most and len(groups) > 1 and len(covered) > 1
            else ""
        )
        + (
            f" {said(sum(1 for r in partner_rows if r[2] != 0))} gaps have members who could fill them."
            if partner_rows
            else ""
        )
    )
    return (
        Section(
            KEY,
            TITLE,
            summary,
            tables=(
                Table(
                    "Coverage by school team",
                    (
                        "School team",
                        "District",
                        "Team members",
                        "Stakeholder groups present",
                        "Groups missing",
                    ),
                    school_rows,
                ),
                Table(
                    "Groups missing from teams",
                    ("Stakeholder group", "Teams with nobody from it"),
                    tuple((gap.group.name, len(gap.missing)) for gap in missing_groups),
                ),
                Table(
                    "Partners who could fill each gap",
                    (
                        "School team",
                        "Missing group",
                        "Members who could fill it",
                        "Of them, in no school team yet",
                        "Of them, offering what the team looks for",
                    ),
                    tuple(partner_rows),
                    note="Members of the missing group whose profile offers match what the team's members say they "
                    "look for (as /connect matches them), or who are in no team yet.",
                ),
            ),
            charts=(grid_chart,),
        ),
        {},
    )
