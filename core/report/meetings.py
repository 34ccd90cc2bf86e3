"""Meetings held: who said they would come and who checked in, and whether agendas followed members'
requests (`core.activity.agenda`: a topic came from a member unless an organizer or the meeting's creator
suggested it)."""

from __future__ import annotations

from core.activity.agenda import from_member, overall, provenance
from core.report.model import Cell, Chart, ChartKind, Section, Series, Table
from core.report.privacy import point
from core.report.scope import Frame
from core.report.words import said, share, short_day
from core.text import plural
from storage.meetings import AgendaItem
from storage.report import Counted

KEY = "meetings"
TITLE = "Meetings and agendas"
LABEL_LIMIT = 40


async def gather(f: Frame) -> tuple[Section, dict[str, Cell]]:
    h = f.held
    held = await f.figures.meetings(f.window)
    upcoming = await f.figures.upcoming(f.window, f.period_end) if f.window.hi < f.period_end else 0
    if not held:
        soon = f" {plural(upcoming, 'meeting is', 'meetings are')} still to come in it." if upcoming else ""
        return (
            Section(KEY, TITLE, "", empty=f"No meetings were held in this period.{soon}"),
            {"meetings": 0},
        )
    items = await f.figures.agenda_items(f.window)
    audience = await f.figures.scope_members(f.window)  # None: everyone
    agendas = []
    member_items: list[int] = []
    authors: dict[int, set[int]] = {}
    authors_items: dict[int, list[AgendaItem]] = {}
    for row in held:
        topics = items.get(row.meeting.id, [])
        agendas.append(provenance(row.meeting, topics, f.organizers))
        mine = [
            i
            for i in topics
            if from_member(i, row.meeting, f.organizers) and (audience is None or i.author_id in audience)
        ]
        member_items += [i.id for i in mine]
        authors[row.meeting.id] = {i.author_id for i in mine}
        authors_items[row.meeting.id] = mine
    votes, voters = await f.figures.votes_on(member_items)

    going = h.column(KEY, [Counted(r.going, r.going) for r in held])
    maybe = h.column(KEY, [Counted(r.maybe, r.maybe) for r in held])
    here = h.column(KEY, [Counted(r.checked_in, r.checked_in) for r in held])
    from_members = h.column(
        KEY, [Counted(len(authors_items[a.meeting_id]), len(authors[a.meeting_id])) for a in agendas]
    )
    member_votes = h.column(KEY, [votes.get(a.meeting_id, Counted(0, 0)) for a in agendas])
    rows = tuple(
        (f.local_day(r.meeting.starts_at), r.meeting.title, g, m, c, a.items, fm, v)
        for r, a, g, m, c, fm, v in zip(
            held, agendas, going, maybe, here, from_members, member_votes, strict=True
        )
    )
    labels = tuple(
        f"{short_day(f.local_day(r.meeting.starts_at))} · {r.meeting.title}"[:LABEL_LIMIT] for r in held
    )

    total_going = h.count(KEY, sum(r.going for r in held), max(r.going for r in held))
    total_here = h.count(KEY, sum(r.checked_in for r in held), max(r.checked_in for r in held))
    everything = overall(agendas)
    all_authors = set().union(*authors.values())
    mine_count = sum(len(v) for v in authors_items.values())
    whose = "members" if audience is None else f"members of {f.audience.label}"
    if not everything.items:
        agenda_words = everything.summary()
    elif 0 < len(all_authors) < 5 or 0 < voters < 5:
        h.cells[KEY] += 1
        agenda_words = (
            f"Meetings had {plural(everything.items, 'agenda topic')}; fewer than 5 {whose} suggested or voted "
            "for topics, so how many came from them is not shown."
        )
    elif audience is None:
        agenda_words = everything.summary()
    else:
        member_votes_total = sum(c.count for c in votes.values())
        agenda_words = (
            f"{share(mine_count, everything.items)} of agenda topics came from {whose}: {mine_count} of "
            f"{plural(everything.items, 'topic')}, with {plural(member_votes_total, 'vote')}."
        )
    rate = (
        f" ({share(sum(r.checked_in for r in held), sum(r.going for r in held))} of Going answers)"
        if isinstance(total_here, int) and isinstance(total_going, int) and total_going
        else ""
    )
    summary = (
        f"{plural(len(held), 'meeting was', 'meetings were')} held. Members answered Going {said(total_going)} "
        f"times and checked in {said(total_here)} times{rate}. {agenda_words}"
        + (
            f" {plural(upcoming, 'more meeting is', 'more meetings are')} planned before the period ends."
            if upcoming
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
                    "Meetings held",
                    (
                        "Date",
                        "Meeting",
                        "Answered Going",
                        "Answered Maybe",
                        "Checked in",
                        "Agenda topics",
                        "Topics from members" if audience is None else "Topics from the audience's members",
                        "Votes for members' topics",
                    ),
                    rows,
                    note="Topics from members: suggested by someone who is neither an organizer nor the meeting's "
                    "creator. Cancelled meetings are left out.",
                ),
            ),
            charts=(
                Chart(
                    "attendance",
                    ChartKind.BARS,
                    "Said they would come, and checked in, per meeting",
                    labels,
                    (
                        Series("Answered Going", tuple(point(c) for c in going)),
                        Series("Checked in", tuple(point(c) for c in here)),
                    ),
                    x_label="Meeting",
                    y_label="Members",
                    note="A missing bar: fewer than 5 members, not shown.",
                ),
                Chart(
                    "agenda",
                    ChartKind.BARS,
                    "Agenda topics per meeting, and those that came from members",
                    labels,
                    (
                        Series("Agenda topics", tuple(float(a.items) for a in agendas)),
                        Series("From members", tuple(point(c) for c in from_members)),
                    ),
                    x_label="Meeting",
                    y_label="Topics",
                    note="A missing bar: topics from fewer than 5 members, not shown.",
                ),
            ),
        ),
        {"meetings": len(held)},
    )
