"""The evidence report's reads (`core.report.build`): counts grouped in SQL, one query per figure, never a
query per row. Rows here hold counts, ids of groups, schools and meetings, and how many distinct people each
count describes, so the core can hold back any figure about fewer than 5 people. The few reads that return
rows about members (a rule of the core has to look at each: agenda topics' authors, the partners who could
fill a gap, survey answers, stories) stay in the core's memory and only their counts reach the report.

Every member is counted under one stakeholder group, their *sector*: the group their profile names, else the
first group they joined (by the groups' order); 0 when neither. Likewise their *home* school: the school their
profile names, else the first team they joined. So the rows of a breakdown add up to its total.

Times are UTC text (`storage.jobs.to_db_time`); a `Window` is [lo, hi). An audience (`Scope`) keeps the
members of one group or school team: its members now, by membership or by their profile.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from storage.agreements import HoursRow, Status
from storage.database import Database
from storage.jobs import to_db_time
from storage.meetings import AgendaItem, Meeting
from storage.stories import Story, _story
from storage.surveys import Survey

NO_UNIT = 0  # the sector or home school of a member with none


def sector_of(user: str) -> str:
    """SQL: the sector of the member in column `user` (0: none). Two look-ups by primary key or index per
    row, cheaper than joining a table of every member's sector (SQLite won't index a CTE it materialized)."""
    return (
        f"COALESCE((SELECT sp.group_id FROM profiles sp WHERE sp.guild_id = :guild AND sp.user_id = {user}),"
        " (SELECT sgm.group_id FROM group_members sgm JOIN stakeholder_groups sg ON sg.id = sgm.group_id"
        f" WHERE sgm.guild_id = :guild AND sgm.user_id = {user} ORDER BY sg.position, sg.id LIMIT 1), 0)"
    )


def home_of(user: str) -> str:
    """SQL: the home school of the member in column `user` (0: none)."""
    return (
        f"COALESCE((SELECT hp.school_id FROM profiles hp WHERE hp.guild_id = :guild AND hp.user_id = {user}),"
        " (SELECT hsm.school_id FROM school_members hsm"
        f" WHERE hsm.guild_id = :guild AND hsm.user_id = {user} ORDER BY hsm.joined_at, hsm.school_id LIMIT 1), 0)"
    )


@dataclass(frozen=True, slots=True)
class Scope:
    """Whom a report is about: everyone, or the members of one stakeholder group or school team."""

    kind: str = "everyone"  # 'everyone' | 'group' | 'school'
    unit_id: int | None = None

    @property
    def everyone(self) -> bool:
        return self.kind == "everyone"

    def cte(self) -> str:
        """The `scope (user_id)` table, for a group or school (nothing for everyone)."""
        if self.kind == "group":
            return (
                "scope (user_id) AS MATERIALIZED (SELECT user_id FROM group_members"
                " WHERE guild_id = :guild AND group_id = :unit"
                " UNION SELECT user_id FROM profiles WHERE guild_id = :guild AND group_id = :unit)"
            )
        if self.kind == "school":
            return (
                "scope (user_id) AS MATERIALIZED (SELECT user_id FROM school_members"
                " WHERE guild_id = :guild AND school_id = :unit"
                " UNION SELECT user_id FROM profiles WHERE guild_id = :guild AND school_id = :unit)"
            )
        return ""

    def has(self, *columns: str) -> str:
        """SQL true when any of the columns names a member in scope (always true for everyone)."""
        if self.everyone:
            return "1"
        return "(" + " OR ".join(f"{c} IN (SELECT user_id FROM scope)" for c in columns) + ")"


@dataclass(frozen=True, slots=True)
class Window:
    """One guild's report period as UTC instants [lo, hi), and its audience."""

    guild_id: int
    lo: datetime
    hi: datetime
    scope: Scope = field(default_factory=Scope)

    def params(self, **more: Any) -> dict[str, Any]:
        return {
            "guild": self.guild_id,
            "lo": to_db_time(self.lo),
            "hi": to_db_time(self.hi),
            "unit": self.scope.unit_id,
            **more,
        }

    def with_(self, *ctes: str) -> str:
        """`WITH …` for the given CTEs and the audience's."""
        found = [c for c in (*ctes, self.scope.cte()) if c]
        return ("WITH " + ",\n".join(found) + "\n") if found else ""


