"""The value stories' jobs on Discord: the prompt after a meeting ends and the follow-up weeks later. Each
member gets a DM with a button; members whose DMs are closed are mentioned (only they) in the meeting's
channel, with the same button. Exactly once: prompt rows are unique per member and meeting, each is marked
as it is sent, and every message carries a stable nonce. Who has left the server is read once the server
has arrived in full (`delivery.job_guild`): a prompt due while the bot was down runs before Discord has
sent the server, and must not take everyone for gone."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import discord

from bot.client import CopBot
from bot.delivery import classify, job_channel, job_guild, send_once
from cogs.meetings.notify import mention_chunks
from cogs.stories.buttons import prompt_view
from core.scheduler import JobError, RunContext, StaleJob
from core.stories import rules
from core.stories.service import StoryService
from core.text import safe_text
from storage.jobs import Job
from storage.meetings import Meeting, MeetingRepository
from storage.stories import StoryRepository

log = logging.getLogger(__name__)
CONTINUED = "The same question, for more of those who came:"


def prompt_text(title: str) -> str:
    return (
        f"Thanks for coming to **{safe_text(title, 100)}**! What will you take away from it? An idea, a"
        " contact, something to try? Tell us in a sentence or two if you like (it's optional; only the"
        " organizers read it unless you choose to share it). Turn these questions off with `/story settings`."
    )


def followup_text(title: str) -> str:
    return (
        f"A few weeks ago, after **{safe_text(title, 100)}**, you told us what you'd take away. Did you use it?"
        " What happened? Tell us if you like (optional). Turn these questions off with `/story settings`."
    )


class StoryJobs:
    """The job handlers of `cogs.stories.cog.Stories`."""

    bot: CopBot
    service: StoryService
    repo: StoryRepository

    def register_jobs(self) -> None:
        self.bot.scheduler.register(rules.PROMPT_KIND, self.run_prompt, grace=rules.PROMPT_GRACE)
        self.bot.scheduler.register(rules.FOLLOWUP_KIND, self.run_followup, grace=rules.FOLLOWUP_GRACE)

    def unregister_jobs(self) -> None:
        for kind in (rules.PROMPT_KIND, rules.FOLLOWUP_KIND):
            self.bot.scheduler.unregister(kind)

    async def _dm(self, user_id: int, nonce: str, text: str, action: str, meeting_id: int) -> bool:
        """DM with the button; False when the member's DMs are closed (or they can't be found)."""
        try:
            user = self.bot.get_user(user_id) or await self.bot.fetch_user(user_id)
            await user.send(text, view=prompt_view(action, meeting_id), nonce=nonce)
        except (discord.Forbidden, discord.NotFound):
            return False
        except discord.HTTPException as exc:
            raise classify(exc) from exc
        return True

    async def _in_channel(
        self, meeting: Meeting, users: Sequence[int], text: str, action: str, nonce: str
    ) -> bool:
        """Mention `users` (only them, at most 100 a message) in the meeting's channel with the button."""
        try:
            channel = await job_channel(self.bot, meeting.channel_id, guild_id=meeting.guild_id)
        except JobError as exc:
            log.warning("meeting %s: no channel for story prompts: %s", meeting.id, exc)
            return False
        if not isinstance(channel, discord.abc.Messageable):
            return False
        for index, (content, mentioned) in enumerate(mention_chunks(text, users)):
            message = await send_once(
                channel,
                f"{nonce}-{index}"[:25],
                content=content if index == 0 else f"{CONTINUED}\n{content}",
                view=prompt_view(action, meeting.id),
                allowed_mentions=discord.AllowedMentions(users=[discord.Object(u) for u in mentioned]),
            )
            await self.repo.record_post(meeting.guild_id, mentioned, message.channel.id, message.id)
        return True

    async def run_prompt(self, job: Job, ctx: RunContext) -> None:
        meeting = await MeetingRepository(self.bot.db).get_any(int(job.payload["meeting_id"]))
        if meeting is None or meeting.cancelled:
            raise StaleJob("the meeting was deleted or cancelled")
        guild = await job_guild(self.bot, meeting.guild_id)  # RetryableJobError while it has not arrived
        if guild is None:
            raise StaleJob("the bot is no longer in the server")
        closed: list[int] = []
        text = prompt_text(meeting.title)
        for prompt in await self.service.prompts_due(meeting.guild_id, meeting.id):
            if guild.get_member(prompt.user_id) is None:
                await self.repo.set_sent(prompt.id, "none")  # left the server since
            elif await self._dm(prompt.user_id, f"stp-{prompt.id}", text, "ask", meeting.id):
                await self.repo.set_sent(prompt.id, "dm")
            else:
                closed.append(prompt.id)
        if not closed:
            return
        prompts = [p for p in await self.repo.prompts_of_meeting(meeting.id) if p.id in set(closed)]
        posted = await self._in_channel(
            meeting, [p.user_id for p in prompts], text, "ask", f"stc-{meeting.id}"
        )
        for prompt in prompts:
            await self.repo.set_sent(prompt.id, "channel" if posted else "none")

    async def run_followup(self, job: Job, ctx: RunContext) -> None:
        prompt = await self.repo.prompt(int(job.payload["prompt_id"]))
        if prompt is None:
            raise StaleJob("the member's data was deleted")
        if prompt.followup_via is not None:
            return  # sent already
        if not await self.repo.prompts_on(prompt.guild_id, prompt.user_id):
            await self.repo.set_followup(prompt.id, "none")
            raise StaleJob("the member turned story questions off")
        meeting = await MeetingRepository(self.bot.db).get_any(prompt.meeting_id)
        text = followup_text(meeting.title if meeting else "a meeting")
        if await self._dm(prompt.user_id, f"stf-{prompt.id}", text, "follow", prompt.meeting_id):
            await self.repo.set_followup(prompt.id, "dm")
            return
        posted = meeting is not None and await self._in_channel(
            meeting, [prompt.user_id], text, "follow", f"stf-{prompt.id}"
        )
        await self.repo.set_followup(prompt.id, "channel" if posted else "none")
