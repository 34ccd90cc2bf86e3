"""`/story`: tell a value story (what you took away, what came of it), your prompt settings, your stories,
and for organizers the shareable stories with counts. The prompts after meetings are in `jobs.py`."""

from __future__ import annotations

import contextlib
import logging
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import organizer_only
from bot.client import CopBot
from bot.errors import UserError
from bot.options import Id
from bot.reach import jump_link, post_target
from bot.ui import Paginator, confirm, paginate_lines
from cogs.meetings.arguments import MeetingArg
from cogs.resources.arguments import ResourceId
from cogs.stories.buttons import StoryButton
from cogs.stories.forms import Link, StoryModal
from cogs.stories.jobs import StoryJobs
from core.personal_data import Deleted
from core.stories import rules
from core.stories.service import StoryService
from core.text import plural, safe_text
from core.timeutil import discord_timestamp
from storage.groups import GroupRepository
from storage.stories import Consent, Cycle, LinkKind, Story

log = logging.getLogger(__name__)


def _line(story: Story, *, text_limit: int = 300) -> str:
    when = discord_timestamp(story.created_at, "d") if story.created_at else ""
    who = "shareable" if story.consent is Consent.SHAREABLE else "private to organizers"
    return f"**#{story.id}** · {rules.CYCLE_SHORT[story.cycle]} · {who} · {when}\n{safe_text(story.text, text_limit)}"


