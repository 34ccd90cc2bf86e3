"""A seeded school year of a statewide community, for the evidence report's tests and benchmark.

`seed_year(db)` writes, straight into the database (one transaction of `executemany`s, a few seconds at full
size): 61 school teams (some names in other scripts), the 10 default stakeholder groups, 1 000 members with
profiles and group and team memberships, 40 meetings with RSVPs, check-ins and agenda topics with votes,
500 resources shared, used and rated, /connect introductions, a pulse survey at the start and the end of the
year and a readiness self-assessment, value stories of every cycle (some shareable, named or not), team goals
with check-ins and collaboration agreements with hours. Everything comes from `random.Random(seed)`, so a
size and a seed always give the same year. `Size.small()` is a community a test seeds in well under a second.

One group, Professional Associations, has exactly `SMALL_GROUP` (4) members, all active: every figure about it
must show "fewer than 5".
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from core.report.model import Period
from core.surveys.questions import Kind, Question, to_json
from core.surveys.templates import PULSE, READINESS
from storage.database import Database
from storage.groups import DEFAULT_GROUPS
from storage.jobs import to_db_time
from storage.units import name_key

GUILD = 4242
ZONE = "America/Phoenix"
NOW = datetime(2026, 6, 30, 23, 0, tzinfo=UTC)  # 30 June 2026, 16:00 in Phoenix
PERIOD = Period(date(2025, 8, 1), date(2026, 6, 30), "school year 2025–26 (to 30 Jun 2026)")
ORGANIZERS = (1, 2)
SMALL_GROUP = 4
SMALL_GROUP_NAME = "Professional Associations"
FIRST_USER = 1000
YEAR_START = datetime(2025, 8, 1, 15, 0, tzinfo=UTC)

# Share of members in each default group (Professional Associations: exactly SMALL_GROUP members).
WEIGHTS = {
    "Teachers": 36,
    "Instructional Coaches": 8,
    "School Administrators": 8,
    "Parents & Families": 12,
    "Students": 14,
    "Business & Industry": 7,
    "Community Partners": 7,
    "Education Agencies": 3,
    "STEM Experts": 5,
}
SCHOOL_GROUPS = {
    "Teachers",
    "Instructional Coaches",
    "School Administrators",
    "Parents & Families",
    "Students",
}
PARTNER_GROUPS = {
    "Business & Industry",
    "Community Partners",
    "Education Agencies",
    "STEM Experts",
    SMALL_GROUP_NAME,
}
TOPICS = [
    "robotics", "coding", "grant writing", "field trips", "mentoring", "lesson plans", "career talks",
    "3D printing", "data science", "family nights", "internships", "classroom visits", "engineering design",
    "science fairs", "drones", "environmental science", "math circles", "makerspaces",
]  # fmt: skip
FIRST_NAMES = [
    "Ana", "José", "Zoë", "Nguyễn", "Åsa", "Søren", "Chloé", "Mateo", "Aiyana", "Hiroshi", "Fatima", "Liam",
    "Olivia", "Dmitri", "Фёдор", "محمد", "李", "Ngozi", "Kai", "Priya", "Łucja", "Tomás", "Siobhán", "Darnell",
]  # fmt: skip
LAST_NAMES = [
    "García", "Smith", "Begay", "O'Brien", "Müller", "Nakamura", "Okafor", "Yazzie", "Kowalski", "Núñez",
    "Johnson", "Patel", "Lee", "王", "Иванова", "Tsosie", "Haddad", "Brown", "Svensson", "Díaz",
]  # fmt: skip
SCHOOL_STEMS = [
    "Agua Fria", "Buckeye", "Cactus", "Desert View", "Estrella", "Flagstaff", "Globe", "Highland", "Ironwood",
    "Kingman", "Lake Havasu", "Mesa", "Navajo", "Oracle", "Paradise Valley", "Queen Creek", "Red Rock",
    "Sahuaro", "Tombstone", "Verde", "Winslow", "Yuma", "Zuni", "Niños Héroes", "Diné Bí'ólta'",
    "École Élan", "Tōhono", "Ñandú", "Şafak", "青空 (Aozora)", "Ła'", "Ōkami",
]  # fmt: skip
SCHOOL_KINDS = ["Elementary", "Middle School", "High School"]
STORY_TEXTS = {
    "immediate": "Talking with {t} people gave me a new idea for {x} right away.",
    "potential": "I found a {x} plan I will use next month — merci! 🚀",
    "applied": "We tried the {x} activity in class; the students asked to do it again.",
    "realized": "Since we started {x}, more of our students chose STEM electives (über 20%).",
}


@dataclass(frozen=True, slots=True)
class Size:
    """How big the year is."""

    schools: int = 61
    members: int = 1000
    meetings: int = 40
    resources: int = 500
    connections: int = 300
    stories: int = 400
    agreements: int = 80

    @classmethod
    def small(cls, schools: int = 6) -> Size:
        return cls(
            schools=schools, members=160, meetings=8, resources=60, connections=50, stories=60, agreements=14
        )


@dataclass(slots=True)
class Year:
    """What was seeded, for tests to look things up."""

    guild_id: int
    size: Size
    groups: dict[str, int] = field(default_factory=dict)  # name -> id
    schools: dict[str, int] = field(default_factory=dict)  # name -> id
    members: dict[int, str] = field(default_factory=dict)  # user id -> group name
    small_group: list[int] = field(default_factory=list)  # the members of SMALL_GROUP_NAME
    surveys: dict[str, int] = field(default_factory=dict)  # 'readiness', 'pulse_before', 'pulse_after' -> id


def school_names(count: int) -> list[str]:
    """Distinct school names, some in other scripts, spread over the alphabet."""
    names = [f"{stem} {kind}" for kind in SCHOOL_KINDS for stem in SCHOOL_STEMS]
    n = 2
    while len(names) < count:
        names += [f"{stem} Academy {n}" for stem in SCHOOL_STEMS]
        n += 1
    return sorted(random.Random(count).sample(names, count), key=str.casefold)


def _t(when: datetime) -> str:
    return to_db_time(when)


class _Writer:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def rows(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            await self.db.conn.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})", rows
            )


async def seed_year(db: Database, size: Size | None = None, *, seed: int = 17, guild_id: int = GUILD) -> Year:
    """Write the year into `db` (migrated, without this guild's rows); return what was seeded."""
    size = size or Size()
    rng = random.Random(seed)
    year = Year(guild_id, size)
    w = _Writer(db)
    g = guild_id
    base = g if g < 10**6 else 17  # row ids are made from it: a snowflake guild id would overflow them
    made = _t(YEAR_START - timedelta(days=31))
    async with db.transaction():
        await w.rows(
            "stakeholder_groups",
            (
                "id",
                "guild_id",
                "name",
                "name_key",
                "description",
                "emoji",
                "protected",
                "position",
                "created_at",
            ),
            [
                (base * 100 + i, g, name, name_key(name), text, emoji, int(protected), i, made)
                for i, (name, text, emoji, protected) in enumerate(DEFAULT_GROUPS, start=1)
            ],
        )
        year.groups = {name: base * 100 + i for i, (name, *_) in enumerate(DEFAULT_GROUPS, start=1)}
        names = school_names(size.schools)
        await w.rows(
            "schools",
            ("id", "guild_id", "name", "name_key", "district", "created_at"),
            [
                (base * 1000 + i, g, name, name_key(name), f"District {i % 7 + 1}", made)
                for i, name in enumerate(names, start=1)
            ],
        )
        year.schools = {name: base * 1000 + i for i, name in enumerate(names, start=1)}
        school_ids = list(year.schools.values())

        # Members: a group each (a few teachers are parents too), a school team for most school people.
        pool = [name for name, weight in WEIGHTS.items() for _ in range(weight)]
        group_of: dict[int, str] = {}
        team_of: dict[int, int | None] = {}
        joined: dict[int, datetime] = {}
        for n in range(size.members):
            user = FIRST_USER + n
            group = SMALL_GROUP_NAME if n < SMALL_GROUP else rng.choice(pool)
            group_of[user] = group
            joined[user] = YEAR_START + timedelta(days=rng.uniform(0, 90))
            school_people = group in SCHOOL_GROUPS
            on_team = rng.random() < (0.92 if school_people else 0.25)
            team_of[user] = rng.choice(school_ids) if on_team else None
        year.members = group_of
        year.small_group = [u for u, name in group_of.items() if name == SMALL_GROUP_NAME]
        users = list(group_of)
        profiles = []
        memberships = []
        teams = []
        for user in users:
            group = group_of[user]
            topics = rng.sample(TOPICS, 4)
            school = team_of[user]
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            left = _t(NOW - timedelta(days=10)) if rng.random() < 0.01 else None
            profiles.append(
                (
                    g,
                    user,
                    name,
                    next((s for s, i in year.schools.items() if i == school), "")
                    if school
                    else "Acme STEM Co",
                    school,
                    year.groups[group],
                    group.rstrip("s"),
                    ", ".join(topics[:2]),
                    f"{topics[2]} and {topics[0]}" if group in PARTNER_GROUPS else topics[2],
                    f"help with {topics[3]}",
                    _t(joined[user]),
                    _t(joined[user]),
                    left,
                )
            )
            memberships.append((g, year.groups[group], user, _t(joined[user])))
            if group == "Teachers" and rng.random() < 0.05:
                memberships.append((g, year.groups["Parents & Families"], user, _t(joined[user])))
            if school is not None:
                teams.append((g, school, user, _t(joined[user] + timedelta(days=2))))
        await w.rows(
            "profiles",
            (
                "guild_id", "user_id", "name", "organization", "school_id", "group_id", "title", "interests",
                "offers", "seeks", "created_at", "updated_at", "left_at",
            ),
            profiles,
        )  # fmt: skip
        await w.rows(
            "profile_interests",
            ("guild_id", "user_id", "interest", "interest_key"),
            [(g, p[1], i.strip(), i.strip().casefold()) for p in profiles for i in p[7].split(",")],
        )
        await w.rows("group_members", ("guild_id", "group_id", "user_id", "joined_at"), memberships)
        await w.rows("school_members", ("guild_id", "school_id", "user_id", "joined_at"), teams)
        teammates: dict[int, list[int]] = {}
        for _, school, user, _ in teams:
            teammates.setdefault(school, []).append(user)

        def active_weight(user: int) -> float:
            return 3.0 if group_of[user] == SMALL_GROUP_NAME else 1.0

        weights = [active_weight(u) for u in users]

        # Meetings: spread from September to May, one cancelled besides; RSVPs, check-ins, agenda and votes.
        first_meeting = datetime(2025, 9, 10, 1, 0, tzinfo=UTC)
        span = (datetime(2026, 5, 28, 1, 0, tzinfo=UTC) - first_meeting) / max(size.meetings - 1, 1)
        meetings, rsvps, checkins, agenda, votes = [], [], [], [], []
        item_id = base * 100000
        for m in range(size.meetings + 1):
            meeting = base * 10000 + m + 1
            cancelled = m == size.meetings
            starts = first_meeting + span * min(m, size.meetings - 1) + timedelta(hours=m % 3)
            meetings.append(
                (
                    meeting, g, f"Network meeting {m + 1}: {TOPICS[m % len(TOPICS)]}", _t(starts),
                    _t(starts + timedelta(hours=1)), ZONE, 555, "cancelled" if cancelled else "scheduled",
                    ORGANIZERS[m % 2], _t(starts - timedelta(days=14)), _t(starts - timedelta(days=14)),
                )
            )  # fmt: skip
            if cancelled:
                continue
            answered = rng.sample(users, k=max(1, int(len(users) * rng.uniform(0.12, 0.3))))
            for small in year.small_group:
                if rng.random() < 0.6 and small not in answered:
                    answered.append(small)
            for seq, user in enumerate(answered, start=1):
                status = rng.choices(["going", "maybe", "no"], weights=[70, 20, 10])[0]
                rsvps.append((g, meeting, user, status, seq, _t(starts - timedelta(days=rng.uniform(1, 10)))))
                came = (status == "going" and rng.random() < 0.75) or (
                    status == "maybe" and rng.random() < 0.3
                )
                if came:
                    checkins.append((g, meeting, user, _t(starts + timedelta(minutes=rng.uniform(-10, 20)))))
            for _ in range(rng.randint(2, 6)):
                item_id += 1
                author = ORGANIZERS[0] if rng.random() < 0.3 else rng.choices(users, weights=weights)[0]
                agenda.append(
                    (item_id, g, meeting, author, f"Let's talk about {rng.choice(TOPICS)}", int(rng.random() < 0.5),
                     _t(starts - timedelta(days=5)))
                )  # fmt: skip
                for voter in rng.sample(answered, k=min(len(answered), rng.randint(0, 15))):
                    votes.append((g, item_id, voter))
        await w.rows(
            "meetings",
            (
                "id", "guild_id", "title", "starts_at", "ends_at", "timezone", "channel_id", "state", "created_by",
                "created_at", "updated_at",
            ),
            meetings,
        )  # fmt: skip
        await w.rows(
            "meeting_rsvps", ("guild_id", "meeting_id", "user_id", "status", "seq", "updated_at"), rsvps
        )
        await w.rows("meeting_checkins", ("guild_id", "meeting_id", "user_id", "checked_in_at"), checkins)
        await w.rows(
            "meeting_agenda",
            ("id", "guild_id", "meeting_id", "author_id", "topic", "accepted", "created_at"),
            agenda,
        )
        await w.rows("meeting_agenda_votes", ("guild_id", "item_id", "user_id"), votes)

        # Resources, and who used, rated and saved them.
        resources, marks = [], []
        for r in range(size.resources):
            resource = base * 10000 + r + 1
            sharer = year.small_group[r % SMALL_GROUP] if r < 12 else rng.choices(users, weights=weights)[0]
            created = datetime(2025, 9, 1, tzinfo=UTC) + timedelta(days=rng.uniform(0, 260))
            marked: dict[str, list[int]] = {
                mark: rng.sample(users, k=rng.randint(0, top))
                for mark, top in (("used", 6), ("helpful", 8), ("saved", 3))
            }
            if r < 12:
                marked["used"] = list(dict.fromkeys([*marked["used"], *year.small_group[:2]]))
            for mark, who in marked.items():
                for user in who:
                    if user != sharer:
                        marks.append(
                            (g, resource, user, mark, _t(created + timedelta(days=rng.uniform(0.5, 40))))
                        )
            resources.append(
                (
                    resource, g, f"https://example.org/stem/{r}", f"example.org/stem/{r}",
                    f"{rng.choice(TOPICS).capitalize()} guide {r}", sharer,
                    sum(1 for u in marked["helpful"] if u != sharer),
                    sum(1 for u in marked["used"] if u != sharer),
                    _t(created), _t(created),
                )
            )  # fmt: skip
        await w.rows(
            "resources",
            (
                "id", "guild_id", "url", "url_key", "title", "shared_by", "helpful_count", "used_count",
                "created_at", "updated_at",
            ),
            resources,
        )  # fmt: skip
        await w.rows("resource_marks", ("guild_id", "resource_id", "user_id", "mark", "created_at"), marks)

        # /connect introductions, mostly across groups; the small group asks and is asked.
        introductions = []
        for c in range(size.connections):
            seeker = year.small_group[c % SMALL_GROUP] if c < 8 else rng.choice(users)
            match = rng.choice([u for u in rng.sample(users, 6) if u != seeker] or [users[0]])
            when = datetime(2025, 9, 1, tzinfo=UTC) + timedelta(days=rng.uniform(0, 270))
            topic = rng.choice(TOPICS)
            introductions.append((g, seeker, match, topic, f"can offer {topic}; another sector", _t(when)))
        await w.rows(
            "connections",
            ("guild_id", "seeker_id", "match_id", "topic", "reasons", "created_at"),
            introductions,
        )

        # Surveys: the pulse at the start and the end of the year, the readiness self-assessment in the fall.
        await _surveys(w, rng, year, users, team_of)

        # Value stories of every cycle.
        stories = []
        cycles = ["immediate", "potential", "applied", "realized"]
        for s in range(size.stories):
            author = year.small_group[s % SMALL_GROUP] if s < 6 else rng.choices(users, weights=weights)[0]
            cycle = rng.choices(cycles, weights=[40, 30, 20, 10])[0] if s >= 6 else cycles[s % 4]
            consent = "shareable" if rng.random() < 0.4 else "private"
            named = int(consent == "shareable" and rng.random() < 0.5)
            group = group_of[author]
            school = team_of[author]
            when = datetime(2025, 9, 5, tzinfo=UTC) + timedelta(days=rng.uniform(0, 280))
            stories.append(
                (
                    base * 10000 + s + 1, g, author, cycle,
                    STORY_TEXTS[cycle].format(t=rng.choice(["business", "museum", "university"]), x=rng.choice(TOPICS)),
                    consent, named, group, int(group == "Students"),
                    next((n for n, i in year.schools.items() if i == school), None), _t(when),
                )
            )  # fmt: skip
        await w.rows(
            "stories",
            (
                "id", "guild_id", "author_id", "cycle", "text", "consent", "named", "group_name",
                "group_protected", "school_name", "created_at",
            ),
            stories,
        )  # fmt: skip

        # Team goals with check-ins, and the whole community's own.
        goal_teams, goals, goal_checkins = [], [], []
        statuses = ["on_track", "at_risk", "done", "dropped"]
        goal_id = base * 10000
        for school in [*school_ids, None]:
            goal_teams.append((g, school, _t(datetime(2025, 9, 20, tzinfo=UTC))))
            for n in range(rng.randint(2, 4)):
                goal_id += 1
                status = rng.choices(statuses, weights=[50, 20, 20, 10])[0]
                created = datetime(2025, 9, 20, tzinfo=UTC) + timedelta(days=rng.uniform(0, 30))
                goals.append((goal_id, g, school, f"Goal {n + 1}: {rng.choice(TOPICS)}", "More students in STEM",
                              status, ORGANIZERS[0], _t(created), _t(created)))  # fmt: skip
                people = teammates.get(school, []) if school is not None else list(ORGANIZERS)
                for _ in range(rng.randint(0, 4) if people else 0):
                    goal_checkins.append(
                        (g, goal_id, rng.choice(statuses[:3]), "", rng.choice(people),
                         _t(created + timedelta(days=rng.uniform(10, 200))))
                    )  # fmt: skip
        await w.rows("goal_teams", ("guild_id", "school_id", "updated_at"), goal_teams)
        await w.rows(
            "goals",
            (
                "id",
                "guild_id",
                "school_id",
                "title",
                "outcome",
                "status",
                "created_by",
                "created_at",
                "updated_at",
            ),
            goals,
        )
        await w.rows(
            "goal_checkins", ("guild_id", "goal_id", "status", "note", "author_id", "at"), goal_checkins
        )

        # Collaboration agreements between teams and partners, with hours.
        partners = [u for u in users if group_of[u] in PARTNER_GROUPS]
        agreements = []
        for a in range(size.agreements):
            school = rng.choice([s for s in school_ids if teammates.get(s)] or school_ids)
            partner = year.small_group[0] if a == 0 else rng.choice(partners or users)
            status = rng.choices(["active", "proposed", "completed", "lapsed"], weights=[50, 15, 25, 10])[0]
            created = datetime(2025, 9, 15, tzinfo=UTC) + timedelta(days=rng.uniform(0, 200))
            confirmed = status != "proposed"
            team_member = rng.choice(teammates.get(school, [ORGANIZERS[0]]))
            closed = (
                _t(created + timedelta(days=rng.uniform(30, 90)))
                if status in ("completed", "lapsed")
                else None
            )
            agreements.append(
                (
                    base * 10000 + a + 1, g, school, next(n for n, i in year.schools.items() if i == school), partner,
                    "Partner org", "Host visits", "Mentor students", rng.randint(1, 20), _t(created),
                    _t(created + timedelta(days=180)), status, team_member if confirmed else None,
                    _t(created + timedelta(days=2)) if confirmed else None, partner if confirmed else None,
                    _t(created + timedelta(days=3)) if confirmed else None, team_member, _t(created), closed,
                )
            )  # fmt: skip
        await w.rows(
            "agreements",
            (
                "id", "guild_id", "school_id", "school_name", "partner_id", "organization", "team_commitment",
                "partner_commitment", "hours_per_month", "starts_at", "review_at", "status", "team_confirmed_by",
                "team_confirmed_at", "partner_confirmed_by", "partner_confirmed_at", "created_by", "created_at",
                "closed_at",
            ),
            agreements,
        )  # fmt: skip
    return year


def _answer(rng: random.Random, question: Question, lean: float) -> list[str]:
    if question.kind is Kind.LIKERT:
        return [str(min(5, max(1, round(rng.gauss(lean, 1.0)))))]
    if question.kind is Kind.SINGLE:
        return [str(rng.randint(1, len(question.choices)))]
    if question.kind is Kind.MULTIPLE:
        return [str(v) for v in sorted(rng.sample(range(1, len(question.choices) + 1), rng.randint(1, 3)))]
    return [f"More {rng.choice(TOPICS)} — s'il vous plaît"]


async def _surveys(
    w: _Writer, rng: random.Random, year: Year, users: list[int], team_of: dict[int, int | None]
) -> None:
    g = year.guild_id
    base = g if g < 10**6 else 17
    plans = [
        (
            "pulse_before",
            PULSE,
            datetime(2025, 9, 1, 15, tzinfo=UTC),
            datetime(2025, 9, 30, 15, tzinfo=UTC),
            2.4,
        ),
        (
            "readiness",
            READINESS,
            datetime(2025, 10, 1, 15, tzinfo=UTC),
            datetime(2025, 10, 31, 15, tzinfo=UTC),
            3.0,
        ),
        (
            "pulse_after",
            PULSE,
            datetime(2026, 5, 1, 15, tzinfo=UTC),
            datetime(2026, 5, 31, 15, tzinfo=UTC),
            3.4,
        ),
    ]
    surveys, responses, answers = [], [], []
    for n, (key, template, opens, closes, lean) in enumerate(plans, start=1):
        survey = base * 100 + n
        year.surveys[key] = survey
        surveys.append(
            (
                survey, g, ORGANIZERS[0], template.key, template.title, template.intro, to_json(template.questions),
                "everyone", None, "", _t(opens), _t(closes), 0, 0, "closed", 555, _t(opens), _t(closes),
            )
        )  # fmt: skip
        for user in users:
            if template is READINESS and team_of[user] is None:
                continue
            chance = 1.0 if user in year.small_group else 0.6
            if rng.random() >= chance:
                continue
            team_lean = lean + ((team_of[user] or 0) % 5 - 2) * 0.2
            for question in template.questions:
                if not question.required and rng.random() < 0.5:
                    continue
                answers.append((survey, g, user, question.key, json.dumps(_answer(rng, question, team_lean))))
            responses.append((survey, g, user, 2, 1, _t(opens + timedelta(days=rng.uniform(0, 25)))))
    await w.rows(
        "surveys",
        (
            "id", "guild_id", "author_id", "template", "title", "intro", "questions", "audience", "unit_id",
            "unit_name", "opens_at", "closes_at", "reminders", "keep_ids", "state", "channel_id", "created_at",
            "closed_at",
        ),
        surveys,
    )  # fmt: skip
    await w.rows(
        "survey_responses",
        ("survey_id", "guild_id", "user_id", "pages_saved", "finished", "updated_at"),
        responses,
    )
    await w.rows("survey_answers", ("survey_id", "guild_id", "user_id", "question_key", "answer"), answers)
