"""An organizer by role can make the bot ping only what they could ping themselves: @everyone and roles that
aren't mentionable take Mention Everyone, for the member asking as well as for the bot."""

from __future__ import annotations

from emulator.driver import Actor
from tests.e2e.conftest import Community, eventually
from tests.e2e.test_announcements import _role
from tests.e2e.test_groups import group, setup_groups

MENTION_EVERYONE = 1 << 17
LABEL = "Mention @everyone, @here and All Roles"


async def organizer_by_role(community: Community) -> Actor:
    """carol: an organizer through the organizer role, in a server where @everyone can't mention everyone."""
    guild = await community.control.guild(community.guild_id)
    everyone = next(r for r in guild["roles"] if str(r["id"]) == community.guild_id)
    await community.control.call(
        "PATCH",
        f"/guilds/{community.guild_id}/roles/{community.guild_id}",
        {"permissions": str(int(everyone["permissions"]) & ~MENTION_EVERYONE)},
    )
    organizers = await _role(community, "Organizers", mentionable=False)
    await community.organizer.run("cop organizer-role", role=str(organizers))
    carol = await community.control.add_member(
        community.guild_id, "carol_coordinator", roles=[str(organizers)]
    )
    carol.channel_id = community.general_id

    async def settled() -> bool:
        guild = community.bot.get_guild(int(community.guild_id))
        member = guild.get_member(int(carol.user_id)) if guild else None
        return member is not None and not member.guild_permissions.mention_everyone

    await eventually(settled, what="carol in the bot's cache, without Mention Everyone")
    return carol


async def test_an_organizer_by_role_cannot_make_the_bot_ping_everyone_or_a_closed_role(
    community: Community,
) -> None:
    carol = await organizer_by_role(community)
    quiet = await _role(community, "Quiet", mentionable=False)
    open_role = await _role(community, "Volunteers", mentionable=True)
    for role, what in ((community.guild_id, "notify @everyone"), (str(quiet), f"notify <@&{quiet}>")):
        refused = await carol.run(
            "announce create", channel=community.general_id, when="tomorrow 9am", ping=role
        )
        assert not refused.is_modal
        assert refused.ephemeral
        assert f"You can't {what}" in refused.text
        assert f"**{LABEL}**" in refused.text
    allowed = await carol.run(
        "announce create", channel=community.general_id, when="tomorrow 9am", ping=open_role
    )
    assert allowed.is_modal, allowed.text
    admin = await community.organizer.run(
        "announce create", channel=community.general_id, when="tomorrow 9am", ping=community.guild_id
    )
    # The admin may; then it is the bot's own permission that is missing here, and it says so.
    assert "You can't" not in admin.text
    assert f"I can't notify @everyone: I need the **{LABEL}** permission" in admin.text


async def test_an_organizer_by_role_cannot_make_meeting_reminders_ping_a_closed_group_role(
    community: Community,
) -> None:
    await setup_groups(community)
    carol = await organizer_by_role(community)
    teachers = await group(community, "Teachers")
    refused = await carol.run(
        "meeting schedule", title="Lab night", when="in 3 days", audience="Teachers", ping_audience=True
    )
    assert f"You can't mention <@&{teachers.role_id}> in reminders" in refused.text
    assert "Scheduled" not in refused.text
    assert not await community.bot.db.fetchall("SELECT id FROM meetings")
    fine = await carol.run("meeting schedule", title="Lab night", when="in 3 days", audience="Teachers")
    assert "Scheduled" in (await community.control.settled(fine, "Scheduled")).text
