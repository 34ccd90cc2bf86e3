"""The `/schools` commands: organizers add, import, set up and remove school teams and see the gaps;
members list the teams, join theirs and leave it."""

from __future__ import annotations

import logging

import discord
from discord import app_commands

from bot.checks import organizer_only
from bot.client import CopBot
from bot.errors import UserError
from bot.memberships import describe_change, memberships
from bot.spreadsheets import csv_file
from bot.structure import BuildReport, Unit, require_structure_permissions
from bot.ui import Paginator, paginate_lines
from cogs._units import UnitCog, clean_name
from cogs.schools.grid import coverage_line, gaps_summary, grid_pages
from cogs.schools.inputs import SchoolArg, find_school, school_unit
from core.text import fit_lines, plural, safe_text, short_list
from core.units.gaps import coverage, grid_rows
from core.units.names import new_names
from core.units.school_csv import DISTRICT_LIMIT, UnreadableCsv, read_school_csv
from storage.goals import GoalRepository
from storage.groups import GroupRepository
from storage.schools import School, SchoolRepository

log = logging.getLogger(__name__)

CSV_SIZE_LIMIT = 256 * 1024

SchoolOption = app_commands.Transform[School, SchoolArg]


class Schools(UnitCog[School]):
    """School teams: roles, private channels, import, gaps."""

    schools = app_commands.Group(name="schools", description="School teams and their private channels.")

    category = "School teams"
    what = "school team"
    archived = "school team"
    reason = "copbot: school teams"
    setup_command = "/schools setup"
    remove_command = "/schools remove"

    repo: SchoolRepository

    def __init__(self, bot: CopBot) -> None:
        super().__init__(bot)
        self.repo = SchoolRepository(bot.db)
        self.groups = GroupRepository(bot.db)

    async def cog_load(self) -> None:
        self.bot.personal_data.register(
            "school teams", export=self.repo.export_member, delete=self.repo.delete_member
        )

    async def cog_unload(self) -> None:
        self.bot.personal_data.unregister("school teams")

    def unit(self, row: School) -> Unit:
        return school_unit(row)

    async def reserved_roles(self, guild_id: int) -> set[int]:
        return {g.role_id for g in await self.groups.all(guild_id) if g.role_id}

    async def my_school_autocomplete(
        self, interaction: discord.Interaction[CopBot], current: str
    ) -> list[app_commands.Choice[str]]:
        assert interaction.guild_id is not None
        mine = await self.repo.schools_of(interaction.guild_id, interaction.user.id)
        return [
            app_commands.Choice(name=s.name[:100], value=s.name[:100])
            for s in mine
            if current.casefold() in s.name.casefold()
        ][:25]

    # -- organizer commands ----------------------------------------------------------------------------

    @schools.command(name="add")
    @organizer_only()
    @app_commands.describe(name="The school's name", district="Its district (optional)")
    async def add_school(
        self,
        interaction: discord.Interaction[CopBot],
        name: app_commands.Range[str, 1, 200],
        district: app_commands.Range[str, 0, 200] | None = None,
    ) -> None:
        """Add a school team with its own role and private channel."""
        assert interaction.guild is not None
        guild_id = interaction.guild.id
        clean = clean_name(name, "school")
        where = " ".join((district or "").split())
        if len(where) > DISTRICT_LIMIT:
            raise UserError(f"The district is {len(where)} characters; keep it to {DISTRICT_LIMIT}.")
        shown = safe_text(clean, 100)
        await self.add_unit(
            interaction,
            clean,
            lambda: self.repo.add(guild_id, clean, where, now=self.bot.clock.now()),
            duplicate=f"**{shown}** is already a school here.",
            not_ready=f"I added **{shown}** to the list of schools, but its team isn't ready. ",
            added=f"Added **{shown}** with its team channel ",
        )

    @schools.command(name="import")
    @organizer_only()
    @app_commands.describe(file="A CSV file with columns name,district (a header row is optional)")
    async def import_schools(
        self, interaction: discord.Interaction[CopBot], file: discord.Attachment
    ) -> None:
        """Add many schools at once from a CSV file with name and district columns."""
        assert interaction.guild is not None
        guild = interaction.guild
        if file.size > CSV_SIZE_LIMIT:
            raise UserError(f"That file is too big for a school list (over {CSV_SIZE_LIMIT // 1024} KB).")
        if not file.filename.lower().endswith((".csv", ".txt")):
            raise UserError("Attach a .csv file with one school per line: `name,district`.")
        require_structure_permissions(guild, "set up the school teams")
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            reading = read_school_csv(await file.read())
        except UnreadableCsv as exc:
            raise UserError(str(exc)) from None
        except discord.HTTPException:
            raise UserError("I couldn't download that file from Discord; please attach it again.") from None
        present = [s.name for s in await self.repo.all(guild.id)]
        await self.preflight(guild, new_names([r.name for r in reading.rows], present))
        created, known = await self.repo.add_many(guild.id, reading.rows, now=self.bot.clock.now())
        report: BuildReport | None = BuildReport()
        if created:
            report, _ = await self.build(
                interaction,
                before_refusal=f"I saved the {plural(len(created), 'school')} from "
                f"`{safe_text(file.filename, 60)}`, but their teams aren't ready. ",
            )
        if report is None:
            return
        lines = [
            f"**Imported {plural(len(created), 'school')}** from `{safe_text(file.filename, 60)}`"
            + (f" ({report.summary()})" if created else ".")
        ]
        duplicates = [
            f"line {n}: {safe_text(name, 60)} (twice in the file)" for n, name in reading.duplicates
        ]
        duplicates += [f"line {r.line}: {safe_text(r.name, 60)} (already here)" for r in known]
        if duplicates:
            lines.append(
                f"**{plural(len(duplicates), 'duplicate')}** skipped:\n" + fit_lines(duplicates, 600)
            )
        if reading.invalid:
            invalid = [f"line {n}: {reason}" for n, reason in reading.invalid]
            lines.append(f"**{plural(len(invalid), 'invalid row')}** skipped:\n" + fit_lines(invalid, 600))
        await interaction.edit_original_response(content="\n".join(lines)[:2000])

    @schools.command(name="setup")
    @organizer_only()
    async def setup_schools(self, interaction: discord.Interaction[CopBot]) -> None:
        """Create or repair every school team's role and private channel."""
        assert interaction.guild is not None
        require_structure_permissions(interaction.guild, "set up the school teams")
        schools = await self.repo.all(interaction.guild.id)
        if not schools:
            raise UserError("There are no schools yet. Add them with `/schools add` or `/schools import`.")
        await interaction.response.defer(ephemeral=True, thinking=True)
        report, schools = await self.build(interaction)
        if report is None:
            return
        await interaction.edit_original_response(
            content=f"{report.summary()}\nSchool teams are ready: {plural(len(schools), 'school')}."
        )

    @schools.command(name="remove")
    @organizer_only()
    @app_commands.describe(name="The school to remove (its channel is archived, not deleted)")
    async def remove_school(self, interaction: discord.Interaction[CopBot], name: SchoolOption) -> None:
        """Remove a school team: its channel is locked and archived, members lose the role."""
        assert interaction.guild is not None
        count = len(await self.repo.member_ids(interaction.guild.id, name.id))
        goals = len(await GoalRepository(self.bot.db).goals(interaction.guild.id, name.id))
        question = (
            f"Remove **{safe_text(name.name, 100)}**? Its {plural(count, 'team member')} lose the role; "
            "its channel is locked and renamed with an “archived-” prefix, and its messages are kept."
        )
        if goals:
            question += (
                f" Its shared vision and {plural(goals, 'goal')} with their check-ins are deleted with it "
                "(its collaboration agreements are kept)."
            )
        await self.remove_unit(interaction, name, question=question, confirm_label="Remove school")

    @schools.command(name="gaps")
    @organizer_only()
    async def gaps(self, interaction: discord.Interaction[CopBot]) -> None:
        """Which school teams lack a stakeholder group (no business partner, no parent, no student…)."""
        assert interaction.guild is not None
        guild_id = interaction.guild.id
        schools = await self.repo.all(guild_id)
        groups = await self.groups.all(guild_id)
        if not schools or not groups:
            raise UserError(
                "The grid needs schools and stakeholder groups: add them with `/schools add` and `/groups setup`."
            )
        grid = await self.repo.group_grid(guild_id)
        sizes = await self.repo.member_counts(guild_id)
        summary = gaps_summary(schools, groups, grid)
        text = "**Gaps in the school teams**\n" + (
            fit_lines(summary, 1700) if summary else "Every school team has someone from every group."
        )
        pages = grid_pages(schools, groups, grid, sizes)
        paginator = Paginator(interaction.user.id, pages)
        paginator.interaction = interaction
        await interaction.response.send_message(
            text + "\nThe full grid is attached as a spreadsheet (CSV).",
            embed=pages[0],
            file=csv_file(grid_rows(schools, groups, grid, sizes), "school-gaps.csv"),
            view=paginator if len(pages) > 1 else discord.utils.MISSING,
            ephemeral=True,
        )

    # -- member commands --------------------------------------------------------------------------------

    @schools.command(name="list")
    @app_commands.guild_only()
    async def list_schools(self, interaction: discord.Interaction[CopBot]) -> None:
        """Every school team with its size and which stakeholder groups it has and lacks."""
        assert interaction.guild is not None
        guild_id = interaction.guild.id
        schools = await self.repo.all(guild_id)
        groups = await self.groups.all(guild_id)
        grid = await self.repo.group_grid(guild_id)
        sizes = await self.repo.member_counts(guild_id)
        lines = [coverage_line(row, sizes.get(row.school.id, 0)) for row in coverage(schools, groups, grid)]
        pages = paginate_lines(
            "School teams",
            lines,
            per_page=6,
            empty="No schools yet. Organizers add them with `/schools add` or `/schools import`.",
        )
        await Paginator(interaction.user.id, pages).send(interaction)

    @schools.command(name="join")
    @app_commands.guild_only()
    @app_commands.describe(school="Your school (start typing to pick it)")
    async def join(self, interaction: discord.Interaction[CopBot], school: SchoolOption) -> None:
        """Join your school's team and its private channel."""
        assert isinstance(interaction.user, discord.Member)
        change = await memberships(self.bot).join_schools(interaction.user, [school.id])
        await interaction.response.send_message(
            describe_change(change, kind="school", setup="/schools setup"), ephemeral=True
        )

    @schools.command(name="leave")
    @app_commands.guild_only()
    @app_commands.describe(school="The school team to leave (needed only if you're in more than one)")
    @app_commands.autocomplete(school=my_school_autocomplete)
    async def leave(self, interaction: discord.Interaction[CopBot], school: str | None = None) -> None:
        """Leave a school team."""
        assert interaction.guild is not None
        assert isinstance(interaction.user, discord.Member)
        mine = await self.repo.schools_of(interaction.guild.id, interaction.user.id)
        if not mine:
            raise UserError("You aren't in any school team. Join yours with `/schools join`.")
        if school is None:
            if len(mine) > 1:
                raise UserError(
                    f"You're in {short_list([f'**{safe_text(s.name, 80)}**' for s in mine])}: say which one "
                    "to leave (start typing its name to pick it)."
                )
            target = mine[0]
        else:
            # Read in the body, not by SchoolArg: a member in no team hears that first, whatever they typed.
            target = await find_school(self.repo, interaction.guild.id, school)
        change = await memberships(self.bot).leave_schools(interaction.user, [target.id])
        text = describe_change(None, change, kind="school", setup="/schools setup")
        await interaction.response.send_message(text, ephemeral=True)
