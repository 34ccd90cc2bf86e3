"""`AgreementService`: proposing, confirming, completing, renewing and lapsing agreements, each in one
transaction with the review jobs it causes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from core.clock import Clock
from core.scheduler import Jobs
from storage.agreements import Agreement, AgreementRepository, NewAgreement, Status
from storage.database import Database
from storage.jobs import to_db_time

from . import rules
from .rules import KIND, Refused, Side


@dataclass(frozen=True, slots=True)
class Confirmed:
    agreement: Agreement
    became_active: bool


class AgreementService:
    def __init__(self, db: Database, jobs: Jobs, clock: Clock) -> None:
        self.db = db
        self.jobs = jobs
        self.clock = clock
        self.repo = AgreementRepository(db)

    async def _plan(self, agreement: Agreement) -> None:
        """The review jobs of the agreement's review date: the reminder (when still ahead) and the lapse."""
        now = self.clock.now()
        review = to_db_time(agreement.review_at)
        base = {"agreement_id": agreement.id, "review_at": review}
        remind = rules.reminder_time(agreement.review_at, now=now)
        if remind is not None:
            await self.jobs.schedule(
                KIND, remind, {**base, "step": "remind"}, guild_id=agreement.guild_id, owner=agreement.owner
            )
        await self.jobs.schedule(
            KIND,
            agreement.review_at,
            {**base, "step": "lapse"},
            guild_id=agreement.guild_id,
            owner=agreement.owner,
        )

    async def propose(self, new: NewAgreement) -> Agreement:
        now = self.clock.now()
        rules.check_hours(new.hours_per_month)
        rules.check_dates(new.starts_at, new.review_at, now=now)
        async with self.db.transaction():
            agreement = await self.repo.add(new, now=now)
            await self._plan(agreement)
        return agreement

    async def _current(self, agreement_id: int) -> Agreement:
        found = await self.repo.get_any(agreement_id)
        if found is None:
            raise Refused(f"Agreement #{agreement_id} doesn't exist any more.")
        return found

    async def confirm(
        self, agreement_id: int, side: Side, user_id: int, *, team_ids: Iterable[int], organizer: bool = False
    ) -> Confirmed:
        now = self.clock.now()
        async with self.db.transaction():
            current = await self._current(agreement_id)
            status = rules.confirm(current, side, user_id, team_ids=team_ids, organizer=organizer)
            await self.repo.confirm(current.id, side.value, user_id, status, now=now)
            after = await self._current(agreement_id)
        return Confirmed(after, status is Status.ACTIVE)

    async def complete(
        self, agreement_id: int, user_id: int, *, team_ids: Iterable[int], organizer: bool
    ) -> Agreement:
        now = self.clock.now()
        async with self.db.transaction():
            current = await self._current(agreement_id)
            rules.complete(current, user_id, team_ids=team_ids, organizer=organizer)
            await self.repo.set_status(current.id, Status.COMPLETED, now=now)
            await self.jobs.cancel(owner=current.owner, guild_id=current.guild_id)
            return await self._current(agreement_id)

    async def renew(
        self, agreement_id: int, review: datetime, user_id: int, *, team_ids: Iterable[int], organizer: bool
    ) -> Agreement:
        now = self.clock.now()
        async with self.db.transaction():
            current = await self._current(agreement_id)
            rules.renew(current, review, user_id, team_ids=team_ids, organizer=organizer, now=now)
            await self.repo.set_review(current.id, review)
            await self.jobs.cancel(owner=current.owner, guild_id=current.guild_id)
            renewed = await self._current(agreement_id)
            await self._plan(renewed)
        return renewed

    async def lapse(self, agreement_id: int, review_at: datetime) -> Agreement | None:
        """The review date came: the agreement lapses unless renewed or closed meanwhile; the lapsed one."""
        now = self.clock.now()
        async with self.db.transaction():
            current = await self.repo.get_any(agreement_id)
            if current is None or not rules.lapses(current, review_at, now=now):
                return None
            await self.repo.set_status(current.id, Status.LAPSED, now=now)
            return await self._current(agreement_id)
