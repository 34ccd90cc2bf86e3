"""Value stories by cycle (immediate → potential → applied → realized), counted as organizers see them
(`core.stories.rules.report`: "fewer than 5" when fewer than 5 people told them), and the shareable ones
quoted, with a byline only when `visible_author` allows it (the author agreed and is in no protected group)."""

from __future__ import annotations

from collections.abc import Sequence

from core.report.model import FEWER, Cell, Chart, ChartKind, Section, Series, Table
from core.report.privacy import point
from core.report.scope import Frame
from core.report.words import said
from core.stories import rules
from core.text import plural, quote
from storage.stories import Consent, Cycle, Story

KEY = "stories"
TITLE = "Value members say they got"
QUOTES = 40  # shareable stories quoted at most (the newest of each cycle first)
QUOTE_LIMIT = 600  # characters of a story quoted


def _cell(text: str) -> Cell:
    return int(text) if text.isdigit() else FEWER


def _count(f: Frame, stories: Sequence[Story]) -> Cell:
    """A number of stories, "fewer than 5" when fewer than 5 people told them (the stories' own rule)."""
    cell = _cell(rules.report(stories).total) if stories else 0
    if cell == FEWER:
        f.held.cells[KEY] += 1
    return cell


def _byline(story: Story, names: dict[int, str]) -> str:
    author = rules.visible_author(story)
    if author is None or author not in names:
        return ""
    where = ", ".join(part for part in (story.group_name, story.school_name) if part)
    return f" — {names[author]}" + (f" ({where})" if where else "")


async def gather(f: Frame) -> tuple[Section, dict[str, Cell]]:
    stories = await f.figures.stories(f.window)
    total = _count(f, stories)
    if not stories:
        return Section(KEY, TITLE, "", empty="No value stories were told in this period."), {"stories": 0}
    by_cycle = {c: [s for s in stories if s.cycle is c] for c in Cycle}
    rows = []
    for cycle in Cycle:
        told = by_cycle[cycle]
        shareable = [s for s in told if s.consent is Consent.SHAREABLE]
        rows.append((rules.CYCLE_WORDS[cycle], _count(f, told), _count(f, shareable)))
    groups = rules.report(stories).by_group
    group_rows = []
    for line in groups:
        cell = _cell(line.stories)
        if cell == FEWER:
            f.held.cells[KEY] += 1
        group_rows.append((line.label, cell))

    shareable = [s for c in Cycle for s in by_cycle[c] if s.consent is Consent.SHAREABLE]
    quoted = shareable[:QUOTES] if len(shareable) <= QUOTES else _spread(by_cycle)
    names = await f.figures.names(
        f.guild_id, [a for s in quoted if (a := rules.visible_author(s)) is not None]
    )
    quotes = tuple(
        f"{rules.CYCLE_SHORT[s.cycle].capitalize()}: {quote(s.text, QUOTE_LIMIT)}{_byline(s, names)}"
        for s in quoted
    )
    unnamed = sum(1 for s in quoted if not _byline(s, names))
    if unnamed:
        f.held.note(
            f"Value stories: {plural(unnamed, 'shareable story is', 'shareable stories are')} quoted without a name, "
            "because the author didn't agree to be named or is in a protected group (students)."
        )
    private = len(stories) - len(shareable)
    if private:
        f.held.note("Value stories: stories their authors kept private are counted, never quoted.")
    more = len(shareable) - len(quoted)
    summary = (
        f"Members told {said(total)} value stories in this period; {said(_count(f, shareable))} of them "
        "may be shared"
        + (f" ({len(quoted)} quoted here, the newest of each cycle first)" if more else "")
        + "."
    )
    return (
        Section(
            KEY,
            TITLE,
            summary,
            tables=(
                Table("Value stories by cycle", ("Cycle of value", "Stories", "Shareable"), tuple(rows)),
                Table(
                    "Value stories by the teller's stakeholder group",
                    ("Stakeholder group", "Stories"),
                    tuple(group_rows),
                    note="The group the teller was in when they told it; protected groups are one line, not named.",
                ),
            ),
            charts=(
                Chart(
                    "cycles",
                    ChartKind.BARS,
                    "Value stories by cycle",
                    tuple(rules.CYCLE_SHORT[c] for c in Cycle),
                    (Series("Stories", tuple(point(r[1]) for r in rows)),),
                    x_label="Cycle of value (immediate → realized)",
                    y_label="Stories",
                    note="A missing bar: told by fewer than 5 people, not shown.",
                ),
            ),
            quotes=quotes,
        ),
        {"stories": total},
    )


def _spread(by_cycle: dict[Cycle, list[Story]]) -> list[Story]:
    """At most `QUOTES` shareable stories, taken from each cycle in turn (newest first), in cycle order."""
    queues = {c: [s for s in by_cycle[c] if s.consent is Consent.SHAREABLE] for c in Cycle}
    picked: dict[Cycle, list[Story]] = {c: [] for c in Cycle}
    taken = 0
    while taken < QUOTES and any(queues.values()):
        for c in Cycle:
            if queues[c] and taken < QUOTES:
                picked[c].append(queues[c].pop(0))
                taken += 1
    return [s for c in Cycle for s in picked[c]]
