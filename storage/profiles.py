"""Member profiles: introductions, the directory (FTS5), /connect candidates and records, intro settings."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from storage.database import Database
from storage.fts import any_word, terms, tiered_hits
from storage.groups import name_key
from storage.jobs import from_db_time, to_db_time

DEFAULT_HIDDEN_DAYS = 30
DIRECTORY_LIMIT = 50  # results kept for paging (5 pages); beyond them the reply says "more than 50"
SNIPPET_START, SNIPPET_END = "\x02", "\x03"  # marks around matched words, replaced after escaping


@dataclass(frozen=True, slots=True)
class Profile:
    guild_id: int
    user_id: int
    name: str
    organization: str = ""
    school_id: int | None = None
    group_id: int | None = None
    title: str = ""
    interests: tuple[str, ...] = ()
    offers: str = ""
    seeks: str = ""
    card_channel_id: int | None = None
    card_message_id: int | None = None
    left_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class MemberPost:
    """A message copbot posted about a member (member_posts): a welcome, or a reminder mentioning them."""

    kind: str  # 'welcome' | 'remind'
    channel_id: int
    message_id: int


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who is looking: protected members are shown only to organizers and their school teammates."""

    user_id: int
    organizer: bool = False


@dataclass(frozen=True, slots=True)
class DirectoryQuery:
    group_id: int | None = None
    school: str | None = None  # a school or organization name (matches the linked school or the text)
    interest: str | None = None
    offering: str | None = None
    seeking: str | None = None
    text: str | None = None


@dataclass(frozen=True, slots=True)
class DirectoryEntry:
    profile: Profile
    snippet: str | None  # matched words between SNIPPET_START and SNIPPET_END, when text was searched


@dataclass(slots=True)
class DirectoryPage:
    entries: list[DirectoryEntry] = field(default_factory=list)
    more: bool = False  # more profiles match than `entries` holds (they are not counted: a filter narrows)


@dataclass(frozen=True, slots=True)
class IntroSettings:
    guild_id: int
    welcome: str | None = None
    dm_welcome: bool = False
    hidden_days: int = DEFAULT_HIDDEN_DAYS


def split_interests(text: str, *, limit: int = 15, length: int = 40) -> tuple[str, ...]:
    """`"robotics, Coding ,robotics"` → `("robotics", "Coding")`: trimmed, distinct without case, bounded."""
    seen: set[str] = set()
    found: list[str] = []
    for part in text.replace(";", ",").replace("\n", ",").split(","):
        item = " ".join(part.split())[:length]
        if item and name_key(item) not in seen:
            seen.add(name_key(item))
            found.append(item)
    return tuple(found[:limit])


def _profile(row: sqlite3.Row) -> Profile:
    return Profile(
        guild_id=int(row["guild_id"]),
        user_id=int(row["user_id"]),
        name=row["name"],
        organization=row["organization"],
        school_id=row["school_id"],
        group_id=row["group_id"],
        title=row["title"],
        interests=split_interests(row["interests"]),
        offers=row["offers"],
        seeks=row["seeks"],
        card_channel_id=row["card_channel_id"],
        card_message_id=row["card_message_id"],
        left_at=from_db_time(row["left_at"]) if row["left_at"] else None,
    )


# Members of a protected group (by membership or by their profile's primary group). Both subqueries are
# uncorrelated (the guild id is a parameter), so SQLite computes each once per query, not once per row.
_PROTECTED = (
    "((p.group_id IS NOT NULL AND p.group_id IN"
    " (SELECT id FROM stakeholder_groups WHERE guild_id = ? AND protected = 1))"
    " OR p.user_id IN (SELECT m.user_id FROM group_members m JOIN stakeholder_groups g ON g.id = m.group_id"
    " WHERE m.guild_id = ? AND g.protected = 1))"
)
_TEAMMATE = (
    "p.user_id IN (SELECT o.user_id FROM school_members s JOIN school_members o ON o.school_id = s.school_id"
    " WHERE s.guild_id = ? AND s.user_id = ?)"
)


