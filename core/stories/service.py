"""The use cases of value stories: telling a story (with the author's group and school at the time, and the
follow-up of a prompt it answers, in one transaction), a meeting's end (one prompt job, once), and who a
meeting's prompt job reaches."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from core.clock import Clock
from core.scheduler import Jobs
from core.stories import rules
from storage.database import Database
from storage.groups import GroupRepository
from storage.meetings import MeetingRepository, RsvpStatus
from storage.profiles import ProfileRepository
from storage.schools import SchoolRepository
from storage.stories import NewStory, Prompt, StoryRepository


@dataclass(frozen=True, slots=True)
class Told:
    story_id: int
    followup_at: datetime | None  # when the follow-up of the prompt it answered is planned


class StoryService:
    def __init__(self, db: Database, jobs: Jobs, clock: Clock) -> None:
        self.db = db
        self.jobs = jobs
        self.clock = clock
        self.repo = StoryRepository(db)

    async def _about(self, guild_id: int, user_id: int) -> dict[str, Any]:
        """The author's stakeholder group and school now (kept with the story as they were)."""
        profile = await ProfileRepository(self.db).get(guild_id, user_id)
        groups = GroupRepository(self.db)
        # a student who joined the Students group but whose profile names no group is still a student
        protected = user_id in await groups.protected_user_ids(guild_id)
        found: dict[str, Any] = {"group_name": None, "group_protected": protected, "school_name": None}
        if profile is None:
            return found
        if profile.group_id is not None:
            group = await groups.get(guild_id, profile.group_id)
            if group is not None:
                found["group_name"] = group.name
                found["group_protected"] = protected or group.protected
        if profile.school_id is not None:
            school = await SchoolRepository(self.db).get(guild_id, profile.school_id)
            if school is not None:
                found["school_name"] = school.name
        return found

    async def tell(self, story: NewStory, *, prompt: Prompt | None = None) -> Told:
        """Save the story (text checked); when it answers a prompt for the first time, plan its follow-up
        in the same transaction."""
        text = rules.check_text(story.text)
        now = self.clock.now()
        about = await self._about(story.guild_id, story.author_id)
        story = replace(story, text=text, prompt_id=prompt.id if prompt else None, **about)
        followup_at = None
        async with self.db.transaction():
            story_id = await self.repo.add(story, now=now)
            if prompt is not None and prompt.followup_via is None:
                first = await self.repo.mark_answered(prompt.id, now=now)
                on = await self.repo.prompts_on(story.guild_id, story.author_id)
                if rules.wants_followup(not first, on):
                    days = await self.repo.followup_days(story.guild_id)
                    followup_at = rules.followup_due(now, days)
                    await self.jobs.schedule(
                        rules.FOLLOWUP_KIND,
                        followup_at,
                        {"prompt_id": prompt.id},
                        guild_id=story.guild_id,
                        owner=rules.owner(prompt.meeting_id),
                    )
        return Told(story_id, followup_at)

    async def meeting_ended(self, guild_id: int, meeting_id: int) -> bool:
        """Plan the meeting's prompts, once (a rerun of the meeting's end does nothing)."""
        now = self.clock.now()
        async with self.db.transaction():
            if not await self.repo.mark_meeting_ended(guild_id, meeting_id, now=now):
                return False
            await self.jobs.schedule(
                rules.PROMPT_KIND,
                now,
                {"meeting_id": meeting_id},
                guild_id=guild_id,
                owner=rules.owner(meeting_id),
            )
        return True

    async def prompts_due(self, guild_id: int, meeting_id: int) -> list[Prompt]:
        """Write a prompt for each member who should get one (checked in or Going, prompts on, not prompted
        yet) and return every prompt of the meeting not sent yet (a rerun finishes what a crash left)."""
        meetings = MeetingRepository(self.db)
        checked_in = list(await meetings.checkins(meeting_id))
        going = [r.user_id for r in await meetings.rsvps(meeting_id, [RsvpStatus.GOING])]
        async with self.db.transaction():
            off = await self.repo.prompts_off(guild_id, [*checked_in, *going])
            already = await self.repo.prompted_users(meeting_id)
            await self.repo.add_prompts(
                guild_id, meeting_id, rules.to_prompt(checked_in, going, off, already), now=self.clock.now()
            )
        return [p for p in await self.repo.prompts_of_meeting(meeting_id) if p.sent_via == "pending"]
