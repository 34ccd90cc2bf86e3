"""`/cop`: the community's settings — time zone, organizer role, channels — and `/cop about`."""

from __future__ import annotations

import logging
from datetime import timedelta

import discord
from discord import app_commands
from discord.ext import commands

from bot import __version__
from bot.arguments import TextArgument
from bot.checks import organizer_ids, organizer_only
from bot.client import CopBot
from bot.doctor import bot_findings, render, server_findings
from bot.errors import UserError
from bot.formatting import embed
from bot.permissions import require_bot_permissions
from bot.structure import check_room, explain_refusal
from core.activity.agenda import agendas_between, overall
from core.profiles.stats import ACTIVITY_DAYS, evidence_lines, profile_stats
from core.text import fit_lines, format_bytes, human_list, plural, quote, safe_text
from core.timeutil import canonical_zone, discord_timestamp, format_duration, suggest_zones
from storage.evidence import EvidenceRepository
from storage.guilds import Purpose
from storage.jobs import Job, JobState
from storage.meetings import MeetingRepository
from storage.profiles import ProfileRepository

log = logging.getLogger(__name__)

PURPOSE_TEXT = {
    Purpose.INTRODUCTIONS: "Members introduce themselves and are welcomed here.",
    Purpose.ANNOUNCEMENTS: "Organizers' announcements; the bot also reports problems here.",
    Purpose.MEETINGS: "Meeting invitations, RSVPs and reminders.",
    Purpose.RESOURCES: "Shared links and documents from the resource library.",
}


class Zone(TextArgument):
    """A time zone name as IANA spells it; the lookup forgives case and spaces (`canonical_zone`), and a
    name it doesn't know is refused with the closest ones."""

    min_length, max_length = 1, 64

    async def transform(self, interaction: discord.Interaction[CopBot], value: str) -> str:
        found = canonical_zone(value)
        if found is None:
            typed = value.strip()
            suggestions = suggest_zones(typed, limit=5)
            hint = (
                f" Did you mean {human_list([f'`{s}`' for s in suggestions], 'or')}?" if suggestions else ""
            )
            raise UserError(
                f"{quote(typed, 64)} isn't a time zone I know.{hint} "
                "Start typing a city and pick from the list, e.g. `America/Phoenix`."
            )
        # Stored as IANA spells it: zoneinfo (the scheduler, calendar files) does not forgive case, so
        # "ASIA/KOLKATA" stored as typed broke every job in the guild.
        return found