Month = tuple[str, datetime, datetime]  # key, first instant, first instant after (UTC)


def _months(months: Sequence[Month]) -> tuple[str, dict[str, Any]]:
    """A `months (k, lo, hi)` CTE and its parameters."""
    values = ", ".join(f"(:mk{i}, :mlo{i}, :mhi{i})" for i in range(len(months)))
    params: dict[str, Any] = {}
    for i, (key, lo, hi) in enumerate(months):
        params |= {f"mk{i}": key, f"mlo{i}": to_db_time(lo), f"mhi{i}": to_db_time(hi)}
    return f"months (k, lo, hi) AS (VALUES {values})", params


@dataclass(frozen=True, slots=True)
class Counted:
    """A count and how many distinct people it describes."""

    count: int
    people: int


@dataclass(frozen=True, slots=True)
class PairRow:
    """Connections of one kind between two sectors or schools (x <= y): how many, and how many distinct
    people on each side."""

    kind: str
    x: int
    y: int
    count: int
    people_x: int
    people_y: int


@dataclass(frozen=True, slots=True)
class MeetingCounts:
    meeting: Meeting
    going: int
    maybe: int
    checked_in: int


@dataclass(frozen=True, slots=True)
class Candidate:
    """A member who could partner a school team: unprotected, present, with a sector."""

    user_id: int
    group_id: int
    offers: str
    interests: tuple[str, ...]
    school_id: int | None
    in_team: bool


# What makes a member active in a month: something they did that copbot records with its time.
_EVENTS = """events (user_id, at) AS MATERIALIZED (
    SELECT user_id, checked_in_at FROM meeting_checkins WHERE guild_id = :guild AND checked_in_at >= :lo AND checked_in_at < :hi
    UNION ALL SELECT user_id, updated_at FROM meeting_rsvps WHERE guild_id = :guild AND status IN ('going', 'maybe', 'waitlist') AND updated_at >= :lo AND updated_at < :hi
    UNION ALL SELECT author_id, created_at FROM meeting_agenda WHERE guild_id = :guild AND created_at >= :lo AND created_at < :hi
    UNION ALL SELECT shared_by, created_at FROM resources WHERE guild_id = :guild AND created_at >= :lo AND created_at < :hi
    UNION ALL SELECT user_id, created_at FROM resource_marks WHERE guild_id = :guild AND created_at >= :lo AND created_at < :hi
    UNION ALL SELECT seeker_id, created_at FROM connections WHERE guild_id = :guild AND created_at >= :lo AND created_at < :hi
    UNION ALL SELECT author_id, created_at FROM stories WHERE guild_id = :guild AND created_at >= :lo AND created_at < :hi
    UNION ALL SELECT user_id, updated_at FROM survey_responses WHERE guild_id = :guild AND updated_at >= :lo AND updated_at < :hi
    UNION ALL SELECT author_id, at FROM goal_checkins WHERE guild_id = :guild AND at >= :lo AND at < :hi
    UNION ALL SELECT team_confirmed_by, team_confirmed_at FROM agreements WHERE guild_id = :guild AND team_confirmed_at >= :lo AND team_confirmed_at < :hi
    UNION ALL SELECT partner_confirmed_by, partner_confirmed_at FROM agreements WHERE guild_id = :guild AND partner_confirmed_at >= :lo AND partner_confirmed_at < :hi
)"""

# Pairs of members a connection links: (kind, one, other). A resource reused: its sharer and who used it.
_PAIRS = """pairs (kind, a, b) AS (
    SELECT 'connect', seeker_id, match_id FROM connections WHERE guild_id = :guild AND created_at >= :lo AND created_at < :hi
    UNION ALL SELECT 'agreement', partner_id, COALESCE(team_confirmed_by, created_by) FROM agreements
      WHERE guild_id = :guild AND created_at >= :lo AND created_at < :hi AND partner_id IS NOT NULL
        AND COALESCE(team_confirmed_by, created_by) IS NOT NULL
    UNION ALL SELECT 'reuse', r.shared_by, k.user_id FROM resource_marks k JOIN resources r ON r.id = k.resource_id
      WHERE k.guild_id = :guild AND k.mark = 'used' AND k.created_at >= :lo AND k.created_at < :hi AND k.user_id != r.shared_by
)"""