def _visible(guild_id: int, viewer: Viewer) -> tuple[str, list[Any]]:
    """SQL keeping only the profiles this viewer may see (never hidden ones)."""
    if viewer.organizer:
        return "p.left_at IS NULL", []
    return (
        f"p.left_at IS NULL AND (p.user_id = ? OR NOT {_PROTECTED} OR {_TEAMMATE})",
        [viewer.user_id, guild_id, guild_id, guild_id, viewer.user_id],
    )


def _phrase(text: str) -> str | None:
    words = terms(text)
    return " ".join(f'"{w}"*' for w in words) if words else None


def directory_match(query: DirectoryQuery) -> str | None:
    """One FTS5 MATCH expression for the text, offering and seeking filters (member text made safe)."""
    tiers = directory_tiers(query)
    return tiers[-1] if tiers else None


def directory_tiers(query: DirectoryQuery) -> list[str]:
    """The directory's MATCH expressions, best first: the text in a name, in a name, organization or title,
    anywhere; each with the offering and seeking filters. Empty when nothing is searched for."""
    parts: list[str] = []
    for column, value in (("offers", query.offering), ("seeks", query.seeking)):
        if value:
            parts.extend(f'{column} : "{w}"*' for w in terms(value))
    phrase = _phrase(query.text) if query.text else None
    if phrase is None:
        return [" AND ".join(parts)] if parts else []
    return [
        " AND ".join([f"{columns}({phrase})", *parts])
        for columns in ("{name} : ", "{name organization title} : ", "")
    ]


def any_of(text: str, columns: tuple[str, ...] = ("offers", "interests")) -> str | None:
    """A MATCH expression for any word of `text` in `columns` (for /connect's candidates)."""
    words = any_word(text)
    return None if words is None else "{" + " ".join(columns) + "} : (" + words + ")"


