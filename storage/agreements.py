"""Collaboration agreements between a school team and a partner. The rules (who confirms, when an agreement
becomes active or lapses) are the core's (`core.agreements`); this module only runs SQL."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from storage.database import Database
from storage.jobs import _maybe_time, from_db_time, to_db_time


class Status(StrEnum):
    PROPOSED = "proposed"
    ACTIVE = "active"
    COMPLETED = "completed"
    LAPSED = "lapsed"


OPEN = frozenset({Status.PROPOSED, Status.ACTIVE})


@dataclass(frozen=True, slots=True)
class Agreement:
    id: int
    guild_id: int
    school_id: int
    school_name: str
    partner_id: int | None
    partner_former: bool
    organization: str
    team_commitment: str
    partner_commitment: str
    hours_per_month: int
    starts_at: datetime
    review_at: datetime
    status: Status
    team_confirmed_by: int | None
    team_confirmed_at: datetime | None
    partner_confirmed_by: int | None
    partner_confirmed_at: datetime | None
    card_channel_id: int | None
    card_message_id: int | None
    created_by: int | None
    created_at: datetime
    closed_at: datetime | None = None

    @property
    def owner(self) -> str:
        """The scheduler's owner key of this agreement's jobs."""
        return f"agreement:{self.id}"


@dataclass(frozen=True, slots=True)
class NewAgreement:
    guild_id: int
    school_id: int
    school_name: str
    partner_id: int | None
    organization: str
    team_commitment: str
    partner_commitment: str
    hours_per_month: int
    starts_at: datetime
    review_at: datetime
    created_by: int


@dataclass(frozen=True, slots=True)
class HoursRow:
    """One agreement as the hours report counts it: its status, hours and its partner's stakeholder group."""

    status: Status
    hours_per_month: int
    group_name: str | None


def _agreement(row: sqlite3.Row) -> Agreement:
    return Agreement(
        id=int(row["id"]),
        guild_id=int(row["guild_id"]),
        school_id=int(row["school_id"]),
        school_name=row["school_name"],
        partner_id=row["partner_id"],
        partner_former=bool(row["partner_former"]),
        organization=row["organization"],
        team_commitment=row["team_commitment"],
        partner_commitment=row["partner_commitment"],
        hours_per_month=int(row["hours_per_month"]),
        starts_at=from_db_time(row["starts_at"]),
        review_at=from_db_time(row["review_at"]),
        status=Status(row["status"]),
        team_confirmed_by=row["team_confirmed_by"],
        team_confirmed_at=_maybe_time(row["team_confirmed_at"]),
        partner_confirmed_by=row["partner_confirmed_by"],
        partner_confirmed_at=_maybe_time(row["partner_confirmed_at"]),
        card_channel_id=row["card_channel_id"],
        card_message_id=row["card_message_id"],
        created_by=row["created_by"],
        created_at=from_db_time(row["created_at"]),
        closed_at=_maybe_time(row["closed_at"]),
    )


_ABOUT = "(partner_id = ? OR team_confirmed_by = ? OR partner_confirmed_by = ? OR created_by = ?)"


class AgreementRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(self, new: NewAgreement, *, now: datetime) -> Agreement:
        agreement_id = await self.db.execute(
            "INSERT INTO agreements (guild_id, school_id, school_name, partner_id, organization,"
            " team_commitment, partner_commitment, hours_per_month, starts_at, review_at, created_by,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                new.guild_id,
                new.school_id,
                new.school_name,
                new.partner_id,
                new.organization,
                new.team_commitment,
                new.partner_commitment,
                new.hours_per_month,
                to_db_time(new.starts_at),
                to_db_time(new.review_at),
                new.created_by,
                to_db_time(now),
            ),
        )
        found = await self.get_any(agreement_id)
        assert found is not None
        return found

    async def get(self, guild_id: int, agreement_id: int) -> Agreement | None:
        row = await self.db.fetchone(
            "SELECT * FROM agreements WHERE guild_id = ? AND id = ?", (guild_id, agreement_id)
        )
        return _agreement(row) if row else None

    async def get_any(self, agreement_id: int) -> Agreement | None:
        """An agreement by id alone (a click in a DM carries no server)."""
        row = await self.db.fetchone("SELECT * FROM agreements WHERE id = ?", (agreement_id,))
        return _agreement(row) if row else None

    async def listed(self, guild_id: int, *, school_id: int | None = None) -> list[Agreement]:
        if school_id is None:
            rows = await self.db.fetchall(
                "SELECT * FROM agreements WHERE guild_id = ? ORDER BY review_at, id", (guild_id,)
            )
        else:
            rows = await self.db.fetchall(
                "SELECT * FROM agreements WHERE guild_id = ? AND school_id = ? ORDER BY review_at, id",
                (guild_id, school_id),
            )
        return [_agreement(r) for r in rows]

    async def confirm(
        self, agreement_id: int, side: str, user_id: int, status: Status, *, now: datetime
    ) -> None:
        column = "team" if side == "team" else "partner"
        await self.db.execute(
            f"UPDATE agreements SET {column}_confirmed_by = ?, {column}_confirmed_at = ?, status = ?"
            " WHERE id = ?",
            (user_id, to_db_time(now), status.value, agreement_id),
        )

    async def set_status(self, agreement_id: int, status: Status, *, now: datetime) -> None:
        closed = to_db_time(now) if status not in OPEN else None
        await self.db.execute(
            "UPDATE agreements SET status = ?, closed_at = ? WHERE id = ?",
            (status.value, closed, agreement_id),
        )

    async def set_review(self, agreement_id: int, review_at: datetime) -> None:
        await self.db.execute(
            "UPDATE agreements SET review_at = ? WHERE id = ?", (to_db_time(review_at), agreement_id)
        )

    async def set_card(self, agreement_id: int, channel_id: int, message_id: int) -> None:
        await self.db.execute(
            "UPDATE agreements SET card_channel_id = ?, card_message_id = ? WHERE id = ?",
            (channel_id, message_id, agreement_id),
        )

    async def hours_rows(self, guild_id: int) -> list[HoursRow]:
        """Every agreement's status, hours and its partner's stakeholder group (None: unknown)."""
        rows = await self.db.fetchall(
            "SELECT a.status, a.hours_per_month, g.name AS group_name FROM agreements a"
            " LEFT JOIN profiles p ON p.guild_id = a.guild_id AND p.user_id = a.partner_id"
            " LEFT JOIN stakeholder_groups g ON g.id = p.group_id"
            " WHERE a.guild_id = ?",
            (guild_id,),
        )
        return [HoursRow(Status(r["status"]), int(r["hours_per_month"]), r["group_name"]) for r in rows]

    async def about_member(self, guild_id: int, user_id: int) -> list[Agreement]:
        rows = await self.db.fetchall(
            f"SELECT * FROM agreements WHERE guild_id = ? AND {_ABOUT} ORDER BY id",
            (guild_id, user_id, user_id, user_id, user_id),
        )
        return [_agreement(r) for r in rows]

    async def export_member(self, guild_id: int, user_id: int) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for a in await self.about_member(guild_id, user_id):
            roles = [
                role
                for role, who in (
                    ("partner", a.partner_id),
                    ("confirmed for the team", a.team_confirmed_by),
                    ("confirmed for the partner", a.partner_confirmed_by),
                    ("proposed it", a.created_by),
                )
                if who == user_id
            ]
            out.append(
                {
                    "agreement": a.id,
                    "school": a.school_name,
                    "you": roles,
                    "organization": a.organization,
                    "team_commitment": a.team_commitment,
                    "partner_commitment": a.partner_commitment,
                    "hours_per_month": a.hours_per_month,
                    "starts": to_db_time(a.starts_at),
                    "review": to_db_time(a.review_at),
                    "status": a.status.value,
                }
            )
        return out

    async def record_post(
        self, guild_id: int, agreement_id: int, user_id: int, kind: str, channel_id: int, message_id: int
    ) -> None:
        """A post mentioning the member about this agreement ('ask' or 'remind'): handled with their data."""
        await self.db.execute(
            "INSERT OR IGNORE INTO agreement_posts (guild_id, agreement_id, user_id, kind, channel_id, message_id)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (guild_id, agreement_id, user_id, kind, channel_id, message_id),
        )

    async def posts_of(self, guild_id: int, user_id: int) -> list[tuple[str, int, int]]:
        """(kind, channel id, message id) of each post mentioning the member about an agreement."""
        rows = await self.db.fetchall(
            "SELECT kind, channel_id, message_id FROM agreement_posts WHERE guild_id = ? AND user_id = ?"
            " ORDER BY message_id",
            (guild_id, user_id),
        )
        return [(r["kind"], int(r["channel_id"]), int(r["message_id"])) for r in rows]

    async def forget_post(self, guild_id: int, user_id: int, message_id: int) -> int:
        """Forget one post about the member, once it is off Discord (or already was); 1 when it was known."""
        return await self.db.execute_rowcount(
            "DELETE FROM agreement_posts WHERE guild_id = ? AND user_id = ? AND message_id = ?",
            (guild_id, user_id, message_id),
        )

    async def forget_member(self, guild_id: int, user_id: int) -> int:
        """Take the member's id out of every agreement (kept as the team's record); how many changed. Their
        posts (`posts_of`) are forgotten one by one as they are taken off Discord (`forget_post`), so that
        a post Discord kept is found again by the next deletion."""
        return await self.db.execute_rowcount(
            f"UPDATE agreements SET"
            " partner_former = CASE WHEN partner_id = ? THEN 1 ELSE partner_former END,"
            " partner_id = CASE WHEN partner_id = ? THEN NULL ELSE partner_id END,"
            " team_confirmed_by = CASE WHEN team_confirmed_by = ? THEN NULL ELSE team_confirmed_by END,"
            " partner_confirmed_by = CASE WHEN partner_confirmed_by = ? THEN NULL"
            " ELSE partner_confirmed_by END,"
            " created_by = CASE WHEN created_by = ? THEN NULL ELSE created_by END"
            f" WHERE guild_id = ? AND {_ABOUT}",
            (user_id, user_id, user_id, user_id, user_id, guild_id, user_id, user_id, user_id, user_id),
        )
