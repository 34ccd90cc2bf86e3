"""`/agreement`: school teams and partners write down what each side commits, both confirm with a button,
and the bot reminds both before the review date. The rules are the core's (`core.agreements`)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import discord
from discord import app_commands
from discord.ext import commands

from bot.arguments import IdArgument, guild_zone
from bot.checks import can_organize, organizer_only
from bot.client import CopBot
from bot.errors import ErrorReportingModal, UserError
from bot.permissions import require_bot_permissions
from bot.reach import jump_link, tell_organizers
from bot.ui import Paginator, add_field, form_id, paginate_lines
from cogs.schools.inputs import SchoolArg
from core.agreements import rules
from core.agreements.rules import KIND, MAX_HOURS, Side
from core.agreements.service import AgreementService
from core.personal_data import Deleted
from core.text import fit_lines, plural, quote, safe_text
from core.timeutil import TimeInputError, discord_timestamp, parse_when
from storage.agreements import Agreement, AgreementRepository, NewAgreement
from storage.profiles import ProfileRepository
from storage.schools import School, SchoolRepository

from .cards import ConfirmButton, list_line
from .common import can_view, refresh_card, refusals, render_card
from .jobs import Reviews

log = logging.getLogger(__name__)

GRACE = timedelta(days=365)  # a lapse must happen even after a long outage; a late reminder refuses itself
COMMITMENT_LIMIT = 500
ID_HELP = "The agreement's number (see /agreement list)"


async def viewer(interaction: discord.Interaction[CopBot]) -> tuple[list[int], bool]:
    """The school teams the member belongs to, and whether they organize."""
    assert interaction.guild_id is not None
    schools = await SchoolRepository(interaction.client.db).unit_ids_of(
        interaction.guild_id, interaction.user.id
    )
    return schools, await can_organize(interaction)


async def find_agreement(interaction: discord.Interaction[CopBot], guild_id: int, number: int) -> Agreement:
    """The guild's agreement the member may see, or one refusal for an unknown or hidden id."""
    found = await AgreementRepository(interaction.client.db).get(guild_id, number)
    schools, organizer = await viewer(interaction)
    if found is None or not rules.can_see(
        found, interaction.user.id, school_ids=schools, organizer=organizer
    ):
        raise UserError(
            f"I don't know agreement #{number}. `/agreement list` shows the agreements you can see."
        )
    return found


def read_date(what: str, text: str, zone: str, *, now: datetime, allow_past: bool = False) -> datetime:
    """A date typed in the guild's zone (a date alone means 9:00 there); the refusal names the option."""
    try:
        return parse_when(text, zone, now=now, allow_past=allow_past)
    except TimeInputError as exc:
        raise UserError(f"The {what} date: {exc}") from None


class AgreementTransformer(IdArgument[Agreement]):
    async def find(self, interaction: discord.Interaction[CopBot], guild_id: int, number: int) -> Agreement:
        return await find_agreement(interaction, guild_id, number)


AgreementArg = app_commands.Transform[Agreement, AgreementTransformer]
Hours = app_commands.Range[int, 0, MAX_HOURS]


@dataclass(frozen=True, slots=True)
class Draft:
    guild_id: int
    school: School
    partner_id: int | None  # None: the organisation is the partner, and an organizer confirms for it
    organization: str
    hours: int
    starts: datetime
    review: datetime
    author_id: int


class CommitmentsModal(ErrorReportingModal):
    """What each side commits."""

    def __init__(self, cog: Agreements, draft: Draft) -> None:
        super().__init__(title="What each side commits", custom_id=form_id("agr-form"), timeout=15 * 60)
        self.cog = cog
        self.draft = draft
        self.team: discord.ui.TextInput[CommitmentsModal] = discord.ui.TextInput(
            custom_id="team",
            style=discord.TextStyle.paragraph,
            max_length=COMMITMENT_LIMIT,
            placeholder="e.g. host a science night each semester",
        )
        self.partner: discord.ui.TextInput[CommitmentsModal] = discord.ui.TextInput(
            custom_id="partner",
            style=discord.TextStyle.paragraph,
            max_length=COMMITMENT_LIMIT,
            placeholder="e.g. two engineers judge the science fair",
        )
        add_field(self, "The school team commits to", self.team)
        add_field(self, "The partner commits to", self.partner)

    async def on_submit(self, interaction: discord.Interaction[CopBot]) -> None:  # type: ignore[override]
        await self.cog.submit(interaction, self.draft, self.team.value, self.partner.value)