class ProfileRepository:
    """Profiles of each guild."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # -- one profile -------------------------------------------------------------------------------------

    async def get(self, guild_id: int, user_id: int, *, include_hidden: bool = False) -> Profile | None:
        row = await self.db.fetchone(
            "SELECT * FROM profiles WHERE guild_id = ? AND user_id = ?"
            + ("" if include_hidden else " AND left_at IS NULL"),
            (guild_id, user_id),
        )
        return _profile(row) if row else None

    async def save(self, profile: Profile, *, now: datetime) -> Profile:
        """Create or update the introduction fields (offers/seeks and the card are kept unless given)."""
        interests = split_interests(", ".join(profile.interests))
        async with self.db.transaction():
            await self.db.execute(
                "INSERT INTO profiles (guild_id, user_id, name, organization, school_id, group_id, title, interests,"
                " offers, seeks, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (guild_id, user_id) DO UPDATE SET name = excluded.name,"
                " organization = excluded.organization, school_id = excluded.school_id,"
                " group_id = excluded.group_id, title = excluded.title, interests = excluded.interests,"
                " updated_at = excluded.updated_at, left_at = NULL",
                (
                    profile.guild_id,
                    profile.user_id,
                    profile.name,
                    profile.organization,
                    profile.school_id,
                    profile.group_id,
                    profile.title,
                    ", ".join(interests),
                    profile.offers,
                    profile.seeks,
                    to_db_time(now),
                    to_db_time(now),
                ),
            )
            await self.db.execute(
                "DELETE FROM profile_interests WHERE guild_id = ? AND user_id = ?",
                (profile.guild_id, profile.user_id),
            )
            await self.db.conn.executemany(
                "INSERT OR IGNORE INTO profile_interests (guild_id, user_id, interest, interest_key)"
                " VALUES (?, ?, ?, ?)",
                [(profile.guild_id, profile.user_id, i, name_key(i)) for i in interests],
            )
        saved = await self.get(profile.guild_id, profile.user_id)
        assert saved is not None
        return saved

    async def set_needs(self, guild_id: int, user_id: int, offers: str, seeks: str, *, now: datetime) -> bool:
        return bool(
            await self.db.execute_rowcount(
                "UPDATE profiles SET offers = ?, seeks = ?, updated_at = ? WHERE guild_id = ? AND user_id = ?",
                (offers, seeks, to_db_time(now), guild_id, user_id),
            )
        )

    async def set_card(
        self, guild_id: int, user_id: int, channel_id: int | None, message_id: int | None
    ) -> None:
        await self.db.execute(
            "UPDATE profiles SET card_channel_id = ?, card_message_id = ? WHERE guild_id = ? AND user_id = ?",
            (channel_id, message_id, guild_id, user_id),
        )

    # -- leaving and coming back ---------------------------------------------------------------------------

    async def depart(self, guild_id: int, user_id: int, when: datetime) -> int:
        """Record that the member left (their profile, if any, is hidden); returns the departure's id."""
        async with self.db.transaction():
            await self.db.execute(
                "INSERT OR IGNORE INTO departures (guild_id, user_id, left_at) VALUES (?, ?, ?)",
                (guild_id, user_id, to_db_time(when)),
            )
            await self.hide(guild_id, user_id, when)
            return int(
                await self.db.fetchval(
                    "SELECT id FROM departures WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
                )
            )

    async def return_of(self, guild_id: int, user_id: int) -> int | None:
        """The member came back: forget the departure, show the profile; the departure's id if there was one."""
        async with self.db.transaction():
            departure = await self.db.fetchval(
                "SELECT id FROM departures WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
            )
            if departure is None:
                return None
            await self.db.execute("DELETE FROM departures WHERE id = ?", (departure,))
            await self.unhide(guild_id, user_id)
        return int(departure)

    async def departure(self, guild_id: int, departure_id: int) -> int | None:
        """The user id of a departure still pending."""
        value = await self.db.fetchval(
            "SELECT user_id FROM departures WHERE guild_id = ? AND id = ?", (guild_id, departure_id)
        )
        return int(value) if value is not None else None

    async def hide(self, guild_id: int, user_id: int, when: datetime) -> bool:
        return bool(
            await self.db.execute_rowcount(
                "UPDATE profiles SET left_at = ? WHERE guild_id = ? AND user_id = ? AND left_at IS NULL",
                (to_db_time(when), guild_id, user_id),
            )
        )

    async def unhide(self, guild_id: int, user_id: int) -> bool:
        return bool(
            await self.db.execute_rowcount(
                "UPDATE profiles SET left_at = NULL WHERE guild_id = ? AND user_id = ? AND left_at IS NOT NULL",
                (guild_id, user_id),
            )
        )

    # -- personal data -------------------------------------------------------------------------------------

    async def export_member(self, guild_id: int, user_id: int) -> dict[str, Any] | None:
        row = await self.db.fetchone(
            "SELECT name, organization, title, interests, offers, seeks, created_at, updated_at, left_at"
            " FROM profiles WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
        )
        connections = await self.db.fetchall(
            "SELECT seeker_id, match_id, topic, created_at FROM connections"
            " WHERE guild_id = ? AND (seeker_id = ? OR match_id = ?) ORDER BY id",
            (guild_id, user_id, user_id),
        )
        reminded = await self.db.fetchval(
            "SELECT reminded_at FROM intro_reminders WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
        )
        posts = await self.posts_of(guild_id, user_id)
        if row is None and not connections and reminded is None and not posts:
            return None
        return {
            "profile": dict(row) if row else None,
            "connections": [dict(c) for c in connections],
            "reminded_to_introduce_at": reminded,
            "messages_about_you": [
                {"kind": p.kind, "channel_id": str(p.channel_id), "message_id": str(p.message_id)}
                for p in posts
            ],
        }

    async def delete_member(self, guild_id: int, user_id: int) -> int:
        """The profile, its interests, /connect records naming the member, and reminders."""
        async with self.db.transaction():
            removed = await self.db.execute_rowcount(
                "DELETE FROM profile_interests WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
            )
            removed += await self.db.execute_rowcount(
                "DELETE FROM profiles WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
            )
            removed += await self.db.execute_rowcount(
                "DELETE FROM connections WHERE guild_id = ? AND (seeker_id = ? OR match_id = ?)",
                (guild_id, user_id, user_id),
            )
            removed += await self.db.execute_rowcount(
                "DELETE FROM intro_reminders WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
            )
            removed += await self.db.execute_rowcount(
                "DELETE FROM departures WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
            )
            removed += await self.db.execute_rowcount(
                "DELETE FROM member_posts WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
            )
        return removed

    # -- messages about a member ----------------------------------------------------------------------------

    async def record_post(
        self, guild_id: int, user_ids: list[int], kind: str, channel_id: int, message_id: int
    ) -> None:
        """A message mentioning these members was posted: it goes (or loses their mention) with their data."""
        await self.db.executemany(
            "INSERT OR IGNORE INTO member_posts (guild_id, user_id, kind, channel_id, message_id)"
            " VALUES (?, ?, ?, ?, ?)",
            [(guild_id, user_id, kind, channel_id, message_id) for user_id in user_ids],
        )

    async def posts_of(self, guild_id: int, user_id: int) -> list[MemberPost]:
        rows = await self.db.fetchall(
            "SELECT kind, channel_id, message_id FROM member_posts WHERE guild_id = ? AND user_id = ?"
            " ORDER BY message_id",
            (guild_id, user_id),
        )
        return [MemberPost(r["kind"], int(r["channel_id"]), int(r["message_id"])) for r in rows]

    async def mentioned_in(self, message_id: int) -> list[int]:
        """The members a recorded message mentions, in the order they were recorded."""
        rows = await self.db.fetchall(
            "SELECT user_id FROM member_posts WHERE message_id = ? ORDER BY rowid", (message_id,)
        )
        return [int(r["user_id"]) for r in rows]

    # -- visibility -------------------------------------------------------------------------------------------

    async def visible_to(self, profile: Profile, viewer: Viewer) -> bool:
        condition, params = _visible(profile.guild_id, viewer)
        row = await self.db.fetchone(
            f"SELECT 1 FROM profiles p WHERE p.guild_id = ? AND p.user_id = ? AND {condition}",
            (profile.guild_id, profile.user_id, *params),
        )
        return row is not None

    async def is_protected(self, guild_id: int, user_id: int) -> bool:
        row = await self.db.fetchone(
            f"SELECT 1 FROM profiles p WHERE p.guild_id = ? AND p.user_id = ? AND {_PROTECTED}",
            (guild_id, user_id, guild_id, guild_id),
        )
        if row is not None:
            return True
        return bool(
            await self.db.fetchval(
                "SELECT 1 FROM group_members m JOIN stakeholder_groups g ON g.id = m.group_id"
                " WHERE m.guild_id = ? AND m.user_id = ? AND g.protected = 1",
                (guild_id, user_id),
            )
        )

    # -- the directory -----------------------------------------------------------------------------------------

    async def directory(
        self, guild_id: int, query: DirectoryQuery, viewer: Viewer, *, limit: int = DIRECTORY_LIMIT
    ) -> DirectoryPage:
        where = ["p.guild_id = ?"]
        params: list[Any] = [guild_id]
        condition, extra = _visible(guild_id, viewer)
        where.append(condition)
        params.extend(extra)
        if query.group_id is not None:
            where.append(
                "(p.group_id = ? OR p.user_id IN (SELECT user_id FROM group_members WHERE group_id = ?))"
            )
            params.extend([query.group_id, query.group_id])
        if query.school:
            pattern = "%" + _like(query.school) + "%"
            where.append(
                "(p.organization LIKE ? ESCAPE '\\' OR p.school_id IN"
                " (SELECT id FROM schools WHERE guild_id = ? AND name LIKE ? ESCAPE '\\'))"
            )
            params.extend([pattern, guild_id, pattern])
        if query.interest:
            where.append(
                "p.user_id IN (SELECT user_id FROM profile_interests WHERE guild_id = ?"
                " AND interest_key LIKE ? ESCAPE '\\')"
            )
            params.append(guild_id)
            params.append(_like(name_key(query.interest)) + "%")
        tiers = directory_tiers(query)
        if any((query.text, query.offering, query.seeking)) and not tiers:
            return DirectoryPage()  # only punctuation typed: nothing can match
        clause = " AND ".join(where)
        if tiers:
            # Matches best tier first and newest first within it, a page of each read (storage.fts).
            snippet = f"snippet(profiles_fts, -1, '{SNIPPET_START}', '{SNIPPET_END}', '…', 12)"
            hits, values = tiered_hits(
                "profiles_fts", "JOIN profiles p ON p.rowid = f.rowid", clause, params, tiers, limit + 1,
                extra=snippet,
            )  # fmt: skip
            rows = await self.db.fetchall(
                f"WITH {hits} SELECT h.extra AS snip, p.* FROM hits h JOIN profiles p ON p.rowid = h.id"
                " ORDER BY h.tier, h.id DESC LIMIT ?",
                (*values, limit + 1),
            )
        else:
            rows = await self.db.fetchall(  # one more row than is kept says whether more match
                f"SELECT NULL AS snip, p.* FROM profiles p WHERE {clause}"
                " ORDER BY p.name COLLATE NOCASE, p.user_id LIMIT ?",
                (*params, limit + 1),
            )
        more = len(rows) > limit
        return DirectoryPage([DirectoryEntry(_profile(r), r["snip"]) for r in rows[:limit]], more)

    async def connect_candidates(
        self, guild_id: int, need: str, *, exclude: int, limit: int = 60
    ) -> list[Profile]:
        """Visible, unprotected profiles whose offers or interests share a word with `need`: those who offer
        every word first, then any word, then who like one; the newest first within each (`tiered_hits`: at
        most `limit` of each are read)."""
        offers, either = any_of(need, ("offers",)), any_of(need)
        if offers is None or either is None:
            return []
        hits, params = tiered_hits(
            "profiles_fts",
            "JOIN profiles p ON p.rowid = f.rowid",
            f"p.guild_id = ? AND p.user_id != ? AND p.left_at IS NULL AND NOT {_PROTECTED}",
            [guild_id, exclude, guild_id, guild_id],
            [f"{{offers}} : ({_phrase(need)})", offers, either],
            limit,
        )
        rows = await self.db.fetchall(
            f"WITH {hits} SELECT p.* FROM hits h JOIN profiles p ON p.rowid = h.id ORDER BY h.tier, h.id DESC LIMIT ?",
            (*params, limit),
        )
        return [_profile(r) for r in rows]

    async def interests_like(
        self, guild_id: int, typed: str, viewer: Viewer, *, limit: int = 25
    ) -> list[str]:
        """Interests of the profiles `viewer` may see (`_visible`), most common first."""
        condition, params = _visible(guild_id, viewer)
        rows = await self.db.fetchall(
            "SELECT i.interest, COUNT(*) AS n FROM profile_interests i"
            " JOIN profiles p ON p.guild_id = i.guild_id AND p.user_id = i.user_id"
            f" WHERE i.guild_id = ? AND i.interest_key LIKE ? ESCAPE '\\' AND {condition}"
            " GROUP BY i.interest_key ORDER BY n DESC, i.interest_key LIMIT ?",
            (guild_id, "%" + _like(name_key(typed)) + "%", *params, limit),
        )
        return [r["interest"] for r in rows]

    async def organizations_like(self, guild_id: int, typed: str, *, limit: int = 25) -> list[str]:
        """Organizations of visible profiles containing `typed`, the most named first (migration 0024 keeps
        the counts)."""
        rows = await self.db.fetchall(
            "SELECT name FROM profile_organizations WHERE guild_id = ? AND name LIKE ? ESCAPE '\\'"
            " ORDER BY members DESC, name LIMIT ?",
            (guild_id, "%" + _like(typed) + "%", limit),
        )
        return [r["name"] for r in rows]

    async def introduced_ids(self, guild_id: int) -> set[int]:
        rows = await self.db.fetchall("SELECT user_id FROM profiles WHERE guild_id = ?", (guild_id,))
        return {int(r["user_id"]) for r in rows}

    async def record_connection(
        self, guild_id: int, seeker_id: int, match_id: int, topic: str, reasons: str, *, now: datetime
    ) -> int:
        return await self.db.execute(
            "INSERT INTO connections (guild_id, seeker_id, match_id, topic, reasons, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (guild_id, seeker_id, match_id, topic, reasons, to_db_time(now)),
        )

    async def connection_count(self, guild_id: int) -> int:
        return int(
            await self.db.fetchval("SELECT COUNT(*) FROM connections WHERE guild_id = ?", (guild_id,)) or 0
        )

    # -- reminders ----------------------------------------------------------------------------------------------

    async def reminded_ids(self, guild_id: int) -> set[int]:
        rows = await self.db.fetchall("SELECT user_id FROM intro_reminders WHERE guild_id = ?", (guild_id,))
        return {int(r["user_id"]) for r in rows}

    async def mark_reminded(self, guild_id: int, user_ids: list[int], *, now: datetime) -> None:
        await self.db.executemany(
            "INSERT OR REPLACE INTO intro_reminders (guild_id, user_id, reminded_at) VALUES (?, ?, ?)",
            [(guild_id, u, to_db_time(now)) for u in user_ids],
        )

    # -- counts ----------------------------------------------------------------------------------------------------

    async def counts(self, guild_id: int) -> tuple[int, dict[str, int], dict[str, int]]:
        """(profiles shown, per group name, per school/organization name) for /cop stats."""
        total = int(
            await self.db.fetchval(
                "SELECT COUNT(*) FROM profiles WHERE guild_id = ? AND left_at IS NULL", (guild_id,)
            )
            or 0
        )
        groups = await self.db.fetchall(
            "SELECT COALESCE(g.name, 'No group') AS label, COUNT(*) AS n FROM profiles p"
            " LEFT JOIN stakeholder_groups g ON g.id = p.group_id WHERE p.guild_id = ? AND p.left_at IS NULL"
            " GROUP BY label ORDER BY n DESC, label",
            (guild_id,),
        )
        schools = await self.db.fetchall(
            "SELECT COALESCE(s.name, NULLIF(p.organization, ''), 'Not given') AS label, COUNT(*) AS n"
            " FROM profiles p LEFT JOIN schools s ON s.id = p.school_id WHERE p.guild_id = ? AND p.left_at IS NULL"
            " GROUP BY label ORDER BY n DESC, label",
            (guild_id,),
        )
        return total, {r["label"]: int(r["n"]) for r in groups}, {r["label"]: int(r["n"]) for r in schools}

    # -- settings ----------------------------------------------------------------------------------------------------

    async def settings(self, guild_id: int) -> IntroSettings:
        row = await self.db.fetchone("SELECT * FROM intro_settings WHERE guild_id = ?", (guild_id,))
        if row is None:
            return IntroSettings(guild_id)
        return IntroSettings(guild_id, row["welcome"], bool(row["dm_welcome"]), int(row["hidden_days"]))

    async def save_settings(self, settings: IntroSettings) -> None:
        await self.db.execute(
            "INSERT INTO intro_settings (guild_id, welcome, dm_welcome, hidden_days) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (guild_id) DO UPDATE SET welcome = excluded.welcome, dm_welcome = excluded.dm_welcome,"
            " hidden_days = excluded.hidden_days",
            (settings.guild_id, settings.welcome, int(settings.dm_welcome), settings.hidden_days),
        )


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
