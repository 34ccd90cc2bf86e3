"""`/schools`: school teams — each a role and a private cross-sector channel — CSV import and the gaps grid."""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import organizer_only
from bot.client import CopBot
from bot.errors import UserError
from bot.formatting import embed, fit_lines, human_list, plural, safe_text, short_list
from bot.memberships import describe_change, memberships
from bot.options import typed_id
from bot.spreadsheets import csv_file
from bot.structure import (
    BuildReport,
    StructureBuilder,
    Unit,
    clean_name,
    confirm_and_archive,
    require_structure_permissions,
    run_build,
    slug_note,
)
from bot.ui import Paginator, paginate_lines
from storage.groups import DuplicateName, Group, GroupRepository, name_key
from storage.schools import School, SchoolRepository, UnreadableCsv, closest_names, read_school_csv

log = logging.getLogger(__name__)

CATEGORY = "School teams"
CSV_SIZE_LIMIT = 256 * 1024
DISTRICT_LIMIT = 100
GRID_ROWS_PER_PAGE = 25
GRID_NAME_WIDTH = 18


def school_unit(school: School) -> Unit:
    where = f" ({school.district})" if school.district else ""
    topic = (
        f"The cross-sector team of {school.name}{where}: teachers, families, partners and students together."
    )
    return Unit(school.id, school.name, topic, school.role_id, school.channel_id, school.category_id)


def abbreviations(groups: list[Group]) -> dict[int, str]:
    """Short column heads for the grid: initials of each group's words (Parents & Families → PF)."""
    out: dict[int, str] = {}
    used: set[str] = set()
    for group in groups:
        initials = "".join(w[0] for w in group.name.split() if w[0].isalnum()).upper()[:3] or "?"
        short, n = initials, 2
        while short in used:
            short, n = f"{initials}{n}", n + 1
        used.add(short)
        out[group.id] = short
    return out


def grid_pages(
    schools: list[School], groups: list[Group], grid: dict[tuple[int, int], int], sizes: dict[int, int]
) -> list[discord.Embed]:
    """The schools × groups table as monospaced text pages ('·' marks a gap)."""
    short = abbreviations(groups)
    width = max([3, *(len(s) for s in short.values())]) + 1
    head = "School".ljust(GRID_NAME_WIDTH) + " Team" + "".join(short[g.id].rjust(width) for g in groups)
    legend = " · ".join(f"{short[g.id]} {g.name}" for g in groups)
    rows = []
    for school in schools:
        name = (
            school.name if len(school.name) <= GRID_NAME_WIDTH else school.name[: GRID_NAME_WIDTH - 1] + "…"
        )
        cells = "".join((str(grid.get((school.id, g.id), 0) or "·")).rjust(width) for g in groups)
        rows.append(name.ljust(GRID_NAME_WIDTH) + str(sizes.get(school.id, 0)).rjust(5) + cells)
    pages = []
    for start in range(0, max(1, len(rows)), GRID_ROWS_PER_PAGE):
        block = "\n".join([head, *rows[start : start + GRID_ROWS_PER_PAGE]])
        page = embed("School teams × stakeholder groups", f"```\n{block}\n```\n{legend}"[:4096])
        pages.append(page)
    return pages


def gaps_summary(schools: list[School], groups: list[Group], grid: dict[tuple[int, int], int]) -> list[str]:
    """Per group: which schools have nobody from it, most-missing first."""
    lines = []
    for group in groups:
        missing = [s.name for s in schools if not grid.get((s.id, group.id))]
        if missing:
            names = human_list([safe_text(n, 40) for n in missing[:5]])
            more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
            lines.append(
                (
                    len(missing),
                    f"**No {safe_text(group.name, 60)}**: {plural(len(missing), 'school')} — {names}{more}",
                )
            )
    lines.sort(key=lambda item: -item[0])
    return [text for _, text in lines]