class Agreements(commands.Cog):
    """Collaboration agreements between school teams and partners."""

    agreement = app_commands.Group(
        name="agreement", description="Agreements between a school team and a partner.", guild_only=True
    )

    def __init__(self, bot: CopBot) -> None:
        self.bot = bot
        self.service = AgreementService(bot.db, bot.scheduler, bot.clock)
        self.repo = self.service.repo
        self.reviews = Reviews(bot, self.service)

    async def cog_load(self) -> None:
        self.bot.scheduler.register(KIND, self.reviews.run, grace=GRACE, describe=self.reviews.describe)
        self.bot.add_dynamic_items(ConfirmButton)
        self.bot.personal_data.register(
            "collaboration agreements", export=self.repo.export_member, delete=self.forget
        )

    async def cog_unload(self) -> None:
        self.bot.scheduler.unregister(KIND)
        self.bot.remove_dynamic_items(ConfirmButton)
        self.bot.personal_data.unregister("collaboration agreements")

    async def forget(self, guild_id: int, user_id: int) -> Deleted:
        """Take the member out of every agreement (kept as the team's record) and, best effort, off Discord:
        the posts that mention them are deleted and the cards redrawn without them. Each post's record is
        forgotten only once the post is off Discord (or was already): one Discord kept is found again by the
        next `/profile delete`."""
        about = await self.repo.about_member(guild_id, user_id)
        posts = await self.repo.posts_of(guild_id, user_id)
        changed = await self.repo.forget_member(guild_id, user_id)
        taken, remains = 0, []
        for kind, channel_id, message_id in posts:
            message = self.bot.get_partial_messageable(channel_id, guild_id=guild_id).get_partial_message(
                message_id
            )
            try:
                if kind == "ask":
                    await message.delete()
                else:  # a team reminder: it stays, without the member's mention
                    full = await message.fetch()
                    await message.edit(
                        content=full.content.replace(f"<@{user_id}> ", "").replace(
                            f"<@{user_id}>", "a former member"
                        )
                    )
            except discord.NotFound:
                pass  # gone already (deleted by hand, or its channel): nothing of it is left to take down
            except discord.HTTPException as exc:
                log.info("could not take down agreement post %s: %s", message_id, exc)
                remains.append(
                    f"a message about an agreement that mentions you ({jump_link(guild_id, channel_id, message_id)})"
                )
                continue
            taken += 1
            changed += await self.repo.forget_post(guild_id, user_id, message_id)
        for agreement in about:
            current = await self.repo.get(guild_id, agreement.id)
            if current is not None:
                await refresh_card(self.bot, current)
        done = [f"your mention in {plural(taken, 'agreement message')}"] if taken else []
        if about:
            done.append(f"your name on {plural(len(about), 'agreement card')}")
        return Deleted(changed, tuple(done), tuple(remains))

    async def _team_ids(self, agreement: Agreement) -> list[int]:
        return await SchoolRepository(self.bot.db).member_ids(agreement.guild_id, agreement.school_id)

    async def _school_of(self, agreement: Agreement) -> School:
        school = await SchoolRepository(self.bot.db).get(agreement.guild_id, agreement.school_id)
        if school is None:
            raise UserError(
                f"The {safe_text(agreement.school_name, 80)} school team was removed, so agreement "
                f"#{agreement.id} can't change any more; it stays as the team's record."
            )
        return school

    # -- propose -------------------------------------------------------------------------------------------

    @agreement.command(name="propose")
    @app_commands.describe(
        school="The school team making the agreement",
        partner="The partner member who confirms for the partner side (or name an organization)",
        hours="Hours per month the partner commits (0 to 1000)",
        starts="When it starts, e.g. 'today' or '2026-11-01'",
        review="When to review it, e.g. '2027-05-31' (both sides are reminded a week before)",
        organization="The partner's organisation (as in profiles); alone, an organizer confirms for it",
    )
    async def propose(
        self,
        interaction: discord.Interaction[CopBot],
        school: app_commands.Transform[School, SchoolArg],
        hours: Hours,
        starts: app_commands.Range[str, 1, 100],
        review: app_commands.Range[str, 1, 100],
        partner: discord.Member | None = None,
        organization: app_commands.Range[str, 1, 100] | None = None,
    ) -> None:
        """Propose an agreement between a school team and a partner; you write the commitments next."""
        assert interaction.guild is not None
        schools, organizer = await viewer(interaction)
        if not organizer and school.id not in schools:
            raise UserError(
                f"Only members of the {safe_text(school.name, 80)} team or organizers can propose its agreements."
            )
        org = " ".join((organization or "").split())
        if partner is None and not org:
            raise UserError(
                "Name the partner: a member with `partner`, an organisation with `organization`, or both. "
                "With an organisation alone, an organizer confirms for it."
            )
        if partner is not None and partner.bot:
            raise UserError("The partner must be a person, not a bot.")
        if partner is not None and partner.id == interaction.user.id:
            raise UserError(
                "You can't be the partner of an agreement you propose: choose the partner member."
            )
        channel = interaction.guild.get_channel(school.channel_id) if school.channel_id else None
        if not isinstance(channel, discord.TextChannel):
            raise UserError(
                f"The {safe_text(school.name, 80)} team has no channel for the agreement's card. "
                "An organizer can recreate it with `/schools setup`."
            )
        require_bot_permissions(
            channel, "view_channel", "send_messages", doing=f"post the agreement in {channel.mention}"
        )
        zone = await guild_zone(interaction)
        now = self.bot.clock.now()
        start_at = read_date("start", starts, zone, now=now, allow_past=True)
        review_at = read_date("review", review, zone, now=now)
        with refusals():
            rules.check_hours(hours)
            rules.check_dates(start_at, review_at, now=now)
        draft = Draft(
            interaction.guild.id,
            school,
            partner.id if partner is not None else None,
            org,
            hours,
            start_at,
            review_at,
            interaction.user.id,
        )
        await interaction.response.send_modal(CommitmentsModal(self, draft))

    async def submit(
        self, interaction: discord.Interaction[CopBot], draft: Draft, team: str, partner: str
    ) -> None:
        team, partner = team.strip(), partner.strip()
        if not team or not partner:
            raise UserError(
                "Write what each side of the agreement commits: neither can be empty. Nothing was saved."
            )
        school = await SchoolRepository(self.bot.db).get(draft.guild_id, draft.school.id)
        if school is None:
            raise UserError("That school team was removed meanwhile, so nothing was saved.")
        with refusals():
            agreement = await self.service.propose(
                NewAgreement(
                    guild_id=draft.guild_id,
                    school_id=school.id,
                    school_name=school.name,
                    partner_id=draft.partner_id,
                    organization=draft.organization,
                    team_commitment=team,
                    partner_commitment=partner,
                    hours_per_month=draft.hours,
                    starts_at=draft.starts,
                    review_at=draft.review,
                    created_by=draft.author_id,
                )
            )
        await interaction.response.defer(ephemeral=True, thinking=True)
        notes: list[str] = []
        link = ""
        channel = self.bot.get_channel(school.channel_id) if school.channel_id else None
        if isinstance(channel, discord.TextChannel):
            try:
                content, view = await render_card(self.bot, agreement)
                card = await (channel.send(content, view=view) if view else channel.send(content))
                await self.repo.set_card(agreement.id, channel.id, card.id)
                link = jump_link(draft.guild_id, channel.id, card.id)
            except discord.HTTPException as exc:
                log.warning("could not post the card of agreement %s: %s", agreement.id, exc)
                notes.append(
                    "I couldn't post its card in the team channel; `/agreement show` still shows it."
                )
        if agreement.partner_id is not None:
            notes.append(
                await self._ask_partner(
                    agreement,
                    channel if isinstance(channel, discord.TextChannel) else None,
                    interaction.channel,
                )
            )
            sides = "a team member and the partner have both confirmed"
        else:
            notes.append(await self._ask_organizers(agreement, link, await can_organize(interaction)))
            sides = "a team member and an organizer (for the organisation) have both confirmed"
        await interaction.followup.send(
            f"Proposed agreement **#{agreement.id}**{f' ({link})' if link else ''}. "
            f"It becomes active once {sides}. " + " ".join(notes),
            ephemeral=True,
        )

    async def _ask_organizers(self, agreement: Agreement, link: str, proposer_organizes: bool) -> str:
        """No partner member is named: an organizer confirms for the organisation. Unless the proposer
        organizes, the organizers are told once (no ping) in their channel."""
        how = f"on its card or with `/agreement confirm id:{agreement.id}`"
        if proposer_organizes:
            return f"No partner member is named, so an organizer confirms for the organisation {how}."
        told = await tell_organizers(
            self.bot,
            agreement.guild_id,
            f"🤝 The {safe_text(agreement.school_name, 100)} team proposed collaboration agreement "
            f"#{agreement.id} with {quote(agreement.organization, 100)}, and no partner member is named: "
            f"an organizer confirms for the organisation {how}." + (f" The card: {link}" if link else ""),
            nonce=f"agr-org-{agreement.id}",
        )
        return "No partner member is named, so an organizer confirms for the organisation: " + (
            "I let the organizers know." if told else "please let an organizer know."
        )

    async def _ask_partner(self, agreement: Agreement, team: discord.TextChannel | None, here: object) -> str:
        """Ask the partner to confirm: by DM with the button, else with a mention in the team channel (or,
        when they can't see it, in the channel the proposal was made in)."""
        assert agreement.partner_id is not None
        text = (
            f"The {safe_text(agreement.school_name, 100)} team proposed a collaboration agreement with you (#{agreement.id}). "
            f"You commit: {quote(agreement.partner_commitment, 500)}. The team commits: "
            f"{quote(agreement.team_commitment, 500)}. {agreement.hours_per_month} hours per month, review "
            f"{discord_timestamp(agreement.review_at, 'D')}. Confirm below if that is right."
        )
        view = discord.ui.View(timeout=None)
        view.add_item(ConfirmButton(agreement.id, Side.PARTNER))
        try:
            user = self.bot.get_user(agreement.partner_id) or await self.bot.fetch_user(agreement.partner_id)
            await user.send(text[:2000], view=view)
            return "I sent the partner a DM to confirm."
        except discord.HTTPException:
            pass
        where = next((c for c in (team, here) if can_view(c, agreement.partner_id)), None)
        if not isinstance(where, discord.abc.Messageable):
            return (
                "The partner's DMs are closed and they can't see this channel: ask them to run "
                f"`/agreement confirm id:{agreement.id}`."
            )
        try:
            sent = await where.send(
                f"<@{agreement.partner_id}> the {safe_text(agreement.school_name, 80)} team proposed collaboration "
                f"agreement #{agreement.id} with you (I couldn't DM you). See it with `/agreement show id:"
                f"{agreement.id}` and confirm with `/agreement confirm id:{agreement.id}`.",
                allowed_mentions=discord.AllowedMentions(users=[discord.Object(agreement.partner_id)]),
            )
        except discord.HTTPException:
            return f"I couldn't reach the partner: ask them to run `/agreement confirm id:{agreement.id}`."
        await self.repo.record_post(
            agreement.guild_id, agreement.id, agreement.partner_id, "ask", sent.channel.id, sent.id
        )
        return "The partner's DMs are closed, so I mentioned them in a channel they can see."

    async def _confirm(self, interaction: discord.Interaction[CopBot], agreement_id: int, side: Side) -> None:
        found = await self.repo.get_any(agreement_id)
        if found is None or (interaction.guild_id is not None and found.guild_id != interaction.guild_id):
            raise UserError("This agreement doesn't exist any more.")
        await self._school_of(found)
        with refusals():
            done = await self.service.confirm(
                found.id,
                side,
                interaction.user.id,
                team_ids=await self._team_ids(found),
                organizer=await can_organize(interaction),
            )
        await refresh_card(self.bot, done.agreement)
        whose = (
            "the organisation's"
            if side is Side.PARTNER and rules.organization_only(found)
            else f"the {side.value}"
        )
        text = f"You confirmed agreement #{found.id} for {whose} side."
        text += (
            " Both sides have confirmed: it is now **active**."
            if done.became_active
            else " Waiting for the other side."
        )
        await interaction.response.send_message(text, ephemeral=True)

    @agreement.command(name="confirm")
    @app_commands.rename(agreement="id")
    @app_commands.describe(agreement=ID_HELP)
    async def confirm(self, interaction: discord.Interaction[CopBot], agreement: AgreementArg) -> None:
        """Confirm an agreement for your side: as its partner, its team, or an organizer for an organisation."""
        partner = rules.partner_side_for(
            agreement,
            interaction.user.id,
            team_ids=await self._team_ids(agreement),
            organizer=await can_organize(interaction),
        )
        await self._confirm(interaction, agreement.id, Side.PARTNER if partner else Side.TEAM)

    async def on_component(self, interaction: discord.Interaction[CopBot], item: ConfirmButton) -> None:
        """A Confirm click, on the card or in the partner's DM."""
        await self._confirm(interaction, item.agreement_id, item.side)

    # -- show, list ----------------------------------------------------------------------------------------

    @agreement.command(name="show")
    @app_commands.rename(agreement="id")
    @app_commands.describe(agreement=ID_HELP)
    async def show(self, interaction: discord.Interaction[CopBot], agreement: AgreementArg) -> None:
        """Show an agreement: what each side commits, its dates and who confirmed."""
        content, _ = await render_card(self.bot, agreement)
        await interaction.response.send_message(content, ephemeral=True)

    @agreement.command(name="list")
    @app_commands.describe(school="Only this school team's agreements")
    async def list_(
        self,
        interaction: discord.Interaction[CopBot],
        school: app_commands.Transform[School, SchoolArg] | None = None,
    ) -> None:
        """The agreements you can see: your school teams', yours as a partner, or all for organizers."""
        assert interaction.guild_id is not None
        schools, organizer = await viewer(interaction)
        found = await self.repo.listed(interaction.guild_id, school_id=school.id if school else None)
        lines = [
            list_line(a)
            for a in found
            if rules.can_see(a, interaction.user.id, school_ids=schools, organizer=organizer)
        ]
        pages = paginate_lines(
            "Collaboration agreements",
            lines,
            empty="No agreements to show. Propose one with `/agreement propose`.",
        )
        await Paginator(interaction.user.id, pages).send(interaction)

    # -- complete, renew -----------------------------------------------------------------------------------

    @agreement.command(name="complete")
    @app_commands.rename(agreement="id")
    @app_commands.describe(agreement=ID_HELP)
    async def complete(self, interaction: discord.Interaction[CopBot], agreement: AgreementArg) -> None:
        """Mark an agreement completed (either side or an organizer); its reminders stop."""
        _, organizer = await viewer(interaction)
        with refusals():
            done = await self.service.complete(
                agreement.id,
                interaction.user.id,
                team_ids=await self._team_ids(agreement),
                organizer=organizer,
            )
        await refresh_card(self.bot, done)
        await interaction.response.send_message(f"Agreement #{done.id} is now **completed**.", ephemeral=True)

    @agreement.command(name="renew")
    @app_commands.rename(agreement="id")
    @app_commands.describe(agreement=ID_HELP, review="The new review date, e.g. '2027-12-15'")
    async def renew(
        self,
        interaction: discord.Interaction[CopBot],
        agreement: AgreementArg,
        review: app_commands.Range[str, 1, 100],
    ) -> None:
        """Renew an agreement with a later review date, so it doesn't lapse."""
        await self._school_of(agreement)
        _, organizer = await viewer(interaction)
        zone = await guild_zone(interaction)
        review_at = read_date("review", review, zone, now=self.bot.clock.now())
        with refusals():
            renewed = await self.service.renew(
                agreement.id,
                review_at,
                interaction.user.id,
                team_ids=await self._team_ids(agreement),
                organizer=organizer,
            )
        await refresh_card(self.bot, renewed)
        await interaction.response.send_message(
            f"Renewed agreement #{renewed.id}: the next review is {discord_timestamp(renewed.review_at, 'D')}.",
            ephemeral=True,
        )

    # -- hours ---------------------------------------------------------------------------------------------

    @agreement.command(name="hours")
    @organizer_only()
    async def hours(self, interaction: discord.Interaction[CopBot]) -> None:
        """Committed partner hours per month (human capital support), by status and by partner sector."""
        assert interaction.guild_id is not None
        by_status, by_group = rules.hours_report(await self.repo.hours_rows(interaction.guild_id))
        embed = discord.Embed(
            title="Human capital support: committed hours per month",
            description=(
                f"Groups of fewer than {rules.SMALL} agreements are not shown in detail. When a small group's "
                "hours could be worked out by subtracting the other lines from a total, a larger group is "
                "hidden too."
            ),
            colour=0x2E86AB,
        )
        embed.add_field(
            name="By status",
            value=fit_lines([line.text() for line in by_status]) or "No agreements yet.",
            inline=False,
        )
        embed.add_field(
            name="Open agreements by partner sector",
            value=fit_lines([line.text() for line in by_group]) or "No open agreements.",
            inline=False,
        )
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @propose.autocomplete("organization")
    async def organization_choices(
        self, interaction: discord.Interaction[CopBot], current: str
    ) -> list[app_commands.Choice[str]]:
        """Organisations named in members' profiles."""
        if interaction.guild_id is None:
            return []
        names = await ProfileRepository(self.bot.db).organizations_like(interaction.guild_id, current.strip())
        return [app_commands.Choice(name=name[:100], value=name[:100]) for name in names]