class Stories(StoryJobs, commands.Cog):
    """Value stories and the optional questions after meetings."""

    story = app_commands.Group(name="story", description="Tell what you took away from the community.")

    def __init__(self, bot: CopBot) -> None:
        self.bot = bot
        self.service = StoryService(bot.db, bot.scheduler, bot.clock)
        self.repo = self.service.repo

    async def cog_load(self) -> None:
        self.register_jobs()
        self.bot.add_dynamic_items(StoryButton)
        self.bot.personal_data.register(
            "value stories", export=self.repo.export_member, delete=self.delete_member
        )

    async def cog_unload(self) -> None:
        self.unregister_jobs()
        self.bot.remove_dynamic_items(StoryButton)
        self.bot.personal_data.unregister("value stories")

    async def meeting_ended(self, guild_id: int, meeting_id: int) -> None:
        """Called by the meetings' check-in closing job at a meeting's end: plan its prompts, once."""
        await self.service.meeting_ended(guild_id, meeting_id)

    async def delete_member(self, guild_id: int, user_id: int) -> Deleted:
        """The member's stories, prompts and settings; their mention in prompt posts taken off Discord."""
        taken = 0
        remains: list[str] = []
        for channel_id, message_id in await self.repo.posts_of(guild_id, user_id):
            try:
                channel = self.bot.get_channel(channel_id) or await self.bot.fetch_channel(channel_id)
                if not isinstance(channel, discord.abc.Messageable):
                    continue
                message = await channel.fetch_message(message_id)
                content = message.content.replace(f"<@{user_id}>", "").strip()
                if "<@" in content:
                    await message.edit(content=content)
                else:
                    await message.delete()
                taken += 1
            except discord.NotFound:
                continue
            except discord.HTTPException:
                remains.append(
                    f"a story question that mentions you ({jump_link(guild_id, channel_id, message_id)})"
                )
        rows = await self.repo.delete_member(guild_id, user_id)
        posts = (f"your mention in {plural(taken, 'story question')}",) if taken else ()
        return Deleted(rows, posts, tuple(remains))

    # -- commands ------------------------------------------------------------------------------------------

    @story.command(name="tell")
    @app_commands.guild_only()
    @app_commands.describe(
        meeting="A meeting the story is about (optional; start typing its title)",
        resource="A resource's number the story is about (optional)",
        connect="A member you were introduced to with /connect, if the story is about them (optional)",
    )
    async def tell(
        self,
        interaction: discord.Interaction[CopBot],
        meeting: MeetingArg | None = None,
        resource: ResourceId | None = None,
        connect: discord.User | None = None,
    ) -> None:
        """Tell a story of what you took away from the community, or what came of it."""
        assert interaction.guild_id is not None
        if sum(x is not None for x in (meeting, resource, connect)) > 1:
            raise UserError(
                "A story can be linked to one thing: a meeting, a resource or a /connect introduction."
                " Choose one of them."
            )
        link = None
        if meeting is not None:
            link = Link(LinkKind.MEETING, meeting.id, f"meeting #{meeting.id}")
        elif resource is not None:
            link = Link(LinkKind.RESOURCE, resource.id, f"resource #{resource.id}")
        elif connect is not None:
            found = await self.repo.connection_between(interaction.guild_id, interaction.user.id, connect.id)
            if found is None:
                raise UserError(
                    f"You weren't introduced to {safe_text(connect.display_name, 40)} with `/connect`, so the"
                    " story can't be linked to that. Tell it without the `connect` option."
                )
            link = Link(LinkKind.CONNECT, found, "your /connect introduction")
        await interaction.response.send_modal(StoryModal(self.bot, interaction.guild_id, link=link))

    @tell.autocomplete("meeting")
    async def meeting_choices(
        self, interaction: discord.Interaction[CopBot], current: str
    ) -> list[app_commands.Choice[int]]:
        """The meetings the member may see, as in the meeting commands."""
        meetings = self.bot.get_cog("Meetings")
        if meetings is None:
            return []
        choices: list[app_commands.Choice[int]] = await meetings.meeting_choices(  # type: ignore[attr-defined]
            interaction, current
        )
        return choices

    @story.command(name="settings")
    @app_commands.guild_only()
    @app_commands.describe(prompts="Whether copbot may ask you about meetings you went to")
    async def settings(
        self, interaction: discord.Interaction[CopBot], prompts: Literal["on", "off"] | None = None
    ) -> None:
        """Turn the questions after meetings on or off for yourself."""
        assert interaction.guild_id is not None
        if prompts is not None:
            await self.repo.set_prompts(interaction.guild_id, interaction.user.id, prompts == "on")
        on = await self.repo.prompts_on(interaction.guild_id, interaction.user.id)
        text = (
            "Questions after meetings are **on**: after a meeting you went to, copbot may ask once what you'll"
            " take away, and a few weeks later how it went. Turn them off with `/story settings prompts:off`."
            if on
            else "Questions after meetings are **off**: copbot won't ask you about meetings. You can still tell"
            " a story any time with `/story tell`. Turn them on with `/story settings prompts:on`."
        )
        await interaction.response.send_message(text, ephemeral=True)

    @story.command(name="followup")
    @organizer_only()
    @app_commands.describe(days="Days after someone answers a question before asking how it went (1 to 365)")
    async def followup(
        self, interaction: discord.Interaction[CopBot], days: app_commands.Range[int, 1, 365] | None = None
    ) -> None:
        """When copbot asks again how a take-away worked out (organizers; 28 days unless changed)."""
        assert interaction.guild_id is not None
        if days is not None:
            await self.repo.set_followup_days(interaction.guild_id, days)
        now = await self.repo.followup_days(interaction.guild_id)
        text = (
            f"Members who answer the question after a meeting are asked how it went {plural(now, 'day')}"
            " later. Answers given before a change keep the time they were given."
        )
        await interaction.response.send_message(text, ephemeral=True)

    @story.command(name="mine")
    @app_commands.guild_only()
    @app_commands.describe(delete="The number of one of your stories to delete (optional)")
    async def mine(self, interaction: discord.Interaction[CopBot], delete: Id | None = None) -> None:
        """Your stories (only you see this); delete one with the delete option."""
        assert interaction.guild_id is not None
        guild_id = interaction.guild_id
        if delete is not None:
            story = await self.repo.get(guild_id, delete)
            if story is None or story.author_id != interaction.user.id:
                raise UserError(
                    f"You have no story #{delete} here. `/story mine` lists your stories with their numbers."
                )
            answer = await confirm(
                interaction,
                f"Delete your story #{story.id}?\n{safe_text(story.text, 300)}",
                declined="Nothing was deleted.",
                confirm_label="Delete",
            )
            if answer is None:
                return
            await self.repo.delete(guild_id, interaction.user.id, story.id)
            await answer.response.edit_message(content=f"Your story #{story.id} is deleted.", view=None)
            return
        stories = await self.repo.of_author(guild_id, interaction.user.id)
        pages = paginate_lines(
            "Your stories",
            [_line(s) for s in stories],
            per_page=5,
            empty="You haven't told a story yet. Tell one with `/story tell`.",
        )
        await Paginator(interaction.user.id, pages).send(interaction)

    @mine.autocomplete("delete")
    async def own_story_choices(
        self, interaction: discord.Interaction[CopBot], current: str
    ) -> list[app_commands.Choice[int]]:
        """The member's own stories, newest first."""
        if interaction.guild_id is None:
            return []
        typed = current.strip().lower()
        stories = await self.repo.of_author(interaction.guild_id, interaction.user.id)
        return [
            app_commands.Choice(name=f"#{s.id} {s.text}"[:100], value=s.id)
            for s in stories
            if typed in s.text.lower() or typed == str(s.id)
        ][:25]

    @story.command(name="list")
    @organizer_only()
    @app_commands.describe(
        private="Also show the stories members kept for organizers only (read them; never post them)"
    )
    async def list_stories(self, interaction: discord.Interaction[CopBot], private: bool = False) -> None:
        """The stories members agreed to share, and how many stories there are (organizers)."""
        assert interaction.guild_id is not None
        stories = await self.repo.all_of_guild(interaction.guild_id)
        report = rules.report(stories)
        summary = [f"Stories told: {report.total}"]
        summary += ["**By kind of difference**"] + [f"- {c.label}: {c.stories}" for c in report.by_cycle]
        summary += ["**By stakeholder group**"] + [
            f"- {safe_text(c.label, 60)}: {c.stories}" for c in report.by_group
        ]
        summary.append(f'-# Counts of stories told by fewer than {rules.SMALL} people say "{rules.FEWER}".')
        lines = ["\n".join(summary)]
        for story in stories if private else report.shareable:
            if story.consent is Consent.SHAREABLE:
                author = rules.visible_author(story)
                byline = f"by <@{author}>" if author else "name not shared"
                byline += f" · `/story post id:{story.id}` shares it"
            else:
                byline = "told to the organizers only: read it, don't post or forward it"
            lines.append(f"{_line(story, text_limit=900)}\n-# {byline}")
        if not private and len(stories) > len(report.shareable):
            lines.append(
                f"-# {plural(len(stories) - len(report.shareable), 'story', 'stories')} kept for organizers "
                "only: `/story list private:True` shows them too."
            )
        pages = paginate_lines("Value stories", lines, per_page=5)
        await Paginator(interaction.user.id, pages).send(interaction)

    @story.command(name="post")
    @organizer_only()
    @app_commands.describe(
        id="The story's number (from /story list)",
        channel="Where to post it (the announcements channel if you leave it out)",
    )
    async def post(
        self, interaction: discord.Interaction[CopBot], id: Id, channel: discord.TextChannel | None = None
    ) -> None:
        """Post a story its author agreed to share, named only if they agreed to that too (organizers)."""
        assert interaction.guild_id is not None
        story = await self.repo.get(interaction.guild_id, id)
        if story is None:
            raise UserError(f"There's no story #{id} on this server. `/story list` shows their numbers.")
        if story.consent is not Consent.SHAREABLE:
            raise UserError(
                f"Story #{id} was told to the organizers only, so it can't be posted. You can still read it "
                "in `/story list private:True`."
            )
        target = await post_target(interaction, channel, what="the story")
        author = rules.visible_author(story)
        if author in await GroupRepository(self.bot.db).protected_user_ids(interaction.guild_id):
            author = None  # they have joined a protected group (students) since they told it
        byline = f"— <@{author}>" if author else "— a member of our community"
        card = discord.Embed(
            title=f"💬 A story from our community · {rules.CYCLE_SHORT[story.cycle]}",
            description=f"{safe_text(story.text, 3900)}\n\n{byline}",  # within an embed's 4096
            colour=0x2E86AB,
        )
        posted = await target.send(embed=card, allowed_mentions=discord.AllowedMentions.none())
        await interaction.response.send_message(
            f"Posted story #{id} in {target.mention}"
            + ("" if author else ", without its author's name")
            + f": {posted.jump_url}",
            ephemeral=True,
        )

    # -- the prompt buttons ------------------------------------------------------------------------------------

    async def on_component(self, interaction: discord.Interaction[CopBot], item: StoryButton) -> None:
        prompt = await self.repo.prompt_for(item.meeting_id, interaction.user.id)
        if prompt is None or (item.action == "follow" and prompt.answered_at is None):
            raise UserError(
                "This question was for the members who came to that meeting. You can tell a story of your"
                " own any time with `/story tell`."
            )
        link = Link(LinkKind.MEETING, item.meeting_id, f"meeting #{item.meeting_id}")
        if item.action == "ask":
            modal = StoryModal(
                self.bot,
                prompt.guild_id,
                title="What will you take away?",
                question="What will you take away from it?",
                cycle=Cycle.POTENTIAL,
                prompt=prompt,
                link=link,
            )
        else:
            modal = StoryModal(
                self.bot,
                prompt.guild_id,
                title="Did you use it?",
                question="Did you use it? What happened?",
                cycle=Cycle.APPLIED,
                link=link,
            )
        with contextlib.suppress(discord.NotFound):
            await interaction.response.send_modal(modal)