def grid_rows(
    schools: list[School], groups: list[Group], grid: dict[tuple[int, int], int], sizes: dict[int, int]
) -> list[list[object]]:
    rows: list[list[object]] = [
        ["school", "district", "team size", *(g.name for g in groups), "missing groups"]
    ]
    for s in schools:
        counts = [grid.get((s.id, g.id), 0) for g in groups]
        missing = "; ".join(g.name for g, n in zip(groups, counts, strict=True) if not n)
        rows.append([s.name, s.district, sizes.get(s.id, 0), *counts, missing])
    return rows


class Schools(commands.Cog):
    """School teams: roles, private channels, import, gaps."""

    schools = app_commands.Group(name="schools", description="School teams and their private channels.")

    def __init__(self, bot: CopBot) -> None:
        self.bot = bot
        self.repo = SchoolRepository(bot.db)
        self.groups = GroupRepository(bot.db)

    async def cog_load(self) -> None:
        self.bot.personal_data.register(
            "school teams", export=self.repo.export_member, delete=self.repo.delete_member
        )

    async def cog_unload(self) -> None:
        self.bot.personal_data.unregister("school teams")

    # -- helpers ----------------------------------------------------------------------------------------

    async def find(self, guild_id: int, name: str) -> School:
        """The school named, or a UserError suggesting the closest names."""
        school = await self.repo.by_name(guild_id, name)
        if school is None and (typed := typed_id(name)) is not None:
            school = await self.repo.get(guild_id, typed)
        if school is None:
            known = [s.name for s in await self.repo.all(guild_id)]
            near = closest_names(name, known)
            hint = (
                f" Did you mean {human_list([f'**{safe_text(n, 80)}**' for n in near], 'or')}?"
                if near
                else " Start typing and pick a school from the list."
                if known
                else " No schools have been added yet: an organizer can add them with `/schools add` or `/schools import`."
            )
            raise UserError(f"I don't know a school called “{safe_text(name, 80)}”.{hint}")
        return school

    async def _builder(self, guild: discord.Guild) -> StructureBuilder:
        settings = await self.bot.guild_settings.get(guild.id)
        reserved = {g.role_id for g in await self.groups.all(guild.id) if g.role_id}
        return StructureBuilder(
            guild,
            self.repo,
            category_name=CATEGORY,
            what="school team",
            organizer_role_id=settings.organizer_role_id,
            reason="copbot: school teams",
            reserved_roles=reserved,
            command="/schools setup",
        )

    async def _build(
        self, interaction: discord.Interaction[CopBot], *, before_refusal: str = ""
    ) -> tuple[BuildReport | None, list[School]]:
        """Build or repair every school team (the categories are planned from all the names)."""
        assert interaction.guild is not None
        schools = await self.repo.all(interaction.guild.id)
        builder = await self._builder(interaction.guild)
        units = [school_unit(s) for s in schools]
        return await run_build(interaction, builder, units, before_refusal=before_refusal), schools

    async def school_autocomplete(
        self, interaction: discord.Interaction[CopBot], current: str
    ) -> list[app_commands.Choice[str]]:
        assert interaction.guild_id is not None
        found = await self.repo.search(interaction.guild_id, current.strip(), limit=25)
        return [
            app_commands.Choice(
                name=(f"{s.name} — {s.district}" if s.district else s.name)[:100], value=s.name[:100]
            )
            for s in found
        ]

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
        guild = interaction.guild
        clean = clean_name(name, "school")
        where = " ".join((district or "").split())
        if len(where) > DISTRICT_LIMIT:
            raise UserError(f"The district is {len(where)} characters; keep it to {DISTRICT_LIMIT}.")
        if await self.repo.by_name(guild.id, clean):
            raise UserError(f"**{safe_text(clean, 100)}** is already a school here.")
        known = [school_unit(s) for s in await self.repo.all(guild.id)]
        await (await self._builder(guild)).preflight([*known, Unit(0, clean, "", None, None)])
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            school = await self.repo.add(guild.id, clean, where, now=self.bot.clock.now())
        except DuplicateName:
            raise UserError(f"**{safe_text(clean, 100)}** is already a school here.") from None
        shown = safe_text(clean, 100)
        report, _ = await self._build(
            interaction,
            before_refusal=f"I added **{shown}** to the list of schools, but its team isn't ready. ",
        )
        if report is None:
            return
        channel = report.channels.get(school.id)
        where_note = (
            f" in **{safe_text(channel.category.name, 100)}**" if channel and channel.category else ""
        )
        await interaction.edit_original_response(
            content=f"Added **{shown}** with its team channel {channel.mention if channel else ''}"
            f"{where_note}.{slug_note(clean)}{report.besides_one()}"
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
        present = [school_unit(s) for s in await self.repo.all(guild.id)]
        existing = {name_key(u.name) for u in present}
        new_rows = [r for r in reading.rows if name_key(r.name) not in existing]
        await (await self._builder(guild)).preflight(
            [*present, *(Unit(0, r.name, "", None, None) for r in new_rows)]
        )
        created, known = await self.repo.add_many(guild.id, reading.rows, now=self.bot.clock.now())
        report: BuildReport | None = BuildReport()
        if created:
            report, _ = await self._build(
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
        report, schools = await self._build(interaction)
        if report is None:
            return
        await interaction.edit_original_response(
            content=f"{report.summary()}\nSchool teams are ready: {plural(len(schools), 'school')}."
        )

    @schools.command(name="remove")
    @organizer_only()
    @app_commands.describe(name="The school to remove (its channel is archived, not deleted)")
    @app_commands.autocomplete(name=school_autocomplete)
    async def remove_school(self, interaction: discord.Interaction[CopBot], name: str) -> None:
        """Remove a school team: its channel is locked and archived, members lose the role."""
        assert interaction.guild is not None
        guild = interaction.guild
        school = await self.find(guild.id, name)
        count = len(await self.repo.member_ids(guild.id, school.id))
        await confirm_and_archive(
            interaction,
            question=f"Remove **{safe_text(school.name, 100)}**? Its {plural(count, 'team member')} lose the role; "
            "its channel is locked and renamed with an “archived-” prefix, and its messages are kept.",
            confirm_label="Remove school",
            name=school.name,
            what="school team",
            command="/schools remove",
            role_id=school.role_id,
            channel_id=school.channel_id,
            organizer_role_id=(await self.bot.guild_settings.get(guild.id)).organizer_role_id,
            forget=lambda: self.repo.remove(guild.id, school.id),
        )

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
        lines = []
        for s in schools:
            has = [g.name for g in groups if grid.get((s.id, g.id))]
            lacks = [g.name for g in groups if not grid.get((s.id, g.id))]
            where = f" ({safe_text(s.district, 60)})" if s.district else ""
            lines.append(
                f"**{safe_text(s.name, 100)}**{where} — {plural(sizes.get(s.id, 0), 'member')}\n"
                f"Has: {safe_text(', '.join(has), 400) or 'nobody yet'}\n"
                f"Lacks: {safe_text(', '.join(lacks), 400) or 'nothing'}"
            )
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
    @app_commands.autocomplete(school=school_autocomplete)
    async def join(self, interaction: discord.Interaction[CopBot], school: str) -> None:
        """Join your school's team and its private channel."""
        assert interaction.guild is not None
        assert isinstance(interaction.user, discord.Member)
        found = await self.find(interaction.guild.id, school)
        change = await memberships(self.bot).join_schools(interaction.user, [found.id])
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
            target = await self.find(interaction.guild.id, school)
        change = await memberships(self.bot).leave_schools(interaction.user, [target.id])
        text = describe_change(None, change, kind="school", setup="/schools setup")
        await interaction.response.send_message(text, ephemeral=True)

    # -- keeping records in step with Discord -------------------------------------------------------------

    @commands.Cog.listener()
    async def on_guild_role_delete(self, role: discord.Role) -> None:
        await self.repo.forget_role(role.guild.id, role.id)

    @commands.Cog.listener()
    async def on_guild_channel_delete(self, channel: discord.abc.GuildChannel) -> None:
        await self.repo.forget_channel(channel.guild.id, channel.id)


async def setup(bot: CopBot) -> None:
    await bot.add_cog(Schools(bot))