_HELD = "m.guild_id = :guild AND m.state = 'scheduled' AND m.starts_at >= :lo AND m.starts_at < :hi"


class ReportFigures:
    """The report's reads for every guild."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def _rows(self, sql: str, params: dict[str, Any]) -> list[Any]:
        return await self.db.fetchall(sql, params, snapshot=True)

    # -- the audience ---------------------------------------------------------------------------------

    async def scope_members(self, w: Window) -> set[int] | None:
        """The ids of the audience's members (None: everyone), for the rules that count in memory."""
        if w.scope.everyone:
            return None
        rows = await self._rows(f"{w.with_()}SELECT user_id FROM scope", w.params())
        return {int(r[0]) for r in rows}

    # -- participation --------------------------------------------------------------------------------

    async def profiles_by_month(self, w: Window, months: Sequence[Month]) -> dict[tuple[str, int], int]:
        """(month, sector) → profiles made before the month's end and not left by then."""
        cte, extra = _months(months)
        rows = await self._rows(
            w.with_(cte)
            + f"SELECT k, g, COUNT(*) FROM (SELECT m.k, {sector_of('p.user_id')} AS g FROM profiles p"
            " JOIN months m ON p.created_at < m.hi AND (p.left_at IS NULL OR p.left_at >= m.hi)"
            f" WHERE p.guild_id = :guild AND {w.scope.has('p.user_id')}) GROUP BY k, g",
            w.params(**extra),
        )
        return {(r[0], int(r[1])): int(r[2]) for r in rows}

    async def active_by_month(self, w: Window, months: Sequence[Month]) -> dict[tuple[str, int], int]:
        """(month, sector) → members who did something copbot records in that month."""
        cte, extra = _months(months)
        rows = await self._rows(
            w.with_(cte, _EVENTS)
            + f"SELECT k, {sector_of('u')} AS g, COUNT(*) FROM (SELECT DISTINCT m.k, e.user_id AS u FROM events e"
            " JOIN months m ON e.at >= m.lo AND e.at < m.hi"
            f" WHERE e.user_id IS NOT NULL AND {w.scope.has('e.user_id')}) GROUP BY k, g",
            w.params(**extra),
        )
        return {(r[0], int(r[1])): int(r[2]) for r in rows}

    async def attendance_by_month(self, w: Window, months: Sequence[Month]) -> dict[tuple[str, int], Counted]:
        """(month, sector) → check-ins at meetings held that month, and the members who checked in."""
        cte, extra = _months(months)
        rows = await self._rows(
            w.with_(cte)
            + f"SELECT k, {sector_of('u')} AS g, SUM(n), COUNT(*) FROM (SELECT mo.k, c.user_id AS u, COUNT(*) AS n"
            " FROM meeting_checkins c JOIN meetings m ON m.id = c.meeting_id"
            " JOIN months mo ON m.starts_at >= mo.lo AND m.starts_at < mo.hi"
            f" WHERE {_HELD} AND {w.scope.has('c.user_id')} GROUP BY mo.k, c.user_id) GROUP BY k, g",
            w.params(**extra),
        )
        return {(r[0], int(r[1])): Counted(int(r[2]), int(r[3])) for r in rows}

    # -- coverage -------------------------------------------------------------------------------------

    async def coverage_grid(self, w: Window) -> tuple[dict[tuple[int, int], int], dict[int, int]]:
        """(school, group) → team members in that group, and school → team size; memberships begun before
        the window's end."""
        params = w.params()
        grid = await self._rows(
            "SELECT sm.school_id, gm.group_id, COUNT(*) FROM school_members sm"
            " JOIN group_members gm ON gm.guild_id = sm.guild_id AND gm.user_id = sm.user_id AND gm.joined_at < :hi"
            " WHERE sm.guild_id = :guild AND sm.joined_at < :hi GROUP BY sm.school_id, gm.group_id",
            params,
        )
        sizes = await self._rows(
            "SELECT school_id, COUNT(*) FROM school_members WHERE guild_id = :guild AND joined_at < :hi"
            " GROUP BY school_id",
            params,
        )
        return (
            {(int(r[0]), int(r[1])): int(r[2]) for r in grid},
            {int(r[0]): int(r[1]) for r in sizes},
        )

    async def partner_candidates(self, w: Window) -> list[Candidate]:
        """Members who could fill a team's gap: present, in no protected group, with a sector."""
        rows = await self._rows(
            f"SELECT * FROM (SELECT p.user_id, {sector_of('p.user_id')} AS grp, p.offers, p.interests, p.school_id,"
            " EXISTS (SELECT 1 FROM school_members t WHERE t.guild_id = :guild AND t.user_id = p.user_id) AS in_team"
            " FROM profiles p WHERE p.guild_id = :guild AND p.left_at IS NULL AND p.created_at < :hi"
            " AND p.user_id NOT IN (SELECT m.user_id FROM group_members m JOIN stakeholder_groups g ON g.id = m.group_id"
            "   WHERE m.guild_id = :guild AND g.protected = 1))"
            " WHERE grp != 0 AND grp NOT IN (SELECT id FROM stakeholder_groups WHERE guild_id = :guild AND protected = 1)",
            w.params(),
        )
        return [
            Candidate(
                int(r[0]),
                int(r[1]),
                r[2],
                tuple(i.strip() for i in r[3].split(",") if i.strip()),
                r[4],
                bool(r[5]),
            )
            for r in rows
        ]

    async def team_needs(self, w: Window) -> dict[int, str]:
        """School → what its team's members say they look for, together."""
        rows = await self._rows(
            "SELECT sm.school_id, group_concat(p.seeks, ', ') FROM school_members sm"
            " JOIN profiles p ON p.guild_id = sm.guild_id AND p.user_id = sm.user_id"
            " WHERE sm.guild_id = :guild AND p.left_at IS NULL AND p.seeks != '' GROUP BY sm.school_id",
            w.params(),
        )
        return {int(r[0]): str(r[1]) for r in rows}

    # -- connections ----------------------------------------------------------------------------------

    async def pairs(self, w: Window, *, by: str, merge: bool = False) -> list[PairRow]:
        """Connections between sectors (`by="group"`) or home schools (`by="school"`), each pair of units once
        (x <= y); `merge`: all kinds together as kind 'all'. Members with no school are left out of the
        schools' pairs. Only pairs with a member of the audience on one side."""
        unit = sector_of if by == "group" else home_of
        kind = "'all'" if merge else "kind"
        rows = await self._rows(
            w.with_(_PAIRS)
            + f", units AS MATERIALIZED (SELECT {kind} AS kind, a, b, {unit('a')} AS ua, {unit('b')} AS ub"
            f" FROM pairs WHERE {w.scope.has('a', 'b')}),"
            " normal AS (SELECT kind, MIN(ua, ub) AS x, MAX(ua, ub) AS y,"
            " CASE WHEN ua <= ub THEN a ELSE b END AS px, CASE WHEN ua <= ub THEN b ELSE a END AS py FROM units)"
            " SELECT kind, x, y, COUNT(*), COUNT(DISTINCT px), COUNT(DISTINCT py) FROM normal"
            + (" WHERE x != 0" if by == "school" else "")
            + " GROUP BY kind, x, y",
            w.params(),
        )
        return [PairRow(r[0], int(r[1]), int(r[2]), int(r[3]), int(r[4]), int(r[5])) for r in rows]

    async def co_attendance(self, w: Window) -> dict[tuple[int, int], Counted]:
        """(sector x, sector y), x <= y → meetings where members of both checked in (for x = y: two of
        them), and the fewer of the distinct members on either side. For an audience: one side is the
        audience's members."""
        att = (
            f"att AS MATERIALIZED (SELECT c.meeting_id, c.user_id, {sector_of('c.user_id')} AS g"
            f" FROM meeting_checkins c JOIN meetings m ON m.id = c.meeting_id WHERE {_HELD})"
        )
        if w.scope.everyone:
            # Per meeting and group, how many: each pair of groups read from those (no pair of members).
            rows = await self._rows(
                f"WITH {att}, mg AS MATERIALIZED (SELECT meeting_id, g, COUNT(*) AS n FROM att GROUP BY meeting_id, g)"
                " SELECT a.g, b.g, COUNT(DISTINCT a.meeting_id), COUNT(DISTINCT a.user_id) FROM att a"
                " JOIN mg b ON b.meeting_id = a.meeting_id AND (b.g != a.g OR b.n >= 2) GROUP BY a.g, b.g",
                w.params(),
            )
            sided = {(int(r[0]), int(r[1])): (int(r[2]), int(r[3])) for r in rows}
            return {
                (x, y): Counted(meetings, min(people, sided.get((y, x), (0, 0))[1]))
                for (x, y), (meetings, people) in sided.items()
                if x <= y
            }
        rows = await self._rows(
            f"{w.with_(att)}SELECT MIN(a.g, b.g) AS x, MAX(a.g, b.g) AS y, COUNT(DISTINCT a.meeting_id),"
            " COUNT(DISTINCT a.user_id), COUNT(DISTINCT b.user_id) FROM att a"
            " JOIN att b ON b.meeting_id = a.meeting_id AND b.user_id != a.user_id"
            " WHERE a.user_id IN (SELECT user_id FROM scope) GROUP BY x, y",
            w.params(),
        )
        return {(int(r[0]), int(r[1])): Counted(int(r[2]), min(int(r[3]), int(r[4]))) for r in rows}

    async def connect_count(self, w: Window) -> Counted:
        """/connect introductions in the window, and the distinct members they introduced (either side)."""
        rows = await self._rows(
            w.with_()
            + "SELECT COUNT(*) FROM connections WHERE guild_id = :guild AND created_at >= :lo AND created_at < :hi"
            f" AND {w.scope.has('seeker_id', 'match_id')}"
            " UNION ALL SELECT COUNT(*) FROM (SELECT seeker_id AS u FROM connections WHERE guild_id = :guild"
            f" AND created_at >= :lo AND created_at < :hi AND {w.scope.has('seeker_id', 'match_id')}"
            " UNION SELECT match_id FROM connections WHERE guild_id = :guild AND created_at >= :lo"
            f" AND created_at < :hi AND {w.scope.has('seeker_id', 'match_id')})",
            w.params(),
        )
        return Counted(int(rows[0][0]), int(rows[1][0]))

    # -- meetings -------------------------------------------------------------------------------------

    def _meetings_of(self, w: Window) -> str:
        """The meetings held in the window that the audience could come to or came to."""
        if w.scope.everyone:
            return _HELD
        return (
            f"{_HELD} AND (m.audience_kind = 'all' OR (m.audience_kind = :kind AND m.audience_id = :unit)"
            " OR m.id IN (SELECT meeting_id FROM meeting_checkins WHERE guild_id = :guild"
            " AND user_id IN (SELECT user_id FROM scope)))"
        )

    async def meetings(self, w: Window) -> list[MeetingCounts]:
        """Each meeting held (not cancelled) in the window, soonest first, with the audience's Going and
        Maybe answers and check-ins."""
        params = w.params(kind=w.scope.kind)
        where = self._meetings_of(w)
        meetings = await self._rows(
            f"{w.with_()}SELECT m.* FROM meetings m WHERE {where} ORDER BY m.starts_at, m.id", params
        )
        answers = await self._rows(
            w.with_() + "SELECT r.meeting_id, r.status, COUNT(*) FROM meeting_rsvps r"
            f" JOIN meetings m ON m.id = r.meeting_id WHERE {where} AND {w.scope.has('r.user_id')}"
            " GROUP BY r.meeting_id, r.status",
            params,
        )
        here = await self._rows(
            w.with_() + "SELECT c.meeting_id, COUNT(*) FROM meeting_checkins c"
            f" JOIN meetings m ON m.id = c.meeting_id WHERE {where} AND {w.scope.has('c.user_id')}"
            " GROUP BY c.meeting_id",
            params,
        )
        by_status: dict[tuple[int, str], int] = {(int(r[0]), r[1]): int(r[2]) for r in answers}
        checked = {int(r[0]): int(r[1]) for r in here}
        found = []
        for row in meetings:
            meeting = Meeting.from_row(row)
            found.append(
                MeetingCounts(
                    meeting,
                    by_status.get((meeting.id, "going"), 0),
                    by_status.get((meeting.id, "maybe"), 0),
                    checked.get(meeting.id, 0),
                )
            )
        return found

    async def agenda_items(self, w: Window) -> dict[int, list[AgendaItem]]:
        """Meeting → its agenda topics (ids, author and votes; not their text), for the meetings of `meetings`."""
        rows = await self._rows(
            w.with_() + "SELECT a.id, a.meeting_id, a.author_id, a.accepted, COUNT(v.user_id) AS votes"
            " FROM meeting_agenda a JOIN meetings m ON m.id = a.meeting_id"
            " LEFT JOIN meeting_agenda_votes v ON v.item_id = a.id"
            f" WHERE {self._meetings_of(w)} GROUP BY a.id ORDER BY a.meeting_id, a.id",
            w.params(kind=w.scope.kind),
        )
        found: dict[int, list[AgendaItem]] = {}
        for r in rows:
            item = AgendaItem(int(r[0]), int(r[1]), int(r[2]), "", bool(r[3]), int(r[4]))
            found.setdefault(item.meeting_id, []).append(item)
        return found

    async def votes_on(self, item_ids: Iterable[int]) -> tuple[dict[int, Counted], int]:
        """Votes on these topics per meeting, with distinct voters, and the distinct voters over all."""
        ids = sorted(set(item_ids))
        if not ids:
            return {}, 0
        marks = ", ".join("?" * len(ids))
        per = await self.db.fetchall(
            "SELECT a.meeting_id, COUNT(*), COUNT(DISTINCT v.user_id) FROM meeting_agenda_votes v"
            f" JOIN meeting_agenda a ON a.id = v.item_id WHERE v.item_id IN ({marks}) GROUP BY a.meeting_id",
            ids,
            snapshot=True,
        )
        voters = await self.db.fetchval(
            f"SELECT COUNT(DISTINCT user_id) FROM meeting_agenda_votes WHERE item_id IN ({marks})",
            ids,
            snapshot=True,
        )
        return {int(r[0]): Counted(int(r[1]), int(r[2])) for r in per}, int(voters or 0)

    async def upcoming(self, w: Window, until: datetime) -> int:
        """Meetings scheduled from the window's end to `until` (the period's end)."""
        return int(
            await self.db.fetchval(
                "SELECT COUNT(*) FROM meetings WHERE guild_id = :guild AND state = 'scheduled'"
                " AND starts_at >= :hi AND starts_at < :until",
                w.params(until=to_db_time(until)),
                snapshot=True,
            )
            or 0
        )

    # -- resources ------------------------------------------------------------------------------------

    async def shared_by_sector(self, w: Window) -> dict[int, Counted]:
        """Sector of the sharer → resources shared in the window, and the distinct sharers."""
        rows = await self._rows(
            w.with_()
            + f"SELECT g, COUNT(*), COUNT(DISTINCT u) FROM (SELECT r.shared_by AS u, {sector_of('r.shared_by')} AS g"
            " FROM resources r"
            f" WHERE r.guild_id = :guild AND r.created_at >= :lo AND r.created_at < :hi AND {w.scope.has('r.shared_by')})"
            " GROUP BY g",
            w.params(),
        )
        return {int(r[0]): Counted(int(r[1]), int(r[2])) for r in rows}

    async def marks_by_sector(self, w: Window, *, of: str) -> dict[tuple[int, str], tuple[int, int, int]]:
        """(sector, mark) → ("used" or "helpful" marks given in the window, distinct sharers, distinct
        markers), by the sector of the resource's sharer (`of="sharer"`) or of who marked it (`of="user"`)."""
        who = "r.shared_by" if of == "sharer" else "k.user_id"
        rows = await self._rows(
            w.with_() + "SELECT g, mark, COUNT(*), COUNT(DISTINCT sharer), COUNT(DISTINCT marker) FROM ("
            f"SELECT {sector_of(who)} AS g, k.mark, r.shared_by AS sharer, k.user_id AS marker"
            " FROM resource_marks k JOIN resources r ON r.id = k.resource_id"
            " WHERE k.guild_id = :guild AND k.mark IN ('used', 'helpful') AND k.created_at >= :lo AND k.created_at < :hi"
            f" AND {w.scope.has(who)}) GROUP BY g, mark",
            w.params(),
        )
        return {(int(r[0]), r[1]): (int(r[2]), int(r[3]), int(r[4])) for r in rows}

    # -- surveys --------------------------------------------------------------------------------------

    async def surveys_closing(self, guild_id: int, lo: datetime, hi: datetime, template: str) -> list[Survey]:
        """Surveys of a template closing in [lo, hi), and those still open that opened before `hi` (their
        figures so far), by their closing time."""
        rows = await self.db.fetchall(
            "SELECT * FROM surveys WHERE guild_id = :guild AND template = :template"
            " AND ((closes_at >= :lo AND closes_at < :hi) OR (state = 'open' AND opens_at < :hi AND closes_at >= :hi))"
            " ORDER BY closes_at, id",
            {"guild": guild_id, "template": template, "lo": to_db_time(lo), "hi": to_db_time(hi)},
            snapshot=True,
        )
        return [Survey.from_row(r) for r in rows]

    # -- stories --------------------------------------------------------------------------------------

    async def stories(self, w: Window) -> list[Story]:
        """The stories told in the window by the audience, newest first."""
        rows = await self._rows(
            w.with_()
            + "SELECT * FROM stories WHERE guild_id = :guild AND created_at >= :lo AND created_at < :hi"
            f" AND {w.scope.has('author_id')} ORDER BY created_at DESC, id DESC",
            w.params(),
        )
        return [_story(r) for r in rows]

    async def names(self, guild_id: int, user_ids: Iterable[int]) -> dict[int, str]:
        """Profile names of these members (only those who agreed to be named are asked for)."""
        ids = sorted(set(user_ids))
        if not ids:
            return {}
        rows = await self.db.fetchall(
            f"SELECT user_id, name FROM profiles WHERE guild_id = ? AND user_id IN ({', '.join('?' * len(ids))})",
            (guild_id, *ids),
            snapshot=True,
        )
        return {int(r[0]): str(r[1]) for r in rows}

    # -- goals and agreements -------------------------------------------------------------------------

    def _teams(self, w: Window, column: str) -> str:
        if w.scope.kind == "school":
            return f"{column} = :unit"
        if w.scope.kind == "group":
            return (
                f"{column} IN (SELECT school_id FROM school_members WHERE guild_id = :guild"
                " AND user_id IN (SELECT user_id FROM scope))"
            )
        return "1"

    async def goals_by_status(self, w: Window) -> dict[str, tuple[int, int]]:
        """Status (today) → goals set before the window's end, and the teams they belong to (the whole
        community's goals count as one team, for everyone only)."""
        rows = await self._rows(
            w.with_() + "SELECT status, COUNT(*), COUNT(DISTINCT IFNULL(school_id, 0)) FROM goals"
            f" WHERE guild_id = :guild AND created_at < :hi AND {self._teams(w, 'school_id')} GROUP BY status",
            w.params(),
        )
        return {r[0]: (int(r[1]), int(r[2])) for r in rows}

    async def goal_checkins(self, w: Window) -> Counted:
        rows = await self._rows(
            w.with_() + "SELECT COUNT(*), COUNT(DISTINCT c.author_id) FROM goal_checkins c"
            " JOIN goals g ON g.id = c.goal_id WHERE c.guild_id = :guild AND c.at >= :lo AND c.at < :hi"
            f" AND {self._teams(w, 'g.school_id')}",
            w.params(),
        )
        return Counted(int(rows[0][0]), int(rows[0][1]))

    async def hours_rows(self, w: Window) -> list[HoursRow]:
        """Agreements made before the window's end and not closed before its start: status (today), hours
        and the partner's stakeholder group (their sector)."""
        scoped = (
            "1"
            if w.scope.everyone
            else f"(a.school_id = :unit OR {w.scope.has('a.partner_id', 'a.team_confirmed_by')})"
            if w.scope.kind == "school"
            else w.scope.has("a.partner_id", "a.team_confirmed_by")
        )
        rows = await self._rows(
            w.with_() + "SELECT a.status, a.hours_per_month, g.name FROM agreements a"
            f" LEFT JOIN stakeholder_groups g ON g.id = (CASE WHEN a.partner_id IS NULL THEN 0 ELSE {sector_of('a.partner_id')} END)"
            " WHERE a.guild_id = :guild AND a.created_at < :hi AND (a.closed_at IS NULL OR a.closed_at >= :lo)"
            f" AND {scoped}",
            w.params(),
        )
        return [HoursRow(Status(r[0]), int(r[1]), r[2]) for r in rows]

    # -- headline -------------------------------------------------------------------------------------

    async def teams_with_members(self, w: Window) -> int:
        """School teams with at least one member of the audience (memberships begun before the end)."""
        return int(
            await self.db.fetchval(
                w.with_() + "SELECT COUNT(DISTINCT school_id) FROM school_members WHERE guild_id = :guild"
                f" AND joined_at < :hi AND {w.scope.has('user_id')}",
                w.params(),
                snapshot=True,
            )
            or 0
        )
