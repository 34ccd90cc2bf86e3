"""`/report` (the evidence report with its files) and `/report-digest` (its summary each month), organizers
only. Gathering reads the database on the event loop; rendering (charts, workbook, page) runs on a worker
thread, one report at a time, so two organizers asking at once each get theirs and the bot keeps answering."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date, datetime
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import organizer_ids, organizer_only
from bot.client import CopBot
from bot.errors import UserError
from bot.permissions import require_bot_permissions
from cogs.groups.inputs import GroupArg
from cogs.schools.inputs import SchoolArg
from core.report.gather import gather
from core.report.model import Files, Period, Report
from core.report.periods import PeriodRefusal, between, school_year, since_last
from core.report.render import render
from core.report.scope import Audience
from core.timeutil import TimeInputError, get_zone, parse_when
from storage.groups import Group
from storage.reports import ReportRepository
from storage.schools import School

from .digest import DIGEST_GRACE, DIGEST_KIND, Digests
from .summary import attachments, files_note, summary_embed

PeriodChoice = Literal["school year", "since the last report", "between dates"]
PeriodOf = Callable[[date, date | None], Period]  # today, the last report's end -> the period


class Reports(commands.Cog):
    """The evidence report."""

    def __init__(self, bot: CopBot) -> None:
        self.bot = bot
        self.repo = ReportRepository(bot.db)
        self.rendering = asyncio.Lock()  # matplotlib draws one report at a time
        self.digests = Digests(bot, self)

    async def cog_load(self) -> None:
        self.bot.scheduler.register(DIGEST_KIND, self.digests.run, grace=DIGEST_GRACE)
        self.bot.personal_data.register(
            "reports", export=self.repo.export_member, delete=self.repo.delete_member
        )

    async def cog_unload(self) -> None:
        self.bot.scheduler.unregister(DIGEST_KIND)
        self.bot.personal_data.unregister("reports")

    async def make(
        self,
        guild: discord.Guild,
        audience: Audience,
        period_of: PeriodOf,
        *,
        made_by: int | None,
        files: bool = True,
        key: str | None = None,
    ) -> tuple[Report, Files]:
        """Gather, render (unless `files` is False) and record one report (the digest and `/report` share
        this). `key` files it (the audience's by default; the digest keeps its own)."""
        key = key or audience.key
        zone = await self.bot.guild_settings.timezone(guild.id)
        now = self.bot.clock.now()
        today = now.astimezone(get_zone(zone)).date()
        previous = await self.repo.last(guild.id, key)
        period = period_of(today, previous.end if previous else None)
        report = await gather(
            self.bot.db,
            guild.id,
            community=guild.name,
            period=period,
            audience=audience,
            now=now,
            zone=zone,
            previous=previous,
            organizers=await organizer_ids(self.bot, guild),
        )
        rendered = Files()
        if files:
            async with self.rendering:
                rendered = await asyncio.to_thread(render, report)
        await self.repo.record(
            guild.id,
            key,
            period.start,
            period.end,
            {h.label: h.value for h in report.headline},
            community=guild.name,
            made_by=made_by,
            now=now,
        )
        return report, rendered

    @app_commands.command(name="report")
    @organizer_only()
    @app_commands.describe(
        period="Which days it covers (this school year if you leave it out)",
        start="First day, e.g. 2026-09-01 (for “between dates”; giving it picks that)",
        end="Last day, e.g. 2027-01-31 (today if you leave it out)",
        group="Only this stakeholder group's members",
        school="Only this school team's members",
    )
    async def report(
        self,
        interaction: discord.Interaction[CopBot],
        period: PeriodChoice = "school year",
        start: app_commands.Range[str, 1, 60] | None = None,
        end: app_commands.Range[str, 1, 60] | None = None,
        group: app_commands.Transform[Group, GroupArg] | None = None,
        school: app_commands.Transform[School, SchoolArg] | None = None,
    ) -> None:
        """The evidence report: headline figures, charts, a workbook and a printable page (organizers)."""
        guild = interaction.guild
        assert guild is not None
        if group is not None and school is not None:
            raise UserError("Pick a stakeholder group or a school team, not both (or neither, for everyone).")
        zone = await self.bot.guild_settings.timezone(guild.id)
        now = self.bot.clock.now()
        first = _date(start, zone, now, "start") if start else None
        last = _date(end, zone, now, "end") if end else None
        if (first or last) and period != "between dates" and start is None:
            raise UserError("Give the first day too (`start`), or leave `end` out.")
        if period == "between dates" and first is None:
            raise UserError("For “between dates”, give the first day with `start` (e.g. 2026-09-01).")
        period_of = _period_of(period if first is None else "between dates", first, last)
        try:
            period_of(now.astimezone(get_zone(zone)).date(), None)  # refuse a bad period before any work
        except PeriodRefusal as exc:
            raise UserError(str(exc)) from None
        await interaction.response.defer(ephemeral=True, thinking=True)
        if group is not None:
            audience = Audience.group(group.id, group.name)
        elif school is not None:
            audience = Audience.school(school.id, school.name)
        else:
            audience = Audience.everyone()
        report, files = await self.make(guild, audience, period_of, made_by=interaction.user.id)
        attached = attachments(files, limit_bytes=interaction.filesize_limit)
        await interaction.followup.send(
            files_note(attached, guild_id=guild.id),
            embed=summary_embed(report),
            files=attached.files,
            ephemeral=True,
        )

    @app_commands.command(name="report-digest")
    @organizer_only()
    @app_commands.describe(
        every="Monthly: the summary on the 1st of each month at 09:00; off: stop it",
        channel="Where to post it (an organizers' channel; this one if you leave it out)",
    )
    async def report_digest(
        self,
        interaction: discord.Interaction[CopBot],
        every: Literal["monthly", "off"],
        channel: discord.TextChannel | None = None,
    ) -> None:
        """Have the report's summary posted each month, or stop it (organizers)."""
        guild = interaction.guild
        assert guild is not None
        if every == "off":
            stopped = await self.digests.stop(guild.id)
            text = (
                "The monthly report summary is off." if stopped else "There was no monthly summary to stop."
            )
            await interaction.response.send_message(text, ephemeral=True)
            return
        target = channel or interaction.channel
        if not isinstance(target, discord.TextChannel):
            raise UserError("Choose the text channel for the summary (the `channel` option).")
        require_bot_permissions(
            target, "view_channel", "send_messages", "embed_links", doing="post the summary there"
        )
        first = await self.digests.start(guild.id, target.id, set_by=interaction.user.id)
        await interaction.response.send_message(
            f"Each month's report summary will be posted in {target.mention}, the first on "
            f"{discord.utils.format_dt(first, 'D')}. It shows counts only; `/report` gives the files.",
            ephemeral=True,
        )


def _period_of(kind: str, first: date | None, last: date | None) -> PeriodOf:
    def period(today: date, last_end: date | None) -> Period:
        if kind == "between dates":
            assert first is not None
            return between(first, last, today)
        if kind == "since the last report":
            return since_last(last_end, today)
        return school_year(today)

    return period


def _date(text: str, zone: str, now: datetime, which: str) -> date:
    try:
        return parse_when(text, zone, now=now, allow_past=True).astimezone(get_zone(zone)).date()
    except TimeInputError as exc:
        raise UserError(f"The {which} date: {exc}") from None