class Admin(commands.Cog):
    """Community settings for organizers."""

    cop = app_commands.Group(name="cop", description="Community settings and information about copbot.")

    def __init__(self, bot: CopBot) -> None:
        self.bot = bot

    @cop.command(name="settings")
    @organizer_only()
    async def show_settings(self, interaction: discord.Interaction[CopBot]) -> None:
        """Show this community's copbot settings."""
        assert interaction.guild is not None
        guild = interaction.guild
        current = await self.bot.guild_settings.get(guild.id)
        card = embed("copbot settings", f"Settings for **{safe_text(guild.name)}**.")
        card.add_field(
            name="Time zone",
            value=f"`{current.timezone}` — times members type are read in this zone.",
            inline=False,
        )
        role = guild.get_role(current.organizer_role_id) if current.organizer_role_id else None
        card.add_field(
            name="Organizer role",
            value=(role.mention if role else "Not set — members with **Manage Server** are organizers.")
            + "\nChange it with `/cop organizer-role`.",
            inline=False,
        )
        lines = []
        for purpose in Purpose:
            channel_id = current.channels.get(purpose)
            channel = guild.get_channel(channel_id) if channel_id else None
            if channel is not None:
                shown = channel.mention
            elif channel_id:
                shown = "the recorded channel was deleted — run `/cop setup` to recreate it"
            else:
                shown = "not set"
            lines.append(f"**{purpose.value.title()}**: {shown}")
        card.add_field(
            name="Channels",
            value="\n".join(lines) + "\nSet one with `/cop channel`, or create all with `/cop setup`.",
            inline=False,
        )
        await interaction.response.send_message(embed=card, ephemeral=True)

    @cop.command(name="doctor")
    @organizer_only()
    async def doctor(self, interaction: discord.Interaction[CopBot]) -> None:
        """Check copbot's set-up here: permissions, roles, channels, commands, database, scheduler."""
        assert interaction.guild is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            registered = await self.bot.tree.fetch_commands()
        except discord.HTTPException:
            registered = None
        findings = await server_findings(self.bot, interaction.guild)
        findings += await bot_findings(self.bot, registered=registered)
        bad = sum(1 for f in findings if not f.ok)
        lines = [safe_text(line, 400) for line in render(findings)]
        title = (
            f"copbot doctor — {plural(bad, 'thing')} to fix"
            if bad
            else "copbot doctor — everything checks out"
        )
        await interaction.followup.send(embed=embed(title, fit_lines(lines, 4000)), ephemeral=True)

    @cop.command(name="timezone")
    @organizer_only()
    @app_commands.describe(zone="A time zone name such as America/Phoenix or America/New_York")
    async def set_timezone(
        self, interaction: discord.Interaction[CopBot], zone: app_commands.Transform[str, Zone]
    ) -> None:
        """Set the time zone in which members' times are read."""
        assert interaction.guild_id is not None
        await self.bot.guild_settings.set_timezone(interaction.guild_id, zone)
        now = self.bot.clock.now()
        await interaction.response.send_message(
            f"Time zone set to `{zone}`. Times members type, like `tomorrow 9am`, are now read in this zone; "
            f"everyone still sees times in their own zone (for example, now is {discord_timestamp(now, 't')}).",
            ephemeral=True,
        )

    @set_timezone.autocomplete("zone")
    async def zone_autocomplete(
        self, interaction: discord.Interaction[CopBot], current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=z, value=z) for z in suggest_zones(current, limit=25)]

    @cop.command(name="organizer-role")
    @organizer_only()
    @app_commands.describe(role="Members with this role can use organizer commands")
    async def set_organizer_role(self, interaction: discord.Interaction[CopBot], role: discord.Role) -> None:
        """Choose the role whose members are organizers (besides those with Manage Server)."""
        assert interaction.guild is not None
        if role.is_default():
            raise UserError(
                "@everyone can't be the organizer role: that would make every member an organizer."
            )
        if role.managed:
            raise UserError(
                f"{role.mention} belongs to an integration or bot, so it can't be given to people. "
                "Pick a role you assign to your organizers."
            )
        await self.bot.guild_settings.set_organizer_role(interaction.guild.id, role.id)
        await interaction.response.send_message(
            f"Members with {role.mention} are now organizers, as well as anyone with **Manage Server**.",
            ephemeral=True,
        )

    @cop.command(name="channel")
    @organizer_only()
    @app_commands.describe(purpose="What the channel is used for", channel="The text channel to use")
    @app_commands.choices(
        purpose=[app_commands.Choice(name=p.value.title(), value=p.value) for p in Purpose],
    )
    async def set_channel(
        self, interaction: discord.Interaction[CopBot], purpose: str, channel: discord.TextChannel
    ) -> None:
        """Choose the channel used for introductions, announcements, meetings or resources."""
        assert interaction.guild is not None
        require_bot_permissions(
            channel, "view_channel", "send_messages", "embed_links", doing=f"post in {channel.mention}"
        )
        chosen = Purpose(purpose)
        await self.bot.guild_settings.set_channel(interaction.guild.id, chosen, channel.id)
        await interaction.response.send_message(
            f"{channel.mention} is now the **{chosen.value}** channel. {PURPOSE_TEXT[chosen]}", ephemeral=True
        )

    @cop.command(name="setup")
    @organizer_only()
    async def setup_channels(self, interaction: discord.Interaction[CopBot]) -> None:
        """Create (or find) the introductions, announcements, meetings and resources channels."""
        assert interaction.guild is not None
        guild = interaction.guild
        require_bot_permissions(
            guild,
            "view_channel",
            "manage_channels",
            "send_messages",
            "embed_links",
            doing="set up the channels",
        )
        await interaction.response.defer(ephemeral=True, thinking=True)
        recorded = (await self.bot.guild_settings.get(guild.id)).channels
        existing = {p: _existing_channel(guild, recorded.get(p), p.value) for p in Purpose}
        missing = sum(1 for c in existing.values() if c is None)
        check_room(guild, roles=0, channels=missing, what="copbot channels", optional=False)
        found: list[str] = []
        created: list[str] = []
        chosen: dict[Purpose, int] = {}
        for purpose, channel in existing.items():
            if channel is None:
                try:
                    channel = await guild.create_text_channel(
                        purpose.value,
                        topic=PURPOSE_TEXT[purpose],
                        overwrites=_overwrites(guild, purpose),
                        reason="copbot /cop setup",
                    )
                except discord.HTTPException as exc:
                    await self.bot.guild_settings.set_channels(guild.id, chosen)
                    reason, fix = explain_refusal(exc, guild, where=f"#{purpose.value}", what="copbot")
                    done = f" I created {human_list(created)} first; they are saved." if created else ""
                    await interaction.edit_original_response(
                        content=f"Discord refused to create #{purpose.value}: {reason}.{done} {fix} "
                        "Then run `/cop setup` again to finish — nothing will be made twice."
                    )
                    return
                created.append(channel.mention)
                await interaction.edit_original_response(
                    content=f"Setting up… created {human_list(created)} so far."
                )
            else:
                found.append(channel.mention)
            chosen[purpose] = channel.id
        await self.bot.guild_settings.set_channels(guild.id, chosen)
        parts = []
        if created:
            parts.append(f"Created {human_list(created)}.")
        if found:
            parts.append(f"Found and kept {human_list(found)}.")
        parts.append("Setup is complete." if created else "Setup is complete: nothing needed creating.")
        await interaction.edit_original_response(content=" ".join(parts))

    @cop.command(name="stats")
    @organizer_only()
    async def stats(self, interaction: discord.Interaction[CopBot]) -> None:
        """How many members have introduced themselves, by stakeholder group and by school."""
        assert interaction.guild is not None
        await interaction.response.send_message(
            embed=await stats_embed(self.bot, interaction.guild), ephemeral=True
        )

    @cop.command(name="about")
    async def about(self, interaction: discord.Interaction[CopBot]) -> None:
        """What copbot is, its version and how it is doing."""
        card = embed(
            "About copbot",
            "copbot helps this community of practice: introductions, stakeholder groups, meetings, "
            "a shared resource library and announcements.",
        )
        card.add_field(name="Version", value=__version__)
        card.add_field(
            name="Running for", value=format_duration(timedelta(seconds=int(self.bot.uptime_seconds) or 1))
        )
        card.add_field(name="Database size", value=format_bytes(await self.bot.db.size_bytes()))
        card.add_field(name="Communities served", value=plural(len(self.bot.guilds), "server"))
        await interaction.response.send_message(embed=card, ephemeral=True)

    @cop.command(name="jobs")
    @organizer_only()
    async def jobs(self, interaction: discord.Interaction[CopBot]) -> None:
        """What copbot will post next in this server, and any scheduled posts that failed."""
        assert interaction.guild_id is not None
        upcoming = await self.bot.scheduler.upcoming(interaction.guild_id, limit=UPCOMING_SHOWN)
        failures = await self.bot.scheduler.recent_failures(
            interaction.guild_id, limit=FAILURES_SHOWN, include_skipped=True
        )
        card = embed("Scheduled by copbot")
        if upcoming:
            card.add_field(name="Coming up", value=fit_lines([_job_line(j) for j in upcoming]), inline=False)
        else:
            card.description = "Nothing is scheduled in this server right now."
        if failures:
            card.add_field(
                name="Recent problems",
                value=fit_lines(
                    [f"{_job_line(j)}: {safe_text(j.last_error or 'unknown reason', 120)}" for j in failures]
                ),
                inline=False,
            )
        await interaction.response.send_message(embed=card, ephemeral=True)

    @commands.Cog.listener()
    async def on_guild_role_delete(self, role: discord.Role) -> None:
        await self.bot.guild_settings.forget_role(role.guild.id, role.id)


UPCOMING_SHOWN = 10
FAILURES_SHOWN = 5
JOB_LABELS = {
    "message.post": "Scheduled post",
    "meeting.reminder": "Meeting reminder",
    "meeting.start": "Meeting start notice",
    "meeting.checkin": "Meeting check-in window",
    "announcement.post": "Announcement",
    "resource.digest": "Weekly resource digest",
}
STATE_LABELS = {
    JobState.PENDING: "waiting",
    JobState.RUNNING: "sending now",
    JobState.FAILED: "failed",
    JobState.SKIPPED: "skipped",
}


async def stats_embed(bot: CopBot, guild: discord.Guild) -> discord.Embed:
    """Profile counts for organizers and a line per kind of evidence (`core.profiles.stats`); a fuller
    evidence report comes with the reports feature."""
    humans = sum(1 for m in guild.members if not m.bot)
    stats = await profile_stats(ProfileRepository(bot.db), guild.id, members=humans)
    card = embed(
        "Community statistics",
        f"**{plural(stats.introduced, 'member')}** of {stats.members} have introduced themselves. "
        f"{plural(stats.connections, 'introduction')} made through `/connect`.",
    )
    card.add_field(
        name="By stakeholder group",
        value=fit_lines([f"{safe_text(name, 80)}: {count}" for name, count in stats.by_group.items()])
        or "No profiles yet.",
        inline=True,
    )
    card.add_field(
        name="By school or organization",
        value=fit_lines([f"{safe_text(name, 80)}: {count}" for name, count in stats.by_school.items()])
        or "No profiles yet.",
        inline=True,
    )
    zone = await bot.guild_settings.timezone(guild.id)
    now = bot.clock.now()
    agendas = overall(
        await agendas_between(
            MeetingRepository(bot.db),
            guild.id,
            now=now,
            days=ACTIVITY_DAYS,
            organizers=await organizer_ids(bot, guild),
        )
    )
    lines = await evidence_lines(EvidenceRepository(bot.db), guild.id, now=now, zone=zone, agendas=agendas)
    card.add_field(name="Evidence collected", value=fit_lines(lines), inline=False)
    return card


def _job_line(job: Job) -> str:
    label = JOB_LABELS.get(job.kind, job.kind.replace(".", " ").capitalize())
    state = STATE_LABELS.get(job.state, job.state.value)
    return f"**{label}** — {discord_timestamp(job.scheduled_for, 'f')} ({discord_timestamp(job.scheduled_for, 'R')}), {state}"


def _existing_channel(guild: discord.Guild, recorded: int | None, name: str) -> discord.TextChannel | None:
    if recorded is not None:
        channel = guild.get_channel(recorded)
        if isinstance(channel, discord.TextChannel):
            return channel
    return discord.utils.get(guild.text_channels, name=name)


def _overwrites(
    guild: discord.Guild, purpose: Purpose
) -> dict[discord.Role | discord.Member | discord.Object, discord.PermissionOverwrite]:
    if purpose is not Purpose.ANNOUNCEMENTS:
        return {}
    # Announcements are read-only for members; the bot keeps the right to post there.
    return {
        guild.default_role: discord.PermissionOverwrite(send_messages=False),
        guild.me: discord.PermissionOverwrite(send_messages=True, embed_links=True),
    }


async def setup(bot: CopBot) -> None:
    await bot.add_cog(Admin(bot))
